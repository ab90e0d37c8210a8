import { type NetSuiteHarness, startHarness } from './netsuite-harness';

const suiteQlCount = (h: NetSuiteHarness) =>
  h.emulator.requestLog.filter((e) => e.url.startsWith('/services/rest/query/v1/suiteql')).length;

describe('resolving attendees: email ↔ employee/contact id through SuiteQL, cached', () => {
  let h: NetSuiteHarness;
  let clock: number;
  beforeEach(async () => {
    h = await startHarness();
    clock = Date.now();
  });
  afterEach(async () => {
    await h.emulator.close();
  });
  const client = () => h.clientFor('tba', { now: () => clock, entityCacheTtlMs: 60_000 });

  it('finds employees and contacts by email, whatever the case', async () => {
    const emp = h.emulator.addEmployee({ name: 'Eve Employee', email: 'Eve@Example.com' });
    const con = h.emulator.addContact({ name: 'Carl Contact', email: 'carl@example.com' });
    const directory = await client().entities.directoryFor({
      emails: ['eve@example.com', 'CARL@example.com', 'nobody@example.com'],
    });
    expect(directory.idOf('EVE@example.com')).toBe(emp.id);
    expect(directory.idOf('carl@example.com')).toBe(con.id);
    expect(directory.idOf('nobody@example.com')).toBeUndefined();
  });

  it('prefers the employee when a contact has the same email', async () => {
    h.emulator.addContact({ name: 'Sam as contact', email: 'sam@example.com' });
    const emp = h.emulator.addEmployee({ name: 'Sam', email: 'sam@example.com' });
    expect((await client().entities.directoryFor({ emails: ['sam@example.com'] })).idOf('sam@example.com')).toBe(
      emp.id
    );
  });

  it('finds emails for entity ids (organiser and attendees read from NetSuite)', async () => {
    const emp = h.emulator.addEmployee({ name: 'Ida', email: 'ida@example.com' });
    const con = h.emulator.addContact({ name: 'Jon', email: 'jon@example.com' });
    const directory = await client().entities.directoryFor({ ids: [emp.id, con.id, '99999'] });
    expect(directory.emailOf(emp.id)).toBe('ida@example.com');
    expect(directory.emailOf(con.id)).toBe('jon@example.com');
    expect(directory.emailOf('99999')).toBeUndefined();
  });

  it('asks NetSuite once per TTL, for hits and misses alike', async () => {
    h.emulator.addEmployee({ name: 'Kim', email: 'kim@example.com' });
    const c = client();
    await c.entities.directoryFor({ emails: ['kim@example.com', 'ghost@example.com'] });
    const after = suiteQlCount(h);
    const again = await c.entities.directoryFor({ emails: ['KIM@example.com', 'ghost@example.com'] });
    expect(suiteQlCount(h)).toBe(after);
    expect(again.idOf('kim@example.com')).toBeDefined();
    h.emulator.addEmployee({ name: 'Ghost', email: 'ghost@example.com' });
    clock += 61_000;
    const later = await c.entities.directoryFor({ emails: ['ghost@example.com'] });
    expect(suiteQlCount(h)).toBeGreaterThan(after);
    expect(later.idOf('ghost@example.com')).toBeDefined();
  });
});
