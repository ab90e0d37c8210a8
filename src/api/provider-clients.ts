import { AutotaskClient } from '../providers/autotask/autotask-client';
import { msalTokenSource } from '../providers/graph/auth';
import { resolveGraphOptions, type ResolvedGraphOptions } from '../providers/graph/options';
import { createNetSuiteClient, type NetSuiteClient } from '../providers/netsuite/netsuite-client';
import {
  type AutotaskConnection,
  type GraphConnection,
  graphCredentialOf,
  type NetSuiteConnection,
  type TenantSecrets,
} from '../store/tenant-connections';

/**
 * Provider clients built from a tenant's stored connection, for the admin API's one-off calls
 * (connection checks, discovery). They use in-process gates: these calls are rare and single.
 */

export const ADMIN_CALL_TIMEOUT_MS = 15_000;

export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError';
}

export function netsuiteClientFor(
  connection: NetSuiteConnection,
  secrets: TenantSecrets
): { client: NetSuiteClient; auth: 'm2m' | 'tba' } {
  const credentials = secrets.netsuite;
  if (!credentials) throw new MissingCredentialsError('no NetSuite credentials are stored for this tenant');
  const auth =
    'privateKeyPem' in credentials
      ? {
          kind: 'm2m' as const,
          clientId: connection.clientId ?? '',
          certificateId: connection.certificateId ?? '',
          privateKeyPem: credentials.privateKeyPem,
          algorithm: connection.algorithm ?? 'PS256',
        }
      : { kind: 'tba' as const, ...credentials };
  const client = createNetSuiteClient({
    accountId: connection.accountId,
    auth,
    baseUrl: connection.restBaseUrl,
    restletUrl: connection.restletUrl,
    concurrency: 1,
    timeoutMs: ADMIN_CALL_TIMEOUT_MS,
  });
  return { client, auth: auth.kind };
}

export function autotaskClientFor(connection: AutotaskConnection, secrets: TenantSecrets): AutotaskClient {
  const credentials = secrets.autotask;
  if (!credentials)
    throw new MissingCredentialsError('no Autotask secret and integration code are stored for this tenant');
  return new AutotaskClient({
    credentials: {
      integrationCode: credentials.integrationCode,
      userName: connection.username,
      secret: credentials.secret,
    },
    zoneLookupUrl: connection.zoneDiscoveryUrl,
    timeoutMs: ADMIN_CALL_TIMEOUT_MS,
  });
}

/** Resolved options and a token source, or throws MissingCredentialsError / a settings error. */
export function graphAccessFor(
  connection: GraphConnection,
  secrets: TenantSecrets
): { options: ResolvedGraphOptions; getAccessToken(): Promise<string> } {
  const credential = graphCredentialOf(secrets);
  if (!credential) throw new MissingCredentialsError('no Graph client secret or certificate is stored for this tenant');
  const options = resolveGraphOptions({
    tenantId: connection.directoryId,
    clientId: connection.clientId,
    ...credential,
    cloud: connection.cloud,
    loginHost: connection.loginHost,
    graphBaseUrl: connection.graphBaseUrl,
    scope: connection.scope,
  });
  const tokens = msalTokenSource(options);
  return { options, getAccessToken: () => tokens.getAccessToken() };
}

/** MSAL errors carry errorCode/errorMessage; everything else its message. */
export function describeTokenError(err: unknown): { code: string; status: number; message: string } {
  const msal = err as { errorCode?: unknown; errorMessage?: unknown; status?: unknown };
  return {
    code: typeof msal.errorCode === 'string' && msal.errorCode ? msal.errorCode : 'token-failed',
    status: typeof msal.status === 'number' ? msal.status : 0,
    message: typeof msal.errorMessage === 'string' && msal.errorMessage ? msal.errorMessage : (err as Error).message,
  };
}

/** GET on Graph with a bearer token; the parsed JSON body, or a provider-style error. */
export async function graphGet(
  url: string,
  accessToken: string
): Promise<{ ok: true; body: unknown } | { ok: false; error: { code: string; status: number; message: string } }> {
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(ADMIN_CALL_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: unknown; message?: unknown } };
    if (response.ok) return { ok: true, body };
    return {
      ok: false,
      error: {
        code: typeof body.error?.code === 'string' ? body.error.code : `http-${response.status}`,
        status: response.status,
        message: typeof body.error?.message === 'string' ? body.error.message : response.statusText,
      },
    };
  } catch (err) {
    return { ok: false, error: { code: 'network', status: 0, message: (err as Error).message } };
  }
}
