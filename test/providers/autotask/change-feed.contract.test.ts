import {
  ChangeFeed,
  findOrCreateAppointment,
  initialCursor,
  occurrenceRef,
  withMarker,
  where,
} from '../../../src/providers/autotask';
import { manualClock, startHarness, type Harness } from './harness';

const window = { start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z' };

describe('change cursors against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    await h.emulator.close();
  });

  it('returns each change once: new, then only what changed since, across the overlap window', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now });
    const u = h.emulator.userSide;
    const feed = new ChangeFeed(h.client, { overlapMs: 120_000 });
    const a = u.createAppointment({
      resourceID: h.seed.dana,
      title: 'A',
      startDateTime: '2026-03-05T09:00:00Z',
      endDateTime: '2026-03-05T10:00:00Z',
    });
    clock.advance(1_000);
    const b = u.createAppointment({
      resourceID: h.seed.dana,
      title: 'B',
      startDateTime: '2026-03-06T09:00:00Z',
      endDateTime: '2026-03-06T10:00:00Z',
    });

    const first = await feed.pull(initialCursor('Appointments', '2026-03-01T00:00:00Z'), window);
    expect(first.changes.map((c) => c.title)).toEqual(['A', 'B']);

    // Nothing happened: the overlap re-reads A and B, and de-duplication drops them.
    const quiet = await feed.pull(first.cursor, window);
    expect(quiet.changes).toEqual([]);

    clock.advance(30_000);
    u.updateAppointment(Number(a.id), { title: 'A2' });
    const second = await feed.pull(quiet.cursor, window);
    expect(second.changes.map((c) => c.title)).toEqual(['A2']);
    expect(second.cursor.watermark).toBe('2026-03-02T08:00:31.000Z');

    // A change stamped inside the overlap but committed after the last pull is still caught.
    clock.advance(-10_000);
    u.updateAppointment(Number(b.id), { title: 'B2' });
    const late = await feed.pull(second.cursor, window);
    expect(late.changes.map((c) => c.title)).toEqual(['B2']);
  });

  it('routine pulls reach back a short way, and a periodic deep pull still finds a write that committed late', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now });
    const u = h.emulator.userSide;
    const now = () => clock.now().getTime();
    const feed = new ChangeFeed(h.client, { overlapMs: 120_000, shortOverlapMs: 10_000, deepEveryMs: 60_000, now });
    const appointment = (title: string) =>
      u.createAppointment({
        resourceID: h.seed.dana,
        title,
        startDateTime: '2026-03-05T09:00:00Z',
        endDateTime: '2026-03-05T10:00:00Z',
      });
    const a = appointment('A');
    const b = appointment('B');
    const first = await feed.pull(initialCursor('Appointments', '2026-03-01T00:00:00Z'), window);
    expect(first.changes.map((c) => c.title)).toEqual(['A', 'B']);

    clock.advance(30_000);
    u.updateAppointment(Number(a.id), { title: 'A2' });
    const routine = await feed.pull(first.cursor, window);
    expect(routine.changes.map((c) => c.title)).toEqual(['A2']);

    // B's edit is stamped 25 s before A2's but commits only now: beyond the short reach.
    clock.advance(-25_000);
    u.updateAppointment(Number(b.id), { title: 'B2' });
    clock.advance(25_000);
    const missed = await feed.pull(routine.cursor, window);
    expect(missed.changes).toEqual([]);

    clock.advance(60_000);
    const deep = await feed.pull(missed.cursor, window);
    expect(deep.changes.map((c) => c.title)).toEqual(['B2']);
    // What the deep pull re-read and had already returned is not returned again.
    expect((await feed.pull(deep.cursor, window)).changes).toEqual([]);
  });

  it('finds never-modified service calls whose change field Autotask leaves null', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now, changeFieldOnCreate: 'null' });
    const created = h.emulator.userSide.createServiceCall({
      companyID: h.seed.acme,
      description: 'Router',
      startDateTime: '2026-03-09T08:00:00Z',
      endDateTime: '2026-03-09T09:00:00Z',
    });
    expect(created.serviceCall.lastModifiedDateTime).toBeNull();
    const feed = new ChangeFeed(h.client);
    const pulled = await feed.pull(initialCursor('ServiceCalls', '2026-03-01T00:00:00Z'), window);
    expect(pulled.changes.map((c) => c.id)).toEqual([Number(created.serviceCall.id)]);
    expect((await feed.pull(pulled.cursor, window)).changes).toEqual([]);
  });

  it('tracks to-dos by lastModifiedDate', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now });
    const feed = new ChangeFeed(h.client);
    const first = await feed.pull(initialCursor('CompanyToDos', '2026-03-01T00:00:00Z'), window);
    expect(first.changes).toEqual([]);
    clock.advance(60_000);
    const todo = h.emulator.userSide.createToDo({
      companyID: h.seed.acme,
      actionType: h.seed.meeting,
      assignedToResourceID: h.seed.dana,
      activityDescription: 'Site visit',
      startDateTime: '2026-03-09T08:00:00Z',
      endDateTime: '2026-03-09T09:00:00Z',
    });
    const second = await feed.pull(first.cursor, window);
    expect(second.changes.map((c) => c.id)).toEqual([Number(todo.id)]);
  });

  it('falls back to scanning the sync window when the change field cannot be queried', async () => {
    const clock = manualClock();
    h = await startHarness({ now: clock.now, unqueryableFields: { Appointments: ['updateDateTime'] } });
    const u = h.emulator.userSide;
    const inside = u.createAppointment({
      resourceID: h.seed.dana,
      title: 'inside',
      startDateTime: '2026-03-05T09:00:00Z',
      endDateTime: '2026-03-05T10:00:00Z',
    });
    u.createAppointment({
      resourceID: h.seed.dana,
      title: 'outside the window',
      startDateTime: '2026-06-05T09:00:00Z',
      endDateTime: '2026-06-05T10:00:00Z',
    });
    const feed = new ChangeFeed(h.client);
    const first = await feed.pull(initialCursor('Appointments', '2026-03-01T00:00:00Z'), window);
    expect(feed.scansWindow('Appointments')).toBe(true);
    expect(first.changes.map((c) => c.title)).toEqual(['inside']);
    clock.advance(600_000);
    u.updateAppointment(Number(inside.id), { title: 'inside, edited' });
    const second = await feed.pull(first.cursor, window);
    expect(second.changes.map((c) => c.title)).toEqual(['inside, edited']);
  });
});

