import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Side } from '../../domain/canonical-event';
import { type Link, type Observation, parseLink, replicaKey, type ReplicaKey } from '../../domain/link';
import { guardMassDeletion } from '../../domain/mass-delete-guard';
import { isWrite, type PlanAction, type WriteAction } from '../../domain/plan-action';
import { project, type Projection, type ProjectionContext } from '../../domain/projection';
import type { TimeWindow } from '../../domain/recurrence';
import { planSeries, type SeriesSource } from '../../domain/series-plan';
import type { GraphClient, GraphEvent } from '../../providers/graph';
import { graphEventToCanonical } from '../../providers/graph';
import { ProviderError } from '../../providers/provider-error';
import { enrichFromGraph } from './outlook-replica-enrich';
import type { ReplicaOwner } from './replica-io';
import { retireNativeNetSuiteSeries, syncNativeNetSuiteSeries } from './netsuite-native-series';
import { isoInstant } from './shared-replica-errors';
import type { TenantSyncContext } from './sync-records';
import { writeReplica } from './write-replica';

/**
 * The series engine (DESIGN.md §2, recurring events): an Outlook series becomes one record per
 * occurrence inside each connector's sync window (Autotask always; NetSuite as expanded singles),
 * each its own item `<series item>@<occurrence key>` linked to the series by `series_item_id`.
 *
 * One run reads the series (master with exceptions and cancellations: the truth), plans each
 * target with `planSeries` (one small link per occurrence, planned by the same `plan` as every
 * item), executes the writes occurrence by occurrence and saves each link after its writes. Every
 * create is idempotent (NetSuite externalId, Autotask marker), so a retried or replayed run finds
 * what an earlier attempt made. Occurrences that leave the window are forgotten (their link is
 * dropped), never deleted.
 */

export type SeriesState = 'active' | 'deleted' | 'held' | 'unmapped';

export interface SeriesOutcome {
  masterId: string;
  seriesItemId: string;
  /** `deleted`: the master is gone (confirmed by a 404) and its copies with it; the child may end. */
  state: SeriesState;
  created: number;
  updated: number;
  deleted: number;
  /** Occurrence links dropped because they left the window (records kept). */
  forgotten: number;
  failed: number;
  /** How many occurrences are linked after the run. */
  occurrences: number;
  needsAttention?: string;
}

export interface SeriesTarget {
  replica: ReplicaKey;
  side: Exclude<Side, 'outlook'>;
  window: TimeWindow;
}

interface StoredOccurrence {
  link: Link;
  version: number;
}

/** Occurrence links of one series, keyed by occurrence key. */
async function loadOccurrences(
  pool: Pool,
  tenantId: string,
  seriesItemId: string
): Promise<Map<string, StoredOccurrence>> {
  const { rows } = await pool.query<{ link: unknown; version: string; occurrence_key: string }>(
    `SELECT link, version, occurrence_key FROM items
     WHERE tenant_id = $1 AND series_item_id = $2 AND kind = 'occurrence' AND NOT gone`,
    [tenantId, seriesItemId]
  );
  return new Map(
    rows.map((r) => {
      const link = parseLink(r.link);
      return [link.occurrenceKey ?? r.occurrence_key, { link, version: Number(r.version) }] as const;
    })
  );
}

/** Whether any of these Outlook ids is the master of a series we hold occurrences of (for deletes). */
export async function knownSeriesMasters(
  pool: Pool,
  tenantId: string,
  itemIdOf: (masterId: string) => string,
  ids: readonly string[]
): Promise<string[]> {
  if (ids.length === 0) return [];
  const byItem = new Map(ids.map((id) => [itemIdOf(id), id]));
  const { rows } = await pool.query<{ series_item_id: string }>(
    `SELECT DISTINCT series_item_id FROM items WHERE tenant_id = $1 AND series_item_id = ANY($2::text[]) AND NOT gone`,
    [tenantId, [...byItem.keys()]]
  );
  return rows.map((r) => byItem.get(r.series_item_id)).filter((id): id is string => id !== undefined);
}

