/** How the client proves who it is; chosen per tenant (see auth-m2m.ts and auth-tba.ts). */
export interface NetSuiteAuth {
  readonly kind: 'm2m' | 'tba';
  /** The Authorization header value for one request (TBA signs method and URL, query included). */
  authorize(request: { method: string; url: string }): Promise<string>;
  /** NetSuite rejected the credential: drop what is cached. Returns true when a fresh attempt can help. */
  invalidate(): boolean;
}