describe('findOrCreateAppointment', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emulator.close();
  });

  it('creates once; a retry (as after a lost response) finds the first appointment instead of duplicating it', async () => {
    const ref = occurrenceRef('AAMkSeriesId==', '2026-03-10T09:00:00Z');
    const intent = {
      resourceID: h.seed.dana,
      title: 'Stand-up',
      description: withMarker('Daily', ref),
      startDateTime: '2026-03-10T09:00:00.000Z',
      endDateTime: '2026-03-10T09:15:00.000Z',
      ref,
    };
    const first = await findOrCreateAppointment(h.client, intent);
    const retry = await findOrCreateAppointment(h.client, intent);
    expect(first.created).toBe(true);
    expect(retry).toEqual({ id: first.id, created: false });
    expect(await h.client.queryAppointments([where.eq('resourceID', h.seed.dana)])).toHaveLength(1);
  });

  it('does not mistake another appointment at the same time for ours', async () => {
    h.emulator.userSide.createAppointment({
      resourceID: h.seed.dana,
      title: 'Stand-up',
      description: 'made by hand in Autotask',
      startDateTime: '2026-03-10T09:00:00Z',
      endDateTime: '2026-03-10T09:15:00Z',
    });
    const ref = occurrenceRef('AAMkSeriesId==', '2026-03-10T09:00:00Z');
    const outcome = await findOrCreateAppointment(h.client, {
      resourceID: h.seed.dana,
      title: 'Stand-up',
      description: withMarker('', ref),
      startDateTime: '2026-03-10T09:00:00Z',
      endDateTime: '2026-03-10T09:15:00Z',
      ref,
    });
    expect(outcome.created).toBe(true);
    expect(await h.client.count('Appointments', [where.eq('resourceID', h.seed.dana)])).toBe(2);
  });

  it('refuses an intent whose description lacks its marker', async () => {
    await expect(
      findOrCreateAppointment(h.client, {
        resourceID: h.seed.dana,
        title: 'x',
        description: 'no marker',
        startDateTime: '2026-03-10T09:00:00Z',
        endDateTime: '2026-03-10T09:15:00Z',
        ref: 'e=abc',
      })
    ).rejects.toThrow(/must end with \[calsync:e=abc\]/);
  });
});
