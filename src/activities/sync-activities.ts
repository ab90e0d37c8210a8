import { randomUUID } from 'node:crypto';
import type { Side } from '../domain/canonical-event';
import { replicaKey } from '../domain/link';
import {
  ChangeFeed,
  type ChangeCursor,
  type ChangeEntity,
  initialCursor,
  loadServiceCallDetails,
} from '../providers/autotask';
import type { ChangeSet, IdentifiedEvent } from '../providers/graph';
import { initialModifiedCursor, type ModifiedCursor } from '../providers/netsuite/change-detection';
import { ItemStore } from '../store/items';
import { effectivePolicy } from '../store/policy';
import type { ActivityContext, UserRef } from './context';
import { loadTenantSyncContext } from './engine/tenant-context';
import type { OutlookPrefetched } from './engine/outlook-replica';
import { removedSeriesMasters } from './engine/series-activities';
import { readNotifiedEarly } from './engine/early-reads';
import { type BatchOutcome, projectionContext, type RecordRef, syncRecords } from './engine/sync-records';

/** What one pull did; ids and counts only, never event contents (it lands in workflow history). */
export interface PullResult extends BatchOutcome {
  source: Side;
  /** When the pull finished (ISO instant). */
  at: string;
  /** True when Outlook's delta token had expired and the window was read again. */
  fullResync?: boolean;
  /** Outlook series masters that changed (or whose occurrences did): each is synced by its own child workflow. */
  seriesIds?: string[];
  /**
   * Hinted records that are occurrences of a synced series (their copies in NetSuite or Autotask):
   * the series' child workflow is their one writer, so it reads them and carries the change back.
   */
  seriesChanges?: { seriesItemId: string; recordIds: string[] }[];
  /**
   * The user's Outlook copies this activity wrote, at the versions stored for them: when Graph's
   * notification of one arrives, the workflow knows it for its own write without a round.
   */
  outlookWritten?: { recordId: string; version: string }[];
}

/** The batch's outcome as the workflow sees it: only this user's Outlook writes travel back. */
function forUser(outcome: BatchOutcome, userId: string): BatchOutcome & Pick<PullResult, 'outlookWritten'> {
  const { outlookWrites, ...rest } = outcome;
  const own = replicaKey('outlook', userId);
  const written = (outlookWrites ?? [])
    .filter((w) => w.replica === own)
    .map(({ recordId, version }) => ({ recordId, version }));
  return { ...rest, ...(written.length ? { outlookWritten: written } : {}) };
}

export interface PullInput extends UserRef {
  workflowId?: string;
  /** Ignore the stored delta link and read the whole window again. */
  full?: boolean;
  /** Let deletes through that the mass-deletion guard held (an admin confirmed them). */
  confirmDeletes?: boolean;
  /**
   * The round was woken only by change notifications reporting these versions: when each equals
   * the version we stored after our own write, they are echoes and the mailbox is not read.
   */
  unlessEchoes?: { recordId: string; version: string }[];
}

export interface HintedInput extends UserRef {
  workflowId?: string;
  source: Side;
  recordIds: string[];
  /** Of those, the ones a push named (a person's edit, never our own write): read early (early-reads.ts). */
  changedIds?: string[];
  /**
   * The versions the poll saw for `changedIds`: one equal to the version stored since is our own
   * write, seen by the poll before the round that made it had stored it. Its item's other
   * replicas are then not read early.
   */
  changedVersions?: Record<string, string>;
  confirmDeletes?: boolean;
}

