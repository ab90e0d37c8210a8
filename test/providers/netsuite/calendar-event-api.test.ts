import { ProviderError } from '../../../src/providers/provider-error';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

describe.each(['m2m', 'tba'] as const)('calendarEvent REST operations over %s', (scheme) => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });
  const client = () => (scheme === 'm2m' ? h.m2m : h.tba);

  it('upserts by external id: the first PUT creates, the second updates the same record', async () => {
    const first = await client().upsertCalendarEventByExternalId(`ext-${scheme}-1`, {
      title: 'Kick-off',
      startDate: '2026-03-10',
      startTime: '09:00',
      endTime: '10:00',
      timezone: 'Europe/Berlin',
    });
    const second = await client().upsertCalendarEventByExternalId(`ext-${scheme}-1`, {
      title: 'Kick-off (moved)',
      startTime: '11:00',
      endTime: '12:00',
    });
    expect(second.id).toBe(first.id);
    const stored = h.emulator.getEvent(first.id)!;
    expect(stored).toMatchObject({
      title: 'Kick-off (moved)',
      startDate: '2026-03-10',
      startTime: '11:00',
      endTime: '12:00',
      externalId: `ext-${scheme}-1`,
    });
  });

  it('upserts a record a person deletes before its id is read back: known by its eid key, and gone', async () => {
    const person = h.emulator.addEmployee({ name: `Del ${scheme}`, email: `del.${scheme}@example.com` });
    // The PUT answers without a Location (the emulator's default), so the id is read back: held here.
    h.emulator.faults.inject({ method: 'GET', path: /\/calendarEvent\/eid:ext-/, delayMs: 400 });
    const pending = client().upsertCalendarEventByExternalId(`ext-${scheme}-gone`, {
      title: 'Short-lived',
      startDate: '2026-03-13',
      startTime: '09:00',
      endTime: '10:00',
    });
    const until = Date.now() + 5_000;
    let made = h.emulator.listEvents().find((e) => e.externalId === `ext-${scheme}-gone`);
    while (!made && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
      made = h.emulator.listEvents().find((e) => e.externalId === `ext-${scheme}-gone`);
    }
    h.emulator.userSide.deleteEvent(person.id, made!.id);
    await expect(pending).resolves.toEqual({ id: `eid:ext-${scheme}-gone`, gone: true });
    await expect(client().getCalendarEvent(`eid:ext-${scheme}-gone`)).resolves.toBeNull();
    await expect(client().calendarEventExists(`eid:ext-${scheme}-gone`)).resolves.toBe(false);
    await expect(client().getCalendarEvent('eid:not valid')).rejects.toMatchObject({ code: 'INVALID_EXTERNAL_ID' });
  });

  it('reads a record by internal id and by external id, with attendee lines expanded', async () => {
    const person = h.emulator.addEmployee({
      name: `Ann ${scheme}`,
      email: `ann.${scheme}@example.com`,
      timeZone: 'Europe/Paris',
    });
    const { id } = await client().upsertCalendarEventByExternalId(`ext-${scheme}-2`, {
      title: 'Review',
      startDate: '2026-03-11',
      startTime: '14:00',
      endTime: '15:00',
      attendee: {
        items: [{ attendee: { id: person.id }, response: { id: 'TENTATIVE' }, attendance: { id: 'OPTIONAL' } }],
      },
    });
    const byId = await client().getCalendarEvent(id);
    const byEid = await client().getCalendarEventByExternalId(`ext-${scheme}-2`);
    expect(byEid).toEqual(byId);
    expect(byId?.attendee?.items).toEqual([
      {
        attendee: { id: person.id, refName: `Ann ${scheme}` },
        response: { id: 'TENTATIVE', refName: 'Tentative' },
        attendance: { id: 'OPTIONAL', refName: 'Optional' },
      },
    ]);
    expect(byId?.lastModifiedDate).toMatch(/Z$/);
  });

  it('reads only the named fields with fields=, and null for an event that does not exist', async () => {
    const { id } = await client().upsertCalendarEventByExternalId(`ext-${scheme}-fields`, {
      title: 'Partial read',
      message: 'Not asked for',
      startDate: '2026-03-12',
      startTime: '08:00',
      endTime: '09:00',
    });
    const partial = await client().getCalendarEventFields(id, ['title', 'startDate']);
    expect(partial).toMatchObject({ title: 'Partial read', startDate: '2026-03-12' });
    expect(partial).not.toHaveProperty('message');
    expect(partial).not.toHaveProperty('endTime');
    const request = h.emulator.requestLog.at(-1)!;
    expect(request.method).toBe('GET');
    expect(new URL(request.url, 'https://x').searchParams.get('fields')).toBe('title,startDate');
    await expect(client().getCalendarEventFields('999999', ['title'])).resolves.toBeNull();
  });

  it('answers null for an event that does not exist', async () => {
    await expect(client().getCalendarEvent('999999')).resolves.toBeNull();
    await expect(client().getCalendarEventByExternalId('no-such-event')).resolves.toBeNull();
  });

  it('creates with POST and takes the id from the Location header', async () => {
    const { id } = await client().createCalendarEvent({
      title: 'Created',
      startDate: '2026-04-01',
      startTime: '08:00',
      endTime: '08:30',
    });
    expect(h.emulator.getEvent(id)?.title).toBe('Created');
  });

  it('patches with replace=attendee so attendee lines are replaced, not appended', async () => {
    const a = h.emulator.addEmployee({ name: 'A', email: `a.${scheme}@example.com` });
    const b = h.emulator.addContact({ name: 'B', email: `b.${scheme}@example.com` });
    const { id } = await client().createCalendarEvent({
      title: 'Sublist',
      startDate: '2026-04-02',
      startTime: '08:00',
      endTime: '09:00',
      attendee: { items: [{ attendee: { id: a.id } }] },
    });
    await client().updateCalendarEvent(id, {
      attendee: { items: [{ attendee: { id: b.id }, response: { id: 'ACCEPTED' } }] },
    });
    expect(h.emulator.getEvent(id)?.attendees).toEqual([
      { entityId: b.id, response: 'ACCEPTED', attendance: 'REQUIRED' },
    ]);
    expect(h.emulator.requestLog.filter((e) => e.method === 'PATCH').at(-1)?.url).toContain('replace=attendee');
  });

  it('deletes idempotently: true the first time, false once the record is gone', async () => {
    const { id } = await client().createCalendarEvent({
      title: 'Doomed',
      startDate: '2026-04-03',
      startTime: '08:00',
      endTime: '09:00',
    });
    await expect(client().deleteCalendarEvent(id)).resolves.toBe(true);
    await expect(client().deleteCalendarEvent(id)).resolves.toBe(false);
    expect(h.emulator.getEvent(id)).toBeUndefined();
  });

  it('sends X-NetSuite-PropertyNameValidation: Error on every write, so a misspelt field fails', async () => {
    const writes = h.emulator.requestLog.filter(
      (e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && e.url.includes('/record/')
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((e) => e.headers.propertyNameValidation === 'Error')).toBe(true);
    const misspelt = { title: 'x', startDate: '2026-04-04', startTme: '08:00' } as unknown as Parameters<
      NetSuiteHarness['m2m']['createCalendarEvent']
    >[0];
    const error = await client()
      .createCalendarEvent(misspelt)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'netsuite', status: 400, code: 'INVALID_CONTENT', retryable: false });
  });

  it('lists every id across pages whose offset is a multiple of the limit', async () => {
    const all = h.emulator
      .listEvents()
      .map((e) => e.id)
      .sort();
    const ids = await client().listCalendarEventIds({ pageSize: 2 });
    expect([...ids].sort()).toEqual(all);
    const offsets = h.emulator.requestLog
      .filter((e) => e.method === 'GET' && /calendarEvent\?/.test(e.url))
      .map((e) => new URL(`http://x${e.url}`).searchParams.get('offset'));
    expect(offsets.every((o) => Number(o) % 2 === 0)).toBe(true);
  });
});

describe('upsert when NetSuite does or does not name the record in a Location header', () => {
  it.each([true, false])(
    'upsertLocation=%s: the id is right, read back only when the Location is missing',
    async (upsertLocation) => {
      const h = await startHarness({ upsertLocation });
      try {
        const { id } = await h.tba.upsertCalendarEventByExternalId('loc-1', {
          title: 'Loc',
          startDate: '2026-05-05',
          startTime: '09:00',
          endTime: '09:30',
        });
        expect(h.emulator.getEvent(id)?.externalId).toBe('loc-1');
        const readBack = h.emulator.requestLog.filter(
          (e) => e.method === 'GET' && e.url.includes('eid:loc-1?fields=id')
        );
        expect(readBack).toHaveLength(upsertLocation ? 0 : 1);
      } finally {
        await h.emulator.close();
      }
    }
  );
});
