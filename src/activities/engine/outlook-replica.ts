import { createHash } from 'node:crypto';
import { outlookSensitivitySchema } from '../../domain/access-level';
import type { CanonicalEvent, ItemKind, ResponseStatus } from '../../domain/canonical-event';
import { project, type ProjectionFields } from '../../domain/projection';
import type { GraphClient, GraphEvent, GraphEventWrite, IdentifiedEvent, Rsvp } from '../../providers/graph';
import { canonicalToGraphEvent, graphEventToCanonical } from '../../providers/graph';
import { enrichFromGraph } from './outlook-replica-enrich';
import { applyFields, projectionToEvent } from './projection-to-event';
import type { ReadResult, ReplicaIO, ReplicaOwner } from './replica-io';
import { isoInstant, refusedWrite } from './shared-replica-errors';

/**
 * Single events of one mailbox as its delta round returned them (in full, at that moment): read
 * from there instead of by a GET. Only for records already linked, which the engine finds by their
 * id: delta cannot expand our identity properties, which only an unknown record needs.
 */
export interface OutlookPrefetched {
  mailbox: string;
  events: ReadonlyMap<string, IdentifiedEvent['event']>;
}

/**
 * Outlook (Graph) replica. Writes attendees only where the organisation's "invite from Outlook"
 * policy is on; otherwise never, so Exchange never emails invitations (DESIGN.md §4.11). Deletes
 * only copies whose deletion notifies nobody; responses go out with `sendResponse: false`.
 */
export function outlookReplica(
  graph: GraphClient,
  opts: { inviteFromOutlook?: boolean; prefetched?: OutlookPrefetched } = {}
): ReplicaIO {
  const invite = opts.inviteFromOutlook ?? false;
  // Looked up when read (the delta may arrive after the adapter is made), each entry once: a second
  // read of the record (planning again after a concurrent save) must be fresh.
  const taken = new Set<string>();
  const takePrefetched = (mailbox: string, recordId: string) => {
    if (!opts.prefetched || mailbox.toLowerCase() !== opts.prefetched.mailbox.toLowerCase()) return undefined;
    const event = taken.has(recordId) ? undefined : opts.prefetched.events.get(recordId);
    if (event) taken.add(recordId);
    return event;
  };
  const mapped = (record: GraphEvent, owner: ReplicaOwner) =>
    enrichFromGraph(graphEventToCanonical(record, { fallbackZone: owner.timeZone }).event, record, owner.mailbox);
  // The adapter lives for one activity: an event the engine has just read (before planning a write
  // to it) serves the update's merge instead of a second GET; the PATCH carries only changed fields.
  const justRead = new Map<string, GraphEvent>();

  return {
    side: 'outlook',

    async read(owner, recordId, ctx): Promise<ReadResult> {
      const known = takePrefetched(owner.mailbox, recordId);
      let found: IdentifiedEvent | undefined = known
        ? { event: known, identity: {} }
        : await graph.findEvent(owner.mailbox, recordId);
      if (!found) return { observation: { state: 'deleted' }, kind: 'event' };
      // A master's cancelled occurrences (its exdates) are only selected by getSeries: read without
      // them, a series read here would look as if its cancellations were undone.
      if (found.event.type === 'seriesMaster') {
        const series = await graph.getSeries(owner.mailbox, recordId);
        found = { event: series.master, identity: series.identity };
      }
      const { event: record, identity } = found;
      if (record.type !== 'seriesMaster') justRead.set(recordId, record);
      const event = mapped(record, owner);
      const projection = project('outlook', event, { ownerEmail: owner.mailbox, ownerZone: owner.timeZone, ...ctx });
      const modifiedAt = isoInstant(record.lastModifiedDateTime);
      return {
        observation: {
          state: 'present',
          projection,
          recordId: record.id,
          ...(modifiedAt !== undefined ? { modifiedAt } : {}),
          ...(record.changeKey ? { version: record.changeKey } : {}),
        },
        kind: event.kind,
        ...(event.iCalUid !== undefined ? { iCalUid: event.iCalUid } : {}),
        ...(identity.itemId !== undefined ? { itemId: identity.itemId } : {}),
        event,
      };
    },

    async create(owner, action, item) {
      const event = projectionToEvent(action.projection, graphKind(item.kind));
      const body = writeBody(event, action.projection.fields, invite);
      const { event: created } = await graph.createEvent(
        owner.mailbox,
        body,
        { itemId: item.itemId },
        // A deliberate re-create (restore) has its own key, hence its own transactionId.
        { revision: revisionOf(action.idempotencyKey) }
      );
      // A replayed create (an earlier attempt made the event, then failed before its link was
      // saved) answers the event as it is now: a person may have edited it in between. Its
      // changeKey would then claim their edit as our echo, so it is kept only while the event
      // still holds what we wrote; otherwise the next pull reads it against the base.
      const ours = holdsWrite(mapped(created, owner), event);
      return { recordId: created.id, ...(created.changeKey && ours ? { version: created.changeKey } : {}) };
    },

    async update(owner, action, recordId) {
      const current = justRead.get(recordId) ?? (await graph.getEvent(owner.mailbox, recordId)).event;
      justRead.delete(recordId);
      const merged = applyFields('outlook', mapped(current, owner), action.fields);
      const patch = pick(
        writeBody(merged, action.fields, invite, current),
        graphPropertiesOf(action.fields, merged, invite)
      );
      if (Object.keys(patch).length === 0)
        return { recordId, ...(current.changeKey ? { version: current.changeKey } : {}) };
      const updated = await graph.updateEvent(owner.mailbox, recordId, patch);
      return { recordId: updated.id, ...(updated.changeKey ? { version: updated.changeKey } : {}) };
    },

    async remove(owner, _action, recordId) {
      const found = await graph.findEvent(owner.mailbox, recordId);
      if (!found) return;
      if (wouldNotify(found.event, owner.mailbox)) {
        throw refusedWrite(
          'graph',
          'events.delete',
          'WouldSendCancellation',
          `event ${recordId} is a meeting ${owner.mailbox} organises: deleting it would email cancellations`
        );
      }
      await graph.deleteEvent(owner.mailbox, recordId);
    },

    async respond(owner, action, recordId) {
      const response = rsvpOf(action.response);
      if (response === undefined) return;
      await graph.respond(owner.mailbox, recordId, response, { sendResponse: false });
    },
  };
}

