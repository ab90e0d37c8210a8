import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

export type ApiRole = 'admin' | 'operator';

export interface ApiKey {
  id: string;
  name: string;
  role: ApiRole;
  canDecode: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiRole;
  can_decode: boolean;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  role: row.role,
  canDecode: row.can_decode,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** Keys carry 256 random bits, so one SHA-256 (no slow KDF) is enough to make a stolen table useless. */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

const BOOTSTRAP_ID = 'bootstrap';
// Do not write last_used_at on every request: once a minute per key is enough for operators.
const TOUCH_INTERVAL = "interval '1 minute'";

/** API keys, stored only as hashes. A key is shown once, when it is created. */
export class ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  /** Makes a new key; the returned `secret` is the only copy. */
  async create(input: { name: string; role: ApiRole; canDecode?: boolean }): Promise<{ key: ApiKey; secret: string }> {
    const id = `k_${randomBytes(8).toString('hex')}`;
    const secret = `csk_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, role, can_decode, key_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, name, role, can_decode, created_at, last_used_at, revoked_at`,
      [id, input.name, input.role, input.canDecode ?? false, hashApiKey(secret)]
    );
    return { key: toKey(rows[0]!), secret };
  }

  /**
   * Makes sure the configured bootstrap key works as an admin key (its hash replaces an earlier
   * bootstrap key's, so changing the configuration rotates it).
   */
  async ensureBootstrapKey(secret: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (id, name, role, can_decode, key_hash) VALUES ($1, 'bootstrap admin key', 'admin', true, $2)
       ON CONFLICT (id) DO UPDATE SET key_hash = $2, role = 'admin', revoked_at = NULL`,
      [BOOTSTRAP_ID, hashApiKey(secret)]
    );
  }

  /** Retires the bootstrap key once it is no longer configured. */
  async revokeBootstrapKey(): Promise<void> {
    await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [
      BOOTSTRAP_ID,
    ]);
  }

  /** The live key with this secret, or undefined (unknown or revoked). */
  async authenticate(secret: string): Promise<ApiKey | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow & { stale: boolean }>(
      `SELECT id, name, role, can_decode, created_at, last_used_at, revoked_at,
         (last_used_at IS NULL OR last_used_at < now() - ${TOUCH_INTERVAL}) AS stale
       FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hashApiKey(secret)]
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.stale) await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id]);
    return toKey(row);
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      'SELECT id, name, role, can_decode, created_at, last_used_at, revoked_at FROM api_keys ORDER BY created_at, id'
    );
    return rows.map(toKey);
  }

  /** Returns false when there is no such live key. */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id]
    );
    return (rowCount ?? 0) > 0;
  }
}
