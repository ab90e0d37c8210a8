import { canonicalToGraphEvent, graphEventToCanonical } from '../../../src/providers/graph/mapping';
import { graphEventSchema, type GraphEvent } from '../../../src/providers/graph/schemas';

/** Graph → canonical and back, on hand-written events shaped like Graph's (see providers/graph.md). */

const base = (extra: Record<string, unknown> = {}): GraphEvent =>
  graphEventSchema.parse({
    '@odata.etag': 'W/"abc"',
    id: 'AAMk-1',
    subject: 'Quarterly review',
    body: {
      contentType: 'html',
      content: '<html><head></head><body><p>Bring <b>numbers</b>.</p><p>Thanks</p></body></html>',
    },
    start: { dateTime: '2026-07-01T15:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-07-01T16:00:00.0000000', timeZone: 'UTC' },
    originalStartTimeZone: 'Eastern Standard Time',
    originalEndTimeZone: 'Eastern Standard Time',
    isAllDay: false,
    sensitivity: 'normal',
    showAs: 'busy',
    type: 'singleInstance',
    categories: ['Customer'],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    location: { displayName: 'HQ 4.01', locationType: 'default', uniqueId: 'HQ 4.01', uniqueIdType: 'private' },
    organizer: { emailAddress: { name: 'Ann Organizer', address: 'ann@contoso.test' } },
    attendees: [
      {
        type: 'required',
        status: { response: 'tentativelyAccepted', time: '2026-06-01T10:00:00Z' },
        emailAddress: { name: 'Ben', address: 'ben@contoso.test' },
      },
      {
        type: 'optional',
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: 'Cy', address: 'cy@contoso.test' },
      },
    ],
    iCalUId: '040000008200E00074C5B7101A82E008000000001',
    ...extra,
  });

describe('graphEventToCanonical', () => {
  it('maps the carried fields, with the zone the event was made in', () => {
    const { event, warnings } = graphEventToCanonical(base());
    expect(warnings).toEqual([]);
    expect(event).toMatchObject({
      kind: 'event',
      title: 'Quarterly review',
      description: 'Bring numbers.\n\nThanks',
      location: 'HQ 4.01',
      timing: {
        allDay: false,
        start: '2026-07-01T15:00:00.000Z',
        end: '2026-07-01T16:00:00.000Z',
        timeZone: 'America/New_York',
      },
      visibility: 'public',
      showAs: 'busy',
      categories: ['Customer'],
      reminderMinutes: 15,
      organizer: { email: 'ann@contoso.test', name: 'Ann Organizer' },
      attendees: [
        { email: 'ben@contoso.test', name: 'Ben', type: 'required', response: 'tentative' },
        { email: 'cy@contoso.test', name: 'Cy', type: 'optional', response: 'none' },
      ],
      iCalUid: '040000008200E00074C5B7101A82E008000000001',
    });
  });

  it('reads times that come in another zone than UTC', () => {
    const { event } = graphEventToCanonical(
      base({
        start: { dateTime: '2017-04-21T10:00:00.0000000', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2017-04-21T12:00:00.0000000', timeZone: 'Pacific Standard Time' },
        originalStartTimeZone: 'Pacific Standard Time',
      })
    );
    expect(event.timing).toEqual({
      allDay: false,
      start: '2017-04-21T17:00:00.000Z',
      end: '2017-04-21T19:00:00.000Z',
      timeZone: 'America/Los_Angeles',
    });
  });

  it.each(['tzone://Microsoft/Custom', 'Mars Standard Time'])(
    'falls back to UTC instants with a warning for the zone %s',
    (zone) => {
      const { event, warnings } = graphEventToCanonical(
        base({ originalStartTimeZone: zone, originalEndTimeZone: zone })
      );
      expect(event.timing).toMatchObject({ start: '2026-07-01T15:00:00.000Z', timeZone: 'UTC' });
      expect(warnings).toHaveLength(1);
    }
  );

  it('reads tzone://Microsoft/Utc as UTC without a warning', () => {
    const { event, warnings } = graphEventToCanonical(base({ originalStartTimeZone: 'tzone://Microsoft/Utc' }));
    expect(event.timing.timeZone).toBe('UTC');
    expect(warnings).toEqual([]);
  });

  it('keeps an all-day event on its dates, whether Graph sends floating midnights or converted instants', () => {
    const floating = graphEventToCanonical(
      base({
        isAllDay: true,
        originalStartTimeZone: 'Tokyo Standard Time',
        start: { dateTime: '2026-05-01T00:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-05-03T00:00:00.0000000', timeZone: 'UTC' },
      })
    );
    expect(floating.event.timing).toEqual({
      allDay: true,
      startDate: '2026-05-01',
      endDate: '2026-05-03',
      timeZone: 'Asia/Tokyo',
    });
    const converted = graphEventToCanonical(
      base({
        isAllDay: true,
        originalStartTimeZone: 'Tokyo Standard Time',
        start: { dateTime: '2026-04-30T15:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-05-02T15:00:00.0000000', timeZone: 'UTC' },
      })
    );
    expect(converted.event.timing).toEqual(floating.event.timing);
  });

  it('maps every private-like sensitivity to private', () => {
    for (const s of ['private', 'personal', 'confidential'])
      expect(graphEventToCanonical(base({ sensitivity: s })).event.visibility).toBe('private');
  });

  it('maps a series master with its cancelled and modified occurrences keyed by original start', () => {
    const master = base({
      type: 'seriesMaster',
      start: { dateTime: '2026-03-02T08:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-03-02T08:30:00.0000000', timeZone: 'UTC' },
      originalStartTimeZone: 'W. Europe Standard Time',
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          month: 0,
          dayOfMonth: 0,
          daysOfWeek: ['monday'],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'endDate',
          startDate: '2026-03-02',
          endDate: '2026-04-27',
          recurrenceTimeZone: 'W. Europe Standard Time',
          numberOfOccurrences: 0,
        },
      },
      cancelledOccurrences: ['OID.AAMk-1.2026-03-30'],
      exceptionOccurrences: [
        { id: 'AAMk-x', type: 'exception', originalStart: '2026-03-09T08:00:00Z', subject: 'moved' },
      ],
    });
    const { event } = graphEventToCanonical(master);
    expect(event.kind).toBe('series');
    expect(event.recurrence?.rrule).toContain('FREQ=WEEKLY');
    expect(event.recurrence?.timeZone).toBe('Europe/Berlin');
    // 09:00 Berlin: 08:00Z in winter, 07:00Z after the switch on 29 March.
    expect(event.recurrence?.exdates).toEqual(['2026-03-30T07:00:00.000Z']);
    expect(event.recurrence?.overrides).toEqual(['2026-03-09T08:00:00.000Z']);
  });

  it('marks occurrences with their original start', () => {
    const { event } = graphEventToCanonical(
      base({ type: 'exception', seriesMasterId: 'AAMk-m', originalStart: '2026-07-01T15:00:00Z' })
    );
    expect(event).toMatchObject({ kind: 'occurrence', originalStart: '2026-07-01T15:00:00.000Z' });
  });

  it('parses partial payloads such as delta pages and $select answers', () => {
    expect(() =>
      graphEventSchema.parse({
        originalStartTimeZone: 'Pacific Standard Time',
        responseStatus: { response: 'accepted', time: '2016-10-19T10:37:00Z' },
      })
    ).not.toThrow();
    expect(graphEventSchema.safeParse({ id: 'x', start: { dateTime: 7 } }).success).toBe(false);
  });
});

