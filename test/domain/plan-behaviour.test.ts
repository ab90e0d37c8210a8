import { plan } from '../../src/domain/plan';
import { type PlanAction } from '../../src/domain/plan-action';
import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

const fieldsOf = (world: World, key: string) => world.records.get(key)?.projection.fields;

describe('access levels (DESIGN.md §2)', () => {
  it.each([
    ['PUBLIC', 'normal'],
    ['PRIVATE', 'private'],
    ['SHOW_AS_BUSY', 'private'],
  ] as const)('NetSuite %s arrives in Outlook as %s', (nsLevel, outlook) => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'netsuite',
      projectFor('netsuite', eventInput({ extras: { netsuite: { accessLevel: nsLevel } } }), policy)
    );
    new Sync(world, policy, 'netsuite').round();
    expect(fieldsOf(world, 'outlook:u1')?.access).toBe(outlook);
  });

  it.each([
    ['normal', 'PUBLIC'],
    ['private', 'SHOW_AS_BUSY'],
    ['personal', 'SHOW_AS_BUSY'],
    ['confidential', 'SHOW_AS_BUSY'],
  ] as const)('Outlook %s arrives in NetSuite as %s', (sensitivity, nsLevel) => {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput({ extras: { outlook: { sensitivity } } }), policy));
    new Sync(world, policy, 'outlook:u1').round();
    expect(fieldsOf(world, 'netsuite')?.access).toBe(nsLevel);
  });

  it('a NetSuite Private event stays Private after a round trip', () => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'netsuite',
      projectFor('netsuite', eventInput({ extras: { netsuite: { accessLevel: 'PRIVATE' } } }), policy)
    );
    const sync = new Sync(world, policy, 'netsuite');
    sync.settle();
    world.edit('outlook:u1', { title: 'Renamed in Outlook', access: 'private' });
    sync.settle();
    expect(fieldsOf(world, 'netsuite')).toMatchObject({ title: 'Renamed in Outlook', access: 'PRIVATE' });
  });

  it('an Outlook "personal" event stays "personal" when NetSuite moves between Private and Show as Busy', () => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'outlook:u1',
      projectFor('outlook:u1', eventInput({ extras: { outlook: { sensitivity: 'personal' } } }), policy)
    );
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('netsuite', { access: 'PRIVATE', location: 'Room 2' });
    sync.settle();
    expect(fieldsOf(world, 'outlook:u1')).toMatchObject({ access: 'personal', location: 'Room 2' });
  });

  it('making a NetSuite event public reaches Outlook, and private again gives Outlook "private"', () => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'netsuite',
      projectFor('netsuite', eventInput({ extras: { netsuite: { accessLevel: 'PRIVATE' } } }), policy)
    );
    const sync = new Sync(world, policy, 'netsuite');
    sync.settle();
    world.edit('netsuite', { access: 'PUBLIC' });
    sync.settle();
    expect(fieldsOf(world, 'outlook:u1')?.access).toBe('normal');
    world.edit('netsuite', { access: 'SHOW_AS_BUSY' });
    sync.settle();
    expect(fieldsOf(world, 'outlook:u1')?.access).toBe('private');
  });
});

