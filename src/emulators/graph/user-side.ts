import type { Calendar } from './calendar';
import { parseWindowBound } from './date-time';
import { occurrenceId } from './ids';
import { contentOf, entryOfStored, viewEntries } from './occurrences';
import type { Attendee } from './model';
import { renderEntry, type Json } from './render';
import { eventWriteSchema, type EventWrite, type RecurrenceWrite } from './write-schema';

/**
 * A person working in Outlook: plain functions that change a mailbox the way Outlook would, with
 * the same notifications, delta changes and emails as the API. Results are rendered as Graph
 * would return them (UTC, immutable ids).
 */

/** An event as the user-side API returns it: Graph's JSON (UTC, immutable ids), key fields typed. */
export interface UserEvent {
  id: string;
  iCalUId: string;
  changeKey: string;
  subject: string;
  type: 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';
  seriesMasterId: string | null;
  isCancelled: boolean;
  isOrganizer: boolean;
  showAs: string;
  sensitivity: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  attendees: Attendee[];
  responseStatus: { response: string; time: string };
  organizer: { emailAddress: { name: string; address: string } };
  [property: string]: unknown;
}

const asUserEvent = (json: Json) => json as UserEvent;

export type TimeInput = string | { dateTime: string; timeZone: string };

export interface UserEventInput {
  subject?: string;
  /** Plain text, or a Graph itemBody. */
  body?: string | { contentType: 'text' | 'html'; content: string };
  /** Wall clock (`2026-03-02T09:00`) in `timeZone`, or a Graph dateTimeTimeZone. */
  start?: TimeInput;
  end?: TimeInput;
  /** Windows or IANA zone for string start/end; default UTC. */
  timeZone?: string;
  isAllDay?: boolean;
  location?: string | { displayName: string };
  /** Email addresses, or Graph attendees. */
  attendees?: (string | { address: string; name?: string; type?: 'required' | 'optional' | 'resource' })[];
  sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
  showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  categories?: string[];
  importance?: 'low' | 'normal' | 'high';
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  recurrence?: RecurrenceWrite;
  /** Stamp a zone Graph itself cannot take, as Outlook desktop does (e.g. tzone://Microsoft/Custom). */
  originalStartTimeZone?: string;
}

export interface UserSide {
  createEvent(mailbox: string, input: UserEventInput): UserEvent;
  updateEvent(mailbox: string, id: string, patch: UserEventInput): UserEvent;
  deleteEvent(mailbox: string, id: string): void;
  respond(
    mailbox: string,
    id: string,
    response: 'accepted' | 'tentativelyAccepted' | 'declined',
    opts?: { sendResponse?: boolean }
  ): void;
  /** Edits one occurrence of a series (original date YYYY-MM-DD in the series zone). */
  editOccurrence(mailbox: string, seriesId: string, date: string, patch: UserEventInput): UserEvent;
  cancelOccurrence(mailbox: string, seriesId: string, date: string): void;
  occurrenceId(seriesId: string, date: string): string;
  getEvent(mailbox: string, id: string): UserEvent | undefined;
  /** The event's subject, without rendering the event (cheap enough to ask many times a second). */
  subjectOf(mailbox: string, id: string): string | undefined;
  /** Singles and series masters, as GET /events lists them. */
  listEvents(mailbox: string): UserEvent[];
  calendarView(mailbox: string, start: string, end: string): UserEvent[];
  /** A meeting invitation from an organiser outside the emulator lands in the mailbox. */
  receiveInvitation(mailbox: string, organizer: { name: string; address: string }, input: UserEventInput): UserEvent;
  /** Extended properties of an item (what `$expand=singleValueExtendedProperties` would show). */
  extendedProperties(mailbox: string, id: string): { id: string; value: string }[];
}

function toTime(t: TimeInput, zone: string | undefined): { dateTime: string; timeZone: string } {
  return typeof t === 'string' ? { dateTime: t, timeZone: zone ?? 'UTC' } : t;
}

