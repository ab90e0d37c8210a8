import { AdminConsentStore } from '../store/admin-consents';
import { ApiKeyStore } from '../store/api-keys';
import { AuditLog } from '../store/audit';
import { TenantStore } from '../store/tenants';
import { PushReplayGuard, WebhookSubscriptionStore } from '../store/webhook-subscriptions';
import { defaultConnectionChecks, type ConnectionChecks } from './connection-checks';
import type { ApiDeps } from './deps';
import { defaultDiscovery, type Discovery } from './discovery';
import { HttpProblem } from './problem';

/** What the routes share: the dependencies, the stores built on them, and resolved defaults. */
export interface ApiContext {
  deps: ApiDeps;
  apiKeys: ApiKeyStore;
  audit: AuditLog;
  consents: AdminConsentStore;
  subscriptions: WebhookSubscriptionStore;
  pushReplays: PushReplayGuard;
  connectionChecks: ConnectionChecks;
  discovery: Discovery;
  publicBaseUrl: string | undefined;
  pushToleranceSeconds: number;
  /** The tenant store; 503 when no secrets key is configured (it seals credentials). */
  tenants(): TenantStore;
}

export function createContext(deps: ApiDeps): ApiContext {
  const pushToleranceSeconds = deps.netsuitePushToleranceSeconds ?? 300;
  const tenantStore = deps.secretBox ? new TenantStore(deps.pool, deps.secretBox) : undefined;
  return {
    deps,
    apiKeys: new ApiKeyStore(deps.pool),
    audit: new AuditLog(deps.pool),
    consents: new AdminConsentStore(deps.pool),
    subscriptions: new WebhookSubscriptionStore(deps.pool),
    pushReplays: new PushReplayGuard(deps.pool, pushToleranceSeconds),
    connectionChecks: deps.connectionChecks ?? defaultConnectionChecks,
    discovery: deps.discovery ?? defaultDiscovery,
    publicBaseUrl: deps.publicBaseUrl?.replace(/\/+$/, ''),
    pushToleranceSeconds,
    tenants() {
      if (!tenantStore) {
        throw new HttpProblem(
          503,
          'Secrets key not configured',
          'Set CALSYNC_SECRETS_KEYS: tenant credentials are sealed with it.'
        );
      }
      return tenantStore;
    },
  };
}
