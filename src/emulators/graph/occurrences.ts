import { DateTime } from 'luxon';
import { parseWallClock, resolveZone } from './date-time';
import { occurrenceId, parseOccurrenceId } from './ids';
import type { CalendarEntry, EventContent, Mailbox, StoredEvent, WallTime } from './model';
import { expandDates } from './recurrence';

/** Series expansion: which singles, occurrences and exceptions a calendar view sees. */

export const instantOf = (t: WallTime): DateTime => parseWallClock(t.wall, t.iana) ?? DateTime.invalid('bad wall time');

export function seriesZone(master: StoredEvent): string {
  return resolveZone(master.recurrence?.range.recurrenceTimeZone ?? master.start.label) ?? master.start.iana;
}

/** Start and end of the occurrence on `date` (series zone), before any exception override. */
export function occurrenceTimes(master: StoredEvent, date: string): { start: WallTime; end: WallTime } {
  const zone = seriesZone(master);
  const masterStart = instantOf(master.start);
  const masterEnd = instantOf(master.end);
  const timeOfDay = masterStart.setZone(zone).toFormat('HH:mm:ss.SSS');
  const startAt = parseWallClock(`${date}T${timeOfDay}`, zone) ?? DateTime.invalid('bad occurrence time');
  // All-day occurrences keep their day count; timed ones keep their length in wall-clock terms.
  const endAt = master.isAllDay
    ? startAt.plus({ days: Math.round(masterEnd.diff(masterStart, 'days').days) })
    : startAt.plus(masterEnd.diff(masterStart));
  const wall = (d: DateTime, label: string, iana: string): WallTime => ({
    wall: d.setZone(iana).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS"),
    label,
    iana,
  });
  return {
    start: wall(startAt, master.start.label, master.start.iana),
    end: wall(endAt, master.end.label, master.end.iana),
  };
}

export function contentOf(entry: CalendarEntry): EventContent {
  const master = entry.master;
  if (!entry.originalDate) return master;
  const times = occurrenceTimes(master, entry.originalDate);
  return { ...master, ...times, ...(entry.exception?.overrides ?? {}) };
}

function occurrenceEntry(master: StoredEvent, date: string): CalendarEntry {
  const exception = master.exceptions.get(date);
  const entry: CalendarEntry = {
    id: exception?.id ?? occurrenceId(master.id, date),
    type: exception ? 'exception' : 'occurrence',
    master,
    originalDate: date,
    startMs: 0,
    endMs: 0,
  };
  if (exception) entry.exception = exception;
  const content = contentOf(entry);
  entry.startMs = instantOf(content.start).toMillis();
  entry.endMs = instantOf(content.end).toMillis();
  return entry;
}

export function entryOfStored(event: StoredEvent): CalendarEntry {
  return {
    id: event.id,
    type: event.type,
    master: event,
    startMs: instantOf(event.start).toMillis(),
    endMs: instantOf(event.end).toMillis(),
  };
}

/** The original dates of a series up to `untilMs`, cancelled ones removed. */
export function seriesDates(master: StoredEvent, untilMs: number): string[] {
  if (!master.recurrence) return [];
  const until =
    DateTime.fromMillis(untilMs, { zone: seriesZone(master) })
      .plus({ days: 1 })
      .toISODate() ?? '';
  const dates = new Set(expandDates(master.recurrence, until));
  for (const d of master.exceptions.keys()) dates.add(d);
  return [...dates].filter((d) => !master.cancelled.has(d)).sort();
}

export function isValidOccurrenceDate(master: StoredEvent, date: string): boolean {
  if (!master.recurrence) return false;
  return expandDates(master.recurrence, date).includes(date);
}

const overlaps = (e: CalendarEntry, fromMs: number, toMs: number) =>
  e.startMs < toMs && (e.endMs > fromMs || (e.endMs === e.startMs && e.startMs >= fromMs));

/** What calendarView shows: singles, occurrences and exceptions overlapping the window. */
export function viewEntries(mailbox: Mailbox, fromMs: number, toMs: number): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  for (const event of mailbox.events.values()) {
    if (event.type === 'singleInstance') {
      const entry = entryOfStored(event);
      if (overlaps(entry, fromMs, toMs)) out.push(entry);
      continue;
    }
    for (const entry of seriesEntries(event, fromMs, toMs)) out.push(entry);
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}

export function seriesEntries(master: StoredEvent, fromMs: number, toMs: number): CalendarEntry[] {
  // Exceptions may have moved up to a day or so; look a little past the window.
  return seriesDates(master, toMs + 2 * 86_400_000)
    .map((d) => occurrenceEntry(master, d))
    .filter((e) => overlaps(e, fromMs, toMs));
}

/** Finds a single, a master, an occurrence or an exception by id. */
export function findEntry(mailbox: Mailbox, id: string): CalendarEntry | undefined {
  const stored = mailbox.events.get(id);
  if (stored) return entryOfStored(stored);
  const occ = parseOccurrenceId(id);
  if (!occ) return undefined;
  const master = mailbox.events.get(occ.masterId);
  if (!master?.recurrence || master.cancelled.has(occ.date)) return undefined;
  if (!master.exceptions.has(occ.date) && !isValidOccurrenceDate(master, occ.date)) return undefined;
  return occurrenceEntry(master, occ.date);
}

export { occurrenceEntry };
