// `npm start`: the whole product on one machine. Starts (or connects to) Temporal and PostgreSQL,
// applies migrations, starts the emulators with a demo tenant in sandbox mode, then runs the worker
// and the API as child processes. Ctrl-C stops everything, children first.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ConfigError, type Config, loadConfig } from './config';
import { ensureDevCertificate } from './emulators/dev-certificate';
import { startEmbeddedPostgres } from './runtime/embedded-postgres';
import { ProcessGroup } from './runtime/process-group';
import { type Sandbox, startSandbox } from './runtime/sandbox';
import { ensureSearchAttributes } from './runtime/search-attribute-registration';
import { resolveTemporal } from './runtime/temporal-cli';
import { startTemporalDevServer } from './runtime/temporal-dev-server';
import { waitUntil } from './runtime/wait-until';
import { createPool, migrateToLatest } from './store/db';
import { SecretBox } from './store/secret-box';
import { allSearchAttributes } from './workflows/search-attributes';

const say = (line: string) => process.stdout.write(`[calsync] ${line}\n`);
const projectDir = path.resolve(__dirname, '..');
const stops: { name: string; stop: () => Promise<unknown> }[] = [];
let group: ProcessGroup | undefined;

function secretsKeys(config: Config, dataDir: string): string {
  if (config.CALSYNC_SECRETS_KEYS) return config.CALSYNC_SECRETS_KEYS;
  // Local runs keep a generated key beside the data it protects; production must configure one.
  const file = path.join(dataDir, 'secrets.keys');
  if (!existsSync(file)) writeFileSync(file, SecretBox.generateKeySpec(), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Keys of the payload codec: configured, or generated once for local runs (like the secrets keys). */
function codecKeys(config: Config, dataDir: string): string {
  if (config.CALSYNC_CODEC_KEYS) return config.CALSYNC_CODEC_KEYS;
  const file = path.join(dataDir, 'codec.keys');
  if (!existsSync(file)) writeFileSync(file, SecretBox.generateKeySpec('c1'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The first admin API key: configured, or generated once for local runs and kept under the data dir. */
function bootstrapAdminKey(config: Config, dataDir: string): string {
  if (config.CALSYNC_BOOTSTRAP_ADMIN_KEY) return config.CALSYNC_BOOTSTRAP_ADMIN_KEY;
  const file = path.join(dataDir, 'admin.key');
  if (!existsSync(file)) writeFileSync(file, `csk_${randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function startTemporal(config: Config, dataDir: string): Promise<string> {
  const target = await resolveTemporal({ env: process.env, projectDir, log: say });
  if (target.kind === 'existing-cluster') {
    const connection = await Connection.connect({ address: target.address });
    const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, allSearchAttributes);
    await connection.close();
    say(`Temporal: existing cluster at ${target.address}${added.length ? ` (registered ${added.join(', ')})` : ''}`);
    return target.address;
  }
  say(`Temporal: starting the dev server (${target.source}: ${target.path})`);
  const server = await startTemporalDevServer({
    cliPath: target.path,
    dataDir: path.join(dataDir, 'temporal'),
    port: config.TEMPORAL_DEV_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    searchAttributes: allSearchAttributes,
  });
  stops.push({ name: 'Temporal dev server', stop: server.stop });
  return server.address;
}

async function startPostgres(config: Config, dataDir: string): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const pg = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, log: say });
  stops.push({ name: 'PostgreSQL', stop: pg.stop });
  say(`PostgreSQL: embedded, on port ${config.EMBEDDED_PG_PORT}, data in ${path.join(dataDir, 'postgres')}`);
  return pg.url;
}

async function shutdown(group: ProcessGroup, code: number): Promise<never> {
  say('stopping...');
  await group.stopAll();
  for (const { name, stop } of stops.reverse()) {
    try {
      await stop();
    } catch (err) {
      say(`${name} did not stop cleanly: ${(err as Error).message}`);
    }
  }
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = path.resolve(config.CALSYNC_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const [temporalAddress, databaseUrl] = await Promise.all([
    startTemporal(config, dataDir),
    startPostgres(config, dataDir),
  ]);
  const pool = createPool(databaseUrl, 4);
  stops.push({ name: 'database pool', stop: () => pool.end() });
  const { applied } = await migrateToLatest(pool);
  if (applied.length) say(`migrations applied: ${applied.join(', ')}`);
  const keys = secretsKeys(config, dataDir);
  const adminKey = bootstrapAdminKey(config, dataDir);

  const realTenants = await pool.query('SELECT 1 FROM tenants WHERE NOT sandbox LIMIT 1');
  const sandboxOn =
    config.CALSYNC_SANDBOX === 'on' || (config.CALSYNC_SANDBOX === 'auto' && realTenants.rowCount === 0);
  let sandbox: Sandbox | undefined;
  let caCerts = process.env.NODE_EXTRA_CA_CERTS;
  if (sandboxOn) {
    const certificate = await ensureDevCertificate(dataDir);
    caCerts = certificate.certPath;
    sandbox = await startSandbox({
      config,
      pool,
      box: new SecretBox(keys),
      certificate,
      dataDir,
      publicBaseUrl: publicBaseUrl(config),
    });
    stops.push({ name: 'emulators', stop: () => sandbox!.close() });
    say(`sandbox mode: emulators running, demo tenant ${sandbox.tenantId} with user ${sandbox.userId}`);
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    CALSYNC_SECRETS_KEYS: keys,
    CALSYNC_BOOTSTRAP_ADMIN_KEY: adminKey,
    CALSYNC_CODEC_KEYS: codecKeys(config, dataDir),
    // Graph calls our webhooks here; locally that is the API itself (the emulator runs beside it).
    PUBLIC_BASE_URL: publicBaseUrl(config),
    ...(caCerts ? { NODE_EXTRA_CA_CERTS: caCerts } : {}),
  };
  group = new ProcessGroup((name, code, signal) => {
    say(`${name} exited unexpectedly (${signal ?? code}); stopping everything`);
    void shutdown(group!, 1);
  });
  const ext = path.extname(__filename);
  group.start('worker', path.join(__dirname, 'workers', `main${ext}`), childEnv);
  group.start('api', path.join(__dirname, 'api', `main${ext}`), childEnv);
  const running = group;
  process.once('SIGINT', () => void shutdown(running, 0));
  process.once('SIGTERM', () => void shutdown(running, 0));

  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  await waitUntil(
    'the API',
    async () => {
      const response = await fetch(`${apiUrl}/readyz`);
      if (!response.ok) throw new Error(`readyz answered ${response.status}`);
    },
    { timeoutMs: 120_000 }
  );
  if (sandbox) {
    const response = await fetch(`${apiUrl}/v1/users/${sandbox.userId}/sync/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    if (!response.ok)
      throw new Error(`starting the demo user's sync failed: ${response.status} ${await response.text()}`);
    sandbox.startDemoActivity();
  }
  say(`API:          ${apiUrl}`);
  say(`API docs:     ${apiUrl}/docs`);
  say(
    `admin key:    ${config.CALSYNC_BOOTSTRAP_ADMIN_KEY ? '(CALSYNC_BOOTSTRAP_ADMIN_KEY)' : path.join(dataDir, 'admin.key')} (send it as "Authorization: Bearer <key>")`
  );
  if (!config.TEMPORAL_ADDRESS) say(`Temporal UI:  http://127.0.0.1:${config.TEMPORAL_UI_PORT}`);
  if (sandbox) {
    say(`demo user:    ${sandbox.userId} (${apiUrl}/v1/users/${sandbox.userId}/sync)`);
    say(`find it in the Temporal UI with: CalsyncUserId = "${sandbox.userId}"`);
  }
  say('ready (Ctrl-C stops everything)');
}

main().catch(async (err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`calsync failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  await group?.stopAll();
  for (const { stop } of stops.reverse()) await stop().catch(() => undefined);
  process.exit(1);
});

/** Where providers reach our webhooks; locally that is the API itself (the emulators run beside it). */
function publicBaseUrl(config: Config): string {
  return config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
}
