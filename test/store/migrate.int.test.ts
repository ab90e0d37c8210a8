import type { Pool } from 'pg';
import { migrate, type Migration, MigrationError } from '../../src/store/migrate';
import { migrations } from '../../src/store/migrations';
import { freshDatabase } from '../support/database';

describe('migration runner', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: Pool;
  beforeEach(async () => {
    db = await freshDatabase();
    pool = db.pool;
  });
  afterEach(async () => db.drop());

  const tables = async () =>
    (
      await pool.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
      )
    ).rows.map((r) => r.tablename);

  it('applies every migration once and records what it applied', async () => {
    const first = await migrate(pool, migrations);
    expect(first.applied).toEqual(migrations.map((m) => `${String(m.id).padStart(4, '0')}_${m.name}`));
    expect(await tables()).toEqual(
      expect.arrayContaining(['tenants', 'users', 'items', 'item_records', 'cursors', 'audit'])
    );
    const recorded = await pool.query('SELECT id, name FROM schema_migrations ORDER BY id');
    expect(recorded.rows.map((r: { id: number }) => r.id)).toEqual(migrations.map((m) => m.id));

    const second = await migrate(pool, migrations);
    expect(second.applied).toEqual([]);
  });

  it('rolls a failing migration back entirely and says which one failed', async () => {
    const broken: Migration[] = [
      { id: 1, name: 'good', up: 'CREATE TABLE a (x int)' },
      { id: 2, name: 'bad', up: 'CREATE TABLE b (y int); INSERT INTO nowhere VALUES (1)' },
    ];
    await expect(migrate(pool, broken)).rejects.toThrow(/migration 0002_bad failed and was rolled back: .*nowhere/);
    expect(await tables()).toEqual(['a', 'schema_migrations']);
    const recorded = await pool.query('SELECT id FROM schema_migrations');
    expect(recorded.rows).toEqual([{ id: 1 }]);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    await migrate(pool, [{ id: 1, name: 'one', up: 'CREATE TABLE a (x int)' }]);
    await expect(migrate(pool, [{ id: 1, name: 'one', up: 'CREATE TABLE a (x bigint)' }])).rejects.toThrow(
      'migration 0001_one was changed after it was applied; add a new migration instead of editing it'
    );
  });

  it('refuses a database that a newer calsync migrated', async () => {
    await migrate(pool, [
      { id: 1, name: 'one', up: 'CREATE TABLE a (x int)' },
      { id: 2, name: 'two', up: 'CREATE TABLE b (x int)' },
    ]);
    await expect(migrate(pool, [{ id: 1, name: 'one', up: 'CREATE TABLE a (x int)' }])).rejects.toThrow(
      /database has migration 0002_two, which this version of calsync does not know/
    );
  });

  it('rejects a list that is out of order before touching the database', async () => {
    const error = await migrate(pool, [
      { id: 2, name: 'two', up: 'SELECT 1' },
      { id: 1, name: 'one', up: 'SELECT 1' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toBe('migrations are out of order: 0001_one comes after 0002_two');
    expect(await tables()).toEqual([]);
  });

  it('applies each migration once when several processes start at the same time', async () => {
    const { createPool } = await import('../../src/store/db');
    const others = [createPool(db.url, 2), createPool(db.url, 2), createPool(db.url, 2)];
    try {
      const results = await Promise.all([pool, ...others].map((p) => migrate(p, migrations)));
      expect(results.flatMap((r) => r.applied)).toHaveLength(migrations.length);
    } finally {
      await Promise.all(others.map((p) => p.end()));
    }
  });
});
