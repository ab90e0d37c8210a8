import { z } from 'zod';

/**
 * What POST/PATCH /events accept. Graph validates enums (case-insensitively; it emits lowercase)
 * and rejects properties the type does not define (400 RequestBodyRead); read-only properties
 * that clients echo back are ignored.
 */

const ciEnum = <T extends string>(values: readonly [T, ...T[]]) => {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v]));
  return z.string().transform((v, ctx) => {
    const found = byLower.get(v.toLowerCase());
    if (!found) {
      ctx.addIssue({ code: 'custom', message: `Requested value '${v}' was not found.` });
      return z.NEVER;
    }
    return found;
  });
};

export const dayOfWeekSchema = ciEnum([
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const);

const dateTimeTimeZone = z.object({ dateTime: z.string().min(1), timeZone: z.string().optional() });
const emailAddress = z.object({ name: z.string().optional(), address: z.string().optional() });

export const attendeeWriteSchema = z.object({
  type: ciEnum(['required', 'optional', 'resource'] as const).optional(),
  emailAddress: emailAddress,
  status: z.unknown().optional(),
  proposedNewTime: z.unknown().optional(),
});

export const locationWriteSchema = z.object({
  displayName: z.string().optional(),
  locationType: z.string().optional(),
  uniqueId: z.string().nullable().optional(),
  uniqueIdType: z.string().optional(),
  locationUri: z.string().nullable().optional(),
  locationEmailAddress: z.string().nullable().optional(),
  address: z.record(z.string(), z.string().nullable()).nullable().optional(),
  coordinates: z.record(z.string(), z.number().nullable()).nullable().optional(),
});

export const recurrenceWriteSchema = z.object({
  pattern: z.object({
    type: ciEnum([
      'daily',
      'weekly',
      'absoluteMonthly',
      'relativeMonthly',
      'absoluteYearly',
      'relativeYearly',
    ] as const),
    interval: z.number().int().min(1).max(999),
    month: z.number().int().min(0).max(12).optional(),
    dayOfMonth: z.number().int().min(0).max(31).optional(),
    daysOfWeek: z.array(dayOfWeekSchema).optional(),
    firstDayOfWeek: dayOfWeekSchema.optional(),
    index: ciEnum(['first', 'second', 'third', 'fourth', 'last'] as const).optional(),
  }),
  range: z.object({
    type: ciEnum(['endDate', 'noEnd', 'numbered'] as const),
    startDate: z.iso.date(),
    endDate: z.string().nullable().optional(),
    numberOfOccurrences: z.number().int().min(0).optional(),
    recurrenceTimeZone: z.string().nullable().optional(),
  }),
});

const extendedPropertySchema = z.object({ id: z.string().min(1), value: z.string() });

export const eventWriteSchema = z
  .object({
    subject: z.string().nullable().optional(),
    body: z.object({ contentType: ciEnum(['text', 'html'] as const), content: z.string() }).optional(),
    importance: ciEnum(['low', 'normal', 'high'] as const).optional(),
    sensitivity: ciEnum(['normal', 'personal', 'private', 'confidential'] as const).optional(),
    showAs: ciEnum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const).optional(),
    isReminderOn: z.boolean().optional(),
    reminderMinutesBeforeStart: z.number().int().min(0).optional(),
    responseRequested: z.boolean().optional(),
    allowNewTimeProposals: z.boolean().optional(),
    hideAttendees: z.boolean().optional(),
    categories: z.array(z.string()).optional(),
    location: locationWriteSchema.nullable().optional(),
    locations: z.array(locationWriteSchema).optional(),
    attendees: z.array(attendeeWriteSchema).optional(),
    start: dateTimeTimeZone.optional(),
    end: dateTimeTimeZone.optional(),
    isAllDay: z.boolean().optional(),
    isOnlineMeeting: z.boolean().optional(),
    onlineMeetingProvider: z.string().optional(),
    recurrence: recurrenceWriteSchema.nullable().optional(),
    transactionId: z.string().max(255).nullable().optional(),
    singleValueExtendedProperties: z.array(extendedPropertySchema).optional(),
    organizer: z.object({ emailAddress: emailAddress }).optional(),
    // Read-only properties that clients commonly echo back; Graph ignores them.
    id: z.unknown().optional(),
    '@odata.etag': z.unknown().optional(),
    '@odata.type': z.unknown().optional(),
    '@odata.context': z.unknown().optional(),
    changeKey: z.unknown().optional(),
    createdDateTime: z.unknown().optional(),
    lastModifiedDateTime: z.unknown().optional(),
    iCalUId: z.unknown().optional(),
    type: z.unknown().optional(),
    seriesMasterId: z.unknown().optional(),
    originalStartTimeZone: z.unknown().optional(),
    originalEndTimeZone: z.unknown().optional(),
    bodyPreview: z.unknown().optional(),
    isOrganizer: z.unknown().optional(),
    responseStatus: z.unknown().optional(),
    webLink: z.unknown().optional(),
    isCancelled: z.unknown().optional(),
    isDraft: z.unknown().optional(),
    hasAttachments: z.unknown().optional(),
  })
  .strict();

export type EventWrite = z.infer<typeof eventWriteSchema>;
export type RecurrenceWrite = z.infer<typeof recurrenceWriteSchema>;
