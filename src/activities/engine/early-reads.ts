import { type Link, type Observation, parseReplicaKey, type ReplicaKey } from '../../domain/link';
import type { ProjectionContext } from '../../domain/projection';
import { readTarget } from './read-targets';
import type { ReplicaOwner } from './replica-io';
import type { TenantSyncContext } from './sync-records';

/**
 * Reads of an item's other replicas started before its plan asked for them (ADR 0009). A record
 * that a push or a change notification names really changed (those are a person's edits: our own
 * writes are filtered out before), so its plan will almost always write the item's other replicas,
 * which it must read first (read-targets.ts). Reading them beside the changed record itself (or
 * beside the Outlook delta call) takes one provider round trip off the propagation. The planner
 * treats them exactly as reads it asked for; a plan that writes nothing has read them in vain.
 */

export interface EarlyRead {
  /** The item the reads belong to: used only when the record still names that item. */
  itemId: string;
  /** When the reads started (ms). */
  startedAt: number;
  observations: Record<ReplicaKey, Observation>;
}

/**
 * How old early reads may be when the plan is made. A person's edit landing between our read of a
 * replica and our write of it is overwritten (no provider offers a conditional write); reading
 * early must not widen that window by more than a normal source read. When the record's own read
 * was slow (a 429 and its Retry-After, a retry), the early reads are dropped and the plan reads
 * its targets again, as without them (long convergence profile, seed 1940508598, run 103: a
 * NetSuite edit made while the Graph delta call waited out a 429 was overwritten).
 */
export const EARLY_READ_MAX_AGE_MS = 500;

/** The early reads' observations when they are for this item and recent enough; else none. */
export function usableEarly(early: EarlyRead | undefined, itemId: string, now = Date.now()) {
  return early && early.itemId === itemId && now - early.startedAt <= EARLY_READ_MAX_AGE_MS ? early.observations : {};
}

export interface TargetRef {
  replica: ReplicaKey;
  recordId: string;
  userId?: string;
}

export type ProjectionContextFor = (owner: ReplicaOwner) => ProjectionContext;

/**
 * Reads replicas side by side (different records, mostly on different providers). One that cannot
 * be read (no connection or owner, or refused for good) is left out: unread, never taken as deleted.
 */
export async function readReplicas(
  ctx: TenantSyncContext,
  targets: readonly TargetRef[],
  fallbackUserId: string,
  projection: ProjectionContextFor
): Promise<Record<ReplicaKey, Observation>> {
  const seen = await Promise.all(
    targets.map((target) =>
      readTarget(async () => {
        const io = ctx.io[parseReplicaKey(target.replica).side];
        const owner = ctx.owners.get(target.userId ?? fallbackUserId);
        if (!io || !owner) return undefined;
        const result = await io.read(owner, target.recordId, projection(owner));
        return result.observation.state === 'present'
          ? { ...result.observation, recordId: target.recordId }
          : result.observation;
      })
    )
  );
  const observations: Record<ReplicaKey, Observation> = {};
  targets.forEach((target, i) => {
    const observation = seen[i];
    if (observation) observations[target.replica] = observation;
  });
  return observations;
}

/** The replicas of a linked single item other than `source` that have a record to read. */
export function otherReplicas(link: Link, source: ReplicaKey): TargetRef[] {
  // Series and occurrences have their own engine (series-sync.ts), which reads what it needs.
  if (link.kind === 'series' || link.kind === 'occurrence') return [];
  return Object.entries(link.replicas).flatMap(([replica, r]) =>
    replica === source || r.recordId === undefined || r.detached
      ? []
      : [{ replica, recordId: r.recordId, ...(r.userId !== undefined ? { userId: r.userId } : {}) }]
  );
}

/** Starts the early reads of a linked item's other replicas; undefined when it has none. */
export function readOthersEarly(
  ctx: TenantSyncContext,
  link: Link,
  source: ReplicaKey,
  fallbackUserId: string,
  projection: ProjectionContextFor
): Promise<EarlyRead> | undefined {
  const targets = otherReplicas(link, source);
  if (targets.length === 0) return undefined;
  const startedAt = Date.now();
  return readReplicas(ctx, targets, fallbackUserId, projection).then((observations) => ({
    itemId: link.itemId,
    startedAt,
    observations,
  }));
}

/**
 * Early reads for records a notification named, keyed by record id, started now (before the
 * call that reads the records themselves). Each promise is awaited by the record's planning; a
 * failure is held until then (and none is left unhandled when a record is not planned).
 */
export async function readNotifiedEarly(
  ctx: TenantSyncContext,
  source: ReplicaKey,
  recordIds: readonly string[],
  fallbackUserId: string,
  projection: ProjectionContextFor
): Promise<Map<string, Promise<EarlyRead>>> {
  const early = new Map<string, Promise<EarlyRead>>();
  for (const recordId of new Set(recordIds)) {
    const stored = await ctx.items.findByRecord(ctx.tenantId, source, recordId);
    const reads = stored && readOthersEarly(ctx, stored.link, source, fallbackUserId, projection);
    if (!reads) continue;
    reads.catch(() => undefined);
    early.set(recordId, reads);
  }
  return early;
}
