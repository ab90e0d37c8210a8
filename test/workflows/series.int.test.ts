import { eventually } from '../support/eventually';
import { recordHistories } from '../support/record-histories';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { tenantPollerWorkflowId } from '../../src/workflows/tenant-poller/workflow-id';

/**
 * Recurring Outlook series end to end (DESIGN.md §2): one NetSuite event and one Autotask
 * appointment per occurrence inside the window, single-occurrence edits and cancellations, and the
 * deletion of a whole series, over the real stack (Temporal, PostgreSQL, the three emulators).
 */
const DAY = 86_400_000;

/** A date `days` from today (UTC), as YYYY-MM-DD. */
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

describe('recurring Outlook series', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    const settings = { pollIntervalMs: 500, tenantPollIntervalMs: 500, seriesRollIntervalMs: 5_000 };
    await stack.startUserSync(settings);
  }, 60_000);
  afterAll(async () => {
    if (stack) await recordSeriesChild(stack);
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const resourceId = () => stack.sandbox.info.autotask.resourceId;
  type Appointment = { id: number; title: string; startDateTime: string; resourceID: number };
  const appointments = (title: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as Appointment[]).filter((a) => a.title === title);
  const nsEvents = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const exactly = <T>(what: string, list: () => T[], n: number, timeoutMs?: number) =>
    eventually(`${n} × ${what}`, () => (list().length === n ? list() : undefined), timeoutMs);
  const startsOf = (list: Appointment[]) => list.map((a) => new Date(a.startDateTime).toISOString()).sort();
  const linkedOccurrences = async (prefix: string) => {
    const { rows } = await stack.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM items WHERE kind = 'occurrence' AND link->'replicas' ? $1 AND item_id LIKE $2",
      [`autotask:${stack.sandbox.userId}`, `${prefix}%`]
    );
    return Number(rows[0]?.n ?? 0);
  };

  const weekly = (subject: string, first: string, count: number, extra: Record<string, unknown> = {}) =>
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject,
      body: 'Agenda in the doc',
      start: `${first}T09:00:00`,
      end: `${first}T09:30:00`,
      timeZone: 'UTC',
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekdayOf(first)] },
        range: { type: 'numbered', startDate: first, numberOfOccurrences: count },
      },
      ...extra,
    }) as { id: string };

  it('a weekly series becomes one Autotask appointment and one NetSuite event per occurrence, without duplicates', async () => {
    const first = dateIn(7);
    weekly('Team standup', first, 4);
    const at = await exactly('Team standup in Autotask', () => appointments('Team standup'), 4);
    await exactly('Team standup in NetSuite', () => nsEvents('Team standup'), 4);
    expect(at.every((a) => a.resourceID === resourceId())).toBe(true);
    expect(startsOf(at)).toEqual([0, 7, 14, 21].map((d) => new Date(`${dateIn(7 + d)}T09:00:00Z`).toISOString()));
    // Each copy is its own item `<series item>@<occurrence key>`.
    const { rows } = await stack.db.pool.query<{ item_id: string; occurrence_key: string; series_item_id: string }>(
      "SELECT item_id, occurrence_key, series_item_id FROM items WHERE kind = 'occurrence' AND occurrence_key LIKE $1",
      [`${first}%`]
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.item_id).toBe(`${rows[0]!.series_item_id}@${rows[0]!.occurrence_key}`);

    // Later rounds (the child syncs again on its roll interval, the parent's polls) add nothing.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(appointments('Team standup')).toHaveLength(4);
    expect(nsEvents('Team standup')).toHaveLength(4);
  }, 120_000);

  it('an edited occurrence updates only its copies; a cancelled one deletes only its copies', async () => {
    const first = dateIn(9);
    const series = weekly('Design sync', first, 4);
    await exactly('Design sync in Autotask', () => appointments('Design sync'), 4);
    await exactly('Design sync in NetSuite', () => nsEvents('Design sync'), 4);

    stack.sandbox.graph.userSide.editOccurrence(mailbox(), series.id, dateIn(16), {
      subject: 'Design sync (demo day)',
    });
    const [edited] = await exactly(
      'the edited occurrence in Autotask',
      () => appointments('Design sync (demo day)'),
      1
    );
    await exactly('the edited occurrence in NetSuite', () => nsEvents('Design sync (demo day)'), 1);
    expect(new Date(edited!.startDateTime).toISOString()).toBe(new Date(`${dateIn(16)}T09:00:00Z`).toISOString());
    expect(appointments('Design sync')).toHaveLength(3);
    expect(nsEvents('Design sync')).toHaveLength(3);

    stack.sandbox.graph.userSide.cancelOccurrence(mailbox(), series.id, dateIn(23));
    const left = await exactly('the cancelled occurrence gone from Autotask', () => appointments('Design sync'), 2);
    await exactly('the cancelled occurrence gone from NetSuite', () => nsEvents('Design sync'), 2);
    expect(startsOf(left)).toEqual([9, 30].map((d) => new Date(`${dateIn(d)}T09:00:00Z`).toISOString()));
    // The edited occurrence is untouched by the cancellation of another.
    expect(appointments('Design sync (demo day)')).toHaveLength(1);
  }, 120_000);

  it('deleting a series of 50 occurrences deletes every copy (one deliberate act: the mass-deletion guard lets it through)', async () => {
    const first = dateIn(2);
    const series = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Daily check-in',
      start: `${first}T16:00:00`,
      end: `${first}T16:15:00`,
      timeZone: 'UTC',
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: first, numberOfOccurrences: 50 },
      },
    }) as { id: string };
    await exactly('Daily check-in in Autotask', () => appointments('Daily check-in'), 50, 90_000);
    await exactly('Daily check-in in NetSuite', () => nsEvents('Daily check-in'), 50, 60_000);

    stack.sandbox.graph.userSide.deleteEvent(mailbox(), series.id);
    await exactly('no Daily check-in left in Autotask', () => appointments('Daily check-in'), 0, 90_000);
    await exactly('no Daily check-in left in NetSuite', () => nsEvents('Daily check-in'), 0, 60_000);
    const status = await stack.client.workflow.getHandle(stack.workflowId).query<{ state: string }>('status');
    expect(status.state).not.toBe('needs-attention');
    // Other series are untouched.
    expect(appointments('Team standup')).toHaveLength(4);
    expect(await linkedOccurrences('')).toBeGreaterThan(0);
  }, 200_000);

  it('sync never made a provider email anyone', () => {
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});

function weekdayOf(date: string) {
  return (['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const)[
    new Date(`${date}T00:00:00Z`).getUTCDay()
  ]!;
}

/**
 * The sandbox tenant id is the same in every stack: the tenant pollers and the series children
 * this file started (both abandoned by their parent) would otherwise outlive the stack and keep
 * the next file's pollers from starting.
 */
/** One series child's history, for the replay test (with CALSYNC_RECORD_HISTORIES=1). */
async function recordSeriesChild(stack: SyncStack): Promise<void> {
  if (process.env.CALSYNC_RECORD_HISTORIES !== '1') return;
  for await (const wf of stack.client.workflow.list({ query: `WorkflowId STARTS_WITH "${stack.workflowId}/item/"` })) {
    recordHistories({ 'item-sync-series': { workflowId: wf.workflowId, runId: wf.runId } });
    return;
  }
}

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
