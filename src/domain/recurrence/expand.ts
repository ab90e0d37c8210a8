import { RRule } from 'rrule';
import { type Timing } from '../canonical-event';
import { addDays, allDayToInstants } from '../all-day';
import { localPartsToInstant, normalizeInstant, parseInstant, toIsoUtc, type LocalParts } from '../time-zones';
import { anchorParts, type SeriesAnchor } from './series-anchor';
import { occurrenceKeyOf } from './occurrence-key';

/**
 * Expansion runs rrule on "floating" dates (wall-clock values stored as if they were UTC) and only
 * then places each wall-clock time in the series' zone. rrule's own tzid support computes in the
 * host zone; floating keeps DST out of the rule arithmetic, where it does not belong.
 */

export interface SeriesDefinition {
  /** RRULE body, without DTSTART. */
  readonly rrule: string;
  readonly anchor: SeriesAnchor;
  /** Timed series: occurrence length in milliseconds. All-day series: length in days (≥ 1). */
  readonly duration: number;
  /** Original starts of cancelled occurrences (occurrence keys). */
  readonly exdates?: readonly string[];
}

export interface TimeWindow {
  /** Inclusive UTC instant. */
  readonly start: string;
  /** Exclusive UTC instant. */
  readonly end: string;
}

export interface Occurrence {
  /** The original start: a normalised UTC instant for timed series, a date for all-day series. */
  readonly key: string;
  readonly timing: Timing;
}

export type Expansion =
  | { readonly ok: true; readonly occurrences: readonly Occurrence[]; readonly truncated: boolean }
  | { readonly ok: false; readonly error: string };

export interface ExpandOptions {
  /** Safety cap on the number of occurrences returned. */
  readonly limit?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** No zone is further than 14 hours from UTC; widen the floating window by that much. */
const ZONE_SLACK = 15 * HOUR;
const DEFAULT_LIMIT = 5000;

function floating(parts: LocalParts): Date {
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second));
}

function partsOfFloating(d: Date): LocalParts {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: 0,
  };
}

function floatingOfInstant(instant: string, zone: string): Date {
  const local = parseInstant(instant).setZone(zone);
  return floating({
    year: local.year,
    month: local.month,
    day: local.day,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: 0,
  });
}

function isoDateOfFloating(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** UNTIL as a floating bound: a UTC instant is moved into the zone, a date means the whole day. */
function floatingUntil(body: string, zone: string): Date | undefined {
  const m = /(?:^|;)UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?/i.exec(body);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, z] = m;
  if (h === undefined) return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), 23, 59, 59));
  const instant = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  if (z === 'Z') return floatingOfInstant(instant, zone);
  // A floating UNTIL (no Z) is already in the series' wall-clock terms.
  return new Date(instant);
}

function buildRule(series: SeriesDefinition): RRule {
  const body = series.rrule.trim().replace(/^RRULE:/i, '');
  const options = RRule.parseString(body);
  const until = floatingUntil(body, series.anchor.timeZone);
  return new RRule({
    ...options,
    dtstart: floating(anchorParts(series.anchor)),
    tzid: null,
    until: until ?? null,
  });
}

function occurrenceAt(d: Date, series: SeriesDefinition): Occurrence {
  const zone = series.anchor.timeZone;
  if (series.anchor.allDay) {
    const startDate = isoDateOfFloating(d);
    const timing: Timing = {
      allDay: true,
      startDate,
      endDate: addDays(startDate, Math.max(1, Math.round(series.duration))),
      timeZone: zone,
    };
    return { key: startDate, timing };
  }
  const start = localPartsToInstant(partsOfFloating(d), zone);
  const timing: Timing = {
    allDay: false,
    start: toIsoUtc(start),
    end: toIsoUtc(start.plus({ milliseconds: series.duration })),
    timeZone: zone,
  };
  return { key: toIsoUtc(start), timing };
}

