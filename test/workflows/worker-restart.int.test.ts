import { daysAhead, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

describe('a user sync survives a worker restart', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const inNetSuite = (title: string) => stack.sandbox.netsuite.listEvents().find((e) => e.title === title);

  it('carries on where it was after the worker is stopped and started again', async () => {
    const { sandbox } = stack;
    const first = await stack.startWorker();
    const handle = await stack.startUserSync();
    sandbox.graph.userSide.createEvent(sandbox.info.mailbox, {
      subject: 'Before the restart',
      start: wallClock(daysAhead(-6), '09:00'),
      end: wallClock(daysAhead(-6), '10:00'),
      timeZone: 'UTC',
    });
    await eventually('the first event in NetSuite', () => inNetSuite('Before the restart'));

    await stack.stopWorker(first);
    sandbox.graph.userSide.createEvent(sandbox.info.mailbox, {
      subject: 'While the worker was down',
      start: wallClock(daysAhead(-5), '09:00'),
      end: wallClock(daysAhead(-5), '10:00'),
      timeZone: 'UTC',
    });
    // Nothing moves without a worker; the workflow waits for one, it does not fail.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(inNetSuite('While the worker was down')).toBeUndefined();
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await stack.startWorker();
    const arrived = await eventually('the second event in NetSuite', () => inNetSuite('While the worker was down'));
    expect(arrived.title).toBe('While the worker was down');
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    // Still the same run: the new worker replayed its history and went on.
    expect(description.runId).toBe(handle.firstExecutionRunId);
    // And the first event was not written twice.
    expect(stack.sandbox.netsuite.listEvents().filter((e) => e.title === 'Before the restart')).toHaveLength(1);
  }, 90_000);
});
