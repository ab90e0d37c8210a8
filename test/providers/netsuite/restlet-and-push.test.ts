import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ProviderError } from '../../../src/providers/provider-error';
import {
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  signPush,
  verifyPush,
} from '../../../src/providers/netsuite/push-signature';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

const weekly = {
  frequency: 'week' as const,
  period: 1,
  recurrenceDowMaskList: ['monday' as const, 'wednesday' as const],
  seriesStartDate: '2026-03-02',
  noEndDate: false,
  endByDate: '2026-04-29',
  exclusionDateList: ['2026-03-11'],
};

describe('the recurrence RESTlet', () => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it.each(['m2m', 'tba'] as const)('writes and reads back the fields REST lacks (%s)', async (scheme) => {
    const client = scheme === 'm2m' ? h.m2m : h.tba;
    const { id } = await client.upsertCalendarEventByExternalId(`series-${scheme}`, {
      title: 'Stand-up',
      startDate: '2026-03-02',
      startTime: '09:00',
      endTime: '09:15',
    });
    await client.setRecurrence(id, weekly);
    await expect(client.getRecurrence(id)).resolves.toEqual({
      ...weekly,
      recurrenceDow: undefined,
      recurrenceDowim: undefined,
    });
    expect((await client.getCalendarEvent(id))?.recurrence).toEqual(expect.any(String));
    await client.setRecurrence(id, null);
    await expect(client.getRecurrence(id)).resolves.toBeNull();
  });

  it('never makes NetSuite email the attendees', async () => {
    const guest = h.emulator.addContact({ name: 'Guest', email: 'guest@example.com' });
    const { id } = await h.tba.upsertCalendarEventByExternalId('series-mail', {
      title: 'With guest',
      startDate: '2026-03-02',
      startTime: '09:00',
      endTime: '10:00',
      attendee: { items: [{ attendee: { id: guest.id } }] },
    });
    await h.tba.setRecurrence(id, weekly);
    await h.tba.updateCalendarEvent(id, { title: 'With guest, renamed' });
    await h.tba.deleteCalendarEvent(id);
    expect(h.emulator.sentEmails).toEqual([]);
  });

  it('fails with a non-retryable SSS_INVALID_SCRIPTLET_ID where the bundle is not installed', async () => {
    const bare = await startHarness({ restletInstalled: false });
    try {
      const { id } = await bare.tba.createCalendarEvent({
        title: 'x',
        startDate: '2026-03-02',
        startTime: '09:00',
        endTime: '10:00',
      });
      const error = await bare.tba.getRecurrence(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        code: 'SSS_INVALID_SCRIPTLET_ID',
        retryable: false,
        operation: 'restlet.getRecurrence',
      });
    } finally {
      await bare.emulator.close();
    }
  });
});

describe('the User Event push', () => {
  let h: NetSuiteHarness;
  let server: Server;
  const received: { raw: string; signature?: string; timestamp?: string }[] = [];
  const secret = 'tenant-secret';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        received.push({
          raw,
          signature: req.headers[PUSH_SIGNATURE_HEADER] as string,
          timestamp: req.headers[PUSH_TIMESTAMP_HEADER] as string,
        });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h = await startHarness({
      push: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/netsuite/t1`, secret },
    });
  });
  afterAll(async () => {
    await h.emulator.close();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => void received.splice(0));

  it('posts {type, id, lastModified} signed with the tenant secret for each change a person makes', async () => {
    const me = h.emulator.addEmployee({ name: 'Uma', email: 'uma@example.com', timeZone: 'Europe/Rome' });
    const guest = h.emulator.addEmployee({ name: 'Gus', email: 'gus@example.com' });
    const event = h.emulator.userSide.createEvent(me.id, {
      title: 'Made in NetSuite',
      date: '2026-03-05',
      startTime: '10:00',
      endTime: '11:00',
      attendees: [{ entityId: guest.id }],
    });
    h.emulator.userSide.editEvent(me.id, event.id, { title: 'Renamed' });
    h.emulator.userSide.respond(guest.id, event.id, 'ACCEPTED');
    h.emulator.userSide.deleteEvent(me.id, event.id);
    await h.emulator.flushPushes();
    const bodies = received.map((r) => JSON.parse(r.raw) as { type: string; id: string; lastModified?: string });
    expect(bodies.map((b) => [b.type, b.id])).toEqual([
      ['create', event.id],
      ['edit', event.id],
      ['xedit', event.id],
      ['delete', event.id],
    ]);
    expect(bodies[0]?.lastModified).toMatch(/Z$/);
    expect(
      received.every((r) =>
        verifyPush({ secret, rawBody: r.raw, signature: r.signature, timestamp: r.timestamp, nowMs: h.emulator.now() })
      )
    ).toBe(true);
    expect(
      verifyPush({
        secret: 'other-tenant',
        rawBody: received[0]!.raw,
        signature: received[0]!.signature,
        timestamp: received[0]!.timestamp,
        nowMs: h.emulator.now(),
      })
    ).toBe(false);
  });

  it("skips the integration's own writes (REST and RESTlet), so sync hears no echo", async () => {
    const { id } = await h.tba.upsertCalendarEventByExternalId('push-echo', {
      title: 'From Outlook',
      startDate: '2026-03-06',
      startTime: '09:00',
      endTime: '10:00',
    });
    await h.tba.setRecurrence(id, { ...weekly, seriesStartDate: '2026-03-06', recurrenceDowMaskList: ['friday'] });
    await h.tba.deleteCalendarEvent(id);
    await h.emulator.flushPushes();
    expect(received).toEqual([]);
  });

  it('refuses a stale or tampered push', () => {
    const nowMs = Date.now();
    const ts = String(Math.floor(nowMs / 1000));
    const good = verifyPush({ secret, rawBody: '{}', signature: undefined, timestamp: ts, nowMs });
    expect(good).toBe(false);
    const signature = signPush(secret, Number(ts), '{"type":"edit","id":"1"}');
    expect(verifyPush({ secret, rawBody: '{"type":"edit","id":"1"}', signature, timestamp: ts, nowMs })).toBe(true);
    expect(verifyPush({ secret, rawBody: '{"type":"edit","id":"2"}', signature, timestamp: ts, nowMs })).toBe(false);
    expect(
      verifyPush({ secret, rawBody: '{"type":"edit","id":"1"}', signature, timestamp: ts, nowMs: nowMs + 10 * 60_000 })
    ).toBe(false);
  });
});
