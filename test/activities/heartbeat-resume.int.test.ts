import { MockActivityEnvironment } from '@temporalio/testing';
import { buildActivities } from '../../src/activities/build';
import { daysAhead, utcInstant } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * The records activity (`syncHinted`) heartbeats which records' items it has saved; a retry of it
 * (Temporal hands the last heartbeat's details to the next attempt) skips those instead of reading
 * them again. The real activity, PostgreSQL and emulators; only the activity context is Temporal's
 * testing environment, so that the heartbeat details of a "previous attempt" can be given.
 */
describe('syncHinted resumes from its heartbeat details', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const appointment = (title: string, dayOffset: number) =>
    String(
      stack.sandbox.autotask.userSide.createAppointment({
        resourceID: stack.sandbox.info.autotask.resourceId,
        title,
        startDateTime: utcInstant(daysAhead(dayOffset), '08:00'),
        endDateTime: utcInstant(daysAhead(dayOffset), '09:00'),
      }).id
    );
  const gets = (id: string) =>
    stack.sandbox.autotask.requestLog.entries().filter((e) => e.action === 'get' && e.path.includes(`/${id}`)).length;
  const inOutlook = (subject: string) =>
    stack.sandbox.graph.userSide.listEvents(stack.sandbox.info.mailbox).filter((e) => e.subject === subject);

  it('reports saved records in its heartbeats, and a retry skips the ones its last heartbeat named', async () => {
    const { syncHinted } = buildActivities({ pool: stack.db.pool, box: stack.box });
    const first = appointment('Resume first', 4);
    const second = appointment('Resume second', 5);
    const ref = { tenantId: stack.sandbox.tenantId, userId: stack.sandbox.userId, source: 'autotask' as const };
    const key = (id: string) => `autotask|${stack.sandbox.userId}|appointment:${id}`;

    // The "failed attempt": it saved the first appointment's item and said so.
    const attempt1 = new MockActivityEnvironment();
    const beats: { done?: string[] }[] = [];
    attempt1.on('heartbeat', (d: { done?: string[] }) => beats.push(d));
    await attempt1.run(syncHinted, { ...ref, recordIds: [`appointment:${first}`] });
    expect(inOutlook('Resume first')).toHaveLength(1);
    expect(beats.at(-1)?.done).toEqual([key(first)]);

    // The retry, given that heartbeat: the first is not read again, the second is synced.
    const readsOfFirst = gets(first);
    const attempt2 = new MockActivityEnvironment({ heartbeatDetails: beats.at(-1) });
    const result: { skipped: number } = await attempt2.run(syncHinted, {
      ...ref,
      recordIds: [`appointment:${first}`, `appointment:${second}`],
    });
    expect(gets(first)).toBe(readsOfFirst);
    expect(gets(second)).toBeGreaterThan(0);
    expect(result.skipped).toBeGreaterThanOrEqual(1);
    await eventually('the second appointment in Outlook', () => (inOutlook('Resume second').length ? true : undefined));
    expect(inOutlook('Resume first')).toHaveLength(1);
  }, 60_000);
});
