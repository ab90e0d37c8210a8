import {
  netSuiteAccessLevelSchema,
  outlookSensitivitySchema,
  visibilityOfAccess,
  type AccessValue,
} from '../../domain/access-level';
import {
  parseCanonicalEvent,
  type Attendee,
  type CanonicalEvent,
  type ItemKind,
  type Side,
} from '../../domain/canonical-event';
import type { ProjectedStatus, Projection, ProjectionFields } from '../../domain/projection';

/**
 * Projection fields → the canonical event the provider mappings take. A projection is in one
 * side's own terms, so its native values go where the mappings look for them: an Outlook
 * sensitivity to `extras.outlook`, a NetSuite access level and status to `extras.netsuite`, each
 * with the canonical visibility / status that means the same. What a side cannot hold is left as
 * the base event has it.
 */

/** The base event with `fields` laid over it (only the fields present change). */
export function applyFields(side: Side, base: CanonicalEvent, fields: ProjectionFields): CanonicalEvent {
  const next: CanonicalEvent = { ...base, extras: { ...base.extras } };
  if (fields.title !== undefined) next.title = fields.title;
  if (fields.description !== undefined) next.description = fields.description;
  if (fields.location !== undefined) next.location = fields.location;
  if (fields.timing !== undefined) next.timing = fields.timing;
  if (fields.access !== undefined) applyAccess(next, side, fields.access);
  if (fields.showAs !== undefined) next.showAs = fields.showAs;
  if (fields.status !== undefined) applyStatus(next, fields.status);
  if (fields.categories !== undefined) next.categories = [...fields.categories];
  if (fields.reminderMinutes !== undefined) {
    if (fields.reminderMinutes === null) delete next.reminderMinutes;
    else next.reminderMinutes = fields.reminderMinutes;
  }
  if (fields.organizer !== undefined) {
    if (fields.organizer === null) delete next.organizer;
    else if (next.organizer?.email.toLowerCase() !== fields.organizer) next.organizer = { email: fields.organizer };
  }
  if (fields.attendees !== undefined) next.attendees = mergeAttendees(base.attendees, fields);
  else if (fields.responses !== undefined) next.attendees = withResponses(base.attendees, fields.responses);
  if (fields.recurrence !== undefined) {
    if (fields.recurrence === null) delete next.recurrence;
    else next.recurrence = { ...fields.recurrence, overrides: base.recurrence?.overrides ?? [] };
  }
  return parseCanonicalEvent(next);
}

/** A whole projection (a create) as a canonical event of `kind`. */
export function projectionToEvent(projection: Projection, kind: ItemKind): CanonicalEvent {
  const { timing, title } = projection.fields;
  if (timing === undefined) throw new Error(`a ${projection.side} create needs timing`);
  const skeleton = parseCanonicalEvent({ kind, title: title ?? '', timing });
  return applyFields(projection.side, skeleton, projection.fields);
}

function applyAccess(event: CanonicalEvent, side: Side, access: AccessValue): void {
  event.visibility = visibilityOfAccess(access);
  const outlook = outlookSensitivitySchema.safeParse(access);
  if (side === 'outlook' && outlook.success)
    event.extras.outlook = { ...event.extras.outlook, sensitivity: outlook.data };
  const netsuite = netSuiteAccessLevelSchema.safeParse(access);
  if (side === 'netsuite' && netsuite.success)
    event.extras.netsuite = { ...event.extras.netsuite, accessLevel: netsuite.data };
}

function applyStatus(event: CanonicalEvent, status: ProjectedStatus): void {
  switch (status) {
    case 'active':
      event.status = 'confirmed';
      return;
    case 'cancelled':
    case 'CANCELLED':
      event.status = 'cancelled';
      break;
    case 'TENTATIVE':
      event.status = 'tentative';
      break;
    case 'CONFIRMED':
    case 'COMPLETE':
      event.status = 'confirmed';
      break;
  }
  if (status !== 'cancelled') event.extras.netsuite = { ...event.extras.netsuite, status };
}

/** New attendee list; responses come from `fields.responses`, else from the same person before. */
function mergeAttendees(before: readonly Attendee[], fields: ProjectionFields): Attendee[] {
  const previous = new Map(before.map((a) => [a.email.toLowerCase(), a.response]));
  const list = (fields.attendees ?? []).map((a): Attendee => ({
    email: a.email,
    type: a.type,
    response: previous.get(a.email.toLowerCase()) ?? 'none',
    ...(a.name !== undefined ? { name: a.name } : {}),
  }));
  return fields.responses === undefined ? list : withResponses(list, fields.responses);
}

function withResponses(attendees: readonly Attendee[], responses: NonNullable<ProjectionFields['responses']>) {
  return attendees.map((a) => {
    const response = responses[a.email.toLowerCase()];
    return response === undefined ? a : { ...a, response };
  });
}
