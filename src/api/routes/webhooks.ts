import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countWebhook, type WebhookOutcome, type WebhookSource } from '../../observability/metrics';
import { PUSH_SIGNATURE_HEADER, PUSH_TIMESTAMP_HEADER, verifyPush } from '../../providers/netsuite/push-signature';
import { replicaKey } from '../../domain/link';
import { ItemStore } from '../../store/items';
import { usersOfNetSuiteRecord } from '../../store/link-owners';
import type { GraphSubscription } from '../../store/webhook-subscriptions';
import { changedSignal, lifecycleSignal } from '../../workflows/user-sync/messages';
import type { ChangedHint, LifecycleHint } from '../../workflows/user-sync/types';
import { userSyncWorkflowId } from '../../workflows/user-sync/workflow-id';
import type { ApiContext } from '../context';
import { type Problem, sendProblem } from '../problem';
import { SignalRedelivery } from '../signal-redelivery';
import { opaqueId } from '../schemas';
import { webhookPaths } from '../webhook-urls';

/*
 * Provider webhooks. They need no API key: each carries its own proof (Graph: the subscription's
 * clientState; NetSuite: an HMAC over the timestamped body). A notification is only a hint to look
 * again (DESIGN.md §4.1): it signals the user's running sync and never starts one. Whatever is
 * refused gets a 4xx problem, is counted, and touches no workflow.
 */

const graphChange = z.looseObject({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).nullish(),
  changeType: z.string().max(100),
  resource: z.string().max(2048),
  resourceData: z
    .looseObject({ id: z.string().max(1024).nullish(), '@odata.etag': z.string().max(256).nullish() })
    .nullish(),
});
const graphLifecycle = z.looseObject({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(256).nullish(),
  lifecycleEvent: z.string().max(100),
});
const collection = <T extends z.ZodType>(item: T) => z.looseObject({ value: z.array(item).min(1).max(1000) });

const netsuitePush = z.looseObject({
  type: z.enum(['create', 'edit', 'xedit', 'delete']),
  id: z.string().regex(/^\d{1,18}$/),
  lastModified: z.string().max(64).optional(),
  /** Employee ids the event concerns (organiser, attendees), when the script sends them. */
  employees: z
    .array(z.string().regex(/^\d{1,18}$/))
    .max(500)
    .optional(),
});

/** Graph's event etag is `W/"<changeKey>"` (graph.md §1); anything else reports no version. */
function changeKeyOf(etag: string | null | undefined): string | undefined {
  const m = etag ? /^W\/"([^"]+)"$/.exec(etag) : null;
  return m?.[1];
}

/** A change notification on its way to the user's workflow. */
interface OutlookHint {
  workflowId: string;
  subscription: GraphSubscription;
  hint: ChangedHint;
}

/**
 * The hints whose version is the one already stored for the user's Outlook replica: our own write
 * coming back (or a change already synced). Dropping them here spares the user's workflow a round
 * (a signal, two workflow tasks and an activity) per write we make to Outlook; the workflow and
 * its activity check those that pass (a notification can beat the write's stored version). If the
 * look-up fails, none is dropped.
 */
async function echoesAmong(ctx: ApiContext, hints: readonly OutlookHint[], log: FastifyBaseLogger) {
  const byUser = new Map<string, OutlookHint[]>();
  for (const h of hints) if (h.hint.seen) byUser.set(h.workflowId, [...(byUser.get(h.workflowId) ?? []), h]);
  const echoes = new Set<OutlookHint>();
  try {
    const items = new ItemStore(ctx.deps.pool);
    for (const mine of byUser.values()) {
      const { tenantId, userId } = mine[0]!.subscription;
      const stored = await items.versionsOf(
        tenantId,
        replicaKey('outlook', userId),
        mine.map((h) => h.hint.seen!.recordId)
      );
      for (const h of mine) if (stored.get(h.hint.seen!.recordId) === h.hint.seen!.version) echoes.add(h);
    }
  } catch (err) {
    log.warn({ err }, 'echo check failed: every notification is signalled (the activity checks again)');
    return new Set<OutlookHint>();
  }
  return echoes;
}

