import { DateTime } from 'luxon';
import { graphOccurrenceIdDate, occurrenceKeyOf } from '../../domain/recurrence';
import { identityExpand, readIdentity, type GraphIdentity } from './extended-properties';
import { eventPageSchema, identifiedEventSchema, type IdentifiedGraphEvent } from './schemas';
import { eventPath, type GraphTransport } from './transport';
import type { SyncWindow } from './delta';

/**
 * Recurring series: the master with its recurrence, cancelled occurrences and modified ones
 * (both only returned when asked for by `$select`), and the expanded instances of a window.
 * Editing or cancelling one occurrence is a PATCH or DELETE of the occurrence's id.
 */

/** Everything we map, named explicitly because `$select` replaces the default property set. */
export const eventSelect = [
  'subject',
  'body',
  'start',
  'end',
  'isAllDay',
  'location',
  'locations',
  'sensitivity',
  'showAs',
  'categories',
  'attendees',
  'organizer',
  'recurrence',
  'originalStartTimeZone',
  'originalEndTimeZone',
  'iCalUId',
  'type',
  'seriesMasterId',
  'isCancelled',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseStatus',
  'changeKey',
  'createdDateTime',
  'lastModifiedDateTime',
  'isOrganizer',
  'transactionId',
  'importance',
  'originalStart',
];

export interface SeriesView {
  master: IdentifiedGraphEvent;
  identity: GraphIdentity;
  /** Dates (series zone) of cancelled occurrences, from `OID.<master>.<date>`. */
  cancelledDates: string[];
  /** Modified occurrences, in full. */
  exceptions: IdentifiedGraphEvent[];
}

export async function getSeries(transport: GraphTransport, mailbox: string, masterId: string): Promise<SeriesView> {
  const ns = transport.options.propertyNamespace;
  const select = [...eventSelect, 'cancelledOccurrences', 'exceptionOccurrences'].join(',');
  const expand = encodeURIComponent(`exceptionOccurrences,${identityExpand(ns)}`);
  const master = await transport.call(mailbox, 'events.getSeries', async (client) =>
    identifiedEventSchema.parse(
      await client.api(`${eventPath(mailbox, masterId)}?$select=${select}&$expand=${expand}`).get()
    )
  );
  const exceptions = (master.exceptionOccurrences ?? []).map((e) => identifiedEventSchema.parse(e));
  const cancelledDates = (master.cancelledOccurrences ?? [])
    .map((oid) => graphOccurrenceIdDate(oid))
    .filter((d): d is string => d !== undefined);
  return { master, identity: readIdentity(master, ns), cancelledDates, exceptions };
}

const utc = (iso: string) =>
  DateTime.fromISO(iso, { setZone: true }).toUTC().toISO({ suppressMilliseconds: true }) ?? iso;

/** Occurrences and exceptions of a series inside a window (cancelled ones are not listed). */
export async function listInstances(
  transport: GraphTransport,
  mailbox: string,
  masterId: string,
  window: SyncWindow
): Promise<IdentifiedGraphEvent[]> {
  const out: IdentifiedGraphEvent[] = [];
  const start = encodeURIComponent(utc(window.start));
  const end = encodeURIComponent(utc(window.end));
  let url: string | undefined =
    `${eventPath(mailbox, masterId)}/instances?startDateTime=${start}&endDateTime=${end}&$top=100`;
  while (url) {
    const pageUrl: string = url;
    const page = await transport.call(mailbox, 'events.instances', async (client) =>
      eventPageSchema.parse(await client.api(pageUrl).get())
    );
    for (const e of page.value) out.push(identifiedEventSchema.parse(e));
    url = page['@odata.nextLink'];
  }
  return out;
}

/**
 * The occurrence (plain or modified) whose original start is `originalStart` (a UTC instant, or a
 * date for all-day series). Modified occurrences may have moved, so the search looks a few days
 * either side.
 */
export async function findOccurrence(
  transport: GraphTransport,
  mailbox: string,
  masterId: string,
  originalStart: string,
  allDay = false
): Promise<IdentifiedGraphEvent | undefined> {
  const key = occurrenceKeyOf(originalStart, allDay);
  const at = DateTime.fromISO(key, { zone: 'UTC' });
  const window = { start: at.minus({ days: 8 }).toISO() ?? key, end: at.plus({ days: 8 }).toISO() ?? key };
  const instances = await listInstances(transport, mailbox, masterId, window);
  return instances.find((e) => e.originalStart && occurrenceKeyOf(e.originalStart, allDay) === key);
}
