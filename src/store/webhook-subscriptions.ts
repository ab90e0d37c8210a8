import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';

export interface GraphSubscription {
  /** The id Graph gave the subscription. */
  id: string;
  tenantId: string;
  userId: string;
  expiresAt: Date;
}

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  client_state_hash: Buffer;
  expires_at: Date;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The Graph subscriptions whose notifications the webhook accepts. The engine registers each one
 * after Graph created it (and again after each renewal) and removes it when it deletes it. Only a
 * hash of the clientState is kept: enough to check a notification, useless to forge one.
 */
export class WebhookSubscriptionStore {
  constructor(private readonly pool: Pool) {}

  /** Records a subscription, or updates it (renewal, new clientState) when the id is known. */
  async register(input: GraphSubscription & { clientState: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO graph_subscriptions (id, tenant_id, user_id, client_state_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET tenant_id = $2, user_id = $3, client_state_hash = $4, expires_at = $5, updated_at = now()`,
      [input.id, input.tenantId, input.userId, sha256(input.clientState), input.expiresAt]
    );
  }

  async find(id: string): Promise<GraphSubscription | undefined> {
    const row = await this.row(id);
    return row && { id: row.id, tenantId: row.tenant_id, userId: row.user_id, expiresAt: row.expires_at };
  }

  /** The subscriptions of one user (the engine renews or deletes them). */
  async forUser(userId: string): Promise<GraphSubscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      'SELECT * FROM graph_subscriptions WHERE user_id = $1 ORDER BY expires_at',
      [userId]
    );
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, userId: row.user_id, expiresAt: row.expires_at }));
  }

  /** A renewal: the same subscription and clientState, a later expiry. */
  async extend(id: string, expiresAt: Date): Promise<void> {
    await this.pool.query('UPDATE graph_subscriptions SET expires_at = $2, updated_at = now() WHERE id = $1', [
      id,
      expiresAt,
    ]);
  }

  async remove(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM graph_subscriptions WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * The subscription when `clientState` is the one registered for it (compared in constant time),
   * 'unknown' when there is no such subscription, 'forged' when the clientState differs.
   */
  async verify(id: string, clientState: string): Promise<GraphSubscription | 'unknown' | 'forged'> {
    const row = await this.row(id);
    if (!row) return 'unknown';
    const given = sha256(clientState);
    if (row.client_state_hash.length !== given.length || !timingSafeEqual(row.client_state_hash, given))
      return 'forged';
    return { id: row.id, tenantId: row.tenant_id, userId: row.user_id, expiresAt: row.expires_at };
  }

  private async row(id: string): Promise<SubscriptionRow | undefined> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM graph_subscriptions WHERE id = $1', [id]);
    return rows[0];
  }
}

/**
 * Remembers the signatures of accepted NetSuite pushes for the replay window, so the same signed
 * push is accepted once. Older entries cannot be replayed anyway: their timestamp is stale.
 */
export class PushReplayGuard {
  constructor(
    private readonly pool: Pool,
    private readonly windowSeconds: number
  ) {}

  /** True the first time this signature is seen for the tenant; false for a replay. */
  async firstSeen(tenantId: string, signature: string, pushedAt: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO netsuite_push_seen (tenant_id, signature, pushed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [tenantId, signature, pushedAt]
    );
    // Pruning here keeps the table at one window's worth of pushes without a separate job.
    if (Math.random() < 0.05) {
      await this.pool.query(`DELETE FROM netsuite_push_seen WHERE pushed_at < now() - make_interval(secs => $1)`, [
        this.windowSeconds * 2,
      ]);
    }
    return (rowCount ?? 0) > 0;
  }
}
