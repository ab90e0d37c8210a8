import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps';

const readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ temporal: z.string(), postgres: z.string() }),
});

export const healthRoutes =
  (deps: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
      },
      () => ({
        status: 'ok' as const,
      })
    );

    app.get(
      '/readyz',
      { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: readiness, 503: readiness } } },
      async (_request, reply) => {
        const check = async (probe: () => Promise<unknown>) => {
          try {
            await probe();
            return 'ok';
          } catch (err) {
            return `failing: ${(err as Error).message}`;
          }
        };
        const [temporal, postgres] = await Promise.all([
          check(() => deps.temporal.connection.workflowService.getSystemInfo({})),
          check(() => deps.pool.query('SELECT 1')),
        ]);
        const ready = temporal === 'ok' && postgres === 'ok';
        return reply
          .code(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not-ready', checks: { temporal, postgres } });
      }
    );
  };
