import { netSuiteAccessLevelSchema } from '../../domain/access-level';
import { netSuiteStatusSchema, type CanonicalEvent } from '../../domain/canonical-event';
import { project, type ProjectionContext, type ProjectionFields } from '../../domain/projection';
import type { NetSuiteCalendarEventWrite } from '../../providers/netsuite/calendar-event-fields';
import type { EntityDirectory } from '../../providers/netsuite/entity-directory';
import { canonicalToNetSuite, netSuiteToCanonical } from '../../providers/netsuite/mapping';
import type { NetSuiteClient } from '../../providers/netsuite/netsuite-client';
import type { NetSuiteCalendarEvent } from '../../providers/netsuite/schemas';
import { externalIdFor, itemIdOfExternalId } from './netsuite-replica-external-id';
import { applyFields, projectionToEvent } from './projection-to-event';
import type { ReadResult, ReplicaIO, ReplicaOwner, WriteResult } from './replica-io';
import { isoInstant } from './shared-replica-errors';
import { ProviderError } from '../../providers/provider-error';
import type { NetSuiteRecurrence, ToNetSuiteResult } from '../../domain/recurrence';

export interface NetSuiteReplicaOptions {
  /** Every synced user's email: the projection carries these attendees' responses. */
  syncedEmails?: string[];
  /** The NetSuite user's zone preference (events without a zone, new events); default the owner's zone. */
  userTimeZone?: string;
  /** The recurrence RESTlet is installed: series are read and written natively. */
  nativeRecurrence?: boolean;
}

/**
 * NetSuite replica: one calendarEvent per item, keyed by our external id (`calsync-<itemId>`), so
 * a replayed create finds its first record. Updates write only the changed fields and keep
 * NetSuite's own access level and status (a Private event stays Private).
 */
export function netsuiteReplica(netsuite: NetSuiteClient, opts: NetSuiteReplicaOptions = {}): ReplicaIO {
  // The adapter lives for one activity: a record the engine has just read (before planning a write
  // to it) serves the update's merge instead of a second GET; the PATCH carries only changed fields.
  const justRead = new Map<string, NetSuiteCalendarEvent>();
  const zoneOf = (owner: ReplicaOwner) => opts.userTimeZone ?? owner.timeZone;

  const mapRecord = async (record: NetSuiteCalendarEvent, owner: ReplicaOwner, native: boolean) => {
    const entities = await netsuite.entities.directoryFor({ ids: entityIdsOf(record) });
    const recurrence = native && record.recurrence ? await netsuite.getRecurrence(record.id) : undefined;
    return netSuiteToCanonical(record, {
      userTimeZone: zoneOf(owner),
      entities,
      ...(recurrence !== undefined ? { recurrence } : {}),
    });
  };

  const directoryFor = (event: CanonicalEvent, record?: NetSuiteCalendarEvent): Promise<EntityDirectory> =>
    netsuite.entities.directoryFor({
      emails: [...(event.organizer ? [event.organizer.email] : []), ...event.attendees.map((a) => a.email)],
      ids: record ? entityIdsOf(record) : [],
    });

  /**
   * Series go through the RESTlet (never emails). No read of the new `lastModifiedDate` follows
   * (NetSuite answers writes with a bare 204): nothing compares NetSuite versions, because the
   * SuiteScript push skips our own writes and a polled echo is read and found equal to its base.
   */
  const written = async (id: string, recurrence?: NetSuiteRecurrence | null): Promise<WriteResult> => {
    if (opts.nativeRecurrence && recurrence !== undefined) await netsuite.setRecurrence(id, recurrence);
    return { recordId: id };
  };

  return {
    side: 'netsuite',

    async read(owner, recordId, ctx): Promise<ReadResult> {
      const record = await netsuite.getCalendarEvent(recordId);
      if (!record) return { observation: { state: 'deleted' }, kind: 'event' };
      justRead.set(recordId, record);
      const context: ProjectionContext = {
        ...(opts.syncedEmails ? { syncedEmails: opts.syncedEmails } : {}),
        ...(opts.nativeRecurrence !== undefined ? { netsuiteNativeRecurrence: opts.nativeRecurrence } : {}),
        ...ctx,
      };
      const event = await mapRecord(record, owner, context.netsuiteNativeRecurrence ?? false);
      const modifiedAt = isoInstant(record.lastModifiedDate);
      const itemId = itemIdOfExternalId(record.externalId);
      return {
        observation: {
          state: 'present',
          projection: project('netsuite', event, context),
          recordId: record.id,
          ...(modifiedAt !== undefined ? { modifiedAt } : {}),
          ...(record.lastModifiedDate ? { version: record.lastModifiedDate } : {}),
        },
        kind: event.kind,
        ...(itemId !== undefined ? { itemId } : {}),
        event,
      };
    },

    async create(owner, action, item) {
      const event = projectionToEvent(action.projection, item.kind === 'series' ? 'series' : 'event');
      const entities = await directoryFor(event);
      const { fields, recurrence } = canonicalToNetSuite(event, { userTimeZone: zoneOf(owner), entities });
      const { id, gone } = await netsuite.upsertCalendarEventByExternalId(externalIdFor(item.itemId), fields);
      // Deleted by a person right after our write: linked by its eid key, the next read finds it gone.
      if (gone) return { recordId: id };
      return written(id, recurrence?.ok ? recurrence.recurrence : undefined);
    },

    async update(owner, action, recordId) {
      const record = justRead.get(recordId) ?? (await netsuite.getCalendarEvent(recordId));
      justRead.delete(recordId);
      if (!record) throw gone(recordId);
      const merged = applyFields('netsuite', await mapRecord(record, owner, false), action.fields);
      const entities = await directoryFor(merged, record);
      const existing = withNativeValues(record, action.fields);
      const { fields, recurrence } = canonicalToNetSuite(merged, { userTimeZone: zoneOf(owner), entities, existing });
      const patch = pick(fields, netSuitePropertiesOf(action.fields));
      if (Object.keys(patch).length > 0) await netsuite.updateCalendarEvent(recordId, patch);
      return written(recordId, seriesWrite(action.fields, recurrence));
    },

    async remove(_owner, _action, recordId) {
      await netsuite.deleteCalendarEvent(recordId);
    },
  };
}

