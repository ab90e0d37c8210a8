import { createHash } from 'node:crypto';
import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import type { Side } from '../../domain/canonical-event';
import { type Link, newLink, type Observation, replicaKey } from '../../domain/link';
import { guardMassDeletion } from '../../domain/mass-delete-guard';
import { plan } from '../../domain/plan';
import { isWrite, type Plan, type PlanAction, type WriteAction } from '../../domain/plan-action';
import type { SyncPolicy } from '../../domain/policy';
import type { ProjectionContext } from '../../domain/projection';
import { observePropagation } from '../../observability/metrics';
import { ProviderError } from '../../providers/provider-error';
import type { AuditLog } from '../../store/audit';
import { type ItemStore, StaleItemError, type StoredItem } from '../../store/items';
import { type EarlyRead, readOthersEarly, readReplicas, usableEarly } from './early-reads';
import { sharedWithOthers, STALE, underItemLease } from './item-lease';
import { MAX_TARGET_READ_ROUNDS, unreadTargets } from './read-targets';
import type { ReplicaIO, ReplicaOwner } from './replica-io';
import { writeReplica } from './write-replica';

/** One record that changed (or may have): which side, whose, and its id there. */
export interface RecordRef {
  side: Side;
  recordId: string;
  /** The synced user on whose behalf it is read (for NetSuite: a user who takes part). */
  userId: string;
}

/** Everything one tenant's sync needs, built per activity from the store and the tenant's clients. */
export interface TenantSyncContext {
  tenantId: string;
  policy: SyncPolicy;
  owners: ReadonlyMap<string, ReplicaOwner>;
  io: Partial<Record<Side, ReplicaIO>>;
  items: ItemStore;
  audit: AuditLog;
  workflowId?: string;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  deleted: number;
  rsvps: number;
  conflicts: number;
  skipped: number;
  failed: number;
  /** Set when the mass-deletion guard held this batch's deletes back. */
  needsAttention?: { reason: string; held: RecordRef[] };
  /** The Outlook copies this batch wrote, with the versions stored for them (echo recognition). */
  outlookWrites?: { replica: string; recordId: string; version: string }[];
}

const MAX_STALE_RETRIES = 3;
const ITEM_CONCURRENCY = 4;

/** The records a failed earlier attempt of this activity had saved, from its last heartbeat. */
function savedBefore(): Set<string> {
  const details = activityInfo().heartbeatDetails as { done?: unknown } | undefined;
  const done = Array.isArray(details?.done) ? details.done : [];
  return new Set(done.filter((d): d is string => typeof d === 'string'));
}

/** A new item's id, derived from where it was first seen so a replayed activity finds the same one. */
export function newItemId(tenantId: string, replica: string, recordId: string): string {
  return `i_${createHash('sha256').update(`${tenantId}\u0000${replica}\u0000${recordId}`).digest('base64url').slice(0, 22)}`;
}

export function projectionContext(ctx: TenantSyncContext, owner: ReplicaOwner): ProjectionContext {
  return {
    ownerEmail: owner.mailbox,
    ownerZone: owner.timeZone,
    syncedEmails: [...ctx.owners.values()].map((o) => o.mailbox),
    netsuiteNativeRecurrence: ctx.policy.netsuiteNativeRecurrence,
  };
}

interface Planned {
  ref: RecordRef;
  /** When the record was read (ms): the start of its propagation. */
  readAt: number;
  stored: StoredItem;
  plan: Plan;
}

/** How a record's planning may read the item's other replicas before its plan asks (early-reads.ts). */
export interface EarlyReads {
  /** Records known to have changed (a person's edit): their items' other replicas are read beside them. */
  beside?: ReadonlySet<string>;
  /** Reads already started, by record id (beside the Outlook delta call). */
  started?: ReadonlyMap<string, Promise<EarlyRead>>;
}

