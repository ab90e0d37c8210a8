import { randomUUID } from 'node:crypto';
import { type JsonWebKey } from 'node:crypto';
import { type AxiosInstance } from 'axios';
import { type NetSuiteAuth } from './auth';
import { invalidResponse, netSuiteError, networkError } from './errors';
import { SignJWT } from 'jose';
import { type JwsAlgorithm, privateKeyFrom } from './jws';
import { tokenResponseSchema } from './schemas';

export interface M2MCredentials {
  kind: 'm2m';
  /** The integration record's client id (the assertion's `iss`). */
  clientId: string;
  /** The certificate id NetSuite showed when the public certificate was uploaded (the `kid`). */
  certificateId: string;
  /** The private key matching the uploaded certificate, as PKCS#8 PEM or JWK. */
  privateKeyPem?: string;
  privateKeyJwk?: JsonWebKey;
  algorithm: Extract<JwsAlgorithm, 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512'>;
  /** Default: rest_webservices and restlets. */
  scopes?: string[];
}

/** Renew this long before NetSuite's stated expiry, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;
const ASSERTION_LIFETIME_S = 300;

/**
 * OAuth 2.0 client credentials with a signed JWT assertion. NetSuite issues a 3600 s token and no
 * refresh token, so we sign a fresh assertion whenever the cached token is near expiry or rejected.
 */
export function m2mAuth(
  http: AxiosInstance,
  tokenUrl: string,
  credentials: M2MCredentials,
  now: () => number
): NetSuiteAuth {
  const keyInput = credentials.privateKeyPem
    ? { pem: credentials.privateKeyPem }
    : credentials.privateKeyJwk
      ? { jwk: credentials.privateKeyJwk }
      : undefined;
  if (!keyInput) throw new Error('netsuite m2m auth needs privateKeyPem or privateKeyJwk');
  const key = privateKeyFrom(keyInput);
  const scope = (credentials.scopes ?? ['rest_webservices', 'restlets']).join(',');
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const iat = Math.floor(now() / 1000);
    const assertion = await new SignJWT({ scope })
      .setProtectedHeader({ alg: credentials.algorithm, typ: 'JWT', kid: credentials.certificateId })
      .setIssuer(credentials.clientId)
      .setAudience(tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    const operation = 'auth.token';
    const response = await http
      .post<unknown>(tokenUrl, form.toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      .catch((error: unknown) => {
        throw networkError(operation, error);
      });
    if (response.status >= 400) {
      throw netSuiteError(operation, {
        status: response.status,
        body: response.data,
        retryAfter: header(response.headers, 'retry-after'),
      });
    }
    const parsed = tokenResponseSchema.safeParse(response.data);
    if (!parsed.success) throw invalidResponse(operation, parsed.error, response.status);
    cached = { token: parsed.data.access_token, expiresAt: now() + parsed.data.expires_in * 1000 };
    return cached.token;
  };

  return {
    kind: 'm2m',
    async authorize() {
      if (cached && now() < cached.expiresAt - EXPIRY_MARGIN_MS) return `Bearer ${cached.token}`;
      pending ??= fetchToken().finally(() => (pending = undefined));
      return `Bearer ${await pending}`;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
