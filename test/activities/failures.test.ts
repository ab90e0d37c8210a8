import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../src/activities/failures';
import { ProviderError } from '../../src/providers/provider-error';

const throttled = (retryable: boolean) =>
  new ProviderError({
    provider: 'autotask',
    operation: 'Appointments.create',
    status: 429,
    code: 'TooManyRequests',
    message: 'request threshold exceeded',
    retryable,
    retryAfterMs: 2_000,
  });

describe('toActivityFailure', () => {
  it("keeps a throttled provider's pause as nextRetryDelay and in the details the workflow reads", () => {
    const failure = toActivityFailure(throttled(true)) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(2_000);
    expect(failure.details).toEqual([
      {
        provider: 'autotask',
        operation: 'Appointments.create',
        status: 429,
        code: 'TooManyRequests',
        retryAfterMs: 2_000,
      },
    ]);
  });

  it('names no pause for a failure that will not be retried', () => {
    const failure = toActivityFailure(throttled(false)) as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.details?.[0]).not.toHaveProperty('retryAfterMs');
  });
});
