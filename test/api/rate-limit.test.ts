import { RateLimiter } from '../../src/api/rate-limit';

describe('per-key token bucket', () => {
  it('allows a burst of the per-minute limit, then one request per refill interval', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(1000);
    now += 999;
    expect(limiter.take('k')).toBeGreaterThan(0);
    now += 1;
    expect(limiter.take('k')).toBe(0);
  });

  it('keeps each key in its own bucket', () => {
    const limiter = new RateLimiter(1, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('never saves up more than one burst', () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    now += 3_600_000;
    for (let i = 0; i < 10; i++) expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });
});
