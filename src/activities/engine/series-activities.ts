import { replicaKey } from '../../domain/link';
import { effectivePolicy } from '../../store/policy';
import { ItemStore } from '../../store/items';
import { seriesItemId } from '../../workflows/item-sync/item-id';
import type { ActivityContext, UserRef } from '../context';
import { knownSeriesMasters, type SeriesOutcome, type SeriesTarget, syncSeriesOnce } from './series-sync';
import { loadTenantSyncContext } from './tenant-context';

const DAY_MS = 86_400_000;

export interface SeriesSyncInput extends UserRef {
  /** The Outlook series master's id. */
  masterId: string;
  workflowId?: string;
  /** Occurrence copies in NetSuite or Autotask that a hint named: read, and their edits brought back. */
  targetRecordIds?: string[];
}

/**
 * Activity: syncs one Outlook series to the user's NetSuite and Autotask (ItemSyncWorkflow runs it
 * for its series). Each connector uses its own sync window, computed from now: a run after the
 * window moved creates the occurrences that entered it and forgets those that left.
 */
export async function syncOutlookSeries(ctx: ActivityContext, input: SeriesSyncInput): Promise<SeriesOutcome> {
  const { user, tenant } = await ctx.loadUser(input);
  const connectors = await ctx.connectors.forTenant(tenant.id);
  const graph = connectors.graph;
  if (!graph) throw new Error(`tenant ${tenant.id} has no Outlook connection`);
  const sync = await loadTenantSyncContext({
    pool: ctx.pool,
    tenant,
    connectors,
    items: new ItemStore(ctx.pool),
    audit: ctx.audit,
    forUserId: user.id,
    workflowId: input.workflowId,
    users: ctx.tenantUsers,
  });
  const policy = effectivePolicy(tenant.policy, user.policy);
  const now = ctx.now().getTime();
  const windowOf = (w: { pastDays: number; futureDays: number }) => ({
    start: new Date(now - w.pastDays * DAY_MS).toISOString(),
    end: new Date(now + w.futureDays * DAY_MS).toISOString(),
  });
  const targets: SeriesTarget[] = [];
  if (sync.io.netsuite)
    targets.push({ replica: replicaKey('netsuite'), side: 'netsuite', window: windowOf(policy.netsuite.syncWindow) });
  if (sync.io.autotask)
    targets.push({
      replica: replicaKey('autotask', user.id),
      side: 'autotask',
      window: windowOf(policy.autotask.syncWindow),
    });
  return syncSeriesOnce({
    pool: ctx.pool,
    ctx: sync,
    graph,
    userId: user.id,
    masterId: input.masterId,
    seriesItemId: seriesItemId(tenant.id, user.id, input.masterId),
    targets,
    ...(input.targetRecordIds ? { targetRecordIds: input.targetRecordIds } : {}),
  });
}

/**
 * Of the ids a delta round reported removed, the masters of series this user has occurrences of:
 * their deletion is the series engine's to carry out (and to confirm with a GET), not the single
 * item batch's.
 */
export async function removedSeriesMasters(
  ctx: ActivityContext,
  ref: UserRef,
  removedIds: readonly string[]
): Promise<string[]> {
  return knownSeriesMasters(ctx.pool, ref.tenantId, (id) => seriesItemId(ref.tenantId, ref.userId, id), removedIds);
}