/** Only singles and series masters can be created; an occurrence is written as a single event. */
function graphKind(kind: ItemKind): ItemKind {
  return kind === 'series' ? 'series' : 'event';
}

/** The Graph body for an event (attendees only when inviting), keeping the exact Outlook sensitivity asked for. */
function writeBody(
  event: CanonicalEvent,
  fields: ProjectionFields,
  invite: boolean,
  current?: GraphEvent
): GraphEventWrite {
  const { body } = canonicalToGraphEvent(event, { includeAttendees: invite, ...(current ? { current } : {}) });
  const sensitivity = outlookSensitivitySchema.safeParse(fields.access);
  if (sensitivity.success) body.sensitivity = sensitivity.data;
  if (!invite) delete body.attendees;
  return body;
}

/** The Graph properties that carry each projection field (attendees only when inviting; organiser and responses: none). */
function graphPropertiesOf(
  fields: ProjectionFields,
  merged: CanonicalEvent,
  invite: boolean
): (keyof GraphEventWrite)[] {
  const out: (keyof GraphEventWrite)[] = [];
  if (invite && fields.attendees !== undefined) out.push('attendees');
  if (fields.title !== undefined) out.push('subject');
  if (fields.description !== undefined) out.push('body');
  if (fields.location !== undefined) out.push('location');
  if (fields.timing !== undefined)
    out.push('start', 'end', 'isAllDay', ...(merged.recurrence ? ['recurrence' as const] : []));
  if (fields.access !== undefined) out.push('sensitivity');
  if (fields.showAs !== undefined) out.push('showAs');
  if (fields.categories !== undefined) out.push('categories');
  if (fields.reminderMinutes !== undefined) out.push('isReminderOn', 'reminderMinutesBeforeStart');
  if (fields.recurrence) out.push('recurrence');
  return out;
}

function pick(body: GraphEventWrite, keys: readonly (keyof GraphEventWrite)[]): GraphEventWrite {
  const out: GraphEventWrite = {};
  for (const key of keys) if (body[key] !== undefined) Object.assign(out, { [key]: body[key] });
  return out;
}

/**
 * Deleting an event emails people only when the owner organises it and it has attendees (Exchange
 * sends cancellations). An attendee's copy, or the owner's own appointment, goes quietly.
 */
function wouldNotify(event: GraphEvent, mailbox: string): boolean {
  const organizer = event.organizer?.emailAddress?.address?.toLowerCase();
  const organises = event.isOrganizer ?? (organizer === undefined || organizer === mailbox.toLowerCase());
  const others = (event.attendees ?? []).filter(
    (a) => a.emailAddress?.address && a.emailAddress.address.toLowerCase() !== mailbox.toLowerCase()
  );
  return organises && others.length > 0;
}

function rsvpOf(response: ResponseStatus): Rsvp | undefined {
  if (response === 'accepted') return 'accept';
  if (response === 'tentative') return 'tentativelyAccept';
  if (response === 'declined') return 'decline';
  return undefined;
}

/** A stable number per idempotency key: Graph's transactionId derives from item id and revision. */
function revisionOf(idempotencyKey: string): number {
  return Number.parseInt(createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12), 16);
}

/** The event as Graph answered still has the title, times and privacy of the event we wrote. */
function holdsWrite(answered: CanonicalEvent, wrote: CanonicalEvent): boolean {
  const span = (t: CanonicalEvent['timing']) =>
    t.allDay ? `${t.startDate}/${t.endDate}` : `${Date.parse(t.start)}/${Date.parse(t.end)}`;
  return (
    answered.title === wrote.title &&
    answered.visibility === wrote.visibility &&
    answered.timing.allDay === wrote.timing.allDay &&
    span(answered.timing) === span(wrote.timing)
  );
}
