import type { Pool } from 'pg';

/**
 * The users whose items include this NetSuite event (a push names only the record). A NetSuite
 * event is one replica of an item shared by every synced user's copy, so the owners are the users
 * of the item's other replicas (item_records, migration 0004).
 */
export async function usersOfNetSuiteRecord(pool: Pool, tenantId: string, recordId: string): Promise<string[]> {
  const { rows } = await pool.query<{ user_id: string }>(
    `SELECT DISTINCT other.user_id FROM item_records ns
     JOIN item_records other ON other.tenant_id = ns.tenant_id AND other.item_id = ns.item_id
     WHERE ns.tenant_id = $1 AND ns.replica = 'netsuite' AND ns.record_id = $2 AND other.user_id IS NOT NULL
     ORDER BY other.user_id`,
    [tenantId, recordId]
  );
  return rows.map((r) => r.user_id);
}
