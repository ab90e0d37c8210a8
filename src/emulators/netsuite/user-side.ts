import { type z } from 'zod';
import { netSuiteRecurrenceSchema } from '../../domain/recurrence';
import { IANAZone } from 'luxon';
import { type EmulatedAccount } from './account';
import { cloneEvent, commitCreate, commitDelete, commitUpdate, draftEvent } from './event-lifecycle';
import {
  type AccessLevelId,
  type AttendanceId,
  type AttendeeResponseId,
  type EventStatusId,
  type StoredAttendee,
  type StoredEvent,
} from './model';

export interface UserSideEventInput {
  title: string;
  message?: string;
  location?: string;
  /** YYYY-MM-DD, the event's date in its zone. */
  date: string;
  /** HH:mm wall clock; ignored for all-day events. */
  startTime?: string;
  endTime?: string;
  allDay?: boolean;
  /** Default: the person's own zone preference. Pass '' to leave the event's zone empty. */
  timezone?: string;
  accessLevel?: AccessLevelId;
  status?: EventStatusId;
  attendees?: { entityId: string; response?: AttendeeResponseId; attendance?: AttendanceId }[];
  /** NetSuite's own recurrence fields (as the RESTlet carries them). */
  recurrence?: z.input<typeof netSuiteRecurrenceSchema>;
  /** The form's "Send Invitations" box: NetSuite emails every attendee. */
  sendInvitations?: boolean;
}

/** A person working in the NetSuite UI: their changes fire the User Event script (and so the push). */
export interface UserSide {
  createEvent(asEmployeeId: string, input: UserSideEventInput): StoredEvent;
  editEvent(asEmployeeId: string, eventId: string, patch: Partial<UserSideEventInput>): StoredEvent;
  deleteEvent(asEmployeeId: string, eventId: string, options?: { sendCancellations?: boolean }): void;
  /** An attendee accepts, declines or answers tentatively (an inline edit: xedit). */
  respond(asEntityId: string, eventId: string, response: AttendeeResponseId): StoredEvent;
  /** Removes one occurrence of a recurring series. */
  excludeOccurrence(asEmployeeId: string, eventId: string, date: string): StoredEvent;
}

export function createUserSide(account: EmulatedAccount): UserSide {
  const person = (id: string) => {
    const entity = account.entities.get(id);
    if (!entity) throw new Error(`no entity ${id} in account ${account.realm}`);
    return entity;
  };
  const existing = (id: string) => {
    const event = account.events.get(id);
    if (!event) throw new Error(`no calendar event ${id} in account ${account.realm}`);
    return cloneEvent(event);
  };
  const apply = (event: StoredEvent, input: Partial<UserSideEventInput>) => {
    if (input.title !== undefined) event.title = input.title;
    if (input.message !== undefined) event.message = input.message;
    if (input.location !== undefined) event.location = input.location;
    if (input.date !== undefined) event.startDate = input.date;
    if (input.timezone !== undefined) {
      if (input.timezone && !IANAZone.isValidZone(input.timezone)) throw new Error(`invalid zone ${input.timezone}`);
      event.timezone = input.timezone;
    }
    if (input.allDay !== undefined) {
      event.allDayEvent = input.allDay;
      event.timedEvent = !input.allDay;
    }
    if (input.startTime !== undefined) event.startTime = input.startTime;
    if (input.endTime !== undefined) event.endTime = input.endTime;
    if (event.allDayEvent) {
      event.startTime = '08:00';
      event.endTime = '18:00';
    }
    if (input.accessLevel !== undefined) event.accessLevel = input.accessLevel;
    if (input.status !== undefined) event.status = input.status;
    if (input.attendees !== undefined) {
      const lines: StoredAttendee[] = input.attendees.map((a) => ({
        entityId: person(a.entityId).id,
        response: a.response ?? 'NO_RESPONSE',
        attendance: a.attendance ?? 'REQUIRED',
      }));
      // The UI always keeps the organiser on the attendee list, as accepted.
      if (!lines.some((l) => l.entityId === event.organizerId))
        lines.unshift({ entityId: event.organizerId, response: 'ACCEPTED', attendance: 'REQUIRED' });
      event.attendees = lines;
    }
    if (input.recurrence !== undefined) {
      event.recurrence = netSuiteRecurrenceSchema.parse(input.recurrence);
      event.startDate = event.recurrence.seriesStartDate;
    }
  };
  const invite = (event: StoredEvent, kind: 'invitation' | 'update' | 'cancellation') => {
    for (const line of event.attendees) {
      if (line.entityId === event.organizerId) continue;
      const to = account.entities.get(line.entityId)?.email;
      if (to)
        account.sentEmails.push({
          eventId: event.id,
          to,
          kind,
          subject: event.title,
          at: new Date(account.now()).toISOString(),
        });
    }
  };

  return {
    createEvent(asEmployeeId, input) {
      const me = person(asEmployeeId);
      const draft = draftEvent(account, me.id);
      draft.timezone = me.timeZone ?? '';
      apply(draft, { attendees: [], ...input });
      const event = commitCreate(account, draft, 'USER_INTERFACE', me.id);
      if (input.sendInvitations) invite(event, 'invitation');
      return event;
    },
    editEvent(asEmployeeId, eventId, patch) {
      const event = existing(eventId);
      apply(event, patch);
      const saved = commitUpdate(account, event, 'USER_INTERFACE', person(asEmployeeId).id);
      if (patch.sendInvitations) invite(saved, 'update');
      return saved;
    },
    deleteEvent(asEmployeeId, eventId, options) {
      const event = existing(eventId);
      commitDelete(account, event, 'USER_INTERFACE', person(asEmployeeId).id);
      if (options?.sendCancellations) invite(event, 'cancellation');
    },
    respond(asEntityId, eventId, response) {
      const event = existing(eventId);
      const line = event.attendees.find((l) => l.entityId === asEntityId);
      if (!line) throw new Error(`entity ${asEntityId} is not invited to event ${eventId}`);
      line.response = response;
      return commitUpdate(account, event, 'USER_INTERFACE', person(asEntityId).id, 'xedit');
    },
    excludeOccurrence(asEmployeeId, eventId, date) {
      const event = existing(eventId);
      if (!event.recurrence) throw new Error(`event ${eventId} is not recurring`);
      if (!event.recurrence.exclusionDateList.includes(date))
        event.recurrence.exclusionDateList = [...event.recurrence.exclusionDateList, date].sort();
      return commitUpdate(account, event, 'USER_INTERFACE', person(asEmployeeId).id);
    },
  };
}
