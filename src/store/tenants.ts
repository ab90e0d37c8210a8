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
    const { rows } = await this.pool.query<TenantRow>('SELECT secrets, secrets_key_id FROM tenants WHERE id = $1', [id]);
    const row = rows[0];
    if (!row?.secrets || !row.secrets_key_id) return {};
    return tenantSecretsSchema.parse(this.box.open({ keyId: row.secrets_key_id, data: row.secrets }));
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
