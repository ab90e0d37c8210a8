import { expandDates } from '../../../src/emulators/graph/recurrence';
import type { PatternedRecurrence } from '../../../src/emulators/graph/model';

const rec = (
  pattern: Partial<PatternedRecurrence['pattern']>,
  range: Partial<PatternedRecurrence['range']>
): PatternedRecurrence => ({
  pattern: {
    type: 'daily',
    interval: 1,
    month: 0,
    dayOfMonth: 0,
    daysOfWeek: [],
    firstDayOfWeek: 'sunday',
    index: 'first',
    ...pattern,
  },
  range: {
    type: 'noEnd',
    startDate: '2026-01-01',
    endDate: '0001-01-01',
    recurrenceTimeZone: 'UTC',
    numberOfOccurrences: 0,
    ...range,
  },
});

describe('Graph recurrence expansion in the emulator', () => {
  it('counts a numbered daily series from its start date', () => {
    expect(expandDates(rec({ interval: 2 }, { type: 'numbered', numberOfOccurrences: 3 }), '2026-12-31')).toEqual([
      '2026-01-01',
      '2026-01-03',
      '2026-01-05',
    ]);
  });

  it('includes the end date of an endDate range', () => {
    expect(expandDates(rec({}, { type: 'endDate', endDate: '2026-01-03' }), '2026-12-31')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ]);
  });

  it('counts weeks from firstDayOfWeek for bi-weekly series', () => {
    // 2026-01-01 is a Thursday; the week (Sunday-based) holds Thu/Fri of week 0, then week 2.
    const dates = expandDates(
      rec(
        { type: 'weekly', interval: 2, daysOfWeek: ['monday', 'friday'], firstDayOfWeek: 'sunday' },
        { type: 'numbered', numberOfOccurrences: 4 }
      ),
      '2026-12-31'
    );
    expect(dates).toEqual(['2026-01-02', '2026-01-12', '2026-01-16', '2026-01-26']);
  });

  it('puts "day 31" on the last day of shorter months, as Outlook does', () => {
    const dates = expandDates(
      rec(
        { type: 'absoluteMonthly', dayOfMonth: 31 },
        { startDate: '2026-01-31', type: 'numbered', numberOfOccurrences: 3 }
      ),
      '2026-12-31'
    );
    expect(dates).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
  });

  it('finds the last Friday of each month', () => {
    const dates = expandDates(
      rec(
        { type: 'relativeMonthly', daysOfWeek: ['friday'], index: 'last' },
        { type: 'numbered', numberOfOccurrences: 3 }
      ),
      '2026-12-31'
    );
    expect(dates).toEqual(['2026-01-30', '2026-02-27', '2026-03-27']);
  });

  it('takes the first matching day when a relative pattern lists several days', () => {
    // First weekday of the month: Feb 2026 starts on a Sunday, so Monday the 2nd.
    const dates = expandDates(
      rec(
        {
          type: 'relativeMonthly',
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          index: 'first',
        },
        { startDate: '2026-02-01', type: 'numbered', numberOfOccurrences: 2 }
      ),
      '2026-12-31'
    );
    expect(dates).toEqual(['2026-02-02', '2026-03-02']);
  });

  it('expands yearly patterns, absolute and relative', () => {
    expect(
      expandDates(
        rec(
          { type: 'absoluteYearly', month: 2, dayOfMonth: 29 },
          { startDate: '2024-02-29', type: 'numbered', numberOfOccurrences: 2 }
        ),
        '2030-01-01'
      )
    ).toEqual(['2024-02-29', '2025-02-28']);
    expect(
      expandDates(
        rec(
          { type: 'relativeYearly', month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
          { startDate: '2026-01-01', type: 'numbered', numberOfOccurrences: 2 }
        ),
        '2030-01-01'
      )
    ).toEqual(['2026-11-26', '2027-11-25']);
  });

  it('stops a noEnd series at the requested date', () => {
    expect(expandDates(rec({ type: 'weekly', daysOfWeek: ['thursday'] }, {}), '2026-01-20')).toEqual([
      '2026-01-01',
      '2026-01-08',
      '2026-01-15',
    ]);
  });
});