/** What an update does to the series: clear it, set the mapped rule, or leave it. */
function seriesWrite(
  fields: ProjectionFields,
  mapped: ToNetSuiteResult | undefined
): NetSuiteRecurrence | null | undefined {
  if (fields.recurrence === undefined) return undefined;
  if (fields.recurrence === null) return null;
  return mapped?.ok ? mapped.recurrence : undefined;
}

/** The record vanished between plan and write: not retryable; the next pull sees the delete. */
function gone(recordId: string): ProviderError {
  return new ProviderError({
    provider: 'netsuite',
    operation: 'calendarEvent.update',
    status: 404,
    code: 'NONEXISTENT_ID',
    message: `calendarEvent ${recordId} does not exist`,
    retryable: false,
  });
}

function entityIdsOf(record: NetSuiteCalendarEvent): string[] {
  return [
    ...(record.organizer ? [record.organizer.id] : []),
    ...(record.attendee?.items ?? []).map((line) => line.attendee.id),
  ];
}

/**
 * The record as the mapping should see it: NetSuite's access level and status the fields ask for
 * exactly. The planner already kept the current value when it means the same (DESIGN §2), so a
 * Private event asked to be "restricted" arrives here as PRIVATE and stays Private.
 */
function withNativeValues(record: NetSuiteCalendarEvent, fields: ProjectionFields): NetSuiteCalendarEvent {
  const access = netSuiteAccessLevelSchema.safeParse(fields.access);
  const status = netSuiteStatusSchema.safeParse(fields.status);
  return {
    ...record,
    ...(access.success ? { accessLevel: { id: access.data } } : {}),
    ...(status.success ? { status: { id: status.data } } : {}),
  };
}

type WriteKey = keyof NetSuiteCalendarEventWrite;

/** The record fields that carry each projection field (reminders: none, the mapping has no reminder). */
function netSuitePropertiesOf(fields: ProjectionFields): WriteKey[] {
  const out: WriteKey[] = [];
  if (fields.title !== undefined) out.push('title');
  if (fields.description !== undefined) out.push('message');
  if (fields.location !== undefined) out.push('location');
  if (fields.timing !== undefined)
    out.push('startDate', 'startTime', 'endTime', 'allDayEvent', 'timedEvent', 'timezone');
  if (fields.access !== undefined) out.push('accessLevel');
  if (fields.status !== undefined) out.push('status');
  if (fields.organizer !== undefined) out.push('organizer', 'attendee');
  if (fields.attendees !== undefined || fields.responses !== undefined) out.push('attendee');
  return out;
}

function pick(fields: NetSuiteCalendarEventWrite, keys: readonly WriteKey[]): NetSuiteCalendarEventWrite {
  const out: NetSuiteCalendarEventWrite = {};
  for (const key of keys) if (fields[key] !== undefined) Object.assign(out, { [key]: fields[key] });
  return out;
}
