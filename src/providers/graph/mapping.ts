import { compile } from 'html-to-text';
import { IANAZone } from 'luxon';
import { datesToGraphAllDay, graphAllDayToDates } from '../../domain/all-day';
import {
  parseCanonicalEvent,
  type Attendee,
  type CanonicalEvent,
  type CanonicalEventInput,
  type ResponseStatus,
  type ShowAs,
  type Timing,
} from '../../domain/canonical-event';
import {
  anchorFromTiming,
  anchorInstant,
  anchorOnDate,
  graphOccurrenceIdDate,
  graphRecurrenceToRrule,
  graphSeriesAnchor,
  occurrenceKeyOf,
  rruleToGraphRecurrence,
  type SeriesAnchor,
} from '../../domain/recurrence';
import { dateInZone, ianaToWindows, resolveTimeZone, utcToWallClock, wallClockToUtc } from '../../domain/time-zones';
import type { GraphEvent } from './schemas';
import type { GraphEventWrite } from './write-types';

/**
 * Graph event ↔ canonical event. Reads expect `Prefer: outlook.timezone="UTC"` but accept any
 * zone Graph may answer in. The event's own zone comes from originalStartTimeZone (Windows →
 * IANA through CLDR); custom or unknown zones fall back to UTC with a warning and never throw.
 */

export interface MappedEvent {
  event: CanonicalEvent;
  warnings: string[];
}

export interface GraphToCanonicalOptions {
  /** Zone to use when the event's zone cannot be mapped (e.g. the mailbox's); default UTC. */
  fallbackZone?: string;
}

const showAsValues: readonly ShowAs[] = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];
const responseValues: Record<string, ResponseStatus> = {
  none: 'none',
  organizer: 'organizer',
  accepted: 'accepted',
  tentativelyaccepted: 'tentative',
  declined: 'declined',
  notresponded: 'notResponded',
};

// Compiled once: html-to-text's convert() compiles its options (selectors and all) on every call.
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
});

/** HTML body → plain text (Graph stores bodies as HTML whatever was sent). */
export function bodyToText(body: GraphEvent['body']): string {
  const content = body?.content ?? '';
  if ((body?.contentType ?? 'html').toLowerCase() === 'text') return content.trim();
  return htmlToText(content).trim();
}

function kindOf(type: string | null | undefined): CanonicalEvent['kind'] {
  if (type === 'seriesMaster') return 'series';
  if (type === 'occurrence' || type === 'exception') return 'occurrence';
  return 'event';
}

function timingOf(event: GraphEvent, zone: string, warnings: string[]): Timing {
  const start = event.start;
  const end = event.end ?? event.start;
  if (!start || !end) throw new Error('Graph event without start');
  const startClock = { dateTime: start.dateTime, timeZone: start.timeZone ?? 'UTC' };
  const endClock = { dateTime: end.dateTime, timeZone: end.timeZone ?? 'UTC' };
  if (event.isAllDay) {
    // Graph keeps all-day midnights floating; should a service convert them anyway, read the
    // instants back in the event's own zone.
    const floating = startClock.dateTime.slice(11, 19) === '00:00:00' && endClock.dateTime.slice(11, 19) === '00:00:00';
    const dates = floating
      ? graphAllDayToDates(startClock, endClock)
      : graphAllDayToDates(inZone(startClock, zone, warnings), inZone(endClock, zone, warnings));
    if (!dates.ok) throw new Error(dates.error);
    return { allDay: true, startDate: dates.range.startDate, endDate: dates.range.endDate, timeZone: zone };
  }
  const s = wallClockToUtc(startClock);
  const e = wallClockToUtc(endClock);
  if (!s.ok) throw new Error(`start: ${s.error}`);
  if (!e.ok) throw new Error(`end: ${e.error}`);
  for (const w of [s.warning, e.warning]) if (w) warnings.push(w);
  return { allDay: false, start: s.instant, end: e.instant, timeZone: zone };
}

function inZone(clock: { dateTime: string; timeZone: string }, zone: string, warnings: string[]) {
  const instant = wallClockToUtc(clock);
  if (!instant.ok) throw new Error(instant.error);
  if (instant.warning) warnings.push(instant.warning);
  return { dateTime: `${dateInZone(instant.instant, zone)}T00:00:00`, timeZone: zone };
}

function attendeesOf(event: GraphEvent): Attendee[] {
  const out: Attendee[] = [];
  for (const a of event.attendees ?? []) {
    const email = a.emailAddress?.address;
    if (!email) continue;
    const type = a.type === 'optional' || a.type === 'resource' ? a.type : 'required';
    const response = responseValues[(a.status?.response ?? 'none').toLowerCase()] ?? 'none';
    const attendee: Attendee = { email, type, response };
    if (a.emailAddress?.name) attendee.name = a.emailAddress.name;
    out.push(attendee);
  }
  return out;
}

