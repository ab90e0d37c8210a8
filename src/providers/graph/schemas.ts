import { z } from 'zod';
import { graphPatternedRecurrenceSchema } from '../../domain/recurrence';

/**
 * Graph responses as we accept them at the edge. Every property is optional because `$select`,
 * delta's minimal occurrences and older payloads all omit some; enums are open strings because
 * Graph adds members over time (the mapping decides what an unknown value means). Unknown
 * properties pass through untouched.
 */

const nullishString = z.string().nullish();
const nullishBool = z.boolean().nullish();

export const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: nullishString });

export const emailAddressSchema = z.object({ name: nullishString, address: nullishString });

export const attendeeSchema = z.looseObject({
  type: nullishString,
  emailAddress: emailAddressSchema.nullish(),
  status: z.object({ response: nullishString, time: nullishString }).nullish(),
});

export const locationSchema = z.looseObject({
  displayName: nullishString,
  locationType: nullishString,
  uniqueId: nullishString,
  uniqueIdType: nullishString,
});

export const extendedPropertySchema = z.object({ id: z.string(), value: nullishString });

const eventShape = {
  '@odata.type': z.string().optional(),
  '@odata.etag': z.string().optional(),
  '@removed': z.object({ reason: z.string().optional() }).optional(),
  id: z.string().optional(),
  createdDateTime: nullishString,
  lastModifiedDateTime: nullishString,
  changeKey: nullishString,
  categories: z.array(z.string()).nullish(),
  transactionId: nullishString,
  originalStartTimeZone: nullishString,
  originalEndTimeZone: nullishString,
  originalStart: nullishString,
  iCalUId: nullishString,
  reminderMinutesBeforeStart: z.number().int().nullish(),
  isReminderOn: nullishBool,
  subject: nullishString,
  bodyPreview: nullishString,
  body: z.object({ contentType: nullishString, content: nullishString }).nullish(),
  importance: nullishString,
  sensitivity: nullishString,
  showAs: nullishString,
  type: nullishString,
  isAllDay: nullishBool,
  isCancelled: nullishBool,
  isOrganizer: nullishBool,
  isDraft: nullishBool,
  responseRequested: nullishBool,
  hideAttendees: nullishBool,
  allowNewTimeProposals: nullishBool,
  isOnlineMeeting: nullishBool,
  seriesMasterId: nullishString,
  start: dateTimeTimeZoneSchema.nullish(),
  end: dateTimeTimeZoneSchema.nullish(),
  location: locationSchema.nullish(),
  locations: z.array(locationSchema).nullish(),
  recurrence: graphPatternedRecurrenceSchema.nullish(),
  attendees: z.array(attendeeSchema).nullish(),
  organizer: z.object({ emailAddress: emailAddressSchema.nullish() }).nullish(),
  responseStatus: z.object({ response: nullishString, time: nullishString }).nullish(),
  cancelledOccurrences: z.array(z.string()).nullish(),
  singleValueExtendedProperties: z.array(extendedPropertySchema).nullish(),
};

type EventShape = z.infer<z.ZodObject<typeof eventShape>> & {
  exceptionOccurrences?: GraphEvent[] | null | undefined;
  [key: string]: unknown;
};
export type GraphEvent = EventShape;

export const graphEventSchema: z.ZodType<GraphEvent> = z.looseObject({
  ...eventShape,
  exceptionOccurrences: z.array(z.lazy(() => graphEventSchema)).nullish(),
});

/** An event we can act on: it has an id. */
export type IdentifiedGraphEvent = GraphEvent & { id: string };

export const identifiedEventSchema = graphEventSchema.refine(
  (e): e is IdentifiedGraphEvent => typeof e.id === 'string' && e.id.length > 0,
  { message: 'event without id', path: ['id'] }
) as unknown as z.ZodType<IdentifiedGraphEvent>;

export const eventPageSchema = z.object({
  value: z.array(graphEventSchema),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

export const subscriptionSchema = z.looseObject({
  id: z.string(),
  resource: z.string(),
  changeType: z.string(),
  notificationUrl: z.string(),
  expirationDateTime: z.string(),
  clientState: nullishString,
  lifecycleNotificationUrl: nullishString,
  applicationId: nullishString,
});

export type GraphSubscription = z.infer<typeof subscriptionSchema>;

export const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown().optional(),
    })
  ),
});

export const graphErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});
