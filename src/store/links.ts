import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { ItemKind, Side } from '../domain/canonical-event';

export interface LinkSide {
  side: Side;
  nativeId: string | null;
  intentKey: string;
  nativeVersion: string | null;
  base: unknown;
}

export interface Link {
  id: string;
  tenantId: string;
  userId: string;
  kind: ItemKind;
  owner: Side;
  icalUid: string | null;
  state: 'active' | 'deleted' | 'out-of-window' | 'failed';
  sides: Partial<Record<Side, LinkSide>>;
}

/**
 * A link id derived from where the item was first seen, so that a retried or replayed activity
 * arrives at the same link (and the same idempotency keys) instead of making a second one.
 */
export function deriveLinkId(userId: string, originSide: Side, originNativeId: string): string {
  return `l_${createHash('sha256').update(`${userId}\u0000${originSide}\u0000${originNativeId}`).digest('base64url').slice(0, 22)}`;
}

interface LinkRow {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: ItemKind;
  owner: Side;
  ical_uid: string | null;
  state: Link['state'];
  side: Side | null;
  native_id: string | null;
  intent_key: string | null;
  native_version: string | null;
  base: unknown;
}

const SELECT_LINK = `SELECT l.id, l.tenant_id, l.user_id, l.kind, l.owner, l.ical_uid, l.state,
  s.side, s.native_id, s.intent_key, s.native_version, s.base
  FROM links l LEFT JOIN link_sides s ON s.link_id = l.id`;

function toLinks(rows: LinkRow[]): Link[] {
  const byId = new Map<string, Link>();
  for (const row of rows) {
    let link = byId.get(row.id);
    if (!link) {
      link = {
        id: row.id,
        tenantId: row.tenant_id,
        userId: row.user_id,
        kind: row.kind,
        owner: row.owner,
        icalUid: row.ical_uid,
        state: row.state,
        sides: {},
      };
      byId.set(row.id, link);
    }
    if (row.side) {
      link.sides[row.side] = {
        side: row.side,
        nativeId: row.native_id,
        intentKey: row.intent_key ?? '',
        nativeVersion: row.native_version,
        base: row.base,
      };
    }
  }
  return [...byId.values()];
}

export class LinkStore {
  constructor(private readonly pool: Pool) {}

  async get(id: string): Promise<Link | undefined> {
    const { rows } = await this.pool.query<LinkRow>(`${SELECT_LINK} WHERE l.id = $1`, [id]);
    return toLinks(rows)[0];
  }

  async findByNativeId(userId: string, side: Side, nativeId: string): Promise<Link | undefined> {
    const { rows } = await this.pool.query<LinkRow>(
      `${SELECT_LINK} WHERE l.id = (SELECT link_id FROM link_sides WHERE user_id = $1 AND side = $2 AND native_id = $3)`,
      [userId, side, nativeId]
    );
    return toLinks(rows)[0];
  }

  async listForUser(userId: string): Promise<Link[]> {
    const { rows } = await this.pool.query<LinkRow>(`${SELECT_LINK} WHERE l.user_id = $1 ORDER BY l.created_at`, [userId]);
    return toLinks(rows);
  }

  /** Creates the link if it does not exist yet (idempotent). */
  async ensure(link: Omit<Link, 'sides' | 'state'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO links (id, tenant_id, user_id, kind, owner, ical_uid) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [link.id, link.tenantId, link.userId, link.kind, link.owner, link.icalUid]
    );
  }

  /**
   * Records one side of a link: before a create (nativeId null: the intent), and after every read
   * or write (the native id, version and projection that become the next merge base).
   */
  async recordSide(link: Pick<Link, 'id' | 'tenantId' | 'userId'>, side: LinkSide): Promise<void> {
    await this.pool.query(
      `INSERT INTO link_sides (link_id, side, tenant_id, user_id, native_id, intent_key, native_version, base, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (link_id, side) DO UPDATE SET native_id = COALESCE($5, link_sides.native_id),
         native_version = $7, base = $8, synced_at = now()`,
      [link.id, side.side, link.tenantId, link.userId, side.nativeId, side.intentKey, side.nativeVersion, JSON.stringify(side.base ?? null)]
    );
    await this.pool.query(`UPDATE links SET version = version + 1, updated_at = now() WHERE id = $1`, [link.id]);
  }

  async setState(id: string, state: Link['state']): Promise<void> {
    await this.pool.query('UPDATE links SET state = $2, version = version + 1, updated_at = now() WHERE id = $1', [id, state]);
  }
}
