import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

export interface ReceivedSignal {
  name: string;
  input: unknown[];
}

/** The signals a workflow received, read from its history (nothing needs to run it). */
export async function signalsOf(temporal: Client, workflowId: string): Promise<ReceivedSignal[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((a): a is NonNullable<typeof a> => !!a)
    .map((a) => ({
      name: a.signalName ?? '',
      input: (a.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p)),
    }));
}

/** Whether any workflow with this id exists (running or closed). */
export async function workflowExists(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
