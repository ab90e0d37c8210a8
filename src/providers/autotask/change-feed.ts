import { type AutotaskClient } from './autotask-client';
import { invalidRequest, isAutotaskError } from './errors';
import { formatAutotaskFilterInstant } from './datetime';
import {
  appointmentSchema,
  companyToDoSchema,
  serviceCallSchema,
  type Appointment,
  type CompanyToDo,
  type ServiceCall,
} from './models';
import { where, type Filter } from './query';

/**
 * Autotask has no webhooks for calendar entities, so changes are polled by each entity's own
 * last-modified field. Writes commit a little after their timestamp, so every pull reaches back
 * an overlap window and drops what the previous pull already returned (same id, same change time).
 */
export const CHANGE_FIELDS = {
  Appointments: 'updateDateTime',
  CompanyToDos: 'lastModifiedDate',
  ServiceCalls: 'lastModifiedDateTime',
} as const;
export type ChangeEntity = keyof typeof CHANGE_FIELDS;

export interface ChangeRecords {
  Appointments: Appointment;
  CompanyToDos: CompanyToDo;
  ServiceCalls: ServiceCall;
}

/** JSON-serialisable; the engine stores it between pulls. */
export interface ChangeCursor {
  entity: ChangeEntity;
  /** The latest change time seen so far (UTC ISO). */
  watermark: string;
  /** Records already returned inside the overlap window: [id, change time]. */
  seen: [number, string][];
  /** When a pull last reached back the whole overlap (UTC ISO); see ChangeFeedOptions.deepEveryMs. */
  deepAt?: string;
}

export interface SyncWindow {
  start: string;
  end: string;
}

export const DEFAULT_OVERLAP_MS = 2 * 60_000;

export function initialCursor(entity: ChangeEntity, since: string): ChangeCursor {
  return { entity, watermark: new Date(since).toISOString(), seen: [] };
}

type Changeable = { id: number; createDateTime?: string | null } & Record<string, unknown>;

/** When a record last changed: its change field, else (never modified, as Autotask may leave it null) its creation. */
export function changedAt(entity: ChangeEntity, record: Changeable): string {
  const value = record[CHANGE_FIELDS[entity]];
  if (typeof value === 'string') return value;
  return record.createDateTime ?? new Date(0).toISOString();
}

/** The filter of one pull: changed (or, never modified, created) since the watermark less the overlap. */
export function changeFilter(cursor: ChangeCursor, overlapMs: number, window?: SyncWindow): Filter[] {
  const from = formatAutotaskFilterInstant(new Date(Date.parse(cursor.watermark) - overlapMs));
  const field = CHANGE_FIELDS[cursor.entity];
  const changed = where.or(where.gte(field, from), where.and(where.notExist(field), where.gte('createDateTime', from)));
  return [changed, ...windowFilter(window)];
}

function windowFilter(window: SyncWindow | undefined): Filter[] {
  if (!window) return [];
  return [
    where.lt('startDateTime', formatAutotaskFilterInstant(window.end)),
    where.gt('endDateTime', formatAutotaskFilterInstant(window.start)),
  ];
}

/** Pure: which records are new to this cursor, and the cursor after them. */
export function advanceCursor<T extends Changeable>(
  cursor: ChangeCursor,
  records: readonly T[],
  overlapMs: number
): { changes: T[]; cursor: ChangeCursor } {
  const floor = Date.parse(cursor.watermark) - overlapMs;
  const seen = new Set(cursor.seen.map(([id, at]) => `${id}@${at}`));
  const changes: T[] = [];
  const returned = new Set<string>();
  let watermark = Date.parse(cursor.watermark);
  for (const record of records) {
    const at = changedAt(cursor.entity, record);
    const key = `${record.id}@${at}`;
    if (Date.parse(at) < floor || seen.has(key) || returned.has(key)) continue;
    returned.add(key);
    changes.push(record);
    watermark = Math.max(watermark, Date.parse(at));
  }
  const keepFrom = watermark - overlapMs;
  const nextSeen = new Map<string, [number, string]>();
  for (const entry of [...cursor.seen, ...changes.map((r): [number, string] => [r.id, changedAt(cursor.entity, r)])]) {
    if (Date.parse(entry[1]) >= keepFrom) nextSeen.set(`${entry[0]}@${entry[1]}`, entry);
  }
  return {
    changes,
    cursor: { entity: cursor.entity, watermark: new Date(watermark).toISOString(), seen: [...nextSeen.values()] },
  };
}

