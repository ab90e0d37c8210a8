import type { Sandbox } from '../../src/runtime/sandbox';
import { overwrittenMidRound } from './convergence-races';

/** The convergence model's excuse for an unaudited lost edit must only fit the real interleaving. */
describe('overwrittenMidRound', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 9) + s * 1000).toISOString();
  const ms = (s: number) => Date.parse(t(s));
  const netsuite = (log: { method: string; url: string; at: string; durationMs: number }[]) =>
    ({ netsuite: { requestLog: log.map((r) => ({ status: 200, ...r })) } }) as unknown as Sandbox;
  const rec = '/services/rest/record/v1/calendarEvent/42';

  it('is true when the record was read before the edit and written after it, without a read between', () => {
    const sb = netsuite([
      { method: 'GET', url: rec, at: t(1), durationMs: 100 },
      { method: 'PATCH', url: rec, at: t(3), durationMs: 100 },
    ]);
    expect(overwrittenMidRound(sb, 'netsuite', '42', ms(2), 'a@b')).toBe(true);
  });

  it('is false when sync read the record again after the edit, or wrote it before, or it is another record', () => {
    const reread = netsuite([
      { method: 'GET', url: rec, at: t(1), durationMs: 100 },
      { method: 'GET', url: rec, at: t(2.5), durationMs: 100 },
      { method: 'PATCH', url: rec, at: t(3), durationMs: 100 },
    ]);
    expect(overwrittenMidRound(reread, 'netsuite', '42', ms(2), 'a@b')).toBe(false);
    const before = netsuite([
      { method: 'GET', url: rec, at: t(1), durationMs: 100 },
      { method: 'PATCH', url: rec, at: t(1.5), durationMs: 100 },
    ]);
    expect(overwrittenMidRound(before, 'netsuite', '42', ms(2), 'a@b')).toBe(false);
    const other = netsuite([
      { method: 'GET', url: `${rec}1`, at: t(1), durationMs: 100 },
      { method: 'PATCH', url: `${rec}1`, at: t(3), durationMs: 100 },
    ]);
    expect(overwrittenMidRound(other, 'netsuite', '42', ms(2), 'a@b')).toBe(false);
  });
});
