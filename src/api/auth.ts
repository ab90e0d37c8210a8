import type { FastifyRequest } from 'fastify';
import type { ApiKeyStore, ApiRole } from '../store/api-keys';
import { looksLikeJwt, OidcRejection, type OidcIdentity } from './oidc';
import { HttpProblem } from './problem';
import type { RateLimiter } from './rate-limit';

/**
 * What a route needs. `public`: nothing (health, readiness, provider webhooks, which carry their
 * own proof). `read`: any role. `resync`: any role (operators may resync). `decode`: admins and
 * callers allowed to read decrypted payloads. `admin`: admins only. Routes that say nothing are
 * admin-only.
 */
export type Access = 'public' | 'read' | 'resync' | 'decode' | 'admin';

export interface Principal {
  kind: 'api-key' | 'oidc';
  /** The key id or the token's subject. */
  id: string;
  role: ApiRole;
  canDecode: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AuthOptions {
  apiKeys: ApiKeyStore;
  oidc?: (token: string) => Promise<OidcIdentity>;
  rateLimiter: RateLimiter;
  /** Paths served by plugins (Swagger UI) that are public. */
  publicPrefixes?: string[];
}

const allows = (principal: Principal, access: Access): boolean => {
  if (access === 'public' || principal.role === 'admin') return true;
  if (access === 'read' || access === 'resync') return true;
  if (access === 'decode') return principal.canDecode;
  return false;
};

const challenge = { 'www-authenticate': 'Bearer realm="calsync"' };

/** An onRequest hook: authenticates every request to a non-public route, checks its role, then its rate limit. */
export function authHook(options: AuthOptions): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!request.routeOptions.url) return; // no such route: the 404 handler answers
    const url = request.routeOptions.url;
    if (options.publicPrefixes?.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return;
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'public') return;
    const principal = await authenticate(request, options);
    if (!allows(principal, access)) {
      throw new HttpProblem(403, 'Forbidden', `The ${principal.role} role may not ${describe(access)}.`);
    }
    request.principal = principal;
    const waitMs = options.rateLimiter.take(`${principal.kind}:${principal.id}`);
    if (waitMs > 0) {
      throw new HttpProblem(429, 'Too many requests', 'The rate limit of this API key is exhausted; retry later.', {
        headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) },
      });
    }
  };
}

const describe = (access: Access): string =>
  access === 'decode' ? 'read decrypted payloads' : access === 'admin' ? 'change configuration or sync state' : access;

async function authenticate(request: FastifyRequest, options: AuthOptions): Promise<Principal> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new HttpProblem(
      401,
      'Unauthorized',
      'Send an API key or an identity-provider token as "Authorization: Bearer <token>".',
      {
        headers: challenge,
      }
    );
  }
  const token = match[1];
  if (options.oidc && looksLikeJwt(token)) {
    try {
      const identity = await options.oidc(token);
      return { kind: 'oidc', id: identity.subject, role: identity.role, canDecode: identity.canDecode };
    } catch (err) {
      if (err instanceof OidcRejection) {
        throw new HttpProblem(err.status, err.status === 401 ? 'Unauthorized' : 'Forbidden', err.message, {
          headers: err.status === 401 ? challenge : {},
        });
      }
      throw err;
    }
  }
  const key = await options.apiKeys.authenticate(token);
  if (!key) throw new HttpProblem(401, 'Unauthorized', 'The API key is unknown or revoked.', { headers: challenge });
  return { kind: 'api-key', id: key.id, role: key.role, canDecode: key.role === 'admin' || key.canDecode };
}
