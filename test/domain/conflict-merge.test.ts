import { type ConflictResolvedAction } from '../../src/domain/plan-action';
import { plan } from '../../src/domain/plan';
import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

/**
 * Concurrent edits on two sides (DESIGN.md §4.3): only changed fields travel; where both changed
 * one field, the system of record (Autotask for an item that lives there, §2), then the organiser
 * for a meeting, then the later modification wins, and the conflict is reported for the audit.
 */
const fieldsOf = (world: World, key: string) => world.records.get(key)?.projection.fields;

function conflictsOf(actions: readonly { type: string }[]): ConflictResolvedAction[] {
  return actions.filter((a): a is ConflictResolvedAction => a.type === 'conflict-resolved');
}

describe('concurrent edits merge per field', () => {
  const policy = policyOf();

  /** An appointment made in Ann's Outlook, synced to NetSuite and Autotask. */
  function synced(input = eventInput()) {
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', input, policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    return { world, sync };
  }

  it.each([
    ['outlook:u1', 'netsuite'],
    ['netsuite', 'outlook:u1'],
  ])('the same field edited in %s, then in %s: the later edit wins everywhere, one conflict', (first, later) => {
    const { world, sync } = synced();
    world.edit(first, { title: `from ${first}` });
    world.edit(later, { title: `from ${later}` });
    const result = sync.round();
    expect(conflictsOf(result.actions)).toEqual([
      { type: 'conflict-resolved', field: 'title', winner: later, losers: [first], rule: 'later-modification' },
    ]);
    for (const key of ['outlook:u1', 'netsuite', 'autotask:u1'])
      expect(fieldsOf(world, key)?.title).toBe(`from ${later}`);
    expect(writes(sync.round())).toEqual([]);
  });

  it('edits within one second are no evidence of order (NetSuite stamps seconds): the fixed side order decides', () => {
    const { world, sync } = synced();
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('outlook:u1', { title: 'from Outlook' });
    // Outlook's stamp 400 ms after NetSuite's, NetSuite's cut to the second as NetSuite keeps it.
    const netsuite = world.records.get('netsuite')!;
    netsuite.modifiedAt = '2026-03-01T10:00:00.000Z';
    world.records.get('outlook:u1')!.modifiedAt = '2026-03-01T10:00:00.400Z';
    expect(conflictsOf(sync.round().actions)).toEqual([
      { type: 'conflict-resolved', field: 'title', winner: 'outlook:u1', losers: ['netsuite'], rule: 'tie-break' },
    ]);
    // The other way round gives the same winner: the outcome does not hang on sub-second stamps.
    const again = synced();
    again.world.edit('outlook:u1', { title: 'from Outlook' });
    again.world.edit('netsuite', { title: 'from NetSuite' });
    again.world.records.get('outlook:u1')!.modifiedAt = '2026-03-01T10:00:00.100Z';
    again.world.records.get('netsuite')!.modifiedAt = '2026-03-01T10:00:00.000Z';
    expect(conflictsOf(again.sync.round().actions)).toMatchObject([{ winner: 'outlook:u1', rule: 'tie-break' }]);
  });

  it('deleted in Autotask (the master) while edited in Outlook: the deletion wins everywhere', () => {
    const { world, sync } = synced();
    world.edit('outlook:u1', { title: 'edited in Outlook' });
    world.remove('autotask:u1');
    sync.round();
    expect([...world.records.keys()]).toEqual([]);
    expect(writes(sync.round())).toEqual([]);
  });

  it('deleted in Outlook while edited in Autotask (the master): the edit wins and Outlook gets it back', () => {
    const { world, sync } = synced();
    world.edit('autotask:u1', { title: 'edited in Autotask' });
    world.remove('outlook:u1');
    sync.round();
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('edited in Autotask');
    expect(fieldsOf(world, 'netsuite')?.title).toBe('edited in Autotask');
  });

  it('different fields edited on two sides both survive, without a conflict', () => {
    const { world, sync } = synced();
    world.edit('outlook:u1', { title: 'Title from Outlook' });
    world.edit('netsuite', { location: 'Room from NetSuite' });
    const result = sync.round();
    expect(conflictsOf(result.actions)).toEqual([]);
    expect(describePlan(writes(result))).toEqual([
      'update autotask:u1 title',
      'update netsuite title',
      'update outlook:u1 location',
    ]);
    expect(fieldsOf(world, 'outlook:u1')).toMatchObject({
      title: 'Title from Outlook',
      location: 'Room from NetSuite',
    });
    expect(fieldsOf(world, 'netsuite')).toMatchObject({ title: 'Title from Outlook', location: 'Room from NetSuite' });
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Title from Outlook');
  });

  it('planned against the stored base alone, the NetSuite edit would be overwritten unseen', () => {
    const { world, sync } = synced();
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('outlook:u1', { title: 'from Outlook' });
    const onlyOutlook = { 'outlook:u1': world.observe(sync.link)['outlook:u1']! };
    const blind = plan(sync.link, onlyOutlook, policy);
    // What the engine must not execute: a silent overwrite. It reads NetSuite and plans again.
    expect(describePlan(blind.actions)).toEqual(['update autotask:u1 title', 'update netsuite title']);
    const withTargets = plan(sync.link, world.observe(sync.link), policy);
    expect(describePlan(withTargets.actions)).toEqual([
      'conflict title outlook:u1 later-modification',
      'update autotask:u1 title',
      'update netsuite title',
    ]);
  });

  it('for a meeting the organiser’s copy wins over a later NetSuite edit', () => {
    const meeting = eventInput({
      iCalUid: 'uid-1',
      attendees: [{ email: 'carol@external.example', response: 'none' }],
    });
    const { world, sync } = synced(meeting);
    world.edit('outlook:u1', { title: 'from the organiser' });
    world.edit('netsuite', { title: 'from NetSuite' });
    const result = sync.round();
    expect(conflictsOf(result.actions)).toEqual([
      { type: 'conflict-resolved', field: 'title', winner: 'outlook:u1', losers: ['netsuite'], rule: 'organizer' },
    ]);
    expect(fieldsOf(world, 'netsuite')?.title).toBe('from the organiser');
  });

  it('Autotask, where the item lives, wins over a later NetSuite edit too (system of record)', () => {
    const { world, sync } = synced();
    world.edit('autotask:u1', { title: 'from Autotask' });
    world.edit('netsuite', { title: 'from NetSuite' });
    const result = sync.round();
    expect(conflictsOf(result.actions)).toEqual([
      {
        type: 'conflict-resolved',
        field: 'title',
        winner: 'autotask:u1',
        losers: ['netsuite'],
        rule: 'system-of-record',
      },
    ]);
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('from Autotask');
    expect(fieldsOf(world, 'netsuite')?.title).toBe('from Autotask');
  });

  it('three sides editing one field report one conflict naming both losers', () => {
    const { world, sync } = synced();
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('outlook:u1', { title: 'from Outlook' });
    world.edit('autotask:u1', { title: 'from Autotask' });
    const conflicts = conflictsOf(sync.round().actions);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ winner: 'autotask:u1', rule: 'system-of-record' });
    expect([...(conflicts[0]?.losers ?? [])].sort()).toEqual(['netsuite', 'outlook:u1']);
  });

  // Found by the convergence suite: titles edited in NetSuite and Autotask, then the event marked
  // private in Outlook before any sync round; Autotask's title became "Appointment" unaudited.
  it('an Autotask title edit lost because the item turned private meanwhile is an audited conflict', () => {
    const { world, sync } = synced();
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('autotask:u1', { title: 'from Autotask' });
    world.edit('outlook:u1', { access: 'private' });
    const result = sync.round();
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Appointment');
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('from NetSuite');
    expect(conflictsOf(result.actions)).toEqual([
      { type: 'conflict-resolved', field: 'title', winner: 'netsuite', losers: ['autotask:u1'], rule: 'redacted' },
    ]);
  });

  it('an item turning private without a rival edit redacts Autotask and reports no conflict', () => {
    const { world, sync } = synced();
    world.edit('outlook:u1', { access: 'private' });
    const result = sync.round();
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Appointment');
    expect(conflictsOf(result.actions)).toEqual([]);
  });
});

