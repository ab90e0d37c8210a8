import {
  type Attendee,
  type CanonicalEvent,
  type ResponseStatus,
  type Timing,
  netSuiteStatusSchema,
  parseCanonicalEvent,
} from '../../domain/canonical-event';
import { accessLevelToVisibility, accessLevelWrite, readAccessLevel, visibilityToAccessLevel } from './access-level';
import { type NetSuiteAttendeeWrite, type NetSuiteCalendarEventWrite } from './calendar-event-fields';
import { addDays, daysBetween } from '../../domain/all-day';
import {
  type NetSuiteRecurrence,
  type ToNetSuiteResult,
  anchorFromTiming,
  netSuiteToRrule,
  rruleToNetSuite,
} from '../../domain/recurrence';
import { canonicalIanaZone, endWithinStartDay, parseInstant } from '../../domain/time-zones';
import { type EntityDirectory } from './entity-directory';
import { type NetSuiteCalendarEvent } from './schemas';
import { netSuiteTimeToUtc, netSuiteZone, parseWallClock, utcToNetSuiteTime } from './wall-clock';

export interface NetSuiteMappingContext {
  /**
   * The NetSuite user's time-zone preference. It applies to events whose `timezone` is empty, and
   * new events are written in it. The account's (company) zone plays no part.
   */
  userTimeZone: string;
  entities: EntityDirectory;
  /** The record as NetSuite holds it now, when updating: keeps what a lossy mapping cannot tell apart. */
  existing?: NetSuiteCalendarEvent;
}

export interface NetSuiteReadContext {
  userTimeZone: string;
  entities: EntityDirectory;
  /**
   * The event's recurrence as the RESTlet read it: null when it has none, undefined when it was
   * not read (a record whose REST `recurrence` text is set then maps to a series without a rule).
   */
  recurrence?: NetSuiteRecurrence | null;
}

export interface CanonicalToNetSuiteResult {
  fields: NetSuiteCalendarEventWrite;
  /** Attendee emails with no employee or contact in NetSuite: left off the attendee list. */
  unresolvedAttendees: string[];
  /** The event spans more than one day in the write zone and was cut to its first day (see README). */
  clippedToOneDay: boolean;
  /**
   * For a series: the fields to write through the RESTlet, or why NetSuite cannot hold the rule
   * natively (then the caller writes the occurrences as single events linked by series id).
   */
  recurrence?: ToNetSuiteResult;
}

/** NetSuite calendarEvent → canonical event. */
export function netSuiteToCanonical(record: NetSuiteCalendarEvent, ctx: NetSuiteReadContext): CanonicalEvent {
  const organizerId = record.organizer?.id;
  const organizerEmail = organizerId ? ctx.entities.emailOf(organizerId) : undefined;
  const zone = eventZone(record, ctx.userTimeZone);
  const recurrence = recurrenceFromNetSuite(record, zone, ctx.recurrence);
  const accessLevel = readAccessLevel(record.accessLevel);
  const nsStatus = netSuiteStatusSchema.safeParse(record.status?.id).data;
  return parseCanonicalEvent({
    kind: recurrence || (ctx.recurrence === undefined && record.recurrence) ? 'series' : 'event',
    recurrence,
    title: record.title,
    description: record.message ?? '',
    location: record.location ?? '',
    timing: timingFromNetSuite(record, zone),
    visibility: accessLevelToVisibility(accessLevel),
    status: statusFromNetSuite(record.status?.id),
    // NetSuite's own values, so the projection tells Private from Show as Busy, and COMPLETE from CONFIRMED.
    extras: { netsuite: { accessLevel, ...(nsStatus ? { status: nsStatus } : {}) } },
    organizer: organizerEmail ? { email: organizerEmail, name: record.organizer?.refName } : undefined,
    attendees: attendeesFromNetSuite(record, organizerId, ctx.entities),
  });
}

