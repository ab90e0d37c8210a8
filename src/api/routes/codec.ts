import type { Payload } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PayloadDecryptionError } from '../../codec/aes-gcm-codec';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { errorResponses } from '../schemas';

/*
 * The Temporal codec server protocol (POST /codec/encode, /codec/decode, JSON payloads with base64
 * metadata values and data), so the Temporal UI and CLI can show decrypted payloads to people
 * allowed to read them: admins and keys or tokens with the decode permission. The UI calls it from
 * the browser, hence CORS for the UI's origins.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const jsonPayload = z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() });
const codecBody = z.object({ payloads: z.array(jsonPayload).max(1000) });

const fromJson = (p: z.infer<typeof jsonPayload>): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload): z.infer<typeof jsonPayload> => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const CORS_HEADERS = 'authorization, content-type, x-namespace';
const CODEC_BODY_LIMIT = 8 * 1024 * 1024;

export const codecRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const origins = new Set(ctx.deps.temporalUiOrigins ?? []);
    const codec = ctx.deps.codec;

    // Every answer of these routes, errors included, carries CORS headers for an allowed origin,
    // so that the UI can show why a call failed.
    app.addHook('onSend', async (request, reply) => {
      const origin = request.headers.origin;
      void reply.header('vary', 'Origin');
      if (origin && origins.has(origin)) {
        void reply.header('access-control-allow-origin', origin);
        void reply.header('access-control-allow-credentials', 'true');
      }
    });

    for (const operation of ['encode', 'decode'] as const) {
      const path = `/codec/${operation}`;
      app.options(path, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
        const origin = request.headers.origin;
        if (!origin || !origins.has(origin)) {
          throw new HttpProblem(403, 'Origin not allowed', 'Add the Temporal UI origin to TEMPORAL_UI_ORIGIN.');
        }
        return reply
          .code(204)
          .header('access-control-allow-methods', 'POST, OPTIONS')
          .header('access-control-allow-headers', CORS_HEADERS)
          .header('access-control-max-age', '600')
          .send();
      });

      app.post(
        path,
        {
          // The UI sends the payloads of whole histories; allow more than an admin request.
          bodyLimit: Math.max(ctx.deps.bodyLimitBytes ?? 0, CODEC_BODY_LIMIT),
          config: { access: 'decode' },
          schema: {
            tags: ['codec'],
            summary: `Temporal codec server: ${operation} payloads`,
            body: codecBody,
            response: { 200: codecBody, ...errorResponses },
          },
        },
        async (request) => {
          const payloads = request.body.payloads.map(fromJson);
          if (!codec) return { payloads: payloads.map(toJson) };
          try {
            const out = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
            return { payloads: out.map(toJson) };
          } catch (err) {
            if (err instanceof PayloadDecryptionError) {
              throw new HttpProblem(400, 'Payload cannot be decrypted', err.message, {
                errors: [{ field: 'body.payloads', reason: err.message }],
              });
            }
            throw err;
          }
        }
      );
    }
  };
