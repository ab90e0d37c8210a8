import fc from 'fast-check';
import { DateTime } from 'luxon';
import { normalizeGraphRecurrence } from '../../../src/domain/recurrence';
import {
  bodyToText,
  canonicalToGraphEvent,
  graphEventToCanonical,
  isAmbiguous,
} from '../../../src/providers/graph/mapping';
import { parseWallClock } from '../../../src/emulators/graph/date-time';
import { graphEventSchema, type GraphEvent } from '../../../src/providers/graph/schemas';
import type { GraphEventWrite } from '../../../src/providers/graph/write-types';
import { graphPatternArb, graphRangeArb } from './arbitraries';

/**
 * Graph → canonical → Graph is the identity on the fields we carry, over generated events:
 * all six pattern types, all three range types, all-day events, and wall-clock times on both
 * sides of the DST changes of zones north and south of the equator.
 */

const zones: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Berlin',
  'Eastern Standard Time': 'America/New_York',
  'Pacific Standard Time': 'America/Los_Angeles',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'India Standard Time': 'Asia/Kolkata',
  UTC: 'UTC',
};
/** Days on which one of the zones above changes offset (2026). */
const dstDays = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01'];

const word = fc.stringMatching(/^[A-Za-z0-9&<>'"]{1,8}$/);
const text = fc
  .array(
    fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' ')),
    { minLength: 0, maxLength: 3 }
  )
  .map((lines) => lines.join('\n'));
const escape = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const asHtml = (s: string) =>
  `<html><head></head><body><div>${s.split('\n').map(escape).join('<br>')}</div></body></html>`;

const eventArb = fc
  .record({
    zone: fc.constantFrom(...Object.keys(zones)),
    day: fc.constantFrom(...dstDays),
    shift: fc.integer({ min: -2, max: 2 }),
    minutes: fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
    duration: fc.integer({ min: 1, max: 16 }).map((q) => q * 15),
    allDay: fc.boolean(),
    allDayLength: fc.integer({ min: 1, max: 3 }),
    series: fc.boolean(),
    subject: text.map((t) => t.replaceAll('\n', ' ')),
    description: text,
    location: fc.oneof(fc.constant(''), word),
    sensitivity: fc.constantFrom('normal', 'private'),
    showAs: fc.constantFrom('free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'),
    categories: fc.uniqueArray(fc.constantFrom('Red', 'Blue', 'Customer', 'Autotask'), { maxLength: 3 }),
    reminder: fc.option(fc.integer({ min: 0, max: 1440 }), { nil: undefined }),
    attendees: fc.uniqueArray(
      fc.record({
        user: fc.stringMatching(/^[a-z]{1,6}$/),
        type: fc.constantFrom('required', 'optional', 'resource'),
        response: fc.constantFrom('none', 'accepted', 'declined', 'tentativelyAccepted', 'notResponded'),
      }),
      { maxLength: 3, selector: (a) => a.user }
    ),
  })
  .chain((e) => {
    const iana = zones[e.zone]!;
    // Minutes after local midnight, counted in real time: a DST day may end before they run out,
    // so the start date is taken from the resulting instant (Graph requires range.startDate to match).
    const date = DateTime.fromISO(e.day, { zone: iana })
      .plus({ days: e.shift })
      .plus({ minutes: e.allDay ? 0 : e.minutes });
    const startDate = date.toISODate()!;
    return fc.record({
      e: fc.constant(e),
      startDate: fc.constant(startDate),
      pattern: graphPatternArb(date.month),
      range: graphRangeArb(startDate),
    });
  })
  .map(({ e, startDate, pattern, range }): GraphEvent => {
    const iana = zones[e.zone]!;
    const localStart = DateTime.fromISO(e.day, { zone: iana }).plus({ days: e.shift }).plus({ minutes: e.minutes });
    const utc = (d: DateTime) => `${d.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`;
    const endDate = DateTime.fromISO(startDate).plus({ days: e.allDayLength }).toISODate()!;
    return graphEventSchema.parse({
      id: 'AAMk-generated',
      type: e.series ? 'seriesMaster' : 'singleInstance',
      subject: e.subject,
      body: { contentType: 'html', content: asHtml(e.description) },
      location: { displayName: e.location },
      isAllDay: e.allDay,
      start: e.allDay
        ? { dateTime: `${startDate}T00:00:00.0000000`, timeZone: 'UTC' }
        : { dateTime: utc(localStart), timeZone: 'UTC' },
      end: e.allDay
        ? { dateTime: `${endDate}T00:00:00.0000000`, timeZone: 'UTC' }
        : { dateTime: utc(localStart.plus({ minutes: e.duration })), timeZone: 'UTC' },
      originalStartTimeZone: e.zone,
      originalEndTimeZone: e.zone,
      sensitivity: e.sensitivity,
      showAs: e.showAs,
      categories: e.categories,
      isReminderOn: e.reminder !== undefined,
      reminderMinutesBeforeStart: e.reminder ?? 15,
      attendees: e.attendees.map((a) => ({
        type: a.type,
        status: { response: a.response, time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: a.user.toUpperCase(), address: `${a.user}@contoso.test` },
      })),
      recurrence: e.series ? { pattern, range: { ...range, recurrenceTimeZone: e.zone } } : null,
    });
  });

