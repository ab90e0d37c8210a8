import { z } from 'zod';
import {
  accessValueSchema,
  netSuiteAccessOfVisibility,
  outlookSensitivityOfVisibility,
  type AccessValue,
} from './access-level';
import { allDayToInstants } from './all-day';
import {
  attendeeTypeSchema,
  type CanonicalEvent,
  responseSchema,
  type ResponseStatus,
  showAsSchema,
  type Side,
  sideSchema,
  type Timing,
  timingSchema,
} from './canonical-event';
import { netSuiteFormOf, normalizeRRule, occurrenceKeyOf } from './recurrence';
import { canonicalIanaZone, normalizeInstant, UTC_ZONE } from './time-zones';

/**
 * A native projection: the fields one side can carry, in that side's own terms. The link keeps
 * the last projection we saw or wrote per side (the base); a side changed iff its current
 * projection differs from its base. Our own writes therefore come back equal to the base.
 */

export const projectedAttendeeSchema = z.object({
  email: z.string(),
  name: z.string().optional(),
  type: attendeeTypeSchema,
});
export type ProjectedAttendee = z.infer<typeof projectedAttendeeSchema>;

export const projectedRecurrenceSchema = z.object({
  rrule: z.string(),
  timeZone: z.string(),
  exdates: z.array(z.string()),
});
export type ProjectedRecurrence = z.infer<typeof projectedRecurrenceSchema>;

/** Outlook: active | cancelled. NetSuite: its own four statuses. */
export const projectedStatusSchema = z.enum(['active', 'cancelled', 'CONFIRMED', 'TENTATIVE', 'COMPLETE', 'CANCELLED']);
export type ProjectedStatus = z.infer<typeof projectedStatusSchema>;

export const projectionFieldsSchema = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  timing: timingSchema.optional(),
  access: accessValueSchema.optional(),
  showAs: showAsSchema.optional(),
  status: projectedStatusSchema.optional(),
  categories: z.array(z.string()).optional(),
  reminderMinutes: z.number().int().min(0).nullable().optional(),
  /** Organiser's email (lowercase); informs meeting rules, never merged. */
  organizer: z.string().nullable().optional(),
  attendees: z.array(projectedAttendeeSchema).optional(),
  /** Responses of synced users by email: Outlook carries its owner's, NetSuite every synced attendee's. */
  responses: z.record(z.string(), responseSchema).optional(),
  recurrence: projectedRecurrenceSchema.nullable().optional(),
});
export type ProjectionFields = z.infer<typeof projectionFieldsSchema>;
export type FieldName = keyof ProjectionFields;

export const projectionSchema = z.object({ side: sideSchema, fields: projectionFieldsSchema });
export type Projection = z.infer<typeof projectionSchema>;

/**
 * Fields each side carries, as our mappings read and write them. NetSuite recurrence only when the
 * deployment writes series natively. NetSuite reminders are not carried: the NetSuite mapping
 * neither reads nor writes them, so a stored reminder would read back as none and look like an edit.
 */
export const SIDE_FIELDS: Readonly<Record<Side, readonly FieldName[]>> = {
  outlook: [
    'title',
    'description',
    'location',
    'timing',
    'access',
    'showAs',
    'status',
    'categories',
    'reminderMinutes',
    'organizer',
    'attendees',
    'responses',
    'recurrence',
  ],
  netsuite: [
    'title',
    'description',
    'location',
    'timing',
    'access',
    'status',
    'organizer',
    'attendees',
    'responses',
    'recurrence',
  ],
  // Location: service calls only (their company's address); appointments and to-dos have none.
  autotask: ['title', 'description', 'location', 'timing'],
};

/** Autotask appointment limits (AT-SPEC field lengths). */
export const AUTOTASK_TITLE_MAX = 256;
export const AUTOTASK_DESCRIPTION_MAX = 8000;

