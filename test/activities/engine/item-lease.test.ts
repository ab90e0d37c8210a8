import { newLink } from '../../../src/domain/link';
import type { Projection } from '../../../src/domain/projection';
import { sharedWithOthers } from '../../../src/activities/engine/item-lease';
import type { ReplicaOwner } from '../../../src/activities/engine/replica-io';

/* Which items take the write lease (ADR 0013): those another synced user's workflow may write. */
describe('sharedWithOthers', () => {
  const owner = (userId: string, mailbox: string): [string, ReplicaOwner] => [
    userId,
    { userId, mailbox, timeZone: 'UTC' },
  ];
  const owners = new Map([owner('u_ann', 'ann@contoso.example'), owner('u_bob', 'Bob@Contoso.example')]);
  const meeting = (attendees: string[], organizer = 'olivia@contoso.example'): Projection => ({
    side: 'outlook',
    fields: { title: 'Review', organizer, attendees: attendees.map((email) => ({ email, type: 'required' })) },
  });

  it('an item of one user alone is not shared', () => {
    const link = newLink('i_1', 'event', 'outlook:u_ann');
    link.replicas['outlook:u_ann'] = { side: 'outlook', userId: 'u_ann', base: meeting(['ann@contoso.example']) };
    link.replicas['netsuite'] = { side: 'netsuite', base: null };
    expect(sharedWithOthers({ links: [link], projections: [meeting(['ann@contoso.example'])] }, 'u_ann', owners)).toBe(
      false
    );
  });

  it('a link with another user’s replica is shared', () => {
    const link = newLink('i_2', 'event', 'outlook:u_ann');
    link.replicas['autotask:u_bob'] = { side: 'autotask', userId: 'u_bob', base: null };
    expect(sharedWithOthers({ links: [link] }, 'u_ann', owners)).toBe(true);
  });

  it('a meeting that names another synced user is shared before they join it (any case of address)', () => {
    expect(
      sharedWithOthers({ projections: [meeting(['ann@contoso.example', 'bob@contoso.EXAMPLE'])] }, 'u_ann', owners)
    ).toBe(true);
    expect(sharedWithOthers({ projections: [meeting([], 'bob@contoso.example')] }, 'u_ann', owners)).toBe(true);
    // An attendee who is not a synced user shares nothing.
    expect(sharedWithOthers({ projections: [meeting(['carol@fabrikam.example'])] }, 'u_ann', owners)).toBe(false);
  });

  it('a write to another user’s replica is shared', () => {
    const link = newLink('i_3', 'event', 'outlook:u_ann');
    const writes = [{ type: 'rsvp', side: 'outlook', replica: 'outlook:u_bob', userId: 'u_bob' }] as never;
    expect(sharedWithOthers({ links: [link], writes }, 'u_ann', owners)).toBe(true);
  });
});
