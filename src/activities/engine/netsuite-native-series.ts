import { type Link, newLink, type Observation, replicaKey } from '../../domain/link';
import { plan } from '../../domain/plan';
import { isWrite, type Plan, type WriteAction } from '../../domain/plan-action';
import type { ProjectionContext } from '../../domain/projection';
import type { SeriesSource } from '../../domain/series-plan';
import { recurrenceToNetSuite } from '../../providers/netsuite/mapping';
import { StaleItemError, type StoredItem } from '../../store/items';
import { sharedWithOthers, STALE, underItemLease } from './item-lease';
import { projectionToEvent } from './projection-to-event';
import type { ReplicaOwner } from './replica-io';
import type { TenantSyncContext } from './sync-records';
import { writeReplica, type WrittenReplica } from './write-replica';

/**
 * An Outlook series as ONE native NetSuite recurring event (the recurrence RESTlet is installed).
 * The series is an ordinary `series` item linking the Outlook master and the NetSuite record,
 * planned by the same `plan` as every item, limited to those two replicas (Autotask still gets
 * single occurrences from the series engine). Cancelled occurrences travel as the master's
 * exdates, which the NetSuite mapping writes as exclusion dates. The create upserts by external id,
 * so a retried run finds the record an earlier attempt made.
 */

export interface NativeSeriesOutcome {
  /** False: the series' rule has no NetSuite equivalent, so NetSuite gets single occurrences. */
  native: boolean;
  created: number;
  updated: number;
  deleted: number;
}

export interface NativeSeriesInput {
  ctx: TenantSyncContext;
  owner: ReplicaOwner;
  masterId: string;
  seriesItemId: string;
  /** The series as Outlook has it; null once its master is confirmed deleted. */
  source: SeriesSource | null;
  projection: ProjectionContext;
}

/** Whether NetSuite can hold this Outlook series natively (its rule, in the zone NetSuite repeats it). */
export function representableInNetSuite(source: SeriesSource, zone: string): boolean {
  const result = recurrenceToNetSuite(projectionToEvent(source.master, 'series'), zone);
  return result?.ok === true;
}

const MAX_STALE_RETRIES = 3;

/**
 * One round for the series' NetSuite record. The record engine may save the same item meanwhile
 * (the NetSuite poller sees our write): then read and plan again, the writes being idempotent.
 */
export async function syncNativeNetSuiteSeries(input: NativeSeriesInput): Promise<NativeSeriesOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await syncOnce(input);
    } catch (err) {
      if (!(err instanceof StaleItemError) || attempt >= MAX_STALE_RETRIES) throw err;
    }
  }
}

async function syncOnce(input: NativeSeriesInput): Promise<NativeSeriesOutcome> {
  const { ctx, owner } = input;
  const outcome: NativeSeriesOutcome = { native: true, created: 0, updated: 0, deleted: 0 };
  const netsuite = ctx.io.netsuite;
  if (!netsuite) return { ...outcome, native: false };
  const outlookKey = replicaKey('outlook', owner.userId);
  const netsuiteKey = replicaKey('netsuite');
  // A series first seen in NetSuite has the item the record engine made for it, found by its Outlook copy.
  let stored =
    (await ctx.items.findByRecord(ctx.tenantId, outlookKey, input.masterId)) ??
    (await ctx.items.get(ctx.tenantId, input.seriesItemId));
  if (!input.source) {
    if (!stored || !stored.link.replicas[netsuiteKey]) return outcome;
  } else {
    const linked = stored?.link.replicas[netsuiteKey]?.recordId;
    const current = linked ? await netsuite.read(owner, linked, input.projection) : undefined;
    const zone =
      current?.observation.state === 'present'
        ? (current.observation.projection.fields.timing?.timeZone ?? owner.timeZone)
        : owner.timeZone;
    if (!representableInNetSuite(input.source, zone)) return { ...outcome, native: false };
  }
  stored ??= await ctx.items.insert(ctx.tenantId, newLink(input.seriesItemId, 'series', outlookKey));

  const observations: Record<string, Observation> = {
    [outlookKey]: input.source
      ? {
          state: 'present',
          projection: input.source.master,
          recordId: input.masterId,
          ...(input.source.modifiedAt !== undefined ? { modifiedAt: input.source.modifiedAt } : {}),
        }
      : { state: 'deleted' },
  };
  const netsuiteRecord = stored.link.replicas[netsuiteKey]?.recordId;
  if (netsuiteRecord) {
    const read = await netsuite.read(owner, netsuiteRecord, input.projection);
    observations[netsuiteKey] =
      read.observation.state === 'present' ? { ...read.observation, recordId: netsuiteRecord } : read.observation;
  }
  const planned = plan(stored.link, observations, ctx.policy, { scope: new Set([outlookKey, netsuiteKey]) });
  const writes = planned.actions.filter(isWrite);
  // A recurring meeting other synced users attend: its NetSuite record is theirs too (ADR 0013).
  const shared = sharedWithOthers(
    { links: [stored.link, planned.link], projections: [input.source?.master], writes },
    owner.userId,
    ctx.owners
  );
  const saved = await underItemLease(ctx.items, ctx.tenantId, stored, shared, async (holder) => {
    await writeAndSave(input, stored, planned, writes, outcome, holder);
    return true;
  });
  if (saved === STALE) throw new StaleItemError(stored.link.itemId);
  return outcome;
}

