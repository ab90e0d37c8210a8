import type { Pool } from 'pg';
import { AutotaskClient } from '../providers/autotask';
import { createGraphClient, type GraphClient } from '../providers/graph';
import { createNetSuiteClient, type NetSuiteClient } from '../providers/netsuite/netsuite-client';
import { autotaskBudgetScope } from '../providers/autotask/gate-keys';
import { adoptAutotaskThreshold } from './autotask-threshold';
import type { BudgetSource } from '../providers/autotask/budget-metric';
import type { CallObserver } from '../providers/call-observer';
import type { ProviderName } from '../providers/provider-error';
import { countProviderCall } from '../observability/metrics';
import { autotaskGate, PostgresCallGate } from '../store/provider-gate';
import { graphCredentialOf } from '../store/tenant-connections';
import type { TenantStore } from '../store/tenants';

export interface TenantConnectors {
  graph?: GraphClient;
  netsuite?: NetSuiteClient;
  autotask?: AutotaskClient;
}

/**
 * Builds each tenant's provider clients from its stored connection and sealed credentials, inside
 * the worker (credentials never travel through workflow inputs, DESIGN.md §4.8). Clients are cached
 * per tenant so that their token caches and call gates are shared by all activities.
 */
export class ConnectorRegistry implements BudgetSource {
  private readonly cache = new Map<string, Promise<TenantConnectors>>();
  /** The Autotask gate of each tenant, by budget scope (what the budget gauge reads). */
  private readonly autotaskGates = new Map<string, PostgresCallGate>();

  /** With a pool, provider limits are enforced across every worker (PostgreSQL gates, ADR 0002). */
  constructor(
    private readonly tenants: TenantStore,
    private readonly pool?: Pool
  ) {}

  forTenant(tenantId: string): Promise<TenantConnectors> {
    let entry = this.cache.get(tenantId);
    if (!entry) {
      entry = this.build(tenantId);
      this.cache.set(tenantId, entry);
      // A failed build (e.g. the tenant row was not there yet) must not be cached.
      entry.catch(() => this.cache.delete(tenantId));
    }
    return entry;
  }

  /** The tenants whose Autotask budget this worker spends (label of the budget gauge). */
  autotaskTenants(): string[] {
    return [...this.autotaskGates.keys()].map((scope) => scope.slice(autotaskBudgetScope('').length));
  }

  /** Requests left in an Autotask budget scope this hour (the gauge reads it at each scrape). */
  async remaining(scope: string): Promise<number> {
    return (await this.autotaskGates.get(scope)?.remaining(scope)) ?? Number.NaN;
  }

  /** Forgets a tenant's clients, e.g. after its credentials changed. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async build(tenantId: string): Promise<TenantConnectors> {
    const tenant = await this.tenants.get(tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} does not exist`);
    const secrets = await this.tenants.secrets(tenantId);
    const { graph, netsuite, autotask } = tenant.connections;
    const result: TenantConnectors = {};
    const graphCredential = graphCredentialOf(secrets);
    if (graph && graphCredential) {
      result.graph = createGraphClient({
        tenantId: graph.directoryId,
        clientId: graph.clientId,
        ...graphCredential,
        cloud: graph.cloud,
        loginHost: graph.loginHost,
        graphBaseUrl: graph.graphBaseUrl,
        scope: graph.scope,
        onCall: countCalls('graph'),
      });
    }
    if (netsuite && secrets.netsuite) {
      const credentials = secrets.netsuite;
      const auth =
        'privateKeyPem' in credentials
          ? {
              kind: 'm2m' as const,
              clientId: netsuite.clientId ?? '',
              certificateId: netsuite.certificateId ?? '',
              privateKeyPem: credentials.privateKeyPem,
              algorithm: netsuite.algorithm ?? ('PS256' as const),
            }
          : { kind: 'tba' as const, ...credentials };
      result.netsuite = createNetSuiteClient({
        accountId: netsuite.accountId,
        auth,
        baseUrl: netsuite.restBaseUrl,
        restletUrl: netsuite.restletUrl,
        concurrency: netsuite.concurrencyLimit,
        onCall: countCalls('netsuite'),
        ...(this.pool
          ? {
              gate: new PostgresCallGate({
                pool: this.pool,
                provider: 'netsuite',
                maxConcurrent: netsuite.concurrencyLimit,
              }),
            }
          : {}),
      });
    }
    if (autotask && secrets.autotask) {
      const sharePercent = Math.round(autotask.hourlyBudgetShare * 100);
      const gate = this.pool
        ? autotaskGate({ pool: this.pool, sharePercent, maxConcurrentPerEndpoint: autotask.threadsPerEndpoint })
        : undefined;
      if (gate) this.autotaskGates.set(autotaskBudgetScope(tenantId), gate);
      result.autotask = new AutotaskClient({
        credentials: {
          userName: autotask.username,
          secret: secrets.autotask.secret,
          integrationCode: secrets.autotask.integrationCode,
        },
        // Gate keys and the budget are per tenant: every worker of the tenant shares them.
        databaseId: tenantId,
        zoneLookupUrl: autotask.zoneDiscoveryUrl,
        onCall: countCalls('autotask'),
        ...(gate ? { gate } : {}),
      });
      if (gate) await adoptAutotaskThreshold(result.autotask, gate, sharePercent);
    }
    return result;
  }
}

const countCalls =
  (provider: ProviderName): CallObserver =>
  (operation, outcome) =>
    countProviderCall(provider, operation, outcome);
