import type { ThresholdInformation } from '../providers/autotask/models';
import { ProviderError } from '../providers/provider-error';
import type {
  AutotaskConnection,
  GraphConnection,
  NetSuiteConnection,
  TenantSecrets,
} from '../store/tenant-connections';
import {
  autotaskClientFor,
  describeTokenError,
  graphAccessFor,
  graphGet,
  MissingCredentialsError,
  netsuiteClientFor,
} from './provider-clients';

export type ConnectorName = 'graph' | 'netsuite' | 'autotask';

export interface CheckStep {
  name: 'token' | 'read';
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

export interface ConnectionCheckResult {
  ok: boolean;
  steps: CheckStep[];
  /** What the provider said when a step failed (status 0: no answer). */
  error?: { code: string; status: number; message: string };
}

/**
 * `POST /v1/tenants/:id/connections/:connector/test`: get a token (where the provider has tokens)
 * and make one read, for real, with the provider clients. A provider failure is a result
 * (`ok: false`), not an API error.
 */
export interface ConnectionChecks {
  graph(
    connection: GraphConnection,
    secrets: TenantSecrets,
    options: { mailbox?: string }
  ): Promise<ConnectionCheckResult>;
  netsuite(connection: NetSuiteConnection, secrets: TenantSecrets): Promise<ConnectionCheckResult>;
  autotask(connection: AutotaskConnection, secrets: TenantSecrets): Promise<ConnectionCheckResult>;
}

const failure = (err: unknown): NonNullable<ConnectionCheckResult['error']> =>
  err instanceof ProviderError
    ? { code: err.code, status: err.status, message: err.message }
    : err instanceof MissingCredentialsError
      ? { code: 'missing-credentials', status: 0, message: err.message }
      : { code: 'failed', status: 0, message: (err as Error).message };

const noToken: CheckStep = { name: 'read', status: 'skipped', detail: 'no token' };

export const defaultConnectionChecks: ConnectionChecks = {
  async netsuite(connection, secrets) {
    let built;
    try {
      built = netsuiteClientFor(connection, secrets);
    } catch (err) {
      return {
        ok: false,
        steps: [{ name: 'token', status: 'failed', detail: (err as Error).message }, noToken],
        error: failure(err),
      };
    }
    const token: CheckStep =
      built.auth === 'm2m'
        ? { name: 'token', status: 'ok', detail: 'OAuth 2.0 client-credentials token issued' }
        : { name: 'token', status: 'skipped', detail: 'TBA signs every request; there is no token' };
    try {
      // A look-up by an external id nobody uses: authenticated, cheap and harmless.
      await built.client.getCalendarEventByExternalId('calsync-connection-test');
      return { ok: true, steps: [token, { name: 'read', status: 'ok', detail: 'GET calendarEvent answered' }] };
    } catch (err) {
      if (err instanceof ProviderError && err.operation === 'auth.token') {
        return {
          ok: false,
          steps: [{ name: 'token', status: 'failed', detail: 'the token request was refused' }, noToken],
          error: failure(err),
        };
      }
      return {
        ok: false,
        steps: [token, { name: 'read', status: 'failed', detail: 'GET calendarEvent failed' }],
        error: failure(err),
      };
    }
  },

  async autotask(connection, secrets) {
    const token: CheckStep = {
      name: 'token',
      status: 'skipped',
      detail: 'Autotask authenticates every request with headers',
    };
    try {
      const threshold = await autotaskClientFor(connection, secrets).thresholdInformation();
      return {
        ok: true,
        steps: [
          token,
          { name: 'read', status: 'ok', detail: `ThresholdInformation answered (${describeThreshold(threshold)})` },
        ],
      };
    } catch (err) {
      return {
        ok: false,
        steps: [token, { name: 'read', status: 'failed', detail: 'zone look-up or ThresholdInformation failed' }],
        error: failure(err),
      };
    }
  },

  async graph(connection, secrets, options) {
    let access;
    try {
      access = graphAccessFor(connection, secrets);
    } catch (err) {
      return {
        ok: false,
        steps: [{ name: 'token', status: 'failed', detail: (err as Error).message }, noToken],
        error: failure(err),
      };
    }
    let accessToken: string;
    try {
      accessToken = await access.getAccessToken();
    } catch (err) {
      return {
        ok: false,
        steps: [{ name: 'token', status: 'failed', detail: 'the token request was refused or not answered' }, noToken],
        error: describeTokenError(err),
      };
    }
    const token: CheckStep = { name: 'token', status: 'ok', detail: 'client-credentials token issued' };
    if (!options.mailbox) {
      return {
        ok: true,
        steps: [token, { name: 'read', status: 'skipped', detail: 'no mailbox to read: register a user or pass one' }],
      };
    }
    const read = await graphGet(
      `${access.options.graphBaseUrl}/users/${encodeURIComponent(options.mailbox)}/events?$top=1&$select=id`,
      accessToken
    );
    return read.ok
      ? { ok: true, steps: [token, { name: 'read', status: 'ok', detail: 'GET events of the mailbox answered' }] }
      : {
          ok: false,
          steps: [token, { name: 'read', status: 'failed', detail: 'GET events of the mailbox failed' }],
          error: read.error,
        };
  },
};

function describeThreshold(threshold: ThresholdInformation): string {
  return `${threshold.currentTimeframeRequestCount} of ${threshold.externalRequestThreshold} requests used this hour`;
}
