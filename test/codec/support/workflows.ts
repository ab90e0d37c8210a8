// Tiny workflows for the codec tests: one echoes its (secret) input, one fails quoting it.
import { ApplicationFailure } from '@temporalio/workflow';

export async function echoSubject(input: { subject: string }): Promise<{ subject: string }> {
  return { subject: input.subject.toUpperCase() };
}

export async function failQuotingSubject(input: { subject: string }): Promise<void> {
  throw ApplicationFailure.nonRetryable(`cannot sync "${input.subject}"`, 'TestFailure');
}
