// The migration job: `node dist/migrate-main.js`. Brings calsync's PostgreSQL schema up to date and
// exits: 0 when the schema is current, 1 otherwise. docker-compose runs it once before the API and
// the workers start; running it again, or next to an API that migrates too, is safe (each migration
// is one transaction, and the runner holds an advisory lock).
import type { Pool } from 'pg';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { createPool, migrateToLatest } from './store/db';

/** How long to wait for PostgreSQL to accept connections (it may still be starting). */
const WAIT_FOR_DATABASE_MS = 60_000;

// Errors that mean "not reachable yet", not "wrong": refused, unresolvable, starting up or shutting down.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  '57P03',
  '57P01',
]);

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

async function waitForDatabase(pool: Pool, onWait: (reason: string) => void): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_DATABASE_MS;
  for (;;) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (err) {
      if (!isTransient(err) || Date.now() > deadline) throw err;
      onWait((err as Error).message);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'calsync-migrate');
  if (!config.DATABASE_URL) throw new Error('the migration job needs DATABASE_URL');
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    await waitForDatabase(pool, (reason) => log.info({ reason }, 'waiting for PostgreSQL'));
    const { applied } = await migrateToLatest(pool);
    if (applied.length) log.info({ applied }, `migrations applied: ${applied.join(', ')}`);
    else log.info('schema is up to date');
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `calsync migrate: ${(err as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