/** The instant a Graph dateTimeTimeZone denotes (Windows or IANA zone). */
const instant = (t: { dateTime: string; timeZone?: string | null | undefined }) => {
  const zone = t.timeZone === 'UTC' || !t.timeZone ? 'UTC' : (zones[t.timeZone] ?? t.timeZone);
  // Read as the server does (the emulator's reading: standard time in the repeated hour).
  return parseWallClock(t.dateTime, zone)!.toMillis();
};

/** The fields we carry, in comparable form. */
function carried(g: GraphEvent | GraphEventWrite) {
  const e = g as GraphEvent;
  return {
    subject: e.subject,
    body: bodyToText(e.body),
    location: e.location?.displayName ?? '',
    isAllDay: e.isAllDay,
    when: e.isAllDay
      ? [e.start?.dateTime.slice(0, 10), e.end?.dateTime.slice(0, 10)]
      : [instant(e.start!), instant(e.end!)],
    sensitivity: e.sensitivity,
    showAs: e.showAs,
    categories: e.categories,
    reminder: e.isReminderOn ? e.reminderMinutesBeforeStart : undefined,
    attendees: (e.attendees ?? []).map((a) => [a.emailAddress?.address, a.emailAddress?.name, a.type]),
    recurrence: e.recurrence
      ? normalizeGraphRecurrence(graphEventSchema.parse({ recurrence: e.recurrence }).recurrence!)
      : undefined,
  };
}

describe('Graph ↔ canonical mapping (property)', () => {
  it('Graph → canonical → Graph keeps every carried field', () => {
    fc.assert(
      fc.property(eventArb, (graph) => {
        const { event, warnings } = graphEventToCanonical(graph);
        expect(warnings).toEqual([]);
        // Known limit: a series starting in the repeated hour keeps its zone (see timedBound).
        fc.pre(!(event.recurrence && !event.timing.allDay && isAmbiguous(event.timing.start, event.timing.timeZone)));
        const written = canonicalToGraphEvent(event, { includeAttendees: true });
        expect(written.recurrenceNotRepresentable).toBeUndefined();
        expect(carried(written.body)).toEqual(carried(graph));
      }),
      { numRuns: 200 }
    );
  });

  it('an event that went through the mapping maps to the same canonical event again', () => {
    fc.assert(
      fc.property(eventArb, (graph) => {
        const first = graphEventToCanonical(graph).event;
        const { body: written, warnings } = canonicalToGraphEvent(first, { includeAttendees: true });
        const reread = graphEventSchema.parse({ ...graph, ...written, originalStartTimeZone: written.start?.timeZone });
        const second = graphEventToCanonical(reread).event;
        // A start in the repeated hour is written in UTC, so only its zone may change.
        const zoneMayChange = warnings.some((w) => w.includes('writing') && w.includes('UTC'));
        const comparable = (e: typeof first) => ({
          ...e,
          attendees: e.attendees.map((a) => a.email),
          timing: zoneMayChange ? { ...e.timing, timeZone: '-' } : e.timing,
        });
        expect(comparable(second)).toEqual(comparable(first));
      }),
      { numRuns: 100 }
    );
  });
});
