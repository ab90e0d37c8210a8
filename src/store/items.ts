import type { Pool, PoolClient } from 'pg';
import { type Link, parseLink, parseReplicaKey } from '../domain/link';

/** A link as stored, with the version a later save must name. */
export interface StoredItem {
  link: Link;
  version: number;
}

/** What asking for an item's write lease found. */
export type LeaseOutcome = { state: 'held' } | { state: 'stale' } | { state: 'busy'; waitMs: number };

export class StaleItemError extends Error {
  override name = 'StaleItemError';
  constructor(readonly itemId: string) {
    super(`item ${itemId} was changed by another writer; read it again`);
  }
}

/**
 * Item links (src/domain/link.ts) per tenant, and the index from record ids to items. Saves are
 * optimistic: the writer names the version it read, so two writers of one item (e.g. two users'
 * copies of one meeting) cannot overwrite each other; the loser retries with a fresh read.
 */
export class ItemStore {
  constructor(private readonly pool: Pool) {}

  async get(tenantId: string, itemId: string): Promise<StoredItem | undefined> {
    const { rows } = await this.pool.query<{ link: unknown; version: string }>(
      'SELECT link, version FROM items WHERE tenant_id = $1 AND item_id = $2',
      [tenantId, itemId]
    );
    const row = rows[0];
    return row && { link: parseLink(row.link), version: Number(row.version) };
  }

