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
}
