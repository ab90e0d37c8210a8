import type { Pool } from 'pg';

export type AuditAction =
  'create' | 'update' | 'delete' | 'conflict' | 'rsvp' | 'skip' | 'error' | 'guard' | 'lifecycle';

export interface AuditEntry {
  tenantId: string;
  userId?: string;
  linkId?: string;
  action: AuditAction;
  sourceSide?: string;
  targetSide?: string;
  fields?: string[];
  reason?: string;
  /** Ids and metadata only: never event contents. */
  detail?: Record<string, unknown>;
  workflowId?: string;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
}

export class AuditLog {
  constructor(private readonly pool: Pool) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      values(entry)
    );
  }

  /**
   * Records the entry unless one with the same `key` (kept in `detail.key`) exists for its link:
   * an entry written before the work it describes, which a retry of that work writes again.
   * Writers of one item are serialised (one writer per item), so the check needs no lock.
   */
  async recordOnce(entry: AuditEntry & { linkId: string }, key: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit (${COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        WHERE NOT EXISTS (SELECT 1 FROM audit WHERE link_id = $3 AND detail->>'key' = $11)`,
      [...values({ ...entry, detail: { ...entry.detail, key } }), key]
    );
  }

  async forUser(userId: string, limit = 100): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT * FROM audit WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [userId, limit]
    );
    return rows.map(toRecord);
  }

  /**
   * One page of a user's audit, newest first; `beforeId` is the cursor (the last id of the
   * previous page). Ids grow with time, so paging by id never skips or repeats an entry.
   */
  async pageForUser(
    userId: string,
    options: { limit: number; beforeId?: string; action?: AuditAction; linkId?: string }
  ): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2)
         AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR link_id = $4)
       ORDER BY id DESC LIMIT $5`,
      [userId, options.beforeId ?? null, options.action ?? null, options.linkId ?? null, options.limit]
    );
    return rows.map(toRecord);
  }
}

interface AuditRow {
  id: string;
  at: Date;
  tenant_id: string;
  user_id: string | null;
  link_id: string | null;
  action: AuditAction;
  source_side: string | null;
  target_side: string | null;
  fields: string[];
  reason: string;
  detail: Record<string, unknown>;
  workflow_id: string | null;
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: r.at,
    tenantId: r.tenant_id,
    userId: r.user_id ?? undefined,
    linkId: r.link_id ?? undefined,
    action: r.action,
    sourceSide: r.source_side ?? undefined,
    targetSide: r.target_side ?? undefined,
    fields: r.fields,
    reason: r.reason,
    detail: r.detail,
    workflowId: r.workflow_id ?? undefined,
  };
}

const COLUMNS = 'tenant_id, user_id, link_id, action, source_side, target_side, fields, reason, detail, workflow_id';

function values(entry: AuditEntry): unknown[] {
  return [
    entry.tenantId,
    entry.userId ?? null,
    entry.linkId ?? null,
    entry.action,
    entry.sourceSide ?? null,
    entry.targetSide ?? null,
    entry.fields ?? [],
    entry.reason ?? '',
    entry.detail ?? {},
    entry.workflowId ?? null,
  ];
}
