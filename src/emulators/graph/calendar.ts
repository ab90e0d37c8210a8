import { randomUUID } from 'node:crypto';
import { toAttendees, toLocation, toRecurrence, toStoredBody, toWallTime } from './content';
import { zeroTime } from './date-time';
import { GraphHttpError, invalidRequest, notFound } from './graph-error';
import { newChangeKey, newEventId, newICalUid } from './ids';
import { MeetingDesk } from './meetings';
import type {
  CalendarEntry,
  EventContent,
  Mailbox,
  ResponseType,
  StoredEvent,
  StoredException,
  WallTime,
} from './model';
import { contentOf, findEntry, instantOf, occurrenceEntry, seriesDates } from './occurrences';
import type { SentMail } from './sent-mail';
import type { EventWrite } from './write-schema';
import { samePropertyId } from './property-id';

/**
 * The mailboxes and their calendars, and every way to change them. The HTTP API (actor "app") and
 * the user-side API (actor "user") both go through here, so that notifications, delta and the
 * emails Exchange would send behave the same whoever made the change.
 */

export type Actor = 'app' | 'user';
export type ChangeType = 'created' | 'updated' | 'deleted';

export interface ChangeEvent {
  mailbox: Mailbox;
  changeType: ChangeType;
  /** The stored item (single or series master) that changed. */
  id: string;
  changeKey: string;
}

export interface CalendarOptions {
  now: () => number;
  /** Exchange moves a declined meeting out of the calendar; set false to keep it as declined. */
  declineRemovesEvent: boolean;
  /** What a create with a used transactionId gets: Graph's 400, or the original event back. */
  duplicateTransactionId: 'error' | 'return-original';
}

export interface CreateExtras {
  /** Outlook desktop can stamp zones Graph cannot take (tzone://Microsoft/Custom). */
  originalStartTimeZone?: string;
  originalEndTimeZone?: string;
  /** A meeting copy received from another organiser. */
  organizer?: { name: string; address: string };
  iCalUId?: string;
}

const meetingFields: (keyof EventContent | 'recurrence')[] = [
  'subject',
  'body',
  'start',
  'end',
  'location',
  'isAllDay',
  'recurrence',
];

export class Calendar {
  private readonly byUpn = new Map<string, Mailbox>();
  private readonly byUserId = new Map<string, Mailbox>();
  private readonly listeners: ((c: ChangeEvent) => void)[] = [];
  readonly sentMail: SentMail[] = [];
  readonly meetings: MeetingDesk;

  constructor(readonly options: CalendarOptions) {
    this.meetings = new MeetingDesk(this);
  }

