import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { effectivePolicy, tenantPolicySchema, userPolicyOverridesSchema } from '../../store/policy';
import type { TenantSecrets } from '../../store/tenant-connections';
import type { Tenant } from '../../store/tenants';
import { UserConflictError, type User } from '../../store/users';
import type { ApiContext } from '../context';
import type { DiscoveryOutcome } from '../discovery';
import { HttpProblem } from '../problem';
import { decodeCursor, encodeCursor, errorResponses, idParams, opaqueId, pageQuery } from '../schemas';
import { liveStates, liveUserIds, syncStatesOf } from '../sync-state';
import { requireTenant } from './tenants';

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone, e.g. Europe/Berlin' }
);

const netsuiteEmployeeId = z.string().regex(/^\d{1,18}$/, 'must be a NetSuite internal id (digits)');
const autotaskResourceId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const userBody = z.object({
  id: z.string(),
  tenantId: z.string(),
  mailbox: z.string(),
  netsuiteEmployeeId: z.string().nullable(),
  autotaskResourceId: z.number().nullable(),
  timeZone: z.string(),
  policy: z.record(z.string(), z.unknown()),
  desiredState: z.enum(['running', 'paused', 'stopped']),
});

const discoveryOutcome = z.union([
  z.object({ status: z.literal('found'), id: z.string(), name: z.string().optional() }),
  z.object({ status: z.literal('not-found') }),
  z.object({ status: z.literal('not-configured'), detail: z.string() }),
  z.object({ status: z.literal('error'), code: z.string(), message: z.string() }),
]);
const discoveryBody = z.object({
  graph: discoveryOutcome.optional(),
  netsuite: discoveryOutcome.optional(),
  autotask: discoveryOutcome.optional(),
});

const toBody = (user: User): z.infer<typeof userBody> => ({ ...user });

const conflict = (err: unknown): unknown =>
  err instanceof UserConflictError
    ? new HttpProblem(409, 'User conflicts', `Another user has the same ${conflictField(err.constraint)}.`, {
        errors: [{ field: `body.${conflictField(err.constraint)}`, reason: 'already registered' }],
      })
    : err;

const conflictField = (constraint: string) =>
  constraint.includes('netsuite')
    ? 'netsuiteEmployeeId'
    : constraint.includes('autotask')
      ? 'autotaskResourceId'
      : constraint.includes('mailbox')
        ? 'mailbox'
        : 'id';

/** Looks the person up by email in every connected provider the caller did not give an id for. */
async function discover(
  ctx: ApiContext,
  tenant: Tenant,
  secrets: TenantSecrets,
  email: string,
  skip: { netsuite?: boolean; autotask?: boolean } = {}
): Promise<z.infer<typeof discoveryBody>> {
  const { graph, netsuite, autotask } = tenant.connections;
  const notConfigured: DiscoveryOutcome = { status: 'not-configured', detail: 'the tenant has no such connection' };
  const [g, n, a] = await Promise.all([
    graph ? ctx.discovery.graph(graph, secrets, email) : notConfigured,
    skip.netsuite ? undefined : netsuite ? ctx.discovery.netsuite(netsuite, secrets, email) : notConfigured,
    skip.autotask ? undefined : autotask ? ctx.discovery.autotask(autotask, secrets, email) : notConfigured,
  ]);
  return { graph: g, ...(n && { netsuite: n }), ...(a && { autotask: a }) };
}

