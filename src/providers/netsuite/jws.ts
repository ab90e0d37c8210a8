import {
  constants,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Compact JWS for the OAuth 2.0 client-credentials assertion, on node:crypto. NetSuite accepts
 * PS256/384/512 and ES256/384/512 (never RS256). We do not use `jose` here: it is ESM-only and the
 * CommonJS jest runtime on Node 20 cannot load it; node:crypto does the same in a few lines.
 */
export const JWS_ALGORITHMS = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export type KeyInput = { pem: string } | { jwk: JsonWebKey };

export function privateKeyFrom(input: KeyInput): KeyObject {
  return 'pem' in input ? createPrivateKey(input.pem) : createPrivateKey({ key: input.jwk, format: 'jwk' });
}

export function publicKeyFrom(input: KeyInput): KeyObject {
  return 'pem' in input ? createPublicKey(input.pem) : createPublicKey({ key: input.jwk, format: 'jwk' });
}

function digestOf(alg: JwsAlgorithm): string {
  return `sha${alg.slice(2)}`;
}

function signOptions(alg: JwsAlgorithm, key: KeyObject) {
  return alg.startsWith('PS')
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key, dsaEncoding: 'ieee-p1363' as const };
}

const encodePart = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJws(
  alg: JwsAlgorithm,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject
): string {
  const input = `${encodePart({ ...header, alg })}.${encodePart(payload)}`;
  const signature = sign(digestOf(alg), Buffer.from(input), signOptions(alg, key));
  return `${input}.${signature.toString('base64url')}`;
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** Splits a compact JWS without checking it (to read `kid` and `iss` before choosing the key). */
export function decodeJws(token: string): DecodedJws {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined || token.split('.').length !== 3)
    throw new Error('not a compact JWS');
  const parse = (part: string): Record<string, unknown> => {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('JWS part is not an object');
    return value as Record<string, unknown>;
  };
  return { header: parse(h), payload: parse(p) };
}

/** Checks the signature with `key`; throws when it does not hold or the algorithm is not allowed. */
export function verifyJws(
  token: string,
  key: KeyObject,
  allowed: readonly JwsAlgorithm[] = JWS_ALGORITHMS
): DecodedJws {
  const decoded = decodeJws(token);
  const alg = decoded.header['alg'];
  if (typeof alg !== 'string' || !(allowed as readonly string[]).includes(alg))
    throw new Error(`algorithm ${String(alg)} not allowed`);
  const cut = token.lastIndexOf('.');
  const ok = verify(
    digestOf(alg as JwsAlgorithm),
    Buffer.from(token.slice(0, cut)),
    signOptions(alg as JwsAlgorithm, key),
    Buffer.from(token.slice(cut + 1), 'base64url')
  );
  if (!ok) throw new Error('signature does not verify');
  return decoded;
}
