import type { Pool } from 'pg';
import { AuditLog } from '../store/audit';
import { CursorStore } from '../store/cursors';
import type { SecretBox } from '../store/secret-box';
import { TenantUsers } from '../store/tenant-users';
import { type Tenant, TenantStore } from '../store/tenants';
import { type User, UserStore } from '../store/users';
import { ConnectorRegistry } from './connectors';

export interface UserRef {
  tenantId: string;
  userId: string;
}

/** What activities reach: stores and provider clients, injected (tests pass emulator-backed ones). */
export interface ActivityContext {
  pool: Pool;
  /** How Graph reaches our webhooks; without it there are no subscriptions and sync polls. */
  publicBaseUrl?: string;
  tenants: TenantStore;
  users: UserStore;
  cursors: CursorStore;
  audit: AuditLog;
  connectors: ConnectorRegistry;
  /** Each tenant's users, kept while they do not change (migration 0006). */
  tenantUsers: TenantUsers;
  now(): Date;
  loadUser(ref: UserRef): Promise<{ user: User; tenant: Tenant }>;
}

export function createActivityContext(deps: {
  pool: Pool;
  box: SecretBox;
  publicBaseUrl?: string;
  now?: () => Date;
}): ActivityContext {
  const tenants = new TenantStore(deps.pool, deps.box);
  const users = new UserStore(deps.pool);
  return {
    pool: deps.pool,
    publicBaseUrl: deps.publicBaseUrl,
    tenants,
    users,
    cursors: new CursorStore(deps.pool),
    audit: new AuditLog(deps.pool),
    connectors: new ConnectorRegistry(tenants, deps.pool),
    tenantUsers: new TenantUsers(deps.pool),
    now: deps.now ?? (() => new Date()),
    async loadUser(ref) {
      const [user, tenant] = await Promise.all([users.get(ref.userId), tenants.get(ref.tenantId)]);
      if (!user || user.tenantId !== ref.tenantId)
        throw new Error(`user ${ref.userId} of tenant ${ref.tenantId} does not exist`);
      if (!tenant) throw new Error(`tenant ${ref.tenantId} does not exist`);
      return { user, tenant };
    },
  };
}
