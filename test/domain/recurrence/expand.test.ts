import fc from 'fast-check';
import { RRule } from 'rrule';
import {
  allOccurrences,
  expandOccurrences,
  graphOccurrenceIdDate,
  graphRecurrenceToRrule,
  occurrenceOnDate,
  type SeriesAnchor,
  type SeriesDefinition,
} from '../../../src/domain/recurrence';
import { dateInZone } from '../../../src/domain/time-zones';
import { dateArb, graphRecurrenceArb, timeArb } from './arbitraries';

const HOUR = 3_600_000;
const year2026 = { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' };

function keys(series: SeriesDefinition, window = year2026): string[] {
  const r = expandOccurrences(series, window);
  if (!r.ok) throw new Error(r.error);
  return r.occurrences.map((o) => o.key);
}

function localDates(series: SeriesDefinition, window = year2026): string[] {
  return keys(series, window).map((k) => (series.anchor.allDay ? k : dateInZone(k, series.anchor.timeZone)));
}

const timed = (start: string, timeZone: string): SeriesAnchor => ({ start, timeZone, allDay: false });

describe('expansion: hand-checked vectors', () => {
  it('a weekly 09:00 Berlin meeting stays at 09:00 local across the March DST change', () => {
    const series = {
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3',
      anchor: timed('2026-03-23T09:00:00', 'Europe/Berlin'),
      duration: HOUR,
    };
    expect(keys(series)).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z']);
  });

  it('a daily 02:30 New York series moves to 03:30 on the spring-forward day and keeps the first 01:30 on fall-back', () => {
    const spring = {
      rrule: 'FREQ=DAILY;COUNT=3',
      anchor: timed('2026-03-07T02:30:00', 'America/New_York'),
      duration: HOUR,
    };
    expect(keys(spring)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    const fall = {
      rrule: 'FREQ=DAILY;COUNT=3',
      anchor: timed('2026-10-31T01:30:00', 'America/New_York'),
      duration: HOUR,
    };
    expect(keys(fall)).toEqual(['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('Graph’s yearly 29 February falls on 28 February in common years', () => {
    const series = {
      rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1',
      anchor: timed('2024-02-29T10:00:00', 'UTC'),
      duration: HOUR,
    };
    expect(localDates(series, { start: '2024-01-01T00:00:00Z', end: '2029-01-01T00:00:00Z' })).toEqual([
      '2024-02-29',
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
    ]);
  });

  it('a plain RFC 5545 yearly 29 February only occurs in leap years', () => {
    const series = {
      rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
      anchor: timed('2024-02-29T10:00:00', 'UTC'),
      duration: HOUR,
    };
    expect(localDates(series, { start: '2024-01-01T00:00:00Z', end: '2033-01-01T00:00:00Z' })).toEqual([
      '2024-02-29',
      '2028-02-29',
      '2032-02-29',
    ]);
  });

  it('Graph’s monthly day 31 lands on the last day of each shorter month', () => {
    const series = {
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=5',
      anchor: timed('2024-01-31T09:00:00', 'Europe/Berlin'),
      duration: HOUR,
    };
    expect(localDates(series, { start: '2024-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' })).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
    ]);
  });

  it('last Friday of each month', () => {
    const series = {
      rrule: 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=6',
      anchor: timed('2026-01-01T15:00:00', 'America/New_York'),
      duration: HOUR,
    };
    expect(localDates(series)).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
      '2026-04-24',
      '2026-05-29',
      '2026-06-26',
    ]);
  });

  it('a fifth Monday only exists in some months', () => {
    const series = {
      rrule: 'FREQ=MONTHLY;BYDAY=5MO',
      anchor: timed('2026-01-01T09:00:00', 'Europe/London'),
      duration: HOUR,
    };
    expect(localDates(series)).toEqual(['2026-03-30', '2026-06-29', '2026-08-31', '2026-11-30']);
  });

  it('yearly relative rules: fourth Thursday of November, last Monday of May', () => {
    const window = { start: '2025-01-01T00:00:00Z', end: '2028-01-01T00:00:00Z' };
    const thanksgiving = {
      rrule: 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH',
      anchor: timed('2025-01-01T12:00:00', 'America/Chicago'),
      duration: HOUR,
    };
    expect(localDates(thanksgiving, window)).toEqual(['2025-11-27', '2026-11-26', '2027-11-25']);
    const memorial = {
      rrule: 'FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO',
      anchor: timed('2025-01-01T12:00:00', 'America/Chicago'),
      duration: HOUR,
    };
    expect(localDates(memorial, window)).toEqual(['2025-05-26', '2026-05-25', '2027-05-31']);
  });

  it('the first weekend day of each month (several days with BYSETPOS)', () => {
    const series = {
      rrule: 'FREQ=MONTHLY;BYDAY=SU,SA;BYSETPOS=1;COUNT=4',
      anchor: timed('2026-01-01T10:00:00', 'UTC'),
      duration: HOUR,
    };
    expect(localDates(series)).toEqual(['2026-01-03', '2026-02-01', '2026-03-01', '2026-04-04']);
  });

  it('the range start is the first occurrence’s date only when it matches: a Monday series begun on a Wednesday starts the next Monday', () => {
    const series = {
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=2',
      anchor: timed('2026-01-07T09:00:00', 'UTC'),
      duration: HOUR,
    };
    expect(localDates(series)).toEqual(['2026-01-12', '2026-01-19']);
  });

  it('Graph’s endDate is inclusive, even for an evening meeting far from UTC', () => {
    const rec = {
      pattern: {
        type: 'daily',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: [],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: { type: 'endDate', startDate: '2026-06-01', endDate: '2026-06-03', numberOfOccurrences: 0 },
    } as const;
    const anchor = timed('2026-06-01T23:30:00', 'Pacific/Auckland');
    const r = graphRecurrenceToRrule({ pattern: { ...rec.pattern, daysOfWeek: [] }, range: rec.range }, anchor);
    if (!r.ok) throw new Error(r.error);
    expect(
      localDates(
        { rrule: r.rrule, anchor: r.anchor, duration: HOUR },
        { start: '2026-05-01T00:00:00Z', end: '2026-07-01T00:00:00Z' }
      )
    ).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);
  });

  it('all-day series yield dates that never shift, whatever the zone', () => {
    const series = {
      rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=3',
      anchor: { start: '2026-03-27', timeZone: 'Pacific/Kiritimati', allDay: true },
      duration: 1,
    };
    const r = expandOccurrences(series, { start: '2026-03-01T00:00:00Z', end: '2026-05-01T00:00:00Z' });
    expect(r.ok && r.occurrences.map((o) => o.timing)).toEqual([
      { allDay: true, startDate: '2026-03-27', endDate: '2026-03-28', timeZone: 'Pacific/Kiritimati' },
      { allDay: true, startDate: '2026-04-03', endDate: '2026-04-04', timeZone: 'Pacific/Kiritimati' },
      { allDay: true, startDate: '2026-04-10', endDate: '2026-04-11', timeZone: 'Pacific/Kiritimati' },
    ]);
  });

  it('removes cancelled occurrences keyed by their original start, in any instant spelling', () => {
    const series = {
      rrule: 'FREQ=DAILY;COUNT=3',
      anchor: timed('2026-02-01T09:00:00', 'Europe/Berlin'),
      duration: HOUR,
      exdates: ['2026-02-02T09:00:00+01:00'],
    };
    expect(keys(series)).toEqual(['2026-02-01T08:00:00.000Z', '2026-02-03T08:00:00.000Z']);
  });

  it('returns only occurrences overlapping the window (end exclusive), including one that started before it', () => {
    const series = { rrule: 'FREQ=DAILY', anchor: timed('2026-02-01T23:00:00', 'UTC'), duration: 2 * HOUR };
    expect(keys(series, { start: '2026-02-03T00:30:00Z', end: '2026-02-03T23:00:00Z' })).toEqual([
      '2026-02-02T23:00:00.000Z',
    ]);
  });

  it('finds the occurrence behind a Graph cancelled-occurrence id', () => {
    const series = { rrule: 'FREQ=DAILY', anchor: timed('2020-04-23T11:30:00', 'UTC'), duration: HOUR / 2 };
    const date = graphOccurrenceIdDate('OID.AAMkADAGAADDdm4NAAA=.2020-04-30');
    expect(date).toBe('2020-04-30');
    expect(occurrenceOnDate(series, date!)?.key).toBe('2020-04-30T11:30:00.000Z');
    expect(occurrenceOnDate({ ...series, rrule: 'FREQ=WEEKLY;BYDAY=MO' }, '2020-04-30')).toBeUndefined();
  });

  it('lists every occurrence of a finite series and refuses an endless one', () => {
    const series = {
      rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20260217T235959Z',
      anchor: timed('2026-02-03T10:00:00', 'UTC'),
      duration: HOUR,
    };
    const all = allOccurrences(series);
    expect(all.ok && all.occurrences.length).toBe(3);
    expect(allOccurrences({ ...series, rrule: 'FREQ=WEEKLY' }).ok).toBe(false);
  });

  it('reports a broken rule instead of throwing', () => {
    expect(
      expandOccurrences(
        { rrule: 'FREQ=SOMETIMES', anchor: timed('2026-01-01T10:00:00', 'UTC'), duration: HOUR },
        year2026
      ).ok
    ).toBe(false);
  });
});

describe('expansion agrees with rrule in UTC', () => {
  it('for any Graph-shaped rule, anchored at any time in UTC', () => {
    fc.assert(
      fc.property(graphRecurrenceArb, timeArb, dateArb, (rec, time, windowStart) => {
        const anchor = timed(`${rec.range.startDate}T${time}`, 'UTC');
        const r = graphRecurrenceToRrule(rec, anchor);
        if (!r.ok) throw new Error(r.error);
        const window = {
          start: `${windowStart}T00:00:00.000Z`,
          end: new Date(Date.parse(`${windowStart}T00:00:00Z`) + 400 * 24 * HOUR).toISOString(),
        };
        const ours = keys({ rrule: r.rrule, anchor: r.anchor, duration: 0 }, window);
        const reference = new RRule({
          ...RRule.parseString(r.rrule),
          dtstart: new Date(`${rec.range.startDate}T${time}Z`),
        })
          .between(new Date(window.start), new Date(window.end), true)
          .filter((d) => d.getTime() < Date.parse(window.end))
          .map((d) => d.toISOString());
        expect(ours).toEqual(reference);
      }),
      { numRuns: 200 }
    );
  });
});
