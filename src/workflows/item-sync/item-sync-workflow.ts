import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, SeriesOutcome } from '../../activities';
import { itemReportSignal, type ItemSyncInput, seriesChangedSignal } from './messages';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/**
 * ItemSyncWorkflow: the one writer of one series (DESIGN.md §4.5). Id `<user sync id>/item/<item
 * id>`, started by the user's sync with ParentClosePolicy.ABANDON. It syncs its series when told
 * (signal `seriesChanged`) and at least every `rollIntervalMs` (the window rolls), reports each run
 * to the parent (signal `itemReport`), and ends once the series is deleted and its copies with it.
 */
export async function itemSync(input: ItemSyncInput): Promise<SeriesOutcome | undefined> {
  let pending = true;
  // Copies in NetSuite or Autotask that changed: read by the next run, which brings their edits back.
  const targetRecordIds = new Set(input.targetRecordIds ?? []);
  setHandler(seriesChangedSignal, (change) => {
    pending = true;
    for (const id of change?.targetRecordIds ?? []) targetRecordIds.add(id);
  });
  let last: SeriesOutcome | undefined;
  for (;;) {
    pending = false;
    const named = [...targetRecordIds];
    targetRecordIds.clear();
    try {
      last = await activities.syncOutlookSeries({
        tenantId: input.tenantId,
        userId: input.userId,
        masterId: input.masterId,
        workflowId: workflowInfo().workflowId,
        ...(named.length ? { targetRecordIds: named } : {}),
      });
    } catch (err) {
      // Not read this time: the next run (on a change or the roll) reads them.
      for (const id of named) targetRecordIds.add(id);
      // Retries are spent (or the failure cannot succeed): wait for the next change or roll.
      log.warn('series sync failed', {
        itemId: input.itemId,
        error: err instanceof ActivityFailure ? err.cause?.message : String(err),
      });
    }
    const done = last?.state === 'deleted' && !pending;
    if (last) await report(input, last, done);
    setCurrentDetails(
      last
        ? `**series** ${input.itemId}: ${last.state}, ${last.occurrences} occurrences linked (created ${last.created}, updated ${last.updated}, deleted ${last.deleted}, forgotten ${last.forgotten}, failed ${last.failed})`
        : `**series** ${input.itemId}: last run failed`
    );
    if (done) break;
    await condition(() => pending, input.rollIntervalMs);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > input.maxHistoryEvents) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof itemSync>({ ...input, pending: true, targetRecordIds: [...targetRecordIds] });
    }
  }
  await condition(allHandlersFinished);
  return last;
}

async function report(input: ItemSyncInput, outcome: SeriesOutcome, done: boolean): Promise<void> {
  try {
    await getExternalWorkflowHandle(input.parentWorkflowId).signal(itemReportSignal, {
      itemId: input.itemId,
      workflowId: workflowInfo().workflowId,
      outcome,
      done,
    });
  } catch (err) {
    // The parent may be stopped: the report is information, the work is done.
    log.info('report to parent not delivered', { parent: input.parentWorkflowId, error: String(err) });
  }
}
