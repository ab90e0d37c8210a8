import { WorkflowUpdateFailedError } from '@temporalio/client';
import { searchAttributes } from '../../src/workflows/search-attributes';
import { configureUpdate, statusQuery, stopUpdate } from '../../src/workflows/user-sync/messages';
import { daysAhead, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { recordHistories } from '../support/record-histories';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * The real user-sync workflow's `configure` update: its durations are inputs, and an admin can
 * change them on a running sync without restarting it. Without webhooks, only the poll timer
 * brings an Outlook change in, so a shorter poll interval must take effect at once.
 */
describe('configure: changing a running sync', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 600_000, tenantPollIntervalMs: 600_000 });
    await eventually('the first round', async () =>
      (await handle().query(statusQuery)).lastSync.outlook ? true : undefined
    );
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const handle = () => stack.client.workflow.getHandle(stack.workflowId);
  const inNetSuite = (title: string) => stack.sandbox.netsuite.listEvents().find((e) => e.title === title);

  it('refuses unknown settings and values that are not positive whole numbers, changing nothing', async () => {
    await expect(
      handle().executeUpdate(configureUpdate, { args: [{ settings: { pollEvery: 5 } as never }] })
    ).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(
      handle().executeUpdate(configureUpdate, { args: [{ settings: { pollIntervalMs: -1 } }] })
    ).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await handle().query(statusQuery)).state).toBe('running');
  });

  it('a shorter poll interval takes effect at once: a change nobody notified is synced', async () => {
    const lastBefore = (await handle().query(statusQuery)).lastSync.outlook;
    stack.sandbox.graph.userSide.createEvent(stack.sandbox.info.mailbox, {
      subject: 'Seen after configure',
      start: wallClock(daysAhead(1), '10:00'),
      end: wallClock(daysAhead(1), '11:00'),
      timeZone: 'UTC',
    });
    // The 10-minute poll would not look for a long time; no notification is sent (no webhooks).
    await new Promise((r) => setTimeout(r, 2_000));
    expect(inNetSuite('Seen after configure')).toBeUndefined();
    expect((await handle().query(statusQuery)).lastSync.outlook).toBe(lastBefore);

    const status = await handle().executeUpdate(configureUpdate, { args: [{ settings: { pollIntervalMs: 1_000 } }] });
    expect(status.state).toBe('running');
    await eventually('the event in NetSuite', () => inNetSuite('Seen after configure'));
  }, 60_000);

  it('reconciles periodically: the whole window is read again instead of the delta', async () => {
    await handle().executeUpdate(configureUpdate, { args: [{ settings: { pollIntervalMs: 600_000 } }] });
    const isFullRead = (url: string) =>
      url.includes('/delta') && url.includes('startDateTime') && !url.includes('deltatoken');
    const mark = stack.sandbox.graph.requestLog.length;
    await handle().executeUpdate(configureUpdate, { args: [{ settings: { reconcileIntervalMs: 2_000 } }] });
    await eventually('a full read of the window', () =>
      stack.sandbox.graph.requestLog.slice(mark).some((r) => isFullRead(r.url)) ? true : undefined
    );
    // And again one interval later: it is periodic, not once.
    const second = stack.sandbox.graph.requestLog.length;
    await eventually('a second full read', () =>
      stack.sandbox.graph.requestLog.slice(second).some((r) => isFullRead(r.url)) ? true : undefined
    );
    await handle().executeUpdate(configureUpdate, { args: [{ settings: { reconcileIntervalMs: 86_400_000 } }] });
  }, 60_000);

  it('is found by its search attributes and read at a glance (current details) in the Temporal UI', async () => {
    const found: string[] = [];
    await eventually('the sync in a visibility query by user and state', async () => {
      for await (const wf of stack.client.workflow.list({
        query: `CalsyncUserId = "${stack.sandbox.userId}" AND CalsyncSyncState = "running" AND ExecutionStatus = "Running"`,
      }))
        found.push(wf.workflowId);
      return found.length > 0 ? true : undefined;
    });
    expect(found).toContain(stack.workflowId);
    const description = await handle().describe();
    expect(description.typedSearchAttributes.get(searchAttributes.tenantId)).toBe(stack.sandbox.tenantId);
    const metadata = await handle().query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('**state:** running');
    expect(metadata.currentDetails).toMatch(/\*\*last sync:\*\* outlook \d{4}-/);
  }, 60_000);

  it('stops gracefully after being reconfigured', async () => {
    const stopped = await handle().executeUpdate(stopUpdate);
    expect(stopped.state).toBe('stopped');
    expect((await handle().describe()).status.name).toBe('COMPLETED');
    await eventually('the stopped state in its search attributes', async () =>
      (await handle().describe()).typedSearchAttributes.get(searchAttributes.syncState) === 'stopped' ? true : undefined
    );
    // Its history has configure, rejected updates, reconciliation and stop: replayed by replay.test.ts.
    recordHistories({ 'user-sync-configure-stop': { workflowId: stack.workflowId } });
  }, 60_000);
});
