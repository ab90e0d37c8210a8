import { DateTime } from 'luxon';
import { bodyText } from './content';
import { formatUtcStamp, formatWallClock, resolveZone } from './date-time';
import { cancelledOccurrenceId, occurrenceICalUid, presentId } from './ids';
import type { CalendarEntry, ExtendedProperty, Mailbox, WallTime } from './model';
import { contentOf, instantOf, occurrenceEntry, occurrenceTimes } from './occurrences';

/** Renders calendar entries in Graph's JSON shape, honouring the Prefer headers of the request. */

export interface RenderOptions {
  /** `Prefer: outlook.timezone` value; responses default to UTC. */
  timeZone?: string;
  /** `Prefer: outlook.body-content-type` value. */
  bodyType?: 'text' | 'html';
  /** `$select` property names; undefined means the default set. */
  select?: string[];
  /** `$expand=singleValueExtendedProperties(...)` predicate; undefined means not expanded. */
  expandExtended?: (p: ExtendedProperty) => boolean;
  expandExceptions?: boolean;
  /** False when the request lacked `Prefer: IdType="ImmutableId"`. */
  immutableIds?: boolean;
}

export type Json = Record<string, unknown>;

export const etagOf = (changeKey: string) => `W/"${changeKey}"`;

function renderTime(t: WallTime, isAllDay: boolean, zoneLabel: string): Json {
  if (isAllDay) {
    // All-day items are floating dates: Exchange returns their midnight in the requested zone.
    return { dateTime: `${t.wall.slice(0, 10)}T00:00:00.0000000`, timeZone: zoneLabel };
  }
  const iana = resolveZone(zoneLabel) ?? 'UTC';
  return { dateTime: formatWallClock(instantOf(t), iana), timeZone: zoneLabel };
}

function versionOf(entry: CalendarEntry): { changeKey: string; modifiedAt: number } {
  return entry.exception ?? entry.master;
}

export function renderMinimalOccurrence(entry: CalendarEntry, opts: RenderOptions): Json {
  const content = contentOf(entry);
  const zone = opts.timeZone ?? 'UTC';
  const pid = (id: string) => presentId(id, opts.immutableIds ?? true);
  return {
    '@odata.type': '#microsoft.graph.event',
    '@odata.etag': etagOf(versionOf(entry).changeKey),
    id: pid(entry.id),
    seriesMasterId: pid(entry.master.id),
    type: entry.type,
    start: renderTime(content.start, content.isAllDay, zone),
    end: renderTime(content.end, content.isAllDay, zone),
  };
}

export function renderEntry(mailbox: Mailbox, entry: CalendarEntry, opts: RenderOptions): Json {
  const master = entry.master;
  const content = contentOf(entry);
  const version = versionOf(entry);
  const zone = opts.timeZone ?? 'UTC';
  const isSeriesPart = entry.type === 'occurrence' || entry.type === 'exception';
  const pid = (id: string) => presentId(id, opts.immutableIds ?? true);
  const body =
    opts.bodyType === 'text' ? { contentType: 'text', content: bodyText(content.body) } : { ...content.body };
  const full: Json = {
    '@odata.etag': etagOf(version.changeKey),
    id: pid(entry.id),
    createdDateTime: formatUtcStamp(master.createdAt),
    lastModifiedDateTime: formatUtcStamp(version.modifiedAt),
    changeKey: version.changeKey,
    categories: [...content.categories],
    transactionId: isSeriesPart ? null : (master.transactionId ?? null),
    originalStartTimeZone: master.originalStartTimeZone,
    originalEndTimeZone: master.originalEndTimeZone,
    iCalUId: entry.originalDate ? occurrenceICalUid(master.iCalUId, entry.originalDate) : master.iCalUId,
    reminderMinutesBeforeStart: content.reminderMinutesBeforeStart,
    isReminderOn: content.isReminderOn,
    hasAttachments: false,
    subject: content.subject,
    bodyPreview: bodyText(content.body).slice(0, 255),
    importance: content.importance,
    sensitivity: content.sensitivity,
    isAllDay: content.isAllDay,
    isCancelled: content.isCancelled,
    isOrganizer: master.isOrganizer,
    responseRequested: content.responseRequested,
    seriesMasterId: isSeriesPart ? pid(master.id) : null,
    showAs: content.showAs,
    type: entry.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(pid(entry.id))}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: content.isOnlineMeeting,
    onlineMeetingProvider: content.isOnlineMeeting ? 'teamsForBusiness' : 'unknown',
    allowNewTimeProposals: content.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: content.hideAttendees,
    responseStatus: { ...content.responseStatus },
    body,
    start: renderTime(content.start, content.isAllDay, zone),
    end: renderTime(content.end, content.isAllDay, zone),
    location: { ...content.location },
    locations: content.location.displayName
      ? [
          {
            displayName: content.location.displayName,
            locationType: content.location.locationType,
            uniqueIdType: 'unknown',
          },
        ]
      : [],
    recurrence: entry.type === 'seriesMaster' && master.recurrence ? structuredClone(master.recurrence) : null,
    attendees: content.attendees.map((a) => structuredClone(a)),
    organizer: { emailAddress: { ...master.organizer } },
    onlineMeeting: null,
  };
  if (entry.originalDate) {
    full.originalStart = DateTime.fromMillis(originalStartMs(entry), { zone: 'UTC' }).toISO({
      suppressMilliseconds: true,
    });
  }
  let out: Json = full;
  if (opts.select) {
    out = { '@odata.etag': full['@odata.etag'], id: full.id };
    for (const name of opts.select) {
      const key = Object.keys(full).find((k) => k.toLowerCase() === name.toLowerCase());
      if (key) out[key] = full[key];
      if (name.toLowerCase() === 'cancelledoccurrences' && entry.type === 'seriesMaster') {
        out.cancelledOccurrences = [...master.cancelled].sort().map((d) => cancelledOccurrenceId(pid(master.id), d));
      }
    }
  }
  if (opts.expandExceptions && entry.type === 'seriesMaster') {
    out.exceptionOccurrences = [...master.exceptions.keys()]
      .filter((d) => !master.cancelled.has(d))
      .sort()
      .map((d) =>
        renderEntry(mailbox, occurrenceEntry(master, d), { ...opts, expandExceptions: false, select: undefined })
      );
  }
  if (opts.expandExtended) {
    const filter = opts.expandExtended;
    const props = isSeriesPart ? [] : master.extendedProperties.filter((p) => filter(p));
    // Graph omits the collection when nothing matched.
    if (props.length > 0) out.singleValueExtendedProperties = props.map((p) => ({ ...p }));
  }
  return out;
}

/** The start the occurrence had before any exception moved it. */
function originalStartMs(entry: CalendarEntry): number {
  const { master, originalDate } = entry;
  return originalDate ? instantOf(occurrenceTimes(master, originalDate).start).toMillis() : entry.startMs;
}
