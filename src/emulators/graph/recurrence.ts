import { DateTime } from 'luxon';
import type { DayOfWeek, PatternedRecurrence, WeekIndex } from './model';

/**
 * Expands a Graph patternedRecurrence into occurrence dates, straight from Graph's own semantics
 * (not through RRULE, so that it checks the client's RRULE mapping independently):
 * the range startDate is the first candidate, endDate is inclusive, numbered counts from the start,
 * "day 31" falls on the last day of shorter months (Outlook's rule), and several daysOfWeek on a
 * relative pattern mean the first day of the month that matches any of them.
 */

const dayNumbers: Record<DayOfWeek, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
};
const indexNumbers: Record<WeekIndex, number> = { first: 0, second: 1, third: 2, fourth: 3, last: -1 };
const maxCandidates = 50_000;

const weekday = (d: DateTime) => d.weekday % 7;

function relativeDay(year: number, month: number, days: DayOfWeek[], index: WeekIndex): DateTime | undefined {
  const first = DateTime.utc(year, month, 1);
  const wanted = new Set(days.map((d) => dayNumbers[d]));
  const matches: DateTime[] = [];
  for (let d = first; d.month === month; d = d.plus({ days: 1 })) if (wanted.has(weekday(d))) matches.push(d);
  const n = indexNumbers[index];
  return n === -1 ? matches[matches.length - 1] : matches[n];
}

function clampedDay(year: number, month: number, dayOfMonth: number): DateTime {
  const first = DateTime.utc(year, month, 1);
  return first.set({ day: Math.min(dayOfMonth, first.daysInMonth ?? 28) });
}

/** Candidate dates in order, unbounded (the caller stops). */
function* candidates(rec: PatternedRecurrence): Generator<DateTime> {
  const { pattern } = rec;
  const start = DateTime.fromISO(rec.range.startDate, { zone: 'UTC' });
  const interval = Math.max(1, pattern.interval);
  switch (pattern.type) {
    case 'daily':
      for (let k = 0; ; k += interval) yield start.plus({ days: k });
    case 'weekly': {
      const firstDay = dayNumbers[pattern.firstDayOfWeek];
      const weekStart = start.minus({ days: (weekday(start) - firstDay + 7) % 7 });
      const offsets = [...new Set(pattern.daysOfWeek.map((d) => (dayNumbers[d] - firstDay + 7) % 7))].sort(
        (a, b) => a - b
      );
      if (offsets.length === 0) return;
      for (let w = 0; ; w += interval) for (const o of offsets) yield weekStart.plus({ days: w * 7 + o });
    }
    case 'absoluteMonthly':
      for (let k = 0; ; k += interval) {
        const m = start.plus({ months: k });
        yield clampedDay(m.year, m.month, pattern.dayOfMonth);
      }
    case 'relativeMonthly':
      for (let k = 0; ; k += interval) {
        const m = start.plus({ months: k });
        const d = relativeDay(m.year, m.month, pattern.daysOfWeek, pattern.index);
        if (d) yield d;
      }
    case 'absoluteYearly':
      for (let k = 0; ; k += interval) yield clampedDay(start.year + k, pattern.month, pattern.dayOfMonth);
    case 'relativeYearly':
      for (let k = 0; ; k += interval) {
        const d = relativeDay(start.year + k, pattern.month, pattern.daysOfWeek, pattern.index);
        if (d) yield d;
      }
  }
}

/** Occurrence dates (YYYY-MM-DD, in the series zone) up to and including `untilDate`. */
export function expandDates(rec: PatternedRecurrence, untilDate: string): string[] {
  const start = rec.range.startDate;
  const last = rec.range.type === 'endDate' && rec.range.endDate < untilDate ? rec.range.endDate : untilDate;
  const limit = rec.range.type === 'numbered' ? Math.max(0, rec.range.numberOfOccurrences) : Infinity;
  const out: string[] = [];
  let seen = 0;
  for (const candidate of candidates(rec)) {
    if (++seen > maxCandidates) break;
    const date = candidate.toISODate() ?? '';
    if (date < start) continue;
    if (date > last || out.length >= limit) break;
    out.push(date);
  }
  return out;
}

/** The last occurrence date of a bounded series, or undefined for noEnd. */
export function lastDate(rec: PatternedRecurrence): string | undefined {
  if (rec.range.type === 'noEnd') return undefined;
  if (rec.range.type === 'endDate') return expandDates(rec, rec.range.endDate).at(-1);
  return expandDates(rec, '9999-12-31').at(-1);
}
