import axios, { type AxiosRequestConfig } from 'axios';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../../src/emulators/autotask';

// The emulator's HTTP surface, spoken to directly (as Autotask would be), for what the client
// does not exercise: shapes, refusals, limits and timestamps.
describe('Autotask emulator over HTTP', () => {
  let emu: AutotaskEmulator;
  let now: number;
  const call = async (method: string, path: string, data?: unknown, extra: AxiosRequestConfig = {}) => {
    const url = path.startsWith('http') ? path : emu.apiBaseUrl() + path;
    const res = await axios.request<unknown>({
      method,
      url,
      data,
      validateStatus: () => true,
      headers: {
        ApiIntegrationCode: emu.credentials.integrationCode,
        UserName: emu.credentials.userName,
        Secret: emu.credentials.secret,
      },
      ...extra,
    });
    return { status: res.status, body: res.data as Record<string, unknown>, headers: res.headers };
  };
  let resource: number;

  beforeEach(async () => {
    now = Date.parse('2026-03-02T08:00:00.000Z');
    emu = await startAutotaskEmulator({ now: () => new Date(now), requestsPerHour: 50 });
    resource = Number(
      emu.userSide.createResource({ firstName: 'Dana', lastName: 'Reyes', email: 'dana@example.com' }).id
    );
  });
  afterEach(async () => {
    await emu.close();
  });

  it('answers zoneInformation with a URL back at itself, and 500 for an unknown user', async () => {
    const ok = await axios.get(emu.zoneLookupUrl, { params: { user: emu.credentials.userName } });
    expect(ok.data).toEqual({
      zoneName: expect.any(String),
      url: `${emu.baseUrl}/webservices3/ATServicesRest/`,
      webUrl: expect.any(String),
      ci: expect.any(Number),
    });
    const bad = await axios.get(emu.zoneLookupUrl, { params: { user: '' }, validateStatus: () => true });
    expect(bad.status).toBe(500);
    expect(bad.data).toEqual({ errors: ['Zone information could not be determined'] });
  });

  it('refuses a bad integration code with HTTP 500 and errors, and a bad secret with 401', async () => {
    const badCode = await call('GET', 'ThresholdInformation', undefined, {
      headers: { ApiIntegrationCode: 'nope', UserName: emu.credentials.userName, Secret: emu.credentials.secret },
    });
    expect(badCode).toMatchObject({ status: 500, body: { errors: ['IntegrationCode is invalid.'] } });
    const badSecret = await call('GET', 'ThresholdInformation', undefined, {
      headers: { ApiIntegrationCode: emu.credentials.integrationCode, UserName: emu.credentials.userName, Secret: 'x' },
    });
    expect(badSecret.status).toBe(401);
  });

  it('creates with {itemId}, reads with {item}, stamps UTC create and change times, and 404s a missing id', async () => {
    const created = await call('POST', 'Appointments', {
      resourceID: resource,
      title: 'Review',
      startDateTime: '2026-03-10T09:00:00',
      endDateTime: '2026-03-10T10:00:00Z',
    });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(['itemId']);
    const id = created.body.itemId as number;
    const read = await call('GET', `Appointments/${id}`);
    expect(read.body.item).toEqual({
      id,
      createDateTime: '2026-03-02T08:00:00.000Z',
      creatorResourceID: null,
      description: null,
      endDateTime: '2026-03-10T10:00:00.000Z',
      resourceID: resource,
      startDateTime: '2026-03-10T09:00:00.000Z',
      title: 'Review',
      updateDateTime: '2026-03-02T08:00:00.000Z',
    });
    now += 60_000;
    await call('PATCH', 'Appointments', { id, description: 'agenda' });
    const patched = (await call('GET', `Appointments/${id}`)).body.item as Record<string, unknown>;
    expect(patched).toMatchObject({
      title: 'Review',
      description: 'agenda',
      updateDateTime: '2026-03-02T08:01:00.000Z',
    });

    // PUT replaces: writable fields it does not send become null (and required ones must be sent).
    const put = await call('PUT', 'Appointments', { id, title: 'Only title' });
    expect(put.status).toBe(500);
    expect((put.body.errors as string[]).join()).toMatch(/resourceID is required/);

    expect((await call('GET', 'Appointments/1')).status).toBe(404);
    expect(await call('DELETE', 'Appointments/1')).toMatchObject({
      status: 500,
      body: { errors: [expect.stringMatching(/^No matching records found/)] },
    });
  });

  it('writes to-dos only under their company, and says 405 to the root', async () => {
    const company = Number(emu.userSide.createCompany({ companyName: 'Acme' }).id);
    const actionType = Number(emu.userSide.createActionType({ name: 'Call' }).id);
    const todo = {
      actionType,
      assignedToResourceID: resource,
      startDateTime: '2026-03-10T09:00:00Z',
      endDateTime: '2026-03-10T09:30:00Z',
    };
    expect((await call('POST', 'CompanyToDos', { ...todo, companyID: company })).status).toBe(405);
    const created = await call('POST', `Companies/${company}/ToDos`, todo);
    expect(created.status).toBe(200);
    const id = created.body.itemId as number;
    expect((await call('GET', `CompanyToDos/${id}`)).body.item).toMatchObject({
      companyID: company,
      lastModifiedDate: expect.any(String),
    });
    expect((await call('GET', `Companies/${company}/ToDos`)).body.items).toHaveLength(1);
    expect((await call('DELETE', `CompanyToDos/${id}`)).status).toBe(405);
    expect((await call('DELETE', `Companies/${company}/ToDos/${id}`)).body).toEqual({ itemId: id });
    expect((await call('GET', 'Appointments')).status).toBe(405);
  });

  it('links tickets to a service call only through the parent route, with no update', async () => {
    const company = Number(emu.userSide.createCompany({ companyName: 'Acme' }).id);
    const times = { startDateTime: '2026-03-10T09:00:00Z', endDateTime: '2026-03-10T11:00:00Z' };
    const first = emu.userSide.createServiceCall({ companyID: company, ...times, tickets: [{ title: 'Printer' }] });
    const { serviceCall } = emu.userSide.createServiceCall({ companyID: company, ...times });
    expect(serviceCall).toMatchObject({ isComplete: 0, duration: 2 });
    const ticketID = Number(first.tickets[0]?.id);
    expect(first.tickets[0]?.ticketNumber).toMatch(/^T20260302\.\d{4}$/);

    const linked = await call('POST', `ServiceCalls/${String(serviceCall.id)}/Tickets`, { ticketID });
    expect(linked.status).toBe(200);
    const links = await call('POST', 'ServiceCallTickets/query', {
      filter: [{ op: 'eq', field: 'serviceCallID', value: serviceCall.id }],
    });
    expect(links.body.items).toEqual([{ id: linked.body.itemId, serviceCallID: serviceCall.id, ticketID }]);
    expect(
      (await call('PATCH', `ServiceCalls/${String(serviceCall.id)}/Tickets`, { id: linked.body.itemId })).status
    ).toBe(405);
    expect((await call('POST', 'ServiceCallTickets', { serviceCallID: serviceCall.id, ticketID })).status).toBe(405);
    const dangling = await call('POST', `ServiceCalls/${String(serviceCall.id)}/Tickets`, { ticketID: 1 });
    expect(dangling.body).toEqual({ errors: ['Value does not reference an existing entity for ticketID. '] });
  });

  it('pages with absolute, opaque nextPageUrl links that accept POST or GET, and counts', async () => {
    for (let i = 0; i < 7; i++) {
      emu.userSide.createAppointment({
        resourceID: resource,
        title: `A${i}`,
        startDateTime: '2026-03-10T09:00:00Z',
        endDateTime: '2026-03-10T10:00:00Z',
      });
    }
    const body = { MaxRecords: 3, Filter: [{ op: 'eq', field: 'resourceID', value: resource }] };
    const first = await call('POST', 'Appointments/query', body);
    const details = first.body.pageDetails as Record<string, string | null>;
    expect(details).toMatchObject({ count: 3, requestCount: 3, prevPageUrl: null });
    expect(details.nextPageUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/webservices3\/ATServicesRest\/V1\.0\/Appointments\/query\/next\?paging=/
    );
    const second = await call('GET', details.nextPageUrl ?? '');
    expect((second.body.items as unknown[]).length).toBe(3);
    expect((second.body.pageDetails as Record<string, unknown>).prevPageUrl).toBeNull();
    const third = await call('POST', (second.body.pageDetails as Record<string, string>).nextPageUrl ?? '', body);
    expect(third.body.pageDetails).toMatchObject({
      count: 1,
      nextPageUrl: null,
      prevPageUrl: expect.stringMatching(/^http/),
    });
    const titles = [first, second, third].flatMap((p) => (p.body.items as { title: string }[]).map((a) => a.title));
    expect(titles).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6']);

    const search = encodeURIComponent(JSON.stringify({ filter: [{ op: 'beginsWith', field: 'title', value: 'a' }] }));
    expect((await call('GET', `Appointments/query/count?search=${search}`)).body).toEqual({ queryCount: 7 });
    expect((await call('GET', `Appointments/query?search=${search}`)).body.items).toHaveLength(7);
    expect((await call('POST', `Appointments/query/next?paging=forged`, body)).status).toBe(500);
  });

  it('counts requests per rolling hour, reports them in ThresholdInformation, and answers 429 when full', async () => {
    for (let i = 0; i < 48; i++)
      await call('POST', 'Resources/query', { filter: [{ op: 'gt', field: 'id', value: 0 }] });
    const info = await call('GET', 'ThresholdInformation');
    expect(info.body).toEqual({
      externalRequestThreshold: 50,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 49,
    });
    await call('GET', 'ThresholdInformation');
    const refused = await call('GET', 'ThresholdInformation');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
    now += 3_600_000;
    expect((await call('GET', 'ThresholdInformation')).status).toBe(200);
    expect(emu.requestLog.count({ status: 429 })).toBe(1);
  });

  it('rejects a fourth concurrent request on one endpoint with Itgenatr005, but not on another', async () => {
    emu.faults.setLatency(80);
    const body = { filter: [{ op: 'gt', field: 'id', value: 0 }] };
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => call('POST', 'Resources/query', body)),
      call('POST', 'Appointments/query', body),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    const rejected = results.find((r) => r.status !== 200);
    expect(rejected?.body).toEqual({ errors: [expect.stringContaining('Itgenatr005')] });
    expect(emu.peakConcurrency('Resources')).toBe(3);
  });

  it('describes entity fields like entityInformation/fields', async () => {
    const fields = (await call('GET', 'Appointments/entityInformation/fields')).body.fields as Record<
      string,
      unknown
    >[];
    expect(fields.find((f) => f.name === 'title')).toMatchObject({ dataType: 'string', length: 256, isRequired: true });
    expect(fields.find((f) => f.name === 'updateDateTime')).toMatchObject({ isReadOnly: true, isQueryable: true });
  });

  it('lets the user side edit and delete, stamping change times the next poll sees', () => {
    const a = emu.userSide.createAppointment({
      resourceID: resource,
      title: 'x',
      startDateTime: '2026-03-10T09:00:00Z',
      endDateTime: '2026-03-10T10:00:00Z',
    });
    now += 5_000;
    expect(emu.userSide.updateAppointment(Number(a.id), { title: 'y' }).updateDateTime).toBe(
      '2026-03-02T08:00:05.000Z'
    );
    expect(emu.userSide.deleteAppointment(Number(a.id))).toBe(true);
    expect(emu.userSide.get('Appointments', Number(a.id))).toBeUndefined();
    expect(() =>
      emu.userSide.createAppointment({ resourceID: resource, title: '', startDateTime: 'x', endDateTime: 'y' })
    ).toThrow(/Autotask would refuse/);
  });
});
