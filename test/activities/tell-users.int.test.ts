import { MockActivityEnvironment } from '@temporalio/testing';
import { type TellUsersInput, tellUsers } from '../../src/activities/tell-users';
import { statusQuery } from '../../src/workflows/user-sync/messages';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { signalsOf } from '../api/support/history';
import { eventually } from '../support/eventually';

/** The tenant poller's hints go out from an activity (ADR 0015), through a real Temporal server. */
describe('tellUsers', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 60_000, tenantPollIntervalMs: 60_000 });
    await stack.client.workflow.getHandle(stack.workflowId).query(statusQuery);
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  it("signals a syncing user's workflow with each of its hints, and counts a user not syncing as not told", async () => {
    const env = new MockActivityEnvironment(undefined, { client: stack.client });
    const hints: TellUsersInput['users'][number]['hints'] = [
      { source: 'autotask', records: ['appointment:41'], changed: true, versions: { 'appointment:41': 'v1' } },
      { source: 'autotask', records: ['appointment:42'] },
    ];
    const input: TellUsersInput = {
      tenantId: stack.sandbox.tenantId,
      users: [
        { userId: stack.sandbox.userId, hints },
        { userId: 'u_not_syncing', hints: [{ source: 'autotask', records: ['appointment:43'] }] },
      ],
    };
    const result = await env.run(tellUsers, input);
    expect(result).toEqual({ told: 1 });
    // A signal that arrives while a workflow task runs joins the history when that task completes.
    const received = await eventually('both hints in the history', async () => {
      const changed = (await signalsOf(stack.rawClient, stack.workflowId)).filter((s) => s.name === 'changed');
      return changed.length >= 2 ? changed : undefined;
    });
    expect(received.map((s) => s.input[0])).toEqual(hints);
  }, 60_000);
});
