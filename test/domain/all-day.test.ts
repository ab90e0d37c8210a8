import fc from 'fast-check';
import {
  addDays,
  allDayToInstants,
  datesToGraphAllDay,
  daysBetween,
  graphAllDayToDates,
  instantsToAllDay,
} from '../../src/domain/all-day';

const ZONES = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'];
const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('all-day dates', () => {
  it('reads Graph all-day bounds as dates whatever zone the response used', () => {
    expect(
      graphAllDayToDates(
        { dateTime: '2026-03-29T00:00:00.0000000', timeZone: 'UTC' },
        { dateTime: '2026-03-30T00:00:00.0000000', timeZone: 'UTC' }
      )
    ).toEqual({ ok: true, range: { startDate: '2026-03-29', endDate: '2026-03-30' } });
  });

  it('a zero-length all-day event still covers one day', () => {
    const r = graphAllDayToDates(
      { dateTime: '2026-01-01T00:00:00', timeZone: 'UTC' },
      { dateTime: '2026-01-01T00:00:00', timeZone: 'UTC' }
    );
    expect(r).toEqual({ ok: true, range: { startDate: '2026-01-01', endDate: '2026-01-02' } });
  });

  it('an all-day range written for Graph and read back never shifts by a day, in any zone', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 10 }), fc.constantFrom(...ZONES), (start, length, zone) => {
        const range = { startDate: start, endDate: addDays(start, length) };
        const graph = datesToGraphAllDay(range, zone);
        expect(graphAllDayToDates(graph.start, graph.end)).toEqual({ ok: true, range });
      }),
      { numRuns: 200 }
    );
  });

  it('blocks the whole local day in UTC instants, 23 or 25 hours long across DST', () => {
    expect(allDayToInstants({ startDate: '2026-03-29', endDate: '2026-03-30' }, 'Europe/Berlin')).toEqual({
      start: '2026-03-28T23:00:00.000Z',
      end: '2026-03-29T22:00:00.000Z',
    });
  });

  it('recognises instants that span whole local days, and only those', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 5 }), fc.constantFrom(...ZONES), (start, length, zone) => {
        const range = { startDate: start, endDate: addDays(start, length) };
        const span = allDayToInstants(range, zone);
        expect(instantsToAllDay(span.start, span.end, zone)).toEqual(range);
      }),
      { numRuns: 200 }
    );
    expect(instantsToAllDay('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z', 'UTC')).toBeUndefined();
  });

  it('does date arithmetic across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(() => addDays('2025-02-29', 1)).toThrow(RangeError);
  });
});
