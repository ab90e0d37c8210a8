import { z } from 'zod';
import { itemKindSchema, type Side, sideSchema } from './canonical-event';
import { type Projection, projectionSchema } from './projection';

/**
 * A link: one item as it exists on each side, with the last projection we saw or wrote there.
 * A replica is one record on one side: one Outlook copy per synced mailbox, one NetSuite event
 * per meeting, one Autotask appointment per resource.
 */

/** `outlook:<userId>`, `netsuite`, `autotask:<userId>`. */
export type ReplicaKey = string;

export function replicaKey(side: Side, userId?: string): ReplicaKey {
  return side === 'netsuite' || userId === undefined ? side : `${side}:${userId}`;
}

export function parseReplicaKey(key: ReplicaKey): { side: Side; userId?: string } {
  const colon = key.indexOf(':');
  const side = sideSchema.parse(colon < 0 ? key : key.slice(0, colon));
  return colon < 0 ? { side } : { side, userId: key.slice(colon + 1) };
}

export const linkReplicaSchema = z.object({
  side: sideSchema,
  userId: z.string().optional(),
  /** The provider's id, once known. */
  recordId: z.string().optional(),
  /** Last projection we saw or wrote; null until the first sync. */
  base: projectionSchema.nullable(),
  /** Provider version (changeKey, lastModifiedDate, updateDateTime) of the base, for audit. */
  version: z.string().optional(),
  /** Kept aside, not deleted: the item left the connector's selection (e.g. its category was removed). */
  detached: z.literal('not-selected').optional(),
});
export type LinkReplica = z.infer<typeof linkReplicaSchema>;

export const linkSchema = z.object({
  /** Our stable id for the item; idempotency keys derive from it. */
  itemId: z.string().min(1),
  kind: itemKindSchema,
  /** The replica the item was first seen on. */
  origin: z.string().optional(),
  /** RFC 5545 UID shared by every mailbox's copy of a meeting. */
  iCalUid: z.string().optional(),
  /** For an occurrence link: the series' item id and this occurrence's original start. */
  seriesItemId: z.string().optional(),
  occurrenceKey: z.string().optional(),
  replicas: z.record(z.string(), linkReplicaSchema),
});
export type Link = z.infer<typeof linkSchema>;

export function parseLink(input: unknown): Link {
  return linkSchema.parse(input);
}

/** What a pull saw of one replica this round. A replica absent from the map was not read. */
export type Observation =
  | {
      readonly state: 'present';
      readonly projection: Projection;
      readonly recordId?: string;
      /** Provider's last-modified instant: decides "later modification wins". */
      readonly modifiedAt?: string;
      readonly version?: string;
    }
  /** Confirmed gone (a GET returned 404), not merely missing from a delta. */
  | { readonly state: 'deleted' }
  /** Reported removed but not read: it left the sync window. Never treated as a delete. */
  | { readonly state: 'outside-window' };

export type Observations = Readonly<Record<ReplicaKey, Observation>>;

/** An empty link for an item first seen on `origin`. */
export function newLink(itemId: string, kind: Link['kind'], origin: ReplicaKey, iCalUid?: string): Link {
  return { itemId, kind, origin, replicas: {}, ...(iCalUid !== undefined ? { iCalUid } : {}) };
}
