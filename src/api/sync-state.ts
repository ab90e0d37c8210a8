import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { mapConcurrently } from '../concurrency';
import type { User } from '../store/users';
import { searchAttributes } from '../workflows/search-attributes';
import { userSyncWorkflowId } from '../workflows/user-sync/workflow-id';

/** States a running sync can be in (the workflow keeps CalsyncSyncState up to date). */
export const liveStates = ['running', 'paused', 'degraded', 'needs-attention', 'stopping'] as const;

const CONCURRENCY = 16;

/**
 * Each user's sync state for a list page: the running workflow's CalsyncSyncState, `stopped` when
 * there is none or it completed, else the closed workflow's status (`failed`, `terminated`, ...).
 */
export async function syncStatesOf(
  temporal: Client,
  users: readonly User[]
): Promise<{ state: string; workflowId: string }[]> {
  return mapConcurrently(users, CONCURRENCY, async (user) => {
    const workflowId = userSyncWorkflowId(user.tenantId, user.id);
    return { state: await stateOf(temporal, workflowId), workflowId };
  });
}

async function stateOf(temporal: Client, workflowId: string): Promise<string> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    const status = description.status.name;
    if (status === 'RUNNING') return description.typedSearchAttributes.get(searchAttributes.syncState) ?? 'running';
    return status === 'COMPLETED' ? 'stopped' : status.toLowerCase().replace(/_/g, '-');
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'stopped';
    throw err;
  }
}

/** Ids of users whose running sync is in `state` (Temporal visibility), optionally in one tenant. */
export async function liveUserIds(
  temporal: Client,
  state: (typeof liveStates)[number],
  tenantId?: string
): Promise<string[]> {
  const clauses = [`ExecutionStatus = 'Running'`, `${searchAttributes.syncState.name} = '${state}'`];
  // Ids are opaque ([A-Za-z0-9_-]), validated before they get here, so they need no escaping.
  if (tenantId) clauses.push(`${searchAttributes.tenantId.name} = '${tenantId}'`);
  const ids: string[] = [];
  for await (const execution of temporal.workflow.list({ query: clauses.join(' AND ') })) {
    const userId = execution.typedSearchAttributes.get(searchAttributes.userId);
    if (userId) ids.push(userId);
  }
  return ids;
}
