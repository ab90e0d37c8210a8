import { DateTime } from 'luxon';
import { type Observation, parseReplicaKey } from '../../src/domain/link';
import { plan } from '../../src/domain/plan';
import { isWrite } from '../../src/domain/plan-action';
import { statusQuery } from '../../src/workflows/user-sync/messages';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { tenantSyncContext } from '../support/tenant-sync-context';

/**
 * Concurrent edits and deletes across Outlook, NetSuite and Autotask, end to end (DESIGN.md §4.2,
 * §4.3, §4.6): people act through the emulators' user-side APIs while the worker is stopped, so
 * that both edits exist before sync reads either side; then the worker comes back and sync must
 * merge per field, record every conflict in the audit log, and never bring back what a person
 * deleted because a side did not echo a field it cannot carry.
 */
describe('conflicts: concurrent edits and deletes across sides', () => {
  let stack: SyncStack;
  let worker: Awaited<ReturnType<SyncStack['startWorker']>>;
  beforeAll(async () => {
    stack = await startSyncStack();
    worker = await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const employee = () => stack.sandbox.info.netsuite.employeeId;
  const resource = () => stack.sandbox.info.autotask.resourceId;
  const userId = () => stack.sandbox.userId;

  type OutlookEvent = { id: string; subject: string; location?: { displayName?: string } };
  type Appointment = { id: number; title: string; resourceID: number };
  const inOutlook = (prefix: string) =>
    (stack.sandbox.graph.userSide.listEvents(mailbox()) as OutlookEvent[]).filter((e) => e.subject.startsWith(prefix));
  const inNetSuite = (prefix: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith(prefix));
  const inAutotask = (prefix: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as Appointment[]).filter(
      (a) => a.resourceID === resource() && a.title.startsWith(prefix)
    );
  const one = <T>(records: T[]): T | undefined => (records.length === 1 ? records[0] : undefined);

  /** A slot of its own per test, a few days ahead (inside the sync window). */
  let slots = 0;
  function slot(): { start: DateTime; end: DateTime } {
    const start = DateTime.utc()
      .plus({ days: 4 })
      .startOf('day')
      .plus({ hours: 8 + slots++ });
    return { start, end: start.plus({ minutes: 45 }) };
  }
  const wallClock = (t: DateTime) => t.toUTC().toISO({ includeOffset: false, suppressMilliseconds: true })!;

  async function itemOf(replica: string, recordId: string): Promise<string> {
    return eventually(`the link of ${replica} ${recordId}`, async () => {
      const { rows } = await stack.db.pool.query<{ item_id: string }>(
        'SELECT item_id FROM item_records WHERE replica = $1 AND record_id = $2',
        [replica, recordId]
      );
      return rows[0]?.item_id;
    });
  }

  /** Waits until the item's link holds a record on each side (its writes done and saved). */
  async function linkedEverywhere(itemId: string): Promise<void> {
    await eventually(`item ${itemId} linked on all three sides`, async () => {
      const { rows } = await stack.db.pool.query<{ replica: string }>(
        'SELECT replica FROM item_records WHERE item_id = $1',
        [itemId]
      );
      const replicas = rows.map((r) => r.replica).sort();
      return replicas.length === 3 && replicas[0]?.startsWith('autotask:') && replicas[1] === 'netsuite'
        ? true
        : undefined;
    });
  }

  async function audit(itemId: string, action: string) {
    const { rows } = await stack.db.pool.query<{ fields: string[]; reason: string; source_side: string }>(
      'SELECT fields, reason, source_side FROM audit WHERE link_id = $1 AND action = $2 ORDER BY id',
      [itemId, action]
    );
    return rows;
  }

  /** People act while no worker runs: sync reads neither side before both edits exist. */
  async function whileSyncIsDown(act: () => Promise<void>): Promise<void> {
    await stack.stopWorker(worker);
    await act();
    worker = await stack.startWorker();
  }

  /** Lets the user's sync complete a few more Outlook rounds (each after the batches other sides named). */
  async function moreRounds(rounds: number): Promise<void> {
    const handle = stack.client.workflow.getHandle(stack.workflowId);
    for (let i = 0; i < rounds; i++) {
      const mark = new Date().toISOString();
      await eventually(`sync round ${i + 1} of ${rounds}`, async () => {
        const status = await handle.query(statusQuery);
        return status.lastSync.outlook !== undefined && status.lastSync.outlook > mark ? true : undefined;
      });
    }
  }

  /**
   * Reads every replica of an item through the engine's own adapters and plans with all of them:
   * once sync is quiet there must be nothing to write. A field a side cannot carry would show
   * here as a change (an echo gap).
   */
  async function planWithFreshReads(itemId: string) {
    const ctx = await tenantSyncContext(stack, userId());
    const stored = await ctx.items.get(ctx.tenantId, itemId);
    if (!stored) throw new Error(`no item ${itemId}`);
    const observations: Record<string, Observation> = {};
    for (const [key, replica] of Object.entries(stored.link.replicas)) {
      const { side, userId: owner } = parseReplicaKey(key);
      const who = ctx.owners.get(owner ?? userId())!;
      const read = await ctx.io[side]!.read(who, replica.recordId!, {
        ownerEmail: who.mailbox,
        ownerZone: who.timeZone,
        syncedEmails: [...ctx.owners.values()].map((o) => o.mailbox),
        netsuiteNativeRecurrence: ctx.policy.netsuiteNativeRecurrence,
      });
      observations[key] = read.observation;
    }
    expect(Object.values(observations).map((o) => o.state)).toEqual(['present', 'present', 'present']);
    return plan(stored.link, observations, ctx.policy);
  }

  it('the same field edited in Outlook and then in NetSuite: the later edit wins everywhere, one conflict audited', async () => {
    const { start, end } = slot();
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Budget review',
      body: 'Figures for Q3',
      start: wallClock(start),
      end: wallClock(end),
      timeZone: 'UTC',
    });
    const ns = await eventually('the event in NetSuite', () => one(inNetSuite('Budget review')));
    await eventually('the appointment in Autotask', () => one(inAutotask('Budget review')));
    const itemId = await itemOf(`outlook:${userId()}`, created.id);
    await linkedEverywhere(itemId);

    await whileSyncIsDown(async () => {
      stack.sandbox.graph.userSide.updateEvent(mailbox(), created.id, { subject: 'Budget review (Outlook)' });
      // NetSuite stamps modifications to the second: its edit must be unambiguously the later one.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      stack.sandbox.netsuite.userSide.editEvent(employee(), ns.id, { title: 'Budget review (NetSuite)' });
    });

    await eventually('the NetSuite title in Outlook', () => one(inOutlook('Budget review (NetSuite)')), 60_000);
    await eventually('the NetSuite title in Autotask', () => one(inAutotask('Budget review (NetSuite)')), 60_000);
    await moreRounds(2);
    expect(inOutlook('Budget review').map((e) => e.subject)).toEqual(['Budget review (NetSuite)']);
    expect(inNetSuite('Budget review').map((e) => e.title)).toEqual(['Budget review (NetSuite)']);
    expect(inAutotask('Budget review').map((a) => a.title)).toEqual(['Budget review (NetSuite)']);

    const conflicts = await audit(itemId, 'conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.fields).toEqual(['title']);
    expect(conflicts[0]?.reason).toBe(`later-modification: netsuite kept over outlook:${userId()}`);
    expect(stack.sandbox.graph.sentMail).toEqual([]);
  }, 180_000);

  it('a conflict is audited even when saving its link fails after the writes (PostgreSQL going away)', async () => {
    const { start, end } = slot();
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Board prep',
      start: wallClock(start),
      end: wallClock(end),
      timeZone: 'UTC',
    });
    const ns = await eventually('the event in NetSuite', () => one(inNetSuite('Board prep')));
    await eventually('the appointment in Autotask', () => one(inAutotask('Board prep')));
    const itemId = await itemOf(`outlook:${userId()}`, created.id);
    await linkedEverywhere(itemId);

    // The next save of this item fails once, after the plan's writes reached the providers (a
    // sequence, as nextval is not rolled back with the failing transaction). The retry then
    // finds the sides agreeing: only an audit written before the writes still tells the conflict.
    const seq = `fail_save_${itemId.replace(/[^a-zA-Z0-9]/g, '_').toLowerCase()}`;
    await stack.db.pool.query(`CREATE SEQUENCE ${seq}`);
    await stack.db.pool.query(`
      CREATE FUNCTION ${seq}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.item_id = '${itemId}' AND nextval('${seq}') = 1 THEN
          RAISE EXCEPTION 'injected: the link save fails once';
        END IF;
        RETURN NEW;
      END $$`);
    await stack.db.pool.query(`CREATE TRIGGER ${seq} BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION ${seq}()`);
    try {
      await whileSyncIsDown(async () => {
        stack.sandbox.graph.userSide.updateEvent(mailbox(), created.id, { subject: 'Board prep (Outlook)' });
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        stack.sandbox.netsuite.userSide.editEvent(employee(), ns.id, { title: 'Board prep (NetSuite)' });
      });
      await eventually('the NetSuite title in Outlook', () => one(inOutlook('Board prep (NetSuite)')), 60_000);
      await eventually('the NetSuite title in Autotask', () => one(inAutotask('Board prep (NetSuite)')), 60_000);
      await moreRounds(2);
      const { rows } = await stack.db.pool.query<{ n: string }>(`SELECT last_value AS n FROM ${seq}`);
      expect(Number(rows[0]?.n)).toBeGreaterThan(1); // the failure happened, and a later save went through
    } finally {
      await stack.db.pool.query(`DROP TRIGGER ${seq} ON items`);
      await stack.db.pool.query(`DROP FUNCTION ${seq}()`);
      await stack.db.pool.query(`DROP SEQUENCE ${seq}`);
    }
    const conflicts = await audit(itemId, 'conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.fields).toEqual(['title']);
    expect(conflicts[0]?.reason).toBe(`later-modification: netsuite kept over outlook:${userId()}`);
  }, 180_000);

  it('different fields edited in Outlook and NetSuite both survive, without a conflict', async () => {
    const { start, end } = slot();
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Supplier call',
      start: wallClock(start),
      end: wallClock(end),
      timeZone: 'UTC',
      location: 'Room 1',
    });
    const ns = await eventually('the event in NetSuite', () => one(inNetSuite('Supplier call')));
    await eventually('the appointment in Autotask', () => one(inAutotask('Supplier call')));
    const itemId = await itemOf(`outlook:${userId()}`, created.id);
    await linkedEverywhere(itemId);

    await whileSyncIsDown(async () => {
      stack.sandbox.graph.userSide.updateEvent(mailbox(), created.id, { subject: 'Supplier call (agenda)' });
      stack.sandbox.netsuite.userSide.editEvent(employee(), ns.id, { location: 'Room 7' });
    });

    await eventually(
      'the Outlook title in NetSuite',
      () => one(inNetSuite('Supplier call (agenda)').filter((e) => e.location === 'Room 7')),
      60_000
    );
    await eventually(
      'the NetSuite location in Outlook',
      () => one(inOutlook('Supplier call (agenda)').filter((e) => e.location?.displayName === 'Room 7')),
      60_000
    );
    await eventually('the Outlook title in Autotask', () => one(inAutotask('Supplier call (agenda)')), 60_000);
    await moreRounds(2);
    expect(inOutlook('Supplier call')).toHaveLength(1);
    expect(inNetSuite('Supplier call').map((e) => [e.title, e.location])).toEqual([
      ['Supplier call (agenda)', 'Room 7'],
    ]);
    expect(inAutotask('Supplier call').map((a) => a.title)).toEqual(['Supplier call (agenda)']);
    expect(await audit(itemId, 'conflict')).toEqual([]);
  }, 180_000);

  it('an Autotask appointment deleted in Outlook is deleted everywhere and stays deleted', async () => {
    const { start, end } = slot();
    const appointment = stack.sandbox.autotask.userSide.createAppointment({
      resourceID: resource(),
      title: 'Install at Fabrikam',
      description: 'Two racks',
      startDateTime: start.toISO()!,
      endDateTime: end.toISO()!,
    }) as { id: number };
    const copy = await eventually('the appointment in Outlook', () => one(inOutlook('Install at Fabrikam')));
    await eventually('the appointment in NetSuite', () => one(inNetSuite('Install at Fabrikam')));
    const itemId = await itemOf(`autotask:${userId()}`, `appointment:${appointment.id}`);
    await linkedEverywhere(itemId);
    // Quiet: a fresh read of every replica finds nothing to do (no echo gap).
    expect((await planWithFreshReads(itemId)).actions.filter(isWrite)).toEqual([]);

    stack.sandbox.graph.userSide.deleteEvent(mailbox(), copy.id);
    await eventually('gone from Autotask', () => (inAutotask('Install at Fabrikam').length === 0 ? true : undefined));
    await eventually('gone from NetSuite', () => (inNetSuite('Install at Fabrikam').length === 0 ? true : undefined));
    await moreRounds(3);
    expect(inOutlook('Install at Fabrikam')).toEqual([]);
    expect(inNetSuite('Install at Fabrikam')).toEqual([]);
    expect(inAutotask('Install at Fabrikam')).toEqual([]);
    // Created once on each other side when it arrived, never again.
    expect((await audit(itemId, 'create')).length).toBe(2);
  }, 180_000);

  it('an Autotask appointment deleted in Outlook the moment its copy arrives is deleted everywhere', async () => {
    const { start, end } = slot();
    stack.sandbox.autotask.userSide.createAppointment({
      resourceID: resource(),
      title: 'Quick fix at Northwind',
      startDateTime: start.toISO()!,
      endDateTime: end.toISO()!,
    });
    // As a person who removes it from Outlook at once: while sync may still be writing the item.
    const copy = await eventually('the appointment in Outlook', () => one(inOutlook('Quick fix at Northwind')));
    stack.sandbox.graph.userSide.deleteEvent(mailbox(), copy.id);

    await eventually(
      'gone everywhere',
      () =>
        inAutotask('Quick fix at Northwind').length + inNetSuite('Quick fix at Northwind').length === 0
          ? true
          : undefined,
      60_000
    );
    await moreRounds(3);
    expect(inOutlook('Quick fix at Northwind')).toEqual([]);
    expect(inNetSuite('Quick fix at Northwind')).toEqual([]);
    expect(inAutotask('Quick fix at Northwind')).toEqual([]);
  }, 180_000);

  it('an Outlook event with a reminder NetSuite cannot carry is not resurrected after an Outlook delete', async () => {
    const { start, end } = slot();
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Dentist reminder test',
      start: wallClock(start),
      end: wallClock(end),
      timeZone: 'UTC',
      isReminderOn: true,
      reminderMinutesBeforeStart: 25,
    });
    const ns = await eventually('the event in NetSuite', () => one(inNetSuite('Dentist reminder test')));
    await eventually('the appointment in Autotask', () => one(inAutotask('Dentist reminder test')));
    const itemId = await itemOf(`outlook:${userId()}`, created.id);
    await linkedEverywhere(itemId);
    // The gap is real: NetSuite holds no reminder for it, Outlook does.
    expect(ns).not.toHaveProperty('reminderMinutes');
    expect(stack.sandbox.graph.userSide.getEvent(mailbox(), created.id)).toMatchObject({
      isReminderOn: true,
      reminderMinutesBeforeStart: 25,
    });
    expect((await planWithFreshReads(itemId)).actions.filter(isWrite)).toEqual([]);

    stack.sandbox.graph.userSide.deleteEvent(mailbox(), created.id);
    await eventually('gone from NetSuite', () => (inNetSuite('Dentist reminder test').length === 0 ? true : undefined));
    await eventually('gone from Autotask', () => (inAutotask('Dentist reminder test').length === 0 ? true : undefined));
    await moreRounds(3);
    expect(inOutlook('Dentist reminder test')).toEqual([]);
    expect(inNetSuite('Dentist reminder test')).toEqual([]);
    expect(inAutotask('Dentist reminder test')).toEqual([]);
    expect(await audit(itemId, 'conflict')).toEqual([]);
  }, 180_000);

  it('an event made in NetSuite reads back as its base on every side once synced (no echo gap)', async () => {
    const { start, end } = slot();
    const zoned = start.setZone('America/Chicago');
    const event = stack.sandbox.netsuite.userSide.createEvent(employee(), {
      title: 'Echo check from NetSuite',
      message: 'Agenda attached',
      location: 'HQ',
      date: zoned.toISODate()!,
      startTime: zoned.toFormat('HH:mm'),
      endTime: end.setZone('America/Chicago').toFormat('HH:mm'),
      timezone: 'America/Chicago',
    });
    await eventually('the event in Outlook', () => one(inOutlook('Echo check from NetSuite')));
    await eventually('the appointment in Autotask', () => one(inAutotask('Echo check from NetSuite')));
    const itemId = await itemOf('netsuite', event.id);
    await linkedEverywhere(itemId);
    const result = await planWithFreshReads(itemId);
    expect(result.actions.filter(isWrite)).toEqual([]);
    expect(result.actions.filter((a) => a.type === 'conflict-resolved')).toEqual([]);
  }, 120_000);
});
