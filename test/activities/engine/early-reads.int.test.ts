import { MockActivityEnvironment } from '@temporalio/testing';
import { type BatchOutcome, syncRecords } from '../../../src/activities/engine/sync-records';
import { linkedOutlookEvent } from '../../support/linked-item';
import { type SyncStack, startSyncStack } from '../../support/sync-stack';
import { tenantSyncContext } from '../../support/tenant-sync-context';

/**
 * A person's NetSuite edit (a push names it) is written to Outlook and Autotask, whose copies are
 * read first. Those reads start beside the NetSuite read, not after it: one provider round trip
 * less on the way (ADR 0009). The NetSuite read is held for a while to make the order visible.
 */
describe('early reads of an edited item’s other replicas', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const linkedItem = (subject: string) => linkedOutlookEvent(stack, subject);

  async function syncNetSuiteEdit(recordId: string, early: boolean, holdMs = 300): Promise<BatchOutcome> {
    const { userId } = stack.sandbox;
    stack.sandbox.netsuite.faults.inject({
      method: 'GET',
      path: new RegExp(`/calendarEvent/${recordId}(\\?|$)`),
      delayMs: holdMs,
    });
    const ctx = await tenantSyncContext(stack, userId);
    return new MockActivityEnvironment().run<[], BatchOutcome, () => Promise<BatchOutcome>>(() =>
      syncRecords(ctx, [{ side: 'netsuite', recordId, userId }], {
        guardUserId: userId,
        ...(early ? { early: { beside: new Set([recordId]) } } : {}),
      })
    );
  }

  function outlookCopy(outlookId: string) {
    return stack.sandbox.graph.userSide
      .listEvents(stack.sandbox.info.mailbox)
      .find((e: { id: string }) => e.id === outlookId) as { subject: string; changeKey: string } | undefined;
  }

  function editInNetSuite(netsuiteId: string, title: string) {
    stack.sandbox.netsuite.userSide.editEvent(stack.sandbox.info.netsuite.employeeId, netsuiteId, { title });
  }

  function graphReadsOf(outlookId: string, since: number): number {
    return stack.sandbox.graph.requestLog.filter(
      (e) => e.method === 'GET' && e.url.includes(encodeURIComponent(outlookId)) && Date.parse(e.at) >= since
    ).length;
  }

  /** When the Graph GET of the Outlook copy arrived, against the NetSuite read's arrival and answer. */
  function readTimes(outlookId: string, netsuiteId: string, since: number) {
    const ns = stack.sandbox.netsuite.requestLog.find(
      (e) => e.method === 'GET' && e.url.includes(`/calendarEvent/${netsuiteId}`) && Date.parse(e.at) >= since
    );
    const graph = stack.sandbox.graph.requestLog.find(
      (e) => e.method === 'GET' && e.url.includes(encodeURIComponent(outlookId)) && Date.parse(e.at) >= since
    );
    if (!ns || !graph) throw new Error('the NetSuite record or the Outlook copy was not read');
    return { graphAt: Date.parse(graph.at), nsAt: Date.parse(ns.at), nsAnswered: Date.parse(ns.at) + ns.durationMs };
  }

  it('reads the Outlook copy while the NetSuite read is still out, and the edit arrives', async () => {
    const { outlookId, netsuiteId } = await linkedItem('Read early');
    editInNetSuite(netsuiteId, 'Read early, edited in NetSuite');
    const since = Date.now();
    const outcome = await syncNetSuiteEdit(netsuiteId, true);

    const t = readTimes(outlookId, netsuiteId, since);
    expect(t.nsAnswered - t.nsAt).toBeGreaterThanOrEqual(295);
    expect(t.graphAt).toBeLessThan(t.nsAnswered);
    // The early read served the plan: the copy was not read a second time.
    expect(graphReadsOf(outlookId, since)).toBe(1);
    expect(outcome.updated).toBe(2); // the Outlook and the Autotask copy
    const copy = outlookCopy(outlookId);
    expect(copy?.subject).toBe('Read early, edited in NetSuite');
  }, 60_000);

  it('early reads older than EARLY_READ_MAX_AGE_MS are read again: an Outlook edit made meanwhile is not overwritten', async () => {
    const { outlookId, netsuiteId } = await linkedItem('Slow source');
    editInNetSuite(netsuiteId, 'Slow source, edited in NetSuite');
    // Stamps are compared to the second: the Outlook edit must be the later one beyond doubt.
    await new Promise((r) => setTimeout(r, 1100));
    const since = Date.now();
    // While the NetSuite read is held (as a 429's Retry-After would), the person edits the Outlook copy.
    const edit = new Promise<void>((resolve) =>
      setTimeout(() => {
        stack.sandbox.graph.userSide.updateEvent(stack.sandbox.info.mailbox, outlookId, {
          subject: 'Slow source, edited later in Outlook',
        });
        resolve();
      }, 400)
    );
    await syncNetSuiteEdit(netsuiteId, true, 1000);
    await edit;
    expect(graphReadsOf(outlookId, since)).toBe(2);
    const copy = outlookCopy(outlookId);
    expect(copy?.subject).toBe('Slow source, edited later in Outlook');
  }, 60_000);

  it('without the push’s word, reads the copies only after the record (the control)', async () => {
    const { outlookId, netsuiteId } = await linkedItem('Read late');
    editInNetSuite(netsuiteId, 'Read late, edited in NetSuite');
    const since = Date.now();
    await syncNetSuiteEdit(netsuiteId, false);

    const t = readTimes(outlookId, netsuiteId, since);
    expect(t.graphAt).toBeGreaterThanOrEqual(t.nsAnswered);
  }, 60_000);

  it('an early read that finds nothing to write costs the reads, and changes nothing', async () => {
    const { outlookId, netsuiteId } = await linkedItem('Untouched');
    const before = outlookCopy(outlookId);
    const outcome = await syncNetSuiteEdit(netsuiteId, true);
    expect(outcome.updated).toBe(0);
    const after = outlookCopy(outlookId);
    expect(after?.changeKey).toBe(before?.changeKey);
  }, 60_000);
});