async function writeAndSave(
  input: NativeSeriesInput,
  stored: StoredItem,
  planned: Plan,
  writes: readonly WriteAction[],
  outcome: NativeSeriesOutcome,
  leaseHolder: string | undefined
): Promise<void> {
  const { ctx, owner } = input;
  const link: Link = planned.link ?? stored.link;
  const written = new Map<string, WrittenReplica>();
  for (const action of writes) {
    const io = ctx.io[action.side];
    const writer = ctx.owners.get(action.userId ?? owner.userId) ?? owner;
    if (!io) continue;
    written.set(action.replica, await writeReplica(io, writer, link, action, 'series'));
    if (action.type === 'create') outcome.created++;
    else if (action.type === 'update-fields') outcome.updated++;
    else if (action.type === 'delete') outcome.deleted++;
    await ctx.audit.record({
      tenantId: ctx.tenantId,
      userId: owner.userId,
      linkId: link.itemId,
      workflowId: ctx.workflowId,
      sourceSide: action.side === 'outlook' ? 'netsuite' : 'outlook',
      action: action.type === 'update-fields' ? 'update' : action.type,
      targetSide: action.side,
      fields: action.type === 'update-fields' ? [...action.changed] : [],
      reason: action.type === 'update-fields' ? 'changed' : action.type === 'rsvp' ? 'rsvp' : action.reason,
      detail: { replica: action.replica, recordId: action.recordId ?? null, itemKind: 'series' },
    });
  }
  const settled = planned.link ? withWritten(planned.link, written) : null;
  await ctx.items.save(ctx.tenantId, settled ?? stored.link, stored.version, settled === null, leaseHolder);
}

function withWritten(link: Link, written: ReadonlyMap<string, WrittenReplica>): Link {
  const replicas = { ...link.replicas };
  for (const [key, result] of written) {
    const replica = replicas[key];
    if (!replica) continue;
    if (result === undefined) delete replicas[key];
    else
      replicas[key] = { ...replica, recordId: result.recordId, ...(result.version ? { version: result.version } : {}) };
  }
  return { ...link, replicas };
}

/**
 * The native NetSuite record we made for an Outlook series that NetSuite now gets as single
 * occurrences (the RESTlet was switched off, or the rule became one NetSuite cannot repeat):
 * deleted, so the occurrences do not stand beside it. A series made in NetSuite is never touched.
 */
export async function retireNativeNetSuiteSeries(
  input: Omit<NativeSeriesInput, 'source' | 'projection'>
): Promise<number> {
  const { ctx, owner } = input;
  const netsuite = ctx.io.netsuite;
  const outlookKey = replicaKey('outlook', owner.userId);
  const netsuiteKey = replicaKey('netsuite');
  const stored =
    (await ctx.items.findByRecord(ctx.tenantId, outlookKey, input.masterId)) ??
    (await ctx.items.get(ctx.tenantId, input.seriesItemId));
  const recordId = stored?.link.replicas[netsuiteKey]?.recordId;
  if (!netsuite || !stored || !recordId || stored.link.origin !== outlookKey) return 0;
  await netsuite.remove(
    owner,
    { type: 'delete', replica: netsuiteKey, side: 'netsuite', recordId, reason: 'removed-from-series' },
    recordId
  );
  const replicas = { ...stored.link.replicas };
  delete replicas[netsuiteKey];
  await ctx.items.save(ctx.tenantId, { ...stored.link, replicas }, stored.version);
  await ctx.audit.record({
    tenantId: ctx.tenantId,
    userId: owner.userId,
    linkId: stored.link.itemId,
    workflowId: ctx.workflowId,
    sourceSide: 'outlook',
    action: 'delete',
    targetSide: 'netsuite',
    fields: [],
    reason: 'series now synced to NetSuite as single occurrences',
    detail: { replica: netsuiteKey, recordId, itemKind: 'series' },
  });
  return 1;
}
