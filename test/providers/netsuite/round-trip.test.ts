import { parseCanonicalEvent } from '../../../src/domain/canonical-event';
import { canonicalToNetSuite, netSuiteToCanonical } from '../../../src/providers/netsuite/mapping';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

/**
 * Sync's own path against the emulator: read a record a person made, map it, and write back what
 * "Outlook" returns. Outlook's side is modelled by DESIGN §2 (normal ↔ public, private for both
 * Private and Show as Busy); the Graph mapping itself is tested in its own folder.
 */
describe('round trips through the emulator', () => {
  let h: NetSuiteHarness;
  let organizer: { id: string; email: string };
  let guest: { id: string; email: string };
  beforeAll(async () => {
    h = await startHarness({ integrationUserTimeZone: 'America/Denver' });
    organizer = h.emulator.addEmployee({ name: 'Ola Organizer', email: 'ola@example.com', timeZone: 'Asia/Kolkata' });
    guest = h.emulator.addContact({ name: 'Gil Guest', email: 'gil@example.com' });
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const readCanonical = async (id: string) => {
    const record = (await h.tba.getCalendarEvent(id))!;
    const directory = await h.tba.entities.directoryFor({
      ids: [record.organizer!.id, ...(record.attendee?.items ?? []).map((l) => l.attendee.id)],
    });
    return {
      record,
      directory,
      canonical: netSuiteToCanonical(record, {
        userTimeZone: 'America/Denver',
        entities: directory,
        recurrence: await h.tba.getRecurrence(id),
      }),
    };
  };

  it.each([
    ['PRIVATE', 'private'],
    ['SHOW AS BUSY', 'busy-only'],
    ['PUBLIC', 'public'],
  ] as const)('a NetSuite %s event keeps its access level after a trip through Outlook', async (level, visibility) => {
    const made = h.emulator.userSide.createEvent(organizer.id, {
      title: `Access ${level}`,
      date: '2026-04-07',
      startTime: '15:00',
      endTime: '16:00',
      accessLevel: level,
    });
    const { record, directory, canonical } = await readCanonical(made.id);
    expect(canonical.visibility).toBe(visibility);
    const fromOutlook = parseCanonicalEvent({
      ...canonical,
      visibility: visibility === 'public' ? 'public' : 'private',
      title: `${canonical.title} (edited in Outlook)`,
    });
    const { fields } = canonicalToNetSuite(fromOutlook, {
      userTimeZone: 'America/Denver',
      entities: directory,
      existing: record,
    });
    await h.tba.updateCalendarEvent(made.id, fields);
    expect(h.emulator.getEvent(made.id)).toMatchObject({
      accessLevel: level,
      title: `Access ${level} (edited in Outlook)`,
    });
  });

  it('an attendee response made in NetSuite reads as that response, and a write-back keeps it and the times', async () => {
    const made = h.emulator.userSide.createEvent(organizer.id, {
      title: 'RSVP',
      date: '2026-04-08',
      startTime: '09:30',
      endTime: '10:00',
      attendees: [{ entityId: guest.id }],
    });
    h.emulator.userSide.respond(guest.id, made.id, 'DECLINED');
    const { record, directory, canonical } = await readCanonical(made.id);
    expect(canonical.organizer).toEqual({ email: 'ola@example.com', name: 'Ola Organizer' });
    expect(canonical.attendees).toEqual([
      { email: 'gil@example.com', name: 'Gil Guest', type: 'required', response: 'declined' },
    ]);
    // 09:30 in Kolkata (the organiser's zone, stamped on the event) is 04:00 UTC.
    expect(canonical.timing).toMatchObject({
      start: '2026-04-08T04:00:00.000Z',
      end: '2026-04-08T04:30:00.000Z',
      timeZone: 'Asia/Kolkata',
    });
    const { fields } = canonicalToNetSuite(canonical, {
      userTimeZone: 'America/Denver',
      entities: directory,
      existing: record,
    });
    await h.tba.updateCalendarEvent(made.id, fields);
    const after = h.emulator.getEvent(made.id)!;
    expect(after.attendees).toEqual([
      { entityId: organizer.id, response: 'ACCEPTED', attendance: 'REQUIRED' },
      { entityId: guest.id, response: 'DECLINED', attendance: 'REQUIRED' },
    ]);
    expect(after).toMatchObject({
      startDate: '2026-04-08',
      startTime: '09:30',
      endTime: '10:00',
      timezone: 'Asia/Kolkata',
    });
    expect(h.emulator.sentEmails).toEqual([]);
  });

  it('a recurring series made in NetSuite reads as an RRULE and writes back to the same fields', async () => {
    const made = h.emulator.userSide.createEvent(organizer.id, {
      title: 'Weekly',
      date: '2026-04-06',
      startTime: '08:00',
      endTime: '08:30',
      recurrence: {
        frequency: 'week',
        period: 2,
        recurrenceDowMaskList: ['monday'],
        seriesStartDate: '2026-04-06',
        noEndDate: true,
        exclusionDateList: ['2026-04-20'],
      },
    });
    const { record, directory, canonical } = await readCanonical(made.id);
    expect(canonical.kind).toBe('series');
    expect(canonical.recurrence).toMatchObject({ timeZone: 'Asia/Kolkata', exdates: ['2026-04-20T02:30:00.000Z'] });
    expect(canonical.recurrence?.rrule).toMatch(/FREQ=WEEKLY/);
    expect(canonical.recurrence?.rrule).toMatch(/INTERVAL=2/);
    const result = canonicalToNetSuite(canonical, {
      userTimeZone: 'America/Denver',
      entities: directory,
      existing: record,
    });
    expect(result.recurrence).toEqual({
      ok: true,
      recurrence: expect.objectContaining({
        frequency: 'week',
        period: 2,
        recurrenceDowMaskList: ['monday'],
        seriesStartDate: '2026-04-06',
        noEndDate: true,
        exclusionDateList: ['2026-04-20'],
      }),
    });
  });

  it('a timed series repeating in another zone than the NetSuite one is reported as not representable', () => {
    const series = parseCanonicalEvent({
      kind: 'series',
      title: 'Berlin weekly',
      timing: {
        allDay: false,
        start: '2026-04-06T07:00:00.000Z',
        end: '2026-04-06T07:30:00.000Z',
        timeZone: 'Europe/Berlin',
      },
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO', timeZone: 'Europe/Berlin' },
    });
    const result = canonicalToNetSuite(series, {
      userTimeZone: 'America/Denver',
      entities: { emailOf: () => undefined, idOf: () => undefined },
    });
    expect(result.recurrence).toMatchObject({ ok: false, notRepresentable: true });
    const same = canonicalToNetSuite(series, {
      userTimeZone: 'Europe/Berlin',
      entities: { emailOf: () => undefined, idOf: () => undefined },
    });
    expect(same.recurrence).toMatchObject({
      ok: true,
      recurrence: { frequency: 'week', recurrenceDowMaskList: ['monday'], seriesStartDate: '2026-04-06' },
    });
  });
});
