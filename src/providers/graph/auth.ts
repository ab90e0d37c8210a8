import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type NodeAuthOptions } from '@azure/msal-node';
import type { GraphCredential, ResolvedGraphOptions } from './options';

/**
 * App-only access tokens (client credentials) from MSAL. MSAL keeps the token in its in-memory
 * cache until shortly before expiry, so each call costs a token request only when one is due.
 */
export interface AccessTokenSource {
  getAccessToken(): Promise<string>;
}

const microsoftHosts = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.microsoft.com',
  'login.windows.net',
];

export function msalTokenSource(options: ResolvedGraphOptions): AccessTokenSource {
  const loginHost = new URL(options.loginHost).host;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      ...credentialOptions(options.credential),
      authority: `${options.loginHost}/${options.tenantId}`,
      // Any other host (an emulator, a proxy) must be declared, or MSAL asks Microsoft to vouch for it.
      ...(microsoftHosts.includes(loginHost) ? {} : { knownAuthorities: [loginHost] }),
    },
    // One retry layer: Temporal's (DESIGN.md §4.9).
    system: { disableInternalRetries: true, loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false } },
  });
  return {
    async getAccessToken() {
      const result = await app.acquireTokenByClientCredential({ scopes: [options.scope] });
      if (!result?.accessToken) throw new Error('MSAL returned no access token');
      return result.accessToken;
    },
  };
}

/**
 * MSAL's form of our credential. With a certificate MSAL signs a client assertion (PS256, header
 * `x5t#S256`) with the private key; Entra ID checks it against the certificate uploaded to the app.
 */
function credentialOptions(credential: GraphCredential): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate'> {
  if (credential.kind === 'secret') return { clientSecret: credential.clientSecret };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credential.certificatePem);
  } catch {
    throw new Error('clientCertificate.certificatePem is not a PEM-encoded X.509 certificate');
  }
  return {
    clientCertificate: {
      thumbprintSha256: certificate.fingerprint256.replaceAll(':', ''),
      privateKey: credential.privateKeyPem,
      x5c: credential.certificatePem,
    },
  };
}