export function toWrite(input: UserEventInput): EventWrite {
  const raw: Record<string, unknown> = {};
  const copy = [
    'subject',
    'isAllDay',
    'sensitivity',
    'showAs',
    'categories',
    'importance',
    'isReminderOn',
    'reminderMinutesBeforeStart',
    'recurrence',
  ] as const;
  for (const key of copy) if (input[key] !== undefined) raw[key] = input[key];
  if (input.body !== undefined)
    raw.body = typeof input.body === 'string' ? { contentType: 'text', content: input.body } : input.body;
  if (input.start) raw.start = toTime(input.start, input.timeZone);
  if (input.end) raw.end = toTime(input.end, input.timeZone);
  if (input.location !== undefined) {
    raw.location = typeof input.location === 'string' ? { displayName: input.location } : input.location;
  }
  if (input.attendees) {
    raw.attendees = input.attendees.map((a) =>
      typeof a === 'string'
        ? { type: 'required', emailAddress: { address: a, name: a } }
        : { type: a.type ?? 'required', emailAddress: { address: a.address, name: a.name ?? a.address } }
    );
  }
  return eventWriteSchema.parse(raw);
}

export function createUserSide(cal: Calendar): UserSide {
  const render = (mailbox: string, id: string) => {
    const mb = cal.mailbox(mailbox);
    return asUserEvent(renderEntry(mb, cal.get(mb, id), {}));
  };
  const extras = (input: UserEventInput) =>
    input.originalStartTimeZone
      ? { originalStartTimeZone: input.originalStartTimeZone, originalEndTimeZone: input.originalStartTimeZone }
      : {};
  return {
    createEvent(mailbox, input) {
      const mb = cal.mailbox(mailbox);
      const event = cal.create(mb, toWrite(input), 'user', extras(input));
      return asUserEvent(renderEntry(mb, entryOfStored(event), {}));
    },
    updateEvent(mailbox, id, patch) {
      const mb = cal.mailbox(mailbox);
      return asUserEvent(renderEntry(mb, cal.update(mb, id, toWrite(patch), 'user'), {}));
    },
    deleteEvent(mailbox, id) {
      cal.delete(cal.mailbox(mailbox), id, 'user');
    },
    respond(mailbox, id, response, opts = {}) {
      cal.respond(cal.mailbox(mailbox), id, response, { sendResponse: opts.sendResponse ?? true }, 'user');
    },
    editOccurrence(mailbox, seriesId, date, patch) {
      const mb = cal.mailbox(mailbox);
      return asUserEvent(renderEntry(mb, cal.update(mb, occurrenceId(seriesId, date), toWrite(patch), 'user'), {}));
    },
    cancelOccurrence(mailbox, seriesId, date) {
      cal.delete(cal.mailbox(mailbox), occurrenceId(seriesId, date), 'user');
    },
    occurrenceId: (seriesId, date) => occurrenceId(seriesId, date),
    getEvent(mailbox, id) {
      try {
        return render(mailbox, id);
      } catch {
        return undefined;
      }
    },
    subjectOf(mailbox, id) {
      try {
        return contentOf(cal.get(cal.mailbox(mailbox), id)).subject;
      } catch {
        return undefined;
      }
    },
    listEvents(mailbox) {
      const mb = cal.mailbox(mailbox);
      return [...mb.events.values()].map((e) => asUserEvent(renderEntry(mb, entryOfStored(e), {})));
    },
    calendarView(mailbox, start, end) {
      const mb = cal.mailbox(mailbox);
      const from = parseWindowBound(start)?.toMillis() ?? 0;
      const to = parseWindowBound(end)?.toMillis() ?? 0;
      return viewEntries(mb, from, to).map((e) => asUserEvent(renderEntry(mb, e, {})));
    },
    receiveInvitation(mailbox, organizer, input) {
      const mb = cal.mailbox(mailbox);
      const event = cal.create(mb, toWrite(input), 'user', { ...extras(input), organizer });
      return asUserEvent(renderEntry(mb, entryOfStored(event), {}));
    },
    extendedProperties(mailbox, id) {
      const mb = cal.mailbox(mailbox);
      return cal.get(mb, id).master.extendedProperties.map((p) => ({ ...p }));
    },
  };
}
