import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../../src/emulators/netsuite';
import { SUITEQL, rawTba } from './raw-client';

describe('the emulated SuiteQL subset', () => {
  let emulator: NetSuiteEmulator;
  let call: ReturnType<typeof rawTba>;
  const query = (q: string, params?: unknown[], path = SUITEQL) =>
    call('POST', path, params ? { q, params } : { q }, { Prefer: 'transient' });

  beforeAll(async () => {
    emulator = await startNetSuiteEmulator({ suiteQlTimeZone: 'America/New_York' });
    call = rawTba(emulator);
    const ann = emulator.addEmployee({ name: 'Ann', email: 'Ann@Example.com' });
    emulator.addContact({ name: 'Bob', email: 'bob@example.com' });
    emulator.addContact({ name: 'No Mail', email: '' });
    emulator.freezeTime();
    emulator.userSide.createEvent(ann.id, { title: 'E', date: '2026-07-01', startTime: '09:00', endTime: '10:00' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('returns every value as a string, lowercased column names, and leaves null columns out', async () => {
    const res = await query(
      "SELECT id, email, entityid AS Name FROM contact WHERE entityid IN ('Bob', 'No Mail') ORDER BY entityid"
    );
    expect(res.status).toBe(200);
    expect(res.data.items).toEqual([
      { links: [], id: expect.stringMatching(/^\d+$/), email: 'bob@example.com', name: 'Bob' },
      { links: [], id: expect.stringMatching(/^\d+$/), name: 'No Mail' },
    ]);
    expect(res.data).toMatchObject({ count: 2, hasMore: false, offset: 0, totalResults: 2 });
  });

  it('binds ? parameters and compares through LOWER', async () => {
    const res = await query('SELECT id FROM employee WHERE LOWER(email) IN (?, ?) AND isinactive = ?', [
      'ann@example.com',
      'x@y',
      'F',
    ]);
    expect(res.data.items).toHaveLength(1);
  });

  it('renders TO_CHAR in the configured zone and compares TO_TIMESTAMP in it', async () => {
    const event = emulator.listEvents()[0]!;
    const res = await query(
      "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM calendarevent ORDER BY lastmodifieddate DESC, id"
    );
    const lm = res.data.items[0].lm as string;
    const utc = new Date(event.lastModifiedDate);
    const ny = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/New_York',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(utc);
    expect(lm).toBe(ny);
    const after = await query(
      "SELECT id FROM calendarevent WHERE lastmodifieddate > TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS')",
      [lm]
    );
    const atOrAfter = await query(
      "SELECT id FROM calendarevent WHERE lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS')",
      [lm]
    );
    expect(after.data.items).toEqual([]);
    expect(atOrAfter.data.items).toHaveLength(1);
  });

  it("returns raw dates in the user's date format, not ISO", async () => {
    const res = await query('SELECT startdate FROM calendarevent');
    expect(res.data.items[0].startdate).toBe('7/1/2026');
  });

  it('answers 400 for what it does not know, a parameter count that does not match, or a missing Prefer: transient', async () => {
    expect((await query('SELECT nosuchcolumn FROM employee')).data['o:errorDetails'][0]['o:errorCode']).toBe(
      'INVALID_PARAMETER'
    );
    expect((await query('SELECT id FROM nosuchtable')).status).toBe(400);
    expect((await query('SELECT id FROM employee WHERE id = ?', [])).status).toBe(400);
    expect((await query('DELETE FROM employee')).status).toBe(400);
    const noPrefer = await call('POST', SUITEQL, { q: 'SELECT id FROM employee' });
    expect(noPrefer.status).toBe(400);
    expect(noPrefer.data['o:errorDetails'][0]['o:errorHeader']).toBe('Prefer');
  });

  it('pages with limit and offset under the divisibility rule', async () => {
    const first = await query('SELECT id FROM contact ORDER BY id', undefined, `${SUITEQL}?limit=1&offset=0`);
    expect(first.data).toMatchObject({ count: 1, hasMore: true, totalResults: 2 });
    expect((await query('SELECT id FROM contact ORDER BY id', undefined, `${SUITEQL}?limit=2&offset=1`)).status).toBe(
      400
    );
  });
});
