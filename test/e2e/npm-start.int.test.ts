import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGraphClient } from '../../src/providers/graph';
import { directoryOf } from '../../src/providers/netsuite/entity-directory';
import { netSuiteToCanonical } from '../../src/providers/netsuite/mapping';
import { createNetSuiteClient } from '../../src/providers/netsuite/netsuite-client';
import { freePort } from '../../src/runtime/free-port';
import type { SandboxInfo } from '../../src/runtime/sandbox';
import { daysAhead, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';

/**
 * Starts the product the way `npm start` does (node --import tsx src/main.ts) with nothing configured but a data
 * folder and free ports: it must start its own Temporal dev server and PostgreSQL, the emulators and
 * the demo tenant, and sync an event made in the emulated Outlook into the emulated NetSuite.
 */
describe('npm start on embedded defaults', () => {
  const projectDir = path.resolve(__dirname, '../..');
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let ports: Record<string, number>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'calsync-e2e-'));
    chmodSync(dataDir, 0o755);
    // The test process trusts the project's emulator certificate; let the product use the same one.
    mkdirSync(path.join(dataDir, 'certs'));
    for (const file of ['emulators-cert.pem', 'emulators-key.pem']) {
      copyFileSync(path.join(projectDir, '.data/certs', file), path.join(dataDir, 'certs', file));
    }
    ports = {
      TEMPORAL_DEV_PORT: await freePort(),
      TEMPORAL_UI_PORT: await freePort(),
      EMBEDDED_PG_PORT: await freePort(),
      API_PORT: await freePort(),
      GRAPH_EMULATOR_PORT: await freePort(),
      NETSUITE_EMULATOR_PORT: await freePort(),
      AUTOTASK_EMULATOR_PORT: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      CALSYNC_DATA_DIR: dataDir,
      // Long enough that only Graph's change notifications (webhook → signal) can bring changes in time.
      SYNC_POLL_INTERVAL_MS: '120000',
      CALSYNC_SANDBOX_DEMO_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
    // The integration stack's own servers must not be used: the product starts its own.
    delete env.TEMPORAL_ADDRESS;
    delete env.DATABASE_URL;
    // Exactly what `npm start` runs.
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: projectDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      'the product to report ready',
      () => {
        if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
        return output.includes('[calsync] ready') ? true : undefined;
      },
      150_000
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- output ---\n${output}`);
    });
  }, 180_000);

  afterAll(async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  const sandbox = (): SandboxInfo =>
    JSON.parse(readFileSync(path.join(dataDir, 'sandbox.json'), 'utf8')) as SandboxInfo;
  const adminKey = () => readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
  const api = (route: string, method = 'GET') =>
    fetch(`http://127.0.0.1:${ports.API_PORT}${route}`, { method, headers: { authorization: `Bearer ${adminKey()}` } });

  const clients = () => {
    const info = sandbox();
    const graph = createGraphClient({
      tenantId: info.graph.directoryId,
      clientId: info.graph.clientId,
      clientSecret: info.graph.clientSecret,
      loginHost: info.graph.loginHost,
      graphBaseUrl: info.graph.baseUrl,
      scope: `${new URL(info.graph.baseUrl).origin}/.default`,
    });
    const netsuite = createNetSuiteClient({
      accountId: info.netsuite.accountId,
      baseUrl: info.netsuite.baseUrl,
      auth: {
        kind: 'm2m',
        clientId: info.netsuite.clientId,
        certificateId: info.netsuite.certificateId,
        privateKeyPem: info.netsuite.privateKeyPem,
        algorithm: 'PS256',
      },
    });
    return { info, graph, netsuite };
  };

  const findInNetSuite = async (netsuite: ReturnType<typeof clients>['netsuite'], title: string) => {
    for (const id of await netsuite.listCalendarEventIds()) {
      const record = await netsuite.getCalendarEvent(id);
      if (record?.title === title) return record;
    }
    return undefined;
  };

  it('starts Temporal, PostgreSQL, the API and the demo user sync by itself', async () => {
    expect(output).toContain('Temporal: starting the dev server');
    expect(output).toContain('PostgreSQL: embedded');
    expect(output).toContain(`API:          http://127.0.0.1:${ports.API_PORT}`);
    expect(output).toContain(`Temporal UI:  http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`);
    const ready = await fetch(`http://127.0.0.1:${ports.API_PORT}/readyz`);
    expect(ready.status).toBe(200);
    const status = (await (await api('/v1/users/u_demo/sync')).json()) as { state: string };
    expect(status.state).toBe('running');
  }, 30_000);

  it('brings an event made in Outlook into NetSuite through a change notification, fields intact, and stops when told', async () => {
    const { info, graph, netsuite } = clients();
    const [day, nextDay] = [daysAhead(-4), daysAhead(-3)];
    await graph.createEvent(
      info.mailbox,
      {
        subject: 'Quarterly review with Fabrikam',
        body: { contentType: 'text', content: 'Agenda: pricing, renewal dates.' },
        start: { dateTime: wallClock(day, '15:00'), timeZone: 'UTC' },
        end: { dateTime: wallClock(day, '16:30'), timeZone: 'UTC' },
        location: { displayName: 'Fabrikam HQ, Room 4' },
      },
      { itemId: 'e2e-item-1' }
    );
    const record = await eventually(
      'the event in NetSuite',
      () => findInNetSuite(netsuite, 'Quarterly review with Fabrikam'),
      60_000
    );
    const mapped = netSuiteToCanonical(record, { userTimeZone: 'America/New_York', entities: directoryOf([]) });
    expect(mapped.title).toBe('Quarterly review with Fabrikam');
    expect(mapped.description).toBe('Agenda: pricing, renewal dates.');
    expect(mapped.location).toBe('Fabrikam HQ, Room 4');
    expect(mapped.timing).toMatchObject({
      allDay: false,
      start: `${day}T15:00:00.000Z`,
      end: `${day}T16:30:00.000Z`,
    });

    const stopped = await api('/v1/users/u_demo/sync/stop', 'POST');
    expect(stopped.status).toBe(200);
    expect(((await stopped.json()) as { state: string }).state).toBe('stopped');

    await graph.createEvent(
      info.mailbox,
      {
        subject: 'Made after the sync stopped',
        start: { dateTime: wallClock(nextDay, '15:00'), timeZone: 'UTC' },
        end: { dateTime: wallClock(nextDay, '16:00'), timeZone: 'UTC' },
      },
      { itemId: 'e2e-item-2' }
    );
    // The subscription was deleted with the stop: no notification, no sync.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await findInNetSuite(netsuite, 'Made after the sync stopped')).toBeUndefined();
  }, 120_000);

  it('stops every process on Ctrl-C', async () => {
    // 'close', not 'exit': the last output lines may arrive after the process has exited.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[calsync] stopped');
    const open = (port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
    expect(await open(ports.TEMPORAL_DEV_PORT!)).toBe(false);
    expect(await open(ports.EMBEDDED_PG_PORT!)).toBe(false);
    expect(await open(ports.API_PORT!)).toBe(false);
  }, 60_000);
});
