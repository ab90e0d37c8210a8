import { type AutotaskClient, type NewAppointment, type NewToDo } from './autotask-client';
import { formatAutotaskFilterInstant } from './datetime';
import { invalidRequest } from './errors';
import { markerLine, stripMarker } from './marker';
import { where } from './query';

export interface AppointmentIntent extends NewAppointment {
  /** Our ref for this item (see marker.ts); the description must already end with its marker line. */
  ref: string;
}

export interface CreateOutcome {
  id: number;
  /** False when an appointment from an earlier attempt was found and reused. */
  created: boolean;
}

// Autotask may round or reformat times it stores; a small slack around the start finds ours anyway.
const START_SLACK_MS = 60_000;

/**
 * Creates an appointment at most once. Appointments have no external id, so before creating we
 * look for one we already made: same resource, same start, and our marker in the description.
 * The engine records the intent in its links table before calling this; a retry after a lost
 * response then lands here and finds the earlier result instead of duplicating it.
 */
export async function findOrCreateAppointment(
  client: AutotaskClient,
  intent: AppointmentIntent
): Promise<CreateOutcome> {
  const description = intent.description ?? '';
  if (stripMarker(description).ref !== intent.ref) {
    throw invalidRequest(
      'Appointments.findOrCreate',
      `the appointment description must end with ${markerLine(intent.ref)} (use withMarker)`
    );
  }
  const existing = await findOurAppointment(client, intent.resourceID, intent.startDateTime, intent.ref);
  if (existing !== undefined) return { id: existing, created: false };
  const { ref: _ref, ...fields } = intent;
  return { id: await client.createAppointment(fields), created: true };
}

/** The id of an appointment of `resourceID` starting at `start` that carries `ref`, if there is one. */
export async function findOurAppointment(
  client: AutotaskClient,
  resourceID: number,
  start: string,
  ref: string
): Promise<number | undefined> {
  const at = Date.parse(start);
  const candidates = await client.queryAppointments([
    where.eq('resourceID', resourceID),
    where.gte('startDateTime', formatAutotaskFilterInstant(new Date(at - START_SLACK_MS))),
    where.lte('startDateTime', formatAutotaskFilterInstant(new Date(at + START_SLACK_MS))),
  ]);
  const ours = candidates
    .filter(
      (a) => Math.abs(Date.parse(a.startDateTime) - at) <= START_SLACK_MS && stripMarker(a.description).ref === ref
    )
    .sort((a, b) => a.id - b.id);
  return ours[0]?.id;
}

export interface ToDoIntent extends NewToDo {
  /** Our ref for this item; the activity description must already end with its marker line. */
  ref: string;
}

/**
 * Creates a to-do at most once, as findOrCreateAppointment does for appointments: to-dos have no
 * external id either, so our marker ends the activity description and a retry looks for it first
 * (same resource, same start) instead of making a second to-do.
 */
export async function findOrCreateToDo(client: AutotaskClient, intent: ToDoIntent): Promise<CreateOutcome> {
  if (stripMarker(intent.activityDescription ?? '').ref !== intent.ref) {
    throw invalidRequest(
      'CompanyToDos.findOrCreate',
      `the activity description must end with ${markerLine(intent.ref)} (use withMarker)`
    );
  }
  const at = Date.parse(intent.startDateTime);
  const candidates = await client.queryToDos([
    where.eq('assignedToResourceID', intent.assignedToResourceID),
    where.gte('startDateTime', formatAutotaskFilterInstant(new Date(at - START_SLACK_MS))),
    where.lte('startDateTime', formatAutotaskFilterInstant(new Date(at + START_SLACK_MS))),
  ]);
  const ours = candidates
    .filter((t) => stripMarker(t.activityDescription).ref === intent.ref)
    .sort((a, b) => a.id - b.id);
  if (ours[0] !== undefined) return { id: ours[0].id, created: false };
  const { ref: _ref, ...fields } = intent;
  return { id: await client.createToDo(fields), created: true };
}
