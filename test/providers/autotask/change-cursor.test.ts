import fc from 'fast-check';
import { advanceCursor, changeFilter, initialCursor } from '../../../src/providers/autotask/change-feed';
import { parseAutotaskInstant } from '../../../src/providers/autotask/datetime';

const rec = (id: number, updateDateTime: string | null, createDateTime = '2026-03-01T00:00:00.000Z') => ({
  id,
  updateDateTime,
  createDateTime,
});

describe('change cursor', () => {
  it('asks for changes since the watermark less the overlap, including never-modified records', () => {
    const cursor = initialCursor('ServiceCalls', '2026-03-02T08:00:00Z');
    expect(changeFilter(cursor, 60_000)).toEqual([
      {
        op: 'or',
        items: [
          { op: 'gte', field: 'lastModifiedDateTime', value: '2026-03-02T07:59:00.000Z' },
          {
            op: 'and',
            items: [
              { op: 'notExist', field: 'lastModifiedDateTime' },
              { op: 'gte', field: 'createDateTime', value: '2026-03-02T07:59:00.000Z' },
            ],
          },
        ],
      },
    ]);
  });

  it('drops what an earlier pull returned and advances to the newest change', () => {
    const start = initialCursor('Appointments', '2026-03-02T08:00:00Z');
    const one = advanceCursor(start, [rec(1, '2026-03-02T08:00:10.000Z'), rec(2, '2026-03-02T08:00:20.000Z')], 60_000);
    expect(one.changes.map((r) => r.id)).toEqual([1, 2]);
    expect(one.cursor.watermark).toBe('2026-03-02T08:00:20.000Z');
    const again = advanceCursor(
      one.cursor,
      [rec(1, '2026-03-02T08:00:10.000Z'), rec(2, '2026-03-02T08:00:20.000Z')],
      60_000
    );
    expect(again.changes).toEqual([]);
    // The same record changed again (new time) is a change.
    const edited = advanceCursor(again.cursor, [rec(1, '2026-03-02T08:00:15.000Z')], 60_000);
    expect(edited.changes.map((r) => r.id)).toEqual([1]);
  });

  it('forgets seen entries once they fall out of the overlap window', () => {
    const start = initialCursor('Appointments', '2026-03-02T08:00:00Z');
    const one = advanceCursor(start, [rec(1, '2026-03-02T08:00:10.000Z')], 60_000);
    const later = advanceCursor(one.cursor, [rec(2, '2026-03-02T09:00:00.000Z')], 60_000);
    expect(later.cursor.seen).toEqual([[2, '2026-03-02T09:00:00.000Z']]);
  });

  it('never loses a change and never repeats one, whatever the overlap re-reads (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 600 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (writes, pulls) => {
          // Writes happen in time order; each pull sees every write so far (the server's answer
          // to "changed since watermark - overlap", re-reading older rows as a real overlap does).
          const sorted = [...writes].sort((a, b) => a[1] - b[1]);
          const base = Date.parse('2026-03-02T08:00:00Z');
          let cursor = initialCursor('Appointments', new Date(base).toISOString());
          const delivered = new Set<string>();
          const latest = new Map<number, number>();
          const per = Math.ceil(sorted.length / pulls) || 1;
          for (let i = 0; i < sorted.length; i += per) {
            for (const [id, s] of sorted.slice(i, i + per)) latest.set(id, Math.max(latest.get(id) ?? 0, s));
            const visible = [...latest].map(([id, s]) => rec(id, new Date(base + s * 1000).toISOString()));
            const floor = Date.parse(cursor.watermark) - 600_000;
            const answer = visible.filter((r) => Date.parse(r.updateDateTime ?? '') >= floor);
            const out = advanceCursor(cursor, answer, 600_000);
            for (const r of out.changes) {
              const key = `${r.id}@${r.updateDateTime}`;
              if (delivered.has(key)) return false;
              delivered.add(key);
            }
            cursor = out.cursor;
          }
          // The final state of every record was delivered.
          return [...latest].every(([id, s]) => delivered.has(`${id}@${new Date(base + s * 1000).toISOString()}`));
        }
      )
    );
  });
});

describe('Autotask date-times', () => {
  it.each([
    ['2020-01-22T13:00:00Z', '2020-01-22T13:00:00.000Z'],
    ['2020-01-22T13:00:00.5Z', '2020-01-22T13:00:00.500Z'],
    ['2024-05-01T12:34:56.1234567Z', '2024-05-01T12:34:56.123Z'],
    ['2024-05-01T12:34:56', '2024-05-01T12:34:56.000Z'],
  ])('reads %s as UTC', (text, iso) => {
    expect(parseAutotaskInstant(text)).toBe(iso);
  });

  it('refuses text that is not a UTC date-time', () => {
    expect(parseAutotaskInstant('2024-05-01T12:34:56+02:00')).toBeUndefined();
    expect(parseAutotaskInstant('yesterday')).toBeUndefined();
  });
});
