import { DateTime } from 'luxon';
import type { UserEvent } from '../../src/emulators/graph/user-side';
import type { StoredEvent } from '../../src/emulators/netsuite';
import { daysAhead } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * Meetings shared by two synced users of one tenant (DESIGN.md §4.10–12), end to end: a real
 * Temporal dev server, PostgreSQL, both users' workflows on one worker, and the emulators over
 * HTTP(S). One meeting is one NetSuite event with both users on it, each user keeps their own
 * Autotask appointment, responses travel both ways, a decline removes the meeting from the
 * decliner's other calendars for good, and sync never emails anyone.
 */
describe('meetings shared by two synced users', () => {
  let stack: SyncStack;
  let bob: Awaited<ReturnType<SyncStack['addSyncedUser']>>;
  /** Someone in the same Microsoft 365 directory whose calendar is not synced. */
  const organizer = { name: 'Olivia Organizer', address: 'olivia.organizer@contoso.example' };

  beforeAll(async () => {
    stack = await startSyncStack();
    stack.sandbox.graph.addMailbox(organizer.address, {
      displayName: organizer.name,
      tenantId: stack.sandbox.info.graph.directoryId,
    });
    bob = await stack.addSyncedUser({ name: 'Bob Builder', mailbox: 'bob.builder@contoso.example' });
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 }, bob.userId);
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const alice = () => ({
    userId: stack.sandbox.userId,
    mailbox: stack.sandbox.info.mailbox,
    employeeId: stack.sandbox.info.netsuite.employeeId,
    resourceId: stack.sandbox.info.autotask.resourceId,
  });
  const graph = () => stack.sandbox.graph.userSide;
  const copiesIn = (mailbox: string, subject: string): UserEvent[] =>
    graph()
      .listEvents(mailbox)
      .filter((e) => e.subject === subject);
  const netsuiteEvents = (title: string): StoredEvent[] =>
    stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const appointments = (title: string) =>
    (
      stack.sandbox.autotask.userSide.list('Appointments') as { id: number; title: string; resourceID: number }[]
    ).filter((a) => a.title === title);
  /** A NetSuite event's wall clock, in its own zone (the employee's when it has none), as a UTC instant. */
  const instantOf = (event: StoredEvent, which: 'start' | 'end') =>
    DateTime.fromISO(`${event.startDate}T${which === 'start' ? event.startTime : event.endTime}`, {
      zone: event.timezone || 'America/New_York',
    })
      .toUTC()
      .toISO();
  const responseOf = (event: StoredEvent, employeeId: string) =>
    event.attendees.find((a) => a.entityId === employeeId)?.response;
  /** The one NetSuite event of this title, once it satisfies `ready`. */
  const oneNetSuiteEvent = (what: string, title: string, ready: (e: StoredEvent) => boolean = () => true) =>
    eventually(what, () => {
      const found = netsuiteEvents(title);
      return found.length === 1 && found[0] && ready(found[0]) ? found[0] : undefined;
    });
  const itemsFor = async (iCalUid: string) =>
    (await stack.db.pool.query('SELECT item_id FROM items WHERE ical_uid = $1', [iCalUid])).rowCount;
  /** Lets both workflows poll a few more times, so that a late duplicate would have time to appear. */
  const settle = async () => {
    const before = stack.sandbox.graph.requestLog.length;
    await eventually('a few more polls of both mailboxes', () =>
      stack.sandbox.graph.requestLog.length > before + 12 ? true : undefined
    );
  };

  /** The invitation lands in both synced mailboxes at the same instant (Exchange delivers the copies). */
  function invite(subject: string, day: string) {
    return graph().createEvent(organizer.address, {
      subject,
      body: 'Agenda: roadmap',
      start: `${day}T15:00:00`,
      end: `${day}T16:00:00`,
      timeZone: 'UTC',
      location: 'Board room',
      attendees: [alice().mailbox, bob.mailbox],
    });
  }

  it('two synced invitees get one NetSuite event with both as attendees, and an Autotask appointment each', async () => {
    const meeting = invite('Roadmap review', daysAhead(20));
    const aliceCopy = copiesIn(alice().mailbox, 'Roadmap review')[0];
    const bobCopy = copiesIn(bob.mailbox, 'Roadmap review')[0];
    expect(aliceCopy?.iCalUId).toBe(meeting.iCalUId);
    expect(bobCopy?.iCalUId).toBe(meeting.iCalUId);

    const event = await oneNetSuiteEvent(
      'one NetSuite event with both synced users on it',
      'Roadmap review',
      (e) => responseOf(e, alice().employeeId) !== undefined && responseOf(e, bob.employeeId) !== undefined
    );
    expect(event.message).toBe('Agenda: roadmap');
    expect(event.location).toBe('Board room');
    expect(instantOf(event, 'start')).toBe(`${daysAhead(20)}T15:00:00.000Z`);
    expect(instantOf(event, 'end')).toBe(`${daysAhead(20)}T16:00:00.000Z`);
    await eventually('an Autotask appointment for each synced user', () =>
      appointments('Roadmap review').length === 2 ? true : undefined
    );
    await settle();

    expect(netsuiteEvents('Roadmap review')).toHaveLength(1);
    expect(
      appointments('Roadmap review')
        .map((a) => a.resourceID)
        .sort()
    ).toEqual([alice().resourceId, bob.resourceId].sort());
    // Sync added no Outlook copies: each mailbox holds exactly the one Exchange delivered.
    expect(copiesIn(alice().mailbox, 'Roadmap review')).toHaveLength(1);
    expect(copiesIn(bob.mailbox, 'Roadmap review')).toHaveLength(1);
    expect(copiesIn(organizer.address, 'Roadmap review')).toHaveLength(1);
    expect(await itemsFor(meeting.iCalUId)).toBe(1);
  }, 120_000);

  it('a meeting a synced user organises for another is one NetSuite event, organised by them', async () => {
    graph().createEvent(alice().mailbox, {
      subject: 'Pricing sync',
      start: `${daysAhead(21)}T10:00:00`,
      end: `${daysAhead(21)}T10:30:00`,
      timeZone: 'Europe/Berlin',
      attendees: [bob.mailbox],
    });
    const iCalUId = copiesIn(alice().mailbox, 'Pricing sync')[0]?.iCalUId ?? '';
    expect(copiesIn(bob.mailbox, 'Pricing sync')[0]?.iCalUId).toBe(iCalUId);

    const event = await oneNetSuiteEvent(
      'the NetSuite event with Bob on it',
      'Pricing sync',
      (e) => responseOf(e, bob.employeeId) !== undefined
    );
    expect(event.organizerId).toBe(alice().employeeId);
    await eventually('an Autotask appointment for each', () =>
      appointments('Pricing sync').length === 2 ? true : undefined
    );
    await settle();
    expect(netsuiteEvents('Pricing sync')).toHaveLength(1);
    expect(copiesIn(alice().mailbox, 'Pricing sync')).toHaveLength(1);
    expect(copiesIn(bob.mailbox, 'Pricing sync')).toHaveLength(1);
    expect(await itemsFor(iCalUId)).toBe(1);
  }, 120_000);

  it('responses travel: Outlook accept and tentative reach NetSuite, a NetSuite response reaches Outlook', async () => {
    invite('Quarterly planning', daysAhead(22));
    const aliceCopy = copiesIn(alice().mailbox, 'Quarterly planning')[0]!;
    const bobCopy = copiesIn(bob.mailbox, 'Quarterly planning')[0]!;
    // Both answer as soon as the meeting is in NetSuite, before NetSuite has been read back.
    const first = await oneNetSuiteEvent('the NetSuite event', 'Quarterly planning');
    graph().respond(alice().mailbox, aliceCopy.id, 'accepted');
    graph().respond(bob.mailbox, bobCopy.id, 'tentativelyAccepted');
    await oneNetSuiteEvent(
      "Alice's accept and Bob's tentative in NetSuite",
      'Quarterly planning',
      (e) => responseOf(e, alice().employeeId) === 'ACCEPTED' && responseOf(e, bob.employeeId) === 'TENTATIVE'
    );

    // Bob makes up his mind in NetSuite: his Outlook copy follows.
    stack.sandbox.netsuite.userSide.respond(bob.employeeId, first.id, 'ACCEPTED');
    await eventually("Bob's accept in his Outlook copy", () =>
      graph().getEvent(bob.mailbox, bobCopy.id)?.responseStatus.response === 'accepted' ? true : undefined
    );
    await settle();

    const final = netsuiteEvents('Quarterly planning');
    expect(final).toHaveLength(1);
    expect(responseOf(final[0]!, alice().employeeId)).toBe('ACCEPTED');
    expect(responseOf(final[0]!, bob.employeeId)).toBe('ACCEPTED');
    expect(graph().getEvent(alice().mailbox, aliceCopy.id)?.responseStatus.response).toBe('accepted');
    // Both still attend: each keeps their Autotask appointment.
    expect(
      appointments('Quarterly planning')
        .map((a) => a.resourceID)
        .sort()
    ).toEqual([alice().resourceId, bob.resourceId].sort());
    expect(copiesIn(bob.mailbox, 'Quarterly planning')).toHaveLength(1);
  }, 120_000);

  it('responses whose NetSuite writes cross both arrive: neither user overwrites the other', async () => {
    invite('Hiring panel', daysAhead(24));
    const aliceCopy = copiesIn(alice().mailbox, 'Hiring panel')[0]!;
    const bobCopy = copiesIn(bob.mailbox, 'Hiring panel')[0]!;
    const event = await oneNetSuiteEvent(
      'the NetSuite event with both on it',
      'Hiring panel',
      (e) => responseOf(e, alice().employeeId) !== undefined && responseOf(e, bob.employeeId) !== undefined
    );
    await eventually('an Autotask appointment for each', () =>
      appointments('Hiring panel').length === 2 ? true : undefined
    );
    // NetSuite holds each write of the attendee list for 2 s, so each user's round reads the event
    // before the other's write lands: the writes cross (NetSuite has no conditional update).
    const patches = () =>
      stack.sandbox.netsuite.requestLog.filter(
        (r) => r.method === 'PATCH' && r.url.split('?')[0]!.endsWith(`/calendarEvent/${event.id}`)
      );
    const before = patches().length;
    stack.sandbox.netsuite.faults.inject({
      method: 'PATCH',
      path: `/services/rest/record/v1/calendarEvent/${event.id}`,
      delayMs: 2_000,
      times: 2,
    });
    graph().respond(alice().mailbox, aliceCopy.id, 'accepted');
    graph().respond(bob.mailbox, bobCopy.id, 'tentativelyAccepted');
    await oneNetSuiteEvent(
      "Alice's accept and Bob's tentative in NetSuite",
      'Hiring panel',
      (e) => responseOf(e, alice().employeeId) === 'ACCEPTED' && responseOf(e, bob.employeeId) === 'TENTATIVE'
    );
    expect(patches().length).toBeGreaterThan(before);
    await settle();
    const final = netsuiteEvents('Hiring panel');
    expect(final).toHaveLength(1);
    expect(responseOf(final[0]!, alice().employeeId)).toBe('ACCEPTED');
    expect(responseOf(final[0]!, bob.employeeId)).toBe('TENTATIVE');
    expect(graph().getEvent(alice().mailbox, aliceCopy.id)?.responseStatus.response).toBe('accepted');
    expect(graph().getEvent(bob.mailbox, bobCopy.id)?.responseStatus.response).toBe('tentativelyAccepted');
  }, 120_000);

  it('a meeting declined in Outlook leaves the decliner’s other calendars and never comes back', async () => {
    invite('Vendor pitch', daysAhead(23));
    const bobCopy = copiesIn(bob.mailbox, 'Vendor pitch')[0]!;
    // Bob answers as soon as sync has seen his copy (his Autotask appointment exists), before
    // NetSuite has necessarily been read back. A copy declined before sync ever saw it leaves no
    // trace to act on (Graph reports only the removed id).
    const event = await oneNetSuiteEvent('the NetSuite event', 'Vendor pitch');
    await eventually("Bob's Autotask appointment", () =>
      appointments('Vendor pitch').some((a) => a.resourceID === bob.resourceId) ? true : undefined
    );
    graph().respond(bob.mailbox, bobCopy.id, 'declined');
    await eventually("Bob's Autotask appointment gone", () =>
      appointments('Vendor pitch').some((a) => a.resourceID === bob.resourceId) ? undefined : true
    );
    await oneNetSuiteEvent(
      "Bob's decline in NetSuite",
      'Vendor pitch',
      (e) => responseOf(e, bob.employeeId) === 'DECLINED'
    );

    // The organiser moves the meeting: Alice's side follows, Bob's stays declined.
    const organizerCopy = copiesIn(organizer.address, 'Vendor pitch')[0]!;
    graph().updateEvent(organizer.address, organizerCopy.id, { location: 'Room 7' });
    await oneNetSuiteEvent('the new location in NetSuite', 'Vendor pitch', (e) => e.location === 'Room 7');
    await settle();

    expect(netsuiteEvents('Vendor pitch').map((e) => e.id)).toEqual([event.id]);
    expect(responseOf(netsuiteEvents('Vendor pitch')[0]!, bob.employeeId)).toBe('DECLINED');
    expect(appointments('Vendor pitch').map((a) => a.resourceID)).toEqual([alice().resourceId]);
    expect(copiesIn(bob.mailbox, 'Vendor pitch')).toHaveLength(0);
    expect(copiesIn(alice().mailbox, 'Vendor pitch')).toHaveLength(1);
  }, 120_000);

  it('a meeting declined in NetSuite is declined in Outlook and leaves Autotask', async () => {
    invite('Budget freeze', daysAhead(26));
    const event = await oneNetSuiteEvent(
      'the NetSuite event with both on it',
      'Budget freeze',
      (e) => responseOf(e, bob.employeeId) !== undefined && responseOf(e, alice().employeeId) !== undefined
    );
    await eventually('both Autotask appointments', () =>
      appointments('Budget freeze').length === 2 ? true : undefined
    );

    stack.sandbox.netsuite.userSide.respond(alice().employeeId, event.id, 'DECLINED');
    await eventually("Alice's Autotask appointment gone", () =>
      appointments('Budget freeze').some((a) => a.resourceID === alice().resourceId) ? undefined : true
    );
    // Declining in Outlook removes the invitation from the mailbox (Outlook's default).
    await eventually("Alice's Outlook copy declined", () =>
      copiesIn(alice().mailbox, 'Budget freeze').length === 0 ? true : undefined
    );
    await settle();

    const final = netsuiteEvents('Budget freeze');
    expect(final.map((e) => e.id)).toEqual([event.id]);
    expect(responseOf(final[0]!, alice().employeeId)).toBe('DECLINED');
    expect(appointments('Budget freeze').map((a) => a.resourceID)).toEqual([bob.resourceId]);
    expect(copiesIn(bob.mailbox, 'Budget freeze')).toHaveLength(1);
    // Alice's decline went to the organiser without an email (sendResponse: false).
    expect(
      stack.sandbox.graph.sentMail.filter(
        (m) => m.kind === 'response' && m.from === alice().mailbox && m.subject === 'Budget freeze'
      )
    ).toHaveLength(0);
  }, 120_000);

  it('an invitee whose sync starts after the organiser moved the meeting brings the move to NetSuite', async () => {
    // Carol's copy joins an item Bob's sync made, with content nobody synced has seen yet: no base
    // of hers to compare with, but Exchange keeps her copy at the organiser's latest.
    const carol = await stack.addSyncedUser({ name: 'Carol Carter', mailbox: 'carol.carter@contoso.example' });
    graph().createEvent(organizer.address, {
      subject: 'Supplier review',
      start: `${daysAhead(27)}T13:00:00`,
      end: `${daysAhead(27)}T14:00:00`,
      timeZone: 'UTC',
      location: 'Board room',
      attendees: [bob.mailbox, carol.mailbox],
    });
    const bobCopy = copiesIn(bob.mailbox, 'Supplier review')[0]!;
    const event = await oneNetSuiteEvent('the NetSuite event', 'Supplier review');
    await eventually("Bob's Autotask appointment", () =>
      appointments('Supplier review').some((a) => a.resourceID === bob.resourceId) ? true : undefined
    );
    // Bob leaves, so no running sync sees the organiser's move.
    graph().respond(bob.mailbox, bobCopy.id, 'declined');
    await oneNetSuiteEvent(
      "Bob's decline in NetSuite",
      'Supplier review',
      (e) => responseOf(e, bob.employeeId) === 'DECLINED'
    );
    const organizerCopy = copiesIn(organizer.address, 'Supplier review')[0]!;
    graph().updateEvent(organizer.address, organizerCopy.id, { location: 'Room 12' });
    await settle();
    expect(netsuiteEvents('Supplier review')[0]?.location).toBe('Board room');

    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 }, carol.userId);
    await oneNetSuiteEvent('the new room in NetSuite', 'Supplier review', (e) => e.location === 'Room 12');
    await eventually("Carol's Autotask appointment", () =>
      appointments('Supplier review').some((a) => a.resourceID === carol.resourceId) ? true : undefined
    );
    await settle();

    expect(netsuiteEvents('Supplier review').map((e) => e.id)).toEqual([event.id]);
    expect(responseOf(netsuiteEvents('Supplier review')[0]!, bob.employeeId)).toBe('DECLINED');
    expect(appointments('Supplier review').map((a) => a.resourceID)).toEqual([carol.resourceId]);
    expect(copiesIn(carol.mailbox, 'Supplier review')).toHaveLength(1);
  }, 120_000);

  it('sync itself never emailed anyone: only the people did', () => {
    const mail = stack.sandbox.graph.sentMail;
    expect(mail.filter((m) => m.actor === 'app')).toEqual([]);
    // What the people sent: the organisers' invitations (and updates), and the responses made in Outlook.
    expect(mail.length).toBeGreaterThan(0);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