  onChange(listener: (c: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  addMailbox(upn: string, opts: { displayName?: string; tenantId?: string; userId?: string } = {}): Mailbox {
    const existing = this.byUpn.get(upn.toLowerCase());
    if (existing) return existing;
    const mailbox: Mailbox = {
      upn,
      userId: opts.userId ?? randomUUID(),
      displayName: opts.displayName ?? upn.split('@')[0] ?? upn,
      events: new Map(),
      generation: 0,
      changes: [],
    };
    if (opts.tenantId) mailbox.tenantId = opts.tenantId;
    this.byUpn.set(upn.toLowerCase(), mailbox);
    this.byUserId.set(mailbox.userId.toLowerCase(), mailbox);
    return mailbox;
  }

  findMailbox(ref: string): Mailbox | undefined {
    const key = decodeURIComponent(ref).toLowerCase();
    return this.byUpn.get(key) ?? this.byUserId.get(key);
  }

  mailbox(ref: string): Mailbox {
    const found = this.findMailbox(ref);
    if (!found) throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${ref}' is invalid.`);
    return found;
  }

  allMailboxes(): Mailbox[] {
    return [...this.byUpn.values()];
  }

  now(): number {
    return this.options.now();
  }

  /** Records a change of a stored item: new version, delta generation, notification. */
  touch(mailbox: Mailbox, event: StoredEvent, changeType: ChangeType): void {
    if (changeType !== 'deleted') {
      event.changeKey = newChangeKey();
      event.modifiedAt = this.now();
    }
    mailbox.generation += 1;
    mailbox.changes.push({ generation: mailbox.generation, id: event.id });
    for (const listener of this.listeners) listener({ mailbox, changeType, id: event.id, changeKey: event.changeKey });
  }

  mail(message: Omit<SentMail, 'at'>): void {
    if (message.to.length > 0) this.sentMail.push({ ...message, at: new Date(this.now()).toISOString() });
  }

  create(mailbox: Mailbox, body: EventWrite, actor: Actor, extras: CreateExtras = {}): StoredEvent {
    if (body.transactionId) {
      const used = [...mailbox.events.values()].find((e) => e.transactionId === body.transactionId);
      if (used) {
        if (this.options.duplicateTransactionId === 'return-original') return used;
        throw new GraphHttpError(
          400,
          'ErrorDuplicateTransactionId',
          "Your request can't be completed. The TransactionId specified in the request has already been used to create a different event."
        );
      }
    }
    if (!body.start || !body.end) {
      throw new GraphHttpError(
        400,
        'ErrorPropertyValidationFailure',
        'At least one property failed validation: start and end are required.'
      );
    }
    const start = toWallTime(body.start);
    const end = toWallTime(body.end);
    const isAllDay = body.isAllDay ?? false;
    checkTimes(start, end, isAllDay);
    const organizer = extras.organizer ?? { name: mailbox.displayName, address: mailbox.upn };
    const isOrganizer = organizer.address.toLowerCase() === mailbox.upn.toLowerCase();
    const now = this.now();
    const event: StoredEvent = {
      id: newEventId(),
      type: body.recurrence ? 'seriesMaster' : 'singleInstance',
      iCalUId: extras.iCalUId ?? newICalUid(),
      createdAt: now,
      modifiedAt: now,
      changeKey: newChangeKey(),
      originalStartTimeZone: extras.originalStartTimeZone ?? start.label,
      originalEndTimeZone: extras.originalEndTimeZone ?? end.label,
      organizer,
      isOrganizer,
      subject: body.subject ?? '',
      body: toStoredBody(body.body ?? { contentType: 'html', content: '' }),
      importance: body.importance ?? 'normal',
      sensitivity: body.sensitivity ?? 'normal',
      showAs: body.showAs ?? (isOrganizer ? 'busy' : 'tentative'),
      isReminderOn: body.isReminderOn ?? true,
      reminderMinutesBeforeStart: body.reminderMinutesBeforeStart ?? 15,
      responseRequested: body.responseRequested ?? true,
      allowNewTimeProposals: body.allowNewTimeProposals ?? true,
      hideAttendees: body.hideAttendees ?? false,
      categories: body.categories ?? [],
      location: toLocation(body.location ?? body.locations?.[0]),
      attendees: toAttendees(body.attendees ?? []),
      isCancelled: false,
      isOnlineMeeting: body.isOnlineMeeting ?? false,
      responseStatus: { response: isOrganizer ? 'organizer' : 'notResponded', time: zeroTime },
      start,
      end,
      isAllDay,
      exceptions: new Map(),
      cancelled: new Set(),
      extendedProperties: [],
    };
    if (body.transactionId) event.transactionId = body.transactionId;
    if (body.recurrence) {
      event.recurrence = toRecurrence(body.recurrence, start.label);
      checkSeriesStart(event);
    }
    upsertExtendedProperties(event, body.singleValueExtendedProperties ?? []);
    mailbox.events.set(event.id, event);
    this.touch(mailbox, event, 'created');
    if (isOrganizer) this.meetings.organizerCreated(mailbox, event, actor);
    return event;
  }

  get(mailbox: Mailbox, id: string): CalendarEntry {
    const entry = findEntry(mailbox, id);
    if (!entry) throw notFound();
    return entry;
  }

  update(mailbox: Mailbox, id: string, body: EventWrite, actor: Actor): CalendarEntry {
    const entry = this.get(mailbox, id);
    if (entry.originalDate) return this.updateOccurrence(mailbox, entry, body, actor);
    const event = entry.master;
    const before = structuredClone(event);
    const patch = contentPatch(body, event);
    if (body.recurrence === null && event.recurrence) {
      throw invalidRequest('A series master cannot be turned into a single event.');
    }
    Object.assign(event, patch);
    if (body.start || body.end || body.isAllDay !== undefined) checkTimes(event.start, event.end, event.isAllDay);
    if (body.recurrence) {
      event.recurrence = toRecurrence(body.recurrence, event.start.label);
      event.type = 'seriesMaster';
    }
    const timingChanged =
      JSON.stringify([before.start, before.end, before.recurrence, before.isAllDay]) !==
      JSON.stringify([event.start, event.end, event.recurrence, event.isAllDay]);
    if (event.recurrence && timingChanged) {
      checkSeriesStart(event);
      // Outlook drops a series' exceptions when its pattern or time changes.
      event.exceptions.clear();
      event.cancelled.clear();
    }
    upsertExtendedProperties(event, body.singleValueExtendedProperties ?? []);
    this.touch(mailbox, event, 'updated');
    if (event.isOrganizer) {
      const changed = meetingFields.some((f) => JSON.stringify(before[f]) !== JSON.stringify(event[f]));
      this.meetings.organizerUpdated(mailbox, before, event, changed, actor);
    }
    return findEntry(mailbox, event.id) ?? entry;
  }

  private updateOccurrence(mailbox: Mailbox, entry: CalendarEntry, body: EventWrite, actor: Actor): CalendarEntry {
    if (body.recurrence) throw invalidRequest('An occurrence cannot carry a recurrence.');
    const master = entry.master;
    const date = entry.originalDate ?? '';
    const current = contentOf(entry);
    const patch = contentPatch(body, current);
    const next = { ...current, ...patch };
    if (body.start || body.end) {
      checkTimes(next.start, next.end, next.isAllDay);
      this.checkOccurrenceBoundary(master, date, next.start, next.end);
    }
    const exception: StoredException = master.exceptions.get(date) ?? {
      id: entry.id,
      changeKey: newChangeKey(),
      modifiedAt: this.now(),
      overrides: {},
    };
    exception.overrides = { ...exception.overrides, ...patch };
    exception.changeKey = newChangeKey();
    exception.modifiedAt = this.now();
    master.exceptions.set(date, exception);
    // An occurrence lives inside its master: the master's version moves and it is what notifies.
    this.touch(mailbox, master, 'updated');
    const updated = occurrenceEntry(master, date);
    if (master.isOrganizer) {
      const changed = meetingFields.some((f) => f in patch);
      this.meetings.occurrenceUpdated(mailbox, master, date, exception.overrides, changed, actor);
    }
    return updated;
  }

  private checkOccurrenceBoundary(master: StoredEvent, date: string, start: WallTime, end: WallTime): void {
    const dates = seriesDates(master, instantOf(end).toMillis() + 400 * 86_400_000);
    const at = dates.indexOf(date);
    const prev = at > 0 ? dates[at - 1] : undefined;
    const next = at >= 0 ? dates[at + 1] : undefined;
    const startMs = instantOf(start).toMillis();
    const endMs = instantOf(end).toMillis();
    const crosses =
      (prev !== undefined && occurrenceEntry(master, prev).endMs > startMs) ||
      (next !== undefined && occurrenceEntry(master, next).startMs < endMs);
    if (crosses) {
      throw new GraphHttpError(
        400,
        'ErrorOccurrenceCrossingBoundary',
        'Modified occurrence is crossing or overlapping adjacent occurrence.'
      );
    }
  }

  delete(mailbox: Mailbox, id: string, actor: Actor): void {
    const entry = this.get(mailbox, id);
    const master = entry.master;
    if (entry.originalDate) {
      master.cancelled.add(entry.originalDate);
      master.exceptions.delete(entry.originalDate);
      this.touch(mailbox, master, 'updated');
      if (master.isOrganizer) this.meetings.occurrenceCancelled(mailbox, master, entry.originalDate, actor);
      return;
    }
    mailbox.events.delete(master.id);
    this.touch(mailbox, master, 'deleted');
    if (master.isOrganizer) this.meetings.organizerDeleted(mailbox, master, actor);
  }

  respond(
    mailbox: Mailbox,
    id: string,
    response: Extract<ResponseType, 'accepted' | 'tentativelyAccepted' | 'declined'>,
    opts: { sendResponse: boolean; comment?: string },
    actor: Actor
  ): void {
    const entry = this.get(mailbox, id);
    if (entry.master.isOrganizer) {
      throw invalidRequest("Your request can't be completed. You can't respond to a meeting you organized.");
    }
    this.meetings.respond(mailbox, entry, response, opts, actor);
  }

  /** `POST /events/{id}/cancel`: organiser only, cancels for everyone and removes the item. */
  cancel(mailbox: Mailbox, id: string, actor: Actor): void {
    const entry = this.get(mailbox, id);
    if (!entry.master.isOrganizer) throw invalidRequest('You need to be an organizer to cancel a meeting.');
    this.delete(mailbox, id, actor);
  }
}

function checkTimes(start: WallTime, end: WallTime, isAllDay: boolean): void {
  const startAt = instantOf(start);
  const endAt = instantOf(end);
  if (endAt < startAt) {
    throw new GraphHttpError(
      400,
      'ErrorPropertyValidationFailure',
      'At least one property failed validation: end is before start.'
    );
  }
  if (isAllDay) {
    const midnight = (t: WallTime) => t.wall.slice(11).startsWith('00:00:00');
    if (!midnight(start) || !midnight(end) || start.label !== end.label || startAt.equals(endAt)) {
      throw new GraphHttpError(
        400,
        'ErrorPropertyValidationFailure',
        'At least one property failed validation: an all-day event must start and end at midnight in the same time zone.'
      );
    }
  }
}

function checkSeriesStart(event: StoredEvent): void {
  const range = event.recurrence?.range;
  if (range && range.startDate !== event.start.wall.slice(0, 10)) {
    throw new GraphHttpError(
      400,
      'ErrorPropertyValidationFailure',
      'At least one property failed validation: recurrence.range.startDate must equal the date of start.'
    );
  }
}

/** The content fields a PATCH body sets, normalised like on create. */
function contentPatch(body: EventWrite, current: EventContent): Partial<EventContent> {
  const patch: Partial<EventContent> = {};
  if (body.subject !== undefined) patch.subject = body.subject ?? '';
  if (body.body) patch.body = toStoredBody(body.body);
  if (body.importance) patch.importance = body.importance;
  if (body.sensitivity) patch.sensitivity = body.sensitivity;
  if (body.showAs) patch.showAs = body.showAs;
  if (body.isReminderOn !== undefined) patch.isReminderOn = body.isReminderOn;
  if (body.reminderMinutesBeforeStart !== undefined) patch.reminderMinutesBeforeStart = body.reminderMinutesBeforeStart;
  if (body.responseRequested !== undefined) patch.responseRequested = body.responseRequested;
  if (body.allowNewTimeProposals !== undefined) patch.allowNewTimeProposals = body.allowNewTimeProposals;
  if (body.hideAttendees !== undefined) patch.hideAttendees = body.hideAttendees;
  if (body.categories) patch.categories = body.categories;
  if (body.location !== undefined || body.locations) patch.location = toLocation(body.location ?? body.locations?.[0]);
  if (body.attendees) patch.attendees = toAttendees(body.attendees, current.attendees);
  if (body.isOnlineMeeting !== undefined) patch.isOnlineMeeting = body.isOnlineMeeting || current.isOnlineMeeting;
  if (body.start) patch.start = toWallTime(body.start);
  if (body.end) patch.end = toWallTime(body.end);
  if (body.isAllDay !== undefined) patch.isAllDay = body.isAllDay;
  return patch;
}

function upsertExtendedProperties(event: StoredEvent, props: { id: string; value: string }[]): void {
  for (const prop of props) {
    const existing = event.extendedProperties.find((p) => samePropertyId(p.id, prop.id));
    if (existing) existing.value = prop.value;
    else event.extendedProperties.push({ id: prop.id, value: prop.value });
  }
}
