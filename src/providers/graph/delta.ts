import { DateTime } from 'luxon';
import { ProviderError } from '../provider-error';
import { eventPageSchema, type GraphEvent, type IdentifiedGraphEvent } from './schemas';
import { userPath, type GraphTransport } from './transport';

/**
 * One delta round over calendarView for a window: follows every nextLink, keeps the deltaLink,
 * and restarts from scratch when Graph has forgotten the sync state (410 SyncStateNotFound).
 * Graph may repeat an item within a round; the last copy wins. `@removed` means "deleted or left
 * the window": confirm with a GET before deleting anything (DESIGN.md §4.6).
 */

export interface SyncWindow {
  /** ISO instant (with offset or Z). */
  start: string;
  end: string;
}

/** What delta returns for a plain occurrence: just where it sits. */
export interface OccurrenceStub {
  id: string;
  seriesMasterId: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  etag?: string;
}

export interface ChangeSet {
  /** Singles, series masters and exceptions, in full. */
  events: IdentifiedGraphEvent[];
  /** Plain occurrences (minimal objects). */
  occurrences: OccurrenceStub[];
  /** Ids reported `@removed`: deleted, or moved out of the window. */
  removedIds: string[];
  /** Pass this to the next call. */
  deltaLink: string;
  /**
   * True when the given deltaLink had expired and this is a full read of the window: items the
   * caller holds that are not in `events`/`occurrences` may be gone.
   */
  fullResync: boolean;
  pages: number;
}

const utc = (iso: string) => {
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) throw new RangeError(`not an ISO instant: ${iso}`);
  return parsed.toUTC().toISO({ suppressMilliseconds: true }) ?? iso;
};

export async function listChanges(
  transport: GraphTransport,
  mailbox: string,
  window: SyncWindow,
  deltaLink?: string
): Promise<ChangeSet> {
  if (deltaLink) {
    try {
      return await round(transport, mailbox, deltaLink, false);
    } catch (err) {
      if (!(err instanceof ProviderError) || !isSyncStateLost(err)) throw err;
    }
  }
  const start = encodeURIComponent(utc(window.start));
  const end = encodeURIComponent(utc(window.end));
  const first = `${userPath(mailbox)}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
  return round(transport, mailbox, first, deltaLink !== undefined);
}

function isSyncStateLost(err: ProviderError): boolean {
  const code = err.code.toLowerCase();
  return err.status === 410 || code === 'syncstatenotfound' || code === 'resyncrequired' || code === 'syncstateinvalid';
}

async function round(
  transport: GraphTransport,
  mailbox: string,
  firstUrl: string,
  fullResync: boolean
): Promise<ChangeSet> {
  const latest = new Map<
    string,
    { kind: 'event'; event: IdentifiedGraphEvent } | { kind: 'occurrence'; stub: OccurrenceStub } | { kind: 'removed' }
  >();
  let url: string | undefined = firstUrl;
  let deltaLink: string | undefined;
  let pages = 0;
  while (url) {
    const pageUrl: string = url;
    const page = await transport.call(mailbox, 'events.delta', async (client) =>
      eventPageSchema.parse(
        await client.api(pageUrl).header('Prefer', `odata.maxpagesize=${transport.options.pageSize}`).get()
      )
    );
    pages += 1;
    for (const item of page.value) record(latest, item);
    url = page['@odata.nextLink'];
    deltaLink = page['@odata.deltaLink'];
  }
  if (!deltaLink) {
    throw new ProviderError({
      provider: 'graph',
      operation: 'events.delta',
      status: 200,
      code: 'InvalidResponse',
      message: 'delta round ended without @odata.deltaLink',
      retryable: true,
    });
  }
  const out: ChangeSet = { events: [], occurrences: [], removedIds: [], deltaLink, fullResync, pages };
  for (const [id, entry] of latest) {
    if (entry.kind === 'event') out.events.push(entry.event);
    else if (entry.kind === 'occurrence') out.occurrences.push(entry.stub);
    else out.removedIds.push(id);
  }
  return out;
}

function record(
  latest: Map<
    string,
    { kind: 'event'; event: IdentifiedGraphEvent } | { kind: 'occurrence'; stub: OccurrenceStub } | { kind: 'removed' }
  >,
  item: GraphEvent
): void {
  const id = item.id;
  if (!id) return;
  // A re-appearing id replaces what came before it in this round.
  latest.delete(id);
  if (item['@removed']) {
    latest.set(id, { kind: 'removed' });
  } else if (item.type === 'occurrence' && item.seriesMasterId && item.start && item.end) {
    const stub: OccurrenceStub = {
      id,
      seriesMasterId: item.seriesMasterId,
      start: { dateTime: item.start.dateTime, timeZone: item.start.timeZone ?? 'UTC' },
      end: { dateTime: item.end.dateTime, timeZone: item.end.timeZone ?? 'UTC' },
    };
    if (item['@odata.etag']) stub.etag = item['@odata.etag'];
    latest.set(id, { kind: 'occurrence', stub });
  } else {
    latest.set(id, { kind: 'event', event: { ...item, id } });
  }
}