/** Reads one record and plans its item; undefined when there is nothing to do (an unknown record that is gone). */
async function readAndPlan(
  ctx: TenantSyncContext,
  ref: RecordRef,
  early: EarlyReads = {}
): Promise<Planned | undefined> {
  const io = ctx.io[ref.side];
  const owner = ctx.owners.get(ref.userId);
  if (!io || !owner) return undefined;
  const key = replicaKey(ref.side, ref.side === 'netsuite' ? undefined : ref.userId);
  const projection = (o: ReplicaOwner) => projectionContext(ctx, o);
  const linked = await ctx.items.findByRecord(ctx.tenantId, key, ref.recordId);
  const readAt = Date.now();
  const [read, earlier] = await Promise.all([
    io.read(owner, ref.recordId, projectionContext(ctx, owner)),
    early.started?.get(ref.recordId) ??
      (early.beside?.has(ref.recordId) && linked
        ? readOthersEarly(ctx, linked.link, key, ref.userId, projection)
        : undefined),
  ]);
  let stored =
    linked ??
    (read.itemId ? await ctx.items.get(ctx.tenantId, read.itemId) : undefined) ??
    (read.iCalUid && read.kind !== 'occurrence' ? await ctx.items.findMeeting(ctx.tenantId, read.iCalUid) : undefined);
  // Occurrences of a series have one writer, the series engine (series-sync.ts): not planned here.
  if (stored?.link.kind === 'occurrence') return undefined;
  if (!stored) {
    if (read.observation.state !== 'present') return undefined;
    // Our copy of a series occurrence (id `<series item>@<key>`) whose link the series engine
    // dropped when it left the window: forgotten, not a new item to copy everywhere again.
    if (read.itemId?.includes('@')) return undefined;
    const itemId = read.itemId ?? newItemId(ctx.tenantId, key, ref.recordId);
    stored = await ctx.items.insert(ctx.tenantId, newLink(itemId, read.kind, key, read.iCalUid));
  }
  const observation =
    read.observation.state === 'present' ? { ...read.observation, recordId: ref.recordId } : read.observation;
  const observations: Record<string, Observation> = {
    // Early reads count only for the item they were made for, while recent (usableEarly), and never
    // replace the record's own read. Not for an item other users' workflows write: its lease is
    // taken at the version read above, so every read the plan rests on must come after it.
    ...(sharedWithOthers(
      {
        links: [stored.link],
        projections: [read.observation.state === 'present' ? read.observation.projection : undefined],
      },
      ref.userId,
      ctx.owners
    )
      ? {}
      : usableEarly(earlier, stored.link.itemId)),
    [key]: observation,
  };
  let planned = plan(stored.link, observations, ctx.policy);
  // Read what the plan would overwrite or delete, and plan again with it (read-targets.ts).
  for (let round = 0; round < MAX_TARGET_READ_ROUNDS; round++) {
    const targets = unreadTargets(planned, stored.link, observations);
    if (targets.length === 0) break;
    Object.assign(observations, await readReplicas(ctx, targets, ref.userId, projection));
    planned = plan(stored.link, observations, ctx.policy);
  }
  return { ref, readAt, stored, plan: planned };
}

/** Applies one write; returns the replica as it is afterwards (undefined once deleted). */
async function execute(ctx: TenantSyncContext, link: Link, action: WriteAction, fallbackOwner: string) {
  const io = ctx.io[action.side];
  const owner = ctx.owners.get(action.userId ?? fallbackOwner);
  if (!io || !owner) throw new Error(`no ${action.side} connection or user for ${action.replica}`);
  return writeReplica(io, owner, link, action, link.kind);
}

/** The first failure among settled work, once all of it has finished. */
function firstFailure(results: readonly PromiseSettledResult<unknown>[]): PromiseRejectedResult | undefined {
  return results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
}

/**
 * Waits for all, then throws the first failure: a retry of the activity must never overlap a
 * write of this attempt still in flight (the retry re-plans against what was saved).
 */
async function allFinished(work: readonly Promise<unknown>[]): Promise<void> {
  const failure = firstFailure(await Promise.allSettled(work));
  if (failure) throw failure.reason;
}

type Written = Map<string, { recordId: string; version?: string } | undefined>;

/**
 * Runs a plan's writes: replicas side by side (they are different records, mostly on different
 * providers, and no write needs another's result), a replica's own writes in plan order (an
 * update, then a response). `written` holds the replicas whose every write succeeded, also when
 * another replica's failed (`failure`).
 */
