import { type CanonicalEvent, parseCanonicalEvent } from '../../../src/domain/canonical-event';
import { directoryOf } from '../../../src/providers/netsuite/entity-directory';
import { canonicalToNetSuite, netSuiteToCanonical } from '../../../src/providers/netsuite/mapping';
import { type NetSuiteCalendarEvent, calendarEventRecordSchema } from '../../../src/providers/netsuite/schemas';

const entities = directoryOf([
  { id: '7', email: 'olivia.organizer@example.com' },
  { id: '8', email: 'ben.employee@example.com' },
  { id: '9', email: 'carla.contact@example.com' },
]);

/** A record in the shape NetSuite's GET returns (enum objects with `links: []`, customer links on refs). */
function record(overrides: Record<string, unknown> = {}): NetSuiteCalendarEvent {
  return calendarEventRecordSchema.parse({
    links: [
      { rel: 'self', href: 'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/calendarevent/501' },
    ],
    id: '501',
    title: 'Quarterly review',
    message: 'Numbers first',
    location: 'Room 4',
    startDate: '2026-03-10',
    startTime: '17:00',
    endTime: '18:30',
    allDayEvent: false,
    timedEvent: true,
    timezone: 'Asia/Tokyo',
    accessLevel: { links: [], id: 'PUBLIC', refName: 'Public' },
    status: { links: [], id: 'CONFIRMED', refName: 'Confirmed' },
    organizer: { links: [{ rel: 'self', href: 'https://x/customer/7' }], id: '7', refName: 'Olivia Organizer' },
    attendee: {
      links: [],
      items: [
        {
          attendee: { id: '7', refName: 'Olivia Organizer' },
          response: { id: 'ACCEPTED' },
          attendance: { id: 'REQUIRED' },
        },
        {
          attendee: { id: '8', refName: 'Ben Employee' },
          response: { id: 'DECLINED' },
          attendance: { id: 'REQUIRED' },
        },
        {
          attendee: { id: '9', refName: 'Carla Contact' },
          response: { id: 'TENTATIVE' },
          attendance: { id: 'OPTIONAL' },
        },
      ],
    },
    createdDate: '2026-03-01T10:00:00Z',
    lastModifiedDate: '2026-03-02T10:00:00Z',
    ...overrides,
  });
}

function outlookEvent(overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  return parseCanonicalEvent({
    kind: 'event',
    title: 'Planning',
    timing: {
      allDay: false,
      start: '2026-03-10T08:00:00.000Z',
      end: '2026-03-10T09:00:00.000Z',
      timeZone: 'Europe/Berlin',
    },
    ...overrides,
  });
}

