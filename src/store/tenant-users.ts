import type { Pool } from 'pg';

/** A tenant's user as the sync engine reads it (every synced user can own replicas). */
export interface TenantUserRow {
  id: string;
  mailbox: string;
  time_zone: string;
  netsuite_employee_id: string | null;
  autotask_resource_id: string | null;
  desired_state: string;
  policy: unknown;
}

/**
 * Each tenant's user list, kept in this process while the tenant's `users_version` (bumped by a
 * trigger in the same transaction as any change to its users, migration 0006) says it is true.
 * A read costs one single-row query instead of a row per user; the rows are shared, not copied:
 * callers must not change them.
 */
export class TenantUsers {
  private readonly kept = new Map<string, { version: string; rows: readonly TenantUserRow[] }>();

  constructor(private readonly pool: Pool) {}

  async list(tenantId: string): Promise<readonly TenantUserRow[]> {
    // The version is read before the rows: rows newer than it are read again next time, never kept too long.
    const { rows: versions } = await this.pool.query<{ users_version: string }>(
      'SELECT users_version FROM tenants WHERE id = $1',
      [tenantId]
    );
    const version = versions[0]?.users_version;
    const kept = this.kept.get(tenantId);
    if (version !== undefined && kept?.version === version) return kept.rows;
    const { rows } = await this.pool.query<TenantUserRow>(
      'SELECT id, mailbox, time_zone, netsuite_employee_id, autotask_resource_id, desired_state, policy FROM users WHERE tenant_id = $1',
      [tenantId]
    );
    if (version === undefined) this.kept.delete(tenantId);
    else this.kept.set(tenantId, { version, rows });
    return rows;
  }
}
