import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantPolicySchema } from '../../store/policy';
import {
  autotaskConnectionSchema,
  graphConnectionSchema,
  netsuiteConnectionSchema,
  type TenantSecrets,
} from '../../store/tenant-connections';
import { TenantNotFoundError, type Tenant } from '../../store/tenants';
import type { ApiContext } from '../context';
import { adminConsentUrl } from '../microsoft-cloud';
import { HttpProblem } from '../problem';
import { decodeCursor, encodeCursor, errorResponses, idParams, opaqueId, pageQuery } from '../schemas';
import { webhookPaths, webhookUrls } from '../webhook-urls';

const credentialState = z.enum(['stored', 'none']);

/** A tenant as the API shows it: settings in clear, credentials only as "stored" or "none". */
export const tenantBody = z.object({
  id: z.string(),
  name: z.string(),
  sandbox: z.boolean(),
  connections: z.object({
    graph: graphConnectionSchema
      .extend({
        credentials: z.enum(['client-secret', 'certificate', 'none']),
        adminConsent: z
          .object({
            grantedAt: z.string().nullable(),
            directoryId: z.string().nullable(),
            error: z.string().nullable(),
          })
          .optional(),
      })
      .optional(),
    netsuite: netsuiteConnectionSchema
      .extend({ credentials: z.enum(['m2m-key', 'tba-tokens', 'none']), pushSecret: credentialState })
      .optional(),
    autotask: autotaskConnectionSchema.extend({ credentials: credentialState }).optional(),
  }),
  policy: tenantPolicySchema,
  webhooks: z
    .object({ graphNotificationUrl: z.string(), graphLifecycleUrl: z.string(), netsuitePushUrl: z.string() })
    .optional(),
});
type TenantBody = z.infer<typeof tenantBody>;

export async function describeTenant(ctx: ApiContext, tenant: Tenant, secrets?: TenantSecrets): Promise<TenantBody> {
  const stored = secrets ?? (await ctx.tenants().secrets(tenant.id));
  const { graph, netsuite, autotask } = tenant.connections;
  const consent = graph ? await ctx.consents.latest(tenant.id) : undefined;
  const policy = tenantPolicySchema.safeParse(tenant.policy);
  return {
    id: tenant.id,
    name: tenant.name,
    sandbox: tenant.sandbox,
    connections: {
      ...(graph && {
        graph: {
          ...graph,
          credentials: stored.graph ? 'client-secret' : stored.graphCertificate ? 'certificate' : 'none',
          ...(consent && {
            adminConsent: {
              grantedAt: consent.grantedAt?.toISOString() ?? null,
              directoryId: consent.directoryId,
              error: consent.error,
            },
          }),
        },
      }),
      ...(netsuite && {
        netsuite: {
          ...netsuite,
          credentials: !stored.netsuite ? 'none' : 'privateKeyPem' in stored.netsuite ? 'm2m-key' : 'tba-tokens',
          pushSecret: stored.netsuitePush ? 'stored' : 'none',
        },
      }),
      ...(autotask && { autotask: { ...autotask, credentials: stored.autotask ? 'stored' : 'none' } }),
    },
    policy: policy.success ? policy.data : tenantPolicySchema.parse({}),
    ...(ctx.publicBaseUrl && { webhooks: webhookUrls(ctx.publicBaseUrl, tenant.id) }),
  };
}

export async function requireTenant(ctx: ApiContext, id: string): Promise<Tenant> {
  const tenant = await ctx.tenants().get(id);
  if (!tenant) throw new HttpProblem(404, 'Unknown tenant', `No tenant with id ${id}.`);
  return tenant;
}

/** Runs a read-modify-write of a tenant, answering 404 for an unknown one. */
export async function updateTenant(
  ctx: ApiContext,
  id: string,
  change: Parameters<ReturnType<ApiContext['tenants']>['update']>[1]
) {
  try {
    return await ctx.tenants().update(id, change);
  } catch (err) {
    if (err instanceof TenantNotFoundError) throw new HttpProblem(404, 'Unknown tenant', `No tenant with id ${id}.`);
    throw err;
  }
}