describe('time zones: NetSuite account, NetSuite user and Outlook event each in a different zone', () => {
  // Account (company) zone America/New_York plays no part; the user prefers Asia/Tokyo; Outlook used Europe/Berlin.
  const ctx = { userTimeZone: 'Asia/Tokyo', entities };

  it('writes an Outlook 09:00 Berlin meeting as 17:00 wall clock in the NetSuite user zone, with the zone named', () => {
    const { fields, clippedToOneDay } = canonicalToNetSuite(outlookEvent(), ctx);
    expect(fields).toMatchObject({
      startDate: '2026-03-10',
      startTime: '17:00',
      endTime: '18:00',
      timezone: 'Asia/Tokyo',
      timedEvent: true,
      allDayEvent: false,
    });
    expect(clippedToOneDay).toBe(false);
  });

  it('reads the written wall clock back to the same UTC instants', () => {
    const written = canonicalToNetSuite(outlookEvent(), ctx).fields;
    const back = netSuiteToCanonical(
      record({
        startDate: written.startDate,
        startTime: written.startTime,
        endTime: written.endTime,
        timezone: written.timezone,
      }),
      ctx
    );
    expect(back.timing).toEqual({
      allDay: false,
      start: '2026-03-10T08:00:00.000Z',
      end: '2026-03-10T09:00:00.000Z',
      timeZone: 'Asia/Tokyo',
    });
  });

  it("reads an event with an empty timezone in the user's preference zone, not UTC and not the account zone", () => {
    const back = netSuiteToCanonical(record({ timezone: undefined, startTime: '09:00', endTime: '10:00' }), {
      userTimeZone: 'America/Chicago',
      entities,
    });
    // 09:00 in Chicago on 10 March 2026 (CDT, UTC-5) is 14:00 UTC.
    expect(back.timing).toMatchObject({
      start: '2026-03-10T14:00:00.000Z',
      end: '2026-03-10T15:00:00.000Z',
      timeZone: 'America/Chicago',
    });
  });

  it("reads an event in its own zone even when the user's preference differs", () => {
    const back = netSuiteToCanonical(
      record({ timezone: 'America/Los_Angeles', startTime: '09:00', endTime: '10:00' }),
      ctx
    );
    expect(back.timing).toMatchObject({ start: '2026-03-10T16:00:00.000Z', timeZone: 'America/Los_Angeles' });
  });

  it("updates an existing event in that event's zone, so NetSuite never reinterprets it", () => {
    const existing = record({ timezone: 'America/Los_Angeles' });
    const { fields } = canonicalToNetSuite(outlookEvent(), { ...ctx, existing });
    expect(fields).toMatchObject({
      startDate: '2026-03-10',
      startTime: '01:00',
      endTime: '02:00',
      timezone: 'America/Los_Angeles',
    });
  });

  it('moves the NetSuite date when the user zone is already on the next day', () => {
    const late = outlookEvent({
      timing: {
        allDay: false,
        start: '2026-03-10T20:00:00.000Z',
        end: '2026-03-10T21:00:00.000Z',
        timeZone: 'Europe/Berlin',
      },
    });
    expect(canonicalToNetSuite(late, ctx).fields).toMatchObject({
      startDate: '2026-03-11',
      startTime: '05:00',
      endTime: '06:00',
    });
  });

  it('converts across a daylight-saving change in the event zone', () => {
    // US clocks jump on 8 March 2026: 09:00 New York is 14:00 UTC on the 7th and 13:00 UTC on the 9th.
    const before = netSuiteToCanonical(
      record({ timezone: 'America/New_York', startDate: '2026-03-07', startTime: '09:00', endTime: '10:00' }),
      ctx
    );
    const after = netSuiteToCanonical(
      record({ timezone: 'America/New_York', startDate: '2026-03-09', startTime: '09:00', endTime: '10:00' }),
      ctx
    );
    expect(before.timing).toMatchObject({ start: '2026-03-07T14:00:00.000Z' });
    expect(after.timing).toMatchObject({ start: '2026-03-09T13:00:00.000Z' });
  });

  it('reads an end time before the start time as ending on the next day', () => {
    const back = netSuiteToCanonical(record({ timezone: 'UTC', startTime: '22:00', endTime: '01:00' }), ctx);
    expect(back.timing).toMatchObject({ start: '2026-03-10T22:00:00.000Z', end: '2026-03-11T01:00:00.000Z' });
  });

  it('accepts a 12-hour time format leaking from a user preference', () => {
    const back = netSuiteToCanonical(record({ timezone: 'UTC', startTime: '2:30 pm', endTime: '3:00 pm' }), ctx);
    expect(back.timing).toMatchObject({ start: '2026-03-10T14:30:00.000Z', end: '2026-03-10T15:00:00.000Z' });
  });
});

