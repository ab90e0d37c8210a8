import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mapConcurrently } from '../../concurrency';
import type { User } from '../../store/users';
import { userSync } from '../../workflows';
import { searchAttributes } from '../../workflows/search-attributes';
import {
  configureUpdate,
  pauseUpdate,
  resumeUpdate,
  resyncUpdate,
  statusQuery,
  stopUpdate,
} from '../../workflows/user-sync/messages';
import { configurableSettingsSchema } from '../../workflows/user-sync/settings';
import type { UserSyncStatus } from '../../workflows/user-sync/types';
import { userSyncWorkflowId } from '../../workflows/user-sync/workflow-id';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { errorResponses, idParams, opaqueId } from '../schemas';

/** The workflow's `status` query, plus the workflow id. */
const syncStatus = z.object({
  userId: z.string(),
  tenantId: z.string(),
  workflowId: z.string(),
  state: z.enum(['running', 'paused', 'degraded', 'needs-attention', 'stopping', 'stopped']),
  lastSync: z.record(z.string(), z.string()),
  counts: z.object({
    created: z.number(),
    updated: z.number(),
    deleted: z.number(),
    skipped: z.number(),
    failed: z.number(),
  }),
  backlog: z.array(z.string()),
  lastError: z.object({ message: z.string(), type: z.string(), at: z.string() }).optional(),
  needsAttention: z.string().optional(),
  generation: z.number(),
  /** Set when the workflow runs but did not answer its status query in time (no worker polling?). */
  statusUnavailable: z.string().optional(),
});

type SyncStatusBody = z.infer<typeof syncStatus>;

const toBody = (workflowId: string, s: UserSyncStatus): SyncStatusBody => ({
  userId: s.userId,
  tenantId: s.tenantId,
  workflowId,
  state: s.state,
  lastSync: s.lastSync,
  counts: s.counts,
  backlog: s.backlog,
  lastError: s.lastError,
  needsAttention: s.needsAttention,
  generation: s.generation,
});

const stoppedBody = (user: User, workflowId: string): SyncStatusBody => ({
  userId: user.id,
  tenantId: user.tenantId,
  workflowId,
  state: 'stopped',
  lastSync: {},
  counts: { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 },
  backlog: [],
  generation: 0,
});

/** How long the API waits for a workflow to answer an update. */
const UPDATE_DEADLINE_MS = 30_000;

// withDeadline ends the call on our side: the client reports DEADLINE_EXCEEDED (4) or CANCELLED (1).
const isDeadline = (err: unknown): boolean => {
  const codes = [(err as { code?: unknown }).code, (err as { cause?: { code?: unknown } }).cause?.code];
  return codes.includes(4) || codes.includes(1) || /DEADLINE_EXCEEDED|CANCELLED/.test(String((err as Error).message));
};

const notSyncing = (user: User) =>
  new HttpProblem(409, 'Not syncing', `User ${user.id} has no running sync; start it first.`);

