import type { Pool } from 'pg';

export interface User {
  id: string;
  tenantId: string;
  mailbox: string;
  netsuiteEmployeeId: string | null;
  autotaskResourceId: number | null;
  timeZone: string;
  policy: Record<string, unknown>;
  desiredState: 'running' | 'paused' | 'stopped';
}

interface UserRow {
  id: string;
  tenant_id: string;
  mailbox: string;
  netsuite_employee_id: string | null;
  autotask_resource_id: string | null;
  time_zone: string;
  policy: Record<string, unknown>;
  desired_state: User['desiredState'];
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  mailbox: row.mailbox,
  netsuiteEmployeeId: row.netsuite_employee_id,
  autotaskResourceId: row.autotask_resource_id === null ? null : Number(row.autotask_resource_id),
  timeZone: row.time_zone,
  policy: row.policy,
  desiredState: row.desired_state,
});

export class UserStore {
  constructor(private readonly pool: Pool) {}

  async upsert(user: Omit<User, 'desiredState'> & { desiredState?: User['desiredState'] }): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (id, tenant_id, mailbox, netsuite_employee_id, autotask_resource_id, time_zone, policy, desired_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, 'stopped'))
       ON CONFLICT (id) DO UPDATE SET mailbox = $3, netsuite_employee_id = $4, autotask_resource_id = $5,
         time_zone = $6, policy = $7, desired_state = COALESCE($8, users.desired_state), updated_at = now()`,
      [
        user.id,
        user.tenantId,
        user.mailbox,
        user.netsuiteEmployeeId,
        user.autotaskResourceId,
        user.timeZone,
        user.policy,
        user.desiredState ?? null,
      ]
    );
  }

  async get(id: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && toUser(rows[0]);
  }

  async setDesiredState(id: string, state: User['desiredState']): Promise<void> {
    await this.pool.query('UPDATE users SET desired_state = $2, updated_at = now() WHERE id = $1', [id, state]);
  }

  /** Registers a new user; throws UserConflictError when the id, mailbox or a provider id is taken. */
  async create(user: Omit<User, 'desiredState'>): Promise<User> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `INSERT INTO users (id, tenant_id, mailbox, netsuite_employee_id, autotask_resource_id, time_zone, policy)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [
          user.id,
          user.tenantId,
          user.mailbox,
          user.netsuiteEmployeeId,
          user.autotaskResourceId,
          user.timeZone,
          user.policy,
        ]
      );
      return toUser(rows[0]!);
    } catch (err) {
      throw conflictFrom(err);
    }
  }

  /** Changes the given fields; undefined when there is no such user. */
  async update(
    id: string,
    patch: Partial<Pick<User, 'mailbox' | 'netsuiteEmployeeId' | 'autotaskResourceId' | 'timeZone' | 'policy'>>
  ): Promise<User | undefined> {
    const columns: Record<keyof typeof patch, string> = {
      mailbox: 'mailbox',
      netsuiteEmployeeId: 'netsuite_employee_id',
      autotaskResourceId: 'autotask_resource_id',
      timeZone: 'time_zone',
      policy: 'policy',
    };
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [key, column] of Object.entries(columns) as [keyof typeof patch, string][]) {
      if (patch[key] === undefined) continue;
      values.push(patch[key]);
      sets.push(`${column} = $${values.length}`);
    }
    try {
      const { rows } = await this.pool.query<UserRow>(
        `UPDATE users SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
        values
      );
      return rows[0] && toUser(rows[0]);
    } catch (err) {
      throw conflictFrom(err);
    }
  }

  /** One page of users in id order, after the cursor `after`. */
  async list(filter: UserListFilter): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM users
       WHERE ($1::text IS NULL OR tenant_id = $1)
         AND ($2::text IS NULL OR desired_state = $2)
         AND ($3::text IS NULL OR lower(mailbox) LIKE '%' || lower($3) || '%')
         AND ($4::text[] IS NULL OR id = ANY($4))
         AND ($5::text IS NULL OR id > $5)
       ORDER BY id LIMIT $6`,
      [
        filter.tenantId ?? null,
        filter.desiredState ?? null,
        filter.mailboxContains?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null,
        filter.ids ?? null,
        filter.after ?? null,
        filter.limit,
      ]
    );
    return rows.map(toUser);
  }

  /** Users of a tenant by NetSuite employee id (whose calendars a NetSuite push may concern). */
  async byNetSuiteEmployees(tenantId: string, employeeIds: readonly string[]): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(
      'SELECT * FROM users WHERE tenant_id = $1 AND netsuite_employee_id = ANY($2)',
      [tenantId, employeeIds]
    );
    return rows.map(toUser);
  }

  /** Users of a tenant that should be syncing with NetSuite, at most `limit`. */
  async syncingWithNetSuite(tenantId: string, limit: number): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT * FROM users WHERE tenant_id = $1 AND netsuite_employee_id IS NOT NULL AND desired_state <> 'stopped'
       ORDER BY id LIMIT $2`,
      [tenantId, limit]
    );
    return rows.map(toUser);
  }
}

export interface UserListFilter {
  tenantId?: string;
  desiredState?: User['desiredState'];
  mailboxContains?: string;
  /** Only these ids. */
  ids?: readonly string[];
  after?: string;
  limit: number;
}

/** A unique constraint refused the write (id, mailbox, NetSuite employee or Autotask resource taken). */
export class UserConflictError extends Error {
  constructor(readonly constraint: string) {
    super(`conflicts with an existing user (${constraint})`);
    this.name = 'UserConflictError';
  }
}

function conflictFrom(err: unknown): unknown {
  const pgError = err as { code?: string; constraint?: string };
  if (pgError.code === '23505') return new UserConflictError(pgError.constraint ?? 'unique');
  return err;
}