describe('the multi-day rule: a NetSuite event covers at most one day in its zone', () => {
  const ctx = { userTimeZone: 'Europe/Berlin', entities };

  it('cuts a timed event that ends on a later day to 23:59 of its first day, and says so', () => {
    const overnight = outlookEvent({
      timing: {
        allDay: false,
        start: '2026-05-04T20:00:00.000Z',
        end: '2026-05-06T08:00:00.000Z',
        timeZone: 'Europe/Berlin',
      },
    });
    const result = canonicalToNetSuite(overnight, ctx);
    expect(result.fields).toMatchObject({ startDate: '2026-05-04', startTime: '22:00', endTime: '23:59' });
    expect(result.clippedToOneDay).toBe(true);
  });

  it('keeps an event whole when it crosses midnight in UTC but not in the write zone', () => {
    const evening = outlookEvent({
      timing: {
        allDay: false,
        start: '2026-05-04T22:30:00.000Z',
        end: '2026-05-05T01:00:00.000Z',
        timeZone: 'Asia/Tokyo',
      },
    });
    const result = canonicalToNetSuite(evening, { ...ctx, userTimeZone: 'Asia/Tokyo' });
    expect(result.fields).toMatchObject({ startDate: '2026-05-05', startTime: '07:30', endTime: '10:00' });
    expect(result.clippedToOneDay).toBe(false);
  });

  it('writes a multi-day all-day event as its first day only', () => {
    const trip = outlookEvent({
      timing: { allDay: true, startDate: '2026-06-01', endDate: '2026-06-04', timeZone: 'Europe/Berlin' },
    });
    const result = canonicalToNetSuite(trip, ctx);
    expect(result.fields).toMatchObject({
      startDate: '2026-06-01',
      allDayEvent: true,
      timedEvent: false,
      startTime: null,
      endTime: null,
    });
    expect(result.clippedToOneDay).toBe(true);
  });

  it('writes a one-day all-day event unclipped and reads it back as the same floating day', () => {
    const day = outlookEvent({
      timing: { allDay: true, startDate: '2026-06-01', endDate: '2026-06-02', timeZone: 'Europe/Berlin' },
    });
    const result = canonicalToNetSuite(day, ctx);
    expect(result.clippedToOneDay).toBe(false);
    // NetSuite answers 08:00/18:00 on all-day events; they must not turn it into a timed event.
    const back = netSuiteToCanonical(
      record({
        allDayEvent: true,
        timedEvent: false,
        startDate: '2026-06-01',
        startTime: '08:00',
        endTime: '18:00',
        timezone: undefined,
      }),
      ctx
    );
    expect(back.timing).toEqual({
      allDay: true,
      startDate: '2026-06-01',
      endDate: '2026-06-02',
      timeZone: 'Europe/Berlin',
    });
  });
});

describe('access level (DESIGN §2)', () => {
  const ctx = { userTimeZone: 'UTC', entities };
  const level = (visibility: CanonicalEvent['visibility'], existingId?: string) =>
    canonicalToNetSuite(outlookEvent({ visibility }), {
      ...ctx,
      existing: existingId ? record({ accessLevel: { id: existingId } }) : undefined,
    }).fields.accessLevel;

  it.each([
    ['PUBLIC', 'public'],
    ['PRIVATE', 'private'],
    ['SHOW AS BUSY', 'busy-only'],
    ['SHOW_AS_BUSY', 'busy-only'],
  ])('NetSuite %s reads as %s', (id, visibility) => {
    expect(netSuiteToCanonical(record({ accessLevel: { id } }), ctx).visibility).toBe(visibility);
  });

  it('an Outlook normal event becomes Public, a private one Show as Busy', () => {
    expect(level('public')).toEqual({ id: 'PUBLIC' });
    expect(level('private')).toEqual({ refName: 'Show as Busy' });
  });

  it('a NetSuite Private event stays Private after a round trip through Outlook', () => {
    const ns = record({ accessLevel: { id: 'PRIVATE', refName: 'Private' } });
    const canonical = netSuiteToCanonical(ns, ctx);
    // Outlook has one "private" for both Private and Show as Busy: that is what comes back.
    const fromOutlook = { ...canonical, visibility: 'private' as const };
    expect(canonicalToNetSuite(fromOutlook, { ...ctx, existing: ns }).fields.accessLevel).toEqual({ id: 'PRIVATE' });
  });

  it("keeps NetSuite's own access level and status in extras, so Private and Show as Busy stay apart", () => {
    const canonical = netSuiteToCanonical(record({ accessLevel: { id: 'PRIVATE' }, status: { id: 'COMPLETE' } }), ctx);
    expect(canonical.extras.netsuite).toEqual({ accessLevel: 'PRIVATE', status: 'COMPLETE' });
    // Re-created in NetSuite without a current record (e.g. after a restore): the carried value wins.
    const { fields } = canonicalToNetSuite({ ...canonical, visibility: 'private' }, ctx);
    expect(fields).toMatchObject({ accessLevel: { id: 'PRIVATE' }, status: { id: 'COMPLETE' } });
  });

  it('a Show as Busy event stays Show as Busy after a round trip through Outlook', () => {
    expect(level('private', 'SHOW AS BUSY')).toEqual({ refName: 'Show as Busy' });
  });

  it('a Private event made normal in Outlook becomes Public', () => {
    expect(level('public', 'PRIVATE')).toEqual({ id: 'PUBLIC' });
  });
});