/** Maps one Graph event (single, master, occurrence or exception) to the canonical event. */
export function graphEventToCanonical(event: GraphEvent, opts: GraphToCanonicalOptions = {}): MappedEvent {
  const warnings: string[] = [];
  const zoneName = event.originalStartTimeZone ?? event.start?.timeZone ?? 'UTC';
  const resolved = resolveTimeZone(zoneName, opts.fallbackZone !== undefined ? { fallback: opts.fallbackZone } : {});
  if (resolved.kind === 'fallback') warnings.push(resolved.warning);
  const zone = resolved.iana;
  const timing = timingOf(event, zone, warnings);

  const sensitivity = (event.sensitivity ?? 'normal').toLowerCase();
  const showAs = showAsValues.find((v) => v.toLowerCase() === (event.showAs ?? 'busy').toLowerCase());
  if (!showAs) warnings.push(`unknown showAs "${event.showAs ?? ''}"; using busy`);

  const draft: CanonicalEventInput = {
    kind: kindOf(event.type),
    title: event.subject ?? '',
    description: bodyToText(event.body),
    location: event.location?.displayName ?? event.locations?.[0]?.displayName ?? '',
    timing,
    visibility: sensitivity === 'normal' ? 'public' : 'private',
    showAs: showAs ?? 'busy',
    status: event.isCancelled ? 'cancelled' : 'confirmed',
    attendees: attendeesOf(event),
    categories: [...(event.categories ?? [])],
  };
  const organizer = event.organizer?.emailAddress;
  if (organizer?.address)
    draft.organizer = { email: organizer.address, ...(organizer.name ? { name: organizer.name } : {}) };
  if (
    event.isReminderOn &&
    event.reminderMinutesBeforeStart !== null &&
    event.reminderMinutesBeforeStart !== undefined
  ) {
    draft.reminderMinutes = Math.max(0, event.reminderMinutesBeforeStart);
  }
  if (event.iCalUId) draft.iCalUid = event.iCalUId;
  if (event.originalStart && kindOf(event.type) === 'occurrence') {
    draft.originalStart = timing.allDay
      ? dateInZone(event.originalStart, zone)
      : occurrenceKeyOf(event.originalStart, false);
  }
  if (event.type === 'seriesMaster' && event.recurrence && event.start) {
    const recurrence = recurrenceOf(event, opts, warnings);
    if (recurrence) draft.recurrence = recurrence;
  }
  return { event: parseCanonicalEvent(draft), warnings };
}

function recurrenceOf(
  event: GraphEvent,
  opts: GraphToCanonicalOptions,
  warnings: string[]
): CanonicalEventInput['recurrence'] {
  const recurrence = event.recurrence;
  const start = event.start;
  if (!recurrence || !start) return undefined;
  const anchored = graphSeriesAnchor(
    {
      start: { dateTime: start.dateTime, timeZone: start.timeZone ?? 'UTC' },
      isAllDay: event.isAllDay ?? false,
      originalStartTimeZone: event.originalStartTimeZone ?? null,
      recurrence,
    },
    opts.fallbackZone
  );
  if (anchored.warning) warnings.push(anchored.warning);
  const rule = graphRecurrenceToRrule(recurrence, anchored.anchor);
  if (!rule.ok) {
    warnings.push(`recurrence not mapped: ${rule.error}`);
    return undefined;
  }
  const keyOn = (date: string) => occurrenceStartKey(rule.anchor, date);
  const exdates = (event.cancelledOccurrences ?? [])
    .map((oid) => graphOccurrenceIdDate(oid))
    .filter((d): d is string => d !== undefined)
    .map(keyOn);
  const overrides = (event.exceptionOccurrences ?? [])
    .map((e) => e.originalStart)
    .filter((s): s is string => typeof s === 'string')
    .map((s) => (rule.anchor.allDay ? dateInZone(s, rule.anchor.timeZone) : occurrenceKeyOf(s, false)));
  return { rrule: rule.rrule, timeZone: rule.anchor.timeZone, exdates, overrides };
}

/** The key of the occurrence on `date`: its original start instant, or the date for all-day series. */
function occurrenceStartKey(anchor: SeriesAnchor, date: string): string {
  return anchor.allDay ? date : anchorInstant(anchorOnDate(anchor, date));
}

export interface CanonicalToGraphOptions {
  /**
   * The event as Graph has it now. Lossy values are kept from it when the canonical value still
   * means the same (Outlook "personal" stays "personal" when the canonical event says private).
   */
  current?: GraphEvent;
  /** Attendees are only written when the tenant's "invite from Outlook" policy is on (DESIGN.md §4.11). */
  includeAttendees?: boolean;
}

export interface GraphWriteResult {
  body: GraphEventWrite;
  warnings: string[];
  /** Set when the series' rule has no Graph form: the caller writes occurrences one by one. */
  recurrenceNotRepresentable?: string;
}

