import { statusQuery } from '../../src/workflows/user-sync/messages';
import { daysAhead, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { recordHistories } from '../support/record-histories';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * A long-running user workflow keeps its history small by continuing as new; what it carried
 * (counts, pending work) must survive, and sync must go on in the new run. With
 * CALSYNC_RECORD_HISTORIES=1 the histories are written to test/fixtures/histories for the replay test.
 */
describe('continue-as-new of a user sync', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  it('continues as new under load, carrying its counts, and keeps syncing', async () => {
    const handle = await stack.startUserSync({ pollIntervalMs: 300, tenantPollIntervalMs: 300, maxHistoryEvents: 80 });
    const mailbox = stack.sandbox.info.mailbox;
    for (let i = 0; i < 3; i++) {
      stack.sandbox.graph.userSide.createEvent(mailbox, {
        subject: `Before continue-as-new ${i}`,
        start: wallClock(daysAhead(3 + i), '09:00'),
        end: wallClock(daysAhead(3 + i), '10:00'),
        timeZone: 'UTC',
      });
    }
    await eventually('the events in NetSuite', () =>
      stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith('Before continue-as-new')).length === 3
        ? true
        : undefined
    );
    // Polling alone grows the history past the threshold.
    const continued = await eventually(
      'a continued run',
      async () => {
        const description = await stack.client.workflow.getHandle(stack.workflowId).describe();
        return description.runId !== handle.firstExecutionRunId ? description : undefined;
      },
      60_000
    );
    expect(continued.status.name).toBe('RUNNING');
    const status = await stack.client.workflow.getHandle(stack.workflowId).query(statusQuery);
    expect(status.generation).toBeGreaterThanOrEqual(1);
    expect(status.counts.created).toBeGreaterThanOrEqual(3);

    stack.sandbox.graph.userSide.createEvent(mailbox, {
      subject: 'After continue-as-new',
      start: wallClock(daysAhead(8), '09:00'),
      end: wallClock(daysAhead(8), '10:00'),
      timeZone: 'UTC',
    });
    await eventually('the later event in NetSuite', () =>
      stack.sandbox.netsuite.listEvents().find((e) => e.title === 'After continue-as-new')
    );
    expect(
      stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith('Before continue-as-new'))
    ).toHaveLength(3);

    recordHistories({
      'user-sync-continue-as-new': { workflowId: stack.workflowId, runId: handle.firstExecutionRunId },
      'tenant-poller-netsuite': { workflowId: `calsync/${stack.sandbox.tenantId}/poller/netsuite` },
    });
  }, 120_000);
});
