/**
 * The body we write to `calendarEvent` (REST record v1, camelCase). Enums are written as {id} or
 * {refName}; references as {id}. Only fields REST really has: recurrence goes through the RESTlet.
 */
export interface NetSuiteRefWrite {
  id: string;
}

export interface NetSuiteEnumWrite {
  id?: string;
  refName?: string;
}

export interface NetSuiteAttendeeWrite {
  attendee: NetSuiteRefWrite;
  response?: NetSuiteEnumWrite;
  attendance?: NetSuiteEnumWrite;
}

export interface NetSuiteCalendarEventWrite {
  externalId?: string;
  title?: string;
  message?: string;
  location?: string;
  startDate?: string;
  /** Wall clock "HH:mm" in `timezone`; null clears it (all-day events). */
  startTime?: string | null;
  endTime?: string | null;
  allDayEvent?: boolean;
  timedEvent?: boolean;
  timezone?: string;
  accessLevel?: NetSuiteEnumWrite;
  status?: NetSuiteEnumWrite;
  organizer?: NetSuiteRefWrite;
  /** Always written whole: the client adds ?replace=attendee so lines never pile up. */
  attendee?: { items: NetSuiteAttendeeWrite[] };
}

/** NetSuite external ids: letters, digits, `_` and `-` (a `|` breaks eid: URLs, for instance). */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