describe('Autotask', () => {
  it('a private Outlook event appears in Autotask as "Appointment" without its description', () => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'outlook:u1',
      projectFor('outlook:u1', eventInput({ extras: { outlook: { sensitivity: 'private' } } }), policy)
    );
    new Sync(world, policy, 'outlook:u1').settle();
    expect(fieldsOf(world, 'autotask:u1')).toMatchObject({ title: 'Appointment', description: '' });
  });

  it('an event made private later is redacted in Autotask in the same round, and shown again when public', () => {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('netsuite', { access: 'PRIVATE' });
    sync.round();
    expect(fieldsOf(world, 'autotask:u1')).toMatchObject({ title: 'Appointment', description: '' });
    world.edit('outlook:u1', { access: 'normal' });
    sync.settle();
    expect(fieldsOf(world, 'autotask:u1')).toMatchObject({ title: 'Quarterly review', description: 'Numbers' });
  });

  it('Autotask is the master of an item that lives there: its change beats a later Outlook change', () => {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('autotask:u1', { title: 'Autotask title' });
    world.edit('outlook:u1', { title: 'Outlook title' });
    const result = sync.round();
    expect(describePlan(result.actions)).toContain('conflict title autotask:u1 system-of-record');
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('Autotask title');
    expect(fieldsOf(world, 'netsuite')?.title).toBe('Autotask title');
  });

  it('an all-day Outlook event blocks the whole day in the user’s zone in Autotask', () => {
    const policy = policyOf();
    const world = new World();
    const allDay = eventInput({
      timing: { allDay: true, startDate: '2026-03-29', endDate: '2026-03-30', timeZone: 'Europe/Berlin' },
    });
    world.put('outlook:u1', projectFor('outlook:u1', allDay, policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    expect(fieldsOf(world, 'autotask:u1')?.timing).toMatchObject({
      allDay: false,
      start: '2026-03-28T23:00:00.000Z',
      end: '2026-03-29T22:00:00.000Z',
    });
    // The same span coming back from Autotask still means the all-day event.
    world.edit('autotask:u1', { title: 'Renamed in Autotask' });
    sync.settle();
    expect(fieldsOf(world, 'outlook:u1')?.timing).toMatchObject({ allDay: true, startDate: '2026-03-29' });
  });

  it('a service call edited in Outlook is restored from Autotask; a deleted one is put back', () => {
    const policy = policyOf();
    const world = new World();
    world.put(
      'autotask:u1',
      projectFor('autotask:u1', eventInput({ kind: 'service-call', title: 'Service Call: Acme' }), policy)
    );
    const sync = new Sync(world, policy, 'autotask:u1', 'service-call');
    sync.settle();
    world.edit('outlook:u1', { title: 'My own title' });
    const restored = sync.round();
    expect(describePlan(restored.actions)).toEqual(['update outlook:u1 title']);
    expect(fieldsOf(world, 'outlook:u1')?.title).toBe('Service Call: Acme');
    world.remove('outlook:u1');
    const back = sync.round();
    expect(describePlan(writes(back))).toEqual(['create outlook:u1 restore']);
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Service Call: Acme');
  });

  it('only events in the chosen category go to Autotask; removing it keeps the record aside, re-adding reuses it', () => {
    const policy = policyOf({ selection: { autotask: { mode: 'category', category: 'Autotask' } } });
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    expect(world.records.has('autotask:u1')).toBe(false);
    world.edit('outlook:u1', { categories: ['autotask'] });
    sync.settle();
    expect(world.records.has('autotask:u1')).toBe(true);

    world.edit('outlook:u1', { categories: [], title: 'Not shared any more' });
    const deselected = sync.round();
    expect(describePlan(deselected.actions)).toContain('skip autotask:u1 not-selected');
    expect(deselected.actions.some((a) => a.type === 'delete')).toBe(false);
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Quarterly review');

    world.edit('outlook:u1', { categories: ['Autotask'] });
    const reselected = sync.round();
    expect(describePlan(writes(reselected))).toEqual(['update autotask:u1 title']);
    expect(fieldsOf(world, 'autotask:u1')?.title).toBe('Not shared any more');
  });
});

describe('meetings across mailboxes', () => {
  const meeting = eventInput({
    iCalUid: 'uid-1',
    organizer: { email: 'ann@example.com' },
    attendees: [
      { email: 'bob@example.com', response: 'accepted' },
      { email: 'carol@external.com', response: 'none' },
    ],
  });

  function twoCopies() {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', meeting, policy));
    world.put('outlook:u2', projectFor('outlook:u2', meeting, policy));
    return { policy, world, sync: new Sync(world, policy, 'outlook:u1') };
  }

  it('two synced users’ copies of one meeting make one NetSuite event and one Autotask appointment each', () => {
    const { world, sync } = twoCopies();
    const first = sync.round();
    expect(describePlan(writes(first))).toEqual([
      'create autotask:u1 new',
      'create autotask:u2 new',
      'create netsuite new',
    ]);
    expect(fieldsOf(world, 'netsuite')).toMatchObject({
      organizer: 'ann@example.com',
      attendees: [
        { email: 'bob@example.com', type: 'required' },
        { email: 'carol@external.com', type: 'required' },
      ],
      responses: { 'bob@example.com': 'accepted' },
    });
    expect(describePlan(writes(sync.round()))).toEqual([]);
  });

  it('a meeting the user declines is removed from that user’s Autotask and NetSuite records the decline', () => {
    const { world, sync } = twoCopies();
    sync.settle();
    world.edit('outlook:u2', { responses: { 'bob@example.com': 'declined' } });
    const result = sync.round();
    expect(describePlan(writes(result))).toEqual([
      'delete autotask:u2 declined',
      'update netsuite responses:bob@example.com',
    ]);
    expect(fieldsOf(world, 'netsuite')?.responses).toEqual({ 'bob@example.com': 'declined' });
    expect(world.records.has('autotask:u1')).toBe(true);
  });

  it('a response changed in NetSuite is sent back as an RSVP on the user’s Outlook copy', () => {
    const { world, sync } = twoCopies();
    sync.settle();
    world.edit('netsuite', { responses: { 'bob@example.com': 'tentative' } });
    const result = sync.round();
    expect(describePlan(writes(result))).toEqual(['rsvp outlook:u2 tentative']);
    expect(fieldsOf(world, 'outlook:u2')?.responses).toEqual({ 'bob@example.com': 'tentative' });
  });

  it('an attendee who removes their copy leaves the meeting; the meeting itself stays', () => {
    const { world, sync } = twoCopies();
    sync.settle();
    world.remove('outlook:u2');
    const result = sync.round();
    expect(describePlan(writes(result))).toEqual([
      'delete autotask:u2 left-meeting',
      'update netsuite responses:bob@example.com',
    ]);
    expect(world.records.has('netsuite')).toBe(true);
    expect(world.records.has('outlook:u1')).toBe(true);
  });

  it('deleting the NetSuite event never cancels the organiser’s Outlook meeting: NetSuite gets it back', () => {
    const { world, sync } = twoCopies();
    sync.settle();
    world.remove('netsuite');
    const result = sync.round();
    const described = describePlan(result.actions);
    expect(described).toContain('skip outlook:u1 would-send-cancellation');
    expect(described).toContain('create netsuite restore');
    expect(described.some((d) => d.startsWith('delete outlook'))).toBe(false);
  });

  it('only the organiser’s copy speaks for the meeting: an attendee’s local edit does not travel', () => {
    const { world, sync } = twoCopies();
    sync.settle();
    world.edit('outlook:u2', { title: 'Bob’s private note' });
    expect(describePlan(writes(sync.round()))).toEqual([]);
    expect(fieldsOf(world, 'netsuite')?.title).toBe('Quarterly review');
  });

  it('a NetSuite meeting reaches every synced attendee’s mailbox, and its later changes follow', () => {
    const policy = policyOf();
    const world = new World();
    world.put('netsuite', projectFor('netsuite', meeting, policy));
    const sync = new Sync(world, policy, 'netsuite');
    sync.settle();
    world.edit('netsuite', { title: 'Moved agenda', location: 'Room 7' });
    const result = sync.round();
    expect(describePlan(writes(result))).toEqual([
      'update autotask:u1 title',
      'update autotask:u2 title',
      'update outlook:u1 location,title',
      'update outlook:u2 location,title',
    ]);
  });

  it('synced meetings carry no attendees into Outlook unless invitations are allowed', () => {
    const policy = policyOf();
    const world = new World();
    world.put('netsuite', projectFor('netsuite', meeting, policy));
    new Sync(world, policy, 'netsuite').round();
    expect(fieldsOf(world, 'outlook:u1')?.attendees).toEqual([]);
    // Bob attends in NetSuite too, so his mailbox gets its own (attendee-free) copy.
    expect(fieldsOf(world, 'outlook:u2')?.attendees).toEqual([]);
  });
});

