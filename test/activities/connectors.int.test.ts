import { ConnectorRegistry } from '../../src/activities/connectors';
import { autotaskBudgetScope } from '../../src/providers/autotask/gate-keys';
import { TenantStore } from '../../src/store/tenants';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/*
 * The worker's connector registry against the sandbox tenant: clients built from the stored
 * connections, and the Autotask budget each tenant has left, read from the shared PostgreSQL gate
 * (what `calsync_autotask_budget_remaining` reports).
 */
let stack: SyncStack;
beforeAll(async () => {
  stack = await startSyncStack();
}, 60_000);
afterAll(async () => stack?.close(), 60_000);

it('reports the Autotask budget a tenant has left, spent per call through the shared gate', async () => {
  const registry = new ConnectorRegistry(new TenantStore(stack.db.pool, stack.box), stack.db.pool);
  const tenantId = stack.sandbox.tenantId;
  expect(registry.autotaskTenants()).toEqual([]);
  const { autotask } = await registry.forTenant(tenantId);
  expect(registry.autotaskTenants()).toEqual([tenantId]);
  const before = await registry.remaining(autotaskBudgetScope(tenantId));
  await autotask!.queryAppointments([{ op: 'exist', field: 'id' }]);
  await autotask!.queryAppointments([{ op: 'exist', field: 'id' }]);
  const after = await registry.remaining(autotaskBudgetScope(tenantId));
  expect(before).toBeGreaterThan(0);
  expect(after).toBe(before - 2);
  // A scope no tenant of this worker uses has no number rather than a made-up one.
  expect(await registry.remaining(autotaskBudgetScope('t_elsewhere'))).toBeNaN();
});
