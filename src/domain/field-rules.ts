import { accessClassOf, accessForSide } from './access-level';
import { instantsToAllDay } from './all-day';
import { type ResponseStatus, type Side, type Timing } from './canonical-event';
import {
  type FieldName,
  normalizeFields,
  type ProjectionContext,
  type ProjectionFields,
  type ProjectedStatus,
  SIDE_FIELDS,
} from './projection';
import { deepEqual } from './stable-json';

/**
 * Field-level rules of the merge: which values mean the same across sides, and how a value
 * from one side is written in another's terms. Keeping the target's value whenever it already
 * means the same thing is what makes lossy mappings stable (no ping-pong).
 */

/** A mergeable field. Responses merge per synced user: `responses:<email>`. */
export type FieldKey = Exclude<FieldName, 'responses' | 'organizer'> | `responses:${string}`;

export const PLAIN_FIELD_KEYS: readonly FieldKey[] = [
  'title',
  'description',
  'location',
  'timing',
  'access',
  'showAs',
  'status',
  'categories',
  'reminderMinutes',
  'attendees',
  'recurrence',
];

/** Fields that belong to the meeting, which only the organiser's copy may change. */
export const MEETING_FIELDS: ReadonlySet<FieldKey> = new Set<FieldKey>([
  'title',
  'description',
  'location',
  'timing',
  'attendees',
  'recurrence',
  'status',
]);

/** Title an Outlook event that is not public gets in Autotask (and its description is dropped). */
export const REDACTED_TITLE = 'Appointment';

export function responseEmail(key: FieldKey): string | undefined {
  return key.startsWith('responses:') ? key.slice('responses:'.length) : undefined;
}

export function getField(fields: ProjectionFields, key: FieldKey): unknown {
  const email = responseEmail(key);
  if (email !== undefined) return fields.responses?.[email];
  return fields[key as Exclude<FieldKey, `responses:${string}`>];
}

export function setField(fields: ProjectionFields, key: FieldKey, value: unknown): ProjectionFields {
  const email = responseEmail(key);
  if (email !== undefined) {
    return { ...fields, responses: { ...(fields.responses ?? {}), [email]: value as ResponseStatus } };
  }
  return { ...fields, [key]: value };
}

export function carries(side: Side, key: FieldKey, fields: ProjectionFields | undefined): boolean {
  const email = responseEmail(key);
  if (email !== undefined) {
    if (!SIDE_FIELDS[side].includes('responses')) return false;
    if (fields?.responses?.[email] !== undefined) return true;
    // Every NetSuite attendee line holds a response, even one we wrote before that attendee's
    // response was known: without this, a synced invitee who answers before NetSuite is read
    // again never reaches NetSuite (found by test/workflows/meetings.int.test.ts).
    return side === 'netsuite' && (fields?.attendees ?? []).some((a) => a.email === email);
  }
  // Only a service call has a location in Autotask (see SIDE_FIELDS): it is read, never written.
  if (side === 'autotask' && key === 'location') return fields?.location !== undefined;
  return SIDE_FIELDS[side].includes(key as FieldName);
}

/** All field keys present on any of the given projections. */
export function fieldKeysOf(projections: readonly (ProjectionFields | undefined)[]): FieldKey[] {
  const emails = new Set<string>();
  for (const p of projections) for (const email of Object.keys(p?.responses ?? {})) emails.add(email);
  return [...PLAIN_FIELD_KEYS, ...[...emails].sort().map((e): FieldKey => `responses:${e}`)];
}

function timingEquals(a: Timing | undefined, b: Timing | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.allDay && b.allDay) return a.startDate === b.startDate && a.endDate === b.endDate;
  if (!a.allDay && !b.allDay)
    return Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);
  return false;
}

/** Whether two values of one field are the same. A zone change alone is not a change of timing. */
export function fieldEquals(key: FieldKey, a: unknown, b: unknown): boolean {
  if (key === 'timing') return timingEquals(a as Timing | undefined, b as Timing | undefined);
  return deepEqual(a ?? null, b ?? null);
}