/** Persists one occurrence link (insert when new), or removes it (forgotten or deleted everywhere). */
async function persist(
  ctx: TenantSyncContext,
  pool: Pool,
  key: string,
  link: Link | null,
  stored: StoredOccurrence | undefined
): Promise<StoredOccurrence | undefined> {
  if (link === null) {
    if (stored)
      await pool.query('DELETE FROM items WHERE tenant_id = $1 AND item_id = $2', [ctx.tenantId, stored.link.itemId]);
    return undefined;
  }
  if (stored && stored.link.itemId === link.itemId) return ctx.items.save(ctx.tenantId, link, stored.version);
  if (stored)
    await pool.query('DELETE FROM items WHERE tenant_id = $1 AND item_id = $2', [ctx.tenantId, stored.link.itemId]);
  // A link forgotten earlier may come back (the window moved back): start from a clean row.
  await pool.query('DELETE FROM items WHERE tenant_id = $1 AND item_id = $2', [ctx.tenantId, link.itemId]);
  const inserted = await ctx.items.insert(ctx.tenantId, { ...link, occurrenceKey: key });
  // Always saved: insert does not index the link's record ids, and a poller must find a copy by
  // its record id (else the series' first target, e.g. Autotask alone, reads as new items).
  return ctx.items.save(ctx.tenantId, link, inserted.version);
}

function projectionContext(ctx: TenantSyncContext, owner: ReplicaOwner): ProjectionContext {
  return {
    ownerEmail: owner.mailbox,
    ownerZone: owner.timeZone,
    syncedEmails: [...ctx.owners.values()].map((o) => o.mailbox),
    netsuiteNativeRecurrence: ctx.policy.netsuiteNativeRecurrence,
  };
}

/** The series as Outlook has it, or null once a GET of the master returns 404 (DESIGN.md §4.6). */
export async function readOutlookSeries(
  graph: GraphClient,
  ctx: TenantSyncContext,
  owner: ReplicaOwner,
  masterId: string
): Promise<{ source: SeriesSource | null; unmapped?: string }> {
  const replica = replicaKey('outlook', owner.userId);
  const found = await graph.findEvent(owner.mailbox, masterId);
  if (!found) return { source: null };
  const series = await graph.getSeries(owner.mailbox, masterId);
  const pctx = projectionContext(ctx, owner);
  const projected = (record: GraphEvent): Projection => {
    const mapped = graphEventToCanonical(record, { fallbackZone: owner.timeZone }).event;
    return project('outlook', enrichFromGraph(mapped, record, owner.mailbox), pctx);
  };
  const master = projected(series.master);
  // A master whose rule we cannot map must not look like a series without occurrences: that
  // would delete every copy. It is left as it is and reported instead.
  if (!master.fields.recurrence || !master.fields.timing) return { source: null, unmapped: 'recurrence not mapped' };
  const exceptions: Record<string, Projection> = {};
  for (const exception of series.exceptions) {
    if (!exception.originalStart || exception.isCancelled) continue;
    exceptions[exception.originalStart] = projected(exception);
  }
  const modifiedAt = isoInstant(series.master.lastModifiedDateTime);
  return {
    source: { replica, master, exceptions, ...(modifiedAt !== undefined ? { modifiedAt } : {}) },
  };
}

export interface SeriesRunInput {
  pool: Pool;
  ctx: TenantSyncContext;
  graph: GraphClient;
  userId: string;
  masterId: string;
  seriesItemId: string;
  targets: readonly SeriesTarget[];
  /** Occurrence copies (NetSuite or Autotask record ids) a hint named as changed: read and planned with. */
  targetRecordIds?: readonly string[];
}

/** A series plan's write; responses belong to the series' Outlook copy, so an occurrence never answers. */
async function execute(ctx: TenantSyncContext, link: Link, action: WriteAction, owner: ReplicaOwner) {
  const io = ctx.io[action.side];
  if (!io) throw new Error(`no ${action.side} connection for ${action.replica}`);
  if (action.type === 'rsvp') {
    const recordId = action.recordId ?? link.replicas[action.replica]?.recordId;
    return recordId ? { recordId, version: undefined } : undefined;
  }
  return writeReplica(io, owner, link, action, 'occurrence');
}

