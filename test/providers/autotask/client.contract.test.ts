import { ProviderError } from '../../../src/providers/provider-error';
import { loadServiceCallDetails, where, ALL_ROWS } from '../../../src/providers/autotask';
import { appointmentSchema, idOnlySchema } from '../../../src/providers/autotask/models';
import { startHarness, thrown, type Harness } from './harness';

// The production client against the emulator over HTTP: every operation calsync uses.
describe('AutotaskClient against the emulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emulator.close();
  });

  it('creates, reads, patches, queries and deletes an appointment', async () => {
    const { client, seed } = h;
    const id = await client.createAppointment({
      resourceID: seed.dana,
      title: 'Quarterly review',
      description: 'Bring the numbers',
      startDateTime: '2026-03-10T09:00:00.000Z',
      endDateTime: '2026-03-10T10:00:00.000Z',
    });
    const created = await client.getAppointment(id);
    expect(created).toMatchObject({
      id,
      resourceID: seed.dana,
      title: 'Quarterly review',
      description: 'Bring the numbers',
      startDateTime: '2026-03-10T09:00:00.000Z',
    });

    await client.updateAppointment({ id, title: 'Quarterly review (moved)' });
    const patched = await client.getAppointment(id);
    // PATCH changes only what it sends.
    expect(patched?.title).toBe('Quarterly review (moved)');
    expect(patched?.description).toBe('Bring the numbers');

    const mine = await client.queryAppointments([where.eq('resourceID', seed.dana)]);
    expect(mine.map((a) => a.id)).toEqual([id]);

    expect(await client.deleteAppointment(id)).toEqual({ deleted: true });
    expect(await client.getAppointment(id)).toBeNull();
    // A retried delete finds nothing, which is the outcome it wanted.
    expect(await client.deleteAppointment(id)).toEqual({ deleted: false, reason: 'missing' });
  });

  it('writes to-dos through their company and queries them at /CompanyToDos/query', async () => {
    const { client, seed, emulator } = h;
    const id = await client.createToDo({
      companyID: seed.acme,
      actionType: seed.phoneCall,
      assignedToResourceID: seed.dana,
      contactID: seed.contact,
      activityDescription: 'Call about renewal',
      startDateTime: '2026-03-11T14:00:00Z',
      endDateTime: '2026-03-11T14:30:00Z',
    });
    await client.updateToDo({ id, companyID: seed.acme, activityDescription: 'Call about renewal (again)' });
    const found = await client.queryToDos([where.eq('assignedToResourceID', seed.dana)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id, companyID: seed.acme, actionType: seed.phoneCall, contactID: seed.contact });
    expect(found[0]?.activityDescription).toBe('Call about renewal (again)');
    expect((await client.getToDo(id))?.id).toBe(id);

    expect(await client.deleteToDo(seed.acme, id)).toEqual({ deleted: true });
    expect(await client.getToDo(id)).toBeNull();

    const paths = emulator.requestLog
      .entries()
      .filter((e) => e.entity === 'CompanyToDos')
      .map((e) => `${e.method} ${e.path}`);
    expect(paths.some((p) => p.startsWith('POST ') && p.includes(`/Companies/${seed.acme}/ToDos`))).toBe(true);
    expect(paths.some((p) => p.startsWith('PATCH ') && p.includes(`/Companies/${seed.acme}/ToDos`))).toBe(true);
    expect(paths.some((p) => p.startsWith('DELETE ') && p.includes(`/Companies/${seed.acme}/ToDos/${id}`))).toBe(true);
    expect(paths.some((p) => p.includes('/CompanyToDos/query'))).toBe(true);
  });

  it('reads a service call with its tickets, tasks and their resources in a fixed number of queries', async () => {
    const { client, seed, emulator } = h;
    const calls = [1, 2, 3].map((n) =>
      emulator.userSide.createServiceCall({
        companyID: n === 3 ? seed.globex : seed.acme,
        description: `Printer down ${n}`,
        startDateTime: '2026-03-12T08:00:00Z',
        endDateTime: '2026-03-12T10:00:00Z',
        tickets: [{ title: `Printer ${n}`, ticketNumber: `T20260312.000${n}`, resourceIDs: [seed.dana] }],
        tasks: n === 1 ? [{ title: 'Replace toner', taskNumber: 'T20260312.0100', resourceIDs: [seed.sam] }] : [],
      })
    );
    emulator.requestLog.clear();
    const serviceCalls = await client.queryServiceCalls([
      where.in(
        'id',
        calls.map((c) => Number(c.serviceCall.id))
      ),
    ]);
    const details = await loadServiceCallDetails(client, serviceCalls);

    const first = details.find((d) => d.call.id === Number(calls[0]?.serviceCall.id));
    expect(first?.company?.companyName).toBe('Acme Corp');
    expect(first?.work).toEqual([
      {
        kind: 'ticket',
        id: expect.any(Number),
        number: 'T20260312.0001',
        title: 'Printer 1',
        resourceIDs: [seed.dana],
      },
      {
        kind: 'task',
        id: expect.any(Number),
        number: 'T20260312.0100',
        title: 'Replace toner',
        resourceIDs: [seed.sam],
      },
    ]);
    expect(first?.resources.map((r) => r.email).sort()).toEqual(['dana.reyes@example.com', 'sam@example.com']);
    expect(details.find((d) => d.call.id === Number(calls[2]?.serviceCall.id))?.company?.companyName).toBe('Globex');
    // 1 for the calls + 8 for all their children, however many calls there are.
    expect(emulator.requestLog.count({ action: 'query' })).toBe(9);
  });

  it('finds a resource by any of its e-mail addresses, without regard to case', async () => {
    const { client, seed, emulator } = h;
    const alias = Number(
      emulator.userSide.createResource({
        firstName: 'Alex',
        lastName: 'Kim',
        email: 'alex@example.com',
        email2: 'alex.kim@example.org',
      }).id
    );
    expect((await client.findResourceByEmail('DANA.REYES@example.com'))?.id).toBe(seed.dana);
    expect((await client.findResourceByEmail('Alex.Kim@example.org'))?.id).toBe(alias);
    expect(await client.findResourceByEmail('nobody@example.com')).toBeNull();
  });

  it('looks up companies, contacts and action types by id', async () => {
    const { client, seed } = h;
    const companies = await client.getCompanies([seed.acme, seed.globex, seed.acme]);
    expect(companies.map((c) => c.companyName).sort()).toEqual(['Acme Corp', 'Globex']);
    expect(companies.find((c) => c.id === seed.acme)).toMatchObject({ address1: '1 Main St', city: 'Springfield' });
    expect((await client.getContacts([seed.contact]))[0]).toMatchObject({ firstName: 'Jane', lastName: 'Doe' });
    const actionTypes = await client.listActionTypes();
    expect(actionTypes.map((a) => a.name).sort()).toEqual(['Meeting', 'Phone Call']);
  });

  it('pages through more than 500 records by re-POSTing nextPageUrl', async () => {
    const { client, seed, emulator } = h;
    for (let i = 0; i < 1203; i++) {
      emulator.userSide.createAppointment({
        resourceID: seed.sam,
        title: `Slot ${i}`,
        startDateTime: new Date(Date.UTC(2026, 2, 1) + i * 3_600_000).toISOString(),
        endDateTime: new Date(Date.UTC(2026, 2, 1) + i * 3_600_000 + 1_800_000).toISOString(),
      });
    }
    emulator.requestLog.clear();
    const pageSizes: number[] = [];
    for await (const page of client.queryPages('Appointments', appointmentSchema, {
      filter: [where.eq('resourceID', seed.sam)],
    })) {
      pageSizes.push(page.length);
    }
    expect(pageSizes).toEqual([500, 500, 203]);
    const posts = emulator.requestLog.entries().filter((e) => e.entity === 'Appointments');
    expect(posts.map((e) => `${e.method} ${e.action}`)).toEqual(['POST query', 'POST query-next', 'POST query-next']);

    const all = await client.queryAll('Appointments', idOnlySchema, {
      filter: [where.eq('resourceID', seed.sam)],
      includeFields: ['title'],
    });
    expect(new Set(all.map((a) => a.id)).size).toBe(1203);
    expect(await client.count('Appointments', [where.eq('resourceID', seed.sam)])).toBe(1203);
  });

  it('reads the threshold information the emulator counts', async () => {
    const { client } = h;
    await client.listActionTypes();
    const info = await client.thresholdInformation();
    expect(info.externalRequestThreshold).toBe(10_000);
    expect(info.requestThresholdTimeframe).toBe(60);
    expect(info.currentTimeframeRequestCount).toBe(2);
  });

  it('rejects a paging link that leaves the zone, without sending credentials there', async () => {
    const { client, emulator } = h;
    emulator.faults.inject({
      status: 200,
      body: {
        items: [],
        pageDetails: { count: 0, requestCount: 500, prevPageUrl: null, nextPageUrl: 'http://attacker.invalid/next' },
      },
      match: { entity: 'ActionTypes' },
    });
    const err = await thrown(() => client.queryAll('ActionTypes', idOnlySchema, { filter: [ALL_ROWS] }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'InvalidResponse', retryable: false });
  });

  it('names the offending field when a response does not have the documented shape', async () => {
    const { client, emulator } = h;
    emulator.faults.inject({
      status: 200,
      body: { item: { id: 5, resourceID: 'five', title: 't', startDateTime: 'soon', endDateTime: null } },
      match: { entity: 'Appointments' },
    });
    const err = await thrown(() => client.getAppointment(5));
    expect(err).toMatchObject({ provider: 'autotask', code: 'InvalidResponse', retryable: false });
    expect((err as Error).message).toMatch(/resourceID/);
    expect((err as Error).message).toMatch(/startDateTime/);
  });
});
