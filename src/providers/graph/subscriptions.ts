import { ProviderError } from '../provider-error';
import { subscriptionSchema, type GraphSubscription } from './schemas';
import { userPath, type GraphTransport } from './transport';

/**
 * Change-notification subscriptions on a mailbox's events. Lifetimes stay under the 4,230 minutes
 * Graph has enforced for events (newer docs say 10,080); renew about daily.
 */

export const maxSubscriptionMinutes = 4230;
const subscriptionsKey = '~subscriptions';

export interface CreateSubscriptionInput {
  mailbox: string;
  notificationUrl: string;
  /** Can only be set at creation (Graph refuses it in PATCH). */
  lifecycleNotificationUrl?: string;
  /** Sent back with every notification; verify it (≤ 128 characters). */
  clientState: string;
  changeType?: string;
  /** Default and maximum: 4230. */
  lifetimeMinutes?: number;
}

const expiry = (minutes: number | undefined, now: number) =>
  new Date(now + Math.min(minutes ?? maxSubscriptionMinutes, maxSubscriptionMinutes) * 60_000).toISOString();

export async function createSubscription(
  transport: GraphTransport,
  input: CreateSubscriptionInput,
  now: () => number = Date.now
): Promise<GraphSubscription> {
  const body: Record<string, unknown> = {
    changeType: input.changeType ?? 'created,updated,deleted',
    notificationUrl: input.notificationUrl,
    resource: `${userPath(input.mailbox).slice(1)}/events`,
    expirationDateTime: expiry(input.lifetimeMinutes, now()),
    clientState: input.clientState,
  };
  if (input.lifecycleNotificationUrl) body.lifecycleNotificationUrl = input.lifecycleNotificationUrl;
  return transport.call(input.mailbox, 'subscriptions.create', async (client) =>
    subscriptionSchema.parse(await client.api('/subscriptions').post(body))
  );
}

export async function renewSubscription(
  transport: GraphTransport,
  id: string,
  lifetimeMinutes?: number,
  now: () => number = Date.now
): Promise<GraphSubscription> {
  return transport.call(subscriptionsKey, 'subscriptions.renew', async (client) =>
    subscriptionSchema.parse(
      await client
        .api(`/subscriptions/${encodeURIComponent(id)}`)
        .patch({ expirationDateTime: expiry(lifetimeMinutes, now()) })
    )
  );
}

/** Answers a `reauthorizationRequired` lifecycle event. */
export async function reauthorizeSubscription(transport: GraphTransport, id: string): Promise<void> {
  await transport.call(subscriptionsKey, 'subscriptions.reauthorize', async (client) => {
    await client.api(`/subscriptions/${encodeURIComponent(id)}/reauthorize`).post({});
  });
}

export async function getSubscription(transport: GraphTransport, id: string): Promise<GraphSubscription | undefined> {
  try {
    return await transport.call(subscriptionsKey, 'subscriptions.get', async (client) =>
      subscriptionSchema.parse(await client.api(`/subscriptions/${encodeURIComponent(id)}`).get())
    );
  } catch (err) {
    if (err instanceof ProviderError && err.status === 404) return undefined;
    throw err;
  }
}

/** False when it was already gone (expired or removed). */
export async function deleteSubscription(transport: GraphTransport, id: string): Promise<boolean> {
  try {
    await transport.call(subscriptionsKey, 'subscriptions.delete', async (client) => {
      await client.api(`/subscriptions/${encodeURIComponent(id)}`).delete();
    });
    return true;
  } catch (err) {
    if (err instanceof ProviderError && err.status === 404) return false;
    throw err;
  }
}
