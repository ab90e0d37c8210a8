import { type Link } from '../../src/domain/link';
import { plan } from '../../src/domain/plan';
import { type Direction } from '../../src/domain/policy';
import { describePlan } from './support/describe-action';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

/**
 * Every case of plan() for one item between an Outlook mailbox (O) and NetSuite (N):
 * each side unchanged / changed / deleted / absent, under each direction policy.
 * O organises the event, which has no attendees (not a meeting); when both change, N's edit is
 * the later one.
 */

type SideState = 'unchanged' | 'changed' | 'deleted' | 'absent';

function scenario(o: SideState, n: SideState, direction: Direction) {
  const policy = policyOf({
    users: [{ userId: 'u1', email: 'ann@example.com', timeZone: 'Europe/Berlin', netsuite: true, autotask: false }],
    directions: { netsuite: direction, autotask: 'off' },
  });
  const base = {
    o: projectFor('outlook:u1', eventInput(), policy),
    n: projectFor('netsuite', eventInput(), policy),
  };
  const link: Link = {
    itemId: 'item-1',
    kind: 'event',
    origin: o === 'absent' ? 'netsuite' : 'outlook:u1',
    replicas: {
      ...(o !== 'absent' ? { 'outlook:u1': { side: 'outlook', userId: 'u1', recordId: 'o-1', base: base.o } } : {}),
      ...(n !== 'absent' ? { netsuite: { side: 'netsuite', recordId: 'n-1', base: base.n } } : {}),
    },
  };
  const world = new World();
  if (o === 'unchanged' || o === 'changed') world.put('outlook:u1', base.o);
  if (n === 'unchanged' || n === 'changed') world.put('netsuite', base.n);
  if (o === 'changed') world.edit('outlook:u1', { title: 'Outlook title' });
  if (n === 'changed') world.edit('netsuite', { title: 'NetSuite title' });
  return { policy, link, world };
}

const SKIP_N = 'skip netsuite connector-off';

