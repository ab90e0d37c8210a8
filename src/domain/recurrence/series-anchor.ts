import { type Timing } from '../canonical-event';
import {
  canonicalIanaZone,
  localPartsToInstant,
  parseInstant,
  toIsoUtc,
  UTC_ZONE,
  type LocalParts,
} from '../time-zones';

/**
 * Where a series starts, in the terms recurrence rules are written in: local wall-clock time in
 * the series' zone. Rules repeat wall-clock times ("09:00 every Monday"), not instants, which is
 * why expansion must never add 7×24 hours to a UTC instant.
 */
export interface SeriesAnchor {
  /** `YYYY-MM-DDTHH:mm:ss` for timed series, `YYYY-MM-DD` for all-day series. */
  readonly start: string;
  /** IANA zone the rule is expanded in. */
  readonly timeZone: string;
  readonly allDay: boolean;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export function anchorParts(anchor: SeriesAnchor): LocalParts {
  const m = LOCAL_PATTERN.exec(anchor.start);
  if (!m) throw new RangeError(`bad series anchor "${anchor.start}"`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? '0'),
    minute: Number(m[5] ?? '0'),
    second: Number(m[6] ?? '0'),
    millisecond: 0,
  };
}

export function anchorDate(anchor: SeriesAnchor): string {
  return anchor.start.slice(0, 10);
}

/** The anchor of a series whose first occurrence has the given timing. */
export function anchorFromTiming(timing: Timing): SeriesAnchor {
  const zone = canonicalIanaZone(timing.timeZone) ?? UTC_ZONE;
  if (timing.allDay) return { start: timing.startDate, timeZone: zone, allDay: true };
  const local = parseInstant(timing.start).setZone(zone);
  return { start: local.toFormat("yyyy-LL-dd'T'HH:mm:ss"), timeZone: zone, allDay: false };
}

/** The UTC instant of a timed anchor. */
export function anchorInstant(anchor: SeriesAnchor): string {
  return toIsoUtc(localPartsToInstant(anchorParts(anchor), anchor.timeZone));
}

/** The same wall-clock time on another date. */
export function anchorOnDate(anchor: SeriesAnchor, date: string): SeriesAnchor {
  return { ...anchor, start: anchor.allDay ? date : `${date}${anchor.start.slice(10)}` };
}