export interface ProjectionContext {
  /** Email of the mailbox / resource owner (per-user sides). */
  readonly ownerEmail?: string;
  /** Owner's IANA zone: where an all-day event's days begin, for Autotask. */
  readonly ownerZone?: string;
  /** Emails of every synced user: NetSuite carries responses for these attendees only. */
  readonly syncedEmails?: readonly string[];
  /** Whether NetSuite holds series natively (SOAP/RESTlet); otherwise it gets single events. */
  readonly netsuiteNativeRecurrence?: boolean;
}

const lower = (email: string): string => email.trim().toLowerCase();

function truncateMinute(instant: string): string {
  const ms = Date.parse(instant);
  return new Date(ms - (((ms % 60_000) + 60_000) % 60_000)).toISOString();
}

/** Timing in the precision and terms of a side. */
export function normalizeTiming(side: Side, timing: Timing, ownerZone?: string): Timing {
  const zone = canonicalIanaZone(timing.timeZone) ?? UTC_ZONE;
  if (timing.allDay) {
    if (side !== 'autotask') return { ...timing, timeZone: zone };
    // Autotask stores instants only: an all-day event blocks the owner's whole local days.
    const dayZone = canonicalIanaZone(ownerZone ?? zone) ?? UTC_ZONE;
    const span = allDayToInstants(timing, dayZone);
    return { allDay: false, start: span.start, end: span.end, timeZone: dayZone };
  }
  const start = normalizeInstant(timing.start);
  const end = normalizeInstant(timing.end);
  if (side === 'netsuite')
    return { allDay: false, start: truncateMinute(start), end: truncateMinute(end), timeZone: zone };
  if (side === 'autotask') return { allDay: false, start, end, timeZone: canonicalIanaZone(ownerZone ?? zone) ?? zone };
  return { allDay: false, start, end, timeZone: zone };
}

