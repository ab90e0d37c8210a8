import type { Actor, Calendar } from './calendar';
import { newChangeKey, newEventId, occurrenceId } from './ids';
import type {
  Attendee,
  CalendarEntry,
  EventContent,
  Mailbox,
  ResponseType,
  StoredEvent,
  StoredException,
} from './model';
import { contentOf } from './occurrences';

/**
 * What Exchange does around meetings: it emails invitations, updates and cancellations for the
 * organiser, puts a copy of the meeting into each invited mailbox it hosts (same iCalUId), and
 * carries attendees' responses back to the organiser's copy.
 */

type Reply = Extract<ResponseType, 'accepted' | 'tentativelyAccepted' | 'declined'>;

const addressOf = (a: Attendee) => a.emailAddress.address.toLowerCase();
const showAsFor: Record<Reply, EventContent['showAs']> = {
  accepted: 'busy',
  tentativelyAccepted: 'tentative',
  declined: 'free',
};

export class MeetingDesk {
  constructor(private readonly cal: Calendar) {}

  private invitees(mailbox: Mailbox, attendees: Attendee[]): Attendee[] {
    return attendees.filter((a) => addressOf(a) !== mailbox.upn.toLowerCase());
  }

  private copies(mailbox: Mailbox, master: StoredEvent): { mailbox: Mailbox; event: StoredEvent }[] {
    const out: { mailbox: Mailbox; event: StoredEvent }[] = [];
    for (const other of this.cal.allMailboxes()) {
      for (const event of other.events.values()) {
        const link = event.meetingLink;
        if (link?.organizerEventId === master.id && link.organizerMailbox === mailbox.upn)
          out.push({ mailbox: other, event });
      }
    }
    return out;
  }

  private send(
    kind: 'invitation' | 'update' | 'cancellation',
    mailbox: Mailbox,
    event: StoredEvent,
    to: Attendee[],
    actor: Actor,
    date?: string
  ) {
    const message = {
      kind,
      actor,
      from: mailbox.upn,
      to: to.map((a) => a.emailAddress.address),
      subject: event.subject,
      iCalUId: event.iCalUId,
      eventId: event.id,
    };
    this.cal.mail(date ? { ...message, occurrenceDate: date } : message);
  }

  private deliverCopy(organizerMailbox: Mailbox, master: StoredEvent, attendee: Attendee): void {
    const target = this.cal.findMailbox(attendee.emailAddress.address);
    if (!target || this.copies(organizerMailbox, master).some((c) => c.mailbox === target)) return;
    const copy: StoredEvent = {
      ...structuredClone(master),
      id: newEventId(),
      changeKey: newChangeKey(),
      isOrganizer: false,
      responseStatus: { response: 'notResponded', time: '0001-01-01T00:00:00Z' },
      showAs: master.showAs === 'free' ? 'free' : 'tentative',
      extendedProperties: [],
      meetingLink: { organizerMailbox: organizerMailbox.upn, organizerEventId: master.id },
    };
    delete copy.transactionId;
    copy.exceptions = mirrorExceptions(master, copy.id);
    target.events.set(copy.id, copy);
    this.cal.touch(target, copy, 'created');
  }

  private cancelCopy(target: Mailbox, copy: StoredEvent): void {
    copy.isCancelled = true;
    copy.subject = `Canceled: ${copy.subject}`;
    this.cal.touch(target, copy, 'updated');
  }

  organizerCreated(mailbox: Mailbox, event: StoredEvent, actor: Actor): void {
    const invitees = this.invitees(mailbox, event.attendees);
    if (invitees.length === 0) return;
    this.send('invitation', mailbox, event, invitees, actor);
    for (const a of invitees) this.deliverCopy(mailbox, event, a);
  }

  organizerUpdated(
    mailbox: Mailbox,
    before: StoredEvent,
    event: StoredEvent,
    meetingChanged: boolean,
    actor: Actor
  ): void {
    const was = new Set(this.invitees(mailbox, before.attendees).map(addressOf));
    const now = this.invitees(mailbox, event.attendees);
    const added = now.filter((a) => !was.has(addressOf(a)));
    const kept = now.filter((a) => was.has(addressOf(a)));
    const removed = this.invitees(mailbox, before.attendees).filter(
      (a) => !now.some((n) => addressOf(n) === addressOf(a))
    );
    this.send('invitation', mailbox, event, added, actor);
    this.send('cancellation', mailbox, event, removed, actor);
    if (meetingChanged) this.send('update', mailbox, event, kept, actor);
    for (const a of added) this.deliverCopy(mailbox, event, a);
    const removedAddresses = new Set(removed.map(addressOf));
    for (const copy of this.copies(mailbox, event)) {
      if (removedAddresses.has(copy.mailbox.upn.toLowerCase())) {
        this.cancelCopy(copy.mailbox, copy.event);
        continue;
      }
      if (!meetingChanged && JSON.stringify(before.attendees) === JSON.stringify(event.attendees)) continue;
      mirrorMeeting(event, copy.event);
      this.cal.touch(copy.mailbox, copy.event, 'updated');
    }
  }

  organizerDeleted(mailbox: Mailbox, event: StoredEvent, actor: Actor): void {
    this.send('cancellation', mailbox, event, this.invitees(mailbox, event.attendees), actor);
    for (const copy of this.copies(mailbox, event)) this.cancelCopy(copy.mailbox, copy.event);
  }

