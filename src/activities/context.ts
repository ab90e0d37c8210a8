import type { Pool } from 'pg';
import type { Side } from '../domain/canonical-event';
import { AuditLog } from '../store/audit';
import { CursorStore } from '../store/cursors';
import { deriveLinkId, LinkStore } from '../store/links';
import type { SecretBox } from '../store/secret-box';
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
  tenants: TenantStore;
  users: UserStore;
  links: LinkStore;
  cursors: CursorStore;
  audit: AuditLog;
  connectors: ConnectorRegistry;
  now(): Date;
  deriveLinkId(userId: string, side: Side, nativeId: string): string;
  loadUser(ref: UserRef): Promise<{ user: User; tenant: Tenant }>;
}

export function createActivityContext(deps: { pool: Pool; box: SecretBox; now?: () => Date }): ActivityContext {
  const tenants = new TenantStore(deps.pool, deps.box);
  const users = new UserStore(deps.pool);
  return {
    pool: deps.pool,
    tenants,
    users,
    links: new LinkStore(deps.pool),
    cursors: new CursorStore(deps.pool),
    audit: new AuditLog(deps.pool),
    connectors: new ConnectorRegistry(tenants, deps.pool),
    now: deps.now ?? (() => new Date()),
    deriveLinkId,
    async loadUser(ref) {
      const [user, tenant] = await Promise.all([users.get(ref.userId), tenants.get(ref.tenantId)]);
      if (!user || user.tenantId !== ref.tenantId) throw new Error(`user ${ref.userId} of tenant ${ref.tenantId} does not exist`);
      if (!tenant) throw new Error(`tenant ${ref.tenantId} does not exist`);
      return { user, tenant };
    },
  };
}
