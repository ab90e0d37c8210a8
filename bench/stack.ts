import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { ConnectorRegistry } from '../src/activities/connectors';
import { ensureDevCertificate } from '../src/emulators/dev-certificate';
import { DEFAULT_API_USER, startAutotaskEmulator } from '../src/emulators/autotask';
import { AutotaskClient } from '../src/providers/autotask';
import { startGraphEmulator } from '../src/emulators/graph';
import { startNetSuiteEmulator } from '../src/emulators/netsuite';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { freePort } from '../src/runtime/free-port';
import { resolveTemporal } from '../src/runtime/temporal-cli';
import { startTemporalDevServer } from '../src/runtime/temporal-dev-server';
import { createPool, migrateToLatest } from '../src/store/db';
import { SecretBox } from '../src/store/secret-box';
import { TenantStore } from '../src/store/tenants';
import { UserStore } from '../src/store/users';
import { allSearchAttributes, searchAttributes } from '../src/workflows/search-attributes';
import { userSyncWorkflowId } from '../src/workflows/user-sync/workflow-id';

/**
 * The benchmark's own stack: a Temporal dev server and an embedded PostgreSQL in a temporary
 * folder, the three emulators in this process (with latency), one tenant, and the worker and the
 * API as child processes (so their RSS and CPU are their own). Everything stops with `close()`.
 */
export const TENANT = 't_bench';
const projectDir = path.resolve(__dirname, '..');

export interface BenchUser {
  userId: string;
  mailbox: string;
  employeeId: string;
  resourceId: number;
}