const lifecycleEvents = new Set<LifecycleHint['event']>(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

/** Collects per-notification outcomes and counts them once the request is answered. */
class Tally {
  private readonly outcomes: WebhookOutcome[] = [];
  constructor(private readonly source: WebhookSource) {}
  add(outcome: WebhookOutcome): void {
    this.outcomes.push(outcome);
    countWebhook(this.source, outcome);
  }
  has(outcome: WebhookOutcome): boolean {
    return this.outcomes.includes(outcome);
  }
  get accepted(): number {
    return this.outcomes.filter((o) => o === 'signalled' || o === 'not-syncing' || o === 'error').length;
  }
}

const zodErrors = (error: z.ZodError): NonNullable<Problem['errors']> =>
  error.issues
    .slice(0, 20)
    .map((issue) => ({ field: ['body', ...issue.path.map(String)].join('.'), reason: issue.message }));

/**
 * Sends a signal to a user's running sync; a user without one is not started. A signal that
 * failed otherwise (Temporal unreachable) is tried again in the background: no provider resends.
 */
async function signalUser(
  temporal: Client,
  workflowId: string,
  send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>,
  log: FastifyBaseLogger,
  redelivery: SignalRedelivery
): Promise<WebhookOutcome> {
  const attempt = () => send(temporal.workflow.getHandle(workflowId));
  try {
    await attempt();
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'not-syncing';
    log.warn({ workflowId, err: (err as Error).message }, 'signal failed; trying again in the background');
    redelivery.schedule(workflowId, attempt);
    return 'error';
  }
}

export const webhookRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const temporal = ctx.deps.temporal;
    const budgetMs = ctx.deps.webhookSignalBudgetMs ?? 2_000;
    const redelivery = new SignalRedelivery(app.log);
    app.addHook('onClose', async () => redelivery.close());

    // Bodies arrive raw: NetSuite's signature is over the exact bytes, and a body that is not JSON
    // must be answered (and counted) here rather than by the framework.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    const refuse = (
      request: FastifyRequest,
      reply: FastifyReply,
      status: number,
      title: string,
      detail: string,
      errors?: Problem['errors']
    ) => sendProblem(reply, request, { type: 'about:blank', title, status, detail, ...(errors && { errors }) });

    const parseJson = (raw: unknown): { ok: true; value: unknown } | { ok: false } => {
      if (typeof raw !== 'string' || raw.length === 0) return { ok: false };
      try {
        return { ok: true, value: JSON.parse(raw) as unknown };
      } catch {
        return { ok: false };
      }
    };

    /**
     * Waits for the signals up to the budget, so that Graph gets its answer within 3 s even when
     * Temporal is slow; signals still in flight then finish in the background.
     */
    const settle = async (work: Promise<void>[]): Promise<void> => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(work),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs))),
      ]);
      clearTimeout(timer);
    };

    /** Checks each item's subscription and clientState; returns those that are genuine. */
    const authenticate = async <T extends { subscriptionId: string; clientState?: string | null }>(
      items: T[],
      tally: Tally
    ): Promise<{ item: T; subscription: GraphSubscription }[]> => {
      const genuine: { item: T; subscription: GraphSubscription }[] = [];
      // A batch repeats the same subscription and clientState: look each pair up once.
      const verdicts = new Map<string, ReturnType<typeof ctx.subscriptions.verify>>();
      for (const item of items) {
        const clientState = item.clientState ?? '';
        const pair = JSON.stringify([item.subscriptionId, clientState]);
        if (!verdicts.has(pair)) verdicts.set(pair, ctx.subscriptions.verify(item.subscriptionId, clientState));
        const verdict = await verdicts.get(pair)!;
        if (verdict === 'unknown') tally.add('unknown-subscription');
        else if (verdict === 'forged') tally.add('forged');
        else genuine.push({ item, subscription: verdict });
      }
      return genuine;
    };

    /** The answer once every item was looked at: 202 if any was genuine, else why none was. */
    const conclude = (request: FastifyRequest, reply: FastifyReply, tally: Tally) => {
      if (tally.accepted > 0) return reply.code(202).send();
      if (tally.has('forged'))
        return refuse(request, reply, 403, 'Forged notification', 'The clientState does not match the subscription.');
      return refuse(request, reply, 404, 'Unknown subscription', 'No subscription with this id is registered.');
    };

    const graphQuery = z.looseObject({ validationToken: z.string().max(10_000).optional() });

    /** Graph's validation handshake: echo the token as text/plain within 10 s. */
    const handshake = (request: FastifyRequest, reply: FastifyReply, source: WebhookSource, token: string) => {
      countWebhook(source, 'validation');
      request.log.info({ source }, 'webhook validation handshake');
      return reply.code(200).type('text/plain; charset=utf-8').send(token);
    };

    app.post(
      webhookPaths.graphNotifications,
      {
        config: { access: 'public' },
        schema: {
          tags: ['webhooks'],
          summary: 'Microsoft Graph change notifications (and the validation handshake)',
          querystring: graphQuery,
        },
      },
      async (request, reply) => {
        if (request.query.validationToken !== undefined)
          return handshake(request, reply, 'graph', request.query.validationToken);
        const tally = new Tally('graph');
        const json = parseJson(request.body);
        if (!json.ok) {
          tally.add('malformed');
          return refuse(request, reply, 400, 'Malformed notification', 'The body is not JSON.', [
            { field: 'body', reason: 'not JSON' },
          ]);
        }
        const parsed = collection(graphChange).safeParse(json.value);
        if (!parsed.success) {
          tally.add('malformed');
          return refuse(
            request,
            reply,
            400,
            'Malformed notification',
            'The body is not a Graph notification collection.',
            zodErrors(parsed.error)
          );
        }
        const genuine = await authenticate(parsed.data.value, tally);
        const hints = new Map<string, OutlookHint>();
        let unnamed = 0;
        for (const { item, subscription } of genuine) {
          const workflowId = userSyncWorkflowId(subscription.tenantId, subscription.userId);
          const itemId = item.resourceData?.id;
          const etag = item.resourceData?.['@odata.etag'];
          // Same item and version: the same change delivered twice; the workflow drops repeats by id.
          // The version lets the workflow recognise the echo of its own write. A deletion carries
          // the last version (the one our own write's notification carried), so it is keyed apart
          // from it and its version never travels: the delta confirms deletes.
          const deleted = item.changeType === 'deleted';
          const version = deleted ? undefined : changeKeyOf(etag);
          const hint: ChangedHint = deleted
            ? { source: 'outlook', ...(itemId ? { id: `graph:deleted:${itemId}` } : {}) }
            : itemId && etag
              ? {
                  source: 'outlook',
                  id: `graph:${itemId}:${etag}`,
                  ...(version ? { seen: { recordId: itemId, version } } : {}),
                }
              : { source: 'outlook' };
          hints.set(`${workflowId}|${hint.id ?? `#${unnamed++}`}`, { workflowId, subscription, hint });
        }
        const echoes = await echoesAmong(ctx, [...hints.values()], request.log);
        await settle(
          [...hints.values()].map(async (entry) => {
            const { workflowId, hint } = entry;
            if (echoes.has(entry)) {
              tally.add('echo');
              return;
            }
            const outcome = await signalUser(
              temporal,
              workflowId,
              (handle) => handle.signal(changedSignal, hint),
              request.log,
              redelivery
            );
            tally.add(outcome);
            request.log.info({ workflowId, outcome }, 'graph notification');
          })
        );
        return conclude(request, reply, tally);
      }
    );

    app.post(
      webhookPaths.graphLifecycle,
      {
        config: { access: 'public' },
        schema: {
          tags: ['webhooks'],
          summary: 'Microsoft Graph subscription lifecycle notifications',
          querystring: graphQuery,
        },
      },
      async (request, reply) => {
        if (request.query.validationToken !== undefined)
          return handshake(request, reply, 'graph-lifecycle', request.query.validationToken);
        const tally = new Tally('graph-lifecycle');
        const json = parseJson(request.body);
        if (!json.ok) {
          tally.add('malformed');
          return refuse(request, reply, 400, 'Malformed notification', 'The body is not JSON.', [
            { field: 'body', reason: 'not JSON' },
          ]);
        }
        const parsed = collection(graphLifecycle).safeParse(json.value);
        if (!parsed.success) {
          tally.add('malformed');
          return refuse(
            request,
            reply,
            400,
            'Malformed notification',
            'The body is not a Graph lifecycle collection.',
            zodErrors(parsed.error)
          );
        }
        const genuine = await authenticate(parsed.data.value, tally);
        await settle(
          genuine.map(async ({ item, subscription }) => {
            const workflowId = userSyncWorkflowId(subscription.tenantId, subscription.userId);
            const event = item.lifecycleEvent as LifecycleHint['event'];
            if (!lifecycleEvents.has(event)) {
              // A lifecycle event Graph added later: genuine, but nothing we act on.
              tally.add('not-syncing');
              request.log.warn({ workflowId, lifecycleEvent: item.lifecycleEvent }, 'unknown lifecycle event ignored');
              return;
            }
            const hint: LifecycleHint = { source: 'outlook', event, subscriptionId: subscription.id };
            const outcome = await signalUser(
              temporal,
              workflowId,
              (handle) => handle.signal(lifecycleSignal, hint),
              request.log,
              redelivery
            );
            tally.add(outcome);
            request.log.info({ workflowId, lifecycleEvent: event, outcome }, 'graph lifecycle notification');
          })
        );
        return conclude(request, reply, tally);
      }
    );

    app.post(
      '/webhooks/netsuite/:tenantId',
      {
        config: { access: 'public' },
        schema: {
          tags: ['webhooks'],
          summary: 'NetSuite push from the shipped SuiteScript (HMAC-SHA256 over "<timestamp>.<body>")',
          params: z.looseObject({ tenantId: z.string().max(200) }),
        },
      },
      async (request, reply) => {
        const tally = new Tally('netsuite');
        const fail = (
          outcome: WebhookOutcome,
          status: number,
          title: string,
          detail: string,
          errors?: Problem['errors']
        ) => {
          tally.add(outcome);
          request.log.info({ outcome }, 'netsuite push refused');
          return refuse(request, reply, status, title, detail, errors);
        };
        const tenantId = request.params.tenantId;
        if (!opaqueId.safeParse(tenantId).success)
          return fail('unknown-tenant', 404, 'Unknown tenant', 'No tenant with this id.');
        const signature = request.headers[PUSH_SIGNATURE_HEADER];
        const timestamp = request.headers[PUSH_TIMESTAMP_HEADER];
        if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
          return fail(
            'forged',
            401,
            'Unsigned push',
            `A push needs the ${PUSH_SIGNATURE_HEADER} and ${PUSH_TIMESTAMP_HEADER} headers.`,
            [{ field: `headers.${PUSH_SIGNATURE_HEADER}`, reason: 'required' }]
          );
        }
        const pushedAt = Number(timestamp);
        if (Math.abs(Date.now() / 1000 - pushedAt) > ctx.pushToleranceSeconds) {
          return fail('stale', 401, 'Stale push', 'The push timestamp is outside the replay window.', [
            { field: `headers.${PUSH_TIMESTAMP_HEADER}`, reason: 'outside the replay window' },
          ]);
        }
        const tenant = await ctx.tenants().get(tenantId);
        if (!tenant) return fail('unknown-tenant', 404, 'Unknown tenant', 'No tenant with this id.');
        const secret = (await ctx.tenants().secrets(tenantId)).netsuitePush?.secret;
        if (!secret)
          return fail('not-configured', 404, 'Push not configured', 'The tenant has no NetSuite push secret.');
        const raw = typeof request.body === 'string' ? request.body : '';
        if (!verifyPush({ secret, rawBody: raw, signature, timestamp, toleranceSeconds: ctx.pushToleranceSeconds })) {
          return fail('forged', 401, 'Bad signature', 'The push signature does not match.', [
            { field: `headers.${PUSH_SIGNATURE_HEADER}`, reason: 'does not match' },
          ]);
        }
        if (!(await ctx.pushReplays.firstSeen(tenantId, signature, new Date(pushedAt * 1000)))) {
          return fail('replayed', 409, 'Replayed push', 'This push was received before.');
        }
        const json = parseJson(raw);
        if (!json.ok)
          return fail('malformed', 400, 'Malformed push', 'The body is not JSON.', [
            { field: 'body', reason: 'not JSON' },
          ]);
        const parsed = netsuitePush.safeParse(json.value);
        if (!parsed.success)
          return fail('malformed', 400, 'Malformed push', 'The body is not a NetSuite push.', zodErrors(parsed.error));
        const push = parsed.data;

        const userIds = new Set(await usersOfNetSuiteRecord(ctx.deps.pool, tenantId, push.id));
        if (push.employees?.length)
          for (const u of await ctx.deps.users.byNetSuiteEmployees(tenantId, push.employees)) userIds.add(u.id);
        if (userIds.size === 0) {
          // A new record names no owner we know: every NetSuite user of the tenant looks (bounded).
          for (const u of await ctx.deps.users.syncingWithNetSuite(tenantId, BROADCAST_LIMIT)) userIds.add(u.id);
        }
        if (userIds.size === 0) tally.add('not-syncing');
        // The record travels with the hint: the user's workflow reads exactly it (a hint without
        // records would only wake the workflow, which has no NetSuite delta to pull).
        const hint: ChangedHint = {
          source: 'netsuite',
          id: `netsuite:${push.type}:${push.id}:${push.lastModified ?? pushedAt}`,
          records: [push.id],
          // The bundle's script skips the integration's own writes: this is a person's edit.
          ...(push.type === 'delete' ? {} : { changed: true }),
        };
        await settle(
          [...userIds].map(async (userId) => {
            const workflowId = userSyncWorkflowId(tenantId, userId);
            const outcome = await signalUser(
              temporal,
              workflowId,
              (handle) => handle.signal(changedSignal, hint),
              request.log,
              redelivery
            );
            tally.add(outcome);
            request.log.info({ workflowId, outcome }, 'netsuite push');
          })
        );
        return reply.code(202).send();
      }
    );
  };

/** How many users a push for an unknown record may wake; beyond that the pollers catch up. */
const BROADCAST_LIMIT = 200;
