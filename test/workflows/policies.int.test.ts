import type { UserEvent } from '../../src/emulators/graph/user-side';
import type { StoredEvent } from '../../src/emulators/netsuite';
import { type UserPolicyOverrides, userPolicyOverridesSchema } from '../../src/store/policy';
import { daysAhead, utcInstant, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * The admin's policies end to end (DESIGN.md §1–2): direction per connector (Outlook→X only,
 * X→Outlook only, off), which Outlook events go to Autotask (by category), and how Autotask
 * To-Dos and Service Calls appear in Outlook. Each user of one tenant carries their own
 * overrides, stored as the admin API stores them (`users.policy`, validated by its schema).
 */
describe('sync policies', () => {
  let stack: SyncStack;
  type Added = Awaited<ReturnType<SyncStack['addSyncedUser']>>;
  /** Outlook → NetSuite only, Autotask off. */
  let alice: Added;
  /** NetSuite → Outlook only; only Outlook events in category "Autotask" go to Autotask. */
  let bob: Added;
  /** Both connectors off. */
  let dave: Added;
  /** The organisation's defaults (both ways, everything to Autotask). */
  let carol: Added;

  const overrides = (input: UserPolicyOverrides) => userPolicyOverridesSchema.parse(input);

  beforeAll(async () => {
    stack = await startSyncStack();
    const demo = stack.sandbox.info;
    await stack.db.pool.query('UPDATE users SET policy = $2 WHERE id = $1', [
      demo.userId,
      overrides({ netsuite: { direction: 'outlook-to-provider' }, autotask: { direction: 'off' } }),
    ]);
    alice = {
      userId: demo.userId,
      mailbox: demo.mailbox,
      employeeId: demo.netsuite.employeeId,
      resourceId: demo.autotask.resourceId,
    };
    bob = await stack.addSyncedUser({
      name: 'Bob Builder',
      mailbox: 'bob.builder@contoso.example',
      policy: overrides({
        netsuite: { direction: 'provider-to-outlook' },
        autotask: { selection: { mode: 'category', category: 'Autotask' } },
      }),
    });
    dave = await stack.addSyncedUser({
      name: 'Dave Dormant',
      mailbox: 'dave.dormant@contoso.example',
      policy: overrides({ netsuite: { direction: 'off' }, autotask: { direction: 'off' } }),
    });
    carol = await stack.addSyncedUser({ name: 'Carol Tech', mailbox: 'carol.tech@contoso.example' });
    await stack.startWorker();
    const settings = { pollIntervalMs: 500, tenantPollIntervalMs: 500 };
    await stack.startUserSync(settings);
    for (const user of [bob, dave, carol]) await stack.startUserSync(settings, user.userId);
  }, 90_000);
  afterAll(async () => stack?.close(), 60_000);

  const graph = () => stack.sandbox.graph.userSide;
  const netsuite = () => stack.sandbox.netsuite;
  const autotask = () => stack.sandbox.autotask.userSide;
  const inOutlook = (mailbox: string, subject: string): UserEvent[] =>
    graph()
      .listEvents(mailbox)
      .filter((e) => e.subject === subject);
  const inNetSuite = (title: string): StoredEvent[] =>
    netsuite()
      .listEvents()
      .filter((e) => e.title === title);
  const inAutotask = (title: string) =>
    (autotask().list('Appointments') as { id: number; title: string; resourceID: number }[]).filter(
      (a) => a.title === title
    );
  /** An Outlook body as text (Graph keeps bodies as HTML). */
  const textOf = (event: UserEvent) =>
    (event.body as { content: string }).content
      .replace(/<br\s*\/?>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .trim();
  const one = <T>(list: T[]): T | undefined => (list.length === 1 ? list[0] : undefined);
  /** Lets every workflow and poller go round several more times, so that a wrong write would have happened. */
  const settle = async () => {
    const graphBefore = stack.sandbox.graph.requestLog.length;
    const netsuiteBefore = netsuite().requestLog.length;
    await eventually('several more polls of Outlook and NetSuite', () =>
      stack.sandbox.graph.requestLog.length > graphBefore + 24 && netsuite().requestLog.length > netsuiteBefore + 6
        ? true
        : undefined
    );
  };

  it('Outlook→NetSuite only: Outlook events reach NetSuite, nothing from NetSuite (or Autotask, off) reaches Outlook', async () => {
    const [day, nextDay] = [daysAhead(-6), daysAhead(-5)];
    const created = graph().createEvent(alice.mailbox, {
      subject: 'A: Forecast call',
      start: wallClock(day, '14:00'),
      end: wallClock(day, '15:00'),
      timeZone: 'UTC',
    });
    const event = await eventually('the event in NetSuite', () => one(inNetSuite('A: Forecast call')));
    // Changes made on the other sides: none of them may come to Alice's Outlook.
    netsuite().userSide.editEvent(alice.employeeId, event.id, { title: 'A: Forecast call (renamed in NetSuite)' });
    netsuite().userSide.createEvent(alice.employeeId, {
      title: 'A: Made in NetSuite',
      date: nextDay,
      startTime: '09:00',
      endTime: '10:00',
    });
    autotask().createAppointment({
      resourceID: alice.resourceId,
      title: 'A: Made in Autotask',
      startDateTime: utcInstant(nextDay, '12:00'),
      endDateTime: utcInstant(nextDay, '13:00'),
    });
    // Her next Outlook edit still travels (the sync is alive and went past those changes).
    graph().updateEvent(alice.mailbox, created.id, { location: 'Room 9' });
    await eventually('the Outlook edit in NetSuite', () =>
      inNetSuite('A: Forecast call (renamed in NetSuite)').find((e) => e.location === 'Room 9')
    );
    await settle();

    expect(
      graph()
        .listEvents(alice.mailbox)
        .map((e) => [e.subject, (e.location as { displayName: string }).displayName])
    ).toEqual([['A: Forecast call', 'Room 9']]);
    expect(inNetSuite('A: Forecast call (renamed in NetSuite)').map((e) => e.id)).toEqual([event.id]);
    expect(inNetSuite('A: Forecast call')).toHaveLength(0);
    expect(inNetSuite('A: Made in NetSuite')).toHaveLength(1);
    expect(inAutotask('A: Forecast call')).toHaveLength(0);
    expect(inAutotask('A: Made in Autotask')).toHaveLength(1);
  }, 120_000);

  it('NetSuite→Outlook only: NetSuite events reach Outlook, Outlook edits and events never reach NetSuite', async () => {
    const [day, nextDay] = [daysAhead(-4), daysAhead(-3)];
    const event = netsuite().userSide.createEvent(bob.employeeId, {
      title: 'B: Site survey',
      message: 'Measure the dock',
      date: day,
      startTime: '08:00',
      endTime: '09:00',
      timezone: 'America/New_York',
    });
    const copy = await eventually("the event in Bob's Outlook", () => one(inOutlook(bob.mailbox, 'B: Site survey')));
    graph().updateEvent(bob.mailbox, copy.id, { subject: 'B: Site survey (renamed in Outlook)' });
    graph().createEvent(bob.mailbox, {
      subject: 'B: Outlook only',
      start: wallClock(nextDay, '10:00'),
      end: wallClock(nextDay, '11:00'),
      timeZone: 'UTC',
    });
    // NetSuite's next edit still arrives, and leaves the Outlook title alone (it did not change in NetSuite).
    netsuite().userSide.editEvent(bob.employeeId, event.id, { location: 'Dock 3' });
    await eventually('the NetSuite edit in Outlook', () =>
      graph().getEvent(bob.mailbox, copy.id)?.location
        ? (graph().getEvent(bob.mailbox, copy.id)!.location as { displayName: string }).displayName === 'Dock 3' ||
          undefined
        : undefined
    );
    await settle();

    expect(inNetSuite('B: Site survey').map((e) => [e.id, e.location, e.message])).toEqual([
      [event.id, 'Dock 3', 'Measure the dock'],
    ]);
    expect(inNetSuite('B: Site survey (renamed in Outlook)')).toHaveLength(0);
    expect(inNetSuite('B: Outlook only')).toHaveLength(0);
    expect(inOutlook(bob.mailbox, 'B: Site survey (renamed in Outlook)').map((e) => e.id)).toEqual([copy.id]);
    expect(inOutlook(bob.mailbox, 'B: Site survey')).toHaveLength(0);
  }, 120_000);

  it('direction off: nothing goes out and nothing comes in', async () => {
    const day = daysAhead(-2);
    graph().createEvent(dave.mailbox, {
      subject: 'D: Outlook event',
      start: wallClock(day, '10:00'),
      end: wallClock(day, '11:00'),
      timeZone: 'UTC',
    });
    netsuite().userSide.createEvent(dave.employeeId, {
      title: 'D: NetSuite event',
      date: day,
      startTime: '13:00',
      endTime: '14:00',
    });
    autotask().createAppointment({
      resourceID: dave.resourceId,
      title: 'D: Autotask appointment',
      startDateTime: utcInstant(day, '16:00'),
      endDateTime: utcInstant(day, '17:00'),
    });
    // Carol's equivalent changes do travel: the pollers and workflows went round past Dave's.
    graph().createEvent(carol.mailbox, {
      subject: 'C: Outlook event',
      start: wallClock(day, '10:00'),
      end: wallClock(day, '11:00'),
      timeZone: 'UTC',
    });
    autotask().createAppointment({
      resourceID: carol.resourceId,
      title: 'C: Autotask appointment',
      startDateTime: utcInstant(day, '16:00'),
      endDateTime: utcInstant(day, '17:00'),
    });
    await eventually("Carol's event in NetSuite and Autotask", () =>
      one(inNetSuite('C: Outlook event')) && one(inAutotask('C: Outlook event')) ? true : undefined
    );
    await eventually("Carol's appointment in Outlook", () => one(inOutlook(carol.mailbox, 'C: Autotask appointment')));
    await settle();

    expect(
      graph()
        .listEvents(dave.mailbox)
        .map((e) => e.subject)
    ).toEqual(['D: Outlook event']);
    expect(inNetSuite('D: Outlook event')).toHaveLength(0);
    expect(inAutotask('D: Outlook event')).toHaveLength(0);
    expect(inNetSuite('D: NetSuite event')).toHaveLength(1);
    expect(inAutotask('D: Autotask appointment')).toHaveLength(1);
  }, 120_000);

  it('category selection: only Outlook events in the category go to Autotask; removing it sets the appointment aside', async () => {
    const day = daysAhead(0);
    const plain = graph().createEvent(bob.mailbox, {
      subject: 'B: Install planning',
      start: wallClock(day, '09:00'),
      end: wallClock(day, '10:00'),
      timeZone: 'UTC',
    });
    graph().createEvent(bob.mailbox, {
      subject: 'B: Shared with Autotask',
      start: wallClock(day, '11:00'),
      end: wallClock(day, '12:00'),
      timeZone: 'UTC',
      categories: ['Autotask'],
    });
    await eventually('the categorised event in Autotask', () => one(inAutotask('B: Shared with Autotask')));
    await settle();
    expect(inAutotask('B: Install planning')).toHaveLength(0);

    // Marked later (the category matches whatever its case): it goes.
    graph().updateEvent(bob.mailbox, plain.id, { categories: ['autotask'] });
    const appointment = await eventually('the newly marked event in Autotask', () =>
      one(inAutotask('B: Install planning'))
    );
    expect(appointment.resourceID).toBe(bob.resourceId);

    // Unmarked: the appointment is set aside (ADR 0003), no longer following Outlook.
    graph().updateEvent(bob.mailbox, plain.id, { categories: [] });
    await eventually('the unmarking synced', async () => {
      const { rows } = await stack.db.pool.query<{ link: { replicas: Record<string, { detached?: string }> } }>(
        'SELECT i.link FROM items i JOIN item_records r USING (tenant_id, item_id) WHERE r.replica = $1 AND r.record_id = $2',
        [`outlook:${bob.userId}`, plain.id]
      );
      return rows[0]?.link.replicas[`autotask:${bob.userId}`]?.detached === 'not-selected' ? true : undefined;
    });
    graph().updateEvent(bob.mailbox, plain.id, { subject: 'B: Install planning (private now)' });
    await settle();
    expect(inAutotask('B: Install planning').map((a) => a.id)).toEqual([appointment.id]);
    expect(inAutotask('B: Install planning (private now)')).toHaveLength(0);

    // Marked again: the same appointment catches up, never a second one.
    graph().updateEvent(bob.mailbox, plain.id, { categories: ['Autotask'] });
    await eventually('the appointment brought up to date', () =>
      one(inAutotask('B: Install planning (private now)'))?.id === appointment.id ? true : undefined
    );
    await settle();
    expect(inAutotask('B: Install planning')).toHaveLength(0);
    expect(inAutotask('B: Install planning (private now)')).toHaveLength(1);
    expect(inAutotask('B: Shared with Autotask')).toHaveLength(1);
    // Bob's Outlook events never go to NetSuite (NetSuite→Outlook only).
    expect(inNetSuite('B: Install planning (private now)')).toHaveLength(0);
  }, 150_000);

  describe('Autotask To-Dos and Service Calls in Outlook', () => {
    let company: number;
    let contact: number;
    let actionType: number;
    beforeAll(() => {
      company = Number(
        autotask().createCompany({
          companyName: 'Fabrikam',
          address1: '1 Harbour Way',
          city: 'Springfield',
          state: 'IL',
          postalCode: '62701',
        }).id
      );
      contact = Number(autotask().createContact({ companyID: company, firstName: 'Dana', lastName: 'Lee' }).id);
      actionType = Number(autotask().createActionType({ name: 'Customer meeting' }).id);
    });

    it('a To-Do appears with company, contact and action type in its subject; edits travel both ways', async () => {
      const day = daysAhead(1);
      const toDo = autotask().createToDo({
        companyID: company,
        contactID: contact,
        actionType,
        assignedToResourceID: carol.resourceId,
        activityDescription: 'Renewal check-in\nBring the quote',
        startDateTime: utcInstant(day, '15:00'),
        endDateTime: utcInstant(day, '15:30'),
      });
      const subject = 'Renewal check-in – Fabrikam / Dana Lee – Customer meeting';
      const copy = await eventually("the To-Do in Carol's Outlook", () => one(inOutlook(carol.mailbox, subject)));
      expect(Date.parse(`${copy.start.dateTime}Z`)).toBe(Date.parse(utcInstant(day, '15:00')));
      expect(textOf(copy)).toBe('Bring the quote');

      // Edited in Outlook: the To-Do follows (its subject keeps the decoration).
      graph().updateEvent(carol.mailbox, copy.id, {
        subject: 'Renewal and upsell – Fabrikam / Dana Lee – Customer meeting',
      });
      await eventually('the new subject in the To-Do', () =>
        (autotask().get('CompanyToDos', Number(toDo.id))?.activityDescription as string).startsWith(
          'Renewal and upsell\n'
        )
          ? true
          : undefined
      );
      // Moved in Autotask (its master): Outlook follows.
      autotask().updateToDo(Number(toDo.id), {
        startDateTime: utcInstant(day, '17:00'),
        endDateTime: utcInstant(day, '17:30'),
      });
      await eventually('the new time in Outlook', () =>
        Date.parse(`${graph().getEvent(carol.mailbox, copy.id)?.start.dateTime}Z`) ===
        Date.parse(utcInstant(day, '17:00'))
          ? true
          : undefined
      );
      await settle();

      const toDos = autotask()
        .list('CompanyToDos')
        .filter((t) => t.assignedToResourceID === carol.resourceId);
      expect(toDos.map((t) => [t.id, t.activityDescription])).toEqual([
        [toDo.id, 'Renewal and upsell\n\nBring the quote'],
      ]);
      const copies = graph()
        .listEvents(carol.mailbox)
        .filter((e) => e.subject.includes('Fabrikam / Dana Lee'));
      expect(copies.map((e) => [e.id, e.subject])).toEqual([
        [copy.id, 'Renewal and upsell – Fabrikam / Dana Lee – Customer meeting'],
      ]);
      // A To-Do is not also an appointment; through Outlook (the hub) it is one NetSuite event.
      expect(inAutotask('Renewal and upsell – Fabrikam / Dana Lee – Customer meeting')).toHaveLength(0);
      expect(inNetSuite('Renewal and upsell – Fabrikam / Dana Lee – Customer meeting')).toHaveLength(1);
    }, 120_000);

    it('a Service Call appears as "Service Call: <company>", and Outlook edits are undone', async () => {
      const day = daysAhead(2);
      const { serviceCall } = autotask().createServiceCall({
        companyID: company,
        description: 'Printer jams on floor 2',
        startDateTime: utcInstant(day, '13:00'),
        endDateTime: utcInstant(day, '15:00'),
        tickets: [{ title: 'Printer broken', ticketNumber: 'T20261201.0001', resourceIDs: [carol.resourceId] }],
      });
      const copy = await eventually("the Service Call in Carol's Outlook", () =>
        one(inOutlook(carol.mailbox, 'Service Call: Fabrikam'))
      );
      const body = textOf(copy);
      expect(body.startsWith('Service Call Description: Printer jams on floor 2')).toBe(true);
      expect(body).toContain('T20261201.0001 Printer broken');
      expect(body).toContain('Changes made in Outlook are not returned to Autotask.');
      expect((copy.location as { displayName: string }).displayName).toBe('1 Harbour Way, Springfield, IL 62701');
      expect(Date.parse(`${copy.start.dateTime}Z`)).toBe(Date.parse(utcInstant(day, '13:00')));

      graph().updateEvent(carol.mailbox, copy.id, {
        subject: 'My own title',
        start: wallClock(day, '16:00'),
        end: wallClock(day, '17:00'),
        timeZone: 'UTC',
      });
      await eventually('the Autotask version restored in Outlook', () => {
        const now = graph().getEvent(carol.mailbox, copy.id);
        return now?.subject === 'Service Call: Fabrikam' &&
          Date.parse(`${now.start.dateTime}Z`) === Date.parse(utcInstant(day, '13:00'))
          ? true
          : undefined;
      });
      await settle();

      const call = autotask().get('ServiceCalls', Number(serviceCall.id));
      expect([call?.description, call?.startDateTime, call?.endDateTime]).toEqual([
        'Printer jams on floor 2',
        serviceCall.startDateTime,
        serviceCall.endDateTime,
      ]);
      expect(inOutlook(carol.mailbox, 'Service Call: Fabrikam').map((e) => e.id)).toEqual([copy.id]);
      expect(inOutlook(carol.mailbox, 'My own title')).toHaveLength(0);
      expect(inAutotask('Service Call: Fabrikam')).toHaveLength(0);
    }, 120_000);
  });

  it('sync never made a provider email anyone', () => {
    expect(stack.sandbox.graph.sentMail.filter((m) => m.actor === 'app')).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