function responseMeaning(response: ResponseStatus): 'accepted' | 'tentative' | 'declined' | 'none' {
  if (response === 'organizer') return 'accepted';
  if (response === 'notResponded') return 'none';
  return response;
}

function isCancelled(status: ProjectedStatus): boolean {
  return status === 'cancelled' || status === 'CANCELLED';
}

export interface TranslateContext {
  /** Zone of the target replica's owner (Autotask all-day days, new events' zone). */
  readonly targetZone?: string;
  /** The item is not public and came from Outlook/NetSuite: Autotask gets a redacted copy. */
  readonly redactForAutotask: boolean;
  readonly projection: ProjectionContext;
}

function translateTiming(value: Timing, toSide: Side, current: Timing | undefined, ctx: TranslateContext): Timing {
  const zone = (current?.timeZone ?? ctx.targetZone ?? value.timeZone) || value.timeZone;
  if (toSide === 'autotask') return value;
  if (value.allDay) return { ...value, timeZone: zone };
  // Autotask only has instants: a whole-day span still means the all-day event the target holds.
  if (current?.allDay) {
    const days = instantsToAllDay(value.start, value.end, current.timeZone);
    if (days && days.startDate === current.startDate && days.endDate === current.endDate) return current;
  }
  return {
    allDay: false,
    start: value.start,
    end: value.end,
    timeZone: current && !current.allDay ? current.timeZone : zone,
  };
}

/**
 * The value `key` should have on the target side, given the source side's value. The target's
 * current value is kept whenever it already means the same. Returns undefined when the field
 * does not travel to that side.
 */
export function translateField(
  key: FieldKey,
  from: ProjectionFields,
  toSide: Side,
  current: ProjectionFields | undefined,
  ctx: TranslateContext
): unknown {
  const value = getField(from, key);
  if (value === undefined) return undefined;
  const email = responseEmail(key);
  let out: unknown = value;
  if (email !== undefined) {
    const now = current ? (getField(current, key) as ResponseStatus | undefined) : undefined;
    const meaning = responseMeaning(value as ResponseStatus);
    out = now !== undefined && responseMeaning(now) === meaning ? now : meaning;
  } else {
    switch (key) {
      case 'title':
        if (toSide === 'autotask' && ctx.redactForAutotask) out = REDACTED_TITLE;
        break;
      case 'description':
        if (toSide === 'autotask' && ctx.redactForAutotask) out = '';
        break;
      case 'timing':
        out = translateTiming(value as Timing, toSide, current?.timing, ctx);
        break;
      case 'access': {
        if (toSide === 'autotask') return undefined;
        const accessValue = from.access;
        if (accessValue === undefined) return undefined;
        out = accessForSide(toSide, accessClassOf(accessValue), current?.access);
        break;
      }
      case 'status': {
        const status = value as ProjectedStatus;
        const now = current?.status;
        if (now !== undefined && isCancelled(now) === isCancelled(status)) out = now;
        else if (toSide === 'outlook') out = isCancelled(status) ? 'cancelled' : 'active';
        else if (toSide === 'netsuite') out = isCancelled(status) ? 'CANCELLED' : 'CONFIRMED';
        else return undefined;
        break;
      }
      default:
        break;
    }
  }
  if (!carries(toSide, key, current)) return undefined;
  const normalized = normalizeFields(toSide, setField({}, key, out), {
    ...ctx.projection,
    ...(ctx.targetZone !== undefined ? { ownerZone: ctx.targetZone } : {}),
  });
  return getField(normalized, key);
}

/** Whether `a` and `b` (on sideB) say the same thing about a field. */
export function agree(
  key: FieldKey,
  a: ProjectionFields,
  sideB: Side,
  b: ProjectionFields,
  ctx: TranslateContext
): boolean {
  const translated = translateField(key, a, sideB, b, ctx);
  return translated === undefined || fieldEquals(key, translated, getField(b, key));
}
