import { migrateToLatest } from '../../src/store/db';
import { SecretBox } from '../../src/store/secret-box';
import { TenantUsers } from '../../src/store/tenant-users';
import { TenantStore } from '../../src/store/tenants';
import { UserStore } from '../../src/store/users';
import { freshDatabase } from '../support/database';

/*
 * A worker keeps each tenant's user list while a version the database bumps with every change to
 * the tenant's users says it is true: unchanged, the kept rows are answered; any change (a new
 * user, a stop, a removal, a user moved away) is seen at the next read.
 */
describe('a tenant’s users, kept while they do not change', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
    await migrateToLatest(db.pool);
    const tenants = new TenantStore(db.pool, new SecretBox(SecretBox.generateKeySpec()));
    for (const id of ['t_kept', 't_other'])
      await tenants.upsert({ id, name: id, sandbox: true, policy: {}, connections: {} });
  });
  afterAll(async () => db?.drop());

  const user = (id: string, tenantId = 't_kept') => ({
    id,
    tenantId,
    mailbox: `${id}@example.com`,
    netsuiteEmployeeId: null,
    autotaskResourceId: null,
    timeZone: 'UTC',
    policy: {},
  });

  it('answers the kept rows until a user of the tenant changes, then the new ones', async () => {
    const users = new UserStore(db.pool);
    const kept = new TenantUsers(db.pool);
    await users.upsert(user('u_ann'));
    const first = await kept.list('t_kept');
    expect(first.map((u) => u.id)).toEqual(['u_ann']);
    expect(await kept.list('t_kept')).toBe(first);

    // Another tenant's change leaves this one's list as it was.
    await users.upsert(user('u_zed', 't_other'));
    expect(await kept.list('t_kept')).toBe(first);

    await users.upsert(user('u_bob'));
    expect((await kept.list('t_kept')).map((u) => u.id).sort()).toEqual(['u_ann', 'u_bob']);

    await users.setDesiredState('u_bob', 'stopped');
    expect((await kept.list('t_kept')).find((u) => u.id === 'u_bob')?.desired_state).toBe('stopped');

    // Another worker's list (its own process) sees the same changes.
    const elsewhere = new TenantUsers(db.pool);
    await db.pool.query('DELETE FROM users WHERE id = $1', ['u_ann']);
    expect((await kept.list('t_kept')).map((u) => u.id)).toEqual(['u_bob']);
    expect((await elsewhere.list('t_kept')).map((u) => u.id)).toEqual(['u_bob']);

    await db.pool.query('UPDATE users SET tenant_id = $2 WHERE id = $1', ['u_bob', 't_other']);
    expect(await kept.list('t_kept')).toEqual([]);
    expect((await kept.list('t_other')).map((u) => u.id).sort()).toEqual(['u_bob', 'u_zed']);
    expect(await kept.list('t_nobody')).toEqual([]);
  });
});
