import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { mapConcurrently } from '../concurrency';
import { changedSignal } from '../workflows/user-sync/messages';
import type { ChangedHint } from '../workflows/user-sync/types';
import { userSyncWorkflowId } from '../workflows/user-sync/workflow-id';

export interface TellUsersInput {
  tenantId: string;
  users: { userId: string; hints: ChangedHint[] }[];
}

/** Signals in flight at once: enough to tell a few hundred users in a round trip or two. */
const CONCURRENCY = 32;

/**
 * A tenant poller's hints, signalled to the users' workflows straight from here (ADR 0015), as
 * the webhook ingress does: a workflow's own signal commands went through the server's transfer
 * queue, which under load took tens of seconds for a round's users. Returns how many users were
 * told; a user whose sync is not running is not (hints never start a sync). Any other failure
 * fails the activity, whose retry may tell some users twice: hints are idempotent.
 */
export async function tellUsers(input: TellUsersInput): Promise<{ told: number }> {
  const client = Context.current().client;
  const told = await mapConcurrently(input.users, CONCURRENCY, async ({ userId, hints }) => {
    const handle = client.workflow.getHandle(userSyncWorkflowId(input.tenantId, userId));
    try {
      for (const hint of hints) await handle.signal(changedSignal, hint);
      return true;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      return false;
    }
  });
  return { told: told.filter(Boolean).length };
}
