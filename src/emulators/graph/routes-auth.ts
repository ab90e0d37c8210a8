import type { FastifyInstance } from 'fastify';
import { paramsOf, type EmulatorContext } from './context';

/** The login host: OpenID metadata (read by MSAL) and the client-credentials token endpoint. */
export function registerAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req) =>
    ctx.auth.openIdConfiguration(ctx.loginUrl(), paramsOf(req).tenant ?? '')
  );

  app.get('/:tenant/discovery/v2.0/keys', async () => ({ keys: [] }));

  app.post('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const result = await ctx.auth.grant(paramsOf(req).tenant ?? '', form);
    return reply.code(result.status).header('cache-control', 'no-store, no-cache').send(result.body);
  });
}
