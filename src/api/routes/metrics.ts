import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { metricsRegistry } from '../../observability/metrics';

/** Prometheus metrics of the API process (operators' keys may read them). */
export const metricsRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/metrics',
    { config: { access: 'read' }, schema: { tags: ['health'], summary: 'Prometheus metrics', hide: false } },
    async (_request, reply) => reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics())
  );
};
