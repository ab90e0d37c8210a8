import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivityContext } from '../../src/activities/context';
import {
  pollAutotask,
  type PullResult,
  saveTenantCursors,
  syncHinted,
  type TenantChanges,
  type TenantPollInput,
} from '../../src/activities/sync-activities';
import { replicaKey } from '../../src/domain/link';
import { ItemStore } from '../../src/store/items';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { linkedOutlookEvent } from '../support/linked-item';

/*
 * The Autotask tenant poller tells each user which appointments a person changed apart from the
 * other records it names: the user's sync may then read the item's other replicas beside the
 * appointment (ADR 0009, ADR 0010). Our own writes are not named at all.
 */
let stack: SyncStack;
beforeAll(async () => {
  stack = await startSyncStack();
}, 60_000);
afterAll(async () => stack?.close(), 60_000);

async function poll(options: Omit<TenantPollInput, 'tenantId'> = {}): Promise<TenantChanges> {
  const ctx = createActivityContext({ pool: stack.db.pool, box: stack.box });
  return new MockActivityEnvironment().run(() => pollAutotask(ctx, { tenantId: stack.sandbox.tenantId, ...options }));
}

function namedFor(changes: TenantChanges, userId: string) {
  const entry = changes.affected.find((a) => a.userId === userId);
  return { records: entry?.recordIds ?? [], changed: entry?.changedRecordIds ?? [] };
}

it('names a person’s appointment edit as changed, and our own write not at all', async () => {
  const { tenantId, userId } = stack.sandbox;
  const { autotaskId: appointment } = await linkedOutlookEvent(stack, 'Polled appointment');
  expect(appointment).toMatch(/^appointment:\d+$/);

  // The first poll reads everything of the last days (the sandbox's demo data too): not our copy.
  const first = namedFor(await poll(), userId);
  expect(first.records).not.toContain(appointment);

  // Autotask stamps to the second: the person's edit must not share our write's stamp.
  await new Promise((r) => setTimeout(r, 1100));
  const id = Number(appointment.split(':')[1]);
  stack.sandbox.autotask.userSide.updateAppointment(id, { title: 'Polled appointment, edited in Autotask' });
  // The poller stages its cursors and promotes them once the users were told (ADR 0010).
  const staged = await poll({ deferCursors: true, stageCursors: true });
  const second = namedFor(staged, userId);
  expect(second.records).toContain(appointment);
  expect(second.changed).toContain(appointment);
  expect(staged.cursors).toBeUndefined();
  expect(staged.stagedCursors?.length).toBe(3);

  // Not promoted (the users were not told): the next poll names the edit again.
  const again = await poll({ deferCursors: true, stageCursors: true });
  expect(namedFor(again, userId).records).toContain(appointment);
  const activities = createActivityContext({ pool: stack.db.pool, box: stack.box });
  await saveTenantCursors(activities, { tenantId, staged: staged.stagedCursors! });
  expect(namedFor(await poll(), userId).records).not.toContain(appointment);
  // The other attempt's staged cursors went with the promotion: promoting them now changes nothing.
  await saveTenantCursors(activities, { tenantId, staged: again.stagedCursors! });
  const { rows } = await stack.db.pool.query("SELECT source FROM cursors WHERE scope = 'tenant-staged'");
  expect(rows).toEqual([]);
}, 60_000);

it('carries the stamp it saw; a round hinted with our own stamp does not read the other replicas early', async () => {
  const { tenantId, userId } = stack.sandbox;
  const { autotaskId: appointment, outlookId } = await linkedOutlookEvent(stack, 'Stamped appointment');
  const stored = await new ItemStore(stack.db.pool).versionsOf(tenantId, replicaKey('autotask', userId), [appointment]);
  const ours = stored.get(appointment)!;
  expect(ours).toBeTruthy();
  const ctx = createActivityContext({ pool: stack.db.pool, box: stack.box });
  const outlookReads = () =>
    stack.sandbox.graph.requestLog.filter((r) => r.method === 'GET' && r.url.includes(encodeURIComponent(outlookId)))
      .length;
  const hinted = (version: string): Promise<PullResult> =>
    new MockActivityEnvironment().run(() =>
      syncHinted(ctx, {
        tenantId,
        userId,
        source: 'autotask',
        recordIds: [appointment],
        changedIds: [appointment],
        changedVersions: { [appointment]: version },
      })
    );

  // The poll saw our write before its stamp was stored: by the round, the stamp is ours.
  const before = outlookReads();
  expect((await hinted(ours)).updated).toBe(0);
  expect(outlookReads()).toBe(before);

  // A stamp we never stored is a person's edit: the Outlook copy is read beside the appointment.
  await hinted('2001-01-01T00:00:00Z');
  expect(outlookReads()).toBeGreaterThan(before);

  // And the poll names a person's edit with the stamp it saw.
  await new Promise((r) => setTimeout(r, 1100));
  const id = Number(appointment.split(':')[1]);
  stack.sandbox.autotask.userSide.updateAppointment(id, { title: 'Stamped appointment, edited in Autotask' });
  const entry = (await poll()).affected.find((a) => a.userId === userId);
  expect(entry?.changedRecordIds).toContain(appointment);
  expect(entry?.changedVersions?.[appointment]).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(entry?.changedVersions?.[appointment]).not.toBe(ours);
}, 60_000);