describe('canonicalToGraphEvent', () => {
  it('writes times in the Windows zone of the event, and no attendees unless asked', () => {
    const { event } = graphEventToCanonical(base());
    const { body } = canonicalToGraphEvent(event);
    expect(body.start).toEqual({ dateTime: '2026-07-01T11:00:00.0000000', timeZone: 'Eastern Standard Time' });
    expect(body.attendees).toBeUndefined();
    expect(canonicalToGraphEvent(event, { includeAttendees: true }).body.attendees).toHaveLength(2);
  });

  it('writes a time in the repeated hour of a DST change in UTC, where it names one instant', () => {
    const { event } = graphEventToCanonical(
      base({
        // 05:00Z and 06:00Z are both 01:00 in New York on 1 November 2026.
        start: { dateTime: '2026-11-01T04:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2026-11-01T05:00:00.0000000', timeZone: 'UTC' },
      })
    );
    const { body, warnings } = canonicalToGraphEvent(event);
    expect(body.start).toEqual({ dateTime: '2026-11-01T00:00:00.0000000', timeZone: 'Eastern Standard Time' });
    expect(body.end).toEqual({ dateTime: '2026-11-01T05:00:00.0000000', timeZone: 'UTC' });
    expect(warnings).toHaveLength(1);
  });

  it('keeps Outlook "personal" when the canonical event still says private, and never flips private to normal', () => {
    const current = base({ sensitivity: 'personal' });
    const { event } = graphEventToCanonical(current);
    expect(canonicalToGraphEvent(event, { current }).body.sensitivity).toBe('personal');
    expect(canonicalToGraphEvent(event).body.sensitivity).toBe('private');
    expect(canonicalToGraphEvent({ ...event, visibility: 'busy-only' }).body.sensitivity).toBe('private');
  });

  it('reports rules Graph cannot express instead of writing a wrong series', () => {
    const { event } = graphEventToCanonical(base());
    const result = canonicalToGraphEvent({
      ...event,
      kind: 'series',
      recurrence: { rrule: 'FREQ=HOURLY;INTERVAL=2', timeZone: 'UTC', exdates: [], overrides: [] },
    });
    expect(result.recurrenceNotRepresentable).toBeDefined();
    expect(result.body.recurrence).toBeUndefined();
  });
});
