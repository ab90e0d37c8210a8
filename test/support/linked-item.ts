import { MockActivityEnvironment } from '@temporalio/testing';
import { syncRecords } from '../../src/activities/engine/sync-records';
import { replicaKey } from '../../src/domain/link';
import { ItemStore } from '../../src/store/items';
import { daysAhead } from './days-ahead';
import type { SyncStack } from './sync-stack';
import { tenantSyncContext } from './tenant-sync-context';

/**
 * An event made in the stack's demo user's Outlook and synced once, as an activity would: its
 * NetSuite event and Autotask record exist and are linked. Returns the three records' ids.
 */
export async function linkedOutlookEvent(stack: SyncStack, subject: string, day = daysAhead(14)) {
  const { tenantId, userId } = stack.sandbox;
  const outlook = stack.sandbox.graph.userSide.createEvent(stack.sandbox.info.mailbox, {
    subject,
    start: `${day}T09:00:00`,
    end: `${day}T10:00:00`,
    timeZone: 'UTC',
  }) as { id: string };
  const ctx = await tenantSyncContext(stack, userId);
  await new MockActivityEnvironment().run(() =>
    syncRecords(ctx, [{ side: 'outlook', recordId: outlook.id, userId }], { guardUserId: userId })
  );
  const stored = await new ItemStore(stack.db.pool).findByRecord(tenantId, replicaKey('outlook', userId), outlook.id);
  const netsuiteId = stored?.link.replicas[replicaKey('netsuite')]?.recordId;
  const autotaskId = stored?.link.replicas[replicaKey('autotask', userId)]?.recordId;
  if (!netsuiteId || !autotaskId) throw new Error(`${subject} was not copied to NetSuite and Autotask`);
  return { outlookId: outlook.id, netsuiteId, autotaskId };
}
