import { DateTime, IANAZone } from 'luxon';
import { findIana } from 'windows-iana';

/**
 * Wall-clock and zone handling as Exchange does it: zones arrive as Windows names or IANA names,
 * `dateTime` strings carry no offset, and responses use seven fractional digits. The emulator keeps
 * its own small zone table on purpose, so that it is an independent oracle for the client mapping.
 */

const customZonePrefix = 'tzone://Microsoft/';

/** The IANA zone used for arithmetic, or undefined when Exchange would reject the name. */
export function resolveZone(name: string): string | undefined {
  if (name === 'UTC' || name === 'tzone://Microsoft/Utc') return 'UTC';
  // Custom zones (made by Outlook desktop from an .ics) cannot be resolved; treat them as UTC.
  if (name.startsWith(customZonePrefix)) return 'UTC';
  const windows = findIana(name)[0];
  if (windows && DateTime.now().setZone(windows).isValid) return windows;
  if (name.includes('/') && DateTime.now().setZone(name).isValid) return name;
  return undefined;
}

/**
 * Parses Graph's offset-less `dateTime` in `zone`; extra fractional digits are dropped. A time in
 * the hour repeated when clocks go back is read as standard time (the later instant), as .NET's
 * TimeZoneInfo does; Exchange's own choice is not documented.
 */
export function parseWallClock(dateTime: string, zone: string): DateTime | undefined {
  // Every rendering of an event reads its wall times again, and each reading asks Intl for a
  // zone's offsets ten times: remembered (DateTime values are immutable).
  const key = `${zone}|${dateTime}`;
  if (wallClockMemo.has(key)) return wallClockMemo.get(key);
  const parsed = parseWallClockNow(dateTime, zone);
  if (wallClockMemo.size >= WALL_CLOCK_MEMO_SIZE) wallClockMemo.clear();
  wallClockMemo.set(key, parsed);
  return parsed;
}

const WALL_CLOCK_MEMO_SIZE = 20_000;
const wallClockMemo = new Map<string, DateTime | undefined>();

function parseWallClockNow(dateTime: string, zone: string): DateTime | undefined {
  const trimmed = dateTime.replace(/(\.\d{3})\d+/, '$1');
  const floating = DateTime.fromISO(trimmed, { zone: 'UTC' });
  if (!floating.isValid || /(Z|[+-]\d\d:?\d\d)$/.test(trimmed)) {
    const parsed = DateTime.fromISO(trimmed, { zone });
    return parsed.isValid ? parsed : undefined;
  }
  const iana = IANAZone.create(zone);
  if (!iana.isValid) return undefined;
  const local = floating.toMillis();
  // Every offset in force around that day gives a reading; keep those that are consistent.
  const readings = [-36, -12, 0, 12, 36]
    .map((h) => iana.offset(local + h * 3_600_000))
    .map((offset) => local - offset * 60_000)
    .filter((at) => local - iana.offset(at) * 60_000 === at);
  // In a gap (clocks go forward) no reading fits: move forward by the gap, as clocks do.
  const at = readings.length > 0 ? Math.max(...readings) : local - iana.offset(local - 12 * 3_600_000) * 60_000;
  return DateTime.fromMillis(at, { zone });
}

/** `2017-04-15T11:00:00.0000000` in the given zone. */
export function formatWallClock(instant: DateTime, zone: string): string {
  return `${instant.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`;
}

/** `2017-10-07T04:59:12.9690000Z`, the shape of lastModifiedDateTime and friends. */
export function formatUtcStamp(ms: number): string {
  return `${DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000Z`;
}

/** Parses a query window bound: ISO 8601, with offset honoured and no offset meaning UTC. */
export function parseWindowBound(value: string): DateTime | undefined {
  const parsed = DateTime.fromISO(value.replace(/(\.\d{3})\d+/, '$1'), { zone: 'UTC', setZone: true });
  return parsed.isValid ? parsed : undefined;
}

export const zeroTime = '0001-01-01T00:00:00Z';
