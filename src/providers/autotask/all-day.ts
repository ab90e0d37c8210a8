import { DateTime } from 'luxon';

/**
 * An all-day Outlook event blocks whole days in Autotask, which only knows instants: the days are
 * turned into the user's local midnights. Across a DST change a "day" is then 23 or 25 hours,
 * which is what the user sees in their calendar.
 */
export function allDayToInstants(startDate: string, endDateExclusive: string, timeZone: string) {
  return { start: localMidnightUtc(startDate, timeZone), end: localMidnightUtc(endDateExclusive, timeZone) };
}

function localMidnightUtc(date: string, timeZone: string): string {
  const local = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  if (!local.isValid) throw new Error(`cannot place ${date} in ${timeZone}: ${local.invalidExplanation ?? ''}`);
  return local.toUTC().toISO({ suppressMilliseconds: false }) ?? '';
}

/** The day range an appointment covers when it runs from one local midnight to a later one, else undefined. */
export function instantsToAllDay(
  start: string,
  end: string,
  timeZone: string
): { startDate: string; endDate: string } | undefined {
  const from = DateTime.fromISO(start, { zone: 'utc' }).setZone(timeZone);
  const to = DateTime.fromISO(end, { zone: 'utc' }).setZone(timeZone);
  if (!from.isValid || !to.isValid || to <= from) return undefined;
  if (!from.equals(from.startOf('day')) || !to.equals(to.startOf('day'))) return undefined;
  return { startDate: from.toISODate() ?? '', endDate: to.toISODate() ?? '' };
}