export async function startBenchStack(options: {
  latencyMs: number;
  log: (line: string) => void;
  /**
   * Push on (default): Graph change notifications (subscriptions to the API's webhook) and the
   * NetSuite SuiteScript push, as in production. Off: polling only, for comparison.
   */
  push?: boolean;
  /** Where the worker and the API write V8 CPU profiles when they exit (off when unset). */
  cpuProfileDir?: string;
  /** Autotask's concurrent requests per endpoint, in the emulator and the tenant's setting (default 3). */
  autotaskThreads?: number;
}) {
  const push = options.push ?? true;
  const root = mkdtempSync(path.join(tmpdir(), 'calsync-bench-'));
  chmodSync(root, 0o755);
  const stops: (() => Promise<void>)[] = [];
  const log = options.log;
  const target = await resolveTemporal({ env: process.env, projectDir, log });
  if (target.kind !== 'cli') throw new Error('unreachable');
  const [temporal, pg] = await Promise.all([
    startTemporalDevServer({
      cliPath: target.path,
      dataDir: path.join(root, 'temporal'),
      port: await freePort(),
      namespace: 'default',
      searchAttributes: allSearchAttributes,
    }),
    startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), log }),
  ]);
  stops.push(
    () => temporal.stop(),
    () => pg.stop()
  );
  const pool: Pool = createPool(pg.url, 10);
  await migrateToLatest(pool);
  const keySpec = SecretBox.generateKeySpec();
  const box = new SecretBox(keySpec);
  const certificate = await ensureDevCertificate(path.join(projectDir, '.data'));

  const graph = await startGraphEmulator({
    tls: { key: certificate.key, cert: certificate.cert },
    maxConcurrentPerMailbox: 4,
  });
  graph.faults.set({ latencyMs: options.latencyMs });
  const netsuite = await startNetSuiteEmulator({ latencyMs: options.latencyMs, concurrencyLimit: 20 });
  // Autotask's real limit is 10,000 requests/hour per database; raised here so that the
  // throughput being measured is calsync's, not the emulated budget's (see BENCHMARKS.md).
  // The baseline is another integration, with Autotask threads of its own (3 per integration and
  // endpoint): on calsync's integration code it took calsync's threads, and both failed ThreadLimit.
  const baselineApiUser = { integrationCode: 'BENCHBASELINE0001', userName: 'baseline@example.com', secret: 'b' };
  const autotask = await startAutotaskEmulator({
    latencyMs: options.latencyMs,
    requestsPerHour: 100_000_000,
    threadSlots: options.autotaskThreads ?? 3,
    apiUsers: [DEFAULT_API_USER, baselineApiUser],
  });

  const graphApp = { tenantId: 'bench-directory', clientId: 'calsync-bench-app', clientSecret: 'bench-graph-secret' };
  graph.registerApp(graphApp);
  // The API's address is fixed up front: Graph subscriptions and the NetSuite push point at it.
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const pushSecret = randomBytes(24).toString('base64url');
  if (push) netsuite.configurePush({ url: `${apiUrl}/webhooks/netsuite/${TENANT}`, secret: pushSecret });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const m2m = { clientId: 'calsync-bench-integration', certificateId: 'bench-cert-1' };
  netsuite.registerM2M({ ...m2m, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const tenants = new TenantStore(pool, box);
  await tenants.upsert(
    {
      id: TENANT,
      name: 'Benchmark tenant',
      sandbox: true,
      policy: {},
      connections: {
        graph: {
          directoryId: graphApp.tenantId,
          clientId: graphApp.clientId,
          cloud: 'global',
          loginHost: graph.loginUrl,
          graphBaseUrl: graph.baseUrl,
          scope: graph.scope,
        },
        netsuite: {
          accountId: netsuite.accountId,
          auth: 'm2m',
          ...m2m,
          algorithm: 'PS256',
          restBaseUrl: netsuite.baseUrl,
          pushInstalled: push,
          recurrenceRestletInstalled: false,
          concurrencyLimit: 20,
        },
        autotask: {
          username: autotask.credentials.userName,
          zoneDiscoveryUrl: autotask.zoneLookupUrl,
          hourlyBudgetShare: 1,
          threadsPerEndpoint: options.autotaskThreads ?? 3,
        },
      },
    },
    {
      graph: { clientSecret: graphApp.clientSecret },
      netsuite: { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      ...(push ? { netsuitePush: { secret: pushSecret } } : {}),
      autotask: { secret: autotask.credentials.secret, integrationCode: autotask.credentials.integrationCode },
    }
  );
  stops.unshift(async () => void (await Promise.allSettled([graph.close(), netsuite.close(), autotask.close()])));
  const users = new UserStore(pool);

  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  stops.unshift(() => connection.close());
  const taskQueue = `bench-${randomBytes(3).toString('hex')}`;
  const childEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: pg.url,
    CALSYNC_SECRETS_KEYS: keySpec,
    TEMPORAL_TASK_QUEUE: taskQueue,
    NODE_EXTRA_CA_CERTS: certificate.certPath,
    LOG_LEVEL: 'warn',
    CALSYNC_SANDBOX: 'off',
  };
  const children: ChildProcess[] = [];
  const spawnChild = (script: string, extra: Record<string, string> = {}) => {
    // `--cpu-prof DIR`: each process writes a V8 CPU profile there when it exits.
    const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(projectDir, script)], {
      env: { ...childEnv, ...extra },
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: projectDir,
    });
    child.stderr?.on('data', (chunk: Buffer) =>
      log(`[${path.basename(script)}] ${chunk.toString().trim().slice(0, 400)}`)
    );
    children.push(child);
    return child;
  };

  let counter = 0;
  return {
    root,
    pool,
    box,
    client,
    taskQueue,
    graph,
    netsuite,
    autotask,
    temporalAddress: temporal.address,
    temporalPid: temporal.process.pid,
    /** Direct provider clients for the baseline (same auth and transport as the worker's). */
    connectors: async () => ({
      ...(await new ConnectorRegistry(tenants).forTenant(TENANT)),
      autotask: new AutotaskClient({
        credentials: baselineApiUser,
        zoneLookupUrl: autotask.zoneLookupUrl,
        databaseId: 'bench-baseline',
      }),
    }),
    apiUrl,
    push,
    // Without PUBLIC_BASE_URL the worker makes no Graph subscriptions (polling only).
    startWorker: () => spawnChild('src/workers/main.ts', push ? { PUBLIC_BASE_URL: apiUrl } : {}),
    startApi: () =>
      spawnChild('src/api/main.ts', { API_PORT: String(apiPort), API_HOST: '127.0.0.1', PUBLIC_BASE_URL: apiUrl }),
    /** Makes a person in all three systems (not yet synced). */
    addPerson(prefix = 'u'): BenchUser {
      counter += 1;
      const mailbox = `${prefix}${counter}@bench.example`;
      graph.addMailbox(mailbox, { displayName: `Bench ${counter}`, tenantId: graphApp.tenantId });
      const employee = netsuite.addEmployee({ name: `Bench ${counter}`, email: mailbox, timeZone: 'America/New_York' });
      const resource = autotask.userSide.createResource({
        firstName: 'Bench',
        lastName: String(counter),
        email: mailbox,
      });
      return { userId: `${prefix}_${counter}`, mailbox, employeeId: employee.id, resourceId: Number(resource.id) };
    },
    async register(user: BenchUser) {
      await users.upsert({
        id: user.userId,
        tenantId: TENANT,
        mailbox: user.mailbox,
        netsuiteEmployeeId: user.employeeId,
        autotaskResourceId: user.resourceId,
        timeZone: 'America/New_York',
        policy: {},
      });
    },
    async startSync(
      user: BenchUser,
      pollIntervalMs: number,
      tenantPollIntervalMs: number,
      subscribedPollIntervalMs = pollIntervalMs
    ) {
      await client.workflow.start('userSync', {
        workflowId: userSyncWorkflowId(TENANT, user.userId),
        taskQueue,
        args: [
          {
            tenantId: TENANT,
            userId: user.userId,
            settings: { pollIntervalMs, tenantPollIntervalMs, subscribedPollIntervalMs, maxHistoryEvents: 2000 },
          },
        ],
        workflowIdConflictPolicy: 'TERMINATE_EXISTING',
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: TENANT },
          { key: searchAttributes.userId, value: user.userId },
          { key: searchAttributes.syncState, value: 'running' },
        ],
      });
    },
    async stopSync(user: BenchUser) {
      await client.workflow
        .getHandle(userSyncWorkflowId(TENANT, user.userId))
        .terminate('bench phase over')
        .catch(() => undefined);
    },
    async close() {
      for (const child of children) {
        if (child.exitCode === null) child.kill('SIGTERM');
      }
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              const t = setTimeout(() => {
                c.kill('SIGKILL');
                resolve();
              }, 25_000);
              c.once('exit', () => {
                clearTimeout(t);
                resolve();
              });
            })
        )
      );
      await pool.end().catch(() => undefined);
      for (const stop of stops) await stop().catch((err: Error) => log(`stop: ${err.message}`));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

/** RSS (bytes) and CPU time (seconds, user + system) of a process, from /proc. */
export function processStats(pid: number | undefined): { rss: number; cpuSeconds: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rss: rssKb * 1024, cpuSeconds: ticks / 100 };
  } catch {
    return undefined;
  }
}
