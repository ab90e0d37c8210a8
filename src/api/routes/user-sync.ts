import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { searchAttributes } from '../../workflows/search-attributes';
import { statusQuery, stopUpdate } from '../../workflows/user-sync/messages';
import type { UserSyncStatus } from '../../workflows/user-sync/types';
import { userSyncWorkflowId } from '../../workflows/user-sync/workflow-id';
import { userSync } from '../../workflows';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';

const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an opaque user id') }).strict();

const syncStatus = z.object({
  userId: z.string(),
  workflowId: z.string(),
  state: z.enum(['running', 'paused', 'degraded', 'needs-attention', 'stopping', 'stopped']),
  lastSync: z.record(z.string(), z.string()),
  counts: z.object({ created: z.number(), updated: z.number(), deleted: z.number(), skipped: z.number(), failed: z.number() }),
  backlog: z.array(z.string()),
  lastError: z.object({ message: z.string(), type: z.string(), at: z.string() }).optional(),
  needsAttention: z.string().optional(),
});

type SyncStatusBody = z.infer<typeof syncStatus>;

const toBody = (workflowId: string, s: UserSyncStatus): SyncStatusBody => ({
  userId: s.userId,
  workflowId,
  state: s.state,
  lastSync: s.lastSync,
  counts: s.counts,
  backlog: s.backlog,
  lastError: s.lastError,
  needsAttention: s.needsAttention,
});

const stoppedBody = (userId: string, workflowId: string): SyncStatusBody => ({
  userId,
  workflowId,
  state: 'stopped',
  lastSync: {},
  counts: { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 },
  backlog: [],
});

export const userSyncRoutes =
  (deps: ApiDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const requireUser = async (id: string) => {
      const user = await deps.users.get(id);
      if (!user) throw new HttpProblem(404, 'Unknown user', `No user with id ${id} is registered.`);
      return user;
    };

    /** The current status: the workflow's own answer while it runs, else its final result. */
    const currentStatus = async (userId: string, workflowId: string): Promise<SyncStatusBody> => {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') return toBody(workflowId, await handle.query(statusQuery));
        if (description.status.name === 'COMPLETED') return toBody(workflowId, (await handle.result()) as UserSyncStatus);
        return { ...stoppedBody(userId, workflowId), lastError: { message: `workflow ${description.status.name.toLowerCase()}`, type: description.status.name, at: (description.closeTime ?? new Date()).toISOString() } };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return stoppedBody(userId, workflowId);
        throw err;
      }
    };

    app.post(
      '/v1/users/:id/sync/start',
      { schema: { tags: ['sync'], summary: "Start a user's sync (idempotent)", params, response: { 202: syncStatus } } },
      async (request, reply) => {
        const user = await requireUser(request.params.id);
        const workflowId = userSyncWorkflowId(user.tenantId, user.id);
        await deps.temporal.workflow.start(userSync, {
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
        return reply.code(202).send(await currentStatus(user.id, workflowId));
      }
    );

    app.post(
      '/v1/users/:id/sync/stop',
      { schema: { tags: ['sync'], summary: "Stop a user's sync gracefully", params, response: { 200: syncStatus } } },
      async (request) => {
        const user = await requireUser(request.params.id);
        const workflowId = userSyncWorkflowId(user.tenantId, user.id);
        await deps.users.setDesiredState(user.id, 'stopped');
        const handle = deps.temporal.workflow.getHandle(workflowId);
        try {
          const description = await handle.describe();
          if (description.status.name !== 'RUNNING') return currentStatus(user.id, workflowId);
          return toBody(workflowId, await handle.executeUpdate(stopUpdate));
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return stoppedBody(user.id, workflowId);
          throw err;
        }
      }
    );

    app.get(
      '/v1/users/:id/sync',
      { schema: { tags: ['sync'], summary: "A user's sync status", params, response: { 200: syncStatus } } },
      async (request) => {
        const user = await requireUser(request.params.id);
        return currentStatus(user.id, userSyncWorkflowId(user.tenantId, user.id));
      }
    );
  };
