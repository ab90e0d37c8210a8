import { z } from 'zod';
import { type DirectoryEntry, type EntityDirectory, directoryOf } from './entity-directory';
import { type SuiteQl, placeholders } from './suiteql';

/**
 * Resolves emails ↔ employee/contact internal ids with SuiteQL and caches both answers (misses too,
 * so an unknown guest costs one query per TTL, not one per sync). Employees win over contacts with
 * the same email; among equals, the lowest id. Inactive entities are ignored.
 */
export interface EntityResolver {
  /** A directory covering these emails and ids (each looked up at most once per TTL). */
  directoryFor(input: { emails?: Iterable<string>; ids?: Iterable<string> }): Promise<EntityDirectory>;
  /** Forget everything (e.g. after an admin changed people in NetSuite). */
  clear(): void;
}

const CHUNK = 100;
const TABLES = ['employee', 'contact'] as const;
const row = z.object({
  id: z.string().regex(/^-?\d+$/),
  email: z.string().optional(),
  entityid: z.string().optional(),
});

interface CacheEntry {
  entry: DirectoryEntry | null;
  expiresAt: number;
}

export function entityResolver(sql: SuiteQl, options: { ttlMs?: number; now?: () => number } = {}): EntityResolver {
  const ttl = options.ttlMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const byEmail = new Map<string, CacheEntry>();
  const byId = new Map<string, CacheEntry>();

  const fresh = (cache: Map<string, CacheEntry>, key: string) => {
    const hit = cache.get(key);
    return hit && hit.expiresAt > now() ? hit : undefined;
  };

  const remember = (entry: DirectoryEntry) => {
    const expiresAt = now() + ttl;
    byId.set(entry.id, { entry, expiresAt });
    const current = fresh(byEmail, entry.email.toLowerCase());
    if (!current?.entry) byEmail.set(entry.email.toLowerCase(), { entry, expiresAt });
  };

  const lookUp = async (column: 'LOWER(email)' | 'id', keys: string[]): Promise<void> => {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      for (const table of TABLES) {
        const rows = await sql.query(
          `suiteql.${table}By${column === 'id' ? 'Id' : 'Email'}`,
          `SELECT id, email, entityid FROM ${table} WHERE ${column} IN (${placeholders(chunk.length)}) AND isinactive = 'F' ORDER BY id`,
          chunk,
          row
        );
        for (const r of rows) if (r.email) remember({ id: r.id, email: r.email, name: r.entityid });
      }
    }
  };

  return {
    async directoryFor(input) {
      const emails = [...new Set([...(input.emails ?? [])].map((e) => e.toLowerCase()))];
      const ids = [...new Set(input.ids ?? [])];
      const missingEmails = emails.filter((e) => !fresh(byEmail, e));
      const missingIds = ids.filter((id) => !fresh(byId, id));
      if (missingEmails.length) await lookUp('LOWER(email)', missingEmails);
      if (missingIds.length) await lookUp('id', missingIds);
      const expiresAt = now() + ttl;
      for (const e of missingEmails) if (!fresh(byEmail, e)) byEmail.set(e, { entry: null, expiresAt });
      for (const id of missingIds) if (!fresh(byId, id)) byId.set(id, { entry: null, expiresAt });
      const entries: DirectoryEntry[] = [];
      for (const e of emails) {
        const hit = fresh(byEmail, e)?.entry;
        if (hit) entries.push(hit);
      }
      for (const id of ids) {
        const hit = fresh(byId, id)?.entry;
        if (hit) entries.push(hit);
      }
      return directoryOf(entries);
    },
    clear() {
      byEmail.clear();
      byId.clear();
    },
  };
}
