import { createPrivateKey } from 'node:crypto';
import { generate } from 'selfsigned';
import { ProviderError } from '../../../src/providers/provider-error';
import { startClientHarness, window, type ClientHarness } from './client-harness';

/** The production Graph client against the emulator: every operation, over real HTTPS. */
describe('Graph client contract', () => {
  let h: ClientHarness;
  beforeAll(async () => {
    h = await startClientHarness();
  });
  afterAll(async () => h.close());
  afterEach(() => h.emu.faults.reset());

  const timed = (day: number) => ({
    start: { dateTime: `2026-03-${String(day).padStart(2, '0')}T10:00:00`, timeZone: 'W. Europe Standard Time' },
    end: { dateTime: `2026-03-${String(day).padStart(2, '0')}T11:00:00`, timeZone: 'W. Europe Standard Time' },
  });

  it('authenticates through MSAL against the login host and reuses the token until it expires', async () => {
    const before = h.emu.tokensIssued();
    await h.client.listChanges(h.alice, window);
    await h.client.listChanges(h.alice, window);
    expect(h.emu.tokensIssued() - before).toBeLessThanOrEqual(1);
  });

  it('sends Prefer IdType="ImmutableId" and outlook.timezone="UTC" on every Graph request', async () => {
    const mark = h.emu.requestLog.length;
    const made = await h.client.createEvent(h.alice, { subject: 'Prefer', ...timed(3) }, { itemId: 'prefer-1' });
    await h.client.getEvent(h.alice, made.event.id);
    await h.client.batchGetEvents(h.alice, [made.event.id]);
    await h.client.deleteEvent(h.alice, made.event.id);
    const calls = h.emu.requestLog.slice(mark).filter((r) => r.url.startsWith('/v1.0/'));
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const call of calls) {
      expect(call.prefer.join(',')).toContain('IdType="ImmutableId"');
      expect(call.prefer.join(',')).toContain('outlook.timezone="UTC"');
    }
  });

  describe('delta', () => {
    const mailbox = 'delta@contoso.test';
    beforeAll(() => {
      h.emu.addMailbox(mailbox);
    });

    it('follows every nextLink, returns full events and a deltaLink, then only changes', async () => {
      const client = h.makeClient({ pageSize: 2 });
      const ids = [1, 2, 3, 4, 5].map(
        (d) =>
          h.emu.userSide.createEvent(mailbox, {
            subject: `E${d}`,
            start: `2026-03-1${d}T09:00`,
            end: `2026-03-1${d}T10:00`,
          }).id
      );
      const first = await client.listChanges(mailbox, window);
      expect(first.pages).toBe(3);
      expect(first.events.map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(first.fullResync).toBe(false);
      h.emu.userSide.updateEvent(mailbox, ids[0]!, { subject: 'E1 changed' });
      h.emu.userSide.deleteEvent(mailbox, ids[1]!);
      const next = await client.listChanges(mailbox, window, first.deltaLink);
      expect(next.events.map((e) => e.subject)).toEqual(['E1 changed']);
      expect(next.removedIds).toEqual([ids[1]]);
    });

    it('reads the window again and says so when the delta token has expired', async () => {
      const first = await h.client.listChanges(mailbox, window);
      h.emu.faults.expireDeltaTokens();
      const again = await h.client.listChanges(mailbox, window, first.deltaLink);
      expect(again.fullResync).toBe(true);
      expect(again.events.length).toBe(first.events.length);
    });

    it('returns plain occurrences as stubs and the series master in full', async () => {
      const series = h.emu.userSide.createEvent(mailbox, {
        subject: 'Series',
        start: '2026-03-02T08:00',
        end: '2026-03-02T08:30',
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 2 },
        },
      });
      const changes = await h.client.listChanges(mailbox, window);
      expect(changes.events.find((e) => e.id === series.id)?.recurrence?.pattern.type).toBe('weekly');
      expect(changes.occurrences.filter((o) => o.seriesMasterId === series.id)).toHaveLength(2);
    });
  });

  describe('identity and idempotent creates', () => {
    it('stamps our ids as extended properties and finds the event by each of them', async () => {
      const made = await h.client.createEvent(
        h.alice,
        { subject: 'Stamped', ...timed(4) },
        { itemId: 'item-42', netsuiteId: '9001' }
      );
      expect(made.created).toBe(true);
      const got = await h.client.getEvent(h.alice, made.event.id);
      expect(got.identity).toEqual({ itemId: 'item-42', netsuiteId: '9001' });
      const byNs = await h.client.findByIdentity(h.alice, 'netsuiteId', '9001');
      expect(byNs.map((f) => f.event.id)).toEqual([made.event.id]);
      await h.client.updateEvent(h.alice, made.event.id, { subject: 'Stamped 2' }, { autotaskId: '77' });
      expect((await h.client.getEvent(h.alice, made.event.id)).identity).toEqual({
        itemId: 'item-42',
        netsuiteId: '9001',
        autotaskId: '77',
      });
    });

    it('finds the first copy instead of creating a second when a create is replayed', async () => {
      const body = { subject: 'Once', ...timed(5) };
      const first = await h.client.createEvent(h.alice, body, { itemId: 'item-once' });
      const replay = await h.client.createEvent(h.alice, body, { itemId: 'item-once' });
      expect(replay.created).toBe(false);
      expect(replay.event.id).toBe(first.event.id);
      expect(await h.client.findByIdentity(h.alice, 'itemId', 'item-once')).toHaveLength(1);
      const failures = h.emu.requestLog.filter((r) => r.errorCode === 'ErrorDuplicateTransactionId');
      expect(failures.length).toBeGreaterThan(0);
    });
  });

  describe('events', () => {
    it('gets, patches and deletes; a second delete reports the item was already gone', async () => {
      const made = await h.client.createEvent(h.alice, { subject: 'CRUD', ...timed(6) }, { itemId: 'crud-1' });
      const patched = await h.client.updateEvent(h.alice, made.event.id, {
        subject: 'CRUD 2',
        location: { displayName: 'Room' },
      });
      expect(patched).toMatchObject({ subject: 'CRUD 2', location: { displayName: 'Room' } });
      expect(await h.client.deleteEvent(h.alice, made.event.id)).toBe(true);
      expect(await h.client.deleteEvent(h.alice, made.event.id)).toBe(false);
      expect(await h.client.findEvent(h.alice, made.event.id)).toBeUndefined();
      await expect(h.client.getEvent(h.alice, made.event.id)).rejects.toMatchObject({
        status: 404,
        code: 'ErrorItemNotFound',
        retryable: false,
      });
    });

    it('accepts, tentatively accepts and declines invitations', async () => {
      const meeting = h.emu.userSide.createEvent(h.bob, {
        subject: 'Invite',
        start: '2026-03-10T10:00',
        end: '2026-03-10T11:00',
        attendees: [h.alice],
      });
      const copy = h.emu.userSide.listEvents(h.alice).find((e) => e.iCalUId === meeting.iCalUId)!;
      await h.client.respond(h.alice, copy.id, 'tentativelyAccept', { sendResponse: false });
      expect(h.emu.userSide.getEvent(h.bob, meeting.id)?.attendees[0]?.status.response).toBe('tentativelyAccepted');
      await h.client.respond(h.alice, copy.id, 'accept');
      expect(h.emu.userSide.getEvent(h.alice, copy.id)?.responseStatus.response).toBe('accepted');
      await h.client.respond(h.alice, copy.id, 'decline');
      expect(h.emu.userSide.getEvent(h.bob, meeting.id)?.attendees[0]?.status.response).toBe('declined');
    });

    it('re-reads many events in batches of 20 and reports missing ones as null', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 23; i++)
        ids.push(
          h.emu.userSide.createEvent(h.bob, { subject: `B${i}`, start: '2026-03-11T10:00', end: '2026-03-11T11:00' }).id
        );
      h.emu.userSide.deleteEvent(h.bob, ids[22]!);
      const mark = h.emu.requestLog.length;
      const read = await h.client.batchGetEvents(h.bob, ids);
      expect(h.emu.requestLog.slice(mark).filter((r) => r.url === '/v1.0/$batch')).toHaveLength(2);
      expect(read.get(ids[0]!)?.event.subject).toBe('B0');
      expect(read.get(ids[22]!)).toBeNull();
      expect(read.size).toBe(23);
    });
  });

  describe('series', () => {
    it('reads the master with recurrence, exceptions and cancelled occurrences, and edits single occurrences', async () => {
      const created = await h.client.createEvent(
        h.alice,
        {
          subject: 'Weekly',
          ...timed(2),
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
            range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 4 },
          },
        },
        { itemId: 'series-1' }
      );
      const instances = await h.client.listInstances(h.alice, created.event.id, window);
      expect(instances.map((i) => i.type)).toEqual(['occurrence', 'occurrence', 'occurrence', 'occurrence']);
      const second = await h.client.findOccurrence(h.alice, created.event.id, '2026-03-09T09:00:00Z');
      expect(second?.id).toBe(instances[1]!.id);
      await h.client.updateOccurrence(h.alice, instances[1]!.id, { subject: 'Weekly (moved room)' });
      expect(await h.client.deleteOccurrence(h.alice, instances[2]!.id)).toBe(true);
      const view = await h.client.getSeries(h.alice, created.event.id);
      expect(view.master.recurrence?.range.numberOfOccurrences).toBe(4);
      expect(view.identity).toEqual({ itemId: 'series-1' });
      expect(view.cancelledDates).toEqual(['2026-03-16']);
      expect(view.exceptions.map((e) => e.subject)).toEqual(['Weekly (moved room)']);
      const mapped = h.client.toCanonical(view.master);
      expect(mapped.event.recurrence).toMatchObject({
        timeZone: 'Europe/Berlin',
        exdates: ['2026-03-16T09:00:00.000Z'],
        overrides: ['2026-03-09T09:00:00.000Z'],
      });
    });
  });

  describe('subscriptions', () => {
    it('creates (after the validation handshake), renews, reauthorizes and deletes', async () => {
      const { startReceiver } = await import('../../emulators/graph/harness');
      const rx = await startReceiver();
      try {
        const sub = await h.client.createSubscription({
          mailbox: h.alice,
          notificationUrl: `${rx.url}/n`,
          lifecycleNotificationUrl: `${rx.url}/l`,
          clientState: 'cs',
        });
        expect(sub.resource).toBe(`users/${encodeURIComponent(h.alice)}/events`);
        const renewed = await h.client.renewSubscription(sub.id, 60);
        expect(Date.parse(renewed.expirationDateTime)).toBeLessThan(Date.parse(sub.expirationDateTime));
        await h.client.reauthorizeSubscription(sub.id);
        expect(await h.client.getSubscription(sub.id)).toMatchObject({ id: sub.id });
        expect(await h.client.deleteSubscription(sub.id)).toBe(true);
        expect(await h.client.deleteSubscription(sub.id)).toBe(false);
        rx.mode = 'wrong';
        await expect(
          h.client.createSubscription({ mailbox: h.alice, notificationUrl: `${rx.url}/n`, clientState: 'cs' })
        ).rejects.toMatchObject({
          status: 400,
          retryable: false,
        });
      } finally {
        await rx.close();
      }
    });
  });

  describe('errors', () => {
    it('turns throttling into a retryable ProviderError carrying Retry-After, without retrying itself', async () => {
      h.emu.faults.throttleNext(1, { retryAfterSeconds: 7, mailbox: h.alice });
      const mark = h.emu.requestLog.length;
      const err = await h.client.listChanges(h.alice, window).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({
        provider: 'graph',
        status: 429,
        code: 'ApplicationThrottled',
        retryable: true,
        retryAfterMs: 7000,
      });
      expect(h.emu.requestLog.slice(mark).filter((r) => r.url.startsWith('/v1.0/'))).toHaveLength(1);
    });

    it('turns 503 into a retryable error', async () => {
      h.emu.faults.unavailableNext(1, { mailbox: h.alice });
      await expect(h.client.getEvent(h.alice, 'x')).rejects.toMatchObject({ status: 503, retryable: true });
    });

    it('reports a wrong client secret as a non-retryable error', async () => {
      const bad = h.makeClient({ clientSecret: 'wrong' });
      await expect(bad.listChanges(h.alice, window)).rejects.toMatchObject({
        provider: 'graph',
        code: 'invalid_client',
        retryable: false,
      });
    });

    it('authenticates with a certificate instead of a secret: MSAL signs a client assertion the login host verifies', async () => {
      const cert = await certificate();
      h.emu.registerApp({ tenantId: h.app.tenantId, clientId: 'cert-app', certificatePem: cert.certificatePem });
      const before = h.emu.tokensIssued();
      const client = h.makeClient({ clientId: 'cert-app', clientSecret: undefined, clientCertificate: cert });
      await expect(client.listChanges(h.alice, window)).resolves.toMatchObject({ fullResync: false });
      expect(h.emu.tokensIssued()).toBe(before + 1);
    });

    it('reports a certificate the app does not know, or a key that does not match it, as non-retryable', async () => {
      const registered = await certificate();
      const other = await certificate();
      h.emu.registerApp({
        tenantId: h.app.tenantId,
        clientId: 'cert-app-2',
        certificatePem: registered.certificatePem,
      });
      const unknown = h.makeClient({ clientId: 'cert-app-2', clientSecret: undefined, clientCertificate: other });
      await expect(unknown.listChanges(h.alice, window)).rejects.toMatchObject({
        provider: 'graph',
        code: 'invalid_client',
        retryable: false,
      });
      // The registered certificate named, but signed with another key: the signature does not verify.
      const forged = h.makeClient({
        clientId: 'cert-app-2',
        clientSecret: undefined,
        clientCertificate: { certificatePem: registered.certificatePem, privateKeyPem: other.privateKeyPem },
      });
      await expect(forged.listChanges(h.alice, window)).rejects.toMatchObject({
        code: 'invalid_client',
        retryable: false,
      });
    });

    it('refuses a client with both a secret and a certificate, or neither', async () => {
      const cert = await certificate();
      expect(() => h.makeClient({ clientCertificate: cert })).toThrow(/exactly one/);
      expect(() => h.makeClient({ clientSecret: undefined })).toThrow(/exactly one/);
    });

    it('stays within four concurrent requests per mailbox through its gate', async () => {
      h.emu.faults.set({ latencyMs: 60 });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.client.listChanges(h.bob, window)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    });

    it('names the bad field when Graph answers in an unexpected shape', async () => {
      const made = await h.client.createEvent(h.alice, { subject: 'shape', ...timed(7) }, { itemId: 'shape-1' });
      expect(made.event.id).toEqual(expect.any(String));
      const { identifiedEventSchema } = await import('../../../src/providers/graph/schemas');
      const { toProviderError } = await import('../../../src/providers/graph/errors');
      const parsed = identifiedEventSchema.safeParse({ id: 'x', start: { dateTime: 5 } });
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(toProviderError(parsed.error, 'events.get').message).toContain('start.dateTime');
    });
  });
});

/** A fresh self-signed certificate and its PKCS#8 key, as an admin would upload to an Entra app. */
async function certificate(): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const pems = await generate([{ name: 'commonName', value: 'calsync-test-app' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  const privateKeyPem = createPrivateKey(pems.private).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificatePem: pems.cert, privateKeyPem };
}
