import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

/**
 * A second synced invitee's copy of a meeting joins the item after the organiser (not synced)
 * changed the meeting: Exchange keeps every attendee copy at the organiser's latest, so the
 * joining copy is the news even though it has no base of its own (the meetings end-to-end test's
 * flaky counter-example: Bob declined, Olivia moved the meeting, and Alice's copy was first seen
 * with the new room, which never reached NetSuite).
 */
describe('an attendee copy that joins a meeting item after the organiser changed it', () => {
  const policy = policyOf();
  const meeting = eventInput({
    iCalUid: 'uid-join',
    organizer: { email: 'olivia@example.com' },
    location: 'Board room',
    attendees: [
      { email: 'ann@example.com', response: 'none' },
      { email: 'bob@example.com', response: 'none' },
    ],
  });

  /** Bob's copy alone was synced: NetSuite and Bob's Autotask appointment exist. */
  function syncedFromBob(): { world: World; sync: Sync } {
    const world = new World();
    world.put('outlook:u2', projectFor('outlook:u2', meeting, policy));
    const sync = new Sync(world, policy, 'outlook:u2');
    sync.settle();
    expect([...world.records.keys()].sort()).toEqual(['autotask:u2', 'netsuite', 'outlook:u2']);
    return { world, sync };
  }

  it('carries the organiser’s new location to NetSuite', () => {
    const { world, sync } = syncedFromBob();
    world.remove('outlook:u2');
    world.put('outlook:u1', projectFor('outlook:u1', { ...meeting, location: 'Room 7' }, policy));
    const round = sync.round();
    expect(describePlan(writes(round)).some((w) => w.startsWith('update netsuite location'))).toBe(true);
    expect(world.records.get('netsuite')?.projection.fields.location).toBe('Room 7');
    sync.settle();
    expect(world.records.get('netsuite')?.projection.fields.location).toBe('Room 7');
  });

  it('leaves a NetSuite edit made after the copy was last changed alone', () => {
    const { world, sync } = syncedFromBob();
    world.put('outlook:u1', projectFor('outlook:u1', meeting, policy));
    // Someone moves the meeting in NetSuite; the copy (older) has not changed since.
    world.edit('netsuite', { location: 'Room 9' });
    sync.round();
    expect(world.records.get('netsuite')?.projection.fields.location).toBe('Room 9');
  });

  it('writes only the new invitee’s Autotask appointment and response when it agrees with the item', () => {
    const { world, sync } = syncedFromBob();
    world.put('outlook:u1', projectFor('outlook:u1', meeting, policy));
    const round = sync.round();
    expect(describePlan(writes(round))).toEqual([
      'create autotask:u1 new',
      'update netsuite responses:ann@example.com',
    ]);
  });
});