function normalizeAttendees(
  attendees: readonly ProjectedAttendee[],
  organizer: string | null | undefined
): ProjectedAttendee[] {
  const byEmail = new Map<string, ProjectedAttendee>();
  for (const a of attendees) {
    const email = lower(a.email);
    if (email === '' || email === organizer) continue;
    byEmail.set(email, { email, type: a.type, ...(a.name ? { name: a.name } : {}) });
  }
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

/** A series as NetSuite reads it back (no COUNT, Sunday weeks), so our own write is not an edit. */
function inNetSuiteForm(recurrence: ProjectedRecurrence, timing: Timing | undefined): ProjectedRecurrence {
  const form = timing ? netSuiteFormOf(recurrence, timing) : undefined;
  return form ? { ...recurrence, rrule: form.rrule, exdates: [...form.exdates] } : recurrence;
}

export function normalizeRecurrence(recurrence: ProjectedRecurrence, allDay: boolean): ProjectedRecurrence {
  return {
    rrule: normalizeRRule(recurrence.rrule),
    timeZone: canonicalIanaZone(recurrence.timeZone) ?? UTC_ZONE,
    exdates: [...new Set(recurrence.exdates.map((d) => occurrenceKeyOf(d, allDay)))].sort(),
  };
}

/**
 * Brings fields into a side's terms and precision (truncated titles, minute precision). Applied to
 * every projection we store or write, so that what a side can hold is exactly what we compare against.
 */
export function normalizeFields(side: Side, fields: ProjectionFields, ctx: ProjectionContext = {}): ProjectionFields {
  const out: ProjectionFields = {};
  const carried = new Set(SIDE_FIELDS[side]);
  const organizer =
    fields.organizer === undefined || fields.organizer === null ? fields.organizer : lower(fields.organizer);
  for (const [key, value] of Object.entries(fields) as [FieldName, ProjectionFields[FieldName]][]) {
    if (value === undefined || !carried.has(key)) continue;
    switch (key) {
      case 'title':
        out.title = side === 'autotask' ? fields.title?.slice(0, AUTOTASK_TITLE_MAX) : fields.title;
        break;
      case 'description':
        out.description =
          side === 'autotask' ? fields.description?.slice(0, AUTOTASK_DESCRIPTION_MAX) : fields.description;
        break;
      case 'location':
        out.location = fields.location;
        break;
      case 'timing':
        if (fields.timing) out.timing = normalizeTiming(side, fields.timing, ctx.ownerZone);
        break;
      case 'access':
        out.access = fields.access;
        break;
      case 'showAs':
        out.showAs = fields.showAs;
        break;
      case 'status':
        out.status = fields.status;
        break;
      case 'categories':
        out.categories = [...new Set(fields.categories ?? [])].sort();
        break;
      case 'reminderMinutes':
        out.reminderMinutes = fields.reminderMinutes;
        break;
      case 'organizer':
        out.organizer = organizer;
        break;
      case 'attendees':
        out.attendees = normalizeAttendees(fields.attendees ?? [], organizer);
        break;
      case 'responses': {
        const responses: Record<string, ResponseStatus> = {};
        for (const email of Object.keys(fields.responses ?? {}).sort()) {
          const response = fields.responses?.[email];
          if (response !== undefined) responses[lower(email)] = response;
        }
        out.responses = responses;
        break;
      }
      case 'recurrence':
        if (side === 'netsuite' && !ctx.netsuiteNativeRecurrence) break;
        out.recurrence =
          fields.recurrence === null || fields.recurrence === undefined
            ? fields.recurrence
            : normalizeRecurrence(
                side === 'netsuite' ? inNetSuiteForm(fields.recurrence, fields.timing) : fields.recurrence,
                fields.timing?.allDay ?? false
              );
        break;
    }
  }
  return out;
}

function ownResponse(event: CanonicalEvent, ownerEmail: string): ResponseStatus {
  if (event.organizer && lower(event.organizer.email) === ownerEmail) return 'organizer';
  return event.attendees.find((a) => lower(a.email) === ownerEmail)?.response ?? 'none';
}

function nativeAccess(side: Side, event: CanonicalEvent): AccessValue | undefined {
  if (side === 'outlook') return event.extras.outlook?.sensitivity ?? outlookSensitivityOfVisibility(event.visibility);
  if (side === 'netsuite') return event.extras.netsuite?.accessLevel ?? netSuiteAccessOfVisibility(event.visibility);
  return undefined;
}

function nativeStatus(side: Side, event: CanonicalEvent): ProjectedStatus | undefined {
  if (side === 'outlook') return event.status === 'cancelled' ? 'cancelled' : 'active';
  if (side === 'netsuite') {
    if (event.extras.netsuite?.status) return event.extras.netsuite.status;
    return event.status === 'cancelled' ? 'CANCELLED' : event.status === 'tentative' ? 'TENTATIVE' : 'CONFIRMED';
  }
  return undefined;
}

/** The native projection of a canonical event, as a provider mapping produced it, for one side. */
export function project(side: Side, event: CanonicalEvent, ctx: ProjectionContext = {}): Projection {
  const organizer = event.organizer ? lower(event.organizer.email) : null;
  const owner = ctx.ownerEmail !== undefined ? lower(ctx.ownerEmail) : undefined;
  const synced = new Set((ctx.syncedEmails ?? []).map(lower));
  let responses: Record<string, ResponseStatus> | undefined;
  if (side === 'outlook' && owner !== undefined) responses = { [owner]: ownResponse(event, owner) };
  if (side === 'netsuite') {
    responses = {};
    for (const a of event.attendees) if (synced.has(lower(a.email))) responses[lower(a.email)] = a.response;
  }
  const fields: ProjectionFields = {
    title: event.title,
    description: event.description,
    location: side === 'autotask' && event.kind !== 'service-call' ? undefined : event.location,
    timing: event.timing,
    access: nativeAccess(side, event),
    showAs: event.showAs,
    status: nativeStatus(side, event),
    categories: event.categories,
    reminderMinutes: event.reminderMinutes ?? null,
    organizer,
    attendees: event.attendees.map((a) => ({ email: a.email, type: a.type, ...(a.name ? { name: a.name } : {}) })),
    ...(responses ? { responses } : {}),
    recurrence: event.recurrence
      ? { rrule: event.recurrence.rrule, timeZone: event.recurrence.timeZone, exdates: event.recurrence.exdates }
      : null,
  };
  return { side, fields: normalizeFields(side, fields, ctx) };
}
