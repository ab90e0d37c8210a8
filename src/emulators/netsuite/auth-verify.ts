import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { JWS_ALGORITHMS, publicKeyFrom } from '../../providers/netsuite/jws';
import { type EmulatedAccount } from './account';
import { invalidLogin } from './errors';

/** Whom a request runs as, once its credential checked out. */
export interface Principal {
  employeeId: string;
  scheme: 'm2m' | 'tba';
}

const TOKEN_LIFETIME_S = 3600;
const OAUTH1_CLOCK_SKEW_S = 300;

/** Checks the Authorization header (Bearer token or OAuth 1.0a signature) and says who is calling. */
export function authenticate(
  account: EmulatedAccount,
  request: { method: string; rawUrl: string; origin: string; authorization: string | undefined }
): Principal {
  const header = request.authorization ?? '';
  if (header.startsWith('Bearer ')) {
    const token = account.tokens.get(header.slice(7).trim());
    if (!token || token.expiresAt <= account.now()) throw invalidLogin();
    return { employeeId: token.employeeId, scheme: 'm2m' };
  }
  if (header.startsWith('OAuth ')) return { employeeId: verifyOAuth1(account, request, header), scheme: 'tba' };
  throw invalidLogin();
}

/** Recomputes the HMAC-SHA256 signature over method, base URL and all query + oauth_* parameters. */
function verifyOAuth1(
  account: EmulatedAccount,
  request: { method: string; rawUrl: string; origin: string },
  header: string
): string {
  const oauth = new Map<string, string>();
  for (const match of header.slice(6).matchAll(/([A-Za-z_]+)="([^"]*)"/g))
    oauth.set(match[1]!, decodeURIComponent(match[2]!));
  if (oauth.get('realm') !== account.realm) throw invalidLogin();
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA256' || oauth.get('oauth_version') !== '1.0')
    throw invalidLogin();
  const registration = account.tba.find(
    (r) => r.consumerKey === oauth.get('oauth_consumer_key') && r.tokenId === oauth.get('oauth_token')
  );
  if (!registration) throw invalidLogin();
  const timestamp = Number(oauth.get('oauth_timestamp'));
  const nonce = oauth.get('oauth_nonce') ?? '';
  const nowS = Math.floor(account.now() / 1000);
  if (!Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > OAUTH1_CLOCK_SKEW_S || !nonce) throw invalidLogin();
  const nonceKey = `${registration.tokenId}:${timestamp}:${nonce}`;
  if (account.usedNonces.has(nonceKey)) throw invalidLogin();

  const [path, query = ''] = request.rawUrl.split('?');
  const params: [string, string][] = [];
  for (const [key, value] of oauth) if (key !== 'realm' && key !== 'oauth_signature') params.push([key, value]);
  for (const pair of query.split('&').filter(Boolean)) {
    const [key = '', value = ''] = pair.split('=');
    params.push([decodeURIComponent(key), decodeURIComponent(value)]);
  }
  const encoded = params
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? cmp(av, bv) : cmp(ak, bk)));
  const base = [
    request.method.toUpperCase(),
    encode(`${request.origin}${path}`),
    encode(encoded.map(([k, v]) => `${k}=${v}`).join('&')),
  ].join('&');
  const key = `${encode(registration.consumerSecret)}&${encode(registration.tokenSecret)}`;
  const expected = Buffer.from(createHmac('sha256', key).update(base).digest('base64'));
  const given = Buffer.from(oauth.get('oauth_signature') ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidLogin();
  account.usedNonces.set(nonceKey, timestamp);
  for (const [k, ts] of account.usedNonces) if (nowS - ts > OAUTH1_CLOCK_SKEW_S * 2) account.usedNonces.delete(k);
  return registration.employeeId ?? account.integrationUserId;
}

const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface TokenOutcome {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The client-credentials grant: verifies the JWT assertion against the public key registered for
 * its certificate id (kid) and client id (iss), its audience, lifetime and algorithm.
 */
export async function issueToken(
  account: EmulatedAccount,
  form: URLSearchParams,
  tokenUrl: string
): Promise<TokenOutcome> {
  const fail = (status: number, error: string, description: string): TokenOutcome => ({
    status,
    body: { error, error_description: description },
  });
  if (form.get('grant_type') !== 'client_credentials')
    return fail(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return fail(400, 'invalid_request', 'client_assertion_type must be jwt-bearer');
  }
  const assertion = form.get('client_assertion') ?? '';
  let header: { kid?: string };
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return fail(400, 'invalid_request', 'client_assertion is not a JWT');
  }
  const registration = account.m2m.find((r) => r.certificateId === header['kid']);
  if (!registration) return fail(401, 'invalid_client', 'unknown certificate id');
  let payload: Record<string, unknown>;
  try {
    const key = publicKeyFrom(
      registration.publicKeyPem ? { pem: registration.publicKeyPem } : { jwk: registration.publicKeyJwk! }
    );
    // Signature and algorithm only: the claims are checked below against the emulator's own clock.
    const verified = await compactVerify(assertion, key, { algorithms: [...JWS_ALGORITHMS] });
    payload = parsePayload(verified.payload);
  } catch {
    return fail(401, 'invalid_client', 'assertion signature does not verify');
  }
  const nowS = Math.floor(account.now() / 1000);
  const iat = Number(payload['iat']);
  const exp = Number(payload['exp']);
  if (payload['iss'] !== registration.clientId)
    return fail(401, 'invalid_client', 'iss does not match the certificate mapping');
  if (payload['aud'] !== tokenUrl) return fail(400, 'invalid_grant', 'aud must be the token endpoint URL');
  if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp <= nowS || exp - iat > 3600 || iat > nowS + 60) {
    return fail(400, 'invalid_grant', 'assertion expired or lifetime over 3600 s');
  }
  const scope = payload['scope'];
  const scopes = typeof scope === 'string' ? scope.split(/[ ,]+/) : [];
  if (!scopes.includes('rest_webservices') && !scopes.includes('restlets'))
    return fail(400, 'invalid_scope', 'scope must name rest_webservices or restlets');
  const token = randomBytes(32).toString('base64url');
  account.tokens.set(token, {
    employeeId: registration.employeeId ?? account.integrationUserId,
    expiresAt: account.now() + TOKEN_LIFETIME_S * 1000,
  });
  return { status: 200, body: { access_token: token, expires_in: TOKEN_LIFETIME_S, token_type: 'Bearer' } };
}

function parsePayload(bytes: Uint8Array): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('payload is not an object');
  return value as Record<string, unknown>;
}