export interface TenantChanges {
  /** False when the tenant has no connection to this provider (the poller then ends). */
  connected: boolean;
  /**
   * The users each change concerns, with the record ids to look at; `changedRecordIds` are those
   * of them known to be a person's edit (not our own write), which the user's sync may read
   * together with the item's other replicas (ADR 0009).
   */
  affected: {
    userId: string;
    recordIds: string[];
    changedRecordIds?: string[];
    /** The changed records' stamps as the poll saw them (record id → version). */
    changedVersions?: Record<string, string>;
  }[];
  /** Poll again no sooner than this (e.g. NetSuite with the push bundle: the poll is a safety net). */
  nextPollMs?: number;
  /**
   * With `deferCursors`: where the next poll starts, for the poller to save (saveTenantCursors)
   * once it has told the users. Saved here, a completion lost to a restart would lose the changes.
   */
  cursors?: TenantCursor[];
  /**
   * With `stageCursors`: the names of the cursors this poll left staged in PostgreSQL, for the
   * poller to promote (saveTenantCursors) once it has told the users. Returned instead of the
   * cursors themselves, whose seen lists ran to tens of kB per poll in the poller's history.
   */
  stagedCursors?: string[];
}

/** One saved position of a tenant poller's feed (cursor name and its JSON). */
export interface TenantCursor {
  name: string;
  value: string;
}

export interface TenantPollInput {
  tenantId: string;
  deferCursors?: boolean;
  /** With deferCursors: stage the cursors in PostgreSQL and return their names only. */
  stageCursors?: boolean;
}

/** Where a poll's cursors wait until the poller has told the users (then saveTenantCursors promotes them). */
const STAGED_SCOPE = 'tenant-staged';
const STAGED_SEPARATOR = '#';

export type SaveTenantCursorsInput = { tenantId: string } & ({ cursors: TenantCursor[] } | { staged: string[] });

/**
 * Keeps the cursors a poll returned, or promotes those it staged (the poller calls it after its
 * signals went out) and forgets every staged copy of them, a stale attempt's too. Promoting again
 * finds nothing staged and changes nothing.
 */
export async function saveTenantCursors(ctx: ActivityContext, input: SaveTenantCursorsInput): Promise<void> {
  if ('cursors' in input) {
    for (const { name, value } of input.cursors) await ctx.cursors.set(input.tenantId, 'tenant', name, value);
    return;
  }
  for (const staged of input.staged) {
    const value = await ctx.cursors.get(input.tenantId, STAGED_SCOPE, staged);
    const name = staged.slice(0, staged.lastIndexOf(STAGED_SEPARATOR));
    if (value === undefined || !name) continue;
    await ctx.cursors.set(input.tenantId, 'tenant', name, value);
    await ctx.cursors.clearStaged(input.tenantId, STAGED_SCOPE, `${name}${STAGED_SEPARATOR}`);
  }
}

/** Saves the cursors now, or stages or returns them to be saved once the users were told. */
async function keepCursors(ctx: ActivityContext, input: TenantPollInput, cursors: TenantCursor[]) {
  if (input.deferCursors && input.stageCursors) {
    // Each attempt stages under names of its own: an attempt that timed out but still runs cannot
    // replace what the attempt the poller heard from staged.
    const attempt = randomUUID();
    const staged = cursors.map((c) => ({ ...c, name: `${c.name}${STAGED_SEPARATOR}${attempt}` }));
    for (const { name, value } of staged) await ctx.cursors.set(input.tenantId, STAGED_SCOPE, name, value);
    return { stagedCursors: staged.map((c) => c.name) };
  }
  if (input.deferCursors) return { cursors };
  await saveTenantCursors(ctx, { tenantId: input.tenantId, cursors });
  return {};
}

const OUTLOOK_DELTA = 'graph-calendar-delta';
const NETSUITE_WATERMARK = 'netsuite-modified';
const AUTOTASK_CURSORS = {
  Appointments: 'autotask-appointments',
  CompanyToDos: 'autotask-todos',
  ServiceCalls: 'autotask-servicecalls',
} as const;
const DAY_MS = 86_400_000;
/** With the SuiteScript push installed, the NetSuite poll only catches pushes that were lost. */
const PUSH_SAFETY_POLL_MS = 15 * 60_000;

