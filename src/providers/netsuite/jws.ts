import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The algorithms NetSuite accepts for the OAuth 2.0 client-credentials assertion (never RS256).
 * Signing and verifying go through `jose`; this file only names the algorithms and turns the
 * configured PEM or JWK into a key object jose accepts.
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