describe("the admin's conflict policy per connector", () => {
  function synced(policy = policyOf()) {
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    return { world, sync };
  }

  it('Autotask set to latest-wins: a later Outlook edit beats Autotask, which would win as system of record', () => {
    const { world, sync } = synced(policyOf({ conflicts: { autotask: 'latest-wins' } }));
    world.edit('autotask:u1', { title: 'from Autotask' });
    world.edit('outlook:u1', { title: 'from Outlook, later' });
    expect(conflictsOf(sync.round().actions)).toEqual([
      {
        type: 'conflict-resolved',
        field: 'title',
        winner: 'outlook:u1',
        losers: ['autotask:u1'],
        rule: 'later-modification',
      },
    ]);
    for (const key of ['outlook:u1', 'netsuite', 'autotask:u1'])
      expect(fieldsOf(world, key)?.title).toBe('from Outlook, later');
  });

  it('Autotask set to outlook-wins: Outlook keeps its edit over a later Autotask one', () => {
    const { world, sync } = synced(policyOf({ conflicts: { autotask: 'outlook-wins' } }));
    world.edit('outlook:u1', { title: 'from Outlook' });
    world.edit('autotask:u1', { title: 'from Autotask, later' });
    expect(conflictsOf(sync.round().actions)).toMatchObject([
      { winner: 'outlook:u1', losers: ['autotask:u1'], rule: 'policy' },
    ]);
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('from Outlook');
  });

  it('NetSuite set to provider-wins: NetSuite keeps its edit over a later Outlook one', () => {
    const { world, sync } = synced(policyOf({ conflicts: { netsuite: 'provider-wins' } }));
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('outlook:u1', { title: 'from Outlook, later' });
    expect(conflictsOf(sync.round().actions)).toMatchObject([
      { winner: 'netsuite', losers: ['outlook:u1'], rule: 'policy' },
    ]);
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('from NetSuite');
  });

  it('the default keeps the rules as they were: the later of Outlook and NetSuite wins', () => {
    const { world, sync } = synced(policyOf({ conflicts: { netsuite: 'system-of-record' } }));
    world.edit('netsuite', { title: 'from NetSuite' });
    world.edit('outlook:u1', { title: 'from Outlook, later' });
    expect(conflictsOf(sync.round().actions)).toMatchObject([{ winner: 'outlook:u1', rule: 'later-modification' }]);
  });
});
