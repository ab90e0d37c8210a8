import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../../src/emulators/netsuite';
import { RECORD, rawTba } from './raw-client';

describe('a person working in the NetSuite UI (user-side API)', () => {
  let emulator: NetSuiteEmulator;
  let me: { id: string };
  let guest: { id: string };
  beforeAll(async () => {
    emulator = await startNetSuiteEmulator();
    me = emulator.addEmployee({ name: 'Mia', email: 'mia@example.com', timeZone: 'Australia/Sydney' });
    guest = emulator.addContact({ name: 'Gio', email: 'gio@example.com' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("stamps the person's own zone on the event and keeps them on the attendee list", () => {
    const event = emulator.userSide.createEvent(me.id, {
      title: 'Mine',
      date: '2026-02-01',
      startTime: '08:00',
      endTime: '09:00',
      attendees: [{ entityId: guest.id }],
    });
    expect(event).toMatchObject({ timezone: 'Australia/Sydney', organizerId: me.id, ownerId: me.id });
    expect(event.attendees).toEqual([
      { entityId: me.id, response: 'ACCEPTED', attendance: 'REQUIRED' },
      { entityId: guest.id, response: 'NO_RESPONSE', attendance: 'REQUIRED' },
    ]);
  });

  it('can leave the event zone empty, as the REST read then shows', async () => {
    const event = emulator.userSide.createEvent(me.id, {
      title: 'No zone',
      date: '2026-02-02',
      startTime: '08:00',
      endTime: '09:00',
      timezone: '',
    });
    const res = await rawTba(emulator)('GET', `${RECORD}/calendarEvent/${event.id}`);
    expect(res.data.timezone).toBeUndefined();
  });

  it('records the invitation, update and cancellation emails NetSuite would send', () => {
    const event = emulator.userSide.createEvent(me.id, {
      title: 'Invite',
      date: '2026-02-03',
      startTime: '08:00',
      endTime: '09:00',
      attendees: [{ entityId: guest.id }],
      sendInvitations: true,
    });
    emulator.userSide.editEvent(me.id, event.id, { title: 'Invite (moved)', sendInvitations: true });
    emulator.userSide.deleteEvent(me.id, event.id, { sendCancellations: true });
    expect(emulator.sentEmails.filter((m) => m.eventId === event.id).map((m) => [m.kind, m.to])).toEqual([
      ['invitation', 'gio@example.com'],
      ['update', 'gio@example.com'],
      ['cancellation', 'gio@example.com'],
    ]);
  });

  it('makes recurring events and removes single occurrences', () => {
    const series = emulator.userSide.createEvent(me.id, {
      title: 'Monthly',
      date: '2026-02-05',
      startTime: '10:00',
      endTime: '11:00',
      recurrence: {
        frequency: 'month',
        recurrenceDow: 'thursday',
        recurrenceDowim: 'first',
        seriesStartDate: '2026-02-05',
        noEndDate: true,
      },
    });
    const after = emulator.userSide.excludeOccurrence(me.id, series.id, '2026-03-05');
    expect(after.recurrence).toMatchObject({
      frequency: 'month',
      recurrenceDow: 'thursday',
      recurrenceDowim: 'first',
      exclusionDateList: ['2026-03-05'],
    });
    expect(after.lastModifiedDate >= series.lastModifiedDate).toBe(true);
  });

  it('lets an attendee answer', () => {
    const event = emulator.userSide.createEvent(me.id, {
      title: 'Answer',
      date: '2026-02-06',
      startTime: '08:00',
      endTime: '09:00',
      attendees: [{ entityId: guest.id }],
    });
    const answered = emulator.userSide.respond(guest.id, event.id, 'TENTATIVE');
    expect(answered.attendees.find((a) => a.entityId === guest.id)?.response).toBe('TENTATIVE');
    expect(() => emulator.userSide.respond('999', event.id, 'ACCEPTED')).toThrow();
  });
});