export interface ChangeFeedOptions {
  /** How far back a late-committing write may be stamped; what was returned is remembered this long. */
  overlapMs?: number;
  /**
   * How far back routine pulls reach (default: the whole overlap). At a high rate of changes the
   * whole overlap re-reads thousands of records on every pull, nearly all of them already seen; a
   * shorter reach reads only the recent ones, and every `deepEveryMs` one pull reaches back the
   * whole overlap, so a write that commits later than the short reach is still found, later.
   */
  shortOverlapMs?: number;
  deepEveryMs?: number;
  now?: () => number;
}

/**
 * Pulls changes per entity. If Autotask refuses to filter on the change field (it is not marked
 * queryable everywhere), the feed falls back for that entity to scanning the sync window and
 * comparing change times itself: more rows read, same answer.
 */
export class ChangeFeed {
  private readonly overlapMs: number;
  private readonly shortOverlapMs: number;
  private readonly deepEveryMs: number;
  private readonly now: () => number;
  private readonly scanOnly = new Set<ChangeEntity>();

  constructor(
    private readonly client: AutotaskClient,
    options: ChangeFeedOptions = {}
  ) {
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    this.shortOverlapMs = Math.min(options.shortOverlapMs ?? this.overlapMs, this.overlapMs);
    this.deepEveryMs = options.deepEveryMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** Whether this pull reaches back the whole overlap: the first, and one every deepEveryMs. */
  private isDeep(cursor: ChangeCursor, now: number): boolean {
    if (this.shortOverlapMs >= this.overlapMs || cursor.deepAt === undefined) return true;
    const last = Date.parse(cursor.deepAt);
    // A clock that went back (now before the last deep pull) reaches back too, to be safe.
    return now - last >= this.deepEveryMs || now < last;
  }

  /** True once the entity's change field proved unqueryable and pulls scan the window instead. */
  scansWindow(entity: ChangeEntity): boolean {
    return this.scanOnly.has(entity);
  }

  async pull<E extends ChangeEntity>(
    cursor: ChangeCursor & { entity: E },
    window?: SyncWindow
  ): Promise<{ changes: ChangeRecords[E][]; cursor: ChangeCursor }> {
    const entity: E = cursor.entity;
    let records: Changeable[];
    if (!this.scanOnly.has(entity)) {
      try {
        const now = this.now();
        const deep = this.isDeep(cursor, now);
        records = await this.fetch(entity, changeFilter(cursor, deep ? this.overlapMs : this.shortOverlapMs, window));
        const advanced = advanceCursor(cursor, records, this.overlapMs);
        const deepAt = deep ? new Date(now).toISOString() : cursor.deepAt;
        return {
          changes: advanced.changes as ChangeRecords[E][],
          cursor: { ...advanced.cursor, ...(deepAt !== undefined ? { deepAt } : {}) },
        };
      } catch (err) {
        const field = CHANGE_FIELDS[entity];
        const refusedField =
          isAutotaskError(err, 'InvalidRequest') && err.message.toLowerCase().includes(field.toLowerCase());
        if (!refusedField || !window) throw err;
        this.scanOnly.add(entity);
      }
    }
    if (!window) {
      throw invalidRequest(`${entity}.changes`, 'the change field cannot be queried here, so pulls need a sync window');
    }
    records = await this.fetch(entity, windowFilter(window));
    return advanceCursor(cursor, records, this.overlapMs) as { changes: ChangeRecords[E][]; cursor: ChangeCursor };
  }

  private fetch(entity: ChangeEntity, filter: Filter[]): Promise<Changeable[]> {
    switch (entity) {
      case 'Appointments':
        return this.client.queryAll(entity, appointmentSchema, { filter });
      case 'CompanyToDos':
        return this.client.queryAll(entity, companyToDoSchema, { filter });
      case 'ServiceCalls':
        return this.client.queryAll(entity, serviceCallSchema, { filter });
    }
  }
}
