import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { buildApi } from '../../src/api/server';
import type { Pool } from 'pg';
import { buildActivities } from '../../src/activities/build';
import { createDataConverter } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';
import { ensureDevCertificate } from '../../src/emulators/dev-certificate';
import { freePort } from '../../src/runtime/free-port';
import { type Sandbox, startSandbox } from '../../src/runtime/sandbox';
import { migrateToLatest } from '../../src/store/db';
import { SecretBox } from '../../src/store/secret-box';
import { UserStore } from '../../src/store/users';
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

export async function startSyncStack(
  options: {
    codecKeys?: string;
    /**
     * Also run the admin API (its webhooks) on a free port and give workers its URL: user syncs
     * then keep a Graph subscription, and the Graph emulator posts change notifications to it.
     */
    webhooks?: boolean;
    /** A Temporal server and a PostgreSQL of the test's own (default: the shared ones). */
    temporalAddress?: string;
    databaseUrl?: string;
    /**
     * The tenant's NetSuite connection has the recurrence RESTlet installed (series native in
     * NetSuite). Default false: series reach NetSuite as single occurrences.
     */
    netsuiteNativeRecurrence?: boolean;
  } = {}
) {
  if (!runtimeInstalled) {
    // Keep test output to warnings; the SDK logs every worker state change at INFO.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: integration tests run through the integration project');
  const db = await freshDatabase(options.databaseUrl);
  await migrateToLatest(db.pool);
  const secretsKeys = SecretBox.generateKeySpec();
  const box = new SecretBox(secretsKeys);
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
    nativeRecurrence: options.netsuiteNativeRecurrence ?? false,
  });
  const connection = await Connection.connect({ address });
  const dataConverter = createDataConverter(options.codecKeys);
  const client = new Client({ connection, dataConverter });
  // What an operator without the codec sees (the Temporal UI or CLI without the codec server).
  const rawClient = new Client({ connection });
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];
  const api = options.webhooks ? await startWebhookApi(db.pool, client, box, taskQueue) : undefined;
  // Every user sync this stack started (the demo user's and added users'), terminated on close.
  const started = new Set<string>();

  return {
    db,
    box,
    /** What a worker process of its own needs to join this stack (see worker-kill.int.test.ts). */
    processEnv: { TEMPORAL_ADDRESS: address, DATABASE_URL: db.url, CALSYNC_SECRETS_KEYS: secretsKeys },
    sandbox,
    client,
    rawClient,
    taskQueue,
    /** The API's origin when started with `webhooks`. */
    apiUrl: api?.url,
    workflowId: userSyncWorkflowId(sandbox.tenantId, sandbox.userId),
    async startWorker() {
      const native = await NativeConnection.connect({ address });
      const worker = await createSyncWorker({
        connection: native,
        namespace: 'default',
        taskQueue,
        activities: buildActivities({ pool: db.pool, box, ...(api ? { publicBaseUrl: api.url } : {}) }),
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
    /** Lets go of a worker that stopped by itself (failed): its connection is closed, `close()` skips it. */
    async discardStoppedWorker(entry: { worker: Worker; running: Promise<void>; connection: NativeConnection }) {
      await entry.running.catch(() => undefined);
      await entry.connection.close();
      workers.splice(workers.indexOf(entry), 1);
    },
    /** Starts the demo user's sync, or (with `userId`) the sync of a user added with `addSyncedUser`. */
    async startUserSync(settings: Partial<UserSyncSettings> = {}, userId: string = sandbox.userId) {
      const workflowId = userSyncWorkflowId(sandbox.tenantId, userId);
      started.add(workflowId);
      // As the admin API's start does: other users' syncs count this user as synced from now on.
      await new UserStore(db.pool).setDesiredState(userId, 'running');
      return client.workflow.start(userSync, {
        workflowId,
        taskQueue,
        args: [
          {
            tenantId: sandbox.tenantId,
            userId,
            settings: { pollIntervalMs: 500, maxHistoryEvents: 2000, ...settings },
          },
        ],
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: sandbox.tenantId },
          { key: searchAttributes.userId, value: userId },
          { key: searchAttributes.syncState, value: 'running' },
        ],
      });
    },
    /**
     * Registers one more synced user in the sandbox tenant, as an admin would: a mailbox in the
     * same Microsoft 365 directory, a NetSuite employee and an Autotask resource. Start their
     * sync with `startUserSync(settings, user.userId)`.
     */
    async addSyncedUser(input: { name: string; mailbox: string; timeZone?: string; policy?: Record<string, unknown> }) {
      const timeZone = input.timeZone ?? 'America/New_York';
      const [firstName = input.name, ...rest] = input.name.split(' ');
      sandbox.graph.addMailbox(input.mailbox, { displayName: input.name, tenantId: sandbox.info.graph.directoryId });
      const employee = sandbox.netsuite.addEmployee({ name: input.name, email: input.mailbox, timeZone });
      const resourceId = Number(
        sandbox.autotask.userSide.createResource({ firstName, lastName: rest.join(' '), email: input.mailbox }).id
      );
      const userId = `u_${input.mailbox.split('@')[0]?.replace(/[^a-z0-9]/gi, '_')}_${suffix}`;
      await new UserStore(db.pool).upsert({
        id: userId,
        tenantId: sandbox.tenantId,
        mailbox: input.mailbox,
        netsuiteEmployeeId: employee.id,
        autotaskResourceId: resourceId,
        timeZone,
        policy: input.policy ?? {},
      });
      return { userId, mailbox: input.mailbox, employeeId: employee.id, resourceId };
    },
    async close() {
      for (const entry of [...workers]) {
        entry.worker.shutdown();
        await entry.running.catch(() => undefined);
        await entry.connection.close();
      }
      started.add(userSyncWorkflowId(sandbox.tenantId, sandbox.userId));
      for (const workflowId of started) {
        await client.workflow
          .getHandle(workflowId)
          .terminate('test finished')
          .catch(() => undefined);
      }
      await api?.app.close();
      await connection.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

/** The admin API listening on loopback (only its webhooks are used here), logging nothing. */
async function startWebhookApi(pool: Pool, temporal: Client, box: SecretBox, taskQueue: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await buildApi({
    temporal,
    pool,
    users: new UserStore(pool),
    taskQueue,
    syncSettings: { pollIntervalMs: 500, maxHistoryEvents: 2000 },
    logger: pino({ level: 'silent' }),
    secretBox: box,
    publicBaseUrl: url,
    docsUi: false,
  });
  await app.listen({ host: '127.0.0.1', port });
  return { app, url };
}

export type SyncStack = Awaited<ReturnType<typeof startSyncStack>>;
