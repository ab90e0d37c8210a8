import fc from 'fast-check';
import { DateTime } from 'luxon';

/** Graph recurrence patterns and ranges for the property tests (Graph's JSON, lower-case enums). */

const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const daySet = fc.uniqueArray(fc.constantFrom(...days), { minLength: 1, maxLength: 3 });
const index = fc.constantFrom('first', 'second', 'third', 'fourth', 'last');
const interval = (max: number) => fc.integer({ min: 1, max });

/** All six pattern types; yearly ones fall in `month` (the series' first month). */
export const graphPatternArb = (month: number) =>
  fc.oneof(
    fc.record({ type: fc.constant('daily'), interval: interval(4) }),
    fc.record({
      type: fc.constant('weekly'),
      interval: interval(3),
      daysOfWeek: daySet,
      firstDayOfWeek: fc.constantFrom('sunday', 'monday'),
    }),
    fc.record({
      type: fc.constant('absoluteMonthly'),
      interval: interval(2),
      dayOfMonth: fc.integer({ min: 1, max: 31 }),
    }),
    fc.record({ type: fc.constant('relativeMonthly'), interval: interval(2), daysOfWeek: daySet, index }),
    fc.record({
      type: fc.constant('absoluteYearly'),
      interval: fc.constant(1),
      month: fc.constant(month),
      dayOfMonth: fc.integer({ min: 1, max: 31 }),
    }),
    fc.record({
      type: fc.constant('relativeYearly'),
      interval: fc.constant(1),
      month: fc.constant(month),
      daysOfWeek: daySet,
      index,
    })
  );

/** All three range types, starting on `startDate`. */
export const graphRangeArb = (startDate: string) =>
  fc.oneof(
    fc.constant({ type: 'noEnd', startDate }),
    fc.integer({ min: 1, max: 40 }).map((n) => ({ type: 'numbered', startDate, numberOfOccurrences: n })),
    fc.integer({ min: 0, max: 400 }).map((d) => ({
      type: 'endDate',
      startDate,
      endDate: DateTime.fromISO(startDate).plus({ days: d }).toISODate() ?? startDate,
    }))
  );
