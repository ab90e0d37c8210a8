import { type Link, parseReplicaKey, type ReplicaKey } from './link';

/**
 * Which link a record belongs to. Our own stamp (Graph extended property, NetSuite externalId,
 * Autotask look-up) is the strongest evidence, then the provider id we stored, then the iCalUId
 * that every mailbox's copy of one meeting shares: that is how two synced users' copies map to
 * one NetSuite event instead of two.
 */

export interface RecordIdentity {
  readonly replica: ReplicaKey;
  readonly recordId?: string;
  /** Our item id, stamped on records we wrote. */
  readonly itemId?: string;
  readonly iCalUid?: string;
}

export function findLink(identity: RecordIdentity, links: readonly Link[]): Link | undefined {
  if (identity.itemId !== undefined) {
    const stamped = links.find((l) => l.itemId === identity.itemId);
    if (stamped) return stamped;
  }
  if (identity.recordId !== undefined) {
    const known = links.find((l) => l.replicas[identity.replica]?.recordId === identity.recordId);
    if (known) return known;
  }
  // Only Outlook copies share a meeting's UID across mailboxes.
  if (identity.iCalUid !== undefined && parseReplicaKey(identity.replica).side === 'outlook') {
    return links.find((l) => l.iCalUid !== undefined && l.iCalUid === identity.iCalUid);
  }
  return undefined;
}

/**
 * Groups records first seen in one pull that are copies of one meeting (same iCalUId), so that
 * they start as one link. Records without a UID stay alone. Order is deterministic.
 */
export function groupNewRecords(records: readonly RecordIdentity[]): RecordIdentity[][] {
  const groups = new Map<string, RecordIdentity[]>();
  const singles: RecordIdentity[][] = [];
  for (const record of [...records].sort((a, b) => a.replica.localeCompare(b.replica))) {
    const outlook = parseReplicaKey(record.replica).side === 'outlook';
    if (record.iCalUid === undefined || !outlook) {
      singles.push([record]);
      continue;
    }
    const group = groups.get(record.iCalUid) ?? [];
    group.push(record);
    groups.set(record.iCalUid, group);
  }
  return [...groups.values(), ...singles];
}

/** The key a create is retried under: the same for every attempt and replay of one write. */
export function idempotencyKey(itemId: string, replica: ReplicaKey, occurrenceKey?: string): string {
  return [itemId, occurrenceKey, replica].filter((p) => p !== undefined).join('|');
}
