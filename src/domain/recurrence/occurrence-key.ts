import { isIsoDate } from '../all-day';
import { normalizeInstant } from '../time-zones';

/**
 * Occurrences are identified by their original start, in one spelling: a normalised UTC instant
 * for timed series, a date for all-day series. Every side's exception or cancellation is keyed
 * this way, so that "the 14:00 on 3 May" means the same occurrence in Outlook, NetSuite and Autotask.
 */
export function occurrenceKeyOf(originalStart: string, allDay: boolean): string {
  const trimmed = originalStart.trim();
  if (allDay) return trimmed.slice(0, 10);
  if (isIsoDate(trimmed)) return trimmed;
  return normalizeInstant(trimmed);
}

/**
 * The date inside a Graph occurrence id (`OID.{seriesMasterId}.2020-04-30`), as used in
 * `cancelledOccurrences`. The date is local to the series' zone.
 */
export function graphOccurrenceIdDate(occurrenceId: string): string | undefined {
  const m = /\.(\d{4}-\d{2}-\d{2})$/.exec(occurrenceId.trim());
  return m?.[1] !== undefined && isIsoDate(m[1]) ? m[1] : undefined;
}
