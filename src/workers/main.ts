// The worker process: `node dist/workers/main.js` (started by `npm start`, or on its own in production).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { buildActivitiesWithContext } from '../activities/build';
import { createDataConverter } from '../codec/data-converter';
import { metricsRegistry } from '../observability/metrics';
import { sdkLogger } from '../observability/sdk-logger';
import { startWorkerMetrics } from '../observability/worker-metrics';
import { registerAutotaskBudgetGauge } from '../providers/autotask/budget-metric';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createPool } from '../store/db';
import { SecretBox } from '../store/secret-box';
import { createSyncWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'calsync-worker');
  // The SDK's own logs (bundling, task failures, workflow log calls) as pino JSON, same threshold.
  const sdkLog = sdkLogger(log, config.LOG_LEVEL);
  // /metrics (calsync's and the SDK's) when an address is configured; the runtime is installed once.
  if (config.WORKER_METRICS_BIND_ADDRESS) await startWorkerMetrics(config.WORKER_METRICS_BIND_ADDRESS, sdkLog);
  else Runtime.install({ logger: sdkLog });
  if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL || !config.CALSYNC_SECRETS_KEYS) {
    throw new Error('the worker needs TEMPORAL_ADDRESS, DATABASE_URL and CALSYNC_SECRETS_KEYS');
  }
  // The container image ships a bundle built with the image; without one the worker bundles at start.
  const bundlePath = config.CALSYNC_WORKFLOW_BUNDLE && path.resolve(config.CALSYNC_WORKFLOW_BUNDLE);
  if (bundlePath && !existsSync(bundlePath)) {
    throw new Error(`CALSYNC_WORKFLOW_BUNDLE: ${bundlePath} does not exist (build it with npm run build:bundle)`);
  }
  const pool = createPool(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const { activities, context } = buildActivitiesWithContext({
    pool,
    box: new SecretBox(config.CALSYNC_SECRETS_KEYS),
    publicBaseUrl: config.PUBLIC_BASE_URL,
  });
  // calsync_autotask_budget_remaining{database=<tenant>} for the tenants this worker has served.
  registerAutotaskBudgetGauge({
    registry: metricsRegistry,
    source: context.connectors,
    databaseIds: () => context.connectors.autotaskTenants(),
  });
  const worker = await createSyncWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities,
    dataConverter: createDataConverter(config.CALSYNC_CODEC_KEYS),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
  });
  // Ctrl-C reaches every process of the terminal's group, then the supervisor sends SIGTERM: stop once.
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down: finishing tasks in flight');
    worker.shutdown();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowBundle: bundlePath || 'bundled at start' },
    'worker started'
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await pool.end();
  }
  log.info('worker stopped');
}

main().catch((err: Error) => {
  process.stderr.write(`calsync worker: ${err.message}\n`);
  process.exit(1);
});
