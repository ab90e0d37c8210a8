import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { apiRequestDuration } from '../observability/metrics';
import { authHook } from './auth';
import { createContext } from './context';
import type { ApiDeps } from './deps';
import { createOidcVerifier } from './oidc';
import { problemErrorHandler } from './problem';
import { RateLimiter } from './rate-limit';
import { adminConsentRoutes } from './routes/admin-consent';
import { apiKeyRoutes } from './routes/api-keys';
import { auditRoutes } from './routes/audit';
import { codecRoutes } from './routes/codec';
import { connectionRoutes } from './routes/connections';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { tenantRoutes } from './routes/tenants';
import { userSyncRoutes } from './routes/user-sync';
import { userRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the admin API (routes, validation, auth, OpenAPI at /docs, webhooks, codec, metrics).
 * The caller listens. Every route needs a bearer token except /healthz, /readyz, /docs, the
 * provider webhooks and the admin-consent redirect.
 */
export async function buildApi(deps: ApiDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes ?? 256 * 1024,
    // A caller's request id is kept (when it is a plain token) so logs can be joined across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        instance: request.url,
      })
  );
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    apiRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000
    );
  });

  const ctx = createContext(deps);
  // The bootstrap key works while it is configured; removing it from the configuration retires it.
  if (deps.bootstrapAdminKey) await ctx.apiKeys.ensureBootstrapKey(deps.bootstrapAdminKey);
  else await ctx.apiKeys.revokeBootstrapKey();
  app.addHook(
    'onRequest',
    authHook({
      apiKeys: ctx.apiKeys,
      oidc: deps.oidc && createOidcVerifier(deps.oidc),
      rateLimiter: new RateLimiter(deps.rateLimitPerMinute ?? 600),
      publicPrefixes: ['/docs'],
    })
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'calsync admin API',
        version: '1',
        description:
          'Errors are application/problem+json (RFC 9457) naming the field and the reason. Every route needs `Authorization: Bearer <API key or OIDC token>` except health, readiness, docs, the provider webhooks and the admin-consent redirect.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  if (deps.docsUi !== false) await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(healthRoutes(deps));
  await typed.register(metricsRoutes());
  await typed.register(apiKeyRoutes(ctx));
  await typed.register(tenantRoutes(ctx));
  await typed.register(connectionRoutes(ctx));
  await typed.register(userRoutes(ctx));
  await typed.register(userSyncRoutes(ctx));
  await typed.register(auditRoutes(ctx));
  await typed.register(webhookRoutes(ctx));
  await typed.register(adminConsentRoutes(ctx));
  await typed.register(codecRoutes(ctx));
  return app;
}

export type Api = Awaited<ReturnType<typeof buildApi>>;
