import type { ProjectionFields } from '../../../src/domain/projection';
import { stripMarker } from '../../../src/providers/autotask';
import { autotaskReplica } from '../../../src/activities/engine/autotask-replica';
import { markerRefFor, parseRecordId } from '../../../src/activities/engine/autotask-replica-records';
import type { ReadResult, ReplicaIO, ReplicaOwner } from '../../../src/activities/engine/replica-io';
import { startHarness, type Harness } from '../../providers/autotask/harness';
import { createAction, deleteAction, updateAction } from './replica-actions';

const ZONE = 'Europe/Berlin';

function present(read: ReadResult) {
  if (read.observation.state !== 'present') throw new Error(`expected a present record, got ${read.observation.state}`);
  return read.observation;
}

/** Outlook events whose category matches a To-Do rule of the owner's policy become To-Dos. */
describe('autotaskReplica: To-Dos by policy, over the Autotask emulator', () => {
  let h: Harness;
  let io: ReplicaIO;
  let owner: ReplicaOwner;
  const refs = new Map<string, string>();
  const ctx = { ownerZone: ZONE };
  const at = (day: string, from: string, to: string) => ({
    allDay: false as const,
    start: `2026-04-${day}T${from}:00.000Z`,
    end: `2026-04-${day}T${to}:00.000Z`,
    timeZone: ZONE,
  });
  const toDosOf = (resourceID: number) =>
    h.emulator.userSide.list('CompanyToDos').filter((t) => t['assignedToResourceID'] === resourceID);
  const appointmentsTitled = (title: string) =>
    h.emulator.userSide.list('Appointments').filter((a) => a['title'] === title);

  beforeAll(async () => {
    h = await startHarness();
    io = autotaskReplica(h.client, { resolveItemId: (ref) => refs.get(ref) });
    owner = {
      userId: 'u-dana',
      mailbox: 'dana.reyes@example.com',
      timeZone: ZONE,
      autotaskResourceId: h.seed.dana,
      autotaskToDoRules: [
        { category: 'Acme calls', companyId: h.seed.acme, actionTypeId: h.seed.phoneCall },
        { category: 'Customer', companyId: h.seed.globex, actionTypeId: h.seed.meeting },
      ],
    };
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('a categorised event becomes one To-Do of the rule’s company and action type, read back as written', async () => {
    const action = createAction(
      'autotask',
      'item-todo-1',
      { title: 'Call about renewal', description: 'Quote 42\nand terms', timing: at('06', '09:00', '09:30') },
      ctx
    );
    refs.set(markerRefFor('item-todo-1'), 'item-todo-1');
    const written = await io.create(owner, action, {
      itemId: 'item-todo-1',
      kind: 'event',
      categories: ['Blue', 'acme CALLS'],
    });
    expect(written.recordId).toMatch(/^todo:\d+$/);
    const stored = (await h.client.getToDo(parseRecordId(written.recordId).id))!;
    expect(stored).toMatchObject({
      companyID: h.seed.acme,
      actionType: h.seed.phoneCall,
      assignedToResourceID: h.seed.dana,
    });
    expect(Date.parse(stored.startDateTime)).toBe(Date.parse('2026-04-06T09:00:00Z'));
    expect(Date.parse(stored.endDateTime)).toBe(Date.parse('2026-04-06T09:30:00Z'));
    expect(stripMarker(stored.activityDescription)).toEqual({
      text: 'Call about renewal\n\nQuote 42\nand terms',
      ref: markerRefFor('item-todo-1'),
    });
    expect(appointmentsTitled('Call about renewal')).toHaveLength(0);

    // The Outlook side sees the subject as typed (no decoration) and never our marker: an echo.
    const read = await io.read(owner, written.recordId, ctx);
    expect(read.kind).toBe('todo');
    expect(read.itemId).toBe('item-todo-1');
    expect(present(read).projection).toEqual(action.newBase);
    expect(read.event?.description).not.toContain('calsync');
  });

  it('creates the To-Do once for one item, however often the create is retried', async () => {
    const action = createAction(
      'autotask',
      'item-todo-twice',
      { title: 'Only one To-Do', description: '', timing: at('07', '10:00', '11:00') },
      ctx
    );
    const item = { itemId: 'item-todo-twice', kind: 'event' as const, categories: ['Customer'] };
    const first = await io.create(owner, action, item);
    const second = await io.create(owner, action, item);
    expect(second.recordId).toBe(first.recordId);
    const mine = toDosOf(h.seed.dana).filter((t) => String(t['activityDescription']).startsWith('Only one To-Do'));
    expect(mine.map((t) => [t['id'], t['companyID'], t['actionType']])).toEqual([
      [parseRecordId(first.recordId).id, h.seed.globex, h.seed.meeting],
    ]);
  });

  it('edits keep the marker and the subject as Outlook has it; the read echoes each edit; delete removes it', async () => {
    const action = createAction(
      'autotask',
      'item-todo-edit',
      { title: 'Plan visit', description: 'Parking at gate B', timing: at('08', '13:00', '14:00') },
      ctx
    );
    const { recordId } = await io.create(owner, action, {
      itemId: 'item-todo-edit',
      kind: 'event',
      categories: ['Acme calls'],
    });
    // A subject that happens to look decorated is still the author's subject: kept whole.
    const fields: ProjectionFields = {
      title: 'Plan visit – Acme Corp – Phone Call',
      timing: at('08', '15:00', '16:30'),
    };
    const retitle = updateAction(action.newBase, fields, ctx);
    await io.update(owner, retitle, recordId);
    expect(present(await io.read(owner, recordId, ctx)).projection).toEqual(retitle.newBase);

    const redescribe = updateAction(retitle.newBase, { description: 'Parking at gate C' }, ctx);
    await io.update(owner, redescribe, recordId);
    expect(present(await io.read(owner, recordId, ctx)).projection).toEqual(redescribe.newBase);
    const stored = (await h.client.getToDo(parseRecordId(recordId).id))!;
    expect(stripMarker(stored.activityDescription)).toEqual({
      text: 'Plan visit – Acme Corp – Phone Call\n\nParking at gate C',
      ref: markerRefFor('item-todo-edit'),
    });
    expect(Date.parse(stored.startDateTime)).toBe(Date.parse('2026-04-08T15:00:00Z'));

    await io.remove(owner, deleteAction('autotask', owner.userId), recordId);
    expect((await io.read(owner, recordId, ctx)).observation).toEqual({ state: 'deleted' });
    expect(await h.client.getToDo(parseRecordId(recordId).id)).toBeNull();
  });

  it('stays an Appointment without a matching category, without rules, and for occurrences of a series', async () => {
    const toDosBefore = toDosOf(h.seed.dana).length;
    const plain = createAction(
      'autotask',
      'item-plain',
      { title: 'Dentist', description: '', timing: at('09', '08:00', '09:00') },
      ctx
    );
    const other = await io.create(owner, plain, { itemId: 'item-plain', kind: 'event', categories: ['Acme'] });
    expect(other.recordId).toMatch(/^appointment:\d+$/);

    const noRules: ReplicaOwner = { ...owner, autotaskToDoRules: [] };
    const unruled = createAction(
      'autotask',
      'item-unruled',
      { title: 'Unruled', description: '', timing: at('09', '10:00', '11:00') },
      ctx
    );
    const written = await io.create(noRules, unruled, {
      itemId: 'item-unruled',
      kind: 'event',
      categories: ['Customer'],
    });
    expect(written.recordId).toMatch(/^appointment:\d+$/);

    const key = '2026-04-10T09:00:00.000Z';
    const occurrence = createAction(
      'autotask',
      `series-t@${key}`,
      { title: 'Weekly Acme call', description: '', timing: at('10', '09:00', '09:30') },
      ctx,
      { occurrenceKey: key }
    );
    const occ = await io.create(owner, occurrence, {
      itemId: `series-t@${key}`,
      kind: 'occurrence',
      categories: ['Acme calls'],
    });
    expect(occ.recordId).toMatch(/^appointment:\d+$/);

    expect(toDosOf(h.seed.dana)).toHaveLength(toDosBefore);
    expect(appointmentsTitled('Dentist')).toHaveLength(1);
    expect(appointmentsTitled('Unruled')).toHaveLength(1);
    expect(appointmentsTitled('Weekly Acme call')).toHaveLength(1);
  });
});