export const userSyncRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const { deps } = ctx;
    const temporal = deps.temporal;
    const queryDeadlineMs = deps.statusQueryTimeoutMs ?? 5_000;

    const requireUser = async (id: string) => {
      const user = await deps.users.get(id);
      if (!user) throw new HttpProblem(404, 'Unknown user', `No user with id ${id} is registered.`);
      return user;
    };

    /** Runs a call to a workflow with a deadline: a sync whose workers are down must not hang the API. */
    const withDeadline = async <T>(ms: number, fn: () => Promise<T>): Promise<T> => {
      try {
        return await temporal.connection.withDeadline(Date.now() + ms, fn);
      } catch (err) {
        if (
          err instanceof WorkflowNotFoundError ||
          err instanceof WorkflowUpdateFailedError ||
          err instanceof HttpProblem
        )
          throw err;
        if (isDeadline(err)) {
          throw new HttpProblem(
            504,
            'Sync did not answer',
            'The sync workflow did not answer in time; check that workers are running.'
          );
        }
        throw err;
      }
    };

    /** The current status: the workflow's own answer while it runs, else its final result. */
    const currentStatus = async (user: User): Promise<SyncStatusBody> => {
      const workflowId = userSyncWorkflowId(user.tenantId, user.id);
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') {
          try {
            return toBody(
              workflowId,
              await temporal.connection.withDeadline(Date.now() + queryDeadlineMs, () => handle.query(statusQuery))
            );
          } catch (err) {
            if (!isDeadline(err)) throw err;
            // The sync runs but nobody answers (workers down or busy): say what is known.
            const state = description.typedSearchAttributes.get(searchAttributes.syncState);
            return {
              ...stoppedBody(user, workflowId),
              state: syncStatus.shape.state.safeParse(state).data ?? 'running',
              statusUnavailable: 'the sync did not answer its status query in time; check that workers are running',
            };
          }
        }
        if (description.status.name === 'COMPLETED')
          return toBody(workflowId, (await handle.result()) as UserSyncStatus);
        return {
          ...stoppedBody(user, workflowId),
          lastError: {
            message: `workflow ${description.status.name.toLowerCase()}`,
            type: description.status.name,
            at: (description.closeTime ?? new Date()).toISOString(),
          },
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return stoppedBody(user, workflowId);
        throw err;
      }
    };

    const start = async (user: User, log: FastifyBaseLogger): Promise<SyncStatusBody> => {
      const workflowId = userSyncWorkflowId(user.tenantId, user.id);
      await temporal.workflow.start(userSync, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ tenantId: user.tenantId, userId: user.id, settings: deps.syncSettings }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: searchAttributes.tenantId, value: user.tenantId },
          { key: searchAttributes.userId, value: user.id },
          { key: searchAttributes.syncState, value: 'running' },
        ],
        staticSummary: `Calendar sync of user ${user.id} (tenant ${user.tenantId})`,
      });
      await deps.users.setDesiredState(user.id, 'running');
      log.info({ userId: user.id, workflowId }, 'sync started');
      return currentStatus(user);
    };

    const stop = async (user: User, log: FastifyBaseLogger): Promise<SyncStatusBody> => {
      const workflowId = userSyncWorkflowId(user.tenantId, user.id);
      await deps.users.setDesiredState(user.id, 'stopped');
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return await currentStatus(user);
        const status = await withDeadline(UPDATE_DEADLINE_MS, () => handle.executeUpdate(stopUpdate));
        log.info({ userId: user.id, workflowId }, 'sync stopped');
        return toBody(workflowId, status);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return stoppedBody(user, workflowId);
        throw err;
      }
    };

    /** Sends an update to a running sync; 409 when the user is not syncing. */
    const update = async (
      user: User,
      log: FastifyBaseLogger,
      what: string,
      send: (handle: ReturnType<typeof temporal.workflow.getHandle>) => Promise<UserSyncStatus>
    ): Promise<SyncStatusBody> => {
      const workflowId = userSyncWorkflowId(user.tenantId, user.id);
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') throw notSyncing(user);
        const status = await withDeadline(UPDATE_DEADLINE_MS, () => send(handle));
        log.info({ userId: user.id, workflowId }, what);
        return toBody(workflowId, status);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notSyncing(user);
        if (err instanceof WorkflowUpdateFailedError) {
          throw new HttpProblem(409, 'Sync refused the request', err.cause?.message ?? err.message);
        }
        throw err;
      }
    };

    const userRoute = (summary: string) => ({
      tags: ['sync'],
      summary,
      params: idParams,
      response: { 200: syncStatus, ...errorResponses },
    });

    app.post(
      '/v1/users/:id/sync/start',
      {
        schema: { ...userRoute("Start a user's sync (idempotent)"), response: { 202: syncStatus, ...errorResponses } },
      },
      async (request, reply) => reply.code(202).send(await start(await requireUser(request.params.id), request.log))
    );

    app.post('/v1/users/:id/sync/stop', { schema: userRoute("Stop a user's sync gracefully") }, async (request) =>
      stop(await requireUser(request.params.id), request.log)
    );

    app.post(
      '/v1/users/:id/sync/pause',
      { schema: userRoute("Pause a user's sync (it keeps its place)") },
      async (request) => {
        const user = await requireUser(request.params.id);
        const status = await update(user, request.log, 'sync paused', (handle) => handle.executeUpdate(pauseUpdate));
        await deps.users.setDesiredState(user.id, 'paused');
        return status;
      }
    );

    app.post(
      '/v1/users/:id/sync/resume',
      {
        schema: {
          ...userRoute(
            'Resume a paused sync, or one that needs attention (confirmDeletes lets the held deletes through)'
          ),
          // Without confirmDeletes an admin could only drop what the mass-deletion guard held back.
          // A resume without a body (as before) confirms nothing.
          body: z.preprocess((body) => body ?? {}, z.object({ confirmDeletes: z.boolean().default(false) }).strict()),
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const confirmDeletes = request.body.confirmDeletes;
        const status = await update(
          user,
          request.log,
          confirmDeletes ? 'sync resumed, deletes confirmed' : 'sync resumed',
          (handle) => handle.executeUpdate(resumeUpdate, { args: [{ confirmDeletes }] })
        );
        await deps.users.setDesiredState(user.id, 'running');
        return status;
      }
    );

    app.post(
      '/v1/users/:id/sync/resync',
      {
        config: { access: 'resync' },
        schema: {
          ...userRoute('Look at every source again: incremental (from the cursors) or full (from scratch)'),
          body: z.object({ mode: z.enum(['incremental', 'full']).default('incremental') }).strict(),
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const mode = request.body.mode;
        return update(user, request.log, `resync (${mode}) requested`, (handle) =>
          handle.executeUpdate(resyncUpdate, { args: [{ mode }] })
        );
      }
    );

    app.post(
      '/v1/users/:id/sync/configure',
      {
        schema: {
          ...userRoute("Change a running sync's durations (milliseconds); they take effect at once"),
          body: z.object({ settings: configurableSettingsSchema }).strict(),
        },
      },
      async (request) => {
        const user = await requireUser(request.params.id);
        const settings = Object.fromEntries(Object.entries(request.body.settings).filter(([, v]) => v !== undefined));
        return update(user, request.log, 'sync reconfigured', (handle) =>
          handle.executeUpdate(configureUpdate, { args: [{ settings }] })
        );
      }
    );

    app.get(
      '/v1/users/:id/sync',
      { config: { access: 'read' }, schema: userRoute("A user's sync status (the workflow's status query)") },
      async (request) => currentStatus(await requireUser(request.params.id))
    );

    const bulkBody = z
      .object({
        userIds: z.array(opaqueId).min(1).max(500).optional(),
        tenantId: opaqueId.optional(),
      })
      .strict()
      .refine((b) => (b.userIds === undefined) !== (b.tenantId === undefined), {
        message: 'give userIds or tenantId, not both',
        path: ['userIds'],
      });
    const bulkResult = z.object({
      results: z.array(
        z.object({
          userId: z.string(),
          ok: z.boolean(),
          state: z.string().optional(),
          error: z.object({ status: z.number(), title: z.string(), detail: z.string().optional() }).optional(),
        })
      ),
    });

    /** Runs `action` for each user, 16 at a time; one user's failure does not stop the others. */
    const bulk = async (
      body: z.infer<typeof bulkBody>,
      log: FastifyBaseLogger,
      action: (user: User) => Promise<SyncStatusBody>
    ) => {
      const targets: (User | string)[] = [];
      if (body.userIds) {
        const found = await deps.users.list({ ids: body.userIds, limit: body.userIds.length });
        const byId = new Map(found.map((u) => [u.id, u]));
        for (const id of new Set(body.userIds)) targets.push(byId.get(id) ?? id);
      } else {
        let after: string | undefined;
        for (;;) {
          const page = await deps.users.list({ tenantId: body.tenantId, after, limit: 500 });
          targets.push(...page);
          if (page.length < 500) break;
          after = page.at(-1)!.id;
        }
      }
      type Result = z.infer<typeof bulkResult>['results'][number];
      const results = await mapConcurrently(targets, 16, async (target): Promise<Result> => {
        if (typeof target === 'string')
          return { userId: target, ok: false, error: { status: 404, title: 'Unknown user' } };
        try {
          return { userId: target.id, ok: true, state: (await action(target)).state };
        } catch (err) {
          const problem = err instanceof HttpProblem ? err : undefined;
          if (!problem) log.error({ err, userId: target.id }, 'bulk action failed for one user');
          return {
            userId: target.id,
            ok: false,
            error: problem
              ? { status: problem.status, title: problem.title, detail: problem.detail }
              : { status: 500, title: 'Internal error' },
          };
        }
      });
      return { results };
    };

    app.post(
      '/v1/users/sync/start',
      {
        schema: {
          tags: ['sync'],
          summary: 'Start the sync of many users: the given ids, or every user of a tenant',
          body: bulkBody,
          response: { 200: bulkResult, ...errorResponses },
        },
      },
      async (request) => bulk(request.body, request.log, (user) => start(user, request.log))
    );

    app.post(
      '/v1/users/sync/stop',
      {
        schema: {
          tags: ['sync'],
          summary: 'Stop the sync of many users: the given ids, or every user of a tenant',
          body: bulkBody,
          response: { 200: bulkResult, ...errorResponses },
        },
      },
      async (request) => bulk(request.body, request.log, (user) => stop(user, request.log))
    );
  };
