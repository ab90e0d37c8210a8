import { DateTime } from 'luxon';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { stopLeftovers } from './support/leftovers';

/**
 * Single-occurrence edits coming back (DESIGN.md §2: "update/delete of a single occurrence both
 * ways"): an Outlook series lives in NetSuite (through REST, as expanded events) and in Autotask
 * (which has no recurrence) as one record per occurrence. Editing one of those records there
 * reaches Outlook as an exception of exactly that occurrence, and from there the other side's
 * copy; nothing is duplicated and the other occurrences stay as they were.
 */
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const weekdayOf = (date: string) =>
  (['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const)[
    new Date(`${date}T00:00:00Z`).getUTCDay()
  ]!;

describe('occurrence edits from NetSuite and Autotask back to the Outlook series', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    // Series children roll rarely here: what brings a copy's edit back is the hint, not the roll.
    const settings = {
      pollIntervalMs: 500,
      tenantPollIntervalMs: 500,
      seriesRollIntervalMs: 600_000,
      // Deleted copies are only found by the pollers' id-set scan.
      deletionScanIntervalMs: 1_000,
    };
    await stack.startUserSync(settings);
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  type Appointment = { id: number; title: string; startDateTime: string };
  const appointments = (prefix: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as Appointment[]).filter((a) => a.title.startsWith(prefix));
  const nsEvents = (prefix: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith(prefix));
  /** The series' occurrences in Outlook as "date subject", cancelled ones left out. */
  const outlookOccurrences = (seriesId: string) =>
    stack.sandbox.graph.userSide
      .calendarView(mailbox(), `${dateIn(0)}T00:00:00Z`, `${dateIn(60)}T00:00:00Z`)
      .filter((e) => e.seriesMasterId === seriesId && !e.isCancelled)
      .map((e) => `${e.start.dateTime.slice(0, 10)} ${e.subject}`)
      .sort();
  const ns = (e: { startDate: string; title: string }) => `${e.startDate} ${e.title}`;
  const at = (a: Appointment) => `${a.startDateTime.slice(0, 10)} ${a.title}`;
  const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

  /** A weekly series of four at 09:00 UTC, synced everywhere. */
  const syncedSeries = async (subject: string, firstInDays: number) => {
    const first = dateIn(firstInDays);
    const series = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject,
      start: `${first}T09:00:00`,
      end: `${first}T09:30:00`,
      timeZone: 'UTC',
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekdayOf(first)] },
        range: { type: 'numbered', startDate: first, numberOfOccurrences: 4 },
      },
    });
    const dates = [0, 7, 14, 21].map((d) => dateIn(firstInDays + d));
    await eventually(`${subject}: 4 copies in NetSuite and Autotask`, () =>
      nsEvents(subject).length === 4 && appointments(subject).length === 4 ? true : undefined
    );
    return { series, dates };
  };
  /** Every side shows exactly `expected` ("date title"). */
  const everywhere = (what: string, seriesId: string, prefix: string, expected: string[]) =>
    eventually(
      what,
      () =>
        same(outlookOccurrences(seriesId), expected) &&
        same(nsEvents(prefix).map(ns), expected) &&
        same(appointments(prefix).map(at), expected)
          ? true
          : undefined,
      60_000
    );

  it('an occurrence renamed in NetSuite becomes an exception in Outlook, and Autotask follows', async () => {
    const { series, dates } = await syncedSeries('Ops review', 8);
    const copy = nsEvents('Ops review').find((e) => e.startDate === dates[1])!;
    stack.sandbox.netsuite.userSide.editEvent(stack.sandbox.info.netsuite.employeeId, copy.id, {
      title: 'Ops review (with finance)',
    });
    const expected = dates.map((d, i) => `${d} ${i === 1 ? 'Ops review (with finance)' : 'Ops review'}`);
    await everywhere('the renamed occurrence on every side', series.id, 'Ops review', expected);
    // An exception of that one occurrence; the series itself is untouched.
    expect(stack.sandbox.graph.userSide.getEvent(mailbox(), series.id)?.subject).toBe('Ops review');
    // It stays that way: once settled, no side is written again (no ping-pong between the sides).
    await new Promise((r) => setTimeout(r, 3_000));
    const writes = () => ({
      autotask: stack.sandbox.autotask.requestLog.count({ action: 'update' }),
      netsuite: stack.sandbox.netsuite.requestLog.filter((r) => r.method === 'PATCH').length,
      outlook: stack.sandbox.graph.requestLog.filter((r) => r.method === 'PATCH').length,
    });
    const settled = writes();
    await new Promise((r) => setTimeout(r, 5_000));
    expect(writes()).toEqual(settled);
    await everywhere('still the same', series.id, 'Ops review', expected);
  }, 120_000);

  it('an occurrence moved in Autotask becomes an exception in Outlook, and NetSuite follows', async () => {
    const { series, dates } = await syncedSeries('Site visit', 10);
    const copy = appointments('Site visit').find((a) => a.startDateTime.startsWith(dates[2]!))!;
    stack.sandbox.autotask.userSide.updateAppointment(copy.id, {
      title: 'Site visit (bring ladder)',
      startDateTime: `${dates[2]}T11:00:00Z`,
      endDateTime: `${dates[2]}T11:30:00Z`,
    });
    const expected = dates.map((d, i) => `${d} ${i === 2 ? 'Site visit (bring ladder)' : 'Site visit'}`);
    await everywhere('the moved occurrence on every side', series.id, 'Site visit', expected);
    const moved = stack.sandbox.graph.userSide
      .calendarView(mailbox(), `${dates[2]}T00:00:00Z`, `${dates[2]}T23:59:00Z`)
      .find((e) => e.seriesMasterId === series.id);
    expect(moved?.type).toBe('exception');
    expect(Date.parse(`${moved!.start.dateTime}Z`)).toBe(Date.parse(`${dates[2]}T11:00:00Z`));
    // NetSuite keeps wall clock and zone: the same instant, 11:00 UTC.
    const nsCopy = nsEvents('Site visit (bring ladder)')[0]!;
    const nsStart = DateTime.fromISO(`${nsCopy.startDate}T${nsCopy.startTime}`, { zone: nsCopy.timezone || 'UTC' });
    expect(nsStart.toUTC().toISO()).toBe(`${dates[2]}T11:00:00.000Z`);
  }, 120_000);

  it('an occurrence deleted in Autotask is cancelled in Outlook, and its NetSuite copy goes', async () => {
    const { series, dates } = await syncedSeries('Stand-up', 12);
    const copy = appointments('Stand-up').find((a) => a.startDateTime.startsWith(dates[3]!))!;
    stack.sandbox.autotask.userSide.deleteAppointment(copy.id);
    const expected = dates.slice(0, 3).map((d) => `${d} Stand-up`);
    await everywhere('three occurrences left on every side', series.id, 'Stand-up', expected);
    const cancelled = stack.sandbox.graph.userSide
      .calendarView(mailbox(), `${dates[3]}T00:00:00Z`, `${dates[3]}T23:59:00Z`)
      .filter((e) => e.seriesMasterId === series.id && !e.isCancelled);
    expect(cancelled).toEqual([]);
  }, 120_000);

  it('sync never made a provider email anyone', () => {
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
