import { z } from 'zod';

/**
 * What NetSuite sends back, validated at the edge. Records are parsed leniently where the service
 * varies (enum objects carry `links` on some releases and not others; `fields=` trims a record), and
 * strictly where sync depends on the value. Unknown keys (custom fields) are dropped.
 */

export const nsLinkSchema = z.object({ rel: z.string(), href: z.string() });

/** A reference to another record: {id, refName} plus links. */
export const nsRefSchema = z.object({
  id: z.string(),
  refName: z.string().optional(),
  externalId: z.string().optional(),
});

/** An enum value: since 2021.1 an object {id, refName}; `links: []` appears on some releases. */
export const nsEnumSchema = z.object({ id: z.string(), refName: z.string().optional() });

export const attendeeElementSchema = z.object({
  attendee: nsRefSchema,
  response: nsEnumSchema.optional(),
  attendance: nsEnumSchema.optional(),
});

/** A sublist: only `links` unless the record was read with expandSubResources=true. */
export const attendeeSublistSchema = z.object({
  items: z.array(attendeeElementSchema).optional(),
  links: z.array(nsLinkSchema).optional(),
});

const wallClockTimeSchema = z.string().min(1);
const dateSchema = z.iso.date();
const dateTimeSchema = z.iso.datetime({ offset: true });

export const calendarEventRecordSchema = z.object({
  id: z.string(),
  externalId: z.string().optional(),
  title: z.string().default(''),
  message: z.string().optional(),
  location: z.string().optional(),
  startDate: dateSchema,
  startTime: wallClockTimeSchema.optional(),
  endTime: wallClockTimeSchema.optional(),
  allDayEvent: z.boolean().optional(),
  timedEvent: z.boolean().optional(),
  timezone: z.string().optional(),
  accessLevel: nsEnumSchema.optional(),
  status: nsEnumSchema.optional(),
  organizer: nsRefSchema.optional(),
  owner: nsRefSchema.optional(),
  attendee: attendeeSublistSchema.optional(),
  recurrence: z.string().optional(),
  createdDate: dateTimeSchema.optional(),
  lastModifiedDate: dateTimeSchema.optional(),
});
export type NetSuiteCalendarEvent = z.infer<typeof calendarEventRecordSchema>;
export type NetSuiteAttendeeElement = z.infer<typeof attendeeElementSchema>;

/** A record read with `fields=` (NetSuite leaves out what was not asked for). */
export const partialCalendarEventSchema = calendarEventRecordSchema.partial();
export type PartialNetSuiteCalendarEvent = z.infer<typeof partialCalendarEventSchema>;

export const idOnlyRecordSchema = z.object({ id: z.string() });

/** A record collection page: ids and links only, never whole records. */
export const collectionPageSchema = z.object({
  links: z.array(nsLinkSchema).default([]),
  count: z.number().int().optional(),
  hasMore: z.boolean().optional(),
  offset: z.number().int().optional(),
  totalResults: z.number().int().optional(),
  items: z.array(z.object({ id: z.string(), links: z.array(nsLinkSchema).optional() })),
});
export type CollectionPage = z.infer<typeof collectionPageSchema>;

/** A SuiteQL page: every column value is a string; null columns are left out of the row. */
export const suiteQlPageSchema = z.object({
  count: z.number().int().optional(),
  hasMore: z.boolean().optional(),
  offset: z.number().int().optional(),
  totalResults: z.number().int().optional(),
  items: z.array(z.record(z.string(), z.unknown())),
});

export const suiteQlStringRow = <T extends Record<string, z.ZodType<string | undefined>>>(shape: T) => z.object(shape);

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string(),
});

export const errorEnvelopeSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  'o:errorCode': z.string().optional(),
  'o:errorDetails': z
    .array(
      z.object({
        detail: z.string().optional(),
        'o:errorCode': z.string().optional(),
        'o:errorPath': z.string().optional(),
        'o:errorQueryParam': z.string().optional(),
        'o:errorHeader': z.string().optional(),
      })
    )
    .optional(),
});

/** The OAuth 2.0 token endpoint answers errors in RFC 6749 shape, not o:errorDetails. */
export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
