import { type ActivityContext, type UserRef } from './context';
import { withFailureMapping } from './failures';
import {
  type HintedInput,
  pollAutotask,
  pollNetSuite,
  pullOutlook,
  type PullInput,
  syncHinted,
} from './sync-activities';

/** The activities the worker registers, bound to their dependencies (createActivities(deps) style). */
export function createActivities(ctx: ActivityContext) {
  return withFailureMapping({
    pullOutlook: (input: PullInput) => pullOutlook(ctx, input),
    syncHinted: (input: HintedInput) => syncHinted(ctx, input),
    pollNetSuite: (input: { tenantId: string }) => pollNetSuite(ctx, input),
    pollAutotask: (input: { tenantId: string }) => pollAutotask(ctx, input),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export type { UserRef } from './context';
export type { PullResult, TenantChanges } from './sync-activities';
