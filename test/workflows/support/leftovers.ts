import { tenantPollerWorkflowId } from '../../../src/workflows/tenant-poller/workflow-id';
import type { SyncStack } from '../../support/sync-stack';

/**
 * Terminates what a stack's user syncs started and abandoned (ParentClosePolicy.ABANDON): the
 * tenant pollers and the series children, which would otherwise keep running on the dev server
 * after the stack's worker is gone.
 */
export async function stopLeftovers(stack: SyncStack): Promise<void> {
  const ids = [
    tenantPollerWorkflowId(stack.sandbox.tenantId, 'netsuite'),
    tenantPollerWorkflowId(stack.sandbox.tenantId, 'autotask'),
  ];
  for await (const wf of stack.client.workflow.list({
    query: `WorkflowId STARTS_WITH "${stack.workflowId}/item/" AND ExecutionStatus = "Running"`,
  }))
    ids.push(wf.workflowId);
  for (const id of ids)
    await stack.client.workflow
      .getHandle(id)
      .terminate('test finished')
      .catch(() => undefined);
}
