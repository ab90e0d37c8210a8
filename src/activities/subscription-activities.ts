import { randomBytes } from 'node:crypto';
import { webhookUrls } from '../api/webhook-urls';
import { WebhookSubscriptionStore } from '../store/webhook-subscriptions';
import type { ActivityContext, UserRef } from './context';

export interface SubscriptionState {
  /** False when calsync has no public URL for Graph to call (then the sync polls). */
  enabled: boolean;
  id?: string;
  /** ISO instant. */
  expiresAt?: string;
}

export interface EnsureSubscriptionInput extends UserRef {
  /** Renew when it expires within this many milliseconds. */
  renewWithinMs: number;
  /** Graph said the subscription is gone (lifecycle subscriptionRemoved): make a new one. */
  recreate?: boolean;
  /** Graph asked for reauthorization (lifecycle reauthorizationRequired). */
  reauthorize?: boolean;
}

/**
 * Keeps one Graph change subscription per user (DESIGN.md §5): created with a fresh clientState
 * (only its hash is stored, for the webhook to check), renewed before it expires, re-created when
 * Graph removes it. Notifications are hints; the workflow still polls as a fallback.
 */
export async function ensureSubscription(
  ctx: ActivityContext,
  input: EnsureSubscriptionInput
): Promise<SubscriptionState> {
  if (!ctx.publicBaseUrl) return { enabled: false };
  const { user, tenant } = await ctx.loadUser(input);
  const graph = (await ctx.connectors.forTenant(tenant.id)).graph;
  if (!graph) return { enabled: false };
  const store = new WebhookSubscriptionStore(ctx.pool);
  const now = ctx.now().getTime();
  const existing = (await store.forUser(user.id)).sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())[0];

  if (existing && !input.recreate) {
    if (input.reauthorize) await graph.reauthorizeSubscription(existing.id);
    if (existing.expiresAt.getTime() - now > input.renewWithinMs && !input.reauthorize) {
      return { enabled: true, id: existing.id, expiresAt: existing.expiresAt.toISOString() };
    }
    const renewed = await graph.renewSubscription(existing.id).catch(() => undefined);
    if (renewed) {
      const expiresAt = new Date(renewed.expirationDateTime);
      await store.extend(existing.id, expiresAt);
      return { enabled: true, id: existing.id, expiresAt: expiresAt.toISOString() };
    }
  }
  for (const old of await store.forUser(user.id)) {
    await graph.deleteSubscription(old.id).catch(() => false);
    await store.remove(old.id);
  }
  const urls = webhookUrls(ctx.publicBaseUrl, tenant.id);
  const clientState = randomBytes(32).toString('base64url');
  const created = await graph.createSubscription({
    mailbox: user.mailbox,
    notificationUrl: urls.graphNotificationUrl,
    lifecycleNotificationUrl: urls.graphLifecycleUrl,
    clientState,
  });
  const expiresAt = new Date(created.expirationDateTime);
  await store.register({ id: created.id, tenantId: tenant.id, userId: user.id, expiresAt, clientState });
  return { enabled: true, id: created.id, expiresAt: expiresAt.toISOString() };
}

/** Deletes the user's subscriptions (graceful stop). */
export async function removeSubscriptions(ctx: ActivityContext, input: UserRef): Promise<number> {
  const store = new WebhookSubscriptionStore(ctx.pool);
  const subscriptions = await store.forUser(input.userId);
  const graph = (await ctx.connectors.forTenant(input.tenantId)).graph;
  for (const subscription of subscriptions) {
    if (graph) await graph.deleteSubscription(subscription.id);
    await store.remove(subscription.id);
  }
  return subscriptions.length;
}
