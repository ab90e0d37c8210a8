import { DateTime } from 'luxon';

/**
 * A day `n` days from the day the test runs (YYYY-MM-DD, UTC). Tests that sync events use it
 * instead of fixed dates, which leave the 30-day past sync window as the calendar moves on.
 */
export function daysAhead(n: number): string {
  return DateTime.utc().plus({ days: n }).toISODate();
}

/** `day` at wall-clock `time` (HH:mm) without a zone, as Graph takes it beside a timeZone: spares each test the template. */
export function wallClock(day: string, time: string): string {
  return `${day}T${time}:00`;
}

/** `day` at `time` (HH:mm) UTC as an ISO instant, as Autotask takes it and as expectations compare it with Date.parse. */
export function utcInstant(day: string, time: string): string {
  return `${wallClock(day, time)}Z`;
}

/** The day after `day` (YYYY-MM-DD): the end day of an event that runs past midnight. */
export function dayAfter(day: string): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
}

/**
 * The first day at least `n` days ahead (as daysAhead) such that `zone` keeps one UTC offset from that
 * day's midnight to the midnight two days later: a wall-clock span from it into the next day then has
 * no DST gap or repeated hour, so the instants a test expects for it are unambiguous.
 */
export function daysAheadClearOfDst(n: number, zone: string): string {
  for (let d = n; ; d++) {
    const day = daysAhead(d);
    const midnight = DateTime.fromISO(day, { zone });
    if (midnight.offset === midnight.plus({ days: 2 }).offset) return day;
  }
}
