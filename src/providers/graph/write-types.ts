/**
 * What we send to Graph when creating or patching an event (a subset of the event resource;
 * PATCH bodies carry only the properties that changed).
 */
export interface GraphDateTimeWrite {
  dateTime: string;
  timeZone: string;
}

export interface GraphRecurrenceWrite {
  pattern: {
    type: string;
    interval: number;
    month?: number;
    dayOfMonth?: number;
    daysOfWeek?: string[];
    firstDayOfWeek?: string;
    index?: string;
  };
  range: {
    type: string;
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    recurrenceTimeZone?: string;
  };
}

export interface GraphEventWrite {
  subject?: string;
  body?: { contentType: 'text' | 'html'; content: string };
  start?: GraphDateTimeWrite;
  end?: GraphDateTimeWrite;
  isAllDay?: boolean;
  location?: { displayName: string };
  sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
  showAs?: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  categories?: string[];
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  attendees?: { type: 'required' | 'optional' | 'resource'; emailAddress: { address: string; name?: string } }[];
  recurrence?: GraphRecurrenceWrite | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
  transactionId?: string;
}
