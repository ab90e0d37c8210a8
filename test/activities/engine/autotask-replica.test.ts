import { project, type ProjectionFields } from '../../../src/domain/projection';
import { fromAppointment, fromServiceCall, loadServiceCallDetails, stripMarker } from '../../../src/providers/autotask';
import { autotaskReplica } from '../../../src/activities/engine/autotask-replica';
import { markerRefFor, parseRecordId, toDoSubjectOf } from '../../../src/activities/engine/autotask-replica-records';
import type { ReadResult, ReplicaIO, ReplicaOwner } from '../../../src/activities/engine/replica-io';
import { startHarness, type Harness } from '../../providers/autotask/harness';
import { createAction, deleteAction, updateAction } from './replica-actions';

const ZONE = 'Europe/Berlin';

function present(read: ReadResult) {
  if (read.observation.state !== 'present') throw new Error(`expected a present record, got ${read.observation.state}`);
  return read.observation;
}

describe('autotaskReplica over the Autotask emulator', () => {
  let h: Harness;
  let io: ReplicaIO;
  let owner: ReplicaOwner;
  const refs = new Map<string, string>();
  const ctx = { ownerZone: ZONE };
  const remember = (itemId: string, occurrenceKey?: string) => refs.set(markerRefFor(itemId, occurrenceKey), itemId);

  beforeAll(async () => {
    h = await startHarness();
    io = autotaskReplica(h.client, { resolveItemId: (ref) => refs.get(ref) });
    owner = { userId: 'u-dana', mailbox: 'dana.reyes@example.com', timeZone: ZONE, autotaskResourceId: h.seed.dana };
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('reads an appointment as the projection of its mapped event', async () => {
    const made = h.emulator.userSide.createAppointment({
      resourceID: h.seed.dana,
      title: 'Site visit',
      description: 'Bring the ladder',
      startDateTime: '2026-03-10T08:00:00Z',
      endDateTime: '2026-03-10T10:00:00Z',
    });
    const recordId = `appointment:${Number(made.id)}`;
    const read = await io.read(owner, recordId, ctx);
    const appointment = (await h.client.getAppointment(Number(made.id)))!;
    const expected = project(
      'autotask',
      fromAppointment(appointment, { resourceID: h.seed.dana, timeZone: ZONE }).event,
      ctx
    );
    expect(present(read)).toMatchObject({ projection: expected, recordId });
    expect(read.kind).toBe('event');
    expect(read.itemId).toBeUndefined();
  });

  it('reads to-dos and service calls with entity-qualified record ids', async () => {
    const toDo = h.emulator.userSide.createToDo({
      companyID: h.seed.acme,
      actionType: h.seed.phoneCall,
      assignedToResourceID: h.seed.dana,
      contactID: h.seed.contact,
      activityDescription: 'Call back\n\nAbout the invoice',
      startDateTime: '2026-03-11T09:00:00Z',
      endDateTime: '2026-03-11T09:30:00Z',
    });
    const todoRead = await io.read(owner, `todo:${Number(toDo.id)}`, ctx);
    expect(todoRead.kind).toBe('todo');
    expect(present(todoRead).projection.fields.title).toBe('Call back – Acme Corp / Jane Doe – Phone Call');
    expect(present(todoRead).projection.fields.description).toBe('About the invoice');

    const { serviceCall } = h.emulator.userSide.createServiceCall({
      companyID: h.seed.acme,
      description: 'Printer jam',
      startDateTime: '2026-03-12T13:00:00Z',
      endDateTime: '2026-03-12T14:00:00Z',
      tickets: [{ title: 'Printer', ticketNumber: 'T1', resourceIDs: [h.seed.dana] }],
    });
    const callRead = await io.read(owner, `servicecall:${Number(serviceCall.id)}`, ctx);
    const call = (await h.client.getServiceCall(Number(serviceCall.id)))!;
    const [details] = await loadServiceCallDetails(h.client, [call]);
    const expected = project('autotask', fromServiceCall(details!, { resourceID: 0, timeZone: ZONE }).event, ctx);
    expect(callRead.kind).toBe('service-call');
    expect(present(callRead).projection).toEqual(expected);
    await expect(
      io.update(owner, updateAction(expected, { title: 'edited in Outlook' }), `servicecall:${Number(serviceCall.id)}`)
    ).rejects.toMatchObject({ code: 'ReadOnly', retryable: false });
  });

  it('reads back its own create as the newBase (echo), and the marker names the item', async () => {
    const action = createAction(
      'autotask',
      'item-at-1',
      {
        title: 'Budget review',
        description: 'Q2 numbers\nand forecast',
        timing: { allDay: false, start: '2026-03-16T09:00:00.000Z', end: '2026-03-16T10:00:00.000Z', timeZone: ZONE },
      },
      ctx
    );
    remember('item-at-1');
    const written = await io.create(owner, action, { itemId: 'item-at-1', kind: 'event' });
    expect(written.recordId).toMatch(/^appointment:\d+$/);
    const read = await io.read(owner, written.recordId, ctx);
    expect(present(read).projection).toEqual(action.newBase);
    expect(read.itemId).toBe('item-at-1');
  });

  it('echoes an all-day create (the owner’s whole local days) and an occurrence of a series', async () => {
    const allDay = createAction(
      'autotask',
      'item-at-day',
      {
        title: 'Offsite',
        description: '',
        timing: { allDay: true, startDate: '2026-03-28', endDate: '2026-03-30', timeZone: ZONE },
      },
      ctx
    );
    const day = await io.create(owner, allDay, { itemId: 'item-at-day', kind: 'event' });
    expect(present(await io.read(owner, day.recordId, ctx)).projection).toEqual(allDay.newBase);

    const key = '2026-03-17T09:00:00.000Z';
    const occurrence = createAction(
      'autotask',
      `series-9@${key}`,
      {
        title: 'Standup',
        description: 'Daily',
        timing: { allDay: false, start: key, end: '2026-03-17T09:15:00.000Z', timeZone: ZONE },
      },
      ctx,
      { occurrenceKey: key }
    );
    remember(`series-9@${key}`, key);
    const occ = await io.create(owner, occurrence, { itemId: `series-9@${key}`, kind: 'occurrence' });
    const read = await io.read(owner, occ.recordId, ctx);
    expect(present(read).projection).toEqual(occurrence.newBase);
    expect(read.kind).toBe('occurrence');
    expect(read.itemId).toBe(`series-9@${key}`);
  });

  it('creates once for one idempotency key', async () => {
    const action = createAction('autotask', 'item-at-twice', {
      title: 'Only once',
      description: '',
      timing: { allDay: false, start: '2026-03-18T09:00:00.000Z', end: '2026-03-18T10:00:00.000Z', timeZone: ZONE },
    });
    const first = await io.create(owner, action, { itemId: 'item-at-twice', kind: 'event' });
    const second = await io.create(owner, action, { itemId: 'item-at-twice', kind: 'event' });
    expect(second.recordId).toBe(first.recordId);
    const mine = h.emulator.userSide.list('Appointments').filter((a) => a['title'] === 'Only once');
    expect(mine).toHaveLength(1);
  });

  it('updates only the given fields, keeps the marker, and reads back the newBase', async () => {
    const action = createAction(
      'autotask',
      'item-at-update',
      {
        title: 'Before',
        description: 'Keep me',
        timing: { allDay: false, start: '2026-03-19T09:00:00.000Z', end: '2026-03-19T10:00:00.000Z', timeZone: ZONE },
      },
      ctx
    );
    const { recordId } = await io.create(owner, action, { itemId: 'item-at-update', kind: 'event' });
    const fields: ProjectionFields = {
      title: 'After',
      timing: { allDay: false, start: '2026-03-19T11:00:00.000Z', end: '2026-03-19T12:30:00.000Z', timeZone: ZONE },
    };
    const update = updateAction(action.newBase, fields, ctx);
    await io.update(owner, update, recordId);
    expect(present(await io.read(owner, recordId, ctx)).projection).toEqual(update.newBase);
    const stored = await h.client.getAppointment(parseRecordId(recordId).id);
    expect(stripMarker(stored!.description)).toEqual({ text: 'Keep me', ref: markerRefFor('item-at-update') });

    const redescribe = updateAction(update.newBase, { description: 'New text' }, ctx);
    await io.update(owner, redescribe, recordId);
    expect(present(await io.read(owner, recordId, ctx)).projection).toEqual(redescribe.newBase);
  });

  it('updates a to-do’s subject, text and time, and the read echoes them', async () => {
    const toDo = h.emulator.userSide.createToDo({
      companyID: h.seed.globex,
      actionType: h.seed.meeting,
      assignedToResourceID: h.seed.dana,
      activityDescription: 'Kick-off',
      startDateTime: '2026-03-20T09:00:00Z',
      endDateTime: '2026-03-20T10:00:00Z',
    });
    const recordId = `todo:${Number(toDo.id)}`;
    const base = present(await io.read(owner, recordId, ctx)).projection;
    const update = updateAction(
      base,
      {
        title: 'Kick-off (moved) – Globex – Meeting',
        description: 'Agenda attached',
        timing: { allDay: false, start: '2026-03-20T13:00:00.000Z', end: '2026-03-20T14:00:00.000Z', timeZone: ZONE },
      },
      ctx
    );
    await io.update(owner, update, recordId);
    expect(present(await io.read(owner, recordId, ctx)).projection).toEqual(update.newBase);
    expect(toDoSubjectOf('X – Globex – Meeting', { companyName: 'Globex', actionTypeName: 'Meeting' })).toBe('X');
    await io.remove(owner, deleteAction('autotask', owner.userId), recordId);
    await expect(io.remove(owner, deleteAction('autotask', owner.userId), recordId)).resolves.toBeUndefined();
  });

  it('removes idempotently', async () => {
    const action = createAction('autotask', 'item-at-remove', {
      title: 'Remove me',
      description: '',
      timing: { allDay: false, start: '2026-03-21T09:00:00.000Z', end: '2026-03-21T10:00:00.000Z', timeZone: ZONE },
    });
    const { recordId } = await io.create(owner, action, { itemId: 'item-at-remove', kind: 'event' });
    await io.remove(owner, deleteAction('autotask', owner.userId), recordId);
    await expect(io.remove(owner, deleteAction('autotask', owner.userId), recordId)).resolves.toBeUndefined();
    expect((await io.read(owner, recordId, ctx)).observation).toEqual({ state: 'deleted' });
  });
});
