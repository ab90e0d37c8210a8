import { ProviderError } from '../../../src/providers/provider-error';
import { inProcessGate } from '../../../src/providers/call-gate';
import { netSuiteError } from '../../../src/providers/netsuite/errors';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  );

describe('NetSuite errors become typed ProviderErrors', () => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });
  afterEach(() => h.emulator.faults.clear());

  it('429 CONCURRENCY_LIMIT_EXCEEDED is retryable and carries Retry-After', async () => {
    h.emulator.faults.inject({
      path: '/services/rest/record',
      status: 429,
      code: 'CONCURRENCY_LIMIT_EXCEEDED',
      detail: 'Concurrent request limit exceeded. Request blocked.',
      retryAfterSeconds: 3,
    });
    const error = await failure(h.tba.getCalendarEvent('1'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      provider: 'netsuite',
      operation: 'calendarEvent.get',
      status: 429,
      code: 'CONCURRENCY_LIMIT_EXCEEDED',
      retryable: true,
      retryAfterMs: 3000,
    });
  });

  it('5xx is retryable', async () => {
    h.emulator.faults.inject({
      method: 'PUT',
      status: 500,
      code: 'UNEXPECTED_ERROR',
      detail: 'An unexpected error occurred. Error ID: abc',
    });
    const error = await failure(
      h.tba.upsertCalendarEventByExternalId('err-1', { title: 't', startDate: '2026-01-01' })
    );
    expect(error).toMatchObject({ status: 500, code: 'UNEXPECTED_ERROR', retryable: true });
  });

  it('NONEXISTENT_ID on an update is not retryable', async () => {
    const error = await failure(h.tba.updateCalendarEvent('424242', { title: 'x' }));
    expect(error).toMatchObject({
      status: 404,
      code: 'NONEXISTENT_ID',
      retryable: false,
      operation: 'calendarEvent.update',
    });
  });

  it('INVALID_CONTENT names the offending field path', async () => {
    const error = await failure(
      h.tba.createCalendarEvent({ title: 'x', startDate: '2026-01-01', organizer: { id: '999999' } })
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_CONTENT', retryable: false });
    expect((error as Error).message).toContain('organizer');
  });

  it('a dropped connection is a retryable network error', async () => {
    h.emulator.faults.inject({ path: '/services/rest/record', dropConnection: true });
    const error = await failure(h.tba.getCalendarEvent('1'));
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', retryable: true });
  });

  it('a 200 whose body breaks the documented shape is an INVALID_RESPONSE naming the field', async () => {
    h.emulator.faults.inject({
      method: 'GET',
      path: '/services/rest/record/v1/calendarEvent/',
      status: 200,
      body: { id: '5', title: 'x', startDate: 'next tuesday' },
    });
    const error = await failure(h.tba.getCalendarEvent('5'));
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
    expect((error as Error).message).toContain('startDate');
  });

  it('an external id NetSuite cannot address is refused before any request', async () => {
    const before = h.emulator.requestLog.length;
    await expect(failure(h.tba.upsertCalendarEventByExternalId('a|b', { title: 'x' }))).resolves.toMatchObject({
      code: 'INVALID_EXTERNAL_ID',
      retryable: false,
    });
    expect(h.emulator.requestLog.length).toBe(before);
  });

  it('reads the vendor shape with a top-level o:errorCode as well', () => {
    const error = netSuiteError('op', {
      status: 429,
      body: {
        type: 'x',
        title: 'Bad Request',
        status: 429,
        'o:errorCode': 'USER_ERROR',
        'o:errorDetails': [
          {
            detail: 'Concurrent request limit exceeded. Request blocked.',
            'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED',
          },
        ],
      },
    });
    expect(error).toMatchObject({ code: 'CONCURRENCY_LIMIT_EXCEEDED', retryable: true });
  });
});

describe('the account-wide concurrency limit', () => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness({ concurrencyLimit: 2, latencyMs: 40 });
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('the emulator answers 429 CONCURRENCY_LIMIT_EXCEEDED beyond the limit', async () => {
    const client = h.clientFor('tba', { concurrency: 6 });
    const results = await Promise.all(Array.from({ length: 6 }, () => failure(client.getCalendarEvent('1'))));
    const limited = results.filter((r) => r instanceof ProviderError && r.code === 'CONCURRENCY_LIMIT_EXCEEDED');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => (r as ProviderError).retryable)).toBe(true);
  });

  it('two workers sharing one injected gate keep under the limit together', async () => {
    const gate = inProcessGate(2);
    const workerA = h.clientFor('tba', { gate });
    const workerB = h.clientFor('m2m', { gate });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => failure((i % 2 ? workerA : workerB).getCalendarEvent('1')))
    );
    expect(results.every((r) => r === undefined)).toBe(true);
  });
});
