import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ENCRYPTED_ENCODING } from '../../src/codec/aes-gcm-codec';
import { createDataConverter } from '../../src/codec/data-converter';
import { freePort } from '../../src/runtime/free-port';
import { SecretBox } from '../../src/store/secret-box';
import { userSyncWorkflowId } from '../../src/workflows/user-sync/workflow-id';
import { freshDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { descendants, isServer, type Proc, run, start } from './processes';

/**
 * The production start path: TEMPORAL_ADDRESS and DATABASE_URL point at servers someone else runs
 * (here the integration stack's dev server and PostgreSQL), and calsync must start nothing of its
 * own. The processes are the ones the image runs (migration job, API, worker with the prebuilt
 * bundle), from source through tsx; then the supervisor `npm start` in the same mode.
 */

const temporalAddress = () => {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run through the integration project');
  return address;
};

/** The settings a deployment gives; nothing inherited that could start or pick other servers. */
function productionEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['CALSYNC_CODEC_KEYS', 'CALSYNC_CONFIG_FILE', 'TEMPORAL_CLI_PATH', 'WORKER_METRICS_BIND_ADDRESS'])
    delete env[name];
  return {
    ...env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    CALSYNC_SANDBOX: 'off',
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    API_HOST: '127.0.0.1',
    CALSYNC_SECRETS_KEYS: SecretBox.generateKeySpec('s1'),
    // Payload encryption on, as docker-compose.yml requires it.
    CALSYNC_CODEC_KEYS: SecretBox.generateKeySpec('c1'),
    CALSYNC_BOOTSTRAP_ADMIN_KEY: `csk_${randomBytes(24).toString('hex')}`,
    ...overrides,
  };
}

const readyz = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
};

function expectNoServersStarted(root: number, expectedNodeChildren: number) {
  const tree = descendants(root);
  expect(tree.filter(isServer)).toEqual([]);
  // Only calsync's own node processes (none for a single entry point, the worker and the API for
  // the supervisor), and the esbuild service tsx runs to compile the sources (not in the image).
  expect(tree.filter((p) => p.comm !== 'esbuild').map((p) => p.comm)).toEqual(
    Array<string>(expectedNodeChildren).fill('node')
  );
}

function expectNoServerState(dataDir: string) {
  const entries = existsSync(dataDir) ? readdirSync(dataDir) : [];
  expect(entries.filter((name) => /temporal|postgres|pg/i.test(name))).toEqual([]);
}

describe('production start: migration job, API and worker against an existing Temporal and PostgreSQL', () => {
  const procs: Proc[] = [];
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let env: NodeJS.ProcessEnv;
  let apiPort: number;
  let dataDir: string;
  let bundle: string;
  let api: Proc;
  let worker: Proc;
  const taskQueue = `deploy-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await freshDatabase();
    const root = mkdtempSync(path.join(tmpdir(), 'calsync-deploy-'));
    dataDir = path.join(root, 'data');
    bundle = path.join(root, 'workflow-bundle.js');
    apiPort = await freePort();
    env = productionEnv({
      DATABASE_URL: db.url,
      API_PORT: String(apiPort),
      TEMPORAL_TASK_QUEUE: taskQueue,
      CALSYNC_DATA_DIR: dataDir,
      CALSYNC_WORKFLOW_BUNDLE: bundle,
    });
    const built = await run(['--import', 'tsx', 'scripts/build-workflow-bundle.ts', '--out', bundle], env, 120_000);
    expect([built.code, built.output]).toEqual([0, expect.stringContaining('workflow bundle:')]);
  }, 150_000);

  afterAll(async () => {
    for (const proc of procs) proc.kill();
    await db?.drop();
  });

  it('the migration job applies the schema and exits 0; run again, it finds nothing to do', async () => {
    const first = await run(['--import', 'tsx', 'src/migrate-main.ts'], env);
    expect([first.code, first.output]).toEqual([0, expect.stringContaining('migrations applied')]);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    const again = await run(['--import', 'tsx', 'src/migrate-main.ts'], env);
    expect([again.code, again.output]).toEqual([0, expect.stringContaining('schema is up to date')]);
  }, 90_000);

  it('the migration job fails with a clear message when DATABASE_URL is missing', async () => {
    const result = await run(['--import', 'tsx', 'src/migrate-main.ts'], { ...env, DATABASE_URL: '' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('the migration job needs DATABASE_URL');
  }, 60_000);

  it('the API and the worker become ready and healthy, and start no server of their own', async () => {
    worker = start(['--import', 'tsx', 'src/workers/main.ts'], env);
    api = start(['--import', 'tsx', 'src/api/main.ts'], env);
    procs.push(worker, api);

    const ready = await eventually(
      'the API to answer /readyz with 200',
      async () => {
        if (api.child.exitCode !== null) throw new Error(`it exited with ${api.child.exitCode}: ${api.output()}`);
        return readyz(apiPort);
      },
      90_000
    );
    expect(ready.status).toBe('ready');
    await eventually(
      'the worker to start',
      () => (worker.output().includes('"msg":"worker started"') ? true : undefined),
      90_000
    );
    // The prebuilt bundle, not webpack at start.
    expect(worker.output()).toContain(`"workflowBundle":"${bundle}"`);

    const apiHealth = await run(['--import', 'tsx', 'deploy/healthcheck.js', 'api'], env);
    expect([apiHealth.code, apiHealth.output]).toEqual([0, expect.stringContaining('healthy: API answers')]);
    const workerHealth = await eventually(
      'the worker health check to pass',
      async () => {
        const result = await run(['--import', 'tsx', 'deploy/healthcheck.js', 'worker'], env);
        return result.code === 0 ? result : undefined;
      },
      60_000
    );
    expect(workerHealth.output).toContain(`healthy: worker polls task queue ${taskQueue}`);

    // Nothing of their own: no child process at all, and no server state in the data dir.
    expectNoServersStarted(api.child.pid!, 0);
    expectNoServersStarted(worker.child.pid!, 0);
    expectNoServerState(dataDir);
  }, 180_000);

  it('the worker health check fails for a task queue this host does not poll', async () => {
    const result = await run(['--import', 'tsx', 'deploy/healthcheck.js', 'worker'], {
      ...env,
      TEMPORAL_TASK_QUEUE: `${taskQueue}-nobody`,
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('unhealthy: no workflow poller of this container');
  }, 60_000);

  it('the API admits the configured bootstrap admin key', async () => {
    const headers = { authorization: `Bearer ${env.CALSYNC_BOOTSTRAP_ADMIN_KEY}` };
    expect((await fetch(`http://127.0.0.1:${apiPort}/v1/tenants`, { headers })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/v1/tenants`)).status).toBe(401);
  });

  it('the worker runs user-sync workflows from the prebuilt bundle', async () => {
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      // The same data converter as calsync's own clients: the worker decrypts what we send.
      const client = new Client({
        connection,
        namespace: 'default',
        dataConverter: createDataConverter(env.CALSYNC_CODEC_KEYS),
      });
      const workflowId = userSyncWorkflowId('t_deploy', `u_${randomBytes(4).toString('hex')}`);
      const handle = await client.workflow.start('userSync', {
        taskQueue,
        workflowId,
        args: [
          { tenantId: 't_deploy', userId: 'u_deploy', settings: { pollIntervalMs: 60_000, maxHistoryEvents: 2000 } },
        ],
      });
      // A query is answered by the worker's workflow code: the bundle is loaded and running.
      const status = await eventually(
        'the workflow to answer its status query',
        async () => handle.query<{ state: string }>('status'),
        60_000
      );
      expect(['running', 'degraded', 'needs-attention']).toContain(status.state);
      // And what reaches Temporal is encrypted.
      const history = await handle.fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      expect(Buffer.from(input?.metadata?.encoding ?? new Uint8Array()).toString()).toBe(ENCRYPTED_ENCODING);
      await handle.terminate('deployment test done');
    } finally {
      await connection.close();
    }
  }, 90_000);

  it('on SIGTERM the worker drains and the API closes, both exiting 0', async () => {
    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await api.exited(30_000)).toBe(0);
    expect(await worker.exited(45_000)).toBe(0);
    expect(worker.output()).toContain('shutting down: finishing tasks in flight');
    expect(worker.output()).toContain('"msg":"worker stopped"');
  }, 90_000);
});