/** Canonical event → the body for PUT eid: / PATCH (attendees are written whole, with replace=attendee). */
export function canonicalToNetSuite(event: CanonicalEvent, ctx: NetSuiteMappingContext): CanonicalToNetSuiteResult {
  const zone = netSuiteZone(
    ctx.existing?.timezone || ctx.userTimeZone,
    ctx.existing?.timezone ? 'timezone' : 'userTimeZone'
  );
  const { fields: timeFields, clipped } = timingToNetSuite(event.timing, zone);
  const organizerId = event.organizer ? ctx.entities.idOf(event.organizer.email) : undefined;
  const unresolvedAttendees: string[] = [];
  const lines: NetSuiteAttendeeWrite[] = [];
  // NetSuite keeps the organiser on the attendee list; the canonical event lists them separately.
  if (organizerId)
    lines.push({ attendee: { id: organizerId }, response: { id: 'ACCEPTED' }, attendance: { id: 'REQUIRED' } });
  for (const attendee of event.attendees) {
    if (attendee.type === 'resource') continue;
    const id = ctx.entities.idOf(attendee.email);
    if (!id) {
      unresolvedAttendees.push(attendee.email);
      continue;
    }
    if (lines.some((line) => line.attendee.id === id)) continue;
    lines.push({
      attendee: { id },
      response: { id: responseToNetSuite(attendee.response) },
      attendance: { id: attendee.type === 'optional' ? 'OPTIONAL' : 'REQUIRED' },
    });
  }
  // The record's current level decides first; a level the event carries from NetSuite itself next.
  const currentLevel = ctx.existing ? readAccessLevel(ctx.existing.accessLevel) : event.extras.netsuite?.accessLevel;
  const currentStatus = ctx.existing?.status?.id ?? event.extras.netsuite?.status;
  const fields: NetSuiteCalendarEventWrite = {
    title: event.title,
    message: event.description,
    location: event.location,
    ...timeFields,
    accessLevel: accessLevelWrite(visibilityToAccessLevel(event.visibility, currentLevel)),
    status: { id: statusToNetSuite(event.status, currentStatus) },
    ...(organizerId ? { organizer: { id: organizerId } } : {}),
    attendee: { items: lines },
  };
  return { fields, unresolvedAttendees, clippedToOneDay: clipped, recurrence: recurrenceToNetSuite(event, zone) };
}

/**
 * A canonical series as NetSuite recurrence fields. NetSuite repeats the wall-clock time in the
 * event's zone, so a timed series is native only when it repeats in that same zone: otherwise
 * daylight-saving differences between the zones would move occurrences by an hour.
 */
export function recurrenceToNetSuite(event: CanonicalEvent, zone: string): ToNetSuiteResult | undefined {
  if (!event.recurrence) return undefined;
  const seriesZone = canonicalIanaZone(event.recurrence.timeZone) ?? event.recurrence.timeZone;
  if (!event.timing.allDay && seriesZone !== zone) {
    return {
      ok: false,
      notRepresentable: true,
      reason: `the series repeats in ${seriesZone}; NetSuite would repeat it in ${zone}`,
    };
  }
  const anchor = anchorFromTiming({ ...event.timing, timeZone: seriesZone });
  const duration = event.timing.allDay
    ? daysBetween(event.timing.startDate, event.timing.endDate)
    : parseInstant(event.timing.end).toMillis() - parseInstant(event.timing.start).toMillis();
  return rruleToNetSuite(event.recurrence.rrule, anchor, { exdates: event.recurrence.exdates, duration });
}

function recurrenceFromNetSuite(
  record: NetSuiteCalendarEvent,
  zone: string,
  recurrence: NetSuiteRecurrence | null | undefined
): CanonicalEvent['recurrence'] {
  if (!recurrence || recurrence.frequency === 'none') return undefined;
  const startTime = record.allDayEvent || !record.startTime ? undefined : hhmm(record.startTime);
  const rule = netSuiteToRrule(recurrence, { startTime, timeZone: zone });
  if (!rule.ok) throw new Error(`calendarEvent ${record.id}: recurrence cannot be read (${rule.error})`);
  return { rrule: rule.rrule, timeZone: zone, exdates: [...rule.exdates], overrides: [] };
}

