import { defineSignal } from '@temporalio/workflow';
import type { SeriesOutcome } from '../../activities';

/** What changed of a series besides Outlook: copies of its occurrences another side named. */
export interface SeriesChange {
  /** NetSuite or Autotask records (occurrence copies) a poller or push named: read them, bring their edits back. */
  targetRecordIds?: string[];
}

/** To the child: its series changed (a delta round touched it, or a copy changed); sync it again. */
export const seriesChangedSignal = defineSignal<[SeriesChange?]>('seriesChanged');

/** From the child to its parent (the user's sync): what one run of the item did. Ids and counts only. */
export interface ItemReport {
  itemId: string;
  workflowId: string;
  outcome: SeriesOutcome;
  /** True when the child has finished (its series is gone everywhere). */
  done: boolean;
}

export const itemReportSignal = defineSignal<[ItemReport]>('itemReport');

export interface ItemSyncInput {
  tenantId: string;
  userId: string;
  /** The user's sync workflow, which gets the reports. */
  parentWorkflowId: string;
  itemId: string;
  /** The Outlook series master. */
  masterId: string;
  /** How often the series is synced again without a change, so the window rolls (DESIGN.md §4.7). */
  rollIntervalMs: number;
  /** Continue-as-new after this many history events. */
  maxHistoryEvents: number;
  /** Carried over continue-as-new: a change arrived that the last run did not see. */
  pending?: boolean;
  /** Carried over continue-as-new: occurrence copies named by hints and not yet read. */
  targetRecordIds?: string[];
}
