import { ApplicationFailure } from '@temporalio/activity';
import { ZodError } from 'zod';
import { ProviderError } from '../providers/provider-error';

/**
 * Turns what an activity caught into the failure Temporal should act on (DESIGN.md §4.9): provider
 * errors keep their retryability and Retry-After (as nextRetryDelay); a provider response we cannot
 * parse will not parse better on retry. Messages carry codes and ids, never event contents.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ProviderError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.temporalType,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryable && err.retryAfterMs !== undefined ? err.retryAfterMs : undefined,
      details: [
        {
          provider: err.provider,
          operation: err.operation,
          status: err.status,
          code: err.code,
          // Workflow code does not get nextRetryDelay back from a failure: a workflow that calls
          // again itself (after a local activity failed) finds the provider's pause here.
          ...(err.retryable && err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
        },
      ],
    });
  }
  if (err instanceof ZodError) {
    return ApplicationFailure.create({
      message: `invalid data: ${err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      type: 'InvalidData',
      nonRetryable: true,
    });
  }
  return err;
}

/** Wraps every function of an activity object so failures are classified the same way. */
export function withFailureMapping<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          throw toActivityFailure(err);
        }
      },
    ])
  ) as T;
}
