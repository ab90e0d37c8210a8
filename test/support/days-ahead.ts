import { DateTime } from 'luxon';

/**
 * A day `n` days from the day the test runs (YYYY-MM-DD, UTC). Tests that sync events use it
 * instead of fixed dates, which leave the 30-day past sync window as the calendar moves on.
 */
export function daysAhead(n: number): string {
  return DateTime.utc().plus({ days: n }).toISODate();
}
