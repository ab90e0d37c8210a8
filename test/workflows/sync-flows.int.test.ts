import { DateTime } from 'luxon';
import { replicaKey } from '../../src/domain/link';
import { metricsRegistry } from '../../src/observability/metrics';
import { ItemStore } from '../../src/store/items';
import { SecretBox } from '../../src/store/secret-box';
import { dayAfter, daysAhead, daysAheadClearOfDst, utcInstant, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * The flows of DESIGN.md §2 end to end: a real Temporal dev server, PostgreSQL, the worker with its
 * real activities, and the three emulators over HTTP(S), acted on as a person would.
 */
describe('sync flows between Outlook, NetSuite and Autotask', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack({ codecKeys: SecretBox.generateKeySpec('test-codec') });
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const employee = () => stack.sandbox.info.netsuite.employeeId;
  const resourceId = () => stack.sandbox.info.autotask.resourceId;
  const outlookEvents = () => stack.sandbox.graph.userSide.listEvents(mailbox()) as { id: string; subject: string }[];
  const inOutlook = (subject: string) => outlookEvents().find((e) => e.subject === subject);
  const inNetSuite = (title: string) => stack.sandbox.netsuite.listEvents().find((e) => e.title === title);
  const appointments = () =>
    stack.sandbox.autotask.userSide.list('Appointments') as {
      id: number;
      title: string;
      description?: string;
      resourceID: number;
    }[];
  const inAutotask = (title: string) => appointments().find((a) => a.title === title);

  it('an Outlook event reaches NetSuite and Autotask, and an edit follows', async () => {
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Pipeline review',
      body: 'Numbers for Q1',
      start: wallClock(daysAhead(0), '14:00'),
      end: wallClock(daysAhead(0), '15:00'),
      timeZone: 'Europe/Berlin',
      location: 'Room 2',
    }) as { id: string };
    const ns = await eventually('the event in NetSuite', () => inNetSuite('Pipeline review'));
    expect(ns.message).toBe('Numbers for Q1');
    const at = await eventually('the appointment in Autotask', () => inAutotask('Pipeline review'));
    expect(at.resourceID).toBe(resourceId());

    stack.sandbox.graph.userSide.updateEvent(mailbox(), created.id, { subject: 'Pipeline review (moved)' });
    await eventually('the new title in NetSuite', () => inNetSuite('Pipeline review (moved)'));
    await eventually('the new title in Autotask', () => inAutotask('Pipeline review (moved)'));
    // Updated in place, never duplicated.
    expect(stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith('Pipeline review'))).toHaveLength(1);
    expect(appointments().filter((a) => a.title.startsWith('Pipeline review'))).toHaveLength(1);
  }, 90_000);

  it('our own Autotask write is known to the tenant poller: the appointment is not read again', async () => {
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Echo check',
      start: wallClock(daysAhead(1), '09:00'),
      end: wallClock(daysAhead(1), '10:00'),
      timeZone: 'Europe/Berlin',
    });
    const at = await eventually('the appointment in Autotask', () => inAutotask('Echo check'));
    const log = stack.sandbox.autotask.requestLog;
    const readsOfIt = () =>
      log.entries().filter((e) => e.action === 'get' && new RegExp(`/Appointments/${at.id}$`).test(e.path)).length;
    const polls = () => log.count({ entity: 'Appointments', action: 'query' });
    // The appointment shows in Autotask before the sync round has read its stamp back and stored
    // it; a poll in that gap rightly reads it once. Count from when our version is stored.
    const items = new ItemStore(stack.db.pool);
    const recordId = `appointment:${at.id}`;
    const replica = replicaKey('autotask', stack.sandbox.userId);
    await eventually('our version of the appointment stored', async () =>
      (await items.versionsOf(stack.sandbox.tenantId, replica, [recordId])).get(recordId)
    );
    const pollsAtStore = polls();
    await eventually('a tenant poll after that', () => (polls() > pollsAtStore ? true : undefined));
    // The feed keeps showing the appointment (its overlap window); each poll must take it for ours.
    const [readsBefore, pollsBefore] = [readsOfIt(), polls()];
    await eventually('three more tenant polls', () => (polls() >= pollsBefore + 3 ? true : undefined));
    expect(readsOfIt()).toBe(readsBefore);
  }, 90_000);

  it('an Outlook event past midnight is cut at 23:59 in NetSuite, and the cut never travels back', async () => {
    // NetSuite events have one date: 23:30–01:00 New York time is written as 23:30–23:59.
    // A night New York does not change its clocks, so 01:00 there is one instant (EST or EDT by season).
    const day = daysAheadClearOfDst(3, 'America/New_York');
    const endUtc = DateTime.fromISO(wallClock(dayAfter(day), '01:00'), { zone: 'America/New_York' })
      .toUTC()
      .toISO();
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Late deploy',
      start: wallClock(day, '23:30'),
      end: wallClock(dayAfter(day), '01:00'),
      timeZone: 'America/New_York',
    }) as { id: string };
    const ns = await eventually('the event in NetSuite', () => inNetSuite('Late deploy'));
    expect([ns.startDate, ns.startTime, ns.endTime]).toEqual([day, '23:30', '23:59']);
    await eventually('the appointment in Autotask', () => inAutotask('Late deploy'));
    // A further Outlook edit makes sync read NetSuite before writing it: the cut is its own write.
    stack.sandbox.graph.userSide.updateEvent(mailbox(), created.id, { subject: 'Late deploy (db)' });
    await eventually('the new title in NetSuite', () => inNetSuite('Late deploy (db)'));
    const at = await eventually('the new title in Autotask', () =>
      appointments().find((a) => a.title === 'Late deploy (db)')
    );
    const outlook = stack.sandbox.graph.userSide.getEvent(mailbox(), created.id);
    const outlookEnd = DateTime.fromISO(outlook!.end.dateTime, { zone: outlook!.end.timeZone || 'UTC' });
    expect(outlookEnd.toUTC().toISO()).toBe(endUtc);
    expect((at as unknown as { endDateTime: string }).endDateTime).toBe(endUtc);
    expect(inNetSuite('Late deploy (db)')?.endTime).toBe('23:59');
  }, 90_000);

  it('a NetSuite event reaches Outlook through the tenant poller, and its edit follows', async () => {
    const event = stack.sandbox.netsuite.userSide.createEvent(employee(), {
      title: 'Customer visit: Northwind',
      message: 'Bring the contract',
      date: daysAhead(2),
      startTime: '10:00',
      endTime: '11:30',
      timezone: 'America/Chicago',
    });
    await eventually('the event in Outlook', () => inOutlook('Customer visit: Northwind'));
    stack.sandbox.netsuite.userSide.editEvent(employee(), event.id, { title: 'Customer visit: Northwind (confirmed)' });
    await eventually('the edit in Outlook', () => inOutlook('Customer visit: Northwind (confirmed)'));
    expect(outlookEvents().filter((e) => e.subject.startsWith('Customer visit: Northwind'))).toHaveLength(1);
  }, 90_000);

  it('an Autotask appointment reaches Outlook', async () => {
    stack.sandbox.autotask.userSide.createAppointment({
      resourceID: resourceId(),
      title: 'On-site install at Contoso',
      description: 'Rack 4',
      startDateTime: utcInstant(daysAhead(3), '08:00'),
      endDateTime: utcInstant(daysAhead(3), '12:00'),
    });
    await eventually('the appointment in Outlook', () => inOutlook('On-site install at Contoso'));
  }, 90_000);

  it('a private Outlook event appears in Autotask as "Appointment" without its description', async () => {
    const day = daysAhead(4);
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Doctor',
      body: 'Private matter',
      start: wallClock(day, '09:00'),
      end: wallClock(day, '10:00'),
      timeZone: 'UTC',
      sensitivity: 'private',
    });
    const appointment = await eventually('the private appointment in Autotask', () =>
      appointments().find(
        (a) =>
          a.title === 'Appointment' &&
          Date.parse(String((a as { startDateTime?: string }).startDateTime)) === Date.parse(utcInstant(day, '09:00'))
      )
    );
    expect(appointment.description ?? '').not.toContain('Private matter');
  }, 90_000);

  it('deleting in Outlook deletes the copies in NetSuite and Autotask', async () => {
    const created = stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Short-lived meeting',
      start: wallClock(daysAhead(5), '09:00'),
      end: wallClock(daysAhead(5), '10:00'),
      timeZone: 'UTC',
    }) as { id: string };
    await eventually('the event in NetSuite', () => inNetSuite('Short-lived meeting'));
    await eventually('the appointment in Autotask', () => inAutotask('Short-lived meeting'));
    stack.sandbox.graph.userSide.deleteEvent(mailbox(), created.id);
    await eventually('the NetSuite copy gone', () => (inNetSuite('Short-lived meeting') ? undefined : true));
    await eventually('the Autotask copy gone', () => (inAutotask('Short-lived meeting') ? undefined : true));
  }, 90_000);

  it('keeps event contents out of Temporal in clear text (payload codec)', async () => {
    const history = await stack.rawClient.workflow.getHandle(stack.workflowId).fetchHistory();
    // Every payload of the history (inputs, results, signals, summaries) as an operator without the codec sees it.
    const encodings: string[] = [];
    // The SDK's core writes its own markers in plain JSON: a local activity's record (its id, type,
    // attempt and times; ADR 0012, 0014) beside its result, which is encrypted like the rest, and a
    // patch's name (`patched`). They carry no event contents.
    const markerRecords: { name: string; json: string }[] = [];
    const coreFields: Record<string, string> = { core_local_activity: 'data', core_patch: 'patch-data' };
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        const marker = record.markerRecordedEventAttributes as
          { markerName?: string; details?: Record<string, { payloads: { data?: Uint8Array }[] }> } | undefined;
        const field = coreFields[marker?.markerName ?? ''];
        if (marker?.details && field && field in marker.details) {
          const { [field]: plain, ...rest } = marker.details;
          for (const p of plain!.payloads)
            markerRecords.push({ name: marker.markerName!, json: Buffer.from(p.data ?? new Uint8Array()).toString() });
          walk({ ...record, markerRecordedEventAttributes: { ...marker, details: rest } });
          return;
        }
        if (Array.isArray(record.payloads)) {
          for (const payload of record.payloads as { metadata?: Record<string, Uint8Array> }[]) {
            encodings.push(Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString());
          }
        }
        Object.values(record).forEach(walk);
      }
    };
    walk(history.events);
    expect(encodings.length).toBeGreaterThan(10);
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
    expect(markerRecords.map((m) => m.name)).toContain('core_local_activity');
    for (const { name, json } of markerRecords) {
      expect(Object.keys(JSON.parse(json) as object).sort()).toEqual(
        expect.arrayContaining(name === 'core_patch' ? ['id'] : ['activity_id', 'activity_type'])
      );
      expect(json).not.toMatch(/Pipeline review|Numbers for Q1|Room 2|Doctor|Private matter|Northwind|Contoso/);
    }
  });

  it('counts provider calls by provider, operation and outcome, failures by their provider code', async () => {
    // The next NetSuite write is refused once, as an account at its concurrency limit refuses it.
    stack.sandbox.netsuite.faults.inject({
      method: 'PUT',
      path: /calendarEvent/,
      status: 429,
      code: 'CONCURRENCY_LIMIT_EXCEEDED',
      retryAfterSeconds: 1,
    });
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'Metered meeting',
      start: wallClock(daysAhead(7), '09:00'),
      end: wallClock(daysAhead(7), '10:00'),
      timeZone: 'UTC',
    });
    await eventually('the event in NetSuite after the retry', () => inNetSuite('Metered meeting'));
    const lines = (await metricsRegistry.getSingleMetricAsString('calsync_provider_calls_total')).split('\n');
    const count = (provider: string, outcome: string) =>
      lines
        .filter((l) => l.includes(`provider="${provider}"`) && l.includes(`outcome="${outcome}"`))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(count('graph', 'ok')).toBeGreaterThan(0);
    expect(count('netsuite', 'ok')).toBeGreaterThan(0);
    expect(count('autotask', 'ok')).toBeGreaterThan(0);
    expect(count('netsuite', 'CONCURRENCY_LIMIT_EXCEEDED')).toBeGreaterThanOrEqual(1);
    // Operations are names, never URLs with ids in them.
    expect(lines.filter((l) => l.startsWith('calsync_provider_calls_total{')).every((l) => !l.includes('/'))).toBe(
      true
    );
  }, 90_000);

  it('sync never made a provider email anyone', () => {
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
