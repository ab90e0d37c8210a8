import { startHarness, type Harness } from './harness';

/** What Exchange does around meetings: emails, attendee copies, responses. */
describe('Graph emulator: meetings', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ declineRemovesEvent: false });
  });
  afterAll(async () => h.close());

  it('emails invitations and puts a copy with the same iCalUId into an invited mailbox it hosts', async () => {
    const before = h.emu.sentMail.length;
    const res = await h.call('POST', `/users/${h.alice}/events`, {
      subject: 'Review',
      start: { dateTime: '2026-03-05T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-05T11:00:00', timeZone: 'UTC' },
      attendees: [
        { type: 'required', emailAddress: { address: h.bob, name: 'Bob' } },
        { emailAddress: { address: 'ext@fabrikam.test' } },
      ],
    });
    expect(h.emu.sentMail.slice(before)).toEqual([
      expect.objectContaining({
        kind: 'invitation',
        actor: 'app',
        from: h.alice,
        to: [h.bob, 'ext@fabrikam.test'],
        subject: 'Review',
      }),
    ]);
    const copy = h.emu.userSide.listEvents(h.bob).find((e) => e.iCalUId === res.json.iCalUId);
    expect(copy).toMatchObject({
      isOrganizer: false,
      responseStatus: { response: 'notResponded' },
      organizer: { emailAddress: { address: h.alice } },
    });
    expect(copy?.id).not.toBe(res.json.id);
  });

  it('carries an attendee response back to the organiser and emails it', async () => {
    const meeting = h.emu.userSide.createEvent(h.alice, {
      subject: 'Sync',
      start: '2026-03-06T10:00',
      end: '2026-03-06T11:00',
      attendees: [h.bob],
    });
    const copy = h.emu.userSide.listEvents(h.bob).find((e) => e.iCalUId === meeting.iCalUId)!;
    const res = await h.call('POST', `/users/${h.bob}/events/${copy.id}/tentativelyAccept`, { sendResponse: true });
    expect(res.status).toBe(202);
    expect(h.emu.userSide.getEvent(h.bob, copy.id)).toMatchObject({
      responseStatus: { response: 'tentativelyAccepted' },
      showAs: 'tentative',
    });
    expect(h.emu.userSide.getEvent(h.alice, meeting.id)?.attendees[0]?.status.response).toBe('tentativelyAccepted');
    expect(h.emu.sentMail.at(-1)).toMatchObject({
      kind: 'response',
      from: h.bob,
      to: [h.alice],
      response: 'tentativelyAccepted',
    });
    const own = await h.call('POST', `/users/${h.alice}/events/${meeting.id}/accept`, {});
    expect(own.status).toBe(400);
  });

  it('emails cancellations when the organiser deletes, and marks the copies cancelled', async () => {
    const meeting = h.emu.userSide.createEvent(h.alice, {
      subject: 'Gone',
      start: '2026-03-07T10:00',
      end: '2026-03-07T11:00',
      attendees: [h.bob],
    });
    const copy = h.emu.userSide.listEvents(h.bob).find((e) => e.iCalUId === meeting.iCalUId)!;
    expect((await h.call('DELETE', `/users/${h.alice}/events/${meeting.id}`)).status).toBe(204);
    expect(h.emu.sentMail.at(-1)).toMatchObject({ kind: 'cancellation', actor: 'app', to: [h.bob] });
    expect(h.emu.userSide.getEvent(h.bob, copy.id)).toMatchObject({ isCancelled: true, subject: 'Canceled: Gone' });
  });

  it('sends nothing for events without attendees, and nothing when an attendee deletes their copy', async () => {
    const before = h.emu.sentMail.length;
    await h.call('POST', `/users/${h.alice}/events`, {
      subject: 'Solo',
      start: { dateTime: '2026-03-08T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-03-08T11:00:00', timeZone: 'UTC' },
    });
    const meeting = h.emu.userSide.createEvent(h.alice, {
      subject: 'M',
      start: '2026-03-09T10:00',
      end: '2026-03-09T11:00',
      attendees: [h.bob],
    });
    const copy = h.emu.userSide.listEvents(h.bob).find((e) => e.iCalUId === meeting.iCalUId)!;
    await h.call('DELETE', `/users/${h.bob}/events/${copy.id}`);
    expect(h.emu.sentMail.slice(before).map((m) => [m.kind, m.actor])).toEqual([['invitation', 'user']]);
  });

  it('removes a declined meeting when configured as Exchange does by default', async () => {
    const h2 = await startHarness();
    try {
      const meeting = h2.emu.userSide.createEvent(h2.alice, {
        subject: 'No',
        start: '2026-03-09T10:00',
        end: '2026-03-09T11:00',
        attendees: [h2.bob],
      });
      const copy = h2.emu.userSide.listEvents(h2.bob).find((e) => e.iCalUId === meeting.iCalUId)!;
      h2.emu.userSide.respond(h2.bob, copy.id, 'declined');
      expect(h2.emu.userSide.getEvent(h2.bob, copy.id)).toBeUndefined();
      expect(h2.emu.userSide.getEvent(h2.alice, meeting.id)?.attendees[0]?.status.response).toBe('declined');
    } finally {
      await h2.close();
    }
  });
});