async function tenantContext(
  ctx: ActivityContext,
  ref: UserRef,
  workflowId?: string,
  outlookPrefetched?: OutlookPrefetched
) {
  const { tenant } = await ctx.loadUser(ref);
  const connectors = await ctx.connectors.forTenant(tenant.id);
  return loadTenantSyncContext({
    pool: ctx.pool,
    tenant,
    connectors,
    items: new ItemStore(ctx.pool),
    audit: ctx.audit,
    forUserId: ref.userId,
    workflowId,
    users: ctx.tenantUsers,
    ...(outlookPrefetched ? { outlookPrefetched } : {}),
  });
}

/**
 * Reads what changed in the user's mailbox (Graph delta over the sync window, the truth) and syncs
 * each changed record. The delta link is kept only after the batch went through, so a failed batch
 * is read again.
 */
export async function pullOutlook(ctx: ActivityContext, input: PullInput): Promise<PullResult> {
  const loaded = await ctx.loadUser(input);
  const { user, tenant } = loaded;
  const outlookKey = replicaKey('outlook', user.id);
  const notified =
    input.unlessEchoes?.length && !input.full
      ? await notifiedChanges(ctx, tenant.id, outlookKey, input.unlessEchoes)
      : [];
  if (input.unlessEchoes?.length && !input.full && notified.length === 0) {
    // Nothing but our own writes coming back: the stored versions already say so, no Graph call.
    return { ...emptyOutcome(), skipped: input.unlessEchoes.length, source: 'outlook', at: ctx.now().toISOString() };
  }
  const graph = (await ctx.connectors.forTenant(tenant.id)).graph;
  if (!graph) throw new Error(`tenant ${tenant.id} has no Outlook connection`);
  const window = outlookWindow(ctx, loaded);

  // Filled from the delta below: a linked single is read from there instead of by a GET.
  const prefetchedEvents = new Map<string, IdentifiedEvent['event']>();
  const prefetched = { mailbox: user.mailbox, events: prefetchedEvents };
  // A notification of a person's edit: the sync context is needed anyway, and the edited items'
  // other replicas are read beside the delta call (early-reads.ts).
  const startEarly = async () => {
    const sync = await tenantContext(ctx, input, input.workflowId, prefetched);
    const started = await readNotifiedEarly(sync, outlookKey, notified, user.id, (o) => projectionContext(sync, o));
    return { sync, started };
  };
  const readDelta = async () => {
    const deltaLink = input.full ? undefined : await ctx.cursors.get(tenant.id, user.id, OUTLOOK_DELTA);
    return graph.listChanges(user.mailbox, window, deltaLink);
  };
  const [early, changes] = await Promise.all([notified.length > 0 ? startEarly() : undefined, readDelta()]);
  // Removed series masters are the series engine's (it confirms the delete with a GET).
  const removedSeries = await removedSeriesMasters(ctx, input, changes.removedIds);
  const singles = changes.events.filter((e) => e.type === 'singleInstance');
  // Graph changes an event's changeKey on every modification: one equal to the version we stored
  // is the notification of our own write (or nothing new), and needs no read.
  const stored = await new ItemStore(ctx.pool).versionsOf(
    tenant.id,
    outlookKey,
    singles.map((e) => e.id)
  );
  const unchanged = singles.filter((e) => e.changeKey && stored.get(e.id) === e.changeKey);
  // A linked single is read from the delta (in full) instead of by a GET: one Graph call less.
  for (const e of singles) if (stored.has(e.id) && !unchanged.includes(e) && inFull(e)) prefetchedEvents.set(e.id, e);
  const refs: RecordRef[] = [
    // Series and their occurrences go through the series engine (not in this batch).
    ...singles.filter((e) => !unchanged.includes(e)).map((e) => e.id),
    ...changes.removedIds.filter((id) => !removedSeries.includes(id)),
  ].map((recordId) => ({ side: 'outlook', recordId, userId: user.id }));
  const seriesIds = [...new Set([...seriesMastersOf(changes), ...removedSeries])];

  // A quiet mailbox (most pulls) needs no sync context: it loads every user of the tenant.
  const outcome =
    refs.length === 0
      ? emptyOutcome()
      : await syncRecords(early?.sync ?? (await tenantContext(ctx, input, input.workflowId, prefetched)), refs, {
          guardUserId: user.id,
          skipGuard: input.confirmDeletes,
          ...(early ? { early: { started: early.started } } : {}),
        });
  await ctx.cursors.set(tenant.id, user.id, OUTLOOK_DELTA, changes.deltaLink);
  return {
    ...forUser(outcome, user.id),
    skipped: outcome.skipped + unchanged.length,
    source: 'outlook',
    seriesIds,
    at: ctx.now().toISOString(),
    fullResync: changes.fullResync,
  };
}

