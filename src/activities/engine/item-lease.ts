import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Link, parseReplicaKey } from '../../domain/link';
import type { WriteAction } from '../../domain/plan-action';
import type { Projection } from '../../domain/projection';
import type { ItemStore, StoredItem } from '../../store/items';
import type { ReplicaOwner } from './replica-io';

/** Long enough for a plan's writes through provider gates; a crashed holder blocks no longer. */
export const LEASE_TERM_MS = 120_000;
/** How long a writer waits for another's lease before its activity fails and is retried. */
const MAX_WAIT_MS = 30_000;
const POLL_MS = 100;

export class ItemBusyError extends Error {
  override name = 'ItemBusyError';
  constructor(readonly itemId: string) {
    super(`item ${itemId} is being written by another user's sync; retrying later`);
  }
}

/** What tells whether an item is shared: its links (stored, planned), read projections and writes. */
export interface ItemParts {
  links?: readonly (Link | null | undefined)[];
  projections?: readonly (Projection | null | undefined)[];
  writes?: readonly WriteAction[];
}

/**
 * Whether another synced user's workflow may write this item at the same time: a link or write
 * names a replica of another user, or the meeting names another synced user as organiser or
 * attendee (they may be joining it this very moment). Other items have one writer already, the
 * user's workflow, and take no lease.
 */
export function sharedWithOthers(parts: ItemParts, userId: string, owners: ReadonlyMap<string, ReplicaOwner>): boolean {
  const other = (u: string | undefined) => u !== undefined && u !== userId;
  const userOf = mailboxIndex(owners);
  const namesOther = (p: Projection | null | undefined) =>
    [p?.fields.organizer ?? undefined, ...(p?.fields.attendees ?? []).map((a) => a.email)].some(
      (email) => email !== undefined && other(userOf.get(email.trim().toLowerCase()))
    );
  const links = (parts.links ?? []).filter((l): l is Link => !!l);
  return (
    links.some((l) =>
      Object.entries(l.replicas).some(([key, r]) => other(parseReplicaKey(key).userId) || namesOther(r.base))
    ) ||
    (parts.writes ?? []).some((w) => other(w.userId)) ||
    (parts.projections ?? []).some(namesOther)
  );
}

/** Synced users by mailbox, built once per owner map: a tenant may have 10,000 users, read per record. */
const mailboxIndexes = new WeakMap<ReadonlyMap<string, ReplicaOwner>, Map<string, string>>();
function mailboxIndex(owners: ReadonlyMap<string, ReplicaOwner>): Map<string, string> {
  let index = mailboxIndexes.get(owners);
  if (!index) {
    index = new Map([...owners].map(([id, owner]) => [owner.mailbox.trim().toLowerCase(), id]));
    mailboxIndexes.set(owners, index);
  }
  return index;
}

/** The lease was not granted: another writer saved since the plan's reads, and nothing was written. */
export const STALE = Symbol('stale');

/**
 * Runs `work` (a plan's writes and its save) under the item's lease when `shared`, else as is.
 * `work` ends the lease by its save (passing the holder) and answers something; when it answers
 * undefined or throws, the lease is released here.
 */
export async function underItemLease<T>(
  items: ItemStore,
  tenantId: string,
  stored: StoredItem,
  shared: boolean,
  work: (leaseHolder: string | undefined) => Promise<T | undefined>
): Promise<T | undefined | typeof STALE> {
  const holder = shared ? randomUUID() : undefined;
  if (holder && (await takeItemLease(items, tenantId, stored, holder)) === 'stale') return STALE;
  let result: T | undefined;
  try {
    result = await work(holder);
  } finally {
    if (holder && result === undefined) await items.release(tenantId, stored.link.itemId, holder);
  }
  return result;
}

/** Takes the item's write lease, waiting while another writer holds it. */
async function takeItemLease(
  items: ItemStore,
  tenantId: string,
  stored: StoredItem,
  holder: string
): Promise<'held' | 'stale'> {
  const deadline = Date.now() + MAX_WAIT_MS;
  for (;;) {
    const outcome = await items.lease(tenantId, stored.link.itemId, stored.version, holder, LEASE_TERM_MS);
    if (outcome.state !== 'busy') return outcome.state;
    if (Date.now() >= deadline) throw new ItemBusyError(stored.link.itemId);
    await sleep(Math.max(10, Math.min(POLL_MS, outcome.waitMs)));
  }
}
