import type { Timing } from '../../domain/canonical-event';
import { project, type ProjectionFields } from '../../domain/projection';
import { matchToDoRule } from '../../domain/todo-rules';
import { allDayToInstants } from '../../providers/autotask/all-day';
import {
  APPOINTMENT_DESCRIPTION_MAX,
  findOrCreateAppointment,
  findOrCreateToDo,
  fromAppointment,
  stripMarker,
  TITLE_MAX,
  toAppointment,
  toToDo,
  TODO_DESCRIPTION_MAX,
  withMarker,
  type Appointment,
  type AppointmentPatch,
  type AutotaskClient,
  type AutotaskUser,
  type ToDoPatch,
} from '../../providers/autotask';
import {
  formatRecordId,
  kindOfEntity,
  markerRefFor,
  parseRecordId,
  readServiceCall,
  readToDo,
  toDoNames,
  toDoSubjectOf,
  type ReadRecord,
} from './autotask-replica-records';
import { applyFields, projectionToEvent } from './projection-to-event';
import type { ReadResult, ReplicaIO, ReplicaOwner, WriteResult } from './replica-io';
import { isoInstant, refusedWrite } from './shared-replica-errors';

export interface AutotaskReplicaOptions {
  /**
   * Our marker holds a hash of the item id (marker.ts), not the id itself. Given a marker ref,
   * returns the item id it stands for (e.g. from links indexed by `markerRefFor(itemId)`), so
   * `read` can report `itemId`. Without it, `itemId` is left out.
   */
  resolveItemId?: (ref: string) => Promise<string | undefined> | string | undefined;
}

/**
 * Autotask replica for one resource: Appointments (read/write, created at most once through our
 * description marker), To-Dos (read, update, delete; created instead of an Appointment when a
 * To-Do rule of the owner's policy matches the event's Outlook categories, with the same marker)
 * and Service Calls (read only: Outlook edits never reach Autotask). Record ids name the entity:
 * `appointment:1`, `todo:2`, `servicecall:3`.
 */
export function autotaskReplica(autotask: AutotaskClient, opts: AutotaskReplicaOptions = {}): ReplicaIO {
  // The adapter lives for one activity: an appointment the engine has just read (before planning a
  // write to it) serves the update's merge instead of a second GET. The patch carries only the
  // changed fields, so an edit landing in between is not overwritten.
  const justRead = new Map<number, Appointment>();

  const readRecord = async (owner: ReplicaOwner, recordId: string): Promise<ReadRecord | null> => {
    const { entity, id } = parseRecordId(recordId);
    if (entity === 'todo') return readToDo(autotask, id, owner.timeZone);
    if (entity === 'servicecall') return readServiceCall(autotask, id, owner.timeZone);
    const appointment = await autotask.getAppointment(id);
    if (appointment) justRead.set(id, appointment);
    if (!appointment) return null;
    const user: AutotaskUser = { resourceID: appointment.resourceID, timeZone: owner.timeZone };
    const ref = stripMarker(appointment.description).ref;
    return {
      mapped: fromAppointment(appointment, user),
      ...(ref !== undefined ? { ref } : {}),
      modifiedAt: appointment.updateDateTime ?? appointment.createDateTime,
    };
  };

  // The stamp read back after a write becomes our version, which the tenant poller takes for our
  // own echo. A person's edit landing between the write and the read-back would be claimed with
  // it and never travel, so an appointment's stamp is claimed only when what we read back is what
  // we wrote; otherwise no version is kept and the next poll reads it against the base.
  const versionOf = async (recordId: string, owner: ReplicaOwner, wrote?: WrittenAppointment): Promise<WriteResult> => {
    const after = await readRecord(owner, recordId);
    // readRecord keeps the appointment it read in justRead (a to-do or a gone record: none).
    const appointment = after ? justRead.get(parseRecordId(recordId).id) : undefined;
    if (wrote && (!appointment || !holds(appointment, wrote))) return { recordId };
    const version = after?.modifiedAt ?? undefined;
    return { recordId, ...(version ? { version } : {}) };
  };

  return {
    side: 'autotask',

    async read(owner, recordId, ctx): Promise<ReadResult> {
      const kind = kindOfEntity(parseRecordId(recordId).entity);
      const record = await readRecord(owner, recordId);
      if (!record) return { observation: { state: 'deleted' }, kind };
      const event = record.mapped.event;
      const projection = project('autotask', event, { ownerZone: owner.timeZone, ...ctx });
      const modifiedAt = isoInstant(record.modifiedAt);
      const itemId = record.ref !== undefined ? await opts.resolveItemId?.(record.ref) : undefined;
      return {
        observation: {
          state: 'present',
          projection,
          recordId,
          ...(modifiedAt !== undefined ? { modifiedAt, version: record.modifiedAt ?? modifiedAt } : {}),
        },
        kind: kind === 'event' ? event.kind : kind,
        ...(itemId !== undefined ? { itemId } : {}),
        event,
      };
    },

    async create(owner, action, item) {
      const user = userOf(owner);
      const ref = markerRefFor(item.itemId, action.occurrenceKey);
      const event = projectionToEvent(action.projection, 'event');
      // Series occurrences stay Appointments (DESIGN.md §2); single events follow the To-Do rules.
      const rule =
        item.kind === 'event' ? matchToDoRule(item.categories ?? [], owner.autotaskToDoRules ?? []) : undefined;
      if (rule) {
        const toDo = toToDo(event, user, { companyID: rule.companyId, actionTypeID: rule.actionTypeId });
        const activityDescription = withMarker(toDo.activityDescription ?? '', ref, TODO_DESCRIPTION_MAX);
        const { id } = await findOrCreateToDo(autotask, { ...toDo, activityDescription, ref });
        return versionOf(formatRecordId({ entity: 'todo', id }), owner);
      }
      const fields = toAppointment(event, user, ref);
      const { id } = await findOrCreateAppointment(autotask, { ...fields, ref });
      return versionOf(formatRecordId({ entity: 'appointment', id }), owner, fields);
    },

    async update(owner, action, recordId) {
      const { entity, id } = parseRecordId(recordId);
      if (entity === 'servicecall') throw readOnly('ServiceCalls.update', recordId);
      if (entity === 'todo') {
        await updateToDo(autotask, id, owner, action.fields);
        return versionOf(recordId, owner);
      }
      const current = justRead.get(id) ?? (await autotask.getAppointment(id));
      justRead.delete(id);
      if (!current) throw gone('Appointments.update', recordId);
      const user: AutotaskUser = { resourceID: current.resourceID, timeZone: owner.timeZone };
      const { ref } = stripMarker(current.description);
      const merged = applyFields('autotask', fromAppointment(current, user).event, action.fields);
      const patch: AppointmentPatch = { id };
      if (action.fields.title !== undefined) patch.title = toAppointment(merged, user, ref ?? '_').title;
      if (action.fields.description !== undefined) patch.description = described(merged.description, ref);
      if (action.fields.timing !== undefined) Object.assign(patch, instants(merged.timing, user));
      if (Object.keys(patch).length > 1) await autotask.updateAppointment(patch);
      return versionOf(recordId, owner, { ...current, ...patch });
    },

    async remove(_owner, _action, recordId) {
      const { entity, id } = parseRecordId(recordId);
      if (entity === 'servicecall') throw readOnly('ServiceCalls.delete', recordId);
      if (entity === 'appointment') {
        await autotask.deleteAppointment(id);
        return;
      }
      const toDo = await autotask.getToDo(id);
      if (toDo) await autotask.deleteToDo(toDo.companyID, id);
    },
  };
}