function overlaps(timing: Timing, window: TimeWindow): boolean {
  const { start, end } = timing.allDay ? allDayToInstants(timing, timing.timeZone) : timing;
  const s = Date.parse(start);
  const e = Date.parse(end);
  const ws = Date.parse(window.start);
  const we = Date.parse(window.end);
  // Zero-length events sit on their start instant, as calendar views treat them.
  return s < we && (e > ws || (s === e && s >= ws));
}

function validateRule(series: SeriesDefinition): RRule | string {
  try {
    return buildRule(series);
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid recurrence rule';
  }
}

/**
 * The occurrences of a series that overlap a window, with cancelled ones (exdates) removed.
 * Semantics follow Graph: the first occurrence is the first date on or after the anchor that
 * matches the rule (the anchor itself only counts when it matches), and UNTIL is inclusive.
 */
export function expandOccurrences(
  series: SeriesDefinition,
  window: TimeWindow,
  options: ExpandOptions = {}
): Expansion {
  const rule = validateRule(series);
  if (typeof rule === 'string') return { ok: false, error: rule };
  const limit = options.limit ?? DEFAULT_LIMIT;
  const zone = series.anchor.timeZone;
  const span = series.anchor.allDay ? Math.max(1, series.duration) * DAY : Math.max(0, series.duration);
  const from = new Date(floatingOfInstant(window.start, zone).getTime() - span - ZONE_SLACK);
  const to = new Date(floatingOfInstant(window.end, zone).getTime() + ZONE_SLACK);
  const excluded = new Set((series.exdates ?? []).map((key) => occurrenceKeyOf(key, series.anchor.allDay)));

  const occurrences: Occurrence[] = [];
  let truncated = false;
  rule.between(from, to, true, (d) => {
    const occurrence = occurrenceAt(d, series);
    if (!excluded.has(occurrence.key) && overlaps(occurrence.timing, window)) {
      if (occurrences.length >= limit) {
        truncated = true;
        return false;
      }
      occurrences.push(occurrence);
    }
    return true;
  });
  return { ok: true, occurrences, truncated };
}

/**
 * Every occurrence of a finite series (COUNT or UNTIL), e.g. to turn a COUNT into an end date for
 * a provider that has none. Returns an error for an unbounded rule.
 */
export function allOccurrences(series: SeriesDefinition, options: ExpandOptions = {}): Expansion {
  const rule = validateRule(series);
  if (typeof rule === 'string') return { ok: false, error: rule };
  if (rule.options.count === null && rule.options.until === null) {
    return { ok: false, error: 'the series has no end' };
  }
  const limit = options.limit ?? DEFAULT_LIMIT;
  const excluded = new Set((series.exdates ?? []).map((key) => occurrenceKeyOf(key, series.anchor.allDay)));
  const occurrences: Occurrence[] = [];
  let truncated = false;
  rule.all((d) => {
    if (occurrences.length >= limit) {
      truncated = true;
      return false;
    }
    const occurrence = occurrenceAt(d, series);
    if (!excluded.has(occurrence.key)) occurrences.push(occurrence);
    return true;
  });
  return { ok: true, occurrences, truncated };
}

/** The occurrence of a series that falls on a local date, if any (Graph names cancelled occurrences by date). */
export function occurrenceOnDate(series: SeriesDefinition, date: string): Occurrence | undefined {
  const rule = validateRule(series);
  if (typeof rule === 'string') return undefined;
  const dayStart = new Date(`${date}T00:00:00Z`);
  const dayEnd = new Date(dayStart.getTime() + DAY - 1000);
  const hit = rule.between(dayStart, dayEnd, true)[0];
  return hit ? occurrenceAt(hit, series) : undefined;
}

/** The instant span a timed or all-day timing occupies in its zone. */
export function timingInstants(timing: Timing): { start: string; end: string } {
  return timing.allDay
    ? allDayToInstants(timing, timing.timeZone)
    : { start: normalizeInstant(timing.start), end: normalizeInstant(timing.end) };
}
