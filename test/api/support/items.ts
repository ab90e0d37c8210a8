import type { Pool } from 'pg';
import type { Link } from '../../../src/domain/link';
import { ItemStore } from '../../../src/store/items';

/** Stores an item the way the engine does (insert, then save, which indexes its record ids). */
export async function seedItem(pool: Pool, tenantId: string, link: Link): Promise<void> {
  const store = new ItemStore(pool);
  const { version } = await store.insert(tenantId, link);
  await store.save(tenantId, link, version);
}
