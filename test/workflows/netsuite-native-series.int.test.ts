import { DateTime } from 'luxon';
import { TenantStore } from '../../src/store/tenants';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { stopLeftovers } from './support/leftovers';

/**
 * Series native in NetSuite (the tenant's connection says the recurrence RESTlet is installed; the
 * emulator runs it): an Outlook series becomes ONE recurring NetSuite event, its cancelled
 * occurrences NetSuite exclusion dates; a recurring event made in NetSuite becomes one Outlook
 * series, and its edits follow. Autotask, which has no recurrence, still gets one appointment per
 * occurrence. A rule NetSuite cannot repeat the same way falls back to single events.
 */
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** A Graph dateTimeTimeZone as New York wall clock (the emulator answers in UTC or the event's zone). */
const newYork = (t: { dateTime: string; timeZone: string }) =>
  DateTime.fromISO(t.dateTime, { zone: t.timeZone === 'UTC' ? 'UTC' : 'America/New_York' })
    .setZone('America/New_York')
    .toFormat("yyyy-MM-dd'T'HH:mm");
const weekdayOf = (date: string) =>
  (['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const)[
    new Date(`${date}T00:00:00Z`).getUTCDay()
  ]!;

describe('NetSuite series with the recurrence RESTlet installed', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack({ netsuiteNativeRecurrence: true });
    await stack.startWorker();
    const settings = { pollIntervalMs: 500, tenantPollIntervalMs: 500, seriesRollIntervalMs: 5_000 };
    await stack.startUserSync(settings);
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const employeeId = () => stack.sandbox.info.netsuite.employeeId;
  const nsEvents = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  type Appointment = { title: string; startDateTime: string };
  const appointments = (title: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as Appointment[]).filter((a) => a.title === title);
  const outlookMasters = (subject: string) =>
    stack.sandbox.graph.userSide
      .listEvents(mailbox())
      .filter((e) => e.subject === subject && e.type === 'seriesMaster');
  const outlookSingles = (subject: string) =>
    stack.sandbox.graph.userSide
      .listEvents(mailbox())
      .filter((e) => e.subject === subject && e.type !== 'seriesMaster');
  const exactly = <T>(what: string, list: () => T[], n: number) =>
    eventually(
      `${n} × ${what}`,
      () => {
        const found = list();
        if (found.length === n) return found;
        throw new Error(`found ${found.length}: ${JSON.stringify(found).slice(0, 600)}`);
      },
      60_000
    );
  const settle = () => new Promise((r) => setTimeout(r, 7_000));

  /** A weekly series of four at 10:00 New York time (the NetSuite user's zone). */
  const outlookWeekly = (subject: string, first: string, timeZone = 'Eastern Standard Time') =>
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject,
      start: `${first}T10:00:00`,
      end: `${first}T10:45:00`,
      timeZone,
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekdayOf(first)] },
        range: { type: 'numbered', startDate: first, numberOfOccurrences: 4 },
      },
    }) as { id: string };

  it('an Outlook weekly series becomes exactly one recurring NetSuite event; a cancelled occurrence becomes an exclusion date', async () => {
    const first = dateIn(8);
    const series = outlookWeekly('Native standup', first);
    const [event] = await exactly('recurring Native standup in NetSuite', () => nsEvents('Native standup'), 1);
    await eventually('the recurrence written through the RESTlet', () =>
      nsEvents('Native standup')[0]?.recurrence ? true : undefined
    );
    const stored = nsEvents('Native standup')[0]!;
    expect(stored.id).toBe(event!.id);
    expect(stored.externalId).toMatch(/^calsync-/);
    expect(stored.recurrence).toMatchObject({
      frequency: 'week',
      period: 1,
      recurrenceDowMaskList: [weekdayOf(first)],
      seriesStartDate: first,
      endByDate: plusDays(first, 21),
      noEndDate: false,
      exclusionDateList: [],
    });
    expect(stored.startDate).toBe(first);
    expect(stored.startTime).toBe('10:00');
    expect(stored.endTime).toBe('10:45');
    // Autotask has no recurrence: it still gets one appointment per occurrence.
    await exactly('Native standup in Autotask', () => appointments('Native standup'), 4);
    // No occurrence copy in NetSuite: no occurrence link holds a NetSuite record.
    const { rows } = await stack.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM items WHERE kind = 'occurrence' AND link->'replicas' ? 'netsuite'"
    );
    expect(Number(rows[0]!.n)).toBe(0);

    stack.sandbox.graph.userSide.cancelOccurrence(mailbox(), series.id, plusDays(first, 7));
    await eventually('the cancelled date excluded in NetSuite', () =>
      nsEvents('Native standup')[0]?.recurrence?.exclusionDateList.includes(plusDays(first, 7)) ? true : undefined
    );
    await exactly('the cancelled occurrence gone from Autotask', () => appointments('Native standup'), 3);
    await settle();
    expect(nsEvents('Native standup')).toHaveLength(1);
    expect(nsEvents('Native standup')[0]!.recurrence?.exclusionDateList).toEqual([plusDays(first, 7)]);
    expect(outlookMasters('Native standup')).toHaveLength(1);
  }, 150_000);

  it('a recurring event made in NetSuite becomes one Outlook series; its title and time edits reach the series', async () => {
    const first = dateIn(10);
    const made = stack.sandbox.netsuite.userSide.createEvent(employeeId(), {
      title: 'Planning from NetSuite',
      date: first,
      startTime: '14:00',
      endTime: '15:00',
      recurrence: {
        frequency: 'week',
        period: 1,
        recurrenceDowMaskList: [weekdayOf(first)],
        seriesStartDate: first,
        endByDate: plusDays(first, 14),
      },
    });
    const [master] = await exactly('Outlook series from NetSuite', () => outlookMasters('Planning from NetSuite'), 1);
    const recurrence = master!.recurrence as { pattern: unknown; range: unknown };
    expect(recurrence.pattern).toMatchObject({ type: 'weekly', interval: 1, daysOfWeek: [weekdayOf(first)] });
    // It repeats in New York time, as NetSuite does (not in UTC, which daylight saving would shift).
    expect(recurrence.range).toMatchObject({
      type: 'endDate',
      startDate: first,
      endDate: plusDays(first, 14),
      recurrenceTimeZone: 'Eastern Standard Time',
    });
    expect(master!['originalStartTimeZone']).toBe('Eastern Standard Time');
    // 14:00–15:00 New York time (Graph answers in UTC here).
    expect(newYork(master!.start)).toBe(`${first}T14:00`);
    expect(newYork(master!.end)).toBe(`${first}T15:00`);
    // The series engine then gives Autotask its three occurrences, and NetSuite nothing more.
    await exactly('Planning from NetSuite in Autotask', () => appointments('Planning from NetSuite'), 3);
    await settle();
    expect(nsEvents('Planning from NetSuite')).toHaveLength(1);
    expect(outlookSingles('Planning from NetSuite')).toHaveLength(0);

    stack.sandbox.netsuite.userSide.editEvent(employeeId(), made.id, { title: 'Planning (renamed in NetSuite)' });
    await exactly('renamed Outlook series', () => outlookMasters('Planning (renamed in NetSuite)'), 1);
    expect(outlookMasters('Planning from NetSuite')).toHaveLength(0);
    expect(outlookMasters('Planning (renamed in NetSuite)')[0]!.id).toBe(master!.id);
    await exactly('renamed Autotask copies', () => appointments('Planning (renamed in NetSuite)'), 3);
    await settle();
    expect(nsEvents('Planning (renamed in NetSuite)')).toHaveLength(1);
    expect(nsEvents('Planning (renamed in NetSuite)')[0]!.recurrence?.frequency).toBe('week');

    // An hour later in NetSuite: the whole Outlook series moves, and Autotask's copies with it.
    stack.sandbox.netsuite.userSide.editEvent(employeeId(), made.id, { startTime: '15:00', endTime: '16:00' });
    await eventually('the Outlook series an hour later', () =>
      newYork(outlookMasters('Planning (renamed in NetSuite)')[0]!.start) === `${first}T15:00` ? true : undefined
    );
    const moved = outlookMasters('Planning (renamed in NetSuite)');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.id).toBe(master!.id);
    expect(newYork(moved[0]!.end)).toBe(`${first}T16:00`);
    expect((moved[0]!.recurrence as { range: unknown }).range).toMatchObject({ endDate: plusDays(first, 14) });
    await eventually('Autotask copies an hour later', () => {
      const starts = appointments('Planning (renamed in NetSuite)').map((a) => a.startDateTime.slice(11, 16));
      return starts.length === 3 && starts.every((s) => s === '20:00') ? true : undefined;
    });
    await settle();
    expect(nsEvents('Planning (renamed in NetSuite)')).toHaveLength(1);
    expect(nsEvents('Planning (renamed in NetSuite)')[0]!).toMatchObject({ startTime: '15:00', endTime: '16:00' });
    expect(outlookSingles('Planning (renamed in NetSuite)')).toHaveLength(0);
  }, 150_000);

  it('a series NetSuite cannot repeat the same way (another zone) falls back to single events', async () => {
    const first = dateIn(12);
    outlookWeekly('Fallback sync', first, 'UTC');
    const copies = await exactly('Fallback sync as single NetSuite events', () => nsEvents('Fallback sync'), 4);
    expect(copies.every((e) => e.recurrence === undefined)).toBe(true);
    expect(copies.map((e) => e.startDate).sort()).toEqual([0, 7, 14, 21].map((d) => plusDays(first, d)));
  }, 120_000);

  it("switching the RESTlet on replaces a series' single NetSuite events with one recurring event, and off again back", async () => {
    const setRestlet = (installed: boolean) =>
      new TenantStore(stack.db.pool, stack.box).update(stack.sandbox.tenantId, ({ tenant }) => ({
        connections: {
          ...tenant.connections,
          netsuite: { ...tenant.connections.netsuite!, recurrenceRestletInstalled: installed },
        },
      }));
    const first = dateIn(14);
    const dates = [0, 7, 14, 21].map((d) => plusDays(first, d));
    await setRestlet(false);
    try {
      outlookWeekly('Switch review', first);
      const singles = await exactly('Switch review as single NetSuite events', () => nsEvents('Switch review'), 4);
      expect(singles.every((e) => e.recurrence === undefined)).toBe(true);
      expect(singles.map((e) => e.startDate).sort()).toEqual(dates);

      await setRestlet(true);
      // The series' next run (its roll) writes the recurring event and deletes the single ones.
      const [native] = await exactly('Switch review as one NetSuite event', () => nsEvents('Switch review'), 1);
      expect(native!.recurrence).toMatchObject({ frequency: 'week', seriesStartDate: first, endByDate: dates[3] });
      expect(singles.map((e) => e.id)).not.toContain(native!.id);

      await setRestlet(false);
      const again = await exactly('Switch review as single NetSuite events again', () => nsEvents('Switch review'), 4);
      expect(again.every((e) => e.recurrence === undefined)).toBe(true);
      expect(again.map((e) => e.startDate).sort()).toEqual(dates);
      // Autotask's copies stood throughout.
      expect(appointments('Switch review')).toHaveLength(4);
    } finally {
      await setRestlet(true);
    }
  }, 180_000);

  it('sync never made a provider email anyone', () => {
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
