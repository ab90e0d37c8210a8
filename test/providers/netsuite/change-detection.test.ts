import { initialModifiedCursor } from '../../../src/providers/netsuite/change-detection';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

const suiteQlRequests = (h: NetSuiteHarness) =>
  h.emulator.requestLog.filter((e) => e.url.startsWith('/services/rest/query/v1/suiteql'));

// SuiteQL's datetime zone is undocumented: the poll must work whichever zone it renders in.
// …and over either authentication scheme: SuiteQL is signed like every other call.
const zonesAndSchemes = (['UTC', 'America/New_York'] as const).flatMap((zone) =>
  (['tba', 'm2m'] as const).map((scheme) => [zone, scheme] as const)
);
describe.each(zonesAndSchemes)(
  'modified-since polling when SuiteQL renders datetimes in %s, over %s',
  (zone, scheme) => {
    let h: NetSuiteHarness;
    let personId: string;
    beforeEach(async () => {
      h = await startHarness({ suiteQlTimeZone: zone });
      personId = h.emulator.addEmployee({ name: 'Pat', email: 'pat@example.com', timeZone: 'Europe/Berlin' }).id;
    });
    afterEach(async () => {
      await h.emulator.close();
    });
    const client = () => (scheme === 'm2m' ? h.m2m : h.tba);
    const create = (title: string) =>
      h.emulator.userSide.createEvent(personId, { title, date: '2026-02-02', startTime: '09:00', endTime: '10:00' });

    it('reports what changed since the cursor; rows in the overlap already reported are dropped', async () => {
      const start = initialModifiedCursor(new Date(h.emulator.now() - 60_000).toISOString(), zone);
      const a = create('A');
      h.emulator.advanceTime(2_000);
      const b = create('B');
      h.emulator.advanceTime(2_000);
      const first = await client().pollModifiedEvents(start);
      expect(first.changes.map((c) => c.id)).toEqual([a.id, b.id]);
      // Only b sits at the newest second, so only b is looked at once more.
      const second = await client().pollModifiedEvents(first.cursor);
      expect(second.changes.map((c) => c.id)).toEqual([b.id]);
      h.emulator.userSide.editEvent(personId, a.id, { title: 'A2' });
      h.emulator.advanceTime(2_000);
      const third = await client().pollModifiedEvents(second.cursor);
      // a and b are both inside the 65-minute overlap; b was reported, a changed again.
      expect(third.changes.map((c) => c.id)).toEqual([a.id]);
      expect(third.changes[0]!.lastModified > first.changes[0]!.lastModified).toBe(true);
      const fourth = await client().pollModifiedEvents((await client().pollModifiedEvents(third.cursor)).cursor);
      expect(fourth.changes).toEqual([]);
    });

    it('compares through TO_CHAR/TO_TIMESTAMP and sends Prefer: transient', async () => {
      await client().pollModifiedEvents(initialModifiedCursor(new Date(h.emulator.now()).toISOString(), zone));
      const request = suiteQlRequests(h).at(-1)!;
      expect(request.headers.prefer).toBe('transient');
      expect(JSON.stringify(request.body)).toMatch(
        /TO_CHAR\(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS'\).*TO_TIMESTAMP\(\?, 'YYYY-MM-DD HH24:MI:SS'\)/
      );
    });

    it('reports a second edit made within the same second once more on the next poll', async () => {
      h.emulator.freezeTime();
      const event = create('Same second');
      const first = await client().pollModifiedEvents(
        initialModifiedCursor(new Date(h.emulator.now() - 60_000).toISOString(), zone)
      );
      h.emulator.userSide.editEvent(personId, event.id, { title: 'Same second, edited' });
      const second = await client().pollModifiedEvents(first.cursor);
      expect(second.changes.map((c) => c.id)).toEqual([event.id]);
      expect(second.changes[0]!.lastModified).toBe(first.changes[0]!.lastModified);
      const third = await client().pollModifiedEvents(second.cursor);
      expect(third.changes).toEqual([]);
    });

    it('pages through large results with offsets that are multiples of the page size', async () => {
      const client = h.clientFor('tba', { suiteQl: { pageSize: 2 } });
      const created = ['1', '2', '3', '4', '5'].map((n) => create(`E${n}`).id);
      const { changes } = await client.pollModifiedEvents(
        initialModifiedCursor(new Date(h.emulator.now() - 60_000).toISOString(), zone)
      );
      expect(changes.map((c) => c.id).sort()).toEqual(created.sort());
      const offsets = suiteQlRequests(h).map((e) => Number(new URL(`http://x${e.url}`).searchParams.get('offset')));
      expect(offsets).toEqual([0, 2, 4]);
    });
  }
);

describe('SuiteQL parameters', () => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  it('can inline escaped literals instead of sending params, with the same answer', async () => {
    h.emulator.addEmployee({ name: "O'Brien", email: "o'brien@example.com" });
    const inline = h.clientFor('tba', { suiteQl: { inlineParams: true } });
    const bound = await h.tba.entities.directoryFor({ emails: ["o'brien@example.com"] });
    const literal = await inline.entities.directoryFor({ emails: ["o'brien@example.com"] });
    expect(literal.idOf("o'brien@example.com")).toBeDefined();
    expect(literal.idOf("o'brien@example.com")).toBe(bound.idOf("o'brien@example.com"));
    const last = h.emulator.requestLog.at(-1)!;
    expect(last.body).toEqual({ q: expect.stringContaining("'o''brien@example.com'") });
  });
});

describe.each(['tba', 'm2m'] as const)('the deletion scan for accounts without the push, over %s', (scheme) => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.close();
  });
  const client = () => (scheme === 'm2m' ? h.m2m : h.tba);

  it('lists ids dated in the window and confirms deletions with a GET, ignoring events that only left the window', async () => {
    const person = h.emulator.addEmployee({ name: 'Del', email: 'del@example.com' }).id;
    const mk = (date: string) =>
      h.emulator.userSide.createEvent(person, { title: date, date, startTime: '09:00', endTime: '10:00' }).id;
    const inside = mk('2026-03-02');
    const deleted = mk('2026-03-03');
    const moved = mk('2026-03-04');
    const outside = mk('2026-05-01');
    const window = { fromDate: '2026-03-01', toDate: '2026-04-01' };
    expect([...(await client().listEventIdsInWindow(window))].sort()).toEqual([inside, deleted, moved].sort());
    h.emulator.userSide.deleteEvent(person, deleted);
    h.emulator.userSide.editEvent(person, moved, { date: '2026-06-01' });
    await expect(client().findDeletedEvents([inside, deleted, moved], window)).resolves.toEqual([deleted]);
    expect(outside).toBeDefined();
  });
});
