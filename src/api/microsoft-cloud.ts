import { graphClouds } from '../providers/graph/options';
import type { GraphConnection } from '../store/tenant-connections';

/** The login host of the connection's cloud (or its override). */
export function loginHostOf(connection: GraphConnection): string {
  return (connection.loginHost ?? graphClouds[connection.cloud].loginHost).replace(/\/+$/, '');
}

/**
 * The URL an administrator of the customer's directory opens to grant calsync's app registration
 * its application permissions. Microsoft redirects to `redirectUri` with `admin_consent`, `tenant`
 * and our `state` (or `error` and `error_description`).
 */
export function adminConsentUrl(connection: GraphConnection, input: { redirectUri: string; state: string }): string {
  const url = new URL(`${loginHostOf(connection)}/${encodeURIComponent(connection.directoryId)}/adminconsent`);
  url.searchParams.set('client_id', connection.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}
