import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { itemSyncWorkflowId, seriesItemId } from '../item-sync/item-id';
import { itemSync } from '../item-sync/item-sync-workflow';
import { type ItemReport, itemReportSignal, seriesChangedSignal } from '../item-sync/messages';
import type { PullResult } from '../../activities';
import { searchAttributes } from '../search-attributes';
import type { UserSyncInput, UserSyncStatus } from './types';

/** How often a series child syncs again without a change (the window rolls daily; hours suffice). */
const DEFAULT_ROLL_INTERVAL_MS = 6 * 60 * 60 * 1000;
const DEFAULT_CHILD_HISTORY = 2000;

/** Optional settings of the series children (durations are inputs, so tests can shorten them). */
export interface SeriesChildSettings {
  seriesRollIntervalMs?: number;
}

/**
 * Registers the parent's handler for its children's reports: their counts join the user's.
 * Called by the user's sync before its first await.
 */
export function registerSeriesReports(status: UserSyncStatus): void {
  setHandler(itemReportSignal, (report: ItemReport) => {
    const c = status.counts;
    c.created += report.outcome.created;
    c.updated += report.outcome.updated;
    c.deleted += report.outcome.deleted;
    c.failed += report.outcome.failed;
  });
}

/**
 * Series are propagated by one child workflow per series (deterministic id, one writer per item,
 * DESIGN.md §4.5): started the first time, signalled when already running. Children are abandoned
 * on the parent's close or continue-as-new and keep their series in sync (window rolls).
 */
export async function syncSeries(input: UserSyncInput, seriesIds: readonly string[]): Promise<void> {
  const parentWorkflowId = workflowInfo().workflowId;
  const settings = input.settings as UserSyncInput['settings'] & SeriesChildSettings;
  for (const masterId of seriesIds) {
    const itemId = seriesItemId(input.tenantId, input.userId, masterId);
    const workflowId = itemSyncWorkflowId(parentWorkflowId, itemId);
    try {
      await startChild(itemSync, {
        workflowId,
        args: [
          {
            tenantId: input.tenantId,
            userId: input.userId,
            parentWorkflowId,
            itemId,
            masterId,
            rollIntervalMs: settings.seriesRollIntervalMs ?? DEFAULT_ROLL_INTERVAL_MS,
            maxHistoryEvents: Math.min(settings.maxHistoryEvents, DEFAULT_CHILD_HISTORY),
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: input.tenantId },
          { key: searchAttributes.userId, value: input.userId },
        ],
        staticSummary: `series ${itemId} of user ${input.userId}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Already running (started by this run or an earlier one): tell it to look again.
      await getExternalWorkflowHandle(workflowId).signal(seriesChangedSignal);
    }
  }
}

/**
 * Copies of occurrences changed in NetSuite or Autotask: the series' child (their one writer)
 * reads them and carries the change back to Outlook as an exception or a cancellation. A series
 * whose child is not running (it ended with its series) has nothing left to carry it to.
 */
export async function signalSeriesChanges(changes: NonNullable<PullResult['seriesChanges']>): Promise<void> {
  const parentWorkflowId = workflowInfo().workflowId;
  for (const { seriesItemId, recordIds } of changes) {
    try {
      await getExternalWorkflowHandle(itemSyncWorkflowId(parentWorkflowId, seriesItemId)).signal(seriesChangedSignal, {
        targetRecordIds: recordIds,
      });
    } catch {
      // The child has ended: its series is gone.
    }
  }
}
