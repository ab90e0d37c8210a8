import { plan } from '../../src/domain/plan';
import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

/**
 * Two synced invitees' workflows see one NetSuite change (Ann declined there) at the same time.
 * Both plan from the same stored link; one removes Ann's Autotask appointment first, and the other,
 * reading it before its own delete, finds it gone. That is our own removal, not a person deleting
 * the meeting in Autotask: it must not delete the NetSuite event or Bob's records
 * (the meetings end-to-end test's flaky counter-example: NetSuite event 108 deleted, 109 created).
 */
describe('a decline handled by two workflows at once', () => {
  const policy = policyOf();
  const meeting = eventInput({
    iCalUid: 'uid-race',
    organizer: { email: 'olivia@example.com' },
    attendees: [
      { email: 'ann@example.com', response: 'none' },
      { email: 'bob@example.com', response: 'none' },
    ],
  });

  it("finding the decliner's Autotask copy already gone deletes nothing else", () => {
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', meeting, policy));
    world.put('outlook:u2', projectFor('outlook:u2', meeting, policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    expect([...world.records.keys()].sort()).toEqual([
      'autotask:u1',
      'autotask:u2',
      'netsuite',
      'outlook:u1',
      'outlook:u2',
    ]);

    const stored = sync.link;
    const ns = world.records.get('netsuite')!;
    world.edit('netsuite', { responses: { ...ns.projection.fields.responses, 'ann@example.com': 'declined' } });
    // The first workflow: Ann's decline reaches her Outlook copy and her Autotask appointment goes.
    const first = sync.round();
    expect(describePlan(writes(first))).toContain('delete autotask:u1 declined');
    expect(world.records.has('autotask:u1')).toBe(false);

    // The second workflow planned from the same stored link and reads what the first just did.
    const second = plan(stored, world.observe(stored), policy);
    expect(describePlan(writes(second)).filter((w) => w.startsWith('delete'))).toEqual([]);
    expect(second.link?.replicas.netsuite).toBeDefined();
    expect(second.link?.replicas['autotask:u2']).toBeDefined();
    expect(second.link?.replicas['autotask:u1']).toBeUndefined();
  });
});
