import { startHarness, type Harness, type Loose } from './harness';

/** calendarView/delta: paging, links, minimal occurrences, removals and token expiry. */
describe('Graph emulator: delta', () => {
  let h: Harness;
  let clock = Date.parse('2026-03-01T00:00:00Z');
  beforeAll(async () => {
    h = await startHarness({ now: () => clock, deltaTokenTtlMs: 3_600_000, tokenLifetimeSeconds: 86_400 });
  });
  afterAll(async () => h.close());

  const window = 'startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-03-31T00:00:00Z';
  const single = (subject: string, day: number) =>
    h.emu.userSide.createEvent(h.bob, {
      subject,
      start: `2026-03-${String(day).padStart(2, '0')}T10:00:00`,
      end: `2026-03-${String(day).padStart(2, '0')}T11:00:00`,
    });

  /** Follows a round to its deltaLink; returns every item and the links seen. */
  async function round(first: string, pageSize?: number) {
    const items: Loose[] = [];
    const links: string[] = [];
    let url: string | undefined = first;
    let deltaLink = '';
    while (url) {
      const res = await h.call(
        'GET',
        url,
        undefined,
        pageSize ? { prefer: `IdType="ImmutableId", odata.maxpagesize=${pageSize}` } : {}
      );
      expect(res.status).toBe(200);
      items.push(...res.json.value);
      url = res.json['@odata.nextLink'];
      if (url) links.push(url);
      deltaLink = res.json['@odata.deltaLink'] ?? deltaLink;
    }
    return { items, links, deltaLink };
  }

  it('pages by odata.maxpagesize with absolute https links, and reports only changes next time', async () => {
    for (let d = 1; d <= 5; d++) single(`Event ${d}`, d + 1);
    const first = await round(`/users/${h.bob}/calendarView/delta?${window}`, 2);
    expect(first.items).toHaveLength(5);
    expect(first.links).toHaveLength(2);
    for (const link of [...first.links, first.deltaLink]) expect(link.startsWith(`${h.emu.baseUrl}/`)).toBe(true);
    const again = await round(first.deltaLink);
    expect(again.items).toEqual([]);

    const changed = first.items[0]!;
    h.emu.userSide.updateEvent(h.bob, changed.id, { subject: 'Renamed' });
    h.emu.userSide.deleteEvent(h.bob, first.items[1]!.id);
    const next = await round(again.deltaLink);
    expect(next.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: changed.id, subject: 'Renamed' }),
        { '@odata.type': '#microsoft.graph.event', id: first.items[1]!.id, '@removed': { reason: 'deleted' } },
      ])
    );
    expect(next.items).toHaveLength(2);
  });

  it('sends series masters in full and plain occurrences as minimal objects, never splitting a series', async () => {
    const master = h.emu.userSide.createEvent(h.alice, {
      subject: 'Daily',
      start: '2026-03-10T08:00:00',
      end: '2026-03-10T08:30:00',
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2026-03-10', numberOfOccurrences: 3 },
      },
    });
    const { items } = await round(`/users/${h.alice}/calendarView/delta?${window}`, 2);
    const types = items.map((i) => i.type);
    expect(types).toEqual(['seriesMaster', 'occurrence', 'occurrence', 'occurrence']);
    expect(Object.keys(items[1]!).sort()).toEqual([
      '@odata.etag',
      '@odata.type',
      'end',
      'id',
      'seriesMasterId',
      'start',
      'type',
    ]);
    expect(items[1]!.seriesMasterId).toBe(master.id);
  });

  it('marks events that leave the window as removed, and events changed outside it too', async () => {
    const mb = 'carol@contoso.test';
    h.emu.addMailbox(mb);
    const inside = h.emu.userSide.createEvent(mb, {
      subject: 'In',
      start: '2026-03-05T10:00',
      end: '2026-03-05T11:00',
    });
    const first = await round(`/users/${mb}/calendarView/delta?${window}`);
    h.emu.userSide.updateEvent(mb, inside.id, { start: '2026-06-05T10:00', end: '2026-06-05T11:00' });
    const outside = h.emu.userSide.createEvent(mb, {
      subject: 'Out',
      start: '2026-07-01T10:00',
      end: '2026-07-01T11:00',
    });
    const next = await round(first.deltaLink);
    const removed = next.items.filter((i) => i['@removed']).map((i) => i.id);
    expect(removed.sort()).toEqual([inside.id, outside.id].sort());
  });

  it('answers 410 SyncStateNotFound for an expired delta token', async () => {
    const first = await round(`/users/${h.bob}/calendarView/delta?${window}`);
    clock += 2 * 3_600_000;
    const res = await h.call('GET', first.deltaLink);
    expect(res.status).toBe(410);
    expect(res.json.error.code).toBe('SyncStateNotFound');
    const fresh = await round(`/users/${h.bob}/calendarView/delta?${window}`);
    h.emu.faults.expireDeltaTokens();
    expect((await h.call('GET', fresh.deltaLink)).status).toBe(410);
  });

  it('refuses $select on delta', async () => {
    const res = await h.call('GET', `/users/${h.bob}/calendarView/delta?${window}&$select=subject`);
    expect(res.status).toBe(400);
  });
});
