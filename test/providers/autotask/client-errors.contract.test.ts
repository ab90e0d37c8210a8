import { inProcessGate } from '../../../src/providers/call-gate';
import { type ProviderError } from '../../../src/providers/provider-error';
import { AutotaskClient, where } from '../../../src/providers/autotask';
import { appointmentSchema } from '../../../src/providers/autotask/models';
import { openGate, startHarness, thrown, type Harness } from './harness';

// How the client reports each kind of Autotask failure, and how it lives with the thread limit
// and with a database that moves to another zone.
describe('AutotaskClient errors against the emulator', () => {
  let h: Harness;
  afterEach(async () => {
    await h.emulator.close();
  });

  describe('with default emulator settings', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('reports an invalid integration code (HTTP 500) as a non-retryable authentication failure', async () => {
      const client = new AutotaskClient({
        credentials: { ...h.emulator.credentials, integrationCode: 'WRONG' },
        zoneLookupUrl: h.emulator.zoneLookupUrl,
      });
      const err = await thrown(() => client.listActionTypes());
      expect(err).toMatchObject({ provider: 'autotask', status: 500, code: 'AuthenticationFailed', retryable: false });
    });

    it('reports a wrong secret as a non-retryable authentication failure after one zone re-check', async () => {
      const client = new AutotaskClient({
        credentials: { ...h.emulator.credentials, secret: 'nope' },
        zoneLookupUrl: h.emulator.zoneLookupUrl,
      });
      const err = await thrown(() => client.listActionTypes());
      expect(err).toMatchObject({ status: 401, code: 'AuthenticationFailed', retryable: false });
      expect(h.emulator.requestLog.count({ action: 'zone' })).toBe(2);
    });

    it('reports an unknown API user as ZoneUnknown', async () => {
      const client = new AutotaskClient({
        credentials: { ...h.emulator.credentials, userName: 'ghost@example.com' },
        zoneLookupUrl: h.emulator.zoneLookupUrl,
      });
      const err = await thrown(() => client.listActionTypes());
      expect(err).toMatchObject({ code: 'ZoneUnknown', retryable: false, status: 500 });
    });

    it('reports a permission refusal as non-retryable', async () => {
      h.emulator.faults.permissionDenied(1, { entity: 'Appointments' });
      const err = await thrown(() => h.client.queryAppointments([where.eq('resourceID', h.seed.dana)]));
      expect(err).toMatchObject({ code: 'PermissionDenied', retryable: false });
    });

    it('reports updating a missing record as NotFound, and a missing id on GET as null', async () => {
      const err = await thrown(() => h.client.updateAppointment({ id: 1, title: 'x' }));
      expect(err).toMatchObject({ code: 'NotFound', retryable: false, status: 500 });
      expect(await h.client.getAppointment(1)).toBeNull();
    });

    it('reports a filter on an unknown field as a non-retryable invalid request', async () => {
      const err = await thrown(() => h.client.queryAppointments([where.eq('colour', 'blue')]));
      expect(err).toMatchObject({ code: 'InvalidRequest', retryable: false, status: 500 });
      expect((err as Error).message).toMatch(/colour/);
    });

    it('refuses an invalid query before it costs a request', async () => {
      const err = await thrown(() =>
        h.client.queryAll('Appointments', appointmentSchema, { filter: [], maxRecords: 900 })
      );
      expect(err).toMatchObject({ provider: 'autotask', code: 'InvalidRequest', retryable: false, status: 0 });
      expect(h.emulator.requestLog.count({ entity: 'Appointments' })).toBe(0);
    });

    it('reports a rejected write (a reference to nothing) as a non-retryable invalid request', async () => {
      const err = await thrown(() =>
        h.client.createAppointment({
          resourceID: 424242,
          title: 'x',
          startDateTime: '2026-03-10T09:00:00Z',
          endDateTime: '2026-03-10T10:00:00Z',
        })
      );
      expect(err).toMatchObject({ code: 'InvalidRequest', retryable: false });
    });

    it('reports 429 as retryable and honours Retry-After in seconds and as an HTTP date', async () => {
      h.emulator.faults.rateLimit(1, 7);
      const seconds = await thrown(() => h.client.listActionTypes());
      expect(seconds).toMatchObject({ code: 'RateLimited', status: 429, retryable: true, retryAfterMs: 7000 });

      h.emulator.faults.rateLimit(1, new Date(Date.now() + 30_000).toUTCString());
      const date = (await thrown(() => h.client.listActionTypes())) as ProviderError;
      expect(date.retryable).toBe(true);
      expect(date.retryAfterMs).toBeGreaterThan(25_000);
      expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it('reports a gateway failure without an Autotask reason as a retryable server error', async () => {
      h.emulator.faults.serverError(1);
      const err = await thrown(() => h.client.listActionTypes());
      expect(err).toMatchObject({ code: 'ServerError', status: 503, retryable: true });
    });

    it('reports a refused connection as a retryable network error', async () => {
      const zone = await h.client.transport.zones.current();
      await h.emulator.close();
      const err = await thrown(() => h.client.listActionTypes());
      expect(err).toMatchObject({ code: 'NetworkError', status: 0, retryable: true });
      expect(zone.apiBaseUrl).toContain('/ATServicesRest/V1.0/');
      h = await startHarness(); // for afterEach
    });

    it('re-discovers the zone when the database moves, and carries on', async () => {
      const before = await h.client.listActionTypes();
      const oldBase = h.emulator.apiBaseUrl();
      h.emulator.moveZone();
      expect(h.emulator.apiBaseUrl()).not.toBe(oldBase);
      const after = await h.client.listActionTypes();
      expect(after).toEqual(before);
      expect(h.emulator.requestLog.count({ action: 'zone' })).toBe(2);
      expect(h.emulator.requestLog.count({ status: 401 })).toBe(1);
      // The new zone is cached: no third look-up.
      await h.client.listActionTypes();
      expect(h.emulator.requestLog.count({ action: 'zone' })).toBe(2);
    });
  });

  describe.each([500, 429])('thread limit answered with HTTP %i', (threadLimitStatus) => {
    beforeEach(async () => {
      h = await startHarness({ threadLimitStatus, latencyMs: 60 });
    });

    it('is a retryable ThreadLimit error when a client ignores the limit', async () => {
      const unguarded = h.newClient(openGate);
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => unguarded.queryAppointments([where.eq('resourceID', h.seed.dana)]))
      );
      const failures = results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as unknown);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(failures).toHaveLength(3);
      for (const failure of failures) {
        expect(failure).toMatchObject({ code: 'ThreadLimit', retryable: true, status: threadLimitStatus });
        expect((failure as ProviderError).retryAfterMs).toBeGreaterThan(0);
      }
    });

    it('never trips with the gate: 10 parallel calls, at most 3 in flight per endpoint', async () => {
      const gated = h.newClient(inProcessGate(3));
      const results = await Promise.all([
        ...Array.from({ length: 10 }, () => gated.queryAppointments([where.eq('resourceID', h.seed.dana)])),
        ...Array.from({ length: 4 }, () => gated.listActionTypes()),
      ]);
      expect(results).toHaveLength(14);
      expect(h.emulator.peakConcurrency('Appointments')).toBe(3);
      expect(h.emulator.peakConcurrency('ActionTypes')).toBe(3);
      expect(h.emulator.requestLog.count({ status: threadLimitStatus })).toBe(0);
    });
  });

  describe('other readings of unverified behaviour', () => {
    it('accepts a missing record answered as 200 {item: null}', async () => {
      h = await startHarness({ missingItem: 'null-item' });
      expect(await h.client.getAppointment(12345)).toBeNull();
      expect(h.emulator.requestLog.count({ action: 'get', status: 200 })).toBe(1);
    });
  });
});