async function executeWrites(ctx: TenantSyncContext, current: Planned, writes: readonly WriteAction[]) {
  const written: Written = new Map();
  const byReplica = new Map<string, WriteAction[]>();
  for (const action of writes) byReplica.set(action.replica, [...(byReplica.get(action.replica) ?? []), action]);
  // The planned link: a create needs the bases this plan gives (a new event's Outlook categories).
  const plannedLink = current.plan.link ?? current.stored.link;
  const results = await Promise.allSettled(
    [...byReplica].map(async ([replica, actions]) => {
      let result: { recordId: string; version?: string } | undefined;
      for (const action of actions) {
        result = await execute(ctx, plannedLink, action, current.ref.userId);
        // Change seen (this batch read it) → written on the other side.
        if (action.side !== current.ref.side) {
          observePropagation(`${current.ref.side}-to-${action.side}`, (Date.now() - current.readAt) / 1000);
        }
      }
      written.set(replica, result);
    })
  );
  const failure = firstFailure(results);
  return { written, failure };
}

/**
 * The stored link with what a partly failed plan did write: the replicas written (their record
 * ids, so that a retry finds and never re-creates them, and a person deleting one meanwhile is
 * a deletion, not a missing copy) and, for a new item, its source (so that the retry takes the
 * item for known). Other replicas keep their stored bases: the retry still sees the change.
 */
function partlyWritten(current: Planned, written: Written): Link | undefined {
  if (written.size === 0) return undefined;
  const stored = current.stored.link;
  const planned = current.plan.link;
  const replicas = { ...stored.replicas };
  for (const [key, result] of written) {
    if (result === undefined) delete replicas[key];
    else if (planned?.replicas[key])
      replicas[key] = {
        ...planned.replicas[key],
        recordId: result.recordId,
        ...(result.version ? { version: result.version } : {}),
      };
  }
  const source = replicaKey(current.ref.side, current.ref.side === 'netsuite' ? undefined : current.ref.userId);
  const plannedSource = planned?.replicas[source];
  // Without its version: a resumed Outlook pull skips what it finds saved at the version it reads.
  if (!stored.replicas[source] && plannedSource) replicas[source] = { ...plannedSource, version: undefined };
  return { ...(planned ?? stored), replicas };
}

/** The link after the plan's writes: the planner's link, with the record ids the writes produced. */
function settle(planned: Plan, written: Map<string, { recordId: string; version?: string } | undefined>): Link | null {
  if (!planned.link) return null;
  const replicas = { ...planned.link.replicas };
  for (const [key, result] of written) {
    const replica = replicas[key];
    if (!replica) continue;
    if (result === undefined) delete replicas[key];
    else
      replicas[key] = { ...replica, recordId: result.recordId, ...(result.version ? { version: result.version } : {}) };
  }
  return { ...planned.link, replicas };
}

/**
 * The plan's conflicts, recorded before its writes: once the writes have made the sides agree, a
 * retry (the link's save failed, e.g. PostgreSQL restarting) plans no conflict, so one audited
 * only afterwards would be lost. Keyed by the stored item's version, so retries record it once.
 */
async function auditConflicts(ctx: TenantSyncContext, ref: RecordRef, stored: StoredItem, plan: Plan) {
  for (const action of plan.actions) {
    if (action.type !== 'conflict-resolved') continue;
    await ctx.audit.recordOnce(
      {
        tenantId: ctx.tenantId,
        userId: ref.userId,
        linkId: stored.link.itemId,
        workflowId: ctx.workflowId,
        sourceSide: ref.side,
        action: 'conflict',
        fields: [action.field],
        reason: `${action.rule}: ${action.winner} kept over ${action.losers.join(', ')}`,
      },
      `conflict:${stored.version}:${action.field}:${action.winner}`
    );
  }
}

/** The plan's other actions, recorded once its writes went through and its link was saved. */
async function auditPlan(ctx: TenantSyncContext, ref: RecordRef, link: Link, actions: readonly PlanAction[]) {
  for (const action of actions) {
    if (action.type === 'skip' || action.type === 'conflict-resolved') continue;
    const base = {
      tenantId: ctx.tenantId,
      userId: ref.userId,
      linkId: link.itemId,
      workflowId: ctx.workflowId,
      sourceSide: ref.side,
    };
    if (action.type === 'needs-attention') {
      await ctx.audit.record({ ...base, action: 'guard', reason: action.detail });
    } else {
      await ctx.audit.record({
        ...base,
        action: action.type === 'update-fields' ? 'update' : action.type,
        targetSide: action.side,
        fields: action.type === 'update-fields' ? [...action.changed] : [],
        reason:
          action.type === 'rsvp'
            ? `response ${action.response}`
            : action.type === 'update-fields'
              ? 'changed'
              : action.reason,
        detail: { replica: action.replica, recordId: action.recordId ?? null, itemKind: link.kind },
      });
    }
  }
}