async function audit(ctx: TenantSyncContext, userId: string, itemId: string, action: PlanAction): Promise<void> {
  const base = { tenantId: ctx.tenantId, userId, linkId: itemId, workflowId: ctx.workflowId, sourceSide: 'outlook' };
  if (action.type === 'conflict-resolved') {
    await ctx.audit.record({
      ...base,
      action: 'conflict',
      fields: [action.field],
      reason: `${action.rule}: ${action.winner} kept`,
    });
  } else if (action.type === 'skip') {
    if (action.reason === 'left-window')
      await ctx.audit.record({
        ...base,
        action: 'skip',
        reason: 'left-window: forgotten, not deleted',
        detail: { replica: action.replica ?? null },
      });
  } else if (action.type === 'needs-attention') {
    await ctx.audit.record({ ...base, action: 'guard', reason: action.detail });
  } else {
    await ctx.audit.record({
      ...base,
      action: action.type === 'update-fields' ? 'update' : action.type,
      targetSide: action.side,
      fields: action.type === 'update-fields' ? [...action.changed] : [],
      reason: action.type === 'update-fields' ? 'changed' : action.type === 'rsvp' ? 'rsvp' : action.reason,
      detail: {
        replica: action.replica,
        recordId: action.recordId ?? null,
        itemKind: 'occurrence',
        occurrenceKey: action.occurrenceKey ?? null,
      },
    });
  }
}

/** The key an action belongs to in a series plan (writes and skips carry it; `plan` sets it). */
function keyOf(action: PlanAction): string | undefined {
  return 'occurrenceKey' in action ? action.occurrenceKey : undefined;
}

/**
 * One run of a series: read it, plan each target, execute per occurrence, save. The mass-deletion
 * guard sees a series' deletes as one deletion (see `guardSeries`).
 */
