import { MockActivityEnvironment } from '@temporalio/testing';
import { syncRecords } from '../../../src/activities/engine/sync-records';
import { newLink, replicaKey } from '../../../src/domain/link';
import { itemRef, withMarker } from '../../../src/providers/autotask';
import { ItemStore } from '../../../src/store/items';
import { daysAhead, utcInstant, wallClock } from '../../support/days-ahead';
import { type SyncStack, startSyncStack } from '../../support/sync-stack';
import { tenantSyncContext } from '../../support/tenant-sync-context';

/**
 * An Autotask write that went through while its link's save did not (PostgreSQL going away) leaves
 * an appointment with our marker that no link holds. Seen in the convergence long profile: the
 * tenant poller then reported it as new, and it was copied to NetSuite and Outlook a second time.
 * The marker names its item, so the engine adopts it into that item instead.
 */
describe('an Autotask appointment with our marker that no link holds', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  it('joins the item its marker names: no second item, no second Outlook copy', async () => {
    const { tenantId, userId } = stack.sandbox;
    const items = new ItemStore(stack.db.pool);
    const day = daysAhead(11);
    // What a failed first attempt leaves: the Outlook event, the item the round inserted for it
    // (no replica saved yet), and the Autotask appointment it wrote with the item's marker.
    const outlook = stack.sandbox.graph.userSide.createEvent(stack.sandbox.info.mailbox, {
      subject: 'Adopt me',
      start: wallClock(day, '09:00'),
      end: wallClock(day, '10:00'),
      timeZone: 'UTC',
    }) as { id: string };
    const itemId = 'i_adoption_test_item_0001';
    await items.insert(tenantId, newLink(itemId, 'event', replicaKey('outlook', userId)));
    const appointment = stack.sandbox.autotask.userSide.createAppointment({
      resourceID: stack.sandbox.info.autotask.resourceId,
      title: 'Adopt me',
      description: withMarker('', itemRef(itemId), 8000),
      startDateTime: utcInstant(day, '09:00'),
      endDateTime: utcInstant(day, '10:00'),
    });
    const recordId = `appointment:${String(appointment.id)}`;

    // The tenant poller's hint for the appointment, run as an activity (it heartbeats).
    const ctx = await tenantSyncContext(stack, userId);
    await new MockActivityEnvironment().run(() =>
      syncRecords(ctx, [{ side: 'autotask', recordId, userId }], { guardUserId: userId })
    );

    const linked = await items.findByRecord(tenantId, replicaKey('autotask', userId), recordId);
    expect(linked?.link.itemId).toBe(itemId);
    const { rows } = await stack.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE tenant_id = $1', [
      tenantId,
    ]);
    expect(Number(rows[0]?.n)).toBe(1);
    const copies = stack.sandbox.graph.userSide
      .listEvents(stack.sandbox.info.mailbox)
      .filter((e: { subject: string }) => e.subject === 'Adopt me');
    expect(copies.map((e: { id: string }) => e.id)).toEqual([outlook.id]);
  }, 60_000);
});