/** The zone name to send Graph: the Windows name when CLDR has one (Graph accepts all of those). */
function graphZoneName(iana: string): string {
  return ianaToWindows(iana) ?? 'UTC';
}

/** Canonical event → Graph create/patch body (all carried fields; PATCH callers may trim it). */
export function canonicalToGraphEvent(event: CanonicalEvent, opts: CanonicalToGraphOptions = {}): GraphWriteResult {
  const warnings: string[] = [];
  const timing = event.timing;
  const windowsZone = graphZoneName(timing.timeZone);
  if (windowsZone === 'UTC' && timing.timeZone !== 'UTC') {
    warnings.push(`no Windows zone for ${timing.timeZone}; writing UTC times`);
  }
  const zoneForWrite = windowsZone === 'UTC' ? 'UTC' : timing.timeZone;
  const body: GraphEventWrite = {
    subject: event.title,
    body: { contentType: 'text', content: event.description },
    location: { displayName: event.location },
    sensitivity: sensitivityFor(event.visibility, opts.current?.sensitivity),
    showAs: event.showAs,
    categories: [...event.categories],
    isReminderOn: event.reminderMinutes !== undefined,
    isAllDay: timing.allDay,
  };
  if (event.reminderMinutes !== undefined) body.reminderMinutesBeforeStart = event.reminderMinutes;
  if (timing.allDay) {
    const range = datesToGraphAllDay({ startDate: timing.startDate, endDate: timing.endDate }, windowsZone);
    body.start = { ...range.start };
    body.end = { ...range.end };
  } else {
    body.start = timedBound(timing.start, zoneForWrite, windowsZone, !event.recurrence, warnings);
    body.end = timedBound(timing.end, zoneForWrite, windowsZone, true, warnings);
  }
  if (opts.includeAttendees) {
    body.attendees = event.attendees.map((a) => ({
      type: a.type,
      emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) },
    }));
  }
  const result: GraphWriteResult = { body, warnings };
  if (event.recurrence) {
    const anchor = anchorFromTiming({ ...timing, timeZone: event.recurrence.timeZone });
    const mapped = rruleToGraphRecurrence(event.recurrence.rrule, anchor, {
      recurrenceTimeZone: graphZoneName(event.recurrence.timeZone),
    });
    if (mapped.ok) {
      const { pattern, range } = mapped.recurrence;
      body.recurrence = {
        pattern: { ...pattern, daysOfWeek: [...pattern.daysOfWeek] },
        range: { ...range },
      };
    } else {
      result.recurrenceNotRepresentable = mapped.reason;
      warnings.push(`recurrence has no Graph form: ${mapped.reason}`);
    }
  }
  return result;
}

/**
 * A wall clock in the repeated hour when clocks go back names two instants, and which one the
 * server picks is not documented (.NET picks standard time, RFC 5545 the first). Such a bound is
 * written in UTC instead, which names exactly one. A series start keeps its zone (the recurrence is
 * expanded in it), with a warning.
 */
function timedBound(instant: string, iana: string, zoneName: string, mayUseUtc: boolean, warnings: string[]) {
  const wall = utcToWallClock(instant, iana).dateTime;
  if (!isAmbiguous(instant, iana)) return { dateTime: wall, timeZone: zoneName };
  if (!mayUseUtc) {
    warnings.push(`series start ${wall} is ambiguous in ${iana} (clocks go back); Graph may read it an hour late`);
    return { dateTime: wall, timeZone: zoneName };
  }
  warnings.push(`${wall} is ambiguous in ${iana} (clocks go back); writing ${instant} in UTC`);
  return { dateTime: utcToWallClock(instant, 'UTC').dateTime, timeZone: 'UTC' };
}

/** True when the local time of `instant` in `iana` also occurs at another instant. */
export function isAmbiguous(instant: string, iana: string): boolean {
  if (iana === 'UTC') return false;
  const zone = IANAZone.create(iana);
  const at = Date.parse(instant);
  const localAsUtc = at + zone.offset(at) * 60_000;
  const readings = new Set<number>();
  for (const probe of [at - 3 * 3_600_000, at, at + 3 * 3_600_000]) {
    const offset = zone.offset(probe);
    const candidate = localAsUtc - offset * 60_000;
    if (zone.offset(candidate) === offset) readings.add(candidate);
  }
  return readings.size > 1;
}

function sensitivityFor(
  visibility: CanonicalEvent['visibility'],
  current: string | null | undefined
): GraphEventWrite['sensitivity'] {
  if (visibility === 'public') return 'normal';
  const now = (current ?? '').toLowerCase();
  // Outlook's private-like values all mean "private" canonically; keep the one the user chose.
  if (now === 'private' || now === 'personal' || now === 'confidential') return now;
  return 'private';
}