function noteOutlookWrites(link: Link, writes: readonly WriteAction[], outcome: BatchOutcome): void {
  for (const { replica } of writes) {
    const r = link.replicas[replica];
    if (r?.side !== 'outlook' || !r.recordId || !r.version) continue;
    (outcome.outlookWrites ??= []).push({ replica, recordId: r.recordId, version: r.version });
  }
}

/**
 * Runs the plan's writes and saves the link. Undefined when another writer saved first and
 * `mayReplan`; after a failed write, saves what did get written and throws.
 */
async function writeAndSave(
  ctx: TenantSyncContext,
  current: Planned,
  writes: readonly WriteAction[],
  mayReplan: boolean,
  leaseHolder: string | undefined
): Promise<{ link: Link | null } | undefined> {
  await auditConflicts(ctx, current.ref, current.stored, current.plan);
  const { written, failure } = await executeWrites(ctx, current, writes);
  if (failure) {
    const partial = partlyWritten(current, written);
    // Best effort: when another writer saved meanwhile, the retry re-plans against theirs.
    if (partial)
      await ctx.items.save(ctx.tenantId, partial, current.stored.version).catch((err: unknown) => {
        if (!(err instanceof StaleItemError)) throw err;
      });
    throw failure.reason;
  }
  const link = settle(current.plan, written);
  try {
    await ctx.items.save(ctx.tenantId, link ?? current.stored.link, current.stored.version, link === null, leaseHolder);
  } catch (err) {
    if (!(err instanceof StaleItemError) || !mayReplan) throw err;
    return undefined;
  }
  return { link };
}

/**
 * Plans and executes one item; on a concurrent save by another writer, reads and plans again. An
 * item another user's workflow may write too (a shared meeting) is written under its lease, taken
 * only while nobody saved since it was read: writes to the one NetSuite event never cross.
 */
async function syncItem(ctx: TenantSyncContext, first: Planned, outcome: BatchOutcome): Promise<void> {
  let current: Planned | undefined = first;
  for (let attempt = 0; current; attempt++) {
    const writes = current.plan.actions.filter(isWrite);
    // Also a save without writes: it moves the version on, and a holder whose save it beat would
    // leave its writes in place with the version unchanged, for a waiting writer to overwrite.
    const shared = sharedWithOthers(
      { links: [current.stored.link, current.plan.link], writes },
      current.ref.userId,
      ctx.owners
    );
    const planned = current;
    const saved = await underItemLease(ctx.items, ctx.tenantId, planned.stored, shared, (holder) =>
      writeAndSave(ctx, planned, writes, attempt < MAX_STALE_RETRIES, holder)
    );
    if (saved === STALE && attempt >= MAX_STALE_RETRIES) throw new StaleItemError(current.stored.link.itemId);
    if (saved === STALE || saved === undefined) {
      // Writes are idempotent: planning again against the fresh link converges.
      current = await readAndPlan(ctx, current.ref);
      continue;
    }
    const { link } = saved;
    if (link) noteOutlookWrites(link, writes, outcome);
    await auditPlan(ctx, current.ref, current.stored.link, current.plan.actions);
    for (const action of current.plan.actions) {
      if (action.type === 'create') outcome.created++;
      else if (action.type === 'update-fields') outcome.updated++;
      else if (action.type === 'delete') outcome.deleted++;
      else if (action.type === 'rsvp') outcome.rsvps++;
      else if (action.type === 'conflict-resolved') outcome.conflicts++;
    }
    if (writes.length === 0) outcome.skipped++;
    return;
  }
}

/**
 * Syncs a batch of changed records of one tenant: reads each (the truth, DESIGN.md §4.1), plans
 * its item, holds the batch's deletes back if they trip the mass-deletion guard, then executes the
 * writes item by item (a few items at a time) and saves each link after its writes succeeded.
 */
