import type { Pool } from 'pg';
import type { SecretBox } from './secret-box';
import {
  type TenantConnections,
  type TenantSecrets,
  tenantConnectionsSchema,
  tenantSecretsSchema,
} from './tenant-connections';

export interface Tenant {
  id: string;
  name: string;
  connections: TenantConnections;
  policy: Record<string, unknown>;
  sandbox: boolean;
}

interface TenantRow {
  id: string;
  name: string;
  connections: unknown;
  policy: Record<string, unknown>;
  sandbox: boolean;
  secrets: Buffer | null;
  secrets_key_id: string | null;
}

export class TenantStore {
  constructor(
    private readonly pool: Pool,
    private readonly box: SecretBox
  ) {}

  async upsert(tenant: Tenant, secrets?: TenantSecrets): Promise<void> {
    const connections = tenantConnectionsSchema.parse(tenant.connections);
    const sealed = secrets ? this.box.seal(tenantSecretsSchema.parse(secrets)) : undefined;
    await this.pool.query(
      `INSERT INTO tenants (id, name, connections, policy, sandbox, secrets, secrets_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET name = $2, connections = $3, policy = $4, sandbox = $5,
         secrets = COALESCE($6, tenants.secrets), secrets_key_id = COALESCE($7, tenants.secrets_key_id),
         updated_at = now()`,
      [tenant.id, tenant.name, connections, tenant.policy, tenant.sandbox, sealed?.data ?? null, sealed?.keyId ?? null]
    );
  }

  async get(id: string): Promise<Tenant | undefined> {
    const { rows } = await this.pool.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
    const row = rows[0];
    return row && toTenant(row);
  }

  /** Credentials, decrypted; for activities only (they never enter workflow inputs or history). */
  async secrets(id: string): Promise<TenantSecrets> {
    const { rows } = await this.pool.query<TenantRow>('SELECT secrets, secrets_key_id FROM tenants WHERE id = $1', [
      id,
    ]);
    const row = rows[0];
    if (!row?.secrets || !row.secrets_key_id) return {};
    return tenantSecretsSchema.parse(this.box.open({ keyId: row.secrets_key_id, data: row.secrets }));
  }

  /** Creates a tenant; false when the id is taken. */
  async create(tenant: Pick<Tenant, 'id' | 'name' | 'sandbox'>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO tenants (id, name, sandbox) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [tenant.id, tenant.name, tenant.sandbox]
    );
    return (rowCount ?? 0) > 0;
  }

  async list(options: { limit: number; after?: string }): Promise<Tenant[]> {
    const { rows } = await this.pool.query<TenantRow>(
      'SELECT * FROM tenants WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2',
      [options.after ?? null, options.limit]
    );
    return rows.map(toTenant);
  }

  /** Which connectors have credentials stored (never the credentials themselves). */
  async secretsPresent(id: string): Promise<(keyof TenantSecrets)[]> {
    const secrets = await this.secrets(id);
    return (Object.keys(secrets) as (keyof TenantSecrets)[]).filter((k) => secrets[k] !== undefined);
  }

  /**
   * Reads the tenant and its secrets under a row lock, applies `change` and writes the result, so
   * that two admins editing different connectors do not lose each other's changes.
   */
  async update(
    id: string,
    change: (current: { tenant: Tenant; secrets: TenantSecrets }) => TenantChange
  ): Promise<Tenant> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<TenantRow>('SELECT * FROM tenants WHERE id = $1 FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) throw new TenantNotFoundError(id);
      const current = {
        tenant: toTenant(row),
        secrets:
          row.secrets && row.secrets_key_id
            ? tenantSecretsSchema.parse(this.box.open({ keyId: row.secrets_key_id, data: row.secrets }))
            : {},
      };
      const next = change(current);
      const connections = tenantConnectionsSchema.parse(next.connections ?? current.tenant.connections);
      const sealed = next.secrets ? this.box.seal(tenantSecretsSchema.parse(next.secrets)) : undefined;
      const { rows: updated } = await client.query<TenantRow>(
        `UPDATE tenants SET name = $2, connections = $3, policy = $4,
           secrets = COALESCE($5, secrets), secrets_key_id = COALESCE($6, secrets_key_id), updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, next.name ?? row.name, connections, next.policy ?? row.policy, sealed?.data ?? null, sealed?.keyId ?? null]
      );
      await client.query('COMMIT');
      return toTenant(updated[0]!);
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  /** Re-seals every tenant's secrets that were sealed with an older key; returns how many. */
  async resealSecrets(): Promise<number> {
    const { rows } = await this.pool.query<Pick<TenantRow, 'id' | 'secrets' | 'secrets_key_id'>>(
      'SELECT id, secrets, secrets_key_id FROM tenants WHERE secrets IS NOT NULL'
    );
    let count = 0;
    for (const row of rows) {
      if (!row.secrets || !row.secrets_key_id) continue;
      if (!this.box.needsRotation({ keyId: row.secrets_key_id, data: row.secrets })) continue;
      const sealed = this.box.seal(this.box.open({ keyId: row.secrets_key_id, data: row.secrets }));
      // Only replace what we read: a concurrent update has sealed with the current key already.
      const { rowCount } = await this.pool.query(
        'UPDATE tenants SET secrets = $2, secrets_key_id = $3 WHERE id = $1 AND secrets_key_id = $4',
        [row.id, sealed.data, sealed.keyId, row.secrets_key_id]
      );
      count += rowCount ?? 0;
    }
    return count;
  }
}

export interface TenantChange {
  name?: string;
  connections?: TenantConnections;
  /** The complete new secrets (the callback gets the current ones to derive them from). */
  secrets?: TenantSecrets;
  policy?: Record<string, unknown>;
}

export class TenantNotFoundError extends Error {
  constructor(readonly tenantId: string) {
    super(`no tenant ${tenantId}`);
    this.name = 'TenantNotFoundError';
  }
}

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    connections: tenantConnectionsSchema.parse(row.connections),
    policy: row.policy,
    sandbox: row.sandbox,
  };
}
