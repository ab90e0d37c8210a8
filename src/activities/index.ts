import { type ActivityContext, type UserRef } from './context';
import { withFailureMapping } from './failures';
import { syncOutlookToNetSuite } from './outlook-to-netsuite';

/** The activities the worker registers, bound to their dependencies (createActivities(deps) style). */
export function createActivities(ctx: ActivityContext) {
  return withFailureMapping({
    syncOutlookToNetSuite: (ref: UserRef) => syncOutlookToNetSuite(ctx, ref),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export type { UserRef } from './context';
export type { SyncBatchResult } from './outlook-to-netsuite';
