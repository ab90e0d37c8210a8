import { newLink, type Link } from '../../src/domain/link';
import { plan } from '../../src/domain/plan';
import { describePlan } from './support/describe-action';
import { eventInput, policyOf, projectFor, writes } from './support/world';

/**
 * In production each pull reads one record: the NetSuite event is written from the organiser's
 * copy before any other attendee's copy has been read, so its base has no response for them yet.
 * Their answer must still reach NetSuite.
 */
describe('a synced invitee whose response NetSuite has not reported yet', () => {
  const policy = policyOf();
  const meeting = eventInput({
    iCalUid: 'uid-1',
    organizer: { email: 'ann@example.com' },
    attendees: [{ email: 'bob@example.com', response: 'none' }],
  });

  /** The link after Ann's copy alone was synced: NetSuite has Bob on it, without his response. */
  function afterOrganizerOnly(): Link {
    const first = plan(
      newLink('item-1', 'event', 'outlook:u1', 'uid-1'),
      { 'outlook:u1': { state: 'present', projection: projectFor('outlook:u1', meeting, policy), recordId: 'a1' } },
      policy
    );
    const link = first.link!;
    expect(link.replicas.netsuite?.base?.fields.responses).toEqual({});
    expect(link.replicas.netsuite?.base?.fields.attendees?.map((a) => a.email)).toEqual(['bob@example.com']);
    return { ...link, replicas: { ...link.replicas, netsuite: { ...link.replicas.netsuite!, recordId: 'n1' } } };
  }

  it('an accept made in Outlook is written to NetSuite', () => {
    const accepted = projectFor(
      'outlook:u2',
      { ...meeting, attendees: [{ email: 'bob@example.com', response: 'accepted' }] },
      policy
    );
    const result = plan(afterOrganizerOnly(), { 'outlook:u2': { state: 'present', projection: accepted } }, policy);
    expect(describePlan(writes(result))).toEqual([
      'create autotask:u2 new',
      'update netsuite responses:bob@example.com',
    ]);
    expect(result.link?.replicas.netsuite?.base?.fields.responses).toEqual({ 'bob@example.com': 'accepted' });
  });

  it('removing the copy (a decline in Outlook) is recorded in NetSuite as a decline', () => {
    const link = afterOrganizerOnly();
    const withBob: Link = {
      ...link,
      replicas: {
        ...link.replicas,
        'outlook:u2': {
          side: 'outlook',
          userId: 'u2',
          recordId: 'b1',
          base: projectFor('outlook:u2', meeting, policy),
        },
      },
    };
    const result = plan(withBob, { 'outlook:u2': { state: 'deleted' } }, policy);
    expect(describePlan(writes(result))).toEqual(['update netsuite responses:bob@example.com']);
    expect(result.link?.replicas.netsuite?.base?.fields.responses).toEqual({ 'bob@example.com': 'declined' });
  });
});
