import fc from 'fast-check';
import {
  expandOccurrences,
  graphRecurrenceToRrule,
  netSuiteRecurrenceSchema,
  netSuiteToRrule,
  rruleToNetSuite,
  type SeriesAnchor,
} from '../../../src/domain/recurrence';
import { graphRecurrenceArb, timeArb, ZONES } from './arbitraries';

const HOUR = 3_600_000;
const anchor: SeriesAnchor = { start: '2026-01-05T09:00:00', timeZone: 'America/Los_Angeles', allDay: false };

describe('RRULE → NetSuite recurrence fields', () => {
  it('maps a weekly rule to frequency/period/day mask and keeps the inclusive end date', () => {
    const r = rruleToNetSuite('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU;UNTIL=20260331T065959Z', anchor);
    expect(r).toEqual({
      ok: true,
      recurrence: {
        frequency: 'week',
        period: 2,
        recurrenceDowMaskList: ['monday', 'wednesday'],
        seriesStartDate: '2026-01-05',
        endByDate: '2026-03-30',
        noEndDate: false,
        exclusionDateList: [],
      },
    });
  });

  it('maps "second Tuesday" to recurrenceDow + recurrenceDowim and an endless series to noEndDate', () => {
    const r = rruleToNetSuite('FREQ=MONTHLY;BYDAY=2TU', anchor);
    expect(r.ok && r.recurrence).toMatchObject({
      frequency: 'month',
      recurrenceDow: 'tuesday',
      recurrenceDowim: 'second',
      seriesStartDate: '2026-01-13',
      noEndDate: true,
    });
  });

  it('turns a COUNT into the date of the last occurrence, since NetSuite has no count', () => {
    const r = rruleToNetSuite('FREQ=DAILY;INTERVAL=3;COUNT=4', anchor);
    expect(r.ok && r.recurrence).toMatchObject({ frequency: 'day', period: 3, endByDate: '2026-01-14' });
  });

  it('writes cancelled occurrences as local exclusion dates', () => {
    const r = rruleToNetSuite('FREQ=DAILY', anchor, { exdates: ['2026-01-07T17:00:00.000Z'] });
    expect(r.ok && r.recurrence.exclusionDateList).toEqual(['2026-01-07']);
  });

  it('reports patterns NetSuite has no fields for, so the caller writes single events instead', () => {
    for (const body of [
      'FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=1',
      'FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1',
      'FREQ=MONTHLY;BYDAY=5MO',
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=MO',
      'FREQ=DAILY;BYHOUR=9',
    ]) {
      expect(rruleToNetSuite(body, anchor)).toMatchObject({ ok: false, notRepresentable: true });
    }
  });
});

describe('NetSuite recurrence fields → RRULE', () => {
  it('accepts SOAP spellings and reads them back as a rule', () => {
    const ns = netSuiteRecurrenceSchema.parse({
      frequency: '_year',
      period: 1,
      recurrenceDow: '_thursday',
      recurrenceDowim: { id: 'FOURTH' },
      seriesStartDate: '2026-11-26',
      noEndDate: true,
    });
    const r = netSuiteToRrule(ns, { startTime: '12:00', timeZone: 'America/Chicago' });
    expect(r).toEqual({
      ok: true,
      rrule: 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH',
      anchor: { start: '2026-11-26T12:00:00', timeZone: 'America/Chicago', allDay: false },
      exdates: [],
    });
  });

  it('turns exclusion dates into occurrence keys', () => {
    const ns = netSuiteRecurrenceSchema.parse({
      frequency: 'day',
      seriesStartDate: '2026-03-07',
      endByDate: '2026-03-10',
      exclusionDateList: ['2026-03-08'],
    });
    const r = netSuiteToRrule(ns, { startTime: '02:30', timeZone: 'America/New_York' });
    expect(r.ok && r.exdates).toEqual(['2026-03-08T07:30:00.000Z']);
    const all = r.ok
      ? expandOccurrences(
          { rrule: r.rrule, anchor: r.anchor, duration: HOUR, exdates: r.exdates },
          { start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z' }
        )
      : undefined;
    expect(all?.ok && all.occurrences.length).toBe(3);
  });

  it('says a non-recurring event is not a series', () => {
    expect(
      netSuiteToRrule(netSuiteRecurrenceSchema.parse({ frequency: 'NONE', seriesStartDate: '2026-01-01' }), {
        timeZone: 'UTC',
      }).ok
    ).toBe(false);
  });
});

describe('RRULE → NetSuite → RRULE', () => {
  it('keeps the same occurrences wherever NetSuite can represent the rule', () => {
    let representable = 0;
    fc.assert(
      fc.property(graphRecurrenceArb, fc.constantFrom(...ZONES), timeArb, (rec, zone, time) => {
        const seriesAnchor: SeriesAnchor = { start: `${rec.range.startDate}T${time}`, timeZone: zone, allDay: false };
        const rule = graphRecurrenceToRrule(rec, seriesAnchor);
        if (!rule.ok) throw new Error(rule.error);
        const ns = rruleToNetSuite(rule.rrule, rule.anchor, { duration: HOUR });
        if (!ns.ok) return;
        representable++;
        const back = netSuiteToRrule(ns.recurrence, { startTime: time, timeZone: zone });
        if (!back.ok) throw new Error(back.error);
        const window = {
          start: `${rec.range.startDate}T00:00:00Z`,
          end: `${Number(rec.range.startDate.slice(0, 4)) + 3}-01-01T00:00:00Z`,
        };
        const before = expandOccurrences({ rrule: rule.rrule, anchor: rule.anchor, duration: HOUR }, window);
        const after = expandOccurrences({ rrule: back.rrule, anchor: back.anchor, duration: HOUR }, window);
        expect(after.ok && after.occurrences.map((o) => o.key)).toEqual(
          before.ok && before.occurrences.map((o) => o.key)
        );
      }),
      { numRuns: 150 }
    );
    // The generator must exercise the representable path, or this property proves nothing.
    expect(representable).toBeGreaterThan(40);
  });

  it('is the identity on the rule text for the rules NetSuite is native to', () => {
    for (const body of [
      'FREQ=WEEKLY;BYDAY=MO,FR;WKST=SU',
      'FREQ=MONTHLY;BYDAY=-1FR',
      'FREQ=DAILY;INTERVAL=2',
      'FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5',
    ]) {
      const ns = rruleToNetSuite(body, anchor);
      const back = ns.ok
        ? netSuiteToRrule(ns.recurrence, { startTime: '09:00:00', timeZone: anchor.timeZone })
        : undefined;
      expect(back?.ok && back.rrule).toBe(body);
    }
  });
});
