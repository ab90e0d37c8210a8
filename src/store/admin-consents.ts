import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

export interface AdminConsent {
  tenantId: string;
  requestedAt: Date;
  grantedAt: Date | null;
  directoryId: string | null;
  error: string | null;
}

interface ConsentRow {
  state: string;
  tenant_id: string;
  requested_at: Date;
  granted_at: Date | null;
  directory_id: string | null;
  error: string | null;
}

const toConsent = (row: ConsentRow): AdminConsent => ({
  tenantId: row.tenant_id,
  requestedAt: row.requested_at,
  grantedAt: row.granted_at,
  directoryId: row.directory_id,
  error: row.error,
});

/**
 * Microsoft admin-consent round trips: the `state` we put in the consent URL names the tenant, and
 * Microsoft's redirect carries it back. A state is answered once and expires after a day.
 */
export class AdminConsentStore {
  constructor(private readonly pool: Pool) {}

  async begin(tenantId: string): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    await this.pool.query('INSERT INTO admin_consents (state, tenant_id) VALUES ($1, $2)', [state, tenantId]);
    return state;
  }

  /** Records Microsoft's answer; undefined when the state is unknown, answered already or expired. */
  async complete(
    state: string,
    answer: { granted: true; directoryId: string } | { granted: false; error: string }
  ): Promise<AdminConsent | undefined> {
    const { rows } = await this.pool.query<ConsentRow>(
      `UPDATE admin_consents SET granted_at = CASE WHEN $2 THEN now() END, directory_id = $3, error = $4
       WHERE state = $1 AND granted_at IS NULL AND error IS NULL AND requested_at > now() - interval '1 day'
       RETURNING *`,
      [state, answer.granted, answer.granted ? answer.directoryId : null, answer.granted ? null : answer.error]
    );
    return rows[0] && toConsent(rows[0]);
  }

  /** The latest answered consent of a tenant. */
  async latest(tenantId: string): Promise<AdminConsent | undefined> {
    const { rows } = await this.pool.query<ConsentRow>(
      `SELECT * FROM admin_consents WHERE tenant_id = $1 AND (granted_at IS NOT NULL OR error IS NOT NULL)
       ORDER BY requested_at DESC LIMIT 1`,
      [tenantId]
    );
    return rows[0] && toConsent(rows[0]);
  }
}
