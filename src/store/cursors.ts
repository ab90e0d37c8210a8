import type { Pool } from 'pg';

/** Where a change reader left off (a Graph delta link, a poller's watermark). */
export class CursorStore {
  constructor(private readonly pool: Pool) {}

  async get(tenantId: string, scope: string, source: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM cursors WHERE tenant_id = $1 AND scope = $2 AND source = $3',
      [tenantId, scope, source]
    );
    return rows[0]?.value;
  }

  async set(tenantId: string, scope: string, source: string, value: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO cursors (tenant_id, scope, source, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, scope, source) DO UPDATE SET value = $4, updated_at = now()`,
      [tenantId, scope, source, value]
    );
  }

  /** Forgets every cursor of a scope whose name starts with `prefix` (a poll's staged cursors). */
  async clearStaged(tenantId: string, scope: string, prefix: string): Promise<void> {
    await this.pool.query('DELETE FROM cursors WHERE tenant_id = $1 AND scope = $2 AND starts_with(source, $3)', [
      tenantId,
      scope,
      prefix,
    ]);
  }

  async clear(tenantId: string, scope: string, source: string): Promise<void> {
    await this.pool.query('DELETE FROM cursors WHERE tenant_id = $1 AND scope = $2 AND source = $3', [
      tenantId,
      scope,
      source,
    ]);
  }
}
