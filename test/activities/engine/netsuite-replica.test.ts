import { translateField } from '../../../src/domain/field-rules';
import { project, type ProjectionFields } from '../../../src/domain/projection';
import { netSuiteToCanonical } from '../../../src/providers/netsuite/mapping';
import { netsuiteReplica } from '../../../src/activities/engine/netsuite-replica';
import { externalIdFor, itemIdOfExternalId } from '../../../src/activities/engine/netsuite-replica-external-id';
import type { ReadResult, ReplicaIO, ReplicaOwner } from '../../../src/activities/engine/replica-io';
import { startHarness, type NetSuiteHarness } from '../../providers/netsuite/netsuite-harness';
import { createAction, deleteAction, only, updateAction } from './replica-actions';

const ZONE = 'America/Denver';
const WRITTEN: (keyof ProjectionFields)[] = [
  'title',
  'description',
  'location',
  'timing',
  'access',
  'status',
  'organizer',
  'attendees',
  'responses',
];

function present(read: ReadResult) {
  if (read.observation.state !== 'present') throw new Error(`expected a present record, got ${read.observation.state}`);
  return read.observation;
}

describe('netsuiteReplica over the NetSuite emulator', () => {
  let h: NetSuiteHarness;
  let io: ReplicaIO;
  let owner: ReplicaOwner;
  let ola: { id: string; email: string };
  let gil: { id: string; email: string };
  const ctx = () => ({ syncedEmails: [ola.email] });

  beforeAll(async () => {
    h = await startHarness({ integrationUserTimeZone: ZONE });
    ola = h.emulator.addEmployee({ name: 'Ola Organizer', email: 'ola@example.com', timeZone: ZONE });
    gil = h.emulator.addContact({ name: 'Gil Guest', email: 'gil@example.com' });
    io = netsuiteReplica(h.tba, { syncedEmails: [ola.email], userTimeZone: ZONE });
    owner = { userId: 'u-ola', mailbox: ola.email, timeZone: ZONE, netsuiteEmployeeId: ola.id };
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('reads a present event as the projection of its mapped event', async () => {
    const made = h.emulator.userSide.createEvent(ola.id, {
      title: 'Pipeline review',
      message: 'Top ten deals',
      location: 'HQ',
      date: '2026-04-07',
      startTime: '15:00',
      endTime: '16:00',
      accessLevel: 'SHOW AS BUSY',
      attendees: [{ entityId: gil.id, response: 'ACCEPTED' }],
    });
    const read = await io.read(owner, made.id, ctx());
    const record = (await h.tba.getCalendarEvent(made.id))!;
    const entities = await h.tba.entities.directoryFor({ ids: [ola.id, gil.id] });
    const expected = project('netsuite', netSuiteToCanonical(record, { userTimeZone: ZONE, entities }), ctx());
    expect(present(read)).toMatchObject({ projection: expected, recordId: made.id });
    expect(expected.fields.access).toBe('SHOW_AS_BUSY');
    expect(read.kind).toBe('event');
    expect(read.itemId).toBeUndefined();
  });

  it('reads back its own create as the newBase (echo), and names the item by external id', async () => {
    const itemId = 'series-1@2026-04-08T15:00:00.000Z';
    const action = createAction(
      'netsuite',
      itemId,
      {
        title: 'Customer call',
        description: 'Renewal terms',
        location: 'Phone',
        timing: { allDay: false, start: '2026-04-08T15:00:00.000Z', end: '2026-04-08T15:45:00.000Z', timeZone: ZONE },
        access: 'PRIVATE',
        status: 'TENTATIVE',
        organizer: ola.email,
        attendees: [{ email: gil.email, name: 'Gil Guest', type: 'optional' }],
        responses: {},
        recurrence: null,
      },
      ctx()
    );
    const written = await io.create(owner, action, { itemId, kind: 'occurrence' });
    const read = await io.read(owner, written.recordId, ctx());
    expect(only(present(read).projection, WRITTEN, action.newBase)).toEqual(only(action.newBase, WRITTEN));
    expect(read.itemId).toBe(itemId);
    // A write costs one call: no read of the new version follows the PUT.
    expect(written.version).toBeUndefined();
    expect(
      h.emulator.requestLog.filter((r) => r.method === 'GET' && r.url.includes('fields=lastModifiedDate'))
    ).toEqual([]);
    expect(h.emulator.getEvent(written.recordId)?.externalId).toBe(externalIdFor(itemId));
  });

  it('echoes an all-day create', async () => {
    const action = createAction(
      'netsuite',
      'item-ns-all-day',
      {
        title: 'Holiday',
        timing: { allDay: true, startDate: '2026-04-09', endDate: '2026-04-10', timeZone: ZONE },
        access: 'PUBLIC',
        status: 'CONFIRMED',
      },
      ctx()
    );
    const { recordId } = await io.create(owner, action, { itemId: 'item-ns-all-day', kind: 'event' });
    expect(only(present(await io.read(owner, recordId, ctx())).projection, WRITTEN, action.newBase)).toEqual(
      only(action.newBase, WRITTEN)
    );
  });

  it('creates once for one idempotency key', async () => {
    const action = createAction('netsuite', 'item-ns-twice', {
      title: 'Only once',
      timing: { allDay: false, start: '2026-04-10T15:00:00.000Z', end: '2026-04-10T16:00:00.000Z', timeZone: ZONE },
    });
    const first = await io.create(owner, action, { itemId: 'item-ns-twice', kind: 'event' });
    const second = await io.create(owner, action, { itemId: 'item-ns-twice', kind: 'event' });
    expect(second.recordId).toBe(first.recordId);
    expect(h.emulator.listEvents().filter((e) => e.title === 'Only once')).toHaveLength(1);
  });

  it('keeps a Private event Private when Outlook changes it to private', async () => {
    const made = h.emulator.userSide.createEvent(ola.id, {
      title: 'Board prep',
      date: '2026-04-14',
      startTime: '09:00',
      endTime: '10:00',
      accessLevel: 'PRIVATE',
    });
    const base = present(await io.read(owner, made.id, ctx())).projection;
    expect(base.fields.access).toBe('PRIVATE');
    // Outlook's side changed: now private, retitled. The planner translates into NetSuite's terms.
    const outlook: ProjectionFields = { access: 'private', title: 'Board prep (moved)' };
    const translateCtx = { redactForAutotask: false, projection: ctx() };
    const fields: ProjectionFields = {
      access: translateField('access', outlook, 'netsuite', base.fields, translateCtx) as ProjectionFields['access'],
      title: 'Board prep (moved)',
    };
    expect(fields.access).toBe('PRIVATE');
    const update = updateAction(base, fields, ctx());
    await io.update(owner, update, made.id);
    const after = present(await io.read(owner, made.id, ctx()));
    expect(after.projection).toEqual(update.newBase);
    expect(h.emulator.getEvent(made.id)?.accessLevel).toBe('PRIVATE');

    // Even an update that names a restricted access the mapping would write as Show as Busy keeps
    // Private when the record already is: title-only updates never touch the level.
    const retitle = updateAction(after.projection, { title: 'Board prep (final)' }, ctx());
    await io.update(owner, retitle, made.id);
    expect(present(await io.read(owner, made.id, ctx())).projection).toEqual(retitle.newBase);
  });

  it('updates only the given fields: time, status and responses echo', async () => {
    const made = h.emulator.userSide.createEvent(ola.id, {
      title: 'Weekly',
      date: '2026-04-15',
      startTime: '11:00',
      endTime: '12:00',
      status: 'COMPLETE',
      attendees: [{ entityId: gil.id, response: 'TENTATIVE' }],
    });
    const base = present(await io.read(owner, made.id, ctx())).projection;
    const update = updateAction(
      base,
      {
        timing: { allDay: false, start: '2026-04-15T19:00:00.000Z', end: '2026-04-15T20:30:00.000Z', timeZone: ZONE },
        description: 'Moved to the afternoon',
      },
      ctx()
    );
    await io.update(owner, update, made.id);
    expect(present(await io.read(owner, made.id, ctx())).projection).toEqual(update.newBase);
    expect(h.emulator.getEvent(made.id)?.status).toBe('COMPLETE');
  });

  it('removes idempotently', async () => {
    const action = createAction('netsuite', 'item-ns-remove', {
      title: 'Remove me',
      timing: { allDay: false, start: '2026-04-16T15:00:00.000Z', end: '2026-04-16T16:00:00.000Z', timeZone: ZONE },
    });
    const { recordId } = await io.create(owner, action, { itemId: 'item-ns-remove', kind: 'event' });
    await io.remove(owner, deleteAction('netsuite'), recordId);
    await expect(io.remove(owner, deleteAction('netsuite'), recordId)).resolves.toBeUndefined();
    expect((await io.read(owner, recordId, ctx())).observation).toEqual({ state: 'deleted' });
    expect(h.emulator.sentEmails).toEqual([]);
  });

  it('external ids hold any item id and read back to it', () => {
    for (const itemId of ['abc-123_X', 'series@2026-04-08T15:00:00.000Z', 'ü|x']) {
      const externalId = externalIdFor(itemId);
      expect(externalId).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(itemIdOfExternalId(externalId)).toBe(itemId);
    }
    expect(itemIdOfExternalId('someone-else')).toBeUndefined();
  });
});
