import { compile } from 'html-to-text';
import { GraphHttpError, invalidRequest } from './graph-error';
import { parseWallClock, resolveZone, zeroTime } from './date-time';
import type { Attendee, EventContent, Location, PatternedRecurrence, WallTime } from './model';
import type { EventWrite, RecurrenceWrite } from './write-schema';

/** Turns validated write bodies into stored content, the way Exchange normalises them. */

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Exchange stores bodies as HTML documents, whatever was sent. */
export function toStoredBody(body: { contentType: 'text' | 'html'; content: string }): EventContent['body'] {
  if (body.contentType === 'html') {
    const content = /<html[\s>]/i.test(body.content)
      ? body.content
      : `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${body.content}</body></html>`;
    return { contentType: 'html', content };
  }
  if (body.content === '') return { contentType: 'html', content: '' };
  const html = escapeHtml(body.content).replaceAll(/\r?\n/g, '<br>');
  return {
    contentType: 'html',
    content: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div>${html}</div></body></html>`,
  };
}

// Compiled once: convert() compiles its options on every call, which made rendering events costly.
const htmlToText = compile({ wordwrap: false });

export function bodyText(body: EventContent['body']): string {
  return body.contentType === 'text' ? body.content : htmlToText(body.content).trim();
}

export function toLocation(input: EventWrite['location']): Location {
  const displayName = input?.displayName ?? '';
  const location: Location = {
    displayName,
    locationType: input?.locationType ?? 'default',
    uniqueIdType: input?.uniqueIdType ?? (displayName ? 'private' : 'unknown'),
  };
  const uniqueId = input?.uniqueId ?? (displayName ? displayName : undefined);
  if (uniqueId) location.uniqueId = uniqueId;
  if (input?.address) location.address = cleanRecord(input.address);
  if (input?.coordinates) location.coordinates = cleanRecord(input.coordinates);
  return location;
}

function cleanRecord<T>(record: Record<string, T | null>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, T] => e[1] !== null));
}

export function toAttendees(input: NonNullable<EventWrite['attendees']>, previous: Attendee[] = []): Attendee[] {
  return input.map((a) => {
    const address = a.emailAddress.address ?? '';
    const before = previous.find((p) => p.emailAddress.address.toLowerCase() === address.toLowerCase());
    return {
      type: a.type ?? 'required',
      emailAddress: { name: a.emailAddress.name ?? address, address },
      status: before?.status ?? { response: 'none', time: zeroTime },
    };
  });
}

export function toWallTime(input: { dateTime: string; timeZone?: string | undefined }): WallTime {
  const label = input.timeZone ?? 'UTC';
  const iana = resolveZone(label);
  if (!iana) {
    throw new GraphHttpError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${label}'.`
    );
  }
  const parsed = parseWallClock(input.dateTime, iana);
  if (!parsed)
    throw invalidRequest(`Cannot convert the literal '${input.dateTime}' to the expected type 'Edm.DateTime'.`);
  return { wall: parsed.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS"), label, iana };
}

export function toRecurrence(input: RecurrenceWrite, startZoneLabel: string): PatternedRecurrence {
  const p = input.pattern;
  const r = input.range;
  const needs = (ok: boolean, what: string) => {
    if (!ok)
      throw new GraphHttpError(
        400,
        'ErrorPropertyValidationFailure',
        `At least one property failed validation: ${what}.`
      );
  };
  needs(p.type !== 'weekly' || (p.daysOfWeek?.length ?? 0) > 0, 'weekly recurrence needs daysOfWeek');
  needs(!p.type.startsWith('relative') || (p.daysOfWeek?.length ?? 0) > 0, 'relative recurrence needs daysOfWeek');
  needs(!p.type.startsWith('absolute') || (p.dayOfMonth ?? 0) > 0, 'absolute recurrence needs dayOfMonth');
  needs(!p.type.endsWith('Yearly') || (p.month ?? 0) > 0, 'yearly recurrence needs month');
  needs(r.type !== 'endDate' || !!r.endDate, 'endDate range needs endDate');
  needs(r.type !== 'endDate' || (r.endDate ?? '') >= r.startDate, 'endDate precedes startDate');
  needs(r.type !== 'numbered' || (r.numberOfOccurrences ?? 0) > 0, 'numbered range needs numberOfOccurrences');
  const recurrenceTimeZone = r.recurrenceTimeZone ?? startZoneLabel;
  if (!resolveZone(recurrenceTimeZone)) {
    throw new GraphHttpError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${recurrenceTimeZone}'.`
    );
  }
  return {
    pattern: {
      type: p.type,
      interval: p.interval,
      month: p.month ?? 0,
      dayOfMonth: p.dayOfMonth ?? 0,
      daysOfWeek: p.daysOfWeek ?? [],
      firstDayOfWeek: p.firstDayOfWeek ?? 'sunday',
      index: p.index ?? 'first',
    },
    range: {
      type: r.type,
      startDate: r.startDate,
      endDate: r.type === 'endDate' ? (r.endDate ?? '0001-01-01') : '0001-01-01',
      recurrenceTimeZone,
      numberOfOccurrences: r.type === 'numbered' ? (r.numberOfOccurrences ?? 0) : 0,
    },
  };
}
