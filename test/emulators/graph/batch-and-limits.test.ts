import { startHarness, type Harness } from './harness';

/** $batch, the per-mailbox concurrency limit, injected faults and the request log. */
describe('Graph emulator: batch and limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());
  afterEach(() => h.emu.faults.reset());

  const ev = (subject: string) =>
    h.emu.userSide.createEvent(h.alice, { subject, start: '2026-03-05T10:00', end: '2026-03-05T11:00' });

  it('runs up to 20 requests, each with its own status, and 404 for missing items', async () => {
    const a = ev('a');
    const res = await h.call('POST', '/$batch', {
      requests: [
        {
          id: '1',
          method: 'GET',
          url: `/users/${h.alice}/events/${a.id}`,
          headers: { Prefer: 'IdType="ImmutableId"' },
        },
        { id: '2', method: 'GET', url: `/users/${h.alice}/events/nope` },
      ],
    });
    expect(res.json.error?.message).toBeUndefined();
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.json.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId['1']).toMatchObject({ status: 200, body: { id: a.id, subject: 'a' } });
    expect(byId['2']).toMatchObject({ status: 404, body: { error: { code: 'ErrorItemNotFound' } } });
    const tooMany = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${h.alice}/events/${a.id}`,
    }));
    expect((await h.call('POST', '/$batch', { requests: tooMany })).status).toBe(400);
    const dup = [
      { id: 'x', method: 'GET', url: `/users/${h.alice}/events/${a.id}` },
      { id: 'X', method: 'GET', url: `/users/${h.alice}/events/${a.id}` },
    ];
    expect((await h.call('POST', '/$batch', { requests: dup })).status).toBe(400);
  });

  it('answers 424 for requests whose dependency failed', async () => {
    const res = await h.call('POST', '/$batch', {
      requests: [
        {
          id: '1',
          method: 'POST',
          url: `/users/${h.alice}/events`,
          headers: { 'Content-Type': 'application/json' },
          body: { subject: 'no times' },
        },
        { id: '2', method: 'GET', url: `/users/${h.alice}/events`, dependsOn: ['1'] },
      ],
    });
    const statuses = res.json.responses.map((r: { id: string; status: number }) => [r.id, r.status]);
    expect(statuses).toEqual([
      ['1', 400],
      ['2', 424],
    ]);
  });

  it('throttles the fifth concurrent request to one mailbox with 429 ApplicationThrottled and Retry-After', async () => {
    h.emu.faults.set({ latencyMs: 150, retryAfterSeconds: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => h.call('GET', `/users/${h.alice}/events?$top=1`))
    );
    const throttled = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(throttled).toHaveLength(2);
    expect(throttled[0]?.json.error.code).toBe('ApplicationThrottled');
    expect(throttled[0]?.headers.get('retry-after')).toBe('2');
    // Another mailbox is not affected.
    expect((await h.call('GET', `/users/${h.bob}/events?$top=1`)).status).toBe(200);
  });

  it('injects 429 and 503 for the next requests, and logs every request with its Prefer header', async () => {
    h.emu.faults.unavailableNext(1, { retryAfterSeconds: 5, mailbox: h.alice });
    const first = await h.call('GET', `/users/${h.alice}/events`);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('5');
    expect((await h.call('GET', `/users/${h.alice}/events`)).status).toBe(200);
    const last = h.emu.requestLog.at(-1);
    expect(last).toMatchObject({ method: 'GET', mailbox: h.alice, status: 200, inBatch: false });
    expect(last?.prefer.join(',')).toContain('IdType="ImmutableId"');
  });
});
