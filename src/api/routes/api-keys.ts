import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKey } from '../../store/api-keys';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { errorResponses } from '../schemas';

const keyBody = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'operator']),
  canDecode: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const toBody = (key: ApiKey): z.infer<typeof keyBody> => ({
  id: key.id,
  name: key.name,
  role: key.role,
  canDecode: key.role === 'admin' || key.canDecode,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

export const apiKeyRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/api-keys',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an API key; the key is in the response once and never again',
          body: z
            .object({
              name: z.string().min(1).max(200),
              role: z.enum(['admin', 'operator']),
              /** May the key use the codec endpoint (read decrypted payloads)? Admin keys always may. */
              canDecode: z.boolean().default(false),
            })
            .strict(),
          response: { 201: keyBody.extend({ key: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { key, secret } = await ctx.apiKeys.create(request.body);
        request.log.info({ keyId: key.id, role: key.role, by: request.principal?.id }, 'API key created');
        return reply.code(201).send({ ...toBody(key), key: secret });
      }
    );

    app.get(
      '/v1/api-keys',
      {
        schema: {
          tags: ['auth'],
          summary: 'List API keys (never the keys themselves)',
          response: { 200: z.object({ items: z.array(keyBody) }), ...errorResponses },
        },
      },
      async () => ({ items: (await ctx.apiKeys.list()).map(toBody) })
    );

    app.delete(
      '/v1/api-keys/:keyId',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API key',
          params: z.object({ keyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        if (!(await ctx.apiKeys.revoke(request.params.keyId))) {
          throw new HttpProblem(404, 'Unknown key', `No live API key with id ${request.params.keyId}.`);
        }
        request.log.info({ keyId: request.params.keyId, by: request.principal?.id }, 'API key revoked');
        return reply.code(204).send(null);
      }
    );
  };
