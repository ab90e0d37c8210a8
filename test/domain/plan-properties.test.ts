import fc from 'fast-check';
import { accessClassOf, type AccessValue } from '../../src/domain/access-level';
import { type CanonicalEventInput } from '../../src/domain/canonical-event';
import { type Direction } from '../../src/domain/policy';
import { type ProjectionFields } from '../../src/domain/projection';
import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

const directionArb = fc.constantFrom<Direction>('both', 'outlook-to-x', 'x-to-outlook', 'off');
const originArb = fc.constantFrom('outlook:u1', 'netsuite', 'autotask:u1');
const outlookAccessArb = fc.constantFrom('normal', 'personal', 'private', 'confidential');
const netsuiteAccessArb = fc.constantFrom('PUBLIC', 'PRIVATE', 'SHOW_AS_BUSY');

const timingArb = fc.oneof(
  fc.record({ day: fc.integer({ min: 1, max: 28 }), hour: fc.integer({ min: 0, max: 22 }) }).map(({ day, hour }) => ({
    allDay: false as const,
    start: `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`,
    end: `2026-03-${String(day).padStart(2, '0')}T${String(hour + 1).padStart(2, '0')}:00:00.000Z`,
    timeZone: 'Europe/Berlin',
  })),
  fc.integer({ min: 1, max: 27 }).map((day) => ({
    allDay: true as const,
    startDate: `2026-03-${String(day).padStart(2, '0')}`,
    endDate: `2026-03-${String(day + 1).padStart(2, '0')}`,
    timeZone: 'Europe/Berlin',
  }))
);

const initialArb = fc.record({
  title: fc.constantFrom('Review', 'Call', 'Lunch'),
  location: fc.constantFrom('', 'Room 1'),
  timing: timingArb,
  outlookAccess: outlookAccessArb,
  netsuiteAccess: netsuiteAccessArb,
  categories: fc.constantFrom<string[]>([], ['Autotask']),
});

type Step =
  | { kind: 'edit'; replica: string; fields: ProjectionFields }
  | { kind: 'delete'; replica: string }
  | { kind: 'access'; replica: 'outlook:u1' | 'netsuite'; value: AccessValue };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('edit' as const),
    replica: fc.constantFrom('outlook:u1', 'netsuite', 'autotask:u1'),
    fields: fc.oneof(
      fc.record({ title: fc.constantFrom('Renamed', 'Other', 'Review') }),
      fc.record({ description: fc.constantFrom('', 'Notes') }),
      fc.record({ timing: timingArb })
    ),
  }),
  fc.record({
    kind: fc.constant('edit' as const),
    replica: fc.constant('outlook:u1'),
    fields: fc.oneof(
      fc.record({ location: fc.constantFrom('Room 2', '') }),
      fc.record({ categories: fc.constantFrom<string[]>([], ['Autotask']) })
    ),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    replica: fc.constantFrom('outlook:u1', 'netsuite', 'autotask:u1'),
  }),
  fc.oneof(
    fc.record({
      kind: fc.constant('access' as const),
      replica: fc.constant('outlook:u1' as const),
      value: outlookAccessArb,
    }),
    fc.record({
      kind: fc.constant('access' as const),
      replica: fc.constant('netsuite' as const),
      value: netsuiteAccessArb,
    })
  )
);

const policyArb = fc.record({
  netsuite: directionArb,
  autotask: directionArb,
  byCategory: fc.boolean(),
  systemOfRecord: fc.boolean(),
});

type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

function setup(p: ArbValue<typeof policyArb>, initial: ArbValue<typeof initialArb>, origin: string) {
  const policy = policyOf({
    users: [{ userId: 'u1', email: 'ann@example.com', timeZone: 'Europe/Berlin', netsuite: true, autotask: true }],
    directions: { netsuite: p.netsuite, autotask: p.autotask },
    selection: { autotask: p.byCategory ? { mode: 'category', category: 'Autotask' } : { mode: 'all' } },
    ...(p.systemOfRecord ? {} : { systemOfRecord: {} }),
  });
  const input: CanonicalEventInput = eventInput({
    title: initial.title,
    location: initial.location,
    timing: initial.timing,
    categories: initial.categories,
    extras: { outlook: { sensitivity: initial.outlookAccess }, netsuite: { accessLevel: initial.netsuiteAccess } },
  });
  const world = new World();
  world.put(origin, projectFor(origin, input, policy));
  return { policy, world, sync: new Sync(world, policy, origin) };
}

function applyStep(world: World, step: Step): void {
  if (!world.records.has(step.replica)) return;
  if (step.kind === 'delete') world.remove(step.replica);
  else if (step.kind === 'access') world.edit(step.replica, { access: step.value });
  else world.edit(step.replica, step.fields);
}

