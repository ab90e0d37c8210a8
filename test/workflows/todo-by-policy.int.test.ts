import type { UserEvent } from '../../src/emulators/graph/user-side';
import { stripMarker } from '../../src/providers/autotask';
import { type UserPolicyOverrides, userPolicyOverridesSchema } from '../../src/store/policy';
import { daysAhead, utcInstant, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

interface ToDoRow {
  id: number;
  companyID: number;
  actionType: number;
  assignedToResourceID: number;
  activityDescription: string;
  startDateTime: string;
  endDateTime: string;
  lastModifiedDate: string;
}

/**
 * DESIGN.md §2: Outlook events go to Autotask as Appointments, or as To-Dos of a company with an
 * action type when one of the user's To-Do rules (policy `autotask.todoRules`: Outlook category →
 * company + action type) matches the event's categories. End to end through the emulators: the
 * To-Do is made once, follows Outlook edits and deletes, and its title does not ping-pong.
 */
describe('Outlook events become Autotask To-Dos by policy', () => {
  let stack: SyncStack;
  let erin: Awaited<ReturnType<SyncStack['addSyncedUser']>>;
  let contoso: number;
  let siteVisit: number;
  let northwind: number;
  let phoneCall: number;

  beforeAll(async () => {
    stack = await startSyncStack();
    const at = stack.sandbox.autotask.userSide;
    contoso = Number(at.createCompany({ companyName: 'Contoso Ltd' }).id);
    northwind = Number(at.createCompany({ companyName: 'Northwind' }).id);
    siteVisit = Number(at.createActionType({ name: 'Site visit' }).id);
    phoneCall = Number(at.createActionType({ name: 'Phone call' }).id);
    const policy: UserPolicyOverrides = userPolicyOverridesSchema.parse({
      autotask: {
        todoRules: [
          { category: 'Customer visit', companyId: contoso, actionTypeId: siteVisit },
          { category: 'Support', companyId: northwind, actionTypeId: phoneCall },
        ],
      },
    });
    erin = await stack.addSyncedUser({ name: 'Erin Field', mailbox: 'erin.field@contoso.example', policy });
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 }, erin.userId);
  }, 90_000);
  afterAll(async () => stack?.close(), 60_000);

  const graph = () => stack.sandbox.graph.userSide;
  const autotask = () => stack.sandbox.autotask;
  const erinsToDos = (): ToDoRow[] =>
    (autotask().userSide.list('CompanyToDos') as unknown as ToDoRow[]).filter(
      (t) => t.assignedToResourceID === erin.resourceId
    );
  const toDoTitled = (subject: string) => erinsToDos().filter((t) => t.activityDescription.startsWith(`${subject}\n`));
  const erinsAppointments = () =>
    (autotask().userSide.list('Appointments') as { id: number; title: string; resourceID: number }[]).filter(
      (a) => a.resourceID === erin.resourceId
    );
  const inNetSuite = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const outlookEvent = (id: string) => graph().getEvent(erin.mailbox, id);
  /** An Outlook body as text (Graph keeps bodies as HTML). */
  const textOf = (event: UserEvent) =>
    (event.body as { content: string }).content
      .replace(/<br\s*\/?>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .trim();
  const one = <T>(list: T[]): T | undefined => (list.length === 1 ? list[0] : undefined);
  /** Lets the user's workflow and the Autotask poller go round several more times. */
  const settle = async () => {
    const graphBefore = stack.sandbox.graph.requestLog.length;
    const autotaskBefore = autotask().requestLog.count({ entity: 'CompanyToDos', action: 'query' });
    await eventually('several more polls of Outlook and Autotask', () =>
      stack.sandbox.graph.requestLog.length > graphBefore + 8 &&
      autotask().requestLog.count({ entity: 'CompanyToDos', action: 'query' }) > autotaskBefore + 3
        ? true
        : undefined
    );
  };
  const auditErrors = async () =>
    (
      await stack.db.pool.query<{ reason: string }>('SELECT reason FROM audit WHERE user_id = $1 AND action = $2', [
        erin.userId,
        'error',
      ])
    ).rows;

  it('a categorised Outlook event becomes exactly one To-Do of the rule’s company and action type, not an Appointment', async () => {
    const day = daysAhead(7);
    const created = graph().createEvent(erin.mailbox, {
      subject: 'E: Visit Contoso',
      body: 'Bring the contract',
      start: wallClock(day, '10:00'),
      end: wallClock(day, '11:30'),
      timeZone: 'UTC',
      // Matched without case; the first rule carried by the event wins ("Support" comes later).
      categories: ['Support', 'customer VISIT'],
    });
    const toDo = await eventually('the To-Do in Autotask', () => one(toDoTitled('E: Visit Contoso')));
    expect(toDo).toMatchObject({ companyID: contoso, actionType: siteVisit, assignedToResourceID: erin.resourceId });
    expect(Date.parse(toDo.startDateTime)).toBe(Date.parse(utcInstant(day, '10:00')));
    expect(Date.parse(toDo.endDateTime)).toBe(Date.parse(utcInstant(day, '11:30')));
    const { text, ref } = stripMarker(toDo.activityDescription);
    expect(text).toBe('E: Visit Contoso\n\nBring the contract');
    expect(ref).toBeDefined();
    // Also went to NetSuite (Erin syncs both), as typed.
    await eventually('the event in NetSuite', () => one(inNetSuite('E: Visit Contoso')));

    // No ping-pong: over several rounds the Outlook event keeps its subject and stops changing, and
    // nobody rewrites the To-Do.
    await settle();
    const changeKey = outlookEvent(created.id)?.changeKey;
    const toDoUpdates = autotask().requestLog.count({ entity: 'CompanyToDos', action: 'update' });
    await settle();
    const after = outlookEvent(created.id)!;
    expect(after.subject).toBe('E: Visit Contoso');
    expect(textOf(after)).toBe('Bring the contract');
    expect(after.changeKey).toBe(changeKey);
    expect(autotask().requestLog.count({ entity: 'CompanyToDos', action: 'update' })).toBe(toDoUpdates);
    expect(erinsToDos().map((t) => [t.id, t.activityDescription, t.lastModifiedDate])).toEqual([
      [toDo.id, toDo.activityDescription, toDo.lastModifiedDate],
    ]);
    expect(erinsAppointments()).toEqual([]);
    expect(inNetSuite('E: Visit Contoso')).toHaveLength(1);
    expect(
      graph()
        .listEvents(erin.mailbox)
        .map((e) => e.subject)
    ).toEqual(['E: Visit Contoso']);
    expect(await auditErrors()).toEqual([]);
  }, 150_000);

  it('Outlook edits update the To-Do, an Autotask move comes back, and the titles stay put', async () => {
    const [day, nextDay] = [daysAhead(8), daysAhead(9)];
    const created = graph().createEvent(erin.mailbox, {
      subject: 'E: Support call',
      body: 'Printer queue',
      start: wallClock(day, '09:00'),
      end: wallClock(day, '09:30'),
      timeZone: 'UTC',
      categories: ['Support'],
    });
    const toDo = await eventually('the To-Do in Autotask', () => one(toDoTitled('E: Support call')));
    expect(toDo).toMatchObject({ companyID: northwind, actionType: phoneCall });

    graph().updateEvent(erin.mailbox, created.id, {
      subject: 'E: Support call (rescheduled)',
      body: 'Printer queue and scanner',
      start: wallClock(day, '14:00'),
      end: wallClock(day, '15:00'),
      timeZone: 'UTC',
    });
    const edited = await eventually('the edit in the To-Do', () =>
      one(
        toDoTitled('E: Support call (rescheduled)').filter(
          (t) => Date.parse(t.startDateTime) === Date.parse(utcInstant(day, '14:00'))
        )
      )
    );
    expect(edited.id).toBe(toDo.id);
    expect(Date.parse(edited.endDateTime)).toBe(Date.parse(utcInstant(day, '15:00')));
    expect(stripMarker(edited.activityDescription)).toEqual({
      text: 'E: Support call (rescheduled)\n\nPrinter queue and scanner',
      ref: stripMarker(toDo.activityDescription).ref,
    });

    // Moved in Autotask (its master once it lives there): Outlook follows, its subject unchanged.
    autotask().userSide.updateToDo(toDo.id, {
      startDateTime: utcInstant(nextDay, '08:00'),
      endDateTime: utcInstant(nextDay, '09:00'),
    });
    await eventually('the move in Outlook', () =>
      Date.parse(`${outlookEvent(created.id)?.start.dateTime}Z`) === Date.parse(utcInstant(nextDay, '08:00'))
        ? true
        : undefined
    );
    await settle();
    const changeKey = outlookEvent(created.id)?.changeKey;
    const toDoUpdates = autotask().requestLog.count({ entity: 'CompanyToDos', action: 'update' });
    await settle();
    const after = outlookEvent(created.id)!;
    expect(after.subject).toBe('E: Support call (rescheduled)');
    expect(textOf(after)).toBe('Printer queue and scanner');
    expect(after.changeKey).toBe(changeKey);
    expect(autotask().requestLog.count({ entity: 'CompanyToDos', action: 'update' })).toBe(toDoUpdates);
    expect(toDoTitled('E: Support call (rescheduled)').map((t) => [t.id, Date.parse(t.startDateTime)])).toEqual([
      [toDo.id, Date.parse(utcInstant(nextDay, '08:00'))],
    ]);
    expect(toDoTitled('E: Support call')).toEqual([]);
    expect(erinsAppointments()).toEqual([]);
    expect(await auditErrors()).toEqual([]);
  }, 180_000);

  it('deleting the Outlook event deletes its To-Do', async () => {
    const created = graph().createEvent(erin.mailbox, {
      subject: 'E: Short-lived visit',
      start: wallClock(daysAhead(10), '13:00'),
      end: wallClock(daysAhead(10), '14:00'),
      timeZone: 'UTC',
      categories: ['Customer visit'],
    });
    const toDo = await eventually('the To-Do in Autotask', () => one(toDoTitled('E: Short-lived visit')));
    // Its subject alone, no description: the activity description is the subject and our marker.
    expect(stripMarker(toDo.activityDescription).text).toBe('E: Short-lived visit');
    await eventually('the event in NetSuite', () => one(inNetSuite('E: Short-lived visit')));

    graph().deleteEvent(erin.mailbox, created.id);
    await eventually('the To-Do gone', () =>
      autotask().userSide.get('CompanyToDos', toDo.id) === undefined ? true : undefined
    );
    await eventually('the NetSuite copy gone', () =>
      inNetSuite('E: Short-lived visit').length === 0 ? true : undefined
    );
    await settle();
    expect(erinsToDos().filter((t) => t.activityDescription.startsWith('E: Short-lived visit'))).toEqual([]);
    expect(erinsAppointments()).toEqual([]);
    expect(await auditErrors()).toEqual([]);
  }, 120_000);

  it('events without a matching category still become Appointments', async () => {
    const toDosBefore = erinsToDos().map((t) => t.id);
    const day = daysAhead(11);
    graph().createEvent(erin.mailbox, {
      subject: 'E: Dentist',
      start: wallClock(day, '08:00'),
      end: wallClock(day, '09:00'),
      timeZone: 'UTC',
    });
    graph().createEvent(erin.mailbox, {
      subject: 'E: Team lunch',
      start: wallClock(day, '12:00'),
      end: wallClock(day, '13:00'),
      timeZone: 'UTC',
      categories: ['Customer'],
    });
    await eventually('both appointments in Autotask', () => (erinsAppointments().length === 2 ? true : undefined));
    await settle();
    expect(
      erinsAppointments()
        .map((a) => a.title)
        .sort()
    ).toEqual(['E: Dentist', 'E: Team lunch']);
    expect(erinsToDos().map((t) => t.id)).toEqual(toDosBefore);
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
    expect(await auditErrors()).toEqual([]);
  }, 120_000);
});
