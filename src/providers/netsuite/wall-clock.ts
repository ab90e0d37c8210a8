import { resolveTimeZone, utcToWallClock, wallClockToUtc } from '../../domain/time-zones';

/**
 * NetSuite's event times: a date plus wall-clock "HH:mm" strings, not converted by the API and
 * understood in the event's `timezone`. The conversions themselves are the domain's (one DST rule
 * for the whole product); this file only speaks NetSuite's formats.
 */

/** Accepts "14:30", "14:30:00" and "2:30 pm" (a user's time-format preference can leak through). */
export function parseWallClock(value: string): { hour: number; minute: number } {
  const match = /^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$/.exec(value);
  if (!match) throw new Error(`"${value}" is not a time of day`);
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const meridiem = match[4]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) throw new Error(`"${value}" is not a time of day`);
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) throw new Error(`"${value}" is not a time of day`);
  return { hour, minute };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The IANA name for a NetSuite zone value; an unknown zone is an error, never a silent UTC. */
export function netSuiteZone(zone: string, field: string): string {
  const resolved = resolveTimeZone(zone);
  if (resolved.kind !== 'resolved') throw new Error(`${field}: "${zone}" is not a known time zone`);
  return resolved.iana;
}

/** UTC instant (…Z) of a NetSuite date + time in `zone`. */
export function netSuiteTimeToUtc(date: string, time: string, zone: string): string {
  const { hour, minute } = parseWallClock(time);
  const converted = wallClockToUtc({ dateTime: `${date}T${pad(hour)}:${pad(minute)}`, timeZone: zone });
  if (!converted.ok) throw new Error(converted.error);
  return converted.instant;
}

/** A UTC instant as NetSuite's date and "HH:mm" in `zone`. */
export function utcToNetSuiteTime(instant: string, zone: string): { date: string; time: string } {
  const { dateTime } = utcToWallClock(instant, zone, { fractionDigits: 0 });
  return { date: dateTime.slice(0, 10), time: dateTime.slice(11, 16) };
}