export const userRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const users = ctx.deps.users;
    const requireUser = async (id: string) => {
      const user = await users.get(id);
      if (!user) throw new HttpProblem(404, 'Unknown user', `No user with id ${id} is registered.`);
      return user;
    };

    app.post(
      '/v1/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Register a user; with discover, look their ids up by mailbox in each connected provider',
          body: z
            .object({
              id: opaqueId,
              tenantId: opaqueId,
              mailbox: z.email(),
              netsuiteEmployeeId: netsuiteEmployeeId.optional(),
              autotaskResourceId: autotaskResourceId.optional(),
              timeZone: timeZone.default('UTC'),
              policy: userPolicyOverridesSchema.default({}),
              discover: z.boolean().default(false),
            })
            .strict(),
          response: { 201: userBody.extend({ discovery: discoveryBody.optional() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const tenant = await requireTenant(ctx, body.tenantId);
        let netsuiteId = body.netsuiteEmployeeId ?? null;
        let autotaskId = body.autotaskResourceId ?? null;
        let discovery: z.infer<typeof discoveryBody> | undefined;
        if (body.discover) {
          discovery = await discover(ctx, tenant, await ctx.tenants().secrets(tenant.id), body.mailbox, {
            netsuite: netsuiteId !== null,
            autotask: autotaskId !== null,
          });
          if (discovery.netsuite?.status === 'found') netsuiteId = discovery.netsuite.id;
          if (discovery.autotask?.status === 'found') autotaskId = Number(discovery.autotask.id);
        }
        let user: User;
        try {
          user = await users.create({
            id: body.id,
            tenantId: tenant.id,
            mailbox: body.mailbox,
            netsuiteEmployeeId: netsuiteId,
            autotaskResourceId: autotaskId,
            timeZone: body.timeZone,
            policy: body.policy,
          });
        } catch (err) {
          throw conflict(err);
        }
        request.log.info({ userId: user.id, tenantId: tenant.id }, 'user registered');
        return reply.code(201).send({ ...toBody(user), ...(discovery && { discovery }) });
      }
    );

    app.patch(
      '/v1/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: "Update a user's mailbox, provider ids or time zone (null clears a provider id)",
          params: idParams,
          body: z
            .object({
              mailbox: z.email().optional(),
              netsuiteEmployeeId: netsuiteEmployeeId.nullable().optional(),
              autotaskResourceId: autotaskResourceId.nullable().optional(),
              timeZone: timeZone.optional(),
            })
            .strict(),
          response: { 200: userBody, ...errorResponses },
        },
      },
      async (request) => {
        await requireUser(request.params.id);
        try {
          const user = await users.update(request.params.id, request.body);
          if (!user) throw new HttpProblem(404, 'Unknown user', `No user with id ${request.params.id} is registered.`);
          return toBody(user);
        } catch (err) {
          throw conflict(err);
        }
      }
    );

    app.get(
      '/v1/users/:id',
      {
        config: { access: 'read' },
        schema: {
          tags: ['users'],
          summary: 'Read a user',
          params: idParams,
          response: { 200: userBody, ...errorResponses },
        },
      },
      async (request) => toBody(await requireUser(request.params.id))
    );

    app.get(
      '/v1/users',
      {
        config: { access: 'read' },
        schema: {
          tags: ['users'],
          summary: 'List users with their sync state, filtered and paginated',
          description:
            '`state` filters on the running sync state (from Temporal); `desiredState` on what an admin asked for (`stopped` lists users that are not meant to sync).',
          querystring: z
            .object({
              ...pageQuery,
              tenantId: opaqueId.optional(),
              desiredState: z.enum(['running', 'paused', 'stopped']).optional(),
              state: z.enum(liveStates).optional(),
              mailbox: z.string().min(1).max(320).optional(),
            })
            .strict(),
          response: {
            200: z.object({
              items: z.array(userBody.extend({ state: z.string(), workflowId: z.string() })),
              nextCursor: z.string().optional(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const after = decodeCursor(q.cursor, (p) => opaqueId.safeParse(p).success);
        const ids = q.state ? await liveUserIds(ctx.deps.temporal, q.state, q.tenantId) : undefined;
        const page = await users.list({
          tenantId: q.tenantId,
          desiredState: q.desiredState,
          mailboxContains: q.mailbox,
          ids,
          after,
          limit: q.limit + 1,
        });
        const items = page.slice(0, q.limit);
        const states = await syncStatesOf(ctx.deps.temporal, items);
        return {
          items: items.map((user, i) => ({ ...toBody(user), ...states[i]! })),
          ...(page.length > q.limit && { nextCursor: encodeCursor(items.at(-1)!.id) }),
        };
      }
    );

    app.get(
      '/v1/users/:id/policy',
      {
        config: { access: 'read' },
        schema: {
          tags: ['policy'],
          summary: "A user's policy overrides and the policy in effect for them",
          params: idParams,
          response: {
            200: z.object({ overrides: userPolicyOverridesSchema, effective: tenantPolicySchema }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const tenant = await requireTenant(ctx, user.tenantId);
        const overrides = userPolicyOverridesSchema.safeParse(user.policy);
        return {
          overrides: overrides.success ? overrides.data : {},
          effective: effectivePolicy(tenant.policy, user.policy),
        };
      }
    );

    app.put(
      '/v1/users/:id/policy',
      {
        schema: {
          tags: ['policy'],
          summary: "Replace a user's overrides of the organisation policy ({} follows the organisation)",
          params: idParams,
          body: userPolicyOverridesSchema,
          response: {
            200: z.object({ overrides: userPolicyOverridesSchema, effective: tenantPolicySchema }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const tenant = await requireTenant(ctx, user.tenantId);
        await users.update(user.id, { policy: request.body });
        request.log.info({ userId: user.id }, 'user policy replaced');
        return { overrides: request.body, effective: effectivePolicy(tenant.policy, request.body) };
      }
    );

    app.post(
      '/v1/tenants/:id/discover',
      {
        schema: {
          tags: ['users'],
          summary: "Find a person's Graph user, NetSuite employee and Autotask resource by email",
          params: idParams,
          body: z.object({ email: z.email() }).strict(),
          response: { 200: discoveryBody, ...errorResponses },
        },
      },
      async (request) => {
        const tenant = await requireTenant(ctx, request.params.id);
        return discover(ctx, tenant, await ctx.tenants().secrets(tenant.id), request.body.email);
      }
    );
  };
