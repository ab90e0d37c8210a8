import { type PlanAction } from './plan-action';
import { type MassDeleteGuard } from './policy';

/**
 * vdirsyncer refuses to mirror a storage that suddenly became empty; we refuse any batch that
 * would delete more than a configured share or number of a user's items, because the usual
 * cause is a failed or partial read, not a user clearing their calendar.
 */

export interface GuardResult {
  readonly actions: readonly PlanAction[];
  readonly tripped: boolean;
}

/**
 * Applies the guard to one user's batch. `itemCount` is how many items the user had in sync
 * before the batch. When tripped, every delete is held in a single `needs-attention` action and
 * the rest of the batch goes ahead.
 */
export function guardMassDeletion(
  actions: readonly PlanAction[],
  itemCount: number,
  guard: MassDeleteGuard
): GuardResult {
  const deletes = actions.filter((a) => a.type === 'delete');
  const count = deletes.length;
  const share = itemCount > 0 ? count / itemCount : count > 0 ? 1 : 0;
  const tripped = count >= guard.minCount && (count > guard.maxCount || share > guard.maxShare);
  if (!tripped) return { actions, tripped: false };
  return {
    tripped: true,
    actions: [
      ...actions.filter((a) => a.type !== 'delete'),
      {
        type: 'needs-attention',
        reason: 'mass-deletion',
        detail: `${count} of ${itemCount} items would be deleted (limits: ${Math.round(guard.maxShare * 100)} % or ${guard.maxCount}); waiting for an admin`,
        held: deletes,
      },
    ],
  };
}