/** The span of the mailbox the delta reads: the widest of the user's sync windows. */
function outlookWindow(
  ctx: ActivityContext,
  { tenant, user }: Awaited<ReturnType<ActivityContext['loadUser']>>
): { start: string; end: string } {
  const policy = effectivePolicy(tenant.policy, user.policy);
  const pastDays = Math.max(policy.netsuite.syncWindow.pastDays, policy.autotask.syncWindow.pastDays);
  const futureDays = Math.max(policy.netsuite.syncWindow.futureDays, policy.autotask.syncWindow.futureDays);
  const now = ctx.now().getTime();
  return {
    start: new Date(now - pastDays * DAY_MS).toISOString(),
    end: new Date(now + futureDays * DAY_MS).toISOString(),
  };
}

/**
 * A fallback poll's first look, run as a local activity: the delta call alone. When it brings
 * nothing (most polls of a subscribed mailbox) the new delta link is kept and the round ends there;
 * otherwise nothing is kept and the workflow runs pullOutlook, which reads the same delta again.
 */
export async function peekOutlook(ctx: ActivityContext, input: UserRef): Promise<{ quiet: boolean; at: string }> {
  const loaded = await ctx.loadUser(input);
  const { user, tenant } = loaded;
  const at = ctx.now().toISOString();
  const graph = (await ctx.connectors.forTenant(tenant.id)).graph;
  const deltaLink = await ctx.cursors.get(tenant.id, user.id, OUTLOOK_DELTA);
  if (!graph || !deltaLink) return { quiet: false, at };
  const changes = await graph.listChanges(user.mailbox, outlookWindow(ctx, loaded), deltaLink);
  const quiet =
    !changes.fullResync &&
    changes.events.length === 0 &&
    changes.occurrences.length === 0 &&
    changes.removedIds.length === 0;
  if (quiet) await ctx.cursors.set(tenant.id, user.id, OUTLOOK_DELTA, changes.deltaLink);
  return { quiet, at };
}

/**
 * A delta entry with every property the mapping reads (Graph returns them for singles; one
 * without, however it came, is read by a GET rather than taken for an edit that cleared them).
 */
function inFull(e: ChangeSet['events'][number]): boolean {
  return (['subject', 'body', 'start', 'end', 'sensitivity', 'showAs', 'isAllDay'] as const).every(
    (k) => e[k] !== undefined
  );
}

/** The notified records whose version is not the one stored (not our own write coming back). */
async function notifiedChanges(
  ctx: ActivityContext,
  tenantId: string,
  outlookKey: string,
  seen: readonly { recordId: string; version: string }[]
): Promise<string[]> {
  const stored = await new ItemStore(ctx.pool).versionsOf(
    tenantId,
    outlookKey,
    seen.map((s) => s.recordId)
  );
  return seen.filter((s) => stored.get(s.recordId) !== s.version).map((s) => s.recordId);
}