export async function syncSeriesOnce(input: SeriesRunInput): Promise<SeriesOutcome> {
  const { ctx, pool, userId } = input;
  const owner = ctx.owners.get(userId);
  if (!owner) throw new Error(`user ${userId} is not among the tenant's users`);
  const outcome: SeriesOutcome = {
    masterId: input.masterId,
    seriesItemId: input.seriesItemId,
    state: 'active',
    created: 0,
    updated: 0,
    deleted: 0,
    forgotten: 0,
    failed: 0,
    occurrences: 0,
  };
  heartbeat({ phase: 'read', masterId: input.masterId });
  const read = await readOutlookSeries(input.graph, ctx, owner, input.masterId);
  let stored = await loadOccurrences(pool, ctx.tenantId, input.seriesItemId);
  if (read.unmapped) {
    outcome.state = 'unmapped';
    outcome.needsAttention = read.unmapped;
    outcome.occurrences = stored.size;
    await ctx.audit.record({
      tenantId: ctx.tenantId,
      userId,
      linkId: input.seriesItemId,
      action: 'skip',
      reason: read.unmapped,
      workflowId: ctx.workflowId,
    });
    return outcome;
  }
  if (!read.source) {
    outcome.state = 'deleted';
    const guard = await guardSeries(ctx, userId, stored.size);
    if (guard) {
      outcome.state = 'held';
      outcome.needsAttention = guard;
      outcome.occurrences = stored.size;
      await ctx.audit.record({
        tenantId: ctx.tenantId,
        userId,
        linkId: input.seriesItemId,
        action: 'guard',
        reason: guard,
        workflowId: ctx.workflowId,
      });
      return outcome;
    }
  }

  // With the recurrence RESTlet, NetSuite holds the series as one recurring event; only a rule it
  // cannot represent still reaches it as single occurrences.
  let targets = input.targets;
  // Occurrence copies a target gets no more (NetSuite took the series natively): deleted, not kept.
  const retired = new Set<ReplicaKey>();
  if (targets.some((t) => t.side === 'netsuite')) {
    heartbeat({ phase: 'native', masterId: input.masterId });
    const series = { ctx, owner, masterId: input.masterId, seriesItemId: input.seriesItemId };
    const native = ctx.policy.netsuiteNativeRecurrence
      ? await syncNativeNetSuiteSeries({ ...series, source: read.source, projection: projectionContext(ctx, owner) })
      : undefined;
    if (native?.native) {
      outcome.created += native.created;
      outcome.updated += native.updated;
      outcome.deleted += native.deleted;
      const netsuiteKey = replicaKey('netsuite');
      if ([...stored.values()].some((s) => s.link.replicas[netsuiteKey])) retired.add(netsuiteKey);
      else targets = targets.filter((t) => t.side !== 'netsuite');
    } else {
      outcome.deleted += await retireNativeNetSuiteSeries(series);
    }
  }

  // The source's base moves on only with the last target: every target is planned against the
  // series as it was before this run, so an edit reaches all of them (and a retry after a failure
  // between two targets still sees the edit).
  const initial = stored;
  const sourceKey = replicaKey('outlook', userId);
  const named = new Set(input.targetRecordIds ?? []);
  for (const [index, target] of targets.entries()) {
    const last = index === targets.length - 1;
    const links = Object.fromEntries([...stored].map(([k, s]) => [k, s.link]));
    const planned = planSeries(
      {
        seriesItemId: input.seriesItemId,
        source: retired.has(target.replica) ? null : read.source,
        target: target.replica,
        occurrences: links,
        current: await observeCopies(ctx, owner, target, stored, named),
        window: target.window,
      },
      ctx.policy
    );
    const invalid = planned.actions.find((a) => a.type === 'needs-attention');
    if (invalid?.type === 'needs-attention') {
      outcome.state = 'unmapped';
      outcome.needsAttention = invalid.detail;
      await audit(ctx, userId, input.seriesItemId, invalid);
      break;
    }
    const byKey = new Map<string, PlanAction[]>();
    for (const action of planned.actions) {
      const key = keyOf(action);
      if (key === undefined) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), action]);
    }
    const next = new Map(stored);
    const movedFrom = new Set(
      planned.actions.flatMap((a) =>
        a.type === 'update-fields' && a.previousOccurrenceKey !== undefined ? [a.previousOccurrenceKey] : []
      )
    );
    for (const [key, planLink] of Object.entries(planned.links)) {
      if (planLink === null && movedFrom.has(key)) continue; // re-keyed with its move
      const actions = byKey.get(key) ?? [];
      // A move (the series' time of day changed): the record is updated and re-keyed.
      const move = actions.find((a) => a.type === 'update-fields' && a.previousOccurrenceKey !== undefined);
      const oldKey = move?.type === 'update-fields' ? move.previousOccurrenceKey : undefined;
      const current = stored.get(oldKey ?? key);
      // planSeries forgets a whole link for a key it no longer wants; here a link holds every
      // target, so only this target's replica goes, and the link with the last one.
      const nextLink = planLink === null ? (current ? withoutReplica(current.link, target.replica) : null) : planLink;
      heartbeat({ phase: 'write', target: target.replica, key });
      try {
        let link = nextLink && !last ? withSourceOf(nextLink, initial.get(oldKey ?? key)?.link, sourceKey) : nextLink;
        let wroteSource = false;
        for (const action of actions.filter(isWrite)) {
          if (action.replica === sourceKey && read.source) {
            // A copy changed in NetSuite or Autotask: the occurrence in Outlook follows.
            wroteSource = await writeOccurrenceInOutlook(ctx, input.graph, owner, input.masterId, key, action);
            if (action.type === 'update-fields') outcome.updated++;
            else if (action.type === 'delete') outcome.deleted++;
            continue;
          }
          if (action.replica !== target.replica) continue;
          const result = await execute(
            ctx,
            current?.link ?? planLink ?? emptyLink(input.seriesItemId, key),
            action,
            owner
          );
          if (link) link = settled(link, action.replica, result);
          if (action.type === 'create') outcome.created++;
          else if (action.type === 'update-fields') outcome.updated++;
          else if (action.type === 'delete') outcome.deleted++;
        }
        // The source's base stays where it was: the next run (Outlook reports the changed series)
        // sees the occurrence changed and carries it to every target, not only the one it came from.
        if (wroteSource && link) link = withSourceOf(link, initial.get(oldKey ?? key)?.link, sourceKey);
        if (actions.some((a) => a.type === 'skip' && a.reason === 'left-window')) outcome.forgotten++;
        const itemId = `${input.seriesItemId}@${key}`;
        for (const action of actions) await audit(ctx, userId, itemId, action);
        if (oldKey !== undefined) {
          if (current)
            await pool.query('DELETE FROM items WHERE tenant_id = $1 AND item_id = $2', [
              ctx.tenantId,
              current.link.itemId,
            ]);
          next.delete(oldKey);
          const saved = link
            ? await persist(ctx, pool, key, { ...link, itemId, occurrenceKey: key }, undefined)
            : undefined;
          if (saved) next.set(key, saved);
          continue;
        }
        const saved = await persist(ctx, pool, key, link, current);
        if (saved) next.set(key, saved);
        else next.delete(key);
      } catch (err) {
        // A retryable failure fails the run (Temporal retries; every write is idempotent). One that
        // cannot succeed is audited and the other occurrences go on.
        if (!(err instanceof ProviderError) || err.retryable) throw err;
        outcome.failed++;
        await ctx.audit.record({
          tenantId: ctx.tenantId,
          userId,
          linkId: `${input.seriesItemId}@${key}`,
          action: 'error',
          sourceSide: 'outlook',
          targetSide: target.side,
          reason: `${err.provider} ${err.operation}: ${err.code} (${err.status})`,
          workflowId: ctx.workflowId,
        });
      }
    }
    stored = next;
  }
  outcome.occurrences = stored.size;
  return outcome;
}

