import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { buildActivities } from '../../src/activities/build';
import { createDataConverter } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';
import { ensureDevCertificate } from '../../src/emulators/dev-certificate';
import { type Sandbox, startSandbox } from '../../src/runtime/sandbox';
import { migrateToLatest } from '../../src/store/db';
import { SecretBox } from '../../src/store/secret-box';
import { searchAttributes } from '../../src/workflows/search-attributes';
import { userSync } from '../../src/workflows';
import type { UserSyncSettings } from '../../src/workflows/user-sync/types';
import { userSyncWorkflowId } from '../../src/workflows/user-sync/workflow-id';
import { createSyncWorker } from '../../src/workers/worker';
import { freshDatabase } from './database';

/**
 * A whole sync stack inside one test file: its own database on the shared PostgreSQL, the sandbox
 * emulators on free ports with the demo tenant and user, and workers on a task queue of its own,
 * against the shared Temporal dev server.
 */
let runtimeInstalled = false;

export async function startSyncStack(options: { codecKeys?: string } = {}) {
  if (!runtimeInstalled) {
    // Keep test output to warnings; the SDK logs every worker state change at INFO.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: integration tests run through the integration project');
  const db = await freshDatabase();
  await migrateToLatest(db.pool);
  const box = new SecretBox(SecretBox.generateKeySpec());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'calsync-stack-'));
  chmodSync(dataDir, 0o755);
  const config = loadConfig({
    GRAPH_EMULATOR_PORT: '0',
    NETSUITE_EMULATOR_PORT: '0',
    AUTOTASK_EMULATOR_PORT: '0',
    CALSYNC_SANDBOX_DEMO_INTERVAL_MS: '0',
  });
  // The project certificate is the one this process trusts (NODE_EXTRA_CA_CERTS, set by npm test).
  const certificate = await ensureDevCertificate(path.resolve(__dirname, '../../.data'));
  // Own tenant and user ids: workflow ids derive from them, and test files run in parallel.
  const suffix = randomBytes(4).toString('hex');
  const sandbox: Sandbox = await startSandbox({
    config,
    pool: db.pool,
    box,
    certificate,
    dataDir,
    tenantId: `t_test_${suffix}`,
    userId: `u_test_${suffix}`,
  });
  const connection = await Connection.connect({ address });
  const dataConverter = createDataConverter(options.codecKeys);
  const client = new Client({ connection, dataConverter });
  // What an operator without the codec sees (the Temporal UI or CLI without the codec server).
  const rawClient = new Client({ connection });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];

  return {
    db,
    box,
    sandbox,
    client,
    rawClient,
    taskQueue,
    workflowId: userSyncWorkflowId(sandbox.tenantId, sandbox.userId),
    async startWorker() {
      const native = await NativeConnection.connect({ address });
      const worker = await createSyncWorker({
        connection: native,
        namespace: 'default',
        taskQueue,
        activities: buildActivities({ pool: db.pool, box }),
        dataConverter,
      });
      const entry = { worker, running: worker.run(), connection: native };
      workers.push(entry);
      return entry;
    },
    async stopWorker(entry: { worker: Worker; running: Promise<void>; connection: NativeConnection }) {
      entry.worker.shutdown();
      await entry.running;
      await entry.connection.close();
      workers.splice(workers.indexOf(entry), 1);
    },
    async startUserSync(settings: Partial<UserSyncSettings> = {}) {
      return client.workflow.start(userSync, {
        workflowId: userSyncWorkflowId(sandbox.tenantId, sandbox.userId),
        taskQueue,
        args: [
          {
            tenantId: sandbox.tenantId,
            userId: sandbox.userId,
            settings: { pollIntervalMs: 500, maxHistoryEvents: 2000, ...settings },
          },
        ],
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: sandbox.tenantId },
          { key: searchAttributes.userId, value: sandbox.userId },
          { key: searchAttributes.syncState, value: 'running' },
        ],
      });
    },
    async close() {
      for (const entry of [...workers]) {
        entry.worker.shutdown();
        await entry.running.catch(() => undefined);
        await entry.connection.close();
      }
      await client.workflow
        .getHandle(userSyncWorkflowId(sandbox.tenantId, sandbox.userId))
        .terminate('test finished')
        .catch(() => undefined);
      await connection.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

export type SyncStack = Awaited<ReturnType<typeof startSyncStack>>;
