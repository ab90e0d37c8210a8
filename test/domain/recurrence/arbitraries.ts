import fc from 'fast-check';
import {
  GRAPH_DAYS,
  GRAPH_WEEK_INDEXES,
  type GraphPatternedRecurrence,
  graphPatternedRecurrenceSchema,
} from '../../../src/domain/recurrence';

export const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'] as const;

export const dateArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

export const timeArb = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);

const daysArb = fc.uniqueArray(fc.constantFrom(...GRAPH_DAYS), { minLength: 1, maxLength: 7 });
const fewDaysArb = fc.uniqueArray(fc.constantFrom(...GRAPH_DAYS), { minLength: 1, maxLength: 3 });
const monthDayArb = fc.integer({ min: 1, max: 12 }).chain((month) =>
  fc.record({
    month: fc.constant(month),
    dayOfMonth: fc.integer({ min: 1, max: [2].includes(month) ? 29 : [4, 6, 9, 11].includes(month) ? 30 : 31 }),
  })
);

const patternArb = fc.oneof(
  fc.record({ type: fc.constant('daily'), interval: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    type: fc.constant('weekly'),
    interval: fc.integer({ min: 1, max: 3 }),
    daysOfWeek: daysArb,
    firstDayOfWeek: fc.constantFrom(...GRAPH_DAYS),
  }),
  fc.record({
    type: fc.constant('absoluteMonthly'),
    interval: fc.integer({ min: 1, max: 3 }),
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeMonthly'),
    interval: fc.integer({ min: 1, max: 3 }),
    daysOfWeek: fewDaysArb,
    index: fc.constantFrom(...GRAPH_WEEK_INDEXES),
  }),
  monthDayArb.chain((md) =>
    fc.record({
      type: fc.constant('absoluteYearly'),
      interval: fc.integer({ min: 1, max: 2 }),
      month: fc.constant(md.month),
      dayOfMonth: fc.constant(md.dayOfMonth),
    })
  ),
  fc.record({
    type: fc.constant('relativeYearly'),
    interval: fc.integer({ min: 1, max: 2 }),
    month: fc.integer({ min: 1, max: 12 }),
    daysOfWeek: fewDaysArb,
    index: fc.constantFrom(...GRAPH_WEEK_INDEXES),
  })
);

const rangeArb = (startDate: string) =>
  fc.oneof(
    fc.constant({ type: 'noEnd', startDate }),
    fc.integer({ min: 0, max: 800 }).map((n) => ({
      type: 'endDate',
      startDate,
      endDate: new Date(Date.parse(`${startDate}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10),
    })),
    fc.integer({ min: 1, max: 30 }).map((n) => ({ type: 'numbered', startDate, numberOfOccurrences: n }))
  );

/** A Graph recurrence as Graph would send it (mixed-case enums included). */
export const graphRecurrenceArb: fc.Arbitrary<GraphPatternedRecurrence> = fc
  .tuple(patternArb, dateArb, fc.boolean())
  .chain(([pattern, startDate, upper]) =>
    rangeArb(startDate).map((range) => {
      // Graph's documentation spells enum values capitalised ("Monday"); the CSDL lowercase.
      const spell = (day: string) => (upper ? day[0]!.toUpperCase() + day.slice(1) : day);
      const days = 'daysOfWeek' in pattern ? { daysOfWeek: pattern.daysOfWeek.map(spell) } : {};
      const input = { pattern: { ...pattern, ...days }, range };
      return graphPatternedRecurrenceSchema.parse(input);
    })
  );