  occurrenceUpdated(
    mailbox: Mailbox,
    master: StoredEvent,
    date: string,
    overrides: Partial<EventContent>,
    meetingChanged: boolean,
    actor: Actor
  ): void {
    if (!meetingChanged) return;
    this.send('update', mailbox, master, this.invitees(mailbox, master.attendees), actor, date);
    for (const copy of this.copies(mailbox, master)) {
      const own = copy.event.exceptions.get(date);
      const shared = { ...structuredClone(overrides) };
      delete shared.responseStatus;
      copy.event.exceptions.set(date, {
        id: occurrenceId(copy.event.id, date),
        changeKey: newChangeKey(),
        modifiedAt: this.cal.now(),
        overrides: { ...(own?.overrides ?? {}), ...shared },
      });
      this.cal.touch(copy.mailbox, copy.event, 'updated');
    }
  }

  occurrenceCancelled(mailbox: Mailbox, master: StoredEvent, date: string, actor: Actor): void {
    this.send('cancellation', mailbox, master, this.invitees(mailbox, master.attendees), actor, date);
    for (const copy of this.copies(mailbox, master)) {
      const own = copy.event.exceptions.get(date);
      copy.event.exceptions.set(date, {
        id: occurrenceId(copy.event.id, date),
        changeKey: newChangeKey(),
        modifiedAt: this.cal.now(),
        overrides: { ...(own?.overrides ?? {}), isCancelled: true, subject: `Canceled: ${master.subject}` },
      });
      this.cal.touch(copy.mailbox, copy.event, 'updated');
    }
  }

  respond(
    mailbox: Mailbox,
    entry: CalendarEntry,
    response: Reply,
    opts: { sendResponse: boolean; comment?: string },
    actor: Actor
  ): void {
    const copy = entry.master;
    const status = { response, time: new Date(this.cal.now()).toISOString() };
    const removes = response === 'declined' && this.cal.options.declineRemovesEvent;
    if (entry.originalDate) {
      if (removes) copy.cancelled.add(entry.originalDate);
      else setException(copy, entry, { responseStatus: status, showAs: showAsFor[response] }, this.cal.now());
      this.cal.touch(mailbox, copy, 'updated');
    } else if (removes) {
      mailbox.events.delete(copy.id);
      this.cal.touch(mailbox, copy, 'deleted');
    } else {
      copy.responseStatus = status;
      copy.showAs = showAsFor[response];
      this.cal.touch(mailbox, copy, 'updated');
    }
    if (opts.sendResponse) {
      this.cal.mail({
        kind: 'response',
        actor,
        from: mailbox.upn,
        to: [copy.organizer.address],
        subject: copy.subject,
        iCalUId: copy.iCalUId,
        eventId: copy.id,
        response,
        ...(entry.originalDate ? { occurrenceDate: entry.originalDate } : {}),
      });
    }
    this.recordAtOrganizer(mailbox, copy, entry.originalDate, status);
  }

  private recordAtOrganizer(
    attendeeMailbox: Mailbox,
    copy: StoredEvent,
    date: string | undefined,
    status: { response: ResponseType; time: string }
  ): void {
    const link = copy.meetingLink;
    const organizerMailbox = link && this.cal.findMailbox(link.organizerMailbox);
    const original = link && organizerMailbox?.events.get(link.organizerEventId);
    if (!organizerMailbox || !original) return;
    const me = attendeeMailbox.upn.toLowerCase();
    const withStatus = (attendees: Attendee[]) =>
      attendees.map((a) => (addressOf(a) === me ? { ...a, status: { ...status } } : a));
    if (date) {
      const entry: CalendarEntry = {
        id: '',
        type: 'occurrence',
        master: original,
        originalDate: date,
        startMs: 0,
        endMs: 0,
      };
      const existing = original.exceptions.get(date);
      if (existing) entry.exception = existing;
      setException(original, entry, { attendees: withStatus(contentOf(entry).attendees) }, this.cal.now());
    } else {
      original.attendees = withStatus(original.attendees);
    }
    this.cal.touch(organizerMailbox, original, 'updated');
  }
}

function setException(master: StoredEvent, entry: CalendarEntry, overrides: Partial<EventContent>, now: number): void {
  const date = entry.originalDate ?? '';
  const existing: StoredException = master.exceptions.get(date) ?? {
    id: occurrenceId(master.id, date),
    changeKey: newChangeKey(),
    modifiedAt: now,
    overrides: {},
  };
  existing.overrides = { ...existing.overrides, ...overrides };
  existing.changeKey = newChangeKey();
  existing.modifiedAt = now;
  master.exceptions.set(date, existing);
}

function mirrorExceptions(master: StoredEvent, copyId: string): Map<string, StoredException> {
  const out = new Map<string, StoredException>();
  for (const [date, ex] of master.exceptions) {
    const overrides = structuredClone(ex.overrides);
    delete overrides.responseStatus;
    out.set(date, { id: occurrenceId(copyId, date), changeKey: newChangeKey(), modifiedAt: ex.modifiedAt, overrides });
  }
  return out;
}

/** Brings an attendee's copy in line with the organiser's meeting, keeping the attendee's own fields. */
function mirrorMeeting(from: StoredEvent, to: StoredEvent): void {
  const keep = {
    responseStatus: to.responseStatus,
    showAs: to.showAs,
    categories: to.categories,
    isReminderOn: to.isReminderOn,
    reminderMinutesBeforeStart: to.reminderMinutesBeforeStart,
  };
  const shared = structuredClone(from);
  Object.assign(to, {
    subject: shared.subject,
    body: shared.body,
    importance: shared.importance,
    sensitivity: shared.sensitivity,
    location: shared.location,
    attendees: shared.attendees,
    start: shared.start,
    end: shared.end,
    isAllDay: shared.isAllDay,
    type: shared.type,
    originalStartTimeZone: shared.originalStartTimeZone,
    originalEndTimeZone: shared.originalEndTimeZone,
    cancelled: shared.cancelled,
    ...keep,
  });
  if (shared.recurrence) to.recurrence = shared.recurrence;
  to.exceptions = mirrorExceptions(from, to.id);
}
