import { type Link, type Observation, parseReplicaKey, type ReplicaKey } from '../../domain/link';
import { isWrite, type Plan, type WriteAction } from '../../domain/plan-action';
import { ProviderError } from '../../providers/provider-error';

/**
 * Before a plan overwrites or deletes a replica, that replica is read too (DESIGN.md §4.3): a
 * person may have edited it since its base, and a plan made against the base alone would
 * overwrite the edit without a conflict. Planning again with the fresh reads merges per field and
 * reports the conflict. Each read is compared with its base through its side's projection
 * (src/domain/echo.ts), so what a side cannot carry never looks like an edit; a read that finds
 * the record gone (404) is a confirmed delete and goes through the planner's delete rules.
 */

/** How often a plan may name further unread replicas before it is taken as it stands. */
export const MAX_TARGET_READ_ROUNDS = 3;

/** The existing replicas a plan writes to or deletes that this round has not read. */
export function unreadTargets(planned: Plan, link: Link, observations: Readonly<Record<ReplicaKey, Observation>>) {
  const targets = new Map<ReplicaKey, { replica: ReplicaKey; recordId: string; userId?: string }>();
  for (const action of planned.actions.filter(isWrite)) {
    if (!overwrites(action) || action.replica in observations) continue;
    const recordId = action.recordId ?? link.replicas[action.replica]?.recordId;
    if (recordId === undefined) continue;
    const { userId } = parseReplicaKey(action.replica);
    targets.set(action.replica, { replica: action.replica, recordId, ...(userId !== undefined ? { userId } : {}) });
  }
  return [...targets.values()];
}

function overwrites(action: WriteAction): boolean {
  return action.type === 'update-fields' || action.type === 'rsvp' || action.type === 'delete';
}

/**
 * Reads one target. A read refused for good (no access, no resource) leaves the replica unread:
 * the planned write meets the same refusal and is audited with its item, as before.
 */
export async function readTarget(read: () => Promise<Observation | undefined>): Promise<Observation | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ProviderError && !err.retryable) return undefined;
    throw err;
  }
}
