import fc from 'fast-check';
import { type Link, type Observation } from '../../src/domain/link';
import { isWrite, type PlanAction } from '../../src/domain/plan-action';
import { type Projection } from '../../src/domain/projection';
import { planSeries, seriesPlanTargets, type SeriesSource } from '../../src/domain/series-plan';
import { describePlan } from './support/describe-action';
import { eventInput, policyOf, projectFor } from './support/world';

const policy = policyOf({
  users: [{ userId: 'u1', email: 'ann@example.com', timeZone: 'Europe/Berlin', netsuite: false, autotask: true }],
});

const HOUR = 3_600_000;

function master(
  overrides: { rrule?: string; start?: string; title?: string; exdates?: string[]; sensitivity?: 'private' } = {}
): Projection {
  const start = overrides.start ?? '2026-03-02T08:00:00.000Z';
  return projectFor(
    'outlook:u1',
    eventInput({
      kind: 'series',
      title: overrides.title ?? 'Stand-up',
      timing: {
        allDay: false,
        start,
        end: new Date(Date.parse(start) + HOUR / 2).toISOString(),
        timeZone: 'Europe/Berlin',
      },
      recurrence: {
        rrule: overrides.rrule ?? 'FREQ=WEEKLY;BYDAY=MO;WKST=SU',
        timeZone: 'Europe/Berlin',
        exdates: overrides.exdates ?? [],
      },
      ...(overrides.sensitivity ? { extras: { outlook: { sensitivity: overrides.sensitivity } } } : {}),
    }),
    policy
  );
}

/** Autotask's side of the series: one appointment per occurrence key. */
class Target {
  links: Record<string, Link> = {};
  records = new Map<string, Projection>();
  outlookEdits: PlanAction[] = [];

  run(source: SeriesSource | null, window: { start: string; end: string }) {
    const current: Record<string, Observation> = {};
    for (const [key, link] of Object.entries(this.links)) {
      const record = this.records.get(key);
      current[key] = record
        ? { state: 'present', projection: record }
        : link.replicas['autotask:u1']
          ? { state: 'deleted' }
          : { state: 'outside-window' };
    }
    const result = planSeries(
      { seriesItemId: 'series-1', source, target: 'autotask:u1', occurrences: this.links, current, window },
      policy
    );
    for (const action of result.actions) {
      if (!isWrite(action) || action.occurrenceKey === undefined) continue;
      if (action.replica === 'outlook:u1') {
        this.outlookEdits.push(action);
        continue;
      }
      if (action.type === 'create') this.records.set(action.occurrenceKey, action.projection);
      if (action.type === 'delete') this.records.delete(action.occurrenceKey);
      if (action.type === 'update-fields') {
        const from = action.previousOccurrenceKey ?? action.occurrenceKey;
        this.records.delete(from);
        this.records.set(action.occurrenceKey, action.newBase);
      }
    }
    for (const [key, link] of Object.entries(result.links)) {
      if (link) this.links[key] = link;
      else delete this.links[key];
    }
    return result;
  }
}