export async function syncRecords(
  ctx: TenantSyncContext,
  refs: readonly RecordRef[],
  options: {
    guardUserId?: string;
    skipGuard?: boolean;
    /**
     * A retry skips the records whose items the failed attempt had saved (its last heartbeat says
     * which). Only for hinted records: a later change of one brings a new hint. An Outlook pull
     * resumes through the stored versions instead (a delta entry we saved is not read again).
     */
    resumeFromHeartbeat?: boolean;
    /** Reads of the items' other replicas before their plans ask for them (early-reads.ts). */
    early?: EarlyReads;
  } = {}
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: 0, updated: 0, deleted: 0, rsvps: 0, conflicts: 0, skipped: 0, failed: 0 };
  const keyOf = (r: RecordRef) => `${r.side}|${r.userId}|${r.recordId}`;
  const done = options.resumeFromHeartbeat ? savedBefore() : new Set<string>();
  const all = [...new Map(refs.map((r) => [keyOf(r), r])).values()];
  const unique = all.filter((r) => !done.has(keyOf(r)));
  outcome.skipped += all.length - unique.length;
  // A round run inside the workflow task (a local activity, ADR 0014) cannot heartbeat: its retry,
  // a normal activity, starts over and finds what it saved already done through the stored versions.
  const local = activityInfo().isLocal;
  const beat = (details: Record<string, unknown>) => (local ? undefined : heartbeat({ ...details, done: [...done] }));
  const planned: Planned[] = [];
  for (const ref of unique) {
    beat({ phase: 'read', recordId: ref.recordId });
    const p = await readAndPlan(ctx, ref, options.early);
    if (p) planned.push(p);
    else outcome.skipped++;
  }
  // One item may be named by several records of the batch: plan it once.
  const byItem = [...new Map(planned.map((p) => [p.stored.link.itemId, p])).values()];

  let runnable = byItem;
  if (!options.skipGuard && options.guardUserId) {
    // The guard's limits are shares of the user's items: an item whose copies go from NetSuite and
    // Autotask is one deletion, not two (else deleting 4 of 8 items read as "8 of 8").
    const actions = byItem.flatMap((p) => p.plan.actions.filter((a) => a.type === 'delete').slice(0, 1));
    const guard = guardMassDeletion(actions, await ctx.items.countForUser(options.guardUserId), ctx.policy.massDelete);
    if (guard.tripped) {
      const held = byItem.filter((p) => p.plan.actions.some((a) => a.type === 'delete'));
      const attention = guard.actions.find((a) => a.type === 'needs-attention');
      outcome.needsAttention = {
        reason: attention?.type === 'needs-attention' ? attention.detail : 'mass deletion',
        held: held.map((p) => p.ref),
      };
      await ctx.audit.record({
        tenantId: ctx.tenantId,
        userId: options.guardUserId,
        action: 'guard',
        reason: outcome.needsAttention.reason,
        workflowId: ctx.workflowId,
        detail: { heldItems: held.map((p) => p.stored.link.itemId) },
      });
      runnable = byItem.filter((p) => !held.includes(p));
    }
  }

  // A few items at a time (Graph allows 4 requests in flight per mailbox); one writer per item.
  const queue = [...runnable];
  const workers = Array.from({ length: Math.min(ITEM_CONCURRENCY, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      // An attempt that timed out stops before its next item instead of writing beside the retry
      // that replaces it (a local one learns it from here: it has no heartbeat to hear it on).
      cancellationSignal().throwIfAborted();
      beat({ phase: 'write', itemId: next.stored.link.itemId });
      try {
        await syncItem(ctx, next, outcome);
        // Every record of the batch that named this item is done with it.
        const itemId = next.stored.link.itemId;
        for (const p of planned) if (p.stored.link.itemId === itemId) done.add(keyOf(p.ref));
        beat({ phase: 'saved', itemId });
      } catch (err) {
        // A retryable failure fails the batch (Temporal retries it; writes are idempotent). One that
        // cannot succeed is audited and the batch goes on: one bad item must not block a calendar.
        if (!(err instanceof ProviderError) || err.retryable) throw err;
        outcome.failed++;
        await ctx.audit.record({
          tenantId: ctx.tenantId,
          userId: next.ref.userId,
          linkId: next.stored.link.itemId,
          action: 'error',
          sourceSide: next.ref.side,
          reason: `${err.provider} ${err.operation}: ${err.code} (${err.status})`,
          workflowId: ctx.workflowId,
        });
      }
    }
  });
  // Every item finishes before a failure fails the activity (see allFinished).
  await allFinished(workers);
  return outcome;
}
