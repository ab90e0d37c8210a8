import fc from 'fast-check';
import {
  expandOccurrences,
  graphPatternedRecurrenceSchema,
  graphRecurrenceToRrule,
  graphSeriesAnchor,
  normalizeGraphRecurrence,
  rruleToGraphRecurrence,
  type SeriesAnchor,
} from '../../../src/domain/recurrence';
import { addDays } from '../../../src/domain/all-day';
import { dateInZone, wallClockToUtc } from '../../../src/domain/time-zones';
import { graphRecurrenceArb, timeArb, ZONES } from './arbitraries';
import { graphOccurrenceDates } from './graph-semantics-oracle';

const berlin9: SeriesAnchor = { start: '2026-01-05T09:00:00', timeZone: 'Europe/Berlin', allDay: false };

function rruleOf(input: unknown, anchor: SeriesAnchor = berlin9): string {
  const r = graphRecurrenceToRrule(graphPatternedRecurrenceSchema.parse(input), anchor);
  if (!r.ok) throw new Error(r.error);
  return r.rrule;
}

describe('Graph patternedRecurrence → RRULE', () => {
  it.each([
    ['daily every 2 days', { type: 'daily', interval: 2 }, 'FREQ=DAILY;INTERVAL=2'],
    [
      'weekly on several days keeps Graph’s Sunday week start',
      { type: 'weekly', interval: 2, daysOfWeek: ['Wednesday', 'Monday'] },
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU',
    ],
    [
      'weekly with firstDayOfWeek monday',
      { type: 'weekly', interval: 1, daysOfWeek: ['friday'], firstDayOfWeek: 'monday' },
      'FREQ=WEEKLY;BYDAY=FR;WKST=MO',
    ],
    [
      'absoluteMonthly on the 15th',
      { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 },
      'FREQ=MONTHLY;BYMONTHDAY=15',
    ],
    [
      'absoluteMonthly on the 31st falls on the last day of shorter months',
      { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
      'FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1',
    ],
    [
      'relativeMonthly last Friday',
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
      'FREQ=MONTHLY;BYDAY=-1FR',
    ],
    [
      'relativeMonthly first weekend day (several days = first that matches)',
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['saturday', 'sunday'], index: 'first' },
      'FREQ=MONTHLY;BYDAY=SU,SA;BYSETPOS=1',
    ],
    [
      'absoluteYearly on 29 February',
      { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
      'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1',
    ],
    [
      'relativeYearly fourth Thursday of November',
      { type: 'relativeYearly', interval: 1, month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
      'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH',
    ],
  ])('%s', (_name, pattern, expected) => {
    expect(rruleOf({ pattern, range: { type: 'noEnd', startDate: '2026-01-05' } })).toBe(expected);
  });

  it('numbered range becomes COUNT; endDate becomes UNTIL at the end of that local day', () => {
    const pattern = { type: 'daily', interval: 1 };
    expect(rruleOf({ pattern, range: { type: 'numbered', startDate: '2026-01-05', numberOfOccurrences: 10 } })).toBe(
      'FREQ=DAILY;COUNT=10'
    );
    expect(rruleOf({ pattern, range: { type: 'endDate', startDate: '2026-01-05', endDate: '2026-07-31' } })).toBe(
      'FREQ=DAILY;UNTIL=20260731T215959Z'
    );
    const allDay: SeriesAnchor = { start: '2026-01-05', timeZone: 'Europe/Berlin', allDay: true };
    expect(
      rruleOf({ pattern, range: { type: 'endDate', startDate: '2026-01-05', endDate: '2026-07-31' } }, allDay)
    ).toBe('FREQ=DAILY;UNTIL=20260731');
  });

  it('reports incomplete patterns instead of inventing values', () => {
    const r = graphRecurrenceToRrule(
      graphPatternedRecurrenceSchema.parse({
        pattern: { type: 'weekly', interval: 1 },
        range: { type: 'noEnd', startDate: '2026-01-05' },
      }),
      berlin9
    );
    expect(r.ok).toBe(false);
  });

  it('rejects enum values Graph would reject', () => {
    expect(
      graphPatternedRecurrenceSchema.safeParse({
        pattern: { type: 'fortnightly', interval: 1 },
        range: { type: 'noEnd', startDate: '2026-01-05' },
      }).success
    ).toBe(false);
  });
});

describe('RRULE → Graph patternedRecurrence', () => {
  it('reports rules Graph cannot express, so the caller expands them', () => {
    for (const body of [
      'FREQ=MONTHLY;BYDAY=5MO',
      'FREQ=MONTHLY;BYMONTHDAY=1,15',
      'FREQ=DAILY;BYHOUR=9,17',
      'FREQ=YEARLY;BYDAY=1MO',
      'FREQ=MONTHLY;BYMONTHDAY=31',
      'FREQ=HOURLY',
    ]) {
      const r = rruleToGraphRecurrence(body, berlin9);
      expect(r).toMatchObject({ ok: false, notRepresentable: true });
    }
  });

  it('reads a daily rule filtered to weekdays as Graph’s weekly pattern', () => {
    const r = rruleToGraphRecurrence('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', berlin9);
    expect(r.ok && r.recurrence.pattern).toMatchObject({
      type: 'weekly',
      interval: 1,
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    });
  });

  it('reads "last day of the month" (BYMONTHDAY=-1) as Graph’s day 31', () => {
    const r = rruleToGraphRecurrence('FREQ=MONTHLY;BYMONTHDAY=-1', berlin9);
    expect(r.ok && r.recurrence.pattern).toMatchObject({ type: 'absoluteMonthly', dayOfMonth: 31 });
  });

  it('ends on the previous day when UNTIL falls before the day’s occurrence time', () => {
    // 09:00 Berlin is 08:00Z in winter; UNTIL at 07:00Z on 31 March excludes that day's occurrence.
    const r = rruleToGraphRecurrence('FREQ=DAILY;UNTIL=20260131T070000Z', berlin9);
    expect(r.ok && r.recurrence.range).toMatchObject({ type: 'endDate', endDate: '2026-01-30' });
  });

  it('Graph → RRULE → Graph is the identity on every representable recurrence', () => {
    fc.assert(
      fc.property(graphRecurrenceArb, fc.constantFrom(...ZONES), timeArb, (rec, zone, time) => {
        const anchor: SeriesAnchor = { start: `${rec.range.startDate}T${time}`, timeZone: zone, allDay: false };
        const there = graphRecurrenceToRrule(rec, anchor);
        expect(there.ok).toBe(true);
        if (!there.ok) return;
        const back = rruleToGraphRecurrence(there.rrule, there.anchor);
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(normalizeGraphRecurrence(back.recurrence)).toEqual(normalizeGraphRecurrence(rec));
      }),
      { numRuns: 400 }
    );
  });

  it('Graph → RRULE → Graph also holds for all-day series', () => {
    fc.assert(
      fc.property(graphRecurrenceArb, fc.constantFrom(...ZONES), (rec, zone) => {
        const anchor: SeriesAnchor = { start: rec.range.startDate, timeZone: zone, allDay: true };
        const there = graphRecurrenceToRrule(rec, anchor);
        const back = there.ok ? rruleToGraphRecurrence(there.rrule, there.anchor) : undefined;
        expect(back?.ok && normalizeGraphRecurrence(back.recurrence)).toEqual(normalizeGraphRecurrence(rec));
      }),
      { numRuns: 200 }
    );
  });
});

describe('expansion agrees with Graph’s semantics', () => {
  it('yields exactly the dates Graph’s documented rules give, in a DST zone', () => {
    fc.assert(
      fc.property(graphRecurrenceArb, fc.constantFrom(...ZONES), timeArb, (rec, zone, time) => {
        const anchor: SeriesAnchor = { start: `${rec.range.startDate}T${time}`, timeZone: zone, allDay: false };
        const r = graphRecurrenceToRrule(rec, anchor);
        if (!r.ok) throw new Error(r.error);
        const horizonYear = Number(rec.range.startDate.slice(0, 4)) + 2;
        const until = `${horizonYear}-01-01`;
        const expansion = expandOccurrences(
          { rrule: r.rrule, anchor: r.anchor, duration: 30 * 60_000 },
          // A day of slack on each side: local midnight is up to 14 hours away from UTC midnight.
          { start: `${addDays(rec.range.startDate, -1)}T00:00:00Z`, end: `${addDays(until, 1)}T00:00:00Z` }
        );
        expect(expansion.ok).toBe(true);
        if (!expansion.ok) return;
        const got = expansion.occurrences
          .map((o) => dateInZone(o.key, zone))
          .filter((d) => d >= rec.range.startDate && d < until);
        const expected = graphOccurrenceDates(rec, `${horizonYear - 1}-12-31`);
        expect(got).toEqual(expected);
        // Every occurrence sits at the series' local wall-clock time on its date, whatever DST does.
        for (const o of expansion.occurrences) {
          const wall = wallClockToUtc({ dateTime: `${dateInZone(o.key, zone)}T${time}`, timeZone: zone });
          expect(wall.ok && wall.instant).toBe(o.key);
        }
      }),
      { numRuns: 100 }
    );
  });

  it('places the master on its anchor from a Graph payload read in UTC', () => {
    const recurrence = graphPatternedRecurrenceSchema.parse({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
      range: { type: 'noEnd', startDate: '2026-03-23', recurrenceTimeZone: 'W. Europe Standard Time' },
    });
    const { anchor, warning } = graphSeriesAnchor({
      start: { dateTime: '2026-03-23T08:00:00.0000000', timeZone: 'UTC' },
      isAllDay: false,
      originalStartTimeZone: 'W. Europe Standard Time',
      recurrence,
    });
    expect(warning).toBeUndefined();
    expect(anchor).toEqual({ start: '2026-03-23T09:00:00', timeZone: 'Europe/Berlin', allDay: false });
  });
});
