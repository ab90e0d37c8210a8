/**
 * The emulator's stored calendar items. Singles and series masters are stored; occurrences are
 * computed from the master's recurrence, with exceptions and cancellations kept on the master, as
 * Exchange does.
 */

export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type ResponseType = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';
export type PatternType =
  'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
export type RangeType = 'endDate' | 'noEnd' | 'numbered';

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  emailAddress: EmailAddress;
  status: { response: ResponseType; time: string };
}

export interface Location {
  displayName: string;
  locationType: string;
  uniqueId?: string;
  uniqueIdType: string;
  address?: Record<string, string>;
  coordinates?: Record<string, number>;
}

export interface RecurrencePattern {
  type: PatternType;
  interval: number;
  month: number;
  dayOfMonth: number;
  daysOfWeek: DayOfWeek[];
  firstDayOfWeek: DayOfWeek;
  index: WeekIndex;
}

export interface RecurrenceRange {
  type: RangeType;
  startDate: string;
  endDate: string;
  recurrenceTimeZone: string;
  numberOfOccurrences: number;
}

export interface PatternedRecurrence {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** A point in time as the writer gave it: wall clock in a zone (label as sent, IANA for math). */
export interface WallTime {
  /** `yyyy-MM-ddTHH:mm:ss.SSS` */
  wall: string;
  /** The zone name as sent (Windows or IANA). */
  label: string;
  /** IANA zone used for arithmetic. */
  iana: string;
}

/** Fields a series exception may override, and that singles and masters carry. */
export interface EventContent {
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  importance: 'low' | 'normal' | 'high';
  sensitivity: Sensitivity;
  showAs: ShowAs;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  categories: string[];
  location: Location;
  attendees: Attendee[];
  isCancelled: boolean;
  isOnlineMeeting: boolean;
  responseStatus: { response: ResponseType; time: string };
  start: WallTime;
  end: WallTime;
  isAllDay: boolean;
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface StoredException {
  id: string;
  changeKey: string;
  modifiedAt: number;
  overrides: Partial<EventContent>;
}

/** Where an attendee's copy of a meeting came from. */
export interface MeetingLink {
  organizerMailbox: string;
  organizerEventId: string;
}

export interface StoredEvent extends EventContent {
  id: string;
  type: 'singleInstance' | 'seriesMaster';
  iCalUId: string;
  createdAt: number;
  modifiedAt: number;
  changeKey: string;
  transactionId?: string;
  originalStartTimeZone: string;
  originalEndTimeZone: string;
  organizer: EmailAddress;
  isOrganizer: boolean;
  recurrence?: PatternedRecurrence;
  /** Keyed by the occurrence's original date (YYYY-MM-DD in the series zone). */
  exceptions: Map<string, StoredException>;
  cancelled: Set<string>;
  extendedProperties: ExtendedProperty[];
  meetingLink?: MeetingLink;
}

/** One entry of the calendar as a reader sees it: a single, a master, an occurrence or an exception. */
export interface CalendarEntry {
  id: string;
  type: 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';
  master: StoredEvent;
  /** Original date of an occurrence or exception. */
  originalDate?: string;
  exception?: StoredException;
  startMs: number;
  endMs: number;
}

export interface Mailbox {
  upn: string;
  userId: string;
  displayName: string;
  tenantId?: string;
  events: Map<string, StoredEvent>;
  /** Monotonic change counter; delta tokens remember the generation they saw. */
  generation: number;
  /** Ids of items (master or single) changed at a generation, for out-of-window @removed hints. */
  changes: { generation: number; id: string }[];
}
