import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/** One schema change. `up` is plain SQL, applied in a single transaction with its bookkeeping row. */
export interface Migration {
  id: number;
  name: string;
  up: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// A fixed advisory-lock key, so that several processes starting at once apply migrations one at a time.
const LOCK_KEY = 0x63616c73; // "cals"

const label = (m: { id: number; name: string }) => `${String(m.id).padStart(4, '0')}_${m.name}`;
const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

function validateList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.id) || m.id < 1)
      throw new MigrationError(`migration "${m.name}" has an invalid id ${m.id}`);
    if (!/^[a-z0-9_]+$/.test(m.name)) throw new MigrationError(`migration ${m.id} has an invalid name "${m.name}"`);
    const previous = migrations[i - 1];
    if (previous && m.id <= previous.id) {
      throw new MigrationError(`migrations are out of order: ${label(m)} comes after ${label(previous)}`);
    }
  });
}

/**
 * Applies pending migrations in id order, each in its own transaction together with the row that
 * records it in `schema_migrations`. Refuses to run when an applied migration was edited afterwards
 * or when the database has migrations this code does not know (a newer calsync ran against it).
 */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<{ applied: string[] }> {
  validateList(migrations);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(client: PoolClient, migrations: readonly Migration[]): Promise<{ applied: string[] }> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ id: number; name: string; checksum: string }>(
    'SELECT id, name, checksum FROM schema_migrations ORDER BY id'
  );
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of rows) {
    const m = known.get(row.id);
    if (!m) {
      throw new MigrationError(
        `the database has migration ${label(row)}, which this version of calsync does not know; run a newer calsync`
      );
    }
    if (checksum(m.up) !== row.checksum) {
      throw new MigrationError(
        `migration ${label(m)} was changed after it was applied; add a new migration instead of editing it`
      );
    }
  }
  const done = new Set(rows.map((r) => r.id));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    try {
      await client.query('BEGIN');
      await client.query(m.up);
      await client.query('INSERT INTO schema_migrations (id, name, checksum) VALUES ($1, $2, $3)', [
        m.id,
        m.name,
        checksum(m.up),
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new MigrationError(`migration ${label(m)} failed and was rolled back: ${(err as Error).message}`);
    }
    applied.push(label(m));
  }
  return { applied };
}
