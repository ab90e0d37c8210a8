import { newLink } from '../../src/domain/link';
import { migrateToLatest } from '../../src/store/db';
import { ItemStore, StaleItemError } from '../../src/store/items';
import { SecretBox } from '../../src/store/secret-box';
import { TenantStore } from '../../src/store/tenants';
import { freshDatabase } from '../support/database';

/*
 * The write lease of an item several users' workflows write (a shared meeting, ADR 0013): taken
 * only at the version the writer read, held against every other writer until its holder saves or
 * releases it, or its term runs out; a save without a lease leaves another writer's lease alone.
 */
describe('item write leases', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let items: ItemStore;
  beforeAll(async () => {
    db = await freshDatabase();
    await migrateToLatest(db.pool);
    await new TenantStore(db.pool, new SecretBox(SecretBox.generateKeySpec())).upsert({
      id: 't_lease',
      name: 't_lease',
      sandbox: true,
      policy: {},
      connections: {},
    });
    items = new ItemStore(db.pool);
  });
  afterAll(async () => db?.drop());

  const fresh = (id: string) => items.insert('t_lease', newLink(id, 'event', 'netsuite'));

  it('is held by one writer at a time, and its holder’s save ends it', async () => {
    const stored = await fresh('i_one_at_a_time');
    expect(await items.lease('t_lease', 'i_one_at_a_time', stored.version, 'alice', 60_000)).toEqual({ state: 'held' });
    const other = await items.lease('t_lease', 'i_one_at_a_time', stored.version, 'bob', 60_000);
    expect(other.state).toBe('busy');
    expect(other.state === 'busy' && other.waitMs).toBeGreaterThan(50_000);
    // Taking it again is harmless for its holder.
    expect(await items.lease('t_lease', 'i_one_at_a_time', stored.version, 'alice', 60_000)).toEqual({ state: 'held' });

    const saved = await items.save('t_lease', stored.link, stored.version, false, 'alice');
    // Bob read the item before Alice saved: he must read and plan again, not write.
    expect(await items.lease('t_lease', 'i_one_at_a_time', stored.version, 'bob', 60_000)).toEqual({ state: 'stale' });
    expect(await items.lease('t_lease', 'i_one_at_a_time', saved.version, 'bob', 60_000)).toEqual({ state: 'held' });
  });

  it('survives a save without writes by another workflow, and a release by someone else', async () => {
    const stored = await fresh('i_kept');
    await items.lease('t_lease', 'i_kept', stored.version, 'alice', 60_000);
    const bases = await items.save('t_lease', stored.link, stored.version);
    await items.release('t_lease', 'i_kept', 'bob');
    expect((await items.lease('t_lease', 'i_kept', bases.version, 'bob', 60_000)).state).toBe('busy');
    await items.release('t_lease', 'i_kept', 'alice');
    expect(await items.lease('t_lease', 'i_kept', bases.version, 'bob', 60_000)).toEqual({ state: 'held' });
  });

  it('expires, so a crashed holder blocks the others only for its term', async () => {
    const stored = await fresh('i_expiring');
    await items.lease('t_lease', 'i_expiring', stored.version, 'crashed', 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await items.lease('t_lease', 'i_expiring', stored.version, 'bob', 60_000)).toEqual({ state: 'held' });
  });

  it('keeps the version check of saves: a writer that lost its lease cannot save over another', async () => {
    const stored = await fresh('i_overtaken');
    await items.lease('t_lease', 'i_overtaken', stored.version, 'slow', 100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await items.lease('t_lease', 'i_overtaken', stored.version, 'bob', 60_000);
    await items.save('t_lease', stored.link, stored.version, false, 'bob');
    await expect(items.save('t_lease', stored.link, stored.version, false, 'slow')).rejects.toBeInstanceOf(
      StaleItemError
    );
  });
});
