import { type ActivityContext, type UserRef } from './context';
import { scanDeletions } from './deletion-scan';
import { withFailureMapping } from './failures';
import { type EnsureSubscriptionInput, ensureSubscription, removeSubscriptions } from './subscription-activities';
import {
  type HintedInput,
  pollAutotask,
  pollNetSuite,
  peekOutlook,
  pullOutlook,
  type PullInput,
  saveTenantCursors,
  type SaveTenantCursorsInput,
  syncHinted,
  type TenantPollInput,
} from './sync-activities';
import { type SeriesSyncInput, syncOutlookSeries } from './engine/series-activities';
import { type TellUsersInput, tellUsers } from './tell-users';

/** The activities the worker registers, bound to their dependencies (createActivities(deps) style). */
export function createActivities(ctx: ActivityContext) {
  return withFailureMapping({
    pullOutlook: (input: PullInput) => pullOutlook(ctx, input),
    peekOutlook: (input: UserRef) => peekOutlook(ctx, input),
    syncHinted: (input: HintedInput) => syncHinted(ctx, input),
    pollNetSuite: (input: TenantPollInput) => pollNetSuite(ctx, input),
    pollAutotask: (input: TenantPollInput) => pollAutotask(ctx, input),
    saveTenantCursors: (input: SaveTenantCursorsInput) => saveTenantCursors(ctx, input),
    tellUsers: (input: TellUsersInput) => tellUsers(input),
    scanDeletions: (input: { tenantId: string; provider: 'netsuite' | 'autotask' }) => scanDeletions(ctx, input),
    ensureSubscription: (input: EnsureSubscriptionInput) => ensureSubscription(ctx, input),
    removeSubscriptions: (input: UserRef) => removeSubscriptions(ctx, input),
    syncOutlookSeries: (input: SeriesSyncInput) => syncOutlookSeries(ctx, input),
  });
}

export type Activities = ReturnType<typeof createActivities>;
export type { UserRef } from './context';
export type { PullResult, TenantChanges } from './sync-activities';
export type { SubscriptionState } from './subscription-activities';
export type { SeriesSyncInput } from './engine/series-activities';
export type { SeriesOutcome } from './engine/series-sync';
