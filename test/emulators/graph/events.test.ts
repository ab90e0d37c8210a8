import { startHarness, type Harness } from './harness';

/** The emulator's event endpoints, driven over HTTPS as a client would. */
describe('Graph emulator: events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  const create = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    h.call('POST', `/users/${h.alice}/events`, body, headers);

  const meeting = {
    subject: 'Plan',
    body: { contentType: 'text', content: 'Agenda' },
    start: { dateTime: '2026-04-21T10:00:00', timeZone: 'Pacific Standard Time' },
    end: { dateTime: '2026-04-21T11:00:00', timeZone: 'Pacific Standard Time' },
  };

  it('answers a create with 201 and the event in Graph shape, converted to the preferred zone', async () => {
    const res = await create(meeting);
    expect(res.status).toBe(201);
    expect(res.json.start).toEqual({ dateTime: '2026-04-21T17:00:00.0000000', timeZone: 'UTC' });
    expect(res.json.originalStartTimeZone).toBe('Pacific Standard Time');
    expect(res.json['@odata.etag']).toBe(`W/"${res.json.changeKey}"`);
    expect(res.json.lastModifiedDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(res.json.body.contentType).toBe('html');
    expect(res.json.type).toBe('singleInstance');
    const pacific = await h.call('GET', `/users/${h.alice}/events/${res.json.id}`, undefined, {
      prefer: 'IdType="ImmutableId", outlook.timezone="Pacific Standard Time"',
    });
    expect(pacific.json.start).toEqual({ dateTime: '2026-04-21T10:00:00.0000000', timeZone: 'Pacific Standard Time' });
  });

  it('rejects calls without a valid token with 401 InvalidAuthenticationToken', async () => {
    const res = await fetch(`${h.emu.baseUrl}/users/${h.alice}/events`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
  });

  it('answers errors in Graph envelope, e.g. an unsupported zone', async () => {
    const res = await create({
      ...meeting,
      start: { dateTime: '2026-04-21T10:00:00', timeZone: 'Greenwich Mean Time' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('TimeZoneNotSupportedException');
    expect(res.json.error.innerError['request-id']).toEqual(expect.any(String));
  });

  it('requires a window on calendarView', async () => {
    const res = await h.call('GET', `/users/${h.alice}/calendarView`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ErrorInvalidParameter');
  });

  it('refuses a second create with a used transactionId', async () => {
    const first = await create({ ...meeting, transactionId: 'tx-1' });
    const second = await create({ ...meeting, transactionId: 'tx-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(400);
    expect(second.json.error.code).toBe('ErrorDuplicateTransactionId');
  });

  it('gives other ids to clients that do not ask for immutable ids', async () => {
    const created = await create(meeting);
    const plain = await h.call('GET', `/users/${h.alice}/events/${created.json.id}`, undefined, { prefer: '' });
    expect(plain.status).toBe(200);
    expect(plain.json.id).not.toBe(created.json.id);
  });

  it('finds events by an extended property with $filter and returns it only when expanded', async () => {
    const prop = 'String {11111111-2222-3333-4444-555555555555} Name ItemId';
    const created = await create({ ...meeting, singleValueExtendedProperties: [{ id: prop, value: 'Item-7' }] });
    expect(created.json.singleValueExtendedProperties).toBeUndefined();
    const filter = encodeURIComponent(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${prop}' and ep/value eq 'item-7')`
    );
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${prop}')`);
    const found = await h.call('GET', `/users/${h.alice}/events?$filter=${filter}&$expand=${expand}`);
    expect(found.json.value.map((e: { id: string }) => e.id)).toEqual([created.json.id]);
    expect(found.json.value[0]!.singleValueExtendedProperties).toEqual([{ id: prop, value: 'Item-7' }]);
    // The name part is case-sensitive.
    const wrongCase = encodeURIComponent(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${prop.replace('ItemId', 'itemid')}' and ep/value eq 'Item-7')`
    );
    expect((await h.call('GET', `/users/${h.alice}/events?$filter=${wrongCase}`)).json.value).toEqual([]);
  });

  it('keeps all-day events on their dates whatever zone the reader prefers', async () => {
    const res = await create({
      subject: 'Holiday',
      isAllDay: true,
      start: { dateTime: '2026-05-01T00:00:00', timeZone: 'Tokyo Standard Time' },
      end: { dateTime: '2026-05-02T00:00:00', timeZone: 'Tokyo Standard Time' },
    });
    expect(res.json.start).toEqual({ dateTime: '2026-05-01T00:00:00.0000000', timeZone: 'UTC' });
    expect(res.json.end).toEqual({ dateTime: '2026-05-02T00:00:00.0000000', timeZone: 'UTC' });
    const bad = await create({ ...meeting, isAllDay: true });
    expect(bad.json.error.code).toBe('ErrorPropertyValidationFailure');
  });

  describe('series', () => {
    const weekly = {
      subject: 'Standup',
      start: { dateTime: '2026-03-02T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-03-02T09:15:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'] },
        range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 6 },
      },
    };
    const window = 'startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-05-01T00:00:00Z';

    it('expands instances across a DST change at the same wall-clock time', async () => {
      const master = await create(weekly);
      expect(master.json.type).toBe('seriesMaster');
      expect(master.json.recurrence.pattern.daysOfWeek).toEqual(['monday']);
      const inst = await h.call('GET', `/users/${h.alice}/events/${master.json.id}/instances?${window}`);
      const starts = inst.json.value.map((e: { start: { dateTime: string } }) => e.start.dateTime);
      // Berlin moves to summer time on 2026-03-29: 08:00Z before, 07:00Z after.
      expect(starts).toEqual([
        '2026-03-02T08:00:00.0000000',
        '2026-03-09T08:00:00.0000000',
        '2026-03-16T08:00:00.0000000',
        '2026-03-23T08:00:00.0000000',
        '2026-03-30T07:00:00.0000000',
        '2026-04-06T07:00:00.0000000',
      ]);
      expect(inst.json.value[0]).toMatchObject({
        type: 'occurrence',
        seriesMasterId: master.json.id,
        recurrence: null,
      });
    });

    it('turns a patched occurrence into an exception and a deleted one into a cancellation on the master', async () => {
      const master = await create(weekly);
      const inst = (await h.call('GET', `/users/${h.alice}/events/${master.json.id}/instances?${window}`)).json.value;
      const patched = await h.call('PATCH', `/users/${h.alice}/events/${inst[1]!.id}`, { subject: 'Moved standup' });
      expect(patched.json.type).toBe('exception');
      expect((await h.call('DELETE', `/users/${h.alice}/events/${inst[2]!.id}`)).status).toBe(204);
      const view = await h.call(
        'GET',
        `/users/${h.alice}/events/${master.json.id}?$select=subject,cancelledOccurrences,exceptionOccurrences&$expand=exceptionOccurrences`
      );
      expect(view.json.cancelledOccurrences).toEqual([`OID.${master.json.id}.2026-03-16`]);
      expect(view.json.exceptionOccurrences.map((e: { subject: string }) => e.subject)).toEqual(['Moved standup']);
      const after = (await h.call('GET', `/users/${h.alice}/events/${master.json.id}/instances?${window}`)).json.value;
      expect(after).toHaveLength(5);
      expect((await h.call('GET', `/users/${h.alice}/events/${inst[2]!.id}`)).status).toBe(404);
    });

    it('refuses to move an occurrence over its neighbour', async () => {
      const master = await create(weekly);
      const inst = (await h.call('GET', `/users/${h.alice}/events/${master.json.id}/instances?${window}`)).json.value;
      const res = await h.call('PATCH', `/users/${h.alice}/events/${inst[1]!.id}`, {
        start: { dateTime: '2026-03-16T09:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2026-03-16T09:15:00', timeZone: 'W. Europe Standard Time' },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('ErrorOccurrenceCrossingBoundary');
    });

    it('rejects a range that does not start on the start date', async () => {
      const res = await create({
        ...weekly,
        recurrence: { ...weekly.recurrence, range: { ...weekly.recurrence.range, startDate: '2026-03-03' } },
      });
      expect(res.status).toBe(400);
    });
  });

  it('tells a person’s subject of a single event or an edited occurrence without rendering it', () => {
    const single = h.emu.userSide.createEvent(h.alice, {
      subject: 'Peek',
      start: '2026-04-22T10:00:00',
      end: '2026-04-22T11:00:00',
    });
    expect(h.emu.userSide.subjectOf(h.alice, single.id)).toBe('Peek');
    h.emu.userSide.updateEvent(h.alice, single.id, { subject: 'Peek again' });
    expect(h.emu.userSide.subjectOf(h.alice, single.id)).toBe(h.emu.userSide.getEvent(h.alice, single.id)?.subject);
    expect(h.emu.userSide.subjectOf(h.alice, single.id)).toBe('Peek again');

    const series = h.emu.userSide.createEvent(h.alice, {
      subject: 'Daily peek',
      start: '2026-04-23T08:00:00',
      end: '2026-04-23T08:30:00',
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2026-04-23', numberOfOccurrences: 3 },
      },
    });
    h.emu.userSide.editOccurrence(h.alice, series.id, '2026-04-24', { subject: 'Moved peek' });
    const occurrence = h.emu.userSide.occurrenceId(series.id, '2026-04-24');
    expect(h.emu.userSide.subjectOf(h.alice, occurrence)).toBe('Moved peek');
    expect(h.emu.userSide.subjectOf(h.alice, h.emu.userSide.occurrenceId(series.id, '2026-04-25'))).toBe('Daily peek');
    expect(h.emu.userSide.subjectOf(h.alice, 'no-such-event')).toBeUndefined();
  });
});
