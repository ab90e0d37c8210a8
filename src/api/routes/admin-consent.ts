import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { webhookPaths } from '../webhook-urls';

/**
 * Where Microsoft sends the administrator's browser after the admin-consent prompt. It needs no
 * API key: the `state` we issued with the URL is the proof, and it is answered once.
 */
export const adminConsentRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      webhookPaths.adminConsentCallback,
      {
        config: { access: 'public' },
        schema: {
          tags: ['connections'],
          summary: 'Microsoft admin-consent redirect target',
          querystring: z.looseObject({
            state: z.string().min(1).max(200),
            admin_consent: z.string().max(20).optional(),
            tenant: z.string().max(200).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(2000).optional(),
          }),
          response: { 200: z.object({ tenantId: z.string(), granted: z.boolean(), detail: z.string() }) },
        },
      },
      async (request) => {
        const q = request.query;
        const granted = q.admin_consent?.toLowerCase() === 'true' && !q.error && !!q.tenant;
        const consent = await ctx.consents.complete(
          q.state,
          granted
            ? { granted: true, directoryId: q.tenant! }
            : { granted: false, error: q.error ?? 'consent was not granted' }
        );
        if (!consent)
          throw new HttpProblem(
            400,
            'Unknown consent request',
            'This consent link was used already, has expired, or was not issued by calsync.'
          );
        request.log.info({ tenantId: consent.tenantId, granted }, 'admin consent answered');
        return {
          tenantId: consent.tenantId,
          granted,
          detail: granted
            ? 'Consent was granted; this window can be closed.'
            : `Consent was not granted: ${q.error ?? 'no reason given'}.`,
        };
      }
    );
  };
