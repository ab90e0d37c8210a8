import { addDays } from '../all-day';
import { parseInstant, startOfDayInZone } from '../time-zones';
import { type SeriesAnchor } from './series-anchor';

/**
 * Providers end a series on an inclusive local date (Graph endDate, NetSuite endByDate); RFC 5545
 * ends it at an UNTIL instant, in UTC when the start has a zone. These two functions translate.
 */

/** UNTIL for an inclusive end date: the last second of that day in the series' zone. */
export function untilForEndDate(endDate: string, anchor: SeriesAnchor): string {
  if (anchor.allDay) return endDate.replaceAll('-', '');
  const lastSecond = Date.parse(startOfDayInZone(addDays(endDate, 1), anchor.timeZone)) - 1000;
  return new Date(lastSecond)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll('-', '')
    .replaceAll(':', '');
}

/** The inclusive local end date an UNTIL stands for, for a series with this anchor. */
export function endDateForUntil(until: string, anchor: SeriesAnchor): string {
  const date = `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  if (until.length === 8 || anchor.allDay) return date;
  const time = `${until.slice(9, 11)}:${until.slice(11, 13)}:${until.slice(13, 15)}`;
  const local = until.endsWith('Z')
    ? parseInstant(`${date}T${time}Z`).setZone(anchor.timeZone).toFormat("yyyy-LL-dd'T'HH:mm:ss")
    : `${date}T${time}`;
  // An occurrence later in the day than UNTIL is not part of the series.
  return anchor.start.slice(11) <= local.slice(11) ? local.slice(0, 10) : addDays(local.slice(0, 10), -1);
}
