import { countProviderCall, countWebhook, metricsRegistry, observePropagation } from '../../src/observability/metrics';

const metric = async (name: string) => (await metricsRegistry.getSingleMetricAsString(name)).split('\n');

describe('calsync metrics', () => {
  it('records propagation latency per direction in a histogram', async () => {
    observePropagation('outlook-to-netsuite', 1.5);
    observePropagation('outlook-to-netsuite', 40);
    observePropagation('autotask-to-outlook', 0.2);
    const lines = await metric('calsync_propagation_seconds');
    expect(lines).toContain('calsync_propagation_seconds_bucket{le="2",direction="outlook-to-netsuite"} 1');
    expect(lines).toContain('calsync_propagation_seconds_bucket{le="60",direction="outlook-to-netsuite"} 2');
    expect(lines).toContain('calsync_propagation_seconds_count{direction="outlook-to-netsuite"} 2');
    expect(lines).toContain('calsync_propagation_seconds_sum{direction="autotask-to-outlook"} 0.2');
  });

  it('ignores impossible durations instead of polluting the histogram', async () => {
    observePropagation('netsuite-to-outlook', -1);
    observePropagation('netsuite-to-outlook', Number.NaN);
    expect((await metric('calsync_propagation_seconds')).some((l) => l.includes('netsuite-to-outlook'))).toBe(false);
  });

  it('counts provider calls by provider, operation and outcome code', async () => {
    countProviderCall('graph', 'events.delta', 'ok');
    countProviderCall('graph', 'events.delta', 'ok');
    countProviderCall('netsuite', 'calendarEvent.upsert', 'CONCURRENCY_LIMIT_EXCEEDED');
    const lines = await metric('calsync_provider_calls_total');
    expect(lines).toContain('calsync_provider_calls_total{provider="graph",operation="events.delta",outcome="ok"} 2');
    expect(lines).toContain(
      'calsync_provider_calls_total{provider="netsuite",operation="calendarEvent.upsert",outcome="CONCURRENCY_LIMIT_EXCEEDED"} 1'
    );
  });

  it('counts webhook notifications by source and outcome', async () => {
    countWebhook('graph', 'forged');
    countWebhook('netsuite', 'replayed', 3);
    const lines = await metric('calsync_webhook_notifications_total');
    expect(lines).toContain('calsync_webhook_notifications_total{source="graph",outcome="forged"} 1');
    expect(lines).toContain('calsync_webhook_notifications_total{source="netsuite",outcome="replayed"} 3');
  });

  it('exposes process metrics under the calsync prefix', async () => {
    expect(await metricsRegistry.metrics()).toMatch(/^calsync_process_resident_memory_bytes \d+/m);
    expect(await metricsRegistry.metrics()).toMatch(/^calsync_nodejs_eventloop_lag_seconds /m);
  });
});
