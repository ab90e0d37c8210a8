import type { Pool } from 'pg';
import type { Side } from '../../domain/canonical-event';
import { type Direction, parseSyncPolicy, type SyncPolicy } from '../../domain/policy';
import { parseRef } from '../../providers/autotask';
import type { AuditLog } from '../../store/audit';
import type { ItemStore } from '../../store/items';
import { effectivePolicy, parseTenantPolicy, type TenantPolicy, withUserOverrides } from '../../store/policy';
import type { Tenant } from '../../store/tenants';
import { type TenantUserRow as UserRow, TenantUsers } from '../../store/tenant-users';
import type { TenantConnectors } from '../connectors';
import { autotaskReplica } from './autotask-replica';
import { netsuiteReplica } from './netsuite-replica';
import { type OutlookPrefetched, outlookReplica } from './outlook-replica';
import type { ReplicaIO, ReplicaOwner } from './replica-io';
import type { TenantSyncContext } from './sync-records';

const directionOf: Record<TenantPolicy['netsuite']['direction'], Direction> = {
  both: 'both',
  'outlook-to-provider': 'outlook-to-x',
  'provider-to-outlook': 'x-to-outlook',
  off: 'off',
};

/**
 * The planner's policy for a tenant, seen from one user: the organisation policy with that user's
 * overrides (admin API, src/store/policy.ts), connectors without a connection switched off, and the
 * tenant's synced users (those not stopped, plus the user at hand).
 */
export function plannerPolicy(tenant: Tenant, users: readonly UserRow[], forUserId: string): SyncPolicy {
  const me = users.find((u) => u.id === forUserId);
  const effective = effectivePolicy(tenant.policy, me?.policy ?? {});
  const synced = users.filter((u) => u.desired_state !== 'stopped' || u.id === forUserId);
  return parseSyncPolicy({
    directions: {
      netsuite: tenant.connections.netsuite ? directionOf[effective.netsuite.direction] : 'off',
      autotask: tenant.connections.autotask ? directionOf[effective.autotask.direction] : 'off',
    },
    selection: { netsuite: { mode: 'all' }, autotask: effective.autotask.selection },
    conflicts: { netsuite: effective.netsuite.conflict, autotask: effective.autotask.conflict },
    inviteFromOutlook: effective.outlook.inviteFromOutlook,
    // Series are native in NetSuite only where the recurrence RESTlet can write them.
    netsuiteNativeRecurrence: tenant.connections.netsuite?.recurrenceRestletInstalled ?? false,
    massDelete: {
      maxShare: Math.min(effective.netsuite.massDelete.share, effective.autotask.massDelete.share),
      minCount: Math.min(effective.netsuite.massDelete.minItems, effective.autotask.massDelete.minItems),
      maxCount: 1_000_000,
    },
    users: synced.map((u) => ({
      userId: u.id,
      email: u.mailbox,
      timeZone: u.time_zone,
      netsuite: Boolean(tenant.connections.netsuite && u.netsuite_employee_id),
      autotask: Boolean(tenant.connections.autotask && u.autotask_resource_id),
    })),
  });
}

export async function loadTenantSyncContext(deps: {
  pool: Pool;
  tenant: Tenant;
  connectors: TenantConnectors;
  items: ItemStore;
  audit: AuditLog;
  forUserId: string;
  workflowId?: string;
  outlookPrefetched?: OutlookPrefetched;
  /** The worker's kept user lists (default: read afresh). */
  users?: TenantUsers;
}): Promise<TenantSyncContext> {
  const rows = await (deps.users ?? new TenantUsers(deps.pool)).list(deps.tenant.id);
  const tenantPolicy = parseTenantPolicy(deps.tenant.policy);
  const owners = new Map<string, ReplicaOwner>(
    rows.map((u) => {
      // Each user's own To-Do rules (their overrides over the organisation's): what becomes a To-Do.
      const toDoRules = withUserOverrides(tenantPolicy, u.policy).autotask.todoRules;
      return [
        u.id,
        {
          userId: u.id,
          mailbox: u.mailbox,
          timeZone: u.time_zone,
          ...(u.netsuite_employee_id ? { netsuiteEmployeeId: u.netsuite_employee_id } : {}),
          ...(u.autotask_resource_id ? { autotaskResourceId: Number(u.autotask_resource_id) } : {}),
          ...(toDoRules.length > 0 ? { autotaskToDoRules: toDoRules } : {}),
        },
      ];
    })
  );
  const policy = plannerPolicy(deps.tenant, rows, deps.forUserId);
  const { graph, netsuite, autotask } = deps.connectors;
  const io: Partial<Record<Side, ReplicaIO>> = {
    ...(graph
      ? {
          outlook: outlookReplica(graph, {
            inviteFromOutlook: policy.inviteFromOutlook,
            ...(deps.outlookPrefetched ? { prefetched: deps.outlookPrefetched } : {}),
          }),
        }
      : {}),
    ...(netsuite
      ? {
          netsuite: netsuiteReplica(netsuite, {
            syncedEmails: rows.map((u) => u.mailbox),
            nativeRecurrence: deps.tenant.connections.netsuite?.recurrenceRestletInstalled ?? false,
          }),
        }
      : {}),
    ...(autotask
      ? {
          autotask: autotaskReplica(autotask, {
            // Our marker on a record no link holds yet names its item: adopted, never copied again.
            resolveItemId: (ref) => {
              const parsed = parseRef(ref);
              return parsed?.kind === 'item' ? deps.items.findByIdHash(deps.tenant.id, parsed.itemKey) : undefined;
            },
          }),
        }
      : {}),
  };
  return {
    tenantId: deps.tenant.id,
    policy,
    owners,
    io,
    items: deps.items,
    audit: deps.audit,
    workflowId: deps.workflowId,
  };
}
