import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChangedHint, ConfigureRequest, LifecycleHint, ResumeRequest, UserSyncStatus } from './types';

/** A provider said "look again" (a webhook, a poller); hints only, never truth (DESIGN.md §4.1). */
export const changedSignal = defineSignal<[ChangedHint]>('changed');
/** Graceful stop: finish the work in hand, then complete. */
export const stopUpdate = defineUpdate<UserSyncStatus>('stop');
export const pauseUpdate = defineUpdate<UserSyncStatus>('pause');
export const resumeUpdate = defineUpdate<UserSyncStatus, [ResumeRequest]>('resume');
export const resyncUpdate = defineUpdate<UserSyncStatus, [{ mode: 'incremental' | 'full' }]>('resync');
/** Changes the running sync's durations (poll interval, renewal margin, …); takes effect at once. */
export const configureUpdate = defineUpdate<UserSyncStatus, [ConfigureRequest]>('configure');
export const statusQuery = defineQuery<UserSyncStatus>('status');

/** Graph subscription lifecycle events, forwarded by the webhook ingress. */
export const lifecycleSignal = defineSignal<[LifecycleHint]>('lifecycle');
