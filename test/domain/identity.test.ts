import { findLink, groupNewRecords, idempotencyKey } from '../../src/domain/identity';
import { type Link } from '../../src/domain/link';

const links: Link[] = [
  {
    itemId: 'a',
    kind: 'event',
    iCalUid: 'uid-meeting',
    replicas: { 'outlook:u1': { side: 'outlook', userId: 'u1', recordId: 'o-1', base: null } },
  },
  { itemId: 'b', kind: 'event', replicas: { netsuite: { side: 'netsuite', recordId: 'n-7', base: null } } },
];

describe('identity across mailboxes', () => {
  it('a second mailbox’s copy of a meeting joins the meeting’s link through its iCalUId', () => {
    expect(findLink({ replica: 'outlook:u2', recordId: 'o-99', iCalUid: 'uid-meeting' }, links)?.itemId).toBe('a');
  });

  it('our stamp wins over everything, then the stored provider id', () => {
    expect(findLink({ replica: 'outlook:u1', recordId: 'o-1', itemId: 'b' }, links)?.itemId).toBe('b');
    expect(findLink({ replica: 'netsuite', recordId: 'n-7' }, links)?.itemId).toBe('b');
  });

  it('a NetSuite or Autotask record is never matched by UID, and unknown records match nothing', () => {
    expect(findLink({ replica: 'netsuite', iCalUid: 'uid-meeting' }, links)).toBeUndefined();
    expect(findLink({ replica: 'outlook:u3', recordId: 'x' }, links)).toBeUndefined();
  });

  it('new copies of one meeting seen in one pull start as one group', () => {
    const groups = groupNewRecords([
      { replica: 'outlook:u2', iCalUid: 'm' },
      { replica: 'outlook:u1', iCalUid: 'm' },
      { replica: 'outlook:u1', iCalUid: 'other' },
      { replica: 'netsuite', recordId: 'n-1' },
    ]);
    expect(groups.map((g) => g.map((r) => r.replica))).toEqual([
      ['outlook:u1', 'outlook:u2'],
      ['outlook:u1'],
      ['netsuite'],
    ]);
  });

  it('idempotency keys are stable and distinguish occurrences', () => {
    expect(idempotencyKey('item', 'netsuite')).toBe(idempotencyKey('item', 'netsuite'));
    expect(idempotencyKey('item', 'autotask:u1', '2026-03-02T08:00:00.000Z')).not.toBe(
      idempotencyKey('item', 'autotask:u1')
    );
  });
});
