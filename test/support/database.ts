import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPool } from '../../src/store/db';

/** A fresh, empty database on the shared test PostgreSQL (or on `base`), dropped again by `drop()`. */
export async function freshDatabase(
  base: string | undefined = process.env.DATABASE_URL
): Promise<{ url: string; pool: Pool; drop(): Promise<void> }> {
  if (!base) throw new Error('DATABASE_URL is not set: integration tests run through the integration project');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 5);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
