import { type GraphPatternedRecurrence, GRAPH_DAYS } from '../../../src/domain/recurrence';

/**
 * A day-by-day reading of Graph's documented recurrence semantics, written without RRULE (and
 * without the code under test), so that expansion is checked against an independent model.
 */

const DAY = 86_400_000;

const toMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const toDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const weekday = (ms: number): number => new Date(ms).getUTCDay();
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Whether `ms` is the index-th (or last) day of its month whose weekday is among `days`. */
function nthMatchingDay(ms: number, days: readonly string[], index: string): boolean {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const matches: number[] = [];
  for (let day = 1; day <= daysInMonth(y, m); day++) {
    if (days.includes(GRAPH_DAYS[new Date(Date.UTC(y, m - 1, day)).getUTCDay()]!)) matches.push(day);
  }
  const pick =
    index === 'last' ? matches[matches.length - 1] : matches[['first', 'second', 'third', 'fourth'].indexOf(index)];
  return pick === d.getUTCDate();
}

function matches(rec: GraphPatternedRecurrence, ms: number): boolean {
  const p = rec.pattern;
  const startMs = toMs(rec.range.startDate);
  const s = new Date(startMs);
  const c = new Date(ms);
  const yearsApart = c.getUTCFullYear() - s.getUTCFullYear();
  const monthsApart = yearsApart * 12 + (c.getUTCMonth() - s.getUTCMonth());
  const dayOfMonth = c.getUTCDate();
  const lastDay = daysInMonth(c.getUTCFullYear(), c.getUTCMonth() + 1);
  switch (p.type) {
    case 'daily':
      return Math.round((ms - startMs) / DAY) % p.interval === 0;
    case 'weekly': {
      const fdw = GRAPH_DAYS.indexOf(p.firstDayOfWeek);
      const weekStart = (t: number) => t - ((weekday(t) - fdw + 7) % 7) * DAY;
      const weeks = Math.round((weekStart(ms) - weekStart(startMs)) / (7 * DAY));
      return weeks % p.interval === 0 && p.daysOfWeek.includes(GRAPH_DAYS[weekday(ms)]!);
    }
    case 'absoluteMonthly':
      return monthsApart % p.interval === 0 && dayOfMonth === Math.min(p.dayOfMonth, lastDay);
    case 'relativeMonthly':
      return monthsApart % p.interval === 0 && nthMatchingDay(ms, p.daysOfWeek, p.index);
    case 'absoluteYearly':
      return (
        yearsApart % p.interval === 0 &&
        c.getUTCMonth() + 1 === p.month &&
        dayOfMonth === Math.min(p.dayOfMonth, lastDay)
      );
    case 'relativeYearly':
      return (
        yearsApart % p.interval === 0 && c.getUTCMonth() + 1 === p.month && nthMatchingDay(ms, p.daysOfWeek, p.index)
      );
  }
}

/** The occurrence dates of a Graph recurrence from its start date up to `until` (inclusive). */
export function graphOccurrenceDates(rec: GraphPatternedRecurrence, until: string): string[] {
  const out: string[] = [];
  const last = rec.range.type === 'endDate' && rec.range.endDate < until ? rec.range.endDate : until;
  for (let ms = toMs(rec.range.startDate); ms <= toMs(last); ms += DAY) {
    if (!matches(rec, ms)) continue;
    out.push(toDate(ms));
    if (rec.range.type === 'numbered' && out.length >= rec.range.numberOfOccurrences) break;
  }
  return out;
}