/** The series masters a delta round touched: masters themselves, and the masters of changed occurrences. */
function seriesMastersOf(changes: ChangeSet): string[] {
  const ids = new Set<string>();
  for (const e of changes.events) {
    if (e.type === 'seriesMaster') ids.add(e.id);
    else if (e.type !== 'singleInstance' && e.seriesMasterId) ids.add(e.seriesMasterId);
  }
  for (const o of changes.occurrences) if (o.seriesMasterId) ids.add(o.seriesMasterId);
  return [...ids];
}

/** Syncs records another side named (a tenant poller's or a push's hint): each is read again first. */
export async function syncHinted(ctx: ActivityContext, input: HintedInput): Promise<PullResult> {
  const sync = await tenantContext(ctx, input, input.workflowId);
  const refs = input.recordIds.map((recordId) => ({ side: input.source, recordId, userId: input.userId }));
  const outcome = await syncRecords(sync, refs, {
    guardUserId: input.userId,
    skipGuard: input.confirmDeletes,
    resumeFromHeartbeat: true,
    ...(input.changedIds?.length ? { early: { beside: await personsEdits(ctx, input) } } : {}),
  });
  const seriesChanges = await occurrencesAmong(ctx, input);
  return {
    ...forUser(outcome, input.userId),
    source: input.source,
    at: ctx.now().toISOString(),
    ...(seriesChanges.length ? { seriesChanges } : {}),
  };
}

/** The hinted records a person changed: named changed, and not at a version we stored (our write). */
async function personsEdits(ctx: ActivityContext, input: HintedInput): Promise<Set<string>> {
  const changed = input.changedIds ?? [];
  const seen = input.changedVersions ?? {};
  const replica = replicaKey(input.source, input.source === 'netsuite' ? undefined : input.userId);
  const stored = await new ItemStore(ctx.pool).versionsOf(
    input.tenantId,
    replica,
    changed.filter((id) => seen[id] !== undefined)
  );
  return new Set(changed.filter((id) => seen[id] === undefined || stored.get(id) !== seen[id]));
}

/** Of the hinted records, those that are copies of a series' occurrences, by series. */
async function occurrencesAmong(
  ctx: ActivityContext,
  input: HintedInput
): Promise<{ seriesItemId: string; recordIds: string[] }[]> {
  if (input.source === 'outlook' || input.recordIds.length === 0) return [];
  const { rows } = await ctx.pool.query<{ series_item_id: string; record_id: string }>(
    `SELECT DISTINCT i.series_item_id, r.record_id FROM item_records r
       JOIN items i ON i.tenant_id = r.tenant_id AND i.item_id = r.item_id
      WHERE r.tenant_id = $1 AND r.replica = $2 AND r.record_id = ANY($3::text[])
        AND i.kind = 'occurrence' AND i.series_item_id IS NOT NULL`,
    [input.tenantId, replicaKey(input.source, input.source === 'netsuite' ? undefined : input.userId), input.recordIds]
  );
  const bySeries = new Map<string, string[]>();
  for (const row of rows)
    bySeries.set(row.series_item_id, [...(bySeries.get(row.series_item_id) ?? []), row.record_id]);
  return [...bySeries].map(([seriesItemId, recordIds]) => ({ seriesItemId, recordIds }));
}

function addAffected(map: Map<string, Set<string>>, userId: string, recordId: string): void {
  (map.get(userId) ?? map.set(userId, new Set()).get(userId)!).add(recordId);
}

async function usersOfRecord(
  ctx: ActivityContext,
  tenantId: string,
  replica: string,
  recordId: string
): Promise<string[]> {
  // The users with a copy of the item this record belongs to.
  const { rows } = await ctx.pool.query<{ user_id: string }>(
    `SELECT DISTINCT r2.user_id FROM item_records r1 JOIN item_records r2
       ON r2.tenant_id = r1.tenant_id AND r2.item_id = r1.item_id
     WHERE r1.tenant_id = $1 AND r1.replica = $2 AND r1.record_id = $3 AND r2.user_id IS NOT NULL`,
    [tenantId, replica, recordId]
  );
  return rows.map((r) => r.user_id);
}

