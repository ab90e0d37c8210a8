import { type NetSuiteRecurrence } from '../../domain/recurrence';

/**
 * The emulated account's data, in NetSuite's own terms (internal ids as numeric strings, wall-clock
 * date and time plus a zone on events, UTC instants for created/modified).
 */
export const ACCESS_LEVELS = ['PUBLIC', 'PRIVATE', 'SHOW AS BUSY'] as const;
export type AccessLevelId = (typeof ACCESS_LEVELS)[number];
export const EVENT_STATUSES = ['TENTATIVE', 'CONFIRMED', 'COMPLETE', 'CANCELLED'] as const;
export type EventStatusId = (typeof EVENT_STATUSES)[number];
export const ATTENDEE_RESPONSES = ['ACCEPTED', 'DECLINED', 'TENTATIVE', 'NO_RESPONSE'] as const;
export type AttendeeResponseId = (typeof ATTENDEE_RESPONSES)[number];
export const ATTENDANCES = ['REQUIRED', 'OPTIONAL'] as const;
export type AttendanceId = (typeof ATTENDANCES)[number];

export const ENUM_REF_NAMES: Record<string, string> = {
  PUBLIC: 'Public',
  PRIVATE: 'Private',
  'SHOW AS BUSY': 'Show as Busy',
  TENTATIVE: 'Tentative',
  CONFIRMED: 'Confirmed',
  COMPLETE: 'Completed',
  CANCELLED: 'Cancelled',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  NO_RESPONSE: 'No Response',
  REQUIRED: 'Required',
  OPTIONAL: 'Optional',
};

export type EntityType = 'employee' | 'contact';

export interface Entity {
  id: string;
  type: EntityType;
  /** The display name NetSuite uses as refName (entityid). */
  name: string;
  email: string;
  /** The person's time-zone preference (employees; contacts have none). */
  timeZone?: string;
}

export interface StoredAttendee {
  entityId: string;
  response: AttendeeResponseId;
  attendance: AttendanceId;
}

/** What the RESTlet reads and writes: the recurrence fields REST does not expose (domain shape). */
export type StoredRecurrence = NetSuiteRecurrence;

export interface StoredEvent {
  id: string;
  externalId?: string;
  title: string;
  message: string;
  location: string;
  startDate: string;
  /** HH:mm wall clock in `timezone`; all-day events read back as 08:00 and 18:00 (Oracle's note). */
  startTime: string;
  endTime: string;
  allDayEvent: boolean;
  timedEvent: boolean;
  /** IANA zone, or '' when none was given (then the user's preference applies). */
  timezone: string;
  accessLevel: AccessLevelId;
  status: EventStatusId;
  organizerId: string;
  ownerId: string;
  attendees: StoredAttendee[];
  recurrence?: StoredRecurrence;
  createdDate: string;
  lastModifiedDate: string;
}

/** Who made a change, and through which channel (the User Event script filters on this). */
export type ExecutionContext = 'USER_INTERFACE' | 'REST_WEBSERVICES' | 'RESTLET';
