import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditRecord } from '../../store/audit';
import { type Link, parseReplicaKey, replicaKey } from '../../domain/link';
import { ItemStore } from '../../store/items';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { decodeCursor, encodeCursor, errorResponses, idParams, opaqueId, pageQuery } from '../schemas';

const auditActions = ['create', 'update', 'delete', 'conflict', 'rsvp', 'skip', 'error', 'guard', 'lifecycle'] as const;
const sides = ['outlook', 'netsuite', 'autotask'] as const;

/** What changed, where, when and why: ids and field names, never event contents. */
const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  linkId: z.string().optional(),
  sourceSide: z.string().optional(),
  targetSide: z.string().optional(),
  fields: z.array(z.string()),
  reason: z.string(),
  detail: z.record(z.string(), z.unknown()),
  workflowId: z.string().optional(),
});

const toEntry = (r: AuditRecord): z.infer<typeof auditEntry> => ({
  id: r.id,
  at: r.at.toISOString(),
  action: r.action,
  linkId: r.linkId,
  sourceSide: r.sourceSide,
  targetSide: r.targetSide,
  fields: r.fields ?? [],
  reason: r.reason ?? '',
  detail: r.detail ?? {},
  workflowId: r.workflowId,
});

/**
 * One item across systems: its record id in each replica (one Outlook copy per synced mailbox, one
 * NetSuite event per meeting, one Autotask record per resource), with versions. The stored
 * projections (the merge bases) are event contents and are not shown.
 */
const itemBody = z.object({
  id: z.string(),
  kind: z.string(),
  origin: z.string().optional(),
  iCalUid: z.string().optional(),
  seriesItemId: z.string().optional(),
  occurrenceKey: z.string().optional(),
  replicas: z.array(
    z.object({
      replica: z.string(),
      side: z.string(),
      userId: z.string().optional(),
      recordId: z.string().optional(),
      version: z.string().optional(),
      detached: z.string().optional(),
    })
  ),
});

const toItem = (link: Link): z.infer<typeof itemBody> => ({
  id: link.itemId,
  kind: link.kind,
  origin: link.origin,
  iCalUid: link.iCalUid,
  seriesItemId: link.seriesItemId,
  occurrenceKey: link.occurrenceKey,
  replicas: Object.entries(link.replicas).map(([replica, r]) => ({
    replica,
    side: r.side,
    userId: r.userId,
    recordId: r.recordId,
    version: r.version,
    detached: r.detached,
  })),
});

/** Whether one of the item's replicas is this user's (their mailbox copy, their Autotask record). */
const involves = (link: Link, userId: string): boolean =>
  Object.keys(link.replicas).some((key) => parseReplicaKey(key).userId === userId);

export const auditRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const requireUser = async (id: string) => {
      const user = await ctx.deps.users.get(id);
      if (!user) throw new HttpProblem(404, 'Unknown user', `No user with id ${id} is registered.`);
      return user;
    };

    app.get(
      '/v1/users/:id/audit',
      {
        config: { access: 'read' },
        schema: {
          tags: ['audit'],
          summary: "A user's audit log, newest first, paginated",
          params: idParams,
          querystring: z
            .object({ ...pageQuery, action: z.enum(auditActions).optional(), linkId: opaqueId.optional() })
            .strict(),
          response: {
            200: z.object({ items: z.array(auditEntry), nextCursor: z.string().optional() }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const q = request.query;
        const beforeId = decodeCursor(q.cursor, (p) => /^\d{1,19}$/.test(p));
        const page = await ctx.audit.pageForUser(user.id, {
          limit: q.limit + 1,
          beforeId,
          action: q.action,
          linkId: q.linkId,
        });
        const items = page.slice(0, q.limit);
        return {
          items: items.map(toEntry),
          ...(page.length > q.limit && { nextCursor: encodeCursor(items.at(-1)!.id) }),
        };
      }
    );

    const items = new ItemStore(ctx.deps.pool);
    const itemId = z.string().min(1).max(200);

    app.get(
      '/v1/users/:id/links',
      {
        config: { access: 'read' },
        schema: {
          tags: ['audit'],
          summary: "Find an item of the user's by its record id in one system",
          params: idParams,
          querystring: z.object({ side: z.enum(sides), nativeId: z.string().min(1).max(1024) }).strict(),
          response: { 200: z.object({ items: z.array(itemBody) }), ...errorResponses },
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const { side, nativeId } = request.query;
        const found = await items.findByRecord(
          user.tenantId,
          replicaKey(side, side === 'netsuite' ? undefined : user.id),
          nativeId
        );
        return { items: found && involves(found.link, user.id) ? [toItem(found.link)] : [] };
      }
    );

    app.get(
      '/v1/users/:id/links/:linkId',
      {
        config: { access: 'read' },
        schema: {
          tags: ['audit'],
          summary: 'The links of one item (its record in each system) and its latest audit entries',
          params: z.object({ id: opaqueId, linkId: itemId }).strict(),
          response: { 200: itemBody.extend({ audit: z.array(auditEntry) }), ...errorResponses },
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const found = await items.get(user.tenantId, request.params.linkId);
        if (!found || !involves(found.link, user.id)) {
          throw new HttpProblem(404, 'Unknown item', `User ${user.id} has no item ${request.params.linkId}.`);
        }
        const audit = await ctx.audit.pageForUser(user.id, { limit: 50, linkId: found.link.itemId });
        return { ...toItem(found.link), audit: audit.map(toEntry) };
      }
    );
  };