const march = { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' };

describe('series plans for sides without recurrence', () => {
  it('an Outlook series becomes one Autotask appointment per occurrence in the window, and then rests', () => {
    const target = new Target();
    const first = target.run({ replica: 'outlook:u1', master: master() }, march);
    expect(describePlan(first.actions)).toEqual(
      [
        '2026-03-02T08:00:00.000Z',
        '2026-03-09T08:00:00.000Z',
        '2026-03-16T08:00:00.000Z',
        '2026-03-23T08:00:00.000Z',
        '2026-03-30T07:00:00.000Z',
      ].map(() => 'create autotask:u1 new')
    );
    expect([...target.records.keys()].sort()).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      // 09:00 Berlin after the DST change.
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(target.records.get('2026-03-09T08:00:00.000Z')?.fields).toMatchObject({ title: 'Stand-up' });
    expect(first.actions.every((a) => a.type !== 'create' || a.idempotencyKey.includes('series-1@'))).toBe(true);
    expect(describePlan(target.run({ replica: 'outlook:u1', master: master() }, march).actions)).toEqual([]);
  });

  it('a change of the series reaches every occurrence; an exception only its own', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const renamed = master({ title: 'Daily sync' });
    const exception: Projection = {
      ...renamed,
      fields: { ...renamed.fields, title: 'Special stand-up', location: 'Atrium' },
    };
    const result = target.run(
      { replica: 'outlook:u1', master: renamed, exceptions: { '2026-03-16T08:00:00Z': exception } },
      march
    );
    expect(describePlan(result.actions).filter((d) => d.startsWith('update'))).toHaveLength(5);
    expect(target.records.get('2026-03-09T08:00:00.000Z')?.fields.title).toBe('Daily sync');
    expect(target.records.get('2026-03-16T08:00:00.000Z')?.fields.title).toBe('Special stand-up');
  });

  it('a cancelled occurrence is deleted from Autotask', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const result = target.run(
      { replica: 'outlook:u1', master: master({ exdates: ['2026-03-09T08:00:00.000Z'] }) },
      march
    );
    expect(describePlan(result.actions)).toEqual(['delete autotask:u1 removed-from-series']);
    expect(target.records.has('2026-03-09T08:00:00.000Z')).toBe(false);
  });

  it('occurrences that leave the rolling window are forgotten, not deleted; new ones are created', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const april = { start: '2026-03-15T00:00:00.000Z', end: '2026-04-15T00:00:00.000Z' };
    const result = target.run({ replica: 'outlook:u1', master: master() }, april);
    const described = describePlan(result.actions);
    expect(described.filter((d) => d === 'skip autotask:u1 left-window')).toHaveLength(2);
    expect(described.filter((d) => d === 'create autotask:u1 new')).toHaveLength(2);
    expect(described.some((d) => d.startsWith('delete'))).toBe(false);
    expect(target.records.has('2026-03-02T08:00:00.000Z')).toBe(true);
  });

  it('moving the whole series to another time moves the appointments instead of re-creating them', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const later = master({ start: '2026-03-02T13:00:00.000Z' });
    const result = target.run({ replica: 'outlook:u1', master: later }, march);
    expect(describePlan(result.actions)).toEqual(Array(5).fill('update autotask:u1 timing'));
    expect(result.actions.every((a) => a.type === 'update-fields' && a.previousOccurrenceKey !== undefined)).toBe(true);
    expect(target.records.has('2026-03-09T13:00:00.000Z')).toBe(true);
    expect(describePlan(target.run({ replica: 'outlook:u1', master: later }, march).actions)).toEqual([]);
  });

  it('a shortened series deletes the occurrences it no longer has', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const result = target.run(
      { replica: 'outlook:u1', master: master({ rrule: 'FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=2' }) },
      march
    );
    expect(describePlan(result.actions)).toEqual(Array(3).fill('delete autotask:u1 removed-from-series'));
  });

  it('a deleted series deletes its occurrences in the window and forgets the rest', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const result = target.run(null, { start: '2026-03-10T00:00:00.000Z', end: '2026-04-10T00:00:00.000Z' });
    const described = describePlan(result.actions);
    expect(described.filter((d) => d.startsWith('delete'))).toHaveLength(3);
    expect(described.filter((d) => d === 'skip autotask:u1 left-window')).toHaveLength(2);
  });

  it('an occurrence edited in Autotask becomes an exception of the Outlook series', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master() }, march);
    const key = '2026-03-16T08:00:00.000Z';
    const record = target.records.get(key)!;
    target.records.set(key, { ...record, fields: { ...record.fields, title: 'Moved to the lab' } });
    const result = target.run({ replica: 'outlook:u1', master: master() }, march);
    expect(describePlan(result.actions)).toEqual(['update outlook:u1 title']);
    expect(target.outlookEdits[0]).toMatchObject({ occurrenceKey: key, fields: { title: 'Moved to the lab' } });
  });

  it('a private series reaches Autotask redacted', () => {
    const target = new Target();
    target.run({ replica: 'outlook:u1', master: master({ sensitivity: 'private' }) }, march);
    expect(
      [...target.records.values()].every((p) => p.fields.title === 'Appointment' && p.fields.description === '')
    ).toBe(true);
  });

  it('a rule that cannot be expanded needs attention instead of guessing', () => {
    const target = new Target();
    const broken = master({ rrule: 'FREQ=NEVER' });
    const result = target.run({ replica: 'outlook:u1', master: broken }, march);
    expect(describePlan(result.actions)).toEqual(['attention invalid-recurrence']);
  });
});

describe('series plan targets', () => {
  it('Autotask always gets occurrences; NetSuite too unless it holds series natively; directions apply', () => {
    const both = policyOf();
    expect(seriesPlanTargets('u1', both)).toEqual(['netsuite', 'autotask:u1']);
    expect(seriesPlanTargets('u1', policyOf({ netsuiteNativeRecurrence: true }))).toEqual(['autotask:u1']);
    expect(seriesPlanTargets('u1', policyOf({ directions: { netsuite: 'x-to-outlook', autotask: 'off' } }))).toEqual(
      []
    );
    expect(seriesPlanTargets('nobody', both)).toEqual([]);
  });
});

describe('series plan properties', () => {
  const ruleArb = fc.constantFrom(
    'FREQ=DAILY;INTERVAL=2',
    'FREQ=WEEKLY;BYDAY=MO,TH;WKST=SU',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1',
    'FREQ=WEEKLY;BYDAY=TU;COUNT=6'
  );
  const changeArb = fc.record({
    title: fc.constantFrom('Stand-up', 'Sync'),
    hour: fc.constantFrom(8, 13),
    shiftDays: fc.integer({ min: 0, max: 40 }),
    cancelFirst: fc.boolean(),
  });

  it('after any change of series, exception list or window, a second run writes nothing', () => {
    fc.assert(
      fc.property(ruleArb, fc.array(changeArb, { minLength: 1, maxLength: 4 }), (rrule, changes) => {
        const target = new Target();
        for (const change of changes) {
          const start = `2026-03-02T${String(change.hour).padStart(2, '0')}:00:00.000Z`;
          const window = {
            start: new Date(Date.parse('2026-03-01T00:00:00Z') + change.shiftDays * 86_400_000).toISOString(),
            end: new Date(Date.parse('2026-04-01T00:00:00Z') + change.shiftDays * 86_400_000).toISOString(),
          };
          const exdates = change.cancelFirst ? [start] : [];
          const source = { replica: 'outlook:u1', master: master({ rrule, start, title: change.title, exdates }) };
          target.run(source, window);
          expect(describePlan(target.run(source, window).actions.filter(isWrite))).toEqual([]);
        }
      }),
      { numRuns: 60 }
    );
  });
});