function hhmm(time: string): string {
  const { hour, minute } = parseWallClock(time);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The zone an event's wall clock is read in: its own, else the user's preference. */
export function eventZone(record: Pick<NetSuiteCalendarEvent, 'timezone'>, userTimeZone: string): string {
  return netSuiteZone(record.timezone || userTimeZone, record.timezone ? 'timezone' : 'userTimeZone');
}

function timingFromNetSuite(record: NetSuiteCalendarEvent, zone: string): Timing {
  if (record.allDayEvent)
    return { allDay: true, startDate: record.startDate, endDate: addDays(record.startDate, 1), timeZone: zone };
  if (!record.startTime) throw new Error(`calendarEvent ${record.id}: startTime missing on a timed event`);
  const start = netSuiteTimeToUtc(record.startDate, record.startTime, zone);
  let end = record.endTime ? netSuiteTimeToUtc(record.startDate, record.endTime, zone) : start;
  // An end before the start can only mean the next day (the record has a single date).
  if (end < start) end = netSuiteTimeToUtc(addDays(record.startDate, 1), record.endTime!, zone);
  return { allDay: false, start, end, timeZone: zone };
}

/**
 * The multi-day rule. A NetSuite event has one date, so an event covers at most one day in the
 * write zone: timed events that end on a later day are cut to end at 23:59 of their first day, and
 * all-day events spanning several days keep only their first day. Nothing is invented (no extra
 * records, no text added to the message), and the cut is reported so callers can audit it.
 */
export function timingToNetSuite(
  timing: Timing,
  zone: string
): { fields: NetSuiteCalendarEventWrite; clipped: boolean } {
  if (timing.allDay) {
    return {
      fields: {
        startDate: timing.startDate,
        allDayEvent: true,
        timedEvent: false,
        startTime: null,
        endTime: null,
        timezone: zone,
      },
      clipped: timing.endDate > addDays(timing.startDate, 1),
    };
  }
  const start = utcToNetSuiteTime(timing.start, zone);
  const cutEnd = endWithinStartDay(timing.start, timing.end, zone);
  const end = utcToNetSuiteTime(cutEnd, zone);
  const sameDay = cutEnd === timing.end;
  return {
    fields: {
      startDate: start.date,
      startTime: start.time,
      endTime: end.time,
      allDayEvent: false,
      timedEvent: true,
      timezone: zone,
    },
    clipped: !sameDay,
  };
}

function attendeesFromNetSuite(
  record: NetSuiteCalendarEvent,
  organizerId: string | undefined,
  entities: EntityDirectory
): Attendee[] {
  const out: Attendee[] = [];
  for (const line of record.attendee?.items ?? []) {
    if (line.attendee.id === organizerId) continue;
    const email = entities.emailOf(line.attendee.id);
    if (!email) continue; // an entity without an email address cannot be invited from Outlook
    out.push({
      email,
      name: line.attendee.refName,
      type: line.attendance?.id === 'OPTIONAL' ? 'optional' : 'required',
      response: responseFromNetSuite(line.response?.id),
    });
  }
  return out;
}

function responseFromNetSuite(id: string | undefined): ResponseStatus {
  switch (id) {
    case 'ACCEPTED':
      return 'accepted';
    case 'DECLINED':
      return 'declined';
    case 'TENTATIVE':
      return 'tentative';
    default:
      return 'none';
  }
}

function responseToNetSuite(response: ResponseStatus): string {
  switch (response) {
    case 'accepted':
    case 'organizer':
      return 'ACCEPTED';
    case 'declined':
      return 'DECLINED';
    case 'tentative':
      return 'TENTATIVE';
    default:
      return 'NO_RESPONSE';
  }
}

function statusFromNetSuite(id: string | undefined): CanonicalEvent['status'] {
  if (id === 'TENTATIVE') return 'tentative';
  if (id === 'CANCELLED') return 'cancelled';
  return 'confirmed'; // CONFIRMED, COMPLETE (a past event marked done), or absent
}

function statusToNetSuite(status: CanonicalEvent['status'], existing: string | undefined): string {
  if (status === 'tentative') return 'TENTATIVE';
  if (status === 'cancelled') return 'CANCELLED';
  return existing === 'COMPLETE' ? 'COMPLETE' : 'CONFIRMED';
}
