import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { ApiRole } from '../store/api-keys';

export interface OidcOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim holding the roles: a string or an array of strings. */
  rolesClaim: string;
}

export interface OidcIdentity {
  subject: string;
  role: ApiRole;
  canDecode: boolean;
}

export class OidcRejection extends Error {
  constructor(
    message: string,
    /** 401: not a valid token; 403: valid, but grants no calsync role. */
    readonly status: 401 | 403
  ) {
    super(message);
    this.name = 'OidcRejection';
  }
}

export const OIDC_ROLES = { admin: 'calsync.admin', operator: 'calsync.operator', decode: 'calsync.decode' } as const;

/** A token that looks like a JWT (three base64url parts), rather than an API key. */
export const looksLikeJwt = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

/**
 * Validates bearer JWTs from the organisation's identity provider with jose: signature against the
 * provider's JWKS (fetched and cached by jose, refetched for unknown key ids), issuer, audience,
 * expiry. Roles come from `rolesClaim`: `calsync.admin`, `calsync.operator`, and `calsync.decode`
 * (may use the codec endpoint).
 */
export function createOidcVerifier(options: OidcOptions): (token: string) => Promise<OidcIdentity> {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 60,
      }));
    } catch (err) {
      throw new OidcRejection(`the bearer token is not valid: ${(err as Error).message}`, 401);
    }
    const claim = payload[options.rolesClaim];
    const roles = new Set(
      Array.isArray(claim)
        ? claim.filter((r): r is string => typeof r === 'string')
        : typeof claim === 'string'
          ? claim.split(' ')
          : []
    );
    const role: ApiRole | undefined = roles.has(OIDC_ROLES.admin)
      ? 'admin'
      : roles.has(OIDC_ROLES.operator)
        ? 'operator'
        : undefined;
    if (!role)
      throw new OidcRejection(`the token grants none of the roles ${OIDC_ROLES.admin}, ${OIDC_ROLES.operator}`, 403);
    return { subject: payload.sub!, role, canDecode: role === 'admin' || roles.has(OIDC_ROLES.decode) };
  };
}
