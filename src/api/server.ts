import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps';
import { problemErrorHandler } from './problem';
import { healthRoutes } from './routes/health';
import { userSyncRoutes } from './routes/user-sync';

/** Builds the admin API (routes, validation, OpenAPI at /docs). The caller listens. */
export async function buildApi(deps: ApiDeps) {
  const app = Fastify({ loggerInstance: deps.logger, bodyLimit: 256 * 1024, disableRequestLogging: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/problem+json').send({
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url}`,
      instance: request.url,
    })
  );
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'calsync admin API', version: '1' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(healthRoutes(deps));
  await typed.register(userSyncRoutes(deps));
  return app;
}

export type Api = Awaited<ReturnType<typeof buildApi>>;