// prettier-ignore
const TABLE: readonly [SideState, SideState, Direction, readonly string[], string][] = [
  ['unchanged', 'unchanged', 'both', [], 'nothing changed: nothing to do'],
  ['unchanged', 'unchanged', 'outlook-to-x', [], 'nothing changed: nothing to do'],
  ['unchanged', 'unchanged', 'x-to-outlook', [], 'nothing changed: nothing to do'],
  ['unchanged', 'unchanged', 'off', [SKIP_N], 'connector off: NetSuite is left alone'],

  ['changed', 'unchanged', 'both', ['update netsuite title'], 'changed in Outlook: the field travels to NetSuite'],
  ['changed', 'unchanged', 'outlook-to-x', ['update netsuite title'], 'changed in Outlook, Outlook→NetSuite: travels'],
  ['changed', 'unchanged', 'x-to-outlook', [], 'changed in Outlook, NetSuite→Outlook only: stays in Outlook'],
  ['changed', 'unchanged', 'off', [SKIP_N], 'connector off: nothing travels'],

  ['unchanged', 'changed', 'both', ['update outlook:u1 title'], 'changed in NetSuite: the field travels to Outlook'],
  ['unchanged', 'changed', 'outlook-to-x', [], 'changed in NetSuite, Outlook→NetSuite only: stays in NetSuite'],
  ['unchanged', 'changed', 'x-to-outlook', ['update outlook:u1 title'], 'changed in NetSuite, NetSuite→Outlook: travels'],
  ['unchanged', 'changed', 'off', [SKIP_N], 'connector off: nothing travels'],

  ['changed', 'changed', 'both', ['conflict title netsuite later-modification', 'update outlook:u1 title'], 'changed on both, no attendees: the later edit wins, conflict reported'],
  ['changed', 'changed', 'outlook-to-x', ['conflict title outlook:u1 direction', 'update netsuite title'], 'changed on both, one-way: the mirror loses'],
  ['changed', 'changed', 'x-to-outlook', ['conflict title netsuite direction', 'update outlook:u1 title'], 'changed on both, one-way: Outlook is the mirror and loses'],
  ['changed', 'changed', 'off', [SKIP_N], 'connector off: no conflict to resolve'],

  ['deleted', 'unchanged', 'both', ['delete netsuite deleted-elsewhere'], 'deleted in Outlook, unchanged in NetSuite: delete there'],
  ['deleted', 'unchanged', 'outlook-to-x', ['delete netsuite deleted-elsewhere'], 'deleted in Outlook, Outlook→NetSuite: delete there'],
  ['deleted', 'unchanged', 'x-to-outlook', ['create outlook:u1 restore'], 'deleted in the Outlook mirror: put back from NetSuite'],
  ['deleted', 'unchanged', 'off', [SKIP_N], 'deleted in Outlook, connector off: NetSuite untouched'],

  ['unchanged', 'deleted', 'both', ['delete outlook:u1 deleted-elsewhere'], 'deleted in NetSuite, unchanged in Outlook: delete there'],
  ['unchanged', 'deleted', 'outlook-to-x', ['create netsuite restore'], 'deleted in the NetSuite mirror: put back from Outlook'],
  ['unchanged', 'deleted', 'x-to-outlook', ['delete outlook:u1 deleted-elsewhere'], 'deleted in NetSuite, NetSuite→Outlook: delete in Outlook'],
  ['unchanged', 'deleted', 'off', [], 'deleted in NetSuite, connector off: Outlook untouched'],

  ['changed', 'deleted', 'both', ['create netsuite modified-wins'], 'deleted in NetSuite, modified in Outlook: modification wins, re-created'],
  ['changed', 'deleted', 'outlook-to-x', ['create netsuite modified-wins'], 'same, Outlook→NetSuite: re-created'],
  ['changed', 'deleted', 'x-to-outlook', ['delete outlook:u1 deleted-elsewhere'], 'the mirror’s edit cannot reach NetSuite: the delete wins'],
  ['changed', 'deleted', 'off', [], 'connector off: the NetSuite delete is ignored'],

  ['deleted', 'changed', 'both', ['create outlook:u1 modified-wins'], 'deleted in Outlook, modified in NetSuite: modification wins, re-created'],
  ['deleted', 'changed', 'outlook-to-x', ['delete netsuite deleted-elsewhere'], 'the mirror’s edit cannot reach Outlook: the delete wins'],
  ['deleted', 'changed', 'x-to-outlook', ['create outlook:u1 modified-wins'], 'same, NetSuite→Outlook: re-created'],
  ['deleted', 'changed', 'off', [SKIP_N], 'connector off: NetSuite untouched'],

  ['deleted', 'deleted', 'both', [], 'deleted on both: forget the item'],
  ['deleted', 'deleted', 'outlook-to-x', [], 'deleted on both: forget the item'],
  ['deleted', 'deleted', 'x-to-outlook', [], 'deleted on both: forget the item'],
  ['deleted', 'deleted', 'off', [], 'deleted on both: forget the item'],

  ['absent', 'unchanged', 'both', ['create outlook:u1 new'], 'new in NetSuite: created in the organiser’s mailbox'],
  ['absent', 'unchanged', 'outlook-to-x', [], 'new in NetSuite, Outlook→NetSuite only: not copied'],
  ['absent', 'unchanged', 'x-to-outlook', ['create outlook:u1 new'], 'new in NetSuite, NetSuite→Outlook: created'],
  ['absent', 'unchanged', 'off', [SKIP_N], 'connector off: not copied'],

  ['absent', 'changed', 'both', ['create outlook:u1 new'], 'new and since edited in NetSuite: created with the edit'],
  ['absent', 'changed', 'outlook-to-x', [], 'Outlook→NetSuite only: not copied'],
  ['absent', 'changed', 'x-to-outlook', ['create outlook:u1 new'], 'created with the edit'],
  ['absent', 'changed', 'off', [SKIP_N], 'connector off: not copied'],

  ['unchanged', 'absent', 'both', ['create netsuite new'], 'new in Outlook: created in NetSuite'],
  ['unchanged', 'absent', 'outlook-to-x', ['create netsuite new'], 'new in Outlook, Outlook→NetSuite: created'],
  ['unchanged', 'absent', 'x-to-outlook', [], 'new in Outlook, NetSuite→Outlook only: not copied'],
  ['unchanged', 'absent', 'off', [], 'connector off: not copied'],

  ['changed', 'absent', 'both', ['create netsuite new'], 'new and since edited in Outlook: created with the edit'],
  ['changed', 'absent', 'outlook-to-x', ['create netsuite new'], 'created with the edit'],
  ['changed', 'absent', 'x-to-outlook', [], 'NetSuite→Outlook only: not copied'],
  ['changed', 'absent', 'off', [], 'connector off: not copied'],

  ['deleted', 'absent', 'both', [], 'deleted before it ever reached NetSuite: forget'],
  ['deleted', 'absent', 'outlook-to-x', [], 'deleted before it ever reached NetSuite: forget'],
  ['deleted', 'absent', 'x-to-outlook', [], 'deleted before it ever reached NetSuite: forget'],
  ['deleted', 'absent', 'off', [], 'deleted before it ever reached NetSuite: forget'],

  ['absent', 'deleted', 'both', [], 'deleted before it ever reached Outlook: forget'],
  ['absent', 'deleted', 'outlook-to-x', [], 'deleted before it ever reached Outlook: forget'],
  ['absent', 'deleted', 'x-to-outlook', [], 'deleted before it ever reached Outlook: forget'],
  ['absent', 'deleted', 'off', [], 'deleted before it ever reached Outlook: forget'],

  ['absent', 'absent', 'both', [], 'exists nowhere: nothing'],
  ['absent', 'absent', 'outlook-to-x', [], 'exists nowhere: nothing'],
  ['absent', 'absent', 'x-to-outlook', [], 'exists nowhere: nothing'],
  ['absent', 'absent', 'off', [], 'exists nowhere: nothing'],
];

describe('plan: Outlook × NetSuite decision table', () => {
  it.each(TABLE)('Outlook %s, NetSuite %s, direction %s → %j (%s)', (o, n, direction, expected) => {
    const { policy, link, world } = scenario(o, n, direction);
    const first = plan(link, world.observe(link), policy);
    expect(describePlan(first.actions)).toEqual([...expected].sort());

    // Executing the plan and planning again must leave nothing to do (no echo).
    world.apply(first);
    const second = plan(first.link ?? { ...link, replicas: {} }, world.observe(first.link), policy);
    expect(describePlan(writes(second))).toEqual([]);
  });

  it('covers all 64 combinations', () => {
    const seen = new Set(TABLE.map(([o, n, d]) => `${o}/${n}/${d}`));
    expect(seen.size).toBe(64);
  });

  it('the item is forgotten when it is gone everywhere', () => {
    const { policy, link, world } = scenario('deleted', 'deleted', 'both');
    expect(plan(link, world.observe(link), policy).link).toBeNull();
  });

  it('after a conflict both sides hold the winner’s value', () => {
    const { policy, link, world } = scenario('changed', 'changed', 'both');
    world.apply(plan(link, world.observe(link), policy));
    expect(world.records.get('netsuite')?.projection.fields.title).toBe('NetSuite title');
    expect(world.records.get('outlook:u1')?.projection.fields.title).toBe('NetSuite title');
  });
});
