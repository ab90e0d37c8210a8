import { type Link } from '../../src/domain/link';
import { plan } from '../../src/domain/plan';
import { isWrite } from '../../src/domain/plan-action';
import { eventInput, policyOf, projectFor, writes } from './support/world';

/**
 * The version stored with a replica names the state of its base; echo checks (Graph changeKeys,
 * Autotask stamps) compare what a provider reports with it. A plan that did not read a replica
 * must hand its version on unchanged: dropping it made our own writes look like people's edits.
 */
describe('stored replica versions', () => {
  const policy = policyOf({
    users: [{ userId: 'u1', email: 'ann@example.com', timeZone: 'UTC', netsuite: true, autotask: true }],
  });
  const input = eventInput({ title: 'Versioned' });
  const link: Link = {
    itemId: 'i1',
    kind: 'event',
    origin: 'netsuite',
    replicas: {
      netsuite: { side: 'netsuite', recordId: '7', base: projectFor('netsuite', input, policy), version: 'n1' },
      'outlook:u1': {
        side: 'outlook',
        userId: 'u1',
        recordId: 'AAA',
        base: projectFor('outlook:u1', input, policy),
        version: 'ck-1',
      },
      'autotask:u1': {
        side: 'autotask',
        userId: 'u1',
        recordId: 'appointment:9',
        base: projectFor('autotask:u1', input, policy),
        version: '2026-12-01T10:00:00Z',
      },
    },
  };

  it('are kept for replicas the plan did not read', () => {
    const result = plan(
      link,
      {
        netsuite: { state: 'present', projection: projectFor('netsuite', input, policy), recordId: '7', version: 'n2' },
      },
      policy
    );
    expect(writes(result)).toEqual([]);
    expect(result.link?.replicas['outlook:u1']?.version).toBe('ck-1');
    expect(result.link?.replicas['autotask:u1']?.version).toBe('2026-12-01T10:00:00Z');
    // The replica that was read carries what was read.
    expect(result.link?.replicas.netsuite?.version).toBe('n2');
  });

  it('are kept for the replicas an edit elsewhere is about to overwrite, until the write says otherwise', () => {
    const edited = projectFor('netsuite', { ...input, title: 'Versioned (edited)' }, policy);
    const result = plan(
      link,
      { netsuite: { state: 'present', projection: edited, recordId: '7', version: 'n3' } },
      policy
    );
    expect(
      result.actions
        .filter(isWrite)
        .map((w) => w.replica)
        .sort()
    ).toEqual(['autotask:u1', 'outlook:u1']);
    expect(result.link?.replicas['outlook:u1']?.version).toBe('ck-1');
  });
});
