import { createActivityContext } from '../../src/activities/context';
import { loadTenantSyncContext } from '../../src/activities/engine/tenant-context';
import type { TenantSyncContext } from '../../src/activities/engine/sync-records';
import { ItemStore } from '../../src/store/items';
import type { SyncStack } from './sync-stack';

/** The engine's context for one user of the stack's tenant, as an activity builds it. */
export async function tenantSyncContext(stack: SyncStack, userId: string): Promise<TenantSyncContext> {
  const activities = createActivityContext({ pool: stack.db.pool, box: stack.box });
  const { tenant } = await activities.loadUser({ tenantId: stack.sandbox.tenantId, userId });
  return loadTenantSyncContext({
    pool: stack.db.pool,
    tenant,
    connectors: await activities.connectors.forTenant(tenant.id),
    items: new ItemStore(stack.db.pool),
    audit: activities.audit,
    forUserId: userId,
  });
}