export const tenantRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/tenants',
      {
        schema: {
          tags: ['tenants'],
          summary: 'Create a tenant (an organisation whose calendars calsync syncs)',
          body: z
            .object({ id: opaqueId, name: z.string().min(1).max(200), sandbox: z.boolean().default(false) })
            .strict(),
          response: { 201: tenantBody, ...errorResponses },
        },
      },
      async (request, reply) => {
        const created = await ctx.tenants().create(request.body);
        if (!created)
          throw new HttpProblem(409, 'Tenant exists', `A tenant with id ${request.body.id} exists already.`);
        return reply.code(201).send(await describeTenant(ctx, await requireTenant(ctx, request.body.id)));
      }
    );

    app.get(
      '/v1/tenants',
      {
        config: { access: 'read' },
        schema: {
          tags: ['tenants'],
          summary: 'List tenants',
          querystring: z.object(pageQuery).strict(),
          response: {
            200: z.object({ items: z.array(tenantBody), nextCursor: z.string().optional() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const after = decodeCursor(request.query.cursor, (p) => opaqueId.safeParse(p).success);
        const page = await ctx.tenants().list({ limit: request.query.limit + 1, after });
        const items = page.slice(0, request.query.limit);
        return {
          items: await Promise.all(items.map((t) => describeTenant(ctx, t))),
          ...(page.length > request.query.limit && { nextCursor: encodeCursor(items.at(-1)!.id) }),
        };
      }
    );

    app.get(
      '/v1/tenants/:id',
      {
        config: { access: 'read' },
        schema: {
          tags: ['tenants'],
          summary: 'Read a tenant (credentials never shown)',
          params: idParams,
          response: { 200: tenantBody, ...errorResponses },
        },
      },
      async (request) => describeTenant(ctx, await requireTenant(ctx, request.params.id))
    );

    app.patch(
      '/v1/tenants/:id',
      {
        schema: {
          tags: ['tenants'],
          summary: 'Rename a tenant',
          params: idParams,
          body: z.object({ name: z.string().min(1).max(200).optional() }).strict(),
          response: { 200: tenantBody, ...errorResponses },
        },
      },
      async (request) =>
        describeTenant(ctx, await updateTenant(ctx, request.params.id, () => ({ name: request.body.name })))
    );

    app.get(
      '/v1/tenants/:id/policy',
      {
        config: { access: 'read' },
        schema: {
          tags: ['policy'],
          summary: 'The organisation policy, defaults filled in',
          params: idParams,
          response: { 200: tenantPolicySchema, ...errorResponses },
        },
      },
      async (request) => {
        const tenant = await requireTenant(ctx, request.params.id);
        const parsed = tenantPolicySchema.safeParse(tenant.policy);
        return parsed.success ? parsed.data : tenantPolicySchema.parse({});
      }
    );

    app.put(
      '/v1/tenants/:id/policy',
      {
        schema: {
          tags: ['policy'],
          summary: 'Replace the organisation policy (omitted fields take their defaults)',
          params: idParams,
          body: tenantPolicySchema,
          response: { 200: tenantPolicySchema, ...errorResponses },
        },
      },
      async (request) => {
        await updateTenant(ctx, request.params.id, () => ({ policy: request.body }));
        request.log.info({ tenantId: request.params.id }, 'tenant policy replaced');
        return request.body;
      }
    );

    app.get(
      '/v1/tenants/:id/admin-consent',
      {
        schema: {
          tags: ['connections'],
          summary: "The Microsoft admin-consent URL for the tenant's directory",
          description:
            "An administrator of the customer's Entra directory opens `url` and grants calsync's app its permissions; Microsoft then redirects to `redirectUri`, which records the answer.",
          params: idParams,
          querystring: z.object({ redirectUri: z.url({ protocol: /^https?$/ }).optional() }).strict(),
          response: {
            200: z.object({ url: z.string(), redirectUri: z.string(), state: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const tenant = await requireTenant(ctx, request.params.id);
        const graph = tenant.connections.graph;
        if (!graph)
          throw new HttpProblem(
            409,
            'No Microsoft 365 connection',
            'Configure the graph connection first (directory and client id).'
          );
        const redirectUri =
          request.query.redirectUri ??
          (ctx.publicBaseUrl && `${ctx.publicBaseUrl}${webhookPaths.adminConsentCallback}`);
        if (!redirectUri) {
          throw new HttpProblem(400, 'Invalid request', 'Give redirectUri, or configure PUBLIC_BASE_URL.', {
            errors: [{ field: 'querystring.redirectUri', reason: 'required when PUBLIC_BASE_URL is not configured' }],
          });
        }
        const state = await ctx.consents.begin(tenant.id);
        return { url: adminConsentUrl(graph, { redirectUri, state }), redirectUri, state };
      }
    );

    app.post(
      '/v1/maintenance/reseal-secrets',
      {
        schema: {
          tags: ['maintenance'],
          summary:
            'Re-seal tenant credentials sealed with an older key (after putting a new key first in CALSYNC_SECRETS_KEYS)',
          response: { 200: z.object({ resealed: z.number() }), ...errorResponses },
        },
      },
      async () => ({ resealed: await ctx.tenants().resealSecrets() })
    );
  };
