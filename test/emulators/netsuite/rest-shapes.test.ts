import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../../src/emulators/netsuite';
import { RECORD, rawTba } from './raw-client';

describe('the NetSuite emulator answers in REST record v1 shapes', () => {
  let emulator: NetSuiteEmulator;
  let call: ReturnType<typeof rawTba>;
  let person: { id: string };
  beforeAll(async () => {
    emulator = await startNetSuiteEmulator({ accountId: '7654321_SB2' });
    call = rawTba(emulator);
    person = emulator.addEmployee({ name: 'Rae', email: 'rae@example.com', timeZone: 'Europe/Madrid' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('creates with 204, no body and an absolute Location naming the new id', async () => {
    const res = await call('POST', `${RECORD}/calendarEvent`, {
      title: 'Made',
      startdate: '2026-01-05',
      starttime: '10:00',
      endtime: '11:00',
      timedevent: true,
    });
    expect(res.status).toBe(204);
    expect(res.data).toBe('');
    expect(res.headers['location']).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/7654321-sb2${RECORD}/calendarEvent/\\d+$`)
    );
  });

  it('returns enums as {id, refName}, references with links, and sublists as links unless expanded', async () => {
    const made = emulator.userSide.createEvent(person.id, {
      title: 'Shapes',
      date: '2026-01-06',
      startTime: '09:00',
      endTime: '09:45',
      accessLevel: 'SHOW AS BUSY',
    });
    const plain = (await call('GET', `${RECORD}/calendarevent/${made.id}`)).data;
    expect(plain.accessLevel).toEqual({ id: 'SHOW AS BUSY', refName: 'Show as Busy' });
    expect(plain.status).toEqual({ id: 'CONFIRMED', refName: 'Confirmed' });
    expect(plain.organizer).toEqual({
      links: [{ rel: 'self', href: expect.stringContaining(`/employee/${person.id}`) }],
      id: person.id,
      refName: 'Rae',
    });
    expect(plain.attendee).toEqual({ links: [{ rel: 'self', href: expect.stringMatching(/\/attendee$/) }] });
    expect(plain).toMatchObject({
      startDate: '2026-01-06',
      startTime: '09:00',
      endTime: '09:45',
      timezone: 'Europe/Madrid',
      timedEvent: true,
      allDayEvent: false,
    });
    expect(plain.lastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const expanded = (await call('GET', `${RECORD}/calendarevent/${made.id}?expandSubResources=true`)).data;
    expect(expanded.attendee.items).toEqual([
      {
        links: [],
        attendee: expect.objectContaining({ id: person.id }),
        response: { id: 'ACCEPTED', refName: 'Accepted' },
        attendance: { id: 'REQUIRED', refName: 'Required' },
      },
    ]);
    expect(expanded.attendee).toMatchObject({ count: 1, hasMore: false, offset: 0, totalResults: 1 });
  });

  it('answers only the requested fields with fields=', async () => {
    const made = emulator.userSide.createEvent(person.id, {
      title: 'Few',
      date: '2026-01-07',
      startTime: '09:00',
      endTime: '10:00',
    });
    const res = await call('GET', `${RECORD}/calendarEvent/${made.id}?fields=title,startDate`);
    expect(Object.keys(res.data as object).sort()).toEqual(['links', 'startDate', 'title']);
  });

  it('reads all-day events with 08:00 and 18:00, as Oracle documents', async () => {
    const made = emulator.userSide.createEvent(person.id, { title: 'All day', date: '2026-01-08', allDay: true });
    const res = await call('GET', `${RECORD}/calendarEvent/${made.id}`);
    expect(res.data).toMatchObject({ allDayEvent: true, timedEvent: false, startTime: '08:00', endTime: '18:00' });
  });

  it('addresses records by eid: for GET, PUT and DELETE, and allows PUT only with an external id', async () => {
    expect(
      (await call('PUT', `${RECORD}/calendarEvent/eid:shape-1`, { title: 'Upserted', startDate: '2026-01-09' })).status
    ).toBe(204);
    const got = await call('GET', `${RECORD}/calendarEvent/eid:shape-1`);
    expect(got.data).toMatchObject({ externalId: 'shape-1', title: 'Upserted' });
    const notEid = await call('PUT', `${RECORD}/calendarEvent/${got.data.id}`, { title: 'x' });
    expect(notEid.status).toBe(400);
    expect((await call('DELETE', `${RECORD}/calendarEvent/eid:shape-1`)).status).toBe(204);
    const gone = await call('GET', `${RECORD}/calendarEvent/eid:shape-1`);
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual({
      type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
      title: 'Not Found',
      status: 404,
      'o:errorDetails': [{ detail: 'Record does not exist.', 'o:errorCode': 'NONEXISTENT_ID' }],
    });
  });

  it('appends attendee lines on PATCH unless replace=attendee is given', async () => {
    const other = emulator.addContact({ name: 'Oz', email: 'oz@example.com' });
    const made = emulator.userSide.createEvent(person.id, {
      title: 'Lines',
      date: '2026-01-10',
      startTime: '09:00',
      endTime: '10:00',
    });
    await call('PATCH', `${RECORD}/calendarEvent/${made.id}`, {
      attendee: { items: [{ attendee: { id: other.id } }] },
    });
    expect(emulator.getEvent(made.id)!.attendees.map((a) => a.entityId)).toEqual([person.id, other.id]);
    await call('PATCH', `${RECORD}/calendarEvent/${made.id}?replace=attendee`, {
      attendee: { items: [{ attendee: { id: other.id } }] },
    });
    expect(emulator.getEvent(made.id)!.attendees.map((a) => a.entityId)).toEqual([other.id]);
  });

  it('ignores unknown fields with a warning by default, and refuses them under PropertyNameValidation: Error', async () => {
    const warned = await call('POST', `${RECORD}/calendarEvent`, {
      title: 'Typo',
      startDate: '2026-01-11',
      sendEmail: true,
    });
    expect(warned.status).toBe(204);
    expect(warned.headers['x-netsuite-warning']).toContain('sendEmail');
    const refused = await call(
      'POST',
      `${RECORD}/calendarEvent`,
      { title: 'Typo', startDate: '2026-01-11', sendEmail: true },
      { 'X-NetSuite-PropertyNameValidation': 'Error' }
    );
    expect(refused.status).toBe(400);
    expect(refused.data['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_CONTENT',
      'o:errorPath': 'sendEmail',
    });
  });

  it('accepts Show as Busy by either id spelling or by refName', async () => {
    for (const accessLevel of [{ id: 'SHOW AS BUSY' }, { id: 'SHOW_AS_BUSY' }, { refName: 'Show as Busy' }]) {
      const res = await call('POST', `${RECORD}/calendarEvent`, {
        title: 'Busy',
        startDate: '2026-01-12',
        accessLevel,
      });
      const id = String(res.headers['location']).split('/').pop()!;
      expect(emulator.getEvent(id)?.accessLevel).toBe('SHOW AS BUSY');
    }
  });

  it('requires a title and a date on create', async () => {
    const res = await call('POST', `${RECORD}/calendarEvent`, { message: 'no title' });
    expect(res.status).toBe(400);
    expect(res.data['o:errorDetails'][0]['o:errorCode']).toBe('USER_ERROR');
  });

  it('returns ids and links only in collections, and enforces the limit/offset rule', async () => {
    const page = await call('GET', `${RECORD}/calendarEvent?limit=2&offset=2`);
    expect(page.status).toBe(200);
    const items = page.data.items as Record<string, unknown>[];
    expect(items.every((i) => Object.keys(i).sort().join() === 'id,links')).toBe(true);
    expect(page.data).toMatchObject({ count: 2, offset: 2, hasMore: true });
    expect((page.data.links as { rel: string }[]).map((l) => l.rel)).toEqual(['self', 'prev', 'first', 'next', 'last']);
    const bad = await call('GET', `${RECORD}/calendarEvent?limit=2&offset=3`);
    expect(bad.status).toBe(400);
    expect(bad.data['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_PARAMETER',
      'o:errorQueryParam': 'offset',
    });
    expect((await call('GET', `${RECORD}/calendarEvent?limit=1001`)).status).toBe(400);
  });

  it('answers 401 INVALID_LOGIN without credentials, and logs every request', async () => {
    const before = emulator.requestLog.length;
    const res = await (
      await import('axios')
    ).default.get(`${emulator.baseUrl}${RECORD}/calendarEvent`, { validateStatus: () => true });
    expect(res.status).toBe(401);
    expect(emulator.requestLog.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', status: 401, auth: 'none', accountRealm: '7654321_SB2' }),
    ]);
  });
});

describe('emulated accounts are separate', () => {
  it('keeps each account its own data, people and credentials', async () => {
    const emulator = await startNetSuiteEmulator();
    try {
      const second = emulator.addAccount('TSTDRV99');
      const callFirst = rawTba(emulator);
      const callSecond = rawTba(second, { consumerKey: 'k2', consumerSecret: 's2', tokenId: 't2', tokenSecret: 'x2' });
      await callFirst('PUT', `${RECORD}/calendarEvent/eid:only-first`, { title: 'first', startDate: '2026-01-01' });
      expect((await callSecond('GET', `${RECORD}/calendarEvent/eid:only-first`)).status).toBe(404);
      expect(second.listEvents()).toEqual([]);
      // Credentials of one account do not open the other.
      const crossed = rawTba(
        { ...second, registerTba: () => undefined },
        { consumerKey: 'raw-ck', consumerSecret: 'raw-cs', tokenId: 'raw-tok', tokenSecret: 'raw-ts' }
      );
      expect((await crossed('GET', `${RECORD}/calendarEvent`)).status).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});
