import { type Link } from '../../src/domain/link';
import { echoedBase, editedFields } from '../../src/domain/echo';
import { plan } from '../../src/domain/plan';
import { type Projection } from '../../src/domain/projection';
import { describePlan } from './support/describe-action';
import { Sync } from './support/sync';
import { eventInput, policyOf, projectFor, World, writes } from './support/world';

/**
 * Echo comparison (DESIGN.md §4.2): a replica changed iff its fresh read differs from its base on
 * a field its side carries. A side that cannot carry a field (NetSuite reminders, NetSuite series
 * without the recurrence RESTlet) reads it back differently from what was stored; that must never
 * count as a person's edit, or a deleted item comes back ("modified wins").
 */
describe('echo comparison through the side’s projection', () => {
  const policy = policyOf();
  const netsuiteBase = projectFor('netsuite', eventInput(), policy);
  /** A NetSuite base as an older version stored it: with Outlook's reminder and a series rule. */
  const storedWithGaps: Projection = {
    side: 'netsuite',
    fields: {
      ...netsuiteBase.fields,
      reminderMinutes: 15,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TU', timeZone: 'Europe/Berlin', exdates: [] },
    },
  };

  it('a NetSuite read without the reminder and series it cannot carry is not an edit', () => {
    const base = echoedBase('netsuite', storedWithGaps, { netsuiteNativeRecurrence: false });
    expect(base.fields.reminderMinutes).toBeUndefined();
    expect(base.fields.recurrence).toBeUndefined();
    expect(editedFields(netsuiteBase.fields, base.fields)).toEqual([]);
  });

  it('the series rule still counts where NetSuite holds series natively', () => {
    const base = echoedBase('netsuite', storedWithGaps, { netsuiteNativeRecurrence: true });
    expect(editedFields({ ...netsuiteBase.fields, recurrence: null }, base.fields)).toEqual(['recurrence']);
  });

  it('seconds NetSuite cannot hold are not an edit; a moved minute is', () => {
    const timing = {
      allDay: false as const,
      start: '2026-02-10T09:00:42.000Z',
      end: '2026-02-10T10:00:00.000Z',
      timeZone: 'UTC',
    };
    const base = echoedBase('netsuite', { side: 'netsuite', fields: { ...netsuiteBase.fields, timing } }, {});
    expect(editedFields(netsuiteBase.fields, base.fields)).toEqual([]);
    const moved = { ...netsuiteBase.fields, timing: { ...timing, start: '2026-02-10T09:01:00.000Z' } };
    expect(editedFields(moved, base.fields)).toEqual(['timing']);
  });

  // Found by the convergence suite: an Autotask edit to 23:30–01:00 New York time was written to
  // NetSuite as 23:30–23:59 (one date per event), and the read-back carried 23:59 to every side.
  it('a NetSuite event cut at 23:59 of its first day, as the connector writes it, is not an edit', () => {
    const zone = 'America/New_York';
    const written = { allDay: false as const, start: '2026-12-05T04:30:00.000Z', end: '2026-12-05T06:00:00.000Z' };
    const base = echoedBase(
      'netsuite',
      { side: 'netsuite', fields: { ...netsuiteBase.fields, timing: { ...written, timeZone: zone } } },
      {}
    );
    const readBack = {
      ...netsuiteBase.fields,
      timing: { ...written, end: '2026-12-05T04:59:00.000Z', timeZone: zone },
    };
    expect(editedFields(readBack, base.fields)).toEqual([]);
    // A person moving the end within the day is still an edit.
    const moved = { ...readBack, timing: { ...readBack.timing, end: '2026-12-05T04:45:00.000Z' } };
    expect(editedFields(moved, base.fields)).toEqual(['timing']);
    // An event inside one day is compared as stored.
    const sameDay = echoedBase('netsuite', netsuiteBase, {});
    expect(sameDay.fields.timing).toEqual(netsuiteBase.fields.timing);
  });

  it('a real edit is still seen, and only the fields that changed', () => {
    const base = echoedBase('netsuite', storedWithGaps, {});
    expect(editedFields({ ...netsuiteBase.fields, title: 'Renamed in NetSuite' }, base.fields)).toEqual(['title']);
  });

  it('a field the base never had that reads back empty is the side’s default, not an edit', () => {
    // An Autotask appointment has no location: its NetSuite copy was stored without one, reads ''.
    const { location: _none, ...withoutLocation } = netsuiteBase.fields;
    const stored: Projection = { side: 'netsuite', fields: withoutLocation };
    const read = { ...netsuiteBase.fields, location: '' };
    expect(editedFields(read, echoedBase('netsuite', stored, {}, read).fields)).toEqual([]);
    const filledIn = { ...netsuiteBase.fields, location: 'Rack room' };
    expect(editedFields(filledIn, echoedBase('netsuite', stored, {}, filledIn).fields)).toEqual(['location']);
  });

  it('an Autotask appointment’s copies get the empty values their sides read back, so they echo exactly', () => {
    const world = new World();
    world.put('autotask:u1', projectFor('autotask:u1', eventInput({ location: undefined }), policy));
    new Sync(world, policy, 'autotask:u1').round();
    expect(world.records.get('outlook:u1')?.projection.fields.location).toBe('');
    expect(world.records.get('netsuite')?.projection.fields.location).toBe('');
  });

  describe('an Outlook delete when the other replicas are read before they are deleted', () => {
    /** An Outlook item synced everywhere, then its NetSuite base as an older version stored it. */
    function syncedWithStaleNetSuiteBase(): { world: World; link: Link } {
      const world = new World();
      world.put('outlook:u1', projectFor('outlook:u1', eventInput({ reminderMinutes: 15 }), policy));
      const sync = new Sync(world, policy, 'outlook:u1');
      sync.settle();
      const link = sync.link;
      const netsuite = link.replicas.netsuite!;
      return {
        world,
        link: {
          ...link,
          replicas: {
            ...link.replicas,
            netsuite: {
              ...netsuite,
              base: { side: 'netsuite', fields: { ...netsuite.base!.fields, reminderMinutes: 15 } },
            },
          },
        },
      };
    }

    it('NetSuite reading back without the reminder is deleted, not taken as modified and put back', () => {
      const { world, link } = syncedWithStaleNetSuiteBase();
      world.remove('outlook:u1');
      const result = plan(link, world.observe(link), policy);
      expect(describePlan(writes(result))).toEqual([
        'delete autotask:u1 deleted-elsewhere',
        'delete netsuite deleted-elsewhere',
      ]);
      expect(result.link).toBeNull();
    });

    it('a person’s edit in NetSuite still outweighs the delete (modified wins)', () => {
      const { world, link } = syncedWithStaleNetSuiteBase();
      world.remove('outlook:u1');
      world.edit('netsuite', { title: 'Kept in NetSuite' });
      expect(describePlan(writes(plan(link, world.observe(link), policy)))).toEqual([
        'create outlook:u1 modified-wins',
        'update autotask:u1 title',
      ]);
    });
  });
});