/**
 * The NetSuite tenant poller's read (for accounts without the SuiteScript push): every event
 * modified since the watermark, mapped to the synced users it concerns (organiser, attendees, or
 * users already holding a copy). One query per tenant, whatever the number of users (DESIGN.md §5).
 */
export async function pollNetSuite(ctx: ActivityContext, input: TenantPollInput): Promise<TenantChanges> {
  const netsuite = (await ctx.connectors.forTenant(input.tenantId)).netsuite;
  if (!netsuite) return { connected: false, affected: [] };
  const pushInstalled = (await ctx.tenants.get(input.tenantId))?.connections.netsuite?.pushInstalled ?? false;
  const stored = await ctx.cursors.get(input.tenantId, 'tenant', NETSUITE_WATERMARK);
  const cursor: ModifiedCursor = stored
    ? (JSON.parse(stored) as ModifiedCursor)
    : initialModifiedCursor('2000-01-01T00:00:00Z');
  const { changes, cursor: next } = await netsuite.pollModifiedEvents(cursor);
  const users = await ctx.tenantUsers.list(input.tenantId);
  const byEmployee = new Map(users.flatMap((u) => (u.netsuite_employee_id ? [[u.netsuite_employee_id, u.id]] : [])));
  const affected = new Map<string, Set<string>>();
  for (const change of changes) {
    for (const userId of await usersOfRecord(ctx, input.tenantId, 'netsuite', change.id))
      addAffected(affected, userId, change.id);
    const record = await netsuite.getCalendarEvent(change.id);
    const people = [record?.organizer?.id, ...(record?.attendee?.items ?? []).map((a) => a.attendee?.id)];
    for (const id of people) {
      const userId = id ? byEmployee.get(id) : undefined;
      if (userId) addAffected(affected, userId, change.id);
    }
  }
  const kept = await keepCursors(ctx, input, [{ name: NETSUITE_WATERMARK, value: JSON.stringify(next) }]);
  return {
    ...kept,
    connected: true,
    affected: [...affected].map(([userId, ids]) => ({ userId, recordIds: [...ids] })),
    ...(pushInstalled ? { nextPollMs: PUSH_SAFETY_POLL_MS } : {}),
  };
}

/**
 * The Autotask tenant poller's read: appointments, to-dos and service calls changed since each
 * entity's watermark, by resource (there are no webhooks for calendar entities). Record ids name
 * the entity: `appointment:<id>`, `todo:<id>`, `servicecall:<id>`.
 */
