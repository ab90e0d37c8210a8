/**
 * Attendees and organisers are entity references in NetSuite, email addresses elsewhere. The
 * mapping is pure, so it reads a directory resolved beforehand (see entity-resolver.ts).
 */
export interface EntityDirectory {
  /** The email of an employee or contact, by internal id. */
  emailOf(entityId: string): string | undefined;
  /** The internal id for an email (case-insensitive). */
  idOf(email: string): string | undefined;
}

export interface DirectoryEntry {
  id: string;
  email: string;
  name?: string;
}

export function directoryOf(entries: Iterable<DirectoryEntry>): EntityDirectory {
  const byId = new Map<string, string>();
  const byEmail = new Map<string, string>();
  for (const entry of entries) {
    byId.set(entry.id, entry.email);
    // The first entity wins: entries are given employees first, so a person beats a contact.
    if (!byEmail.has(entry.email.toLowerCase())) byEmail.set(entry.email.toLowerCase(), entry.id);
  }
  return { emailOf: (id) => byId.get(id), idOf: (email) => byEmail.get(email.toLowerCase()) };
}
