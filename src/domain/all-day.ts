import { DateTime } from 'luxon';
import { type WallClock, startOfDayInZone } from './time-zones';

/**
 * All-day events are floating date ranges: the same calendar days for every viewer.
 * They must never pass through an instant, or a zone difference moves them by a day.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Date arithmetic done in UTC, where every day has 24 hours, so no zone can shift it. */
function asUtcDate(date: string): DateTime {
  const m = ISO_DATE.exec(date);
  const dt = m ? DateTime.utc(Number(m[1]), Number(m[2]), Number(m[3])) : DateTime.invalid('not an ISO date');
  if (!dt.isValid || dt.toFormat('yyyy-LL-dd') !== date) throw new RangeError(`not an ISO date: "${date}"`);
  return dt;
}

export function isIsoDate(value: string): boolean {
  try {
    asUtcDate(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: string, days: number): string {
  return asUtcDate(date).plus({ days }).toFormat('yyyy-LL-dd');
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(asUtcDate(to).diff(asUtcDate(from), 'days').days);
}

/** Day of week of a date, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return asUtcDate(date).weekday % 7;
}

export interface DateRange {
  /** First day, inclusive. */
  readonly startDate: string;
  /** Day after the last day, exclusive. */
  readonly endDate: string;
}

export type DateRangeResult =
  { readonly ok: true; readonly range: DateRange } | { readonly ok: false; readonly error: string };

/**
 * Reads Graph's all-day start/end (midnights in one zone, end exclusive) as dates. Only the date
 * part is used: Graph keeps the midnights floating whatever `Prefer: outlook.timezone` says.
 */
export function graphAllDayToDates(start: WallClock, end: WallClock): DateRangeResult {
  const startDate = start.dateTime.slice(0, 10);
  let endDate = end.dateTime.slice(0, 10);
  if (!isIsoDate(startDate) || !isIsoDate(endDate)) {
    return { ok: false, error: `all-day bounds are not dates: ${start.dateTime} – ${end.dateTime}` };
  }
  // A zero-length all-day event is still one day on every calendar we sync with.
  if (daysBetween(startDate, endDate) <= 0) endDate = addDays(startDate, 1);
  return { ok: true, range: { startDate, endDate } };
}

/** Graph's all-day write form: midnight to midnight, both in the same zone. */
export function datesToGraphAllDay(range: DateRange, timeZone: string): { start: WallClock; end: WallClock } {
  return {
    start: { dateTime: `${range.startDate}T00:00:00.0000000`, timeZone },
    end: { dateTime: `${range.endDate}T00:00:00.0000000`, timeZone },
  };
}

/**
 * The instants an all-day range blocks in a given zone, e.g. the user's day in Autotask, which
 * only stores UTC instants. DST-aware: a day may last 23 or 25 hours.
 */
export function allDayToInstants(range: DateRange, zone: string): { start: string; end: string } {
  return { start: startOfDayInZone(range.startDate, zone), end: startOfDayInZone(range.endDate, zone) };
}

/** The inverse of `allDayToInstants`: the date range when the instants span whole days in `zone`. */
export function instantsToAllDay(start: string, end: string, zone: string): DateRange | undefined {
  const startDate = DateTime.fromISO(start, { zone }).toFormat('yyyy-LL-dd');
  const endDate = DateTime.fromISO(end, { zone }).toFormat('yyyy-LL-dd');
  if (!isIsoDate(startDate) || !isIsoDate(endDate) || daysBetween(startDate, endDate) <= 0) return undefined;
  const exact = allDayToInstants({ startDate, endDate }, zone);
  return Date.parse(exact.start) === Date.parse(start) && Date.parse(exact.end) === Date.parse(end)
    ? { startDate, endDate }
    : undefined;
}

/** Number of days in a range (at least one). */
export function rangeLength(range: DateRange): number {
  return Math.max(1, daysBetween(range.startDate, range.endDate));
}
