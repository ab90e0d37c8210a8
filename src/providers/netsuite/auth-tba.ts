import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { normalizeAccountId } from './account-id';
import { type NetSuiteAuth } from './auth';

export interface TbaCredentials {
  kind: 'tba';
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** Shared with the emulator, which must compute the very same signature to verify it. */
export function hmacSha256Base64(baseString: string, key: string): string {
  return createHmac('sha256', key).update(baseString).digest('base64');
}

/**
 * Token-Based Authentication: OAuth 1.0a, HMAC-SHA256 (SHA-1 ended with 2023.1). The base string
 * covers the URL's query parameters but never the JSON body, and the realm is the UPPERCASE
 * account id while the host uses the lowercase dashed one.
 */
export function tbaAuth(accountId: string, credentials: TbaCredentials): NetSuiteAuth {
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: 'HMAC-SHA256',
    hash_function: hmacSha256Base64,
    realm: normalizeAccountId(accountId).realm,
  });
  const token = { key: credentials.tokenId, secret: credentials.tokenSecret };
  return {
    kind: 'tba',
    async authorize({ method, url }) {
      // No `data`: the body must stay out of the base string.
      return oauth.toHeader(oauth.authorize({ method: method.toUpperCase(), url }, token)).Authorization;
    },
    invalidate: () => false,
  };
}
