import { autotaskReplica } from '../../../src/activities/engine/autotask-replica';
import { parseRecordId } from '../../../src/activities/engine/autotask-replica-records';
import type { ReplicaIO, ReplicaOwner } from '../../../src/activities/engine/replica-io';
import type { AppointmentPatch, AutotaskClient, NewAppointment } from '../../../src/providers/autotask';
import { manualClock, startHarness, type Harness } from '../../providers/autotask/harness';
import { createAction, updateAction } from './replica-actions';

const ZONE = 'Europe/Berlin';
const ctx = { ownerZone: ZONE };
const timing = {
  allDay: false as const,
  start: '2026-04-07T09:00:00.000Z',
  end: '2026-04-07T10:00:00.000Z',
  timeZone: ZONE,
};

/**
 * The version a write returns is the stamp the tenant poller later takes for our own echo. A
 * person's edit that lands between our write and our read-back must not be claimed with it, or
 * their edit never travels (seen in the convergence long profile: an Autotask edit lost).
 */
describe('autotaskReplica: the version it claims after a write', () => {
  let h: Harness;
  let owner: ReplicaOwner;
  const clock = manualClock();
  /** Called right after each create or update reaches Autotask, before the replica reads back. */
  let afterWrite: (id: number) => void = () => undefined;

  beforeAll(async () => {
    h = await startHarness({ now: clock.now });
    owner = { userId: 'u-dana', mailbox: 'dana.reyes@example.com', timeZone: ZONE, autotaskResourceId: h.seed.dana };
  });
  afterAll(async () => {
    await h.emulator.close();
  });
  afterEach(() => {
    afterWrite = () => undefined;
  });

  /** The real client over HTTP; the person's edit is interleaved, nothing is answered for Autotask. */
  function racingReplica(): ReplicaIO {
    const client: AutotaskClient = h.client;
    const racing = Object.create(client) as AutotaskClient;
    racing.createAppointment = async (fields: NewAppointment) => {
      const id = await client.createAppointment(fields);
      afterWrite(id);
      return id;
    };
    racing.updateAppointment = async (patch: AppointmentPatch) => {
      const result = await client.updateAppointment(patch);
      afterWrite(patch.id);
      return result;
    };
    return autotaskReplica(racing);
  }

  const stampOf = async (recordId: string) => {
    const appointment = await h.client.getAppointment(parseRecordId(recordId).id);
    return appointment?.updateDateTime ?? appointment?.createDateTime;
  };
  const personEdits = (id: number, patch: { title?: string; endDateTime?: string }) => {
    clock.advance(1_000);
    h.emulator.userSide.updateAppointment(id, patch);
  };

  it('claims the stamp of its own create and update when nobody edited in between', async () => {
    const io = racingReplica();
    clock.advance(1_000);
    const action = createAction('autotask', 'item-quiet', { title: 'Quiet', description: 'x', timing }, ctx);
    const created = await io.create(owner, action, { itemId: 'item-quiet', kind: 'event' });
    expect(created.version).toBeDefined();
    expect(created.version).toBe(await stampOf(created.recordId));

    clock.advance(1_000);
    await io.read(owner, created.recordId, ctx);
    const updated = await io.update(owner, updateAction(action.newBase, { title: 'Quiet 2' }, ctx), created.recordId);
    expect(updated.version).toBeDefined();
    expect(updated.version).toBe(await stampOf(created.recordId));
    expect(updated.version).not.toBe(created.version);
  });

  it('claims no stamp when a person edits the appointment between our update and the read-back', async () => {
    const io = racingReplica();
    const action = createAction('autotask', 'item-raced', { title: 'Raced', description: 'x', timing }, ctx);
    const { recordId } = await io.create(owner, action, { itemId: 'item-raced', kind: 'event' });
    await io.read(owner, recordId, ctx);

    afterWrite = (id) => personEdits(id, { endDateTime: '2026-04-07T11:30:00.000Z' });
    clock.advance(1_000);
    const updated = await io.update(owner, updateAction(action.newBase, { title: 'Raced 2' }, ctx), recordId);
    const appointment = await h.client.getAppointment(parseRecordId(recordId).id);
    expect(appointment).toMatchObject({ title: 'Raced 2' });
    expect(Date.parse(appointment!.endDateTime)).toBe(Date.parse('2026-04-07T11:30:00.000Z'));
    expect(updated.version).toBeUndefined();
  });

  it('claims no stamp when a person edits the appointment between our create and the read-back', async () => {
    const io = racingReplica();
    afterWrite = (id) => personEdits(id, { title: 'Renamed by Dana' });
    const action = createAction('autotask', 'item-raced-new', { title: 'Fresh', description: 'x', timing }, ctx);
    const created = await io.create(owner, action, { itemId: 'item-raced-new', kind: 'event' });
    expect(await h.client.getAppointment(parseRecordId(created.recordId).id)).toMatchObject({
      title: 'Renamed by Dana',
    });
    expect(created.version).toBeUndefined();
  });
});
