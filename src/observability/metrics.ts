import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * calsync's Prometheus metrics. One registry per process: the API serves it at `/metrics`, a worker
 * through `serveWorkerMetrics` (together with the Temporal SDK's own metrics). Labels hold names,
 * codes and directions only: never ids of people or events, which would explode cardinality and
 * leak data.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'calsync_' });

export const apiRequestDuration = new Histogram({
  name: 'calsync_api_request_duration_seconds',
  help: 'Admin API and webhook request latency, by route template and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export type WebhookSource = 'graph' | 'graph-lifecycle' | 'netsuite';
/**
 * What happened to one notification (or to a request refused as a whole):
 * signalled | not-syncing (no running workflow, dropped) | echo (the version we already stored:
 * our own write coming back, dropped) | validation (handshake echoed) |
 * unknown-subscription | forged (clientState or signature wrong) | stale | replayed |
 * malformed | unknown-tenant | not-configured | error (Temporal refused the signal).
 */
export type WebhookOutcome =
  | 'signalled'
  | 'not-syncing'
  | 'echo'
  | 'validation'
  | 'unknown-subscription'
  | 'forged'
  | 'stale'
  | 'replayed'
  | 'malformed'
  | 'unknown-tenant'
  | 'not-configured'
  | 'error';

const webhookNotifications = new Counter({
  name: 'calsync_webhook_notifications_total',
  help: 'Provider notifications received, by source and outcome',
  labelNames: ['source', 'outcome'] as const,
  registers: [metricsRegistry],
});

export function countWebhook(source: WebhookSource, outcome: WebhookOutcome, count = 1): void {
  webhookNotifications.inc({ source, outcome }, count);
}

/** Which way a change travelled, e.g. `outlook-to-netsuite`, `autotask-to-outlook`. */
export type PropagationDirection = `${'outlook' | 'netsuite' | 'autotask'}-to-${'outlook' | 'netsuite' | 'autotask'}`;

const propagation = new Histogram({
  name: 'calsync_propagation_seconds',
  help: 'Time from a change being seen on one side to it being written on the other, by direction',
  labelNames: ['direction'] as const,
  buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600],
  registers: [metricsRegistry],
});

/** The engine calls this after each propagated write: seconds since the change was seen. */
export function observePropagation(direction: PropagationDirection, seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) return;
  propagation.observe({ direction }, seconds);
}

const providerCalls = new Counter({
  name: 'calsync_provider_calls_total',
  help: 'Provider API calls by provider, operation and outcome (ok, or the provider error code)',
  labelNames: ['provider', 'operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Counts one provider call. `outcomeCode` is `ok`, or the error code (e.g. `ErrorItemNotFound`,
 * `CONCURRENCY_LIMIT_EXCEEDED`, `429`). Operations are names like `events.delta`, never URLs.
 */
export function countProviderCall(
  provider: 'graph' | 'netsuite' | 'autotask',
  operation: string,
  outcomeCode: string
): void {
  providerCalls.inc({ provider, operation, outcome: outcomeCode || 'unknown' });
}