describe('plan properties', () => {
  it('applying a plan and planning again yields no further writes (idempotent, no echo)', () => {
    fc.assert(
      fc.property(
        policyArb,
        initialArb,
        originArb,
        fc.array(fc.array(stepArb, { maxLength: 3 }), { maxLength: 4 }),
        (p, initial, origin, rounds) => {
          const { world, sync } = setup(p, initial, origin);
          sync.round();
          expect(describePlan(writes(sync.round()))).toEqual([]);
          for (const steps of rounds) {
            for (const step of steps) applyStep(world, step);
            sync.round();
            expect(describePlan(writes(sync.round()))).toEqual([]);
          }
        }
      ),
      { numRuns: Number(process.env.PLAN_RUNS ?? 150) }
    );
  });

  it('idempotence holds for a meeting in two synced mailboxes, with responses and removals', () => {
    const meetingStep: fc.Arbitrary<Step> = fc.oneof(
      stepArb,
      fc.record({
        kind: fc.constant('edit' as const),
        replica: fc.constant('outlook:u2'),
        fields: fc.record({
          responses: fc.constantFrom('accepted', 'declined', 'tentative').map((r) => ({ 'bob@example.com': r })),
        }),
      }),
      fc.record({
        kind: fc.constant('edit' as const),
        replica: fc.constant('netsuite'),
        fields: fc.record({
          responses: fc.constantFrom('accepted', 'declined', 'none').map((r) => ({ 'bob@example.com': r })),
        }),
      }),
      fc.record({ kind: fc.constant('delete' as const), replica: fc.constant('outlook:u2') })
    );
    fc.assert(
      fc.property(policyArb, fc.array(fc.array(meetingStep, { maxLength: 3 }), { maxLength: 4 }), (p, rounds) => {
        const policy = policyOf({
          directions: { netsuite: p.netsuite, autotask: p.autotask },
          selection: { autotask: p.byCategory ? { mode: 'category', category: 'Autotask' } : { mode: 'all' } },
        });
        const meeting = eventInput({
          iCalUid: 'uid-1',
          attendees: [{ email: 'bob@example.com', response: 'accepted' }],
        });
        const world = new World();
        world.put('outlook:u1', projectFor('outlook:u1', meeting, policy));
        world.put('outlook:u2', projectFor('outlook:u2', meeting, policy));
        const sync = new Sync(world, policy, 'outlook:u1');
        sync.round();
        expect(describePlan(writes(sync.round()))).toEqual([]);
        for (const steps of rounds) {
          for (const step of steps) applyStep(world, step);
          sync.round();
          expect(describePlan(writes(sync.round()))).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.PLAN_RUNS ?? 100) }
    );
  });

  it('after a round every replica that may receive changes agrees with the others (convergence)', () => {
    fc.assert(
      fc.property(initialArb, originArb, fc.array(stepArb, { maxLength: 4 }), (initial, origin, steps) => {
        const { world, sync } = setup(
          { netsuite: 'both', autotask: 'both', byCategory: false, systemOfRecord: true },
          initial,
          origin
        );
        sync.round();
        for (const step of steps) applyStep(world, step);
        sync.round();
        const o = world.records.get('outlook:u1')?.projection.fields;
        const n = world.records.get('netsuite')?.projection.fields;
        if (o && n) {
          expect(n.title).toBe(o.title);
          expect(n.location).toBe(o.location);
          expect(accessClassOf(n.access!)).toBe(accessClassOf(o.access!));
        }
      }),
      { numRuns: Number(process.env.PLAN_RUNS ?? 100) }
    );
  });

  it('a lossy access level never ping-pongs: edits of other fields leave both native values alone', () => {
    fc.assert(
      fc.property(
        outlookAccessArb.filter((a) => a !== 'normal'),
        netsuiteAccessArb.filter((a) => a !== 'PUBLIC'),
        fc.array(
          stepArb.filter((s) => s.kind === 'edit'),
          { minLength: 1, maxLength: 5 }
        ),
        (outlookAccess, netsuiteAccess, steps) => {
          const { world, sync } = setup(
            { netsuite: 'both', autotask: 'both', byCategory: false, systemOfRecord: true },
            {
              title: 'Review',
              location: '',
              timing: {
                allDay: false,
                start: '2026-03-02T09:00:00.000Z',
                end: '2026-03-02T10:00:00.000Z',
                timeZone: 'Europe/Berlin',
              },
              outlookAccess,
              netsuiteAccess,
              categories: [],
            },
            'outlook:u1'
          );
          sync.settle();
          // Both sides hold their own restricted value, as users would set them.
          world.edit('outlook:u1', { access: outlookAccess });
          world.edit('netsuite', { access: netsuiteAccess });
          sync.settle();
          for (const step of steps) {
            applyStep(world, step);
            sync.settle();
            expect(world.records.get('outlook:u1')?.projection.fields.access).toBe(outlookAccess);
            expect(world.records.get('netsuite')?.projection.fields.access).toBe(netsuiteAccess);
          }
        }
      ),
      { numRuns: Number(process.env.PLAN_RUNS ?? 40) }
    );
  });
});
