import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { metricsRegistry, observePropagation } from '../../src/observability/metrics';
import { startWorkerMetrics } from '../../src/observability/worker-metrics';
import { registerAutotaskBudgetGauge } from '../../src/providers/autotask/budget-metric';
import { echoSubject } from '../codec/support/workflows';

/*
 * A worker's one scrape target: calsync's own metrics (propagation, provider calls, the Autotask
 * budget from the provider gate) followed by the Temporal SDK's metrics from the runtime exporter.
 */

let server: Server;
let worker: Worker;
let running: Promise<void>;
let native: NativeConnection;
let connection: Connection;

beforeAll(async () => {
  // As a worker process does: before its NativeConnection exists.
  server = await startWorkerMetrics('127.0.0.1:0');
  native = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const taskQueue = `metrics-${randomUUID()}`;
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath: require.resolve('../codec/support/workflows'),
  });
  running = worker.run();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  await new Client({ connection }).workflow.execute(echoSubject, {
    taskQueue,
    workflowId: `metrics-${randomUUID()}`,
    args: [{ subject: 'x' }],
  });
  registerAutotaskBudgetGauge({
    registry: metricsRegistry,
    source: { remaining: async () => 4321 },
    databaseIds: () => ['db-1'],
  });
}, 120_000);

afterAll(async () => {
  server?.close();
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
});

const scrape = async (path = '/metrics') => fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);

it('serves calsync metrics and the Temporal SDK metrics on one address', async () => {
  observePropagation('outlook-to-autotask', 3);
  const res = await scrape();
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toContain('calsync_propagation_seconds_count{direction="outlook-to-autotask"} 1');
  expect(text).toContain('calsync_autotask_budget_remaining{database="db-1"} 4321');
  expect(text).toMatch(/^temporal_workflow_completed_total\{.*\} [1-9]/m);
  expect(text).toMatch(/^temporal_request_total\{/m);
});

it('answers 404 for anything but /metrics', async () => {
  expect((await scrape('/other')).status).toBe(404);
});
