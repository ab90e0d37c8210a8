import { project, type ProjectionFields } from '../../../src/domain/projection';
import { graphEventToCanonical } from '../../../src/providers/graph';
import { outlookReplica } from '../../../src/activities/engine/outlook-replica';
import { enrichFromGraph } from '../../../src/activities/engine/outlook-replica-enrich';
import type { ReplicaIO, ReplicaOwner } from '../../../src/activities/engine/replica-io';
import { startClientHarness, type ClientHarness } from '../../providers/graph/client-harness';
import { createAction, deleteAction, only, rsvpAction, updateAction } from './replica-actions';

const WRITTEN: (keyof ProjectionFields)[] = [
  'title',
  'description',
  'location',
  'timing',
  'access',
  'showAs',
  'status',
  'categories',
  'reminderMinutes',
];

describe('outlookReplica over the Graph emulator', () => {
  let h: ClientHarness;
  let io: ReplicaIO;
  let alice: ReplicaOwner;
  let bob: ReplicaOwner;
  const ctxOf = (owner: ReplicaOwner) => ({ ownerEmail: owner.mailbox, ownerZone: owner.timeZone });

  beforeAll(async () => {
    h = await startClientHarness();
    io = outlookReplica(h.client);
    alice = { userId: 'u-alice', mailbox: h.alice, timeZone: 'Europe/Berlin' };
    bob = { userId: 'u-bob', mailbox: h.bob, timeZone: 'America/New_York' };
  });
  afterAll(async () => {
    await h.close();
  });

  const appMail = () => h.emu.sentMail.filter((m) => m.actor === 'app');

  it('reads a present event as the projection of its mapped event', async () => {
    const made = h.emu.userSide.createEvent(h.alice, {
      subject: 'Dentist',
      body: 'Bring the forms',
      start: '2026-03-10T09:00',
      end: '2026-03-10T10:00',
      timeZone: 'W. Europe Standard Time',
      sensitivity: 'personal',
      categories: ['Health'],
      isReminderOn: true,
      reminderMinutesBeforeStart: 30,
    });
    const read = await io.read(alice, made.id, ctxOf(alice));
    const { event } = await h.client.getEvent(h.alice, made.id);
    const mapped = enrichFromGraph(
      graphEventToCanonical(event, { fallbackZone: alice.timeZone }).event,
      event,
      h.alice
    );
    const expected = project('outlook', mapped, ctxOf(alice));
    expect(read.event).toEqual(mapped);
    expect(read.observation).toMatchObject({ state: 'present', projection: expected, recordId: made.id });
    expect(read.kind).toBe('event');
    expect(read.iCalUid).toBe(made.iCalUId);
    expect(expected.fields.access).toBe('personal');
  });

  it('reads back its own create as the action’s newBase (echo), with no attendees and no email', async () => {
    const action = createAction(
      'outlook',
      'item-echo-1',
      {
        title: 'Quarterly review',
        description: 'Numbers first',
        location: 'Room 4',
        timing: {
          allDay: false,
          start: '2026-03-11T13:00:00.000Z',
          end: '2026-03-11T14:30:00.000Z',
          timeZone: 'Europe/Berlin',
        },
        access: 'confidential',
        showAs: 'tentative',
        status: 'active',
        categories: ['Work', 'Finance'],
        reminderMinutes: 15,
        organizer: h.alice,
        attendees: [{ email: 'guest@example.com', name: 'Guest', type: 'required' }],
        responses: { [h.alice]: 'organizer' },
        recurrence: null,
      },
      ctxOf(alice),
      { userId: alice.userId }
    );
    const written = await io.create(alice, action, { itemId: 'item-echo-1', kind: 'event' });
    const read = await io.read(alice, written.recordId, ctxOf(alice));
    expect(read.observation.state).toBe('present');
    const projection = read.observation.state === 'present' ? read.observation.projection : undefined;
    expect(only(projection, WRITTEN, action.newBase)).toEqual(only(action.newBase, WRITTEN));
    // Everything but the attendees (never written, DESIGN §4.11) comes back as planned.
    expect({ ...projection?.fields, attendees: undefined }).toEqual({ ...action.newBase.fields, attendees: undefined });
    expect(projection?.fields.attendees).toEqual([]);
    expect(read.itemId).toBe('item-echo-1');
    expect(written.version).toEqual(expect.any(String));
    expect(h.emu.sentMail).toEqual([]);
  });

  it('echoes an all-day create', async () => {
    const action = createAction(
      'outlook',
      'item-all-day',
      {
        title: 'Offsite',
        timing: { allDay: true, startDate: '2026-03-12', endDate: '2026-03-14', timeZone: 'Europe/Berlin' },
        access: 'normal',
        showAs: 'oof',
        reminderMinutes: null,
        categories: [],
      },
      ctxOf(alice)
    );
    const written = await io.create(alice, action, { itemId: 'item-all-day', kind: 'event' });
    const read = await io.read(alice, written.recordId, ctxOf(alice));
    const projection = read.observation.state === 'present' ? read.observation.projection : undefined;
    expect(only(projection, WRITTEN, action.newBase)).toEqual(only(action.newBase, WRITTEN));
  });

  it('creates once for one idempotency key', async () => {
    const action = createAction('outlook', 'item-twice', {
      title: 'Only once',
      timing: { allDay: false, start: '2026-03-13T08:00:00.000Z', end: '2026-03-13T09:00:00.000Z', timeZone: 'UTC' },
    });
    const first = await io.create(alice, action, { itemId: 'item-twice', kind: 'event' });
    const second = await io.create(alice, action, { itemId: 'item-twice', kind: 'event' });
    expect(second.recordId).toBe(first.recordId);
    expect(h.emu.userSide.listEvents(h.alice).filter((e) => e.subject === 'Only once')).toHaveLength(1);
  });

  it('a replayed create claims the event’s changeKey only while it still holds what we wrote', async () => {
    const action = createAction('outlook', 'item-replayed', {
      title: 'Replayed create',
      timing: { allDay: false, start: '2026-03-14T08:00:00.000Z', end: '2026-03-14T09:00:00.000Z', timeZone: 'UTC' },
    });
    const first = await io.create(alice, action, { itemId: 'item-replayed', kind: 'event' });
    // The activity failed after the create (its link not saved) and is retried: nothing changed.
    const untouched = await io.create(alice, action, { itemId: 'item-replayed', kind: 'event' });
    expect(untouched).toEqual(first);
    expect(first.version).toBeDefined();
    // Between two attempts, the person retitles the new event: the retry must not claim that edit.
    h.emu.userSide.updateEvent(h.alice, first.recordId, { subject: 'Retitled by the person' });
    const edited = await io.create(alice, action, { itemId: 'item-replayed', kind: 'event' });
    expect(edited.recordId).toBe(first.recordId);
    expect(edited.version).toBeUndefined();
    expect(h.emu.userSide.listEvents(h.alice).filter((e) => e.subject === 'Retitled by the person')).toHaveLength(1);
  });

  it('updates only the given fields and reads back the newBase', async () => {
    const action = createAction(
      'outlook',
      'item-update',
      {
        title: 'Before',
        description: 'Keep me',
        timing: {
          allDay: false,
          start: '2026-03-16T08:00:00.000Z',
          end: '2026-03-16T09:00:00.000Z',
          timeZone: 'Europe/Berlin',
        },
        access: 'normal',
        categories: ['Keep'],
      },
      ctxOf(alice)
    );
    const { recordId } = await io.create(alice, action, { itemId: 'item-update', kind: 'event' });
    const before = await io.read(alice, recordId, ctxOf(alice));
    if (before.observation.state !== 'present') throw new Error('not present');
    const update = updateAction(before.observation.projection, {
      title: 'After',
      access: 'personal',
      timing: {
        allDay: false,
        start: '2026-03-16T10:00:00.000Z',
        end: '2026-03-16T11:00:00.000Z',
        timeZone: 'Europe/Berlin',
      },
      reminderMinutes: null,
    });
    await io.update(alice, update, recordId);
    const after = await io.read(alice, recordId, ctxOf(alice));
    expect(after.observation).toMatchObject({ state: 'present', projection: update.newBase });
    const logged = h.emu.requestLog.filter((r) => r.method === 'PATCH');
    expect(logged.length).toBeGreaterThan(0);
    expect(appMail()).toEqual([]);
  });

  it('removes idempotently: a missing record is already removed', async () => {
    const action = createAction('outlook', 'item-remove', {
      title: 'Remove me',
      timing: { allDay: false, start: '2026-03-17T08:00:00.000Z', end: '2026-03-17T09:00:00.000Z', timeZone: 'UTC' },
    });
    const { recordId } = await io.create(alice, action, { itemId: 'item-remove', kind: 'event' });
    await io.remove(alice, deleteAction('outlook', alice.userId), recordId);
    await expect(io.remove(alice, deleteAction('outlook', alice.userId), recordId)).resolves.toBeUndefined();
    expect((await io.read(alice, recordId, ctxOf(alice))).observation).toEqual({ state: 'deleted' });
  });

  it('refuses to delete a meeting the owner organises (it would email cancellations)', async () => {
    const meeting = h.emu.userSide.createEvent(h.alice, {
      subject: 'Planning',
      start: '2026-03-18T09:00',
      end: '2026-03-18T10:00',
      attendees: [h.bob],
    });
    const mailBefore = h.emu.sentMail.length;
    await expect(io.remove(alice, deleteAction('outlook', alice.userId), meeting.id)).rejects.toMatchObject({
      code: 'WouldSendCancellation',
      retryable: false,
    });
    expect(h.emu.userSide.getEvent(h.alice, meeting.id)).toBeDefined();
    expect(h.emu.sentMail.length).toBe(mailBefore);
  });

  it('responds as the attendee without email, and removes an attendee copy quietly', async () => {
    const meeting = h.emu.userSide.createEvent(h.alice, {
      subject: 'Sync-up',
      start: '2026-03-19T15:00',
      end: '2026-03-19T16:00',
      attendees: [h.bob],
    });
    const copy = h.emu.userSide.listEvents(h.bob).find((e) => e.iCalUId === meeting.iCalUId);
    if (!copy) throw new Error('bob has no copy');
    const before = await io.read(bob, copy.id, ctxOf(bob));
    if (before.observation.state !== 'present') throw new Error('not present');
    const action = rsvpAction(before.observation.projection, h.bob, 'tentative', bob.userId);
    await io.respond?.(bob, action, copy.id);
    const after = await io.read(bob, copy.id, ctxOf(bob));
    expect(after.observation).toMatchObject({
      state: 'present',
      projection: { fields: { responses: { [h.bob]: 'tentative' } } },
    });
    expect(appMail()).toEqual([]);
    await io.remove(bob, deleteAction('outlook', bob.userId), copy.id);
    expect(h.emu.userSide.getEvent(h.bob, copy.id)).toBeUndefined();
    expect(appMail()).toEqual([]);
  });
});