export async function pollAutotask(ctx: ActivityContext, input: TenantPollInput): Promise<TenantChanges> {
  const autotask = (await ctx.connectors.forTenant(input.tenantId)).autotask;
  if (!autotask) return { connected: false, affected: [] };
  const users = await ctx.tenantUsers.list(input.tenantId);
  const byResource = new Map(
    users.flatMap((u) => (u.autotask_resource_id ? [[Number(u.autotask_resource_id), u.id] as const] : []))
  );
  const affected = new Map<string, Set<string>>();
  /** Records a person is known to have changed (not our own writes), by user. */
  const changedByUser = new Map<string, Set<string>>();
  const versions = new Map<string, Record<string, string>>();
  const touch = (resourceId: number | null | undefined, recordId: string, changed?: string | null) => {
    const userId = byResource.get(Number(resourceId));
    if (userId) addAffected(affected, userId, recordId);
    if (userId && changed !== undefined) addAffected(changedByUser, userId, recordId);
    if (userId && changed) versions.set(userId, { ...versions.get(userId), [recordId]: changed });
  };
  // A write may commit minutes after its stamp (Autotask ends requests at about 5 minutes): once
  // a minute a pull reaches back that far; the others read only the last 30 s (ADR 0010).
  const feed = new ChangeFeed(autotask, { overlapMs: 5 * 60_000, shortOverlapMs: 30_000, deepEveryMs: 60_000 });
  const pull = async <E extends ChangeEntity>(entity: E) => {
    const stored = await ctx.cursors.get(input.tenantId, 'tenant', AUTOTASK_CURSORS[entity]);
    const cursor = stored
      ? (JSON.parse(stored) as ChangeCursor & { entity: E })
      : (initialCursor(entity, new Date(ctx.now().getTime() - 30 * DAY_MS).toISOString()) as ChangeCursor & {
          entity: E;
        });
    return feed.pull(cursor);
  };
  // Each entity's watermark is kept only once every entity was read, so a failed pull is read again.
  // The three are different endpoints (Autotask's thread limit is per endpoint): read side by side.
  const [appointments, toDos, serviceCalls] = await Promise.all([
    pull('Appointments'),
    pull('CompanyToDos'),
    pull('ServiceCalls'),
  ]);
  const ours = await ownWrites(ctx, input.tenantId, byResource, appointments.changes);
  for (const change of appointments.changes) {
    // A stamp that is not the version we wrote: a person's edit.
    // (Or ours, seen before the round that wrote it stored its stamp: the stamp travels along.)
    if (!ours.has(change.id))
      touch(change.resourceID, `appointment:${change.id}`, change.updateDateTime ?? change.createDateTime ?? null);
  }
  // DESIGN.md §2: To-Dos and Service Calls reach Outlook too (service calls: each of their resources).
  for (const change of toDos.changes) touch(change.assignedToResourceID, `todo:${change.id}`);
  for (const details of await loadServiceCallDetails(autotask, serviceCalls.changes)) {
    for (const resource of details.resources) touch(resource.id, `servicecall:${details.call.id}`);
  }
  const kept = await keepCursors(ctx, input, [
    { name: AUTOTASK_CURSORS.Appointments, value: JSON.stringify(appointments.cursor) },
    { name: AUTOTASK_CURSORS.CompanyToDos, value: JSON.stringify(toDos.cursor) },
    { name: AUTOTASK_CURSORS.ServiceCalls, value: JSON.stringify(serviceCalls.cursor) },
  ]);
  return {
    ...kept,
    connected: true,
    affected: [...affected].map(([userId, ids]) => {
      const changed = changedByUser.get(userId);
      const seen = versions.get(userId);
      return {
        userId,
        recordIds: [...ids],
        ...(changed ? { changedRecordIds: [...changed] } : {}),
        ...(seen ? { changedVersions: seen } : {}),
      };
    }),
  };
}

/**
 * Appointments whose modification stamp equals the version we stored for them: what the feed
 * shows is our own write (or nothing new), so nobody needs to read them again.
 */
async function ownWrites(
  ctx: ActivityContext,
  tenantId: string,
  byResource: ReadonlyMap<number, string>,
  changes: readonly { id: number; resourceID: number; updateDateTime?: string | null; createDateTime?: string | null }[]
): Promise<Set<number>> {
  const items = new ItemStore(ctx.pool);
  const ours = new Set<number>();
  const byUser = new Map<string, (typeof changes)[number][]>();
  for (const change of changes) {
    const userId = byResource.get(Number(change.resourceID));
    if (userId) (byUser.get(userId) ?? byUser.set(userId, []).get(userId)!).push(change);
  }
  for (const [userId, mine] of byUser) {
    const stored = await items.versionsOf(
      tenantId,
      replicaKey('autotask', userId),
      mine.map((c) => `appointment:${c.id}`)
    );
    for (const c of mine) {
      const stamp = c.updateDateTime ?? c.createDateTime;
      if (stamp && stored.get(`appointment:${c.id}`) === stamp) ours.add(c.id);
    }
  }
  return ours;
}

function emptyOutcome(): BatchOutcome {
  return { created: 0, updated: 0, deleted: 0, rsvps: 0, conflicts: 0, skipped: 0, failed: 0 };
}
