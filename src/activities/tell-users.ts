import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
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
  const queue = [...input.users];
  let told = 0;
  const sender = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const handle = client.workflow.getHandle(userSyncWorkflowId(input.tenantId, next.userId));
      try {
        for (const hint of next.hints) await handle.signal(changedSignal, hint);
        told++;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, sender));
  return { told };
}