type WrittenAppointment = Pick<Appointment, 'title' | 'startDateTime' | 'endDateTime'> & { description?: string };

/** True when the appointment holds exactly the fields we wrote (instants compared as instants). */
function holds(appointment: Appointment, wrote: WrittenAppointment): boolean {
  return (
    appointment.title === wrote.title &&
    appointment.description === (wrote.description ?? '') &&
    Date.parse(appointment.startDateTime) === Date.parse(wrote.startDateTime) &&
    Date.parse(appointment.endDateTime) === Date.parse(wrote.endDateTime)
  );
}

function userOf(owner: ReplicaOwner): AutotaskUser {
  if (owner.autotaskResourceId === undefined)
    throw refusedWrite(
      'autotask',
      'Appointments.create',
      'NoResource',
      `user ${owner.userId} has no Autotask resource`
    );
  return { resourceID: owner.autotaskResourceId, timeZone: owner.timeZone };
}

function instants(timing: Timing, user: AutotaskUser): { startDateTime: string; endDateTime: string } {
  const span = timing.allDay
    ? allDayToInstants(timing.startDate, timing.endDate, user.timeZone)
    : { start: timing.start, end: timing.end };
  return { startDateTime: span.start, endDateTime: span.end };
}

/** The description to write: with our marker kept when calsync made the record. */
function described(text: string, ref: string | undefined): string {
  if (ref !== undefined) return withMarker(text, ref, APPOINTMENT_DESCRIPTION_MAX);
  return text.length > APPOINTMENT_DESCRIPTION_MAX ? `${text.slice(0, APPOINTMENT_DESCRIPTION_MAX - 1)}…` : text;
}

/**
 * A to-do: its subject and text live in the activity description. Outlook shows one made in
 * Autotask under the company's decoration (removed again here); one calsync made keeps its marker
 * and shows the bare subject (fromToDo).
 */
async function updateToDo(autotask: AutotaskClient, id: number, owner: ReplicaOwner, fields: ProjectionFields) {
  const toDo = await autotask.getToDo(id);
  if (!toDo) throw gone('CompanyToDos.update', `todo:${id}`);
  const { text: current, ref } = stripMarker(toDo.activityDescription);
  const [first = '', ...rest] = current.split(/\r?\n/);
  const undecorated =
    fields.title === undefined || ref !== undefined
      ? fields.title
      : toDoSubjectOf(fields.title, await toDoNames(autotask, toDo));
  const subject = undecorated !== undefined ? undecorated.slice(0, TITLE_MAX) : first;
  const text = fields.description ?? rest.join('\n').trim();
  const patch: ToDoPatch = { id, companyID: toDo.companyID };
  if (fields.title !== undefined || fields.description !== undefined) {
    const activity = text.trim() === '' ? subject : `${subject}\n\n${text}`;
    patch.activityDescription =
      ref !== undefined ? withMarker(activity, ref, TODO_DESCRIPTION_MAX) : activity.slice(0, TODO_DESCRIPTION_MAX);
  }
  if (fields.timing !== undefined)
    Object.assign(patch, instants(fields.timing, { resourceID: toDo.assignedToResourceID, timeZone: owner.timeZone }));
  if (Object.keys(patch).length > 2) await autotask.updateToDo(patch);
}

function readOnly(operation: string, recordId: string) {
  return refusedWrite('autotask', operation, 'ReadOnly', `${recordId}: service calls are read-only from Outlook`);
}

function gone(operation: string, recordId: string) {
  return refusedWrite('autotask', operation, 'NotFound', `${recordId} does not exist`);
}