  /**
   * The single item (not an occurrence) whose id hashes to `hash`: the first 16 characters of the
   * base64url SHA-256 of the item id, as the Autotask marker carries it (providers/autotask
   * marker.ts). A scan of the tenant's items, for the rare record that carries our marker but is
   * in no link (its write went through, the link's save did not).
   */
  async findByIdHash(tenantId: string, hash: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ item_id: string }>(
      `SELECT item_id FROM items
        WHERE tenant_id = $1 AND kind <> 'occurrence' AND NOT gone
          AND substr(translate(encode(sha256(convert_to(item_id, 'UTF8')), 'base64'), '+/', '-_'), 1, 16) = $2
        LIMIT 1`,
      [tenantId, hash]
    );
    return rows[0]?.item_id;
  }

  async findByRecord(tenantId: string, replica: string, recordId: string): Promise<StoredItem | undefined> {
    const { rows } = await this.pool.query<{ item_id: string }>(
      'SELECT item_id FROM item_records WHERE tenant_id = $1 AND replica = $2 AND record_id = $3',
      [tenantId, replica, recordId]
    );
    return rows[0] && this.get(tenantId, rows[0].item_id);
  }

  /**
   * The provider version (e.g. Graph changeKey) stored for each of these records of one replica,
   * for the records that have one: what we last wrote or read there.
   */
  async versionsOf(tenantId: string, replica: string, recordIds: readonly string[]): Promise<Map<string, string>> {
    if (recordIds.length === 0) return new Map();
    const { rows } = await this.pool.query<{ record_id: string; version: string | null }>(
      `SELECT r.record_id, i.link->'replicas'->$2->>'version' AS version
         FROM item_records r JOIN items i ON i.tenant_id = r.tenant_id AND i.item_id = r.item_id
        WHERE r.tenant_id = $1 AND r.replica = $2 AND r.record_id = ANY($3::text[])`,
      [tenantId, replica, recordIds]
    );
    return new Map(rows.filter((r) => r.version !== null).map((r) => [r.record_id, r.version!]));
  }

  async findMeeting(tenantId: string, iCalUid: string): Promise<StoredItem | undefined> {
    const { rows } = await this.pool.query<{ item_id: string }>(
      "SELECT item_id FROM items WHERE tenant_id = $1 AND ical_uid = $2 AND kind IN ('event', 'series')",
      [tenantId, iCalUid]
    );
    return rows[0] && this.get(tenantId, rows[0].item_id);
  }

  /**
   * Inserts a new item, or returns the one that won the race: the same item id, or (for meetings)
   * another mailbox's copy of the same iCalUid inserted a moment earlier.
   */
  async insert(tenantId: string, link: Link): Promise<StoredItem> {
    const meetingUid = link.kind === 'event' || link.kind === 'series' ? (link.iCalUid ?? null) : null;
    const { rowCount } = await this.pool.query(
      `INSERT INTO items (tenant_id, item_id, kind, ical_uid, series_item_id, occurrence_key, link)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [tenantId, link.itemId, link.kind, meetingUid, link.seriesItemId ?? null, link.occurrenceKey ?? null, link]
    );
    if (rowCount === 1) return { link, version: 1 };
    const existing =
      (await this.get(tenantId, link.itemId)) ??
      (meetingUid ? await this.findMeeting(tenantId, meetingUid) : undefined);
    if (!existing) throw new StaleItemError(link.itemId);
    return existing;
  }

  /**
   * Takes the item's write lease for `holder` if nobody saved since `version` and no one else holds
   * an unexpired lease (migrations/0007_item_leases.ts). The holder's save ends the lease.
   */
  async lease(
    tenantId: string,
    itemId: string,
    version: number,
    holder: string,
    termMs: number
  ): Promise<LeaseOutcome> {
    const { rowCount } = await this.pool.query(
      `UPDATE items SET lease_holder = $4, lease_until = clock_timestamp() + make_interval(secs => $5::bigint / 1000.0)
        WHERE tenant_id = $1 AND item_id = $2 AND version = $3
          AND (lease_holder IS NULL OR lease_holder = $4 OR lease_until < clock_timestamp())`,
      [tenantId, itemId, version, holder, termMs]
    );
    if (rowCount === 1) return { state: 'held' };
    const { rows } = await this.pool.query<{ version: string; wait_ms: number | null }>(
      `SELECT version, ceil(extract(epoch FROM lease_until - clock_timestamp()) * 1000)::int AS wait_ms
         FROM items WHERE tenant_id = $1 AND item_id = $2`,
      [tenantId, itemId]
    );
    const row = rows[0];
    if (!row || Number(row.version) !== version) return { state: 'stale' };
    return { state: 'busy', waitMs: Math.max(0, row.wait_ms ?? 0) };
  }

  /** Ends `holder`'s lease without a save (its writes failed). */
  async release(tenantId: string, itemId: string, holder: string): Promise<void> {
    await this.pool.query(
      `UPDATE items SET lease_holder = NULL, lease_until = NULL
        WHERE tenant_id = $1 AND item_id = $2 AND lease_holder = $3`,
      [tenantId, itemId, holder]
    );
  }

  /**
   * Saves the link if nobody saved since `version`; keeps the record index in step. Ends the lease
   * of `leaseHolder` only: a save without writes must not end another writer's lease.
   */
  async save(tenantId: string, link: Link, version: number, gone = false, leaseHolder?: string): Promise<StoredItem> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(
        `UPDATE items SET link = $3, version = version + 1, gone = $5, updated_at = now(),
                lease_until = CASE WHEN lease_holder = $6 THEN NULL ELSE lease_until END,
                lease_holder = CASE WHEN lease_holder = $6 THEN NULL ELSE lease_holder END
         WHERE tenant_id = $1 AND item_id = $2 AND version = $4`,
        [tenantId, link.itemId, link, version, gone, leaseHolder ?? null]
      );
      if (rowCount !== 1) throw new StaleItemError(link.itemId);
      await this.reindex(client, tenantId, link);
      await client.query('COMMIT');
      return { link, version: version + 1 };
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  /** Items with a replica of this user (the user's share of the tenant's items). */
  async countForUser(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(DISTINCT item_id) AS n FROM item_records WHERE user_id = $1',
      [userId]
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async reindex(client: PoolClient, tenantId: string, link: Link): Promise<void> {
    await client.query('DELETE FROM item_records WHERE tenant_id = $1 AND item_id = $2', [tenantId, link.itemId]);
    for (const [key, replica] of Object.entries(link.replicas)) {
      if (!replica.recordId) continue;
      await client.query(
        `INSERT INTO item_records (tenant_id, replica, record_id, item_id, user_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, replica, record_id) DO UPDATE SET item_id = $4, user_id = $5`,
        [tenantId, key, replica.recordId, link.itemId, parseReplicaKey(key).userId ?? null]
      );
    }
  }
}