describe('fields, status, organiser and attendees', () => {
  const ctx = { userTimeZone: 'Asia/Tokyo', entities };

  it('maps title, message, location, organiser and attendees with their responses', () => {
    const canonical = netSuiteToCanonical(record(), ctx);
    expect(canonical).toMatchObject({
      kind: 'event',
      title: 'Quarterly review',
      description: 'Numbers first',
      location: 'Room 4',
      status: 'confirmed',
      organizer: { email: 'olivia.organizer@example.com', name: 'Olivia Organizer' },
      attendees: [
        { email: 'ben.employee@example.com', name: 'Ben Employee', type: 'required', response: 'declined' },
        { email: 'carla.contact@example.com', name: 'Carla Contact', type: 'optional', response: 'tentative' },
      ],
    });
  });

  it('writes attendees as entity references with responses, the organiser first and accepted, and reports unknown emails', () => {
    const event = outlookEvent({
      organizer: { email: 'Olivia.Organizer@example.com' },
      attendees: [
        { email: 'ben.employee@example.com', type: 'required', response: 'accepted' },
        { email: 'carla.contact@example.com', type: 'optional', response: 'none' },
        { email: 'stranger@elsewhere.example', type: 'required', response: 'tentative' },
      ],
    });
    const result = canonicalToNetSuite(event, ctx);
    expect(result.fields.organizer).toEqual({ id: '7' });
    expect(result.fields.attendee?.items).toEqual([
      { attendee: { id: '7' }, response: { id: 'ACCEPTED' }, attendance: { id: 'REQUIRED' } },
      { attendee: { id: '8' }, response: { id: 'ACCEPTED' }, attendance: { id: 'REQUIRED' } },
      { attendee: { id: '9' }, response: { id: 'NO_RESPONSE' }, attendance: { id: 'OPTIONAL' } },
    ]);
    expect(result.unresolvedAttendees).toEqual(['stranger@elsewhere.example']);
  });

  it('attendees and organiser survive a round trip unchanged', () => {
    const canonical = netSuiteToCanonical(record(), ctx);
    const { fields } = canonicalToNetSuite(canonical, { ...ctx, existing: record() });
    expect(fields.attendee?.items.map((l) => [l.attendee.id, l.response?.id, l.attendance?.id])).toEqual([
      ['7', 'ACCEPTED', 'REQUIRED'],
      ['8', 'DECLINED', 'REQUIRED'],
      ['9', 'TENTATIVE', 'OPTIONAL'],
    ]);
  });

  it.each([
    ['CONFIRMED', 'confirmed'],
    ['TENTATIVE', 'tentative'],
    ['CANCELLED', 'cancelled'],
    ['COMPLETE', 'confirmed'],
  ])('status %s reads as %s', (id, status) => {
    expect(netSuiteToCanonical(record({ status: { id } }), ctx).status).toBe(status);
  });

  it('keeps a COMPLETE status when the event comes back confirmed, and writes the others by id', () => {
    const complete = record({ status: { id: 'COMPLETE' } });
    expect(
      canonicalToNetSuite(netSuiteToCanonical(complete, ctx), { ...ctx, existing: complete }).fields.status
    ).toEqual({ id: 'COMPLETE' });
    expect(canonicalToNetSuite(outlookEvent({ status: 'cancelled' }), ctx).fields.status).toEqual({ id: 'CANCELLED' });
    expect(canonicalToNetSuite(outlookEvent({ status: 'tentative' }), ctx).fields.status).toEqual({ id: 'TENTATIVE' });
  });

  it('marks an event carrying a recurrence description as a series', () => {
    expect(netSuiteToCanonical(record({ recurrence: 'Every week on MO' }), ctx).kind).toBe('series');
  });
});
