import { z } from 'zod';

/**
 * The canonical event: what calsync knows about one calendar item, independent of any provider.
 * Provider mappings translate to and from it; the planner compares per-side projections of it.
 * Validated with zod wherever it enters from a provider mapping.
 */

export const sideSchema = z.enum(['outlook', 'netsuite', 'autotask']);
export type Side = z.infer<typeof sideSchema>;

export const itemKindSchema = z.enum(['event', 'series', 'occurrence', 'todo', 'service-call']);
export type ItemKind = z.infer<typeof itemKindSchema>;

/** An instant in UTC, ISO-8601 with a Z suffix (e.g. 2026-03-08T09:30:00.000Z). */
export const utcInstantSchema = z.iso.datetime({ offset: false });
/** A floating calendar date (YYYY-MM-DD), used for all-day events so they never shift by a day. */
export const isoDateSchema = z.iso.date();
/** An IANA zone name (e.g. Europe/Berlin). */
export const ianaZoneSchema = z.string().min(1);

export const visibilitySchema = z.enum(['public', 'private', 'busy-only']);
export const showAsSchema = z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);
export const statusSchema = z.enum(['confirmed', 'tentative', 'cancelled']);
export const responseSchema = z.enum(['none', 'organizer', 'accepted', 'tentative', 'declined', 'notResponded']);
export const attendeeTypeSchema = z.enum(['required', 'optional', 'resource']);

export const personSchema = z.object({
  email: z.string().min(1),
  name: z.string().optional(),
});

export const attendeeSchema = personSchema.extend({
  type: attendeeTypeSchema.default('required'),
  response: responseSchema.default('none'),
});

/** Timed events carry UTC instants plus the zone they were made in; all-day events a date range. */
export const timingSchema = z.discriminatedUnion('allDay', [
  z.object({
    allDay: z.literal(false),
    start: utcInstantSchema,
    end: utcInstantSchema,
    timeZone: ianaZoneSchema,
  }),
  z.object({
    allDay: z.literal(true),
    /** First day, inclusive. */
    startDate: isoDateSchema,
    /** Day after the last day (exclusive), as Graph and iCalendar use it. */
    endDate: isoDateSchema,
    /** The zone in which the day boundaries are understood (the owner's zone). */
    timeZone: ianaZoneSchema,
  }),
]);

/** Recurrence as an RFC 5545 rule, expanded in `timeZone`, with exceptions keyed by original start. */
export const recurrenceSchema = z.object({
  /** The RRULE body without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231". */
  rrule: z.string().min(1),
  timeZone: ianaZoneSchema,
  /** Original starts (UTC instants, or dates for all-day series) of cancelled occurrences. */
  exdates: z.array(z.string()).default([]),
  /** Original starts of occurrences that were modified; the modified occurrence is its own item. */
  overrides: z.array(z.string()).default([]),
});

/** Outlook's own access value; kept so that a lossy round trip cannot turn "personal" into "private". */
export const outlookSensitivitySchema = z.enum(['normal', 'personal', 'private', 'confidential']);
/** NetSuite's own access value; kept so that Private and Show as Busy stay distinct. */
export const netSuiteAccessLevelSchema = z.enum(['PUBLIC', 'PRIVATE', 'SHOW_AS_BUSY']);
export const netSuiteStatusSchema = z.enum(['CONFIRMED', 'TENTATIVE', 'COMPLETE', 'CANCELLED']);

export const providerExtrasSchema = z
  .object({
    outlook: z
      .object({
        sensitivity: outlookSensitivitySchema.optional(),
      })
      .optional(),
    netsuite: z
      .object({
        accessLevel: netSuiteAccessLevelSchema.optional(),
        status: netSuiteStatusSchema.optional(),
      })
      .optional(),
    autotask: z
      .object({
        companyId: z.number().int().optional(),
        companyName: z.string().optional(),
        contactName: z.string().optional(),
        actionTypeId: z.number().int().optional(),
        actionTypeName: z.string().optional(),
        tickets: z.array(z.object({ number: z.string(), title: z.string() })).optional(),
      })
      .optional(),
  })
  .default({});

export const canonicalEventSchema = z.object({
  kind: itemKindSchema,
  title: z.string(),
  description: z.string().default(''),
  location: z.string().default(''),
  timing: timingSchema,
  visibility: visibilitySchema.default('public'),
  showAs: showAsSchema.default('busy'),
  status: statusSchema.default('confirmed'),
  organizer: personSchema.optional(),
  attendees: z.array(attendeeSchema).default([]),
  categories: z.array(z.string()).default([]),
  /** Minutes before start; absent when no reminder is set. */
  reminderMinutes: z.number().int().min(0).optional(),
  recurrence: recurrenceSchema.optional(),
  /** For an occurrence: the original start of the occurrence within its series. */
  originalStart: z.string().optional(),
  /** RFC 5545 UID shared by every copy of one meeting across mailboxes. */
  iCalUid: z.string().optional(),
  extras: providerExtrasSchema,
});

export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type CanonicalEventInput = z.input<typeof canonicalEventSchema>;
export type Timing = z.infer<typeof timingSchema>;
export type Attendee = z.infer<typeof attendeeSchema>;
export type Recurrence = z.infer<typeof recurrenceSchema>;
export type Visibility = z.infer<typeof visibilitySchema>;
export type ShowAs = z.infer<typeof showAsSchema>;
export type ResponseStatus = z.infer<typeof responseSchema>;

/** Validates a mapped event at the boundary; throws a ZodError naming the bad fields. */
export function parseCanonicalEvent(input: unknown): CanonicalEvent {
  return canonicalEventSchema.parse(input);
}
