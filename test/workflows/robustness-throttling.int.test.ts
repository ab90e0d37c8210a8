import type { UserSyncStatus } from '../../src/workflows/user-sync/types';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { stopLeftovers } from './support/leftovers';

/**
 * 429 storms with Retry-After from Graph, NetSuite and Autotask (DESIGN.md §4.9): the sync waits
 * as long as each provider asked before it tries again (Temporal's retry with nextRetryDelay; no
 * SDK retries), converges, creates nothing twice (every create is idempotent, and a batch that
 * failed half-way is read and planned again), and ends without a standing error.
 */
/** A date `days` from today (UTC), as YYYY-MM-DD: inside every sync window. */
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const RETRY_AFTER_S = 2;

describe('429 storms from Graph, NetSuite and Autotask', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
    await eventually('the first round', async () => ((await status()).lastSync.outlook ? true : undefined));
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const status = () => stack.client.workflow.getHandle(stack.workflowId).query<UserSyncStatus>('status');
  const outlook = (subject: string) =>
    stack.sandbox.graph.userSide.listEvents(mailbox()).filter((e) => e.subject === subject);
  const netsuite = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const autotask = (title: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).filter((a) => a.title === title);
  const onceEverywhere = (title: string) =>
    eventually(
      `"${title}" once on every side`,
      () =>
        outlook(title).length === 1 && netsuite(title).length === 1 && autotask(title).length === 1 ? true : undefined,
      60_000
    );
  const outlookEvent = (subject: string, day: number) =>
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject,
      start: `${dateIn(day)}T15:00:00`,
      end: `${dateIn(day)}T16:00:00`,
      timeZone: 'UTC',
    });

  /**
   * Each throttled request is followed by the next one (of the same caller) no sooner than
   * Retry-After: `requests` are one caller's, in arrival order, with their arrival times.
   */
  const expectRetriesHonoured = (requests: { at: string; status: number }[], throttled: number) => {
    const refused = requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(throttled);
    for (const [i, r] of requests.entries()) {
      const next = requests[i + 1];
      if (r.status !== 429) continue;
      expect(next).toBeDefined();
      // A few ms of slack for the two clocks' rounding (both are this machine's).
      expect(Date.parse(next!.at) - Date.parse(r.at)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 20);
    }
    expect(requests.at(-1)?.status).toBeLessThan(400);
  };

  it('Graph: a storm on the delta read is waited out per Retry-After, then every change syncs once', async () => {
    const graph = stack.sandbox.graph;
    const from = graph.requestLog.length;
    graph.faults.throttleNext(4, { retryAfterSeconds: RETRY_AFTER_S, mailbox: mailbox() });
    for (const [i, day] of [5, 6, 7].entries()) outlookEvent(`Graph storm ${i + 1}`, day);
    for (const i of [1, 2, 3]) await onceEverywhere(`Graph storm ${i}`);
    const calls = graph.requestLog
      .slice(from)
      .filter((r) => r.mailbox === mailbox().toLowerCase() && r.url.startsWith('/v1.0'));
    // The storm met the delta read: the same request each time, retried as Graph asked.
    const refused = calls.filter((r) => r.status === 429);
    expect(refused.map((r) => r.errorCode)).toEqual(Array(4).fill('ApplicationThrottled'));
    expect(refused.every((r) => r.url.includes('/delta'))).toBe(true);
    expectRetriesHonoured(calls.slice(0, calls.findLastIndex((r) => r.status === 429) + 2), 4);
  }, 90_000);

  it('NetSuite: refused writes (CONCURRENCY_LIMIT_EXCEEDED, Retry-After) are retried as asked, creating nothing twice', async () => {
    const from = stack.sandbox.netsuite.requestLog.length;
    stack.sandbox.netsuite.faults.inject({
      method: 'PUT',
      path: /calendarEvent/,
      status: 429,
      code: 'CONCURRENCY_LIMIT_EXCEEDED',
      retryAfterSeconds: RETRY_AFTER_S,
      times: 3,
    });
    outlookEvent('NetSuite storm', 8);
    await onceEverywhere('NetSuite storm');
    const writes = stack.sandbox.netsuite.requestLog
      .slice(from)
      .filter((r) => r.method === 'PUT' && r.url.includes('calendarEvent'));
    expectRetriesHonoured(writes, 3);
  }, 90_000);

  it('NetSuite: a throttled SuiteQL poll still brings a NetSuite event to Outlook, once', async () => {
    stack.sandbox.netsuite.faults.inject({
      method: 'POST',
      path: /suiteql/,
      status: 429,
      code: 'CONCURRENCY_LIMIT_EXCEEDED',
      retryAfterSeconds: RETRY_AFTER_S,
      times: 3,
    });
    stack.sandbox.netsuite.userSide.createEvent(stack.sandbox.info.netsuite.employeeId, {
      title: 'NetSuite poll storm',
      date: dateIn(9),
      startTime: '09:00',
      endTime: '10:00',
      timezone: 'UTC',
    });
    await onceEverywhere('NetSuite poll storm');
    expect(stack.sandbox.netsuite.requestLog.filter((r) => r.status === 429 && r.url.includes('suiteql'))).toHaveLength(
      3
    );
  }, 90_000);

  it('Autotask: refused creates (request threshold, Retry-After) are retried as asked, creating nothing twice', async () => {
    const log = stack.sandbox.autotask.requestLog;
    const from = log.entries().length;
    stack.sandbox.autotask.faults.rateLimit(3, RETRY_AFTER_S, { entity: 'Appointments', action: 'create' });
    outlookEvent('Autotask storm', 12);
    await onceEverywhere('Autotask storm');
    const creates = log
      .entries()
      .slice(from)
      .filter((r) => r.entity === 'Appointments' && r.action === 'create');
    expectRetriesHonoured(creates, 3);
  }, 90_000);

  it('Autotask: a throttled poll still brings an Autotask appointment to Outlook, once', async () => {
    const log = stack.sandbox.autotask.requestLog;
    const from = log.entries().length;
    stack.sandbox.autotask.faults.rateLimit(3, RETRY_AFTER_S, { entity: 'Appointments', action: 'query' });
    stack.sandbox.autotask.userSide.createAppointment({
      resourceID: stack.sandbox.info.autotask.resourceId,
      title: 'Autotask poll storm',
      startDateTime: `${dateIn(13)}T08:00:00Z`,
      endDateTime: `${dateIn(13)}T09:00:00Z`,
    });
    await onceEverywhere('Autotask poll storm');
    expect(
      log
        .entries()
        .slice(from)
        .filter((r) => r.status === 429)
    ).toHaveLength(3);
  }, 90_000);

  it('a copy deleted in Outlook while its Autotask create is being retried is a deletion: nothing comes back', async () => {
    const log = stack.sandbox.autotask.requestLog;
    const from = log.entries().length;
    const failedCreates = () =>
      log
        .entries()
        .slice(from)
        .filter((r) => r.entity === 'Appointments' && r.action === 'create' && r.status === 503).length;
    // Every Autotask create fails until cleared; the Outlook copy of the same plan is written.
    stack.sandbox.autotask.faults.serverError(1_000, { entity: 'Appointments', action: 'create' });
    stack.sandbox.netsuite.userSide.createEvent(stack.sandbox.info.netsuite.employeeId, {
      title: 'Deleted while retried',
      date: dateIn(14),
      startTime: '09:00',
      endTime: '10:00',
      timezone: 'UTC',
    });
    const [copy] = await eventually('the Outlook copy, and a failed Autotask create', () =>
      outlook('Deleted while retried').length && failedCreates() > 0 ? outlook('Deleted while retried') : undefined
    );
    stack.sandbox.graph.userSide.deleteEvent(mailbox(), copy!.id);
    stack.sandbox.autotask.faults.clear();
    const everywhere = () =>
      outlook('Deleted while retried').length +
      netsuite('Deleted while retried').length +
      autotask('Deleted while retried').length;
    await eventually('the item gone from every side', () => (everywhere() === 0 ? true : undefined), 60_000);
    // The retry read the deleted copy as deleted; it re-created nothing, and nothing comes back.
    await eventually('a settled sync', async () => ((await status()).backlog.length === 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(everywhere()).toBe(0);
  }, 90_000);

  it('ends converged: no standing error, nothing failed, nothing duplicated, no email sent', async () => {
    const s = await status();
    expect(s.state).toBe('running');
    expect(s.lastError).toBeUndefined();
    expect(s.counts.failed).toBe(0);
    const expected = [
      'Autotask poll storm',
      'Autotask storm',
      'Graph storm 1',
      'Graph storm 2',
      'Graph storm 3',
      'NetSuite poll storm',
      'NetSuite storm',
    ];
    expect(
      stack.sandbox.netsuite
        .listEvents()
        .map((e) => e.title)
        .sort()
    ).toEqual(expected);
    expect(
      (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).map((a) => a.title).sort()
    ).toEqual(expected);
    expect(
      stack.sandbox.graph.userSide
        .listEvents(mailbox())
        .map((e) => e.subject)
        .sort()
    ).toEqual(expected);
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
