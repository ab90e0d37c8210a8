import { createHash } from 'node:crypto';
import { ProviderError } from '../provider-error';
import {
  identityExpand,
  identityFilter,
  identityWrites,
  readIdentity,
  type GraphIdentity,
  type IdentityKey,
} from './extended-properties';
import { eventPageSchema, identifiedEventSchema, type IdentifiedGraphEvent } from './schemas';
import { eventPath, userPath, type GraphTransport } from './transport';
import type { GraphEventWrite } from './write-types';

/**
 * Single events and series masters: read (with our identity), find by identity, idempotent
 * create, patch, delete, and the attendee's responses.
 */

export interface IdentifiedEvent {
  event: IdentifiedGraphEvent;
  identity: GraphIdentity;
}

/**
 * The transactionId for creating `itemId` in a mailbox: the same every time the same create is
 * retried, so Graph refuses a second copy. `revision` lets a deliberate re-create (after the first
 * copy was deleted) use a fresh one.
 */
export function transactionIdFor(namespace: string, mailbox: string, itemId: string, revision = 0): string {
  const hex = createHash('sha256').update(`${namespace}|${mailbox.toLowerCase()}|${itemId}|${revision}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

export async function getEvent(transport: GraphTransport, mailbox: string, id: string): Promise<IdentifiedEvent> {
  const ns = transport.options.propertyNamespace;
  const expand = encodeURIComponent(identityExpand(ns));
  const event = await transport.call(mailbox, 'events.get', async (client) =>
    identifiedEventSchema.parse(await client.api(`${eventPath(mailbox, id)}?$expand=${expand}`).get())
  );
  return { event, identity: readIdentity(event, ns) };
}

/** Like getEvent, but undefined when the item does not exist (404): the delete confirmation. */
export async function findEvent(
  transport: GraphTransport,
  mailbox: string,
  id: string
): Promise<IdentifiedEvent | undefined> {
  try {
    return await getEvent(transport, mailbox, id);
  } catch (err) {
    if (err instanceof ProviderError && err.status === 404) return undefined;
    throw err;
  }
}

/** Singles and series masters whose identity property `key` equals `value`. */
export async function findByIdentity(
  transport: GraphTransport,
  mailbox: string,
  key: IdentityKey,
  value: string
): Promise<IdentifiedEvent[]> {
  const ns = transport.options.propertyNamespace;
  const filter = encodeURIComponent(identityFilter(ns, key, value));
  const expand = encodeURIComponent(identityExpand(ns));
  const out: IdentifiedEvent[] = [];
  let url: string | undefined = `${userPath(mailbox)}/events?$filter=${filter}&$expand=${expand}`;
  while (url) {
    const pageUrl: string = url;
    const page = await transport.call(mailbox, 'events.findByIdentity', async (client) =>
      eventPageSchema.parse(await client.api(pageUrl).get())
    );
    for (const raw of page.value) {
      const event = identifiedEventSchema.parse(raw);
      out.push({ event, identity: readIdentity(event, ns) });
    }
    url = page['@odata.nextLink'];
  }
  return out;
}

export interface CreateResult extends IdentifiedEvent {
  /** False when an earlier attempt had already created it (found by transactionId, then identity). */
  created: boolean;
}

/**
 * Creates an event stamped with our identity and a deterministic transactionId. A replayed create
 * meets ErrorDuplicateTransactionId; then the earlier copy is looked up by our item id instead.
 */
export async function createEvent(
  transport: GraphTransport,
  mailbox: string,
  body: GraphEventWrite,
  identity: GraphIdentity & { itemId: string },
  opts: { revision?: number } = {}
): Promise<CreateResult> {
  const ns = transport.options.propertyNamespace;
  const payload: GraphEventWrite = {
    ...body,
    transactionId: transactionIdFor(ns, mailbox, identity.itemId, opts.revision),
    singleValueExtendedProperties: [...(body.singleValueExtendedProperties ?? []), ...identityWrites(ns, identity)],
  };
  try {
    const event = await transport.call(mailbox, 'events.create', async (client) =>
      identifiedEventSchema.parse(await client.api(`${userPath(mailbox)}/events`).post(payload))
    );
    return { event, identity: { ...identity }, created: true };
  } catch (err) {
    if (!(err instanceof ProviderError) || err.code !== 'ErrorDuplicateTransactionId') throw err;
    const [existing] = await findByIdentity(transport, mailbox, 'itemId', identity.itemId);
    if (!existing) throw err;
    return { ...existing, created: false };
  }
}

/** PATCH with only the changed properties; `identity` (optional) stamps or updates our ids. */
export async function updateEvent(
  transport: GraphTransport,
  mailbox: string,
  id: string,
  patch: GraphEventWrite,
  identity?: GraphIdentity
): Promise<IdentifiedGraphEvent> {
  const ns = transport.options.propertyNamespace;
  const body: GraphEventWrite = { ...patch };
  if (identity)
    body.singleValueExtendedProperties = [
      ...(patch.singleValueExtendedProperties ?? []),
      ...identityWrites(ns, identity),
    ];
  return transport.call(mailbox, 'events.update', async (client) =>
    identifiedEventSchema.parse(await client.api(eventPath(mailbox, id)).patch(body))
  );
}

/** Deletes an event, occurrence or series; false when it was already gone (a replay). */
export async function deleteEvent(transport: GraphTransport, mailbox: string, id: string): Promise<boolean> {
  try {
    await transport.call(mailbox, 'events.delete', async (client) => {
      await client.api(eventPath(mailbox, id)).delete();
    });
    return true;
  } catch (err) {
    if (err instanceof ProviderError && err.status === 404) return false;
    throw err;
  }
}

export type Rsvp = 'accept' | 'tentativelyAccept' | 'decline';

export async function respondToEvent(
  transport: GraphTransport,
  mailbox: string,
  id: string,
  response: Rsvp,
  opts: { comment?: string; sendResponse?: boolean } = {}
): Promise<void> {
  const body: { comment?: string; sendResponse: boolean } = { sendResponse: opts.sendResponse ?? true };
  if (opts.comment) body.comment = opts.comment;
  await transport.call(mailbox, `events.${response}`, async (client) => {
    await client.api(`${eventPath(mailbox, id)}/${response}`).post(body);
  });
}
