import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { tenantPollerWorkflowId } from '../../src/workflows/tenant-poller/workflow-id';
import { UserStore } from '../../src/store/users';

/**
 * The window rolls (DESIGN.md §4.7): occurrences entering the sync window are created, those
 * leaving it are forgotten (their copies stay), never deleted. The window is moved here through
 * the user's policy (past/future days), which is what the passing of days does to it.
 */
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const windowPolicy = (pastDays: number, futureDays: number) => ({
  netsuite: { syncWindow: { pastDays, futureDays } },
  autotask: { syncWindow: { pastDays, futureDays } },
});

describe('series and the rolling sync window', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await new UserStore(stack.db.pool).update(stack.sandbox.userId, { policy: windowPolicy(10, 30) });
    await stack.startWorker();
    const settings = { pollIntervalMs: 500, tenantPollIntervalMs: 500, seriesRollIntervalMs: 2_000 };
    await stack.startUserSync(settings);
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  type Appointment = { title: string; startDateTime: string };
  const appointments = () =>
    (stack.sandbox.autotask.userSide.list('Appointments') as Appointment[]).filter(
      (a) => a.title === 'Weekly planning'
    );
  const nsEvents = () => stack.sandbox.netsuite.listEvents().filter((e) => e.title === 'Weekly planning');
  const linked = async () => {
    const { rows } = await stack.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM items WHERE kind = 'occurrence'"
    );
    return Number(rows[0]?.n ?? 0);
  };
  const exactly = <T>(what: string, probe: () => T[] | Promise<number>, n: number) =>
    eventually(`${n} × ${what}`, async () => {
      const got = await probe();
      return (typeof got === 'number' ? got : got.length) === n ? true : undefined;
    });

  it('creates occurrences entering the window and forgets, without deleting, those leaving it', async () => {
    // Weekly at 12:00 UTC from 14 days ago, 12 occurrences: days -14, -7, 0, 7, … 63.
    const first = dateIn(-14);
    stack.sandbox.graph.userSide.createEvent(stack.sandbox.info.mailbox, {
      subject: 'Weekly planning',
      start: `${first}T12:00:00`,
      end: `${first}T13:00:00`,
      timeZone: 'UTC',
      recurrence: {
        pattern: { type: 'daily', interval: 7 },
        range: { type: 'numbered', startDate: first, numberOfOccurrences: 12 },
      },
    });
    // Window −10 … +30 days: −7, 0, 7, 14, 21, 28.
    await exactly('occurrences in Autotask', appointments, 6);
    await exactly('occurrences in NetSuite', nsEvents, 6);
    await exactly('linked occurrences', linked, 6);

    // The window moves on: −3 … +45 days. 35 and 42 enter; −7 leaves.
    await new UserStore(stack.db.pool).update(stack.sandbox.userId, { policy: windowPolicy(3, 45) });
    await exactly('occurrences in Autotask (two new, none deleted)', appointments, 8);
    await exactly('occurrences in NetSuite (two new, none deleted)', nsEvents, 8);
    // The occurrence that left is no longer linked (forgotten), but its copies remain.
    await exactly('linked occurrences', linked, 7);
    const starts = appointments().map((a) => new Date(a.startDateTime).toISOString().slice(0, 10));
    expect(starts).toContain(dateIn(-7));
    expect(starts).toContain(dateIn(42));

    // Rolls later on change nothing more.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(appointments()).toHaveLength(8);
    expect(nsEvents()).toHaveLength(8);
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  }, 120_000);
});

/**
 * The sandbox tenant id is the same in every stack: the tenant pollers and the series children
 * this file started (both abandoned by their parent) would otherwise outlive the stack and keep
 * the next file's pollers from starting.
 */
async function stopLeftovers(stack: SyncStack): Promise<void> {
  const ids = [
    tenantPollerWorkflowId(stack.sandbox.tenantId, 'netsuite'),
    tenantPollerWorkflowId(stack.sandbox.tenantId, 'autotask'),
  ];
  for await (const wf of stack.client.workflow.list({
    query: `WorkflowId STARTS_WITH "${stack.workflowId}/item/" AND ExecutionStatus = "Running"`,
  }))
    ids.push(wf.workflowId);
  for (const id of ids)
    await stack.client.workflow
      .getHandle(id)
      .terminate('test finished')
      .catch(() => undefined);
}
