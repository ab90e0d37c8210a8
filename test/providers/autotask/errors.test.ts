import { classifyHttpFailure, errorMessages } from '../../../src/providers/autotask/errors';

const classify = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  classifyHttpFailure({
    operation: 'Appointments.query',
    status,
    body,
    headers,
    now: Date.parse('2026-03-02T08:00:00Z'),
  });

// Autotask's HTTP 500s carry the reason; the class decides whether Temporal retries.
describe('classifying Autotask failures', () => {
  it.each([
    [500, ['IntegrationCode is invalid.'], 'AuthenticationFailed', false],
    [500, ['Zone information could not be determined'], 'ZoneUnknown', false],
    [
      500,
      ['The logged in Resource does not have the adequate permissions to query this entity.'],
      'PermissionDenied',
      false,
    ],
    [
      500,
      ['No matching records found. The logged in Resource may not have the required permissions to delete the data.'],
      'NotFound',
      false,
    ],
    [500, ['Unable to find colour in the Appointment entity.'], 'InvalidRequest', false],
    [500, ['Value does not reference an existing entity for taskType . '], 'InvalidRequest', false],
    [500, ['Something we have never seen before.'], 'InvalidRequest', false],
    [
      500,
      ['Thread Threshold Exceeded - The Autotask API thread threshold of 3 threads has been exceeded. Itgenatr005'],
      'ThreadLimit',
      true,
    ],
    [429, ['Itgenatr005'], 'ThreadLimit', true],
    [500, ['The operation timed out, please try again.'], 'ServerError', true],
    [401, [], 'AuthenticationFailed', false],
    [403, [], 'PermissionDenied', false],
    [404, [], 'NotFound', false],
  ])('HTTP %i %j → %s (retryable: %s)', (status, errors, code, retryable) => {
    const err = classify(status, { errors });
    expect(err).toMatchObject({ provider: 'autotask', operation: 'Appointments.query', status, code, retryable });
  });

  it('reads IIS {Message} bodies (405) as method-not-allowed', () => {
    const err = classify(405, { Message: "The requested resource does not support http method 'GET'." });
    expect(err).toMatchObject({ code: 'MethodNotAllowed', retryable: false });
    expect(err.message).toMatch(/does not support http method/);
  });

  it('retries a 500 without an Autotask reason (an HTML page) and a 503', () => {
    expect(classify(500, '<html>oops</html>')).toMatchObject({ code: 'ServerError', retryable: true });
    expect(classify(503, '')).toMatchObject({ code: 'ServerError', retryable: true });
  });

  it('honours Retry-After on 429 in seconds or as a date, and defaults when absent', () => {
    expect(classify(429, {}, { 'retry-after': '12' }).retryAfterMs).toBe(12_000);
    expect(classify(429, {}, { 'retry-after': 'Mon, 02 Mar 2026 08:00:30 GMT' }).retryAfterMs).toBe(30_000);
    expect(classify(429, {}).retryAfterMs).toBe(60_000);
  });

  it('gives a thread-limit rejection a short default delay and no delay to non-retryable errors', () => {
    expect(classify(500, { errors: ['Itgenatr005'] }).retryAfterMs).toBe(1_000);
    expect(
      classify(500, { errors: ['IntegrationCode is invalid.'] }, { 'retry-after': '5' }).retryAfterMs
    ).toBeUndefined();
  });

  it('keeps all messages of a multi-error body', () => {
    expect(errorMessages({ errors: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(classify(500, { errors: ['title is required.', 'endDateTime is required.'] }).message).toMatch(
      /title is required\. \| endDateTime is required\./
    );
  });
});