describe('deletes and the window', () => {
  it('"left the window" is not "deleted": nothing is deleted and nothing is written there', () => {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('outlook:u1', { title: 'Edited' });
    const observations = { ...world.observe(sync.link), netsuite: { state: 'outside-window' as const } };
    const result = plan(sync.link, observations, policy);
    expect(result.actions.some((a: PlanAction) => a.type === 'delete')).toBe(false);
    expect(describePlan(writes(result))).toEqual(['update autotask:u1 title']);
    expect(result.link?.replicas['netsuite']?.base?.fields.title).toBe('Quarterly review');
  });

  it('a replica not read this round is taken as unchanged, and still receives changes', () => {
    const policy = policyOf();
    const world = new World();
    world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('outlook:u1', { location: 'Room 9' });
    const onlyOutlook = { 'outlook:u1': world.observe(sync.link)['outlook:u1']! };
    // Autotask carries no location; NetSuite, not read this round, still gets the change.
    expect(describePlan(writes(plan(sync.link, onlyOutlook, policy)))).toEqual(['update netsuite location']);
  });

  it.each([
    ['netsuite', 'autotask:u1'],
    ['autotask:u1', 'netsuite'],
  ])(
    'without a system of record or organiser among them, the later modification wins (%s, then %s)',
    (first, later) => {
      const policy = policyOf({ systemOfRecord: {} });
      const world = new World();
      world.put('outlook:u1', projectFor('outlook:u1', eventInput(), policy));
      const sync = new Sync(world, policy, 'outlook:u1');
      sync.settle();
      world.edit(first, { title: `from ${first}` });
      world.edit(later, { title: `from ${later}` });
      const result = sync.round();
      expect(describePlan(result.actions)).toContain(`conflict title ${later} later-modification`);
      expect(fieldsOf(world, 'outlook:u1')?.title).toBe(`from ${later}`);
      expect(fieldsOf(world, first)?.title).toBe(`from ${later}`);
    }
  );

  it('a change to someone else’s meeting is never written into the attendee’s Outlook copy', () => {
    const policy = policyOf();
    const world = new World();
    const external = eventInput({
      organizer: { email: 'zoe@external.com' },
      attendees: [{ email: 'ann@example.com', response: 'accepted' }],
    });
    world.put('outlook:u1', projectFor('outlook:u1', external, policy));
    const sync = new Sync(world, policy, 'outlook:u1');
    sync.settle();
    world.edit('netsuite', { location: 'NetSuite room' });
    const result = sync.round();
    expect(describePlan(writes(result)).some((d) => d.startsWith('update outlook'))).toBe(false);
    // The organiser's update, arriving through Exchange, still reaches NetSuite.
    world.edit('outlook:u1', { location: 'Moved by Zoe' });
    sync.round();
    expect(fieldsOf(world, 'netsuite')?.location).toBe('Moved by Zoe');
  });
});
