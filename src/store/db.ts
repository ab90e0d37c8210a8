import { Pool } from 'pg';
import { migrate } from './migrate';
import { migrations } from './migrations';

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max });
  // An idle client that loses its connection (e.g. PostgreSQL restarts) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

export async function migrateToLatest(pool: Pool): Promise<{ applied: string[] }> {
  return migrate(pool, migrations);
}
