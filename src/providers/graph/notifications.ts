import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What Graph POSTs to a webhook receiver: the validation handshake, change notifications and
 * lifecycle events. Notifications are hints (DESIGN.md §4.1): they say which mailbox and item to
 * look at again, nothing more.
 */

/** Graph's handshake: reply 200 text/plain with the decoded token within 10 s. */
export function validationReply(query: Record<string, unknown>): string | undefined {
  const token = query.validationToken;
  return typeof token === 'string' ? token : undefined;
}

const changeSchema = z.looseObject({
  subscriptionId: z.string(),
  subscriptionExpirationDateTime: z.string().nullish(),
  changeType: z.string(),
  resource: z.string(),
  clientState: z.string().nullish(),
  tenantId: z.string().nullish(),
  resourceData: z.looseObject({ id: z.string().nullish() }).nullish(),
});

const lifecycleSchema = z.looseObject({
  subscriptionId: z.string(),
  subscriptionExpirationDateTime: z.string().nullish(),
  clientState: z.string().nullish(),
  tenantId: z.string().nullish(),
  lifecycleEvent: z.string(),
});

export const notificationCollectionSchema = z.object({
  value: z.array(z.union([lifecycleSchema, changeSchema])),
  validationTokens: z.array(z.string()).optional(),
});

export interface ChangeHint {
  subscriptionId: string;
  /** created, updated or deleted. */
  changeType: string;
  /** The user segment of `resource` (a user id GUID or UPN). */
  user: string;
  /** The item id (resourceData.id, else the last resource segment). */
  eventId: string;
  clientStateOk: boolean;
}

export interface LifecycleHint {
  subscriptionId: string;
  /** reauthorizationRequired, subscriptionRemoved or missed. */
  lifecycleEvent: string;
  clientStateOk: boolean;
}

export interface ParsedNotifications {
  changes: ChangeHint[];
  lifecycle: LifecycleHint[];
}

function sameSecret(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Parses a notification POST body. `resource` comes as `Users/{id}/Events/{id}` or
 * `users('{id}')/events('{id}')`, in any case; the item id is taken from resourceData.id when present.
 */
export function parseNotifications(
  body: unknown,
  expectedClientState: (subscriptionId: string) => string | undefined
): ParsedNotifications {
  const parsed = notificationCollectionSchema.parse(body);
  const out: ParsedNotifications = { changes: [], lifecycle: [] };
  for (const item of parsed.value) {
    const expected = expectedClientState(item.subscriptionId);
    const clientStateOk = expected !== undefined && sameSecret(item.clientState, expected);
    if ('lifecycleEvent' in item && typeof item.lifecycleEvent === 'string') {
      out.lifecycle.push({ subscriptionId: item.subscriptionId, lifecycleEvent: item.lifecycleEvent, clientStateOk });
      continue;
    }
    const change = changeSchema.parse(item);
    const m = /^users(?:\/|\(')([^/')]+)(?:'\))?\/events(?:\/|\(')([^/')]+)/i.exec(change.resource);
    const eventId = change.resourceData?.id ?? m?.[2];
    if (!m?.[1] || !eventId) continue;
    out.changes.push({
      subscriptionId: change.subscriptionId,
      changeType: change.changeType,
      user: decodeURIComponent(m[1]),
      eventId,
      clientStateOk,
    });
  }
  return out;
}