describe('npm start (the supervisor) with TEMPORAL_ADDRESS and DATABASE_URL set', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let supervisor: Proc | undefined;

  afterAll(async () => {
    supervisor?.kill();
    await db?.drop();
  });

  it('connects to them and starts only the worker and the API', async () => {
    db = await freshDatabase();
    const root = mkdtempSync(path.join(tmpdir(), 'calsync-deploy-npm-start-'));
    const dataDir = path.join(root, 'data');
    const apiPort = await freePort();
    const env = productionEnv({
      DATABASE_URL: db.url,
      API_PORT: String(apiPort),
      TEMPORAL_TASK_QUEUE: `deploy-npm-start-${randomBytes(4).toString('hex')}`,
      CALSYNC_DATA_DIR: dataDir,
      // Ports it would use for its own servers, free and unused: nothing may appear there.
      TEMPORAL_DEV_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    supervisor = start(['--import', 'tsx', 'src/main.ts'], env);
    await eventually(
      'the supervisor to report ready',
      () => {
        if (supervisor!.child.exitCode !== null)
          throw new Error(`it exited with ${supervisor!.child.exitCode}: ${supervisor!.output()}`);
        return supervisor!.output().includes('[calsync] ready') ? true : undefined;
      },
      150_000
    );
    const output = supervisor.output();
    expect(output).toContain(`[calsync] Temporal: existing cluster at ${temporalAddress()}`);
    expect(output).not.toContain('starting the dev server');
    expect(output).not.toContain('PostgreSQL: embedded');
    expect(output).not.toContain('sandbox mode');
    expect(await readyz(apiPort)).toMatchObject({ status: 'ready' });

    expectNoServersStarted(supervisor.child.pid!, 2);
    const children = descendants(supervisor.child.pid!).map((p) => p.cmdline);
    expect(children.some((cmd) => cmd.includes(path.join('src', 'workers', 'main.ts')))).toBe(true);
    expect(children.some((cmd) => cmd.includes(path.join('src', 'api', 'main.ts')))).toBe(true);
    expectNoServerState(dataDir);
  }, 200_000);

  it('stops on SIGTERM after its children, exiting 0', async () => {
    const childPids = descendants(supervisor!.child.pid!)
      .filter((p) => p.comm === 'node')
      .map((p) => p.pid);
    supervisor!.child.kill('SIGTERM');
    const code = await supervisor!.exited(60_000);
    const left = childPids.filter((pid) => existsSync(`/proc/${pid}`));
    expect({ code, left }).toEqual({ code: 0, left: [] });
    expect(supervisor!.output()).toContain('[calsync] stopped');
  }, 90_000);
});
