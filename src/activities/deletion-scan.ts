import type { AutotaskClient, AutotaskEntity } from '../providers/autotask';
import { idOnlySchema } from '../providers/autotask/models';
import { effectivePolicy } from '../store/policy';
import type { ActivityContext } from './context';
import { type AutotaskEntityKind, parseRecordId } from './engine/autotask-replica-records';
import type { TenantChanges } from './sync-activities';

/**
 * The periodic id-set scan of a tenant poller (DESIGN.md §4.6): a provider without push never says
 * that a record was deleted, and a "modified since" query cannot see what is gone. Of the records
 * we linked, those missing from one listing and confirmed gone by a GET (404) are named to the
 * users holding a copy; their workflows read them again and the engine deletes the other copies
 * through its usual rules (mass-deletion guard included). Leaving the window is not being deleted.
 */
export async function scanDeletions(
  ctx: ActivityContext,
  input: { tenantId: string; provider: 'netsuite' | 'autotask' }
): Promise<TenantChanges> {
  const tenant = await ctx.tenants.get(input.tenantId);
  const clients = tenant ? await ctx.connectors.forTenant(tenant.id) : {};
  const known = await linkedRecords(ctx, input.tenantId, input.provider);
  let gone: string[];
  if (input.provider === 'netsuite') {
    if (!clients.netsuite) return { connected: false, affected: [] };
    if (known.length === 0) return { connected: true, affected: [] };
    const policy = effectivePolicy(tenant?.policy, undefined).netsuite.syncWindow;
    const now = ctx.now().getTime();
    const day = (offsetDays: number) => new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
    // One day of slack on each side: NetSuite's dates are wall-clock in the event's zone.
    const window = { fromDate: day(-policy.pastDays - 1), toDate: day(policy.futureDays + 2) };
    gone = await clients.netsuite.findDeletedEvents(
      known.map((k) => k.recordId),
      window
    );
  } else {
    if (!clients.autotask) return { connected: false, affected: [] };
    gone = await goneInAutotask(
      clients.autotask,
      known.map((k) => k.recordId)
    );
  }
  const goneSet = new Set(gone);
  const affected = new Map<string, Set<string>>();
  for (const { recordId, userId } of known) {
    if (!goneSet.has(recordId)) continue;
    (affected.get(userId) ?? affected.set(userId, new Set()).get(userId)!).add(recordId);
  }
  return { connected: true, affected: [...affected].map(([userId, ids]) => ({ userId, recordIds: [...ids] })) };
}

/**
 * Each linked record of the provider with a user holding a copy of its item: single items, and the
 * per-occurrence copies of series (a gone copy is a cancelled occurrence; the user's workflow hands
 * it to the series' child). Series masters have no record of their own there.
 */
async function linkedRecords(
  ctx: ActivityContext,
  tenantId: string,
  provider: 'netsuite' | 'autotask'
): Promise<{ recordId: string; userId: string }[]> {
  // NetSuite's record is tenant-wide (no user): the users are those with another replica of the item.
  const { rows } = await ctx.pool.query<{ record_id: string; user_id: string }>(
    `SELECT DISTINCT r.record_id, u.user_id
       FROM item_records r
       JOIN items i ON i.tenant_id = r.tenant_id AND i.item_id = r.item_id AND NOT i.gone
                   AND i.kind IN ('event', 'occurrence', 'todo', 'service-call')
       JOIN item_records u ON u.tenant_id = r.tenant_id AND u.item_id = r.item_id AND u.user_id IS NOT NULL
      WHERE r.tenant_id = $1 AND (r.replica = $2 OR r.replica LIKE $2 || ':%')
        AND (r.user_id IS NULL OR u.user_id = r.user_id)`,
    [tenantId, provider]
  );
  return rows.map((r) => ({ recordId: r.record_id, userId: r.user_id }));
}

const ENTITY: Record<AutotaskEntityKind, AutotaskEntity> = {
  appointment: 'Appointments',
  todo: 'CompanyToDos',
  servicecall: 'ServiceCalls',
};

/** Autotask: one `id in (…)` query per entity and 500 ids, then a GET for each id not listed. */
async function goneInAutotask(client: AutotaskClient, recordIds: string[]): Promise<string[]> {
  const byEntity = new Map<AutotaskEntityKind, Map<number, string>>();
  for (const recordId of new Set(recordIds)) {
    const { entity, id } = parseRecordId(recordId);
    (byEntity.get(entity) ?? byEntity.set(entity, new Map()).get(entity)!).set(id, recordId);
  }
  const gone: string[] = [];
  for (const [entity, ids] of byEntity) {
    const present = new Set((await client.getByIds(ENTITY[entity], idOnlySchema, ids.keys())).map((r) => r.id));
    for (const [id, recordId] of ids) {
      if (present.has(id)) continue;
      const read =
        entity === 'appointment'
          ? await client.getAppointment(id)
          : entity === 'todo'
            ? await client.getToDo(id)
            : await client.getServiceCall(id);
      if (read === null) gone.push(recordId);
    }
  }
  return gone;
}