/**
 * What the hinted copies of this target look like now, by occurrence key (DESIGN.md §2: update and
 * delete of a single occurrence both ways). Copies no hint named are not read: their base stands.
 */
async function observeCopies(
  ctx: TenantSyncContext,
  owner: ReplicaOwner,
  target: SeriesTarget,
  stored: ReadonlyMap<string, StoredOccurrence>,
  named: ReadonlySet<string>
): Promise<Record<string, Observation>> {
  const io = ctx.io[target.side];
  const current: Record<string, Observation> = {};
  if (!io || named.size === 0) return current;
  for (const [key, occurrence] of stored) {
    const recordId = occurrence.link.replicas[target.replica]?.recordId;
    if (!recordId || !named.has(recordId)) continue;
    const read = await io.read(owner, recordId, projectionContext(ctx, owner));
    current[key] = read.observation.state === 'present' ? { ...read.observation, recordId } : read.observation;
  }
  return current;
}

/**
 * An occurrence edited or deleted on a target becomes an exception or a cancellation of the
 * Outlook series. False when Outlook no longer has the occurrence (already cancelled).
 */
async function writeOccurrenceInOutlook(
  ctx: TenantSyncContext,
  graph: GraphClient,
  owner: ReplicaOwner,
  masterId: string,
  key: string,
  action: WriteAction
): Promise<boolean> {
  const outlook = ctx.io.outlook;
  if (!outlook || (action.type !== 'update-fields' && action.type !== 'delete')) return false;
  const occurrence = await graph.findOccurrence(owner.mailbox, masterId, key, key.length === 10);
  if (!occurrence) return false;
  if (action.type === 'update-fields') await outlook.update(owner, action, occurrence.id);
  else await outlook.remove(owner, action, occurrence.id);
  return true;
}

/** The link with the source replica as `before` had it (absent when `before` had none). */
function withSourceOf(link: Link, before: Link | undefined, sourceKey: ReplicaKey): Link {
  const replicas = { ...link.replicas };
  const original = before?.replicas[sourceKey];
  if (original) replicas[sourceKey] = original;
  else delete replicas[sourceKey];
  return { ...link, replicas };
}

/** The link without one target's replica; null once no target holds a record of it any more. */
function withoutReplica(link: Link, replica: ReplicaKey): Link | null {
  const replicas = { ...link.replicas };
  delete replicas[replica];
  const targets = Object.keys(replicas).filter((k) => !k.startsWith('outlook'));
  return targets.length > 0 ? { ...link, replicas } : null;
}

function emptyLink(seriesItemId: string, key: string): Link {
  return { itemId: `${seriesItemId}@${key}`, kind: 'occurrence', seriesItemId, occurrenceKey: key, replicas: {} };
}

function settled(
  link: Link,
  replica: ReplicaKey,
  result: { recordId: string; version?: string | undefined } | undefined
): Link {
  const replicas = { ...link.replicas };
  const current = replicas[replica];
  if (result === undefined) delete replicas[replica];
  else if (current)
    replicas[replica] = {
      ...current,
      recordId: result.recordId,
      ...(result.version ? { version: result.version } : {}),
    };
  return { ...link, replicas };
}

/**
 * The mass-deletion guard for a deleted series. The guard is there for failed or partial reads
 * (DESIGN.md §4.6); a series whose master a GET confirms gone (404) is one deliberate act of one
 * person, however many occurrences it had. So the series counts as one deletion among the user's
 * items: 50 occurrences deleted with their series never trip the guard, while the guard's limits
 * (e.g. a policy that holds every delete) still apply to the series as a whole.
 */
async function guardSeries(ctx: TenantSyncContext, userId: string, occurrences: number): Promise<string | undefined> {
  if (occurrences === 0) return undefined;
  const one: PlanAction = { type: 'delete', replica: 'series', side: 'outlook', reason: 'deleted-elsewhere' };
  const items = await ctx.items.countForUser(userId);
  // The series' occurrences count as one item, like the one deletion they make.
  const guard = guardMassDeletion([one], Math.max(1, items - occurrences + 1), ctx.policy.massDelete);
  const attention = guard.actions.find((a) => a.type === 'needs-attention');
  return guard.tripped && attention?.type === 'needs-attention' ? attention.detail : undefined;
}
