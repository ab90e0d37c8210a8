import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Calendar, ChangeEvent, ChangeType } from './calendar';
import { formatUtcStamp } from './date-time';
import type { Faults } from './faults';
import { GraphHttpError, invalidRequest, notFound } from './graph-error';
import { newOpaqueToken, presentId } from './ids';
import type { Mailbox } from './model';
import { etagOf } from './render';

/**
 * Change-notification subscriptions on `users/{id}/events`: the validation handshake (the receiver
 * must echo the token within the timeout, or the subscription is not created), notifications with
 * clientState and resourceData, lifecycle events, expiry, and the maximum lifetime.
 */

export interface SubscriptionOptions {
  now: () => number;
  maxLifetimeMinutes: () => number;
  validationTimeoutMs: () => number;
  /** Real Graph requires https receivers; local test receivers are often plain http. */
  allowHttp: () => boolean;
  /** Further attempts after a receiver answered 5xx or nothing. */
  notificationRetries: () => number;
}

export interface Subscription {
  id: string;
  resource: string;
  applicationId: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationMs: number;
  creatorId: string;
  tenantId: string;
  mailbox: string;
  immutableIds: boolean;
}

/** One POST the emulator made (or chose not to make) to a receiver. */
export interface NotificationRecord {
  at: string;
  subscriptionId: string;
  kind: 'change' | 'lifecycle' | 'validation';
  changeType?: ChangeType;
  lifecycleEvent?: string;
  resourceId?: string;
  url: string;
  /** HTTP status of the receiver, 0 when unreachable; undefined when the fault layer dropped it. */
  status?: number;
  dropped: boolean;
}

export const subscriptionCreateSchema = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  lifecycleNotificationUrl: z.string().optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().max(128).optional(),
  latestSupportedTlsVersion: z.string().optional(),
  includeResourceData: z.boolean().optional(),
});

export const subscriptionPatchSchema = z
  .object({
    expirationDateTime: z.string().optional(),
    notificationUrl: z.string().optional(),
    lifecycleNotificationUrl: z.string().optional(),
  })
  .strict();

const changeTypes = new Set(['created', 'updated', 'deleted']);

export class SubscriptionHub {
  private readonly subs = new Map<string, Subscription>();
  readonly deliveries: NotificationRecord[] = [];
  private readonly held: (() => Promise<void>)[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private pending = 0;
  private closed = false;

  constructor(
    private readonly calendar: Calendar,
    private readonly faults: Faults,
    private readonly opts: SubscriptionOptions
  ) {
    calendar.onChange((c) => this.onChange(c));
  }

  private checkUrl(url: string, field: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidRequest(`Invalid ${field}: '${url}'.`, 'InvalidRequest');
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && this.opts.allowHttp())) {
      throw invalidRequest(`The ${field} must be an https URL.`, 'InvalidRequest');
    }
  }

  private expiry(value: string): number {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw invalidRequest(`Invalid expirationDateTime '${value}'.`, 'InvalidRequest');
    const max = this.opts.maxLifetimeMinutes();
    if (at > this.opts.now() + max * 60_000) {
      throw new GraphHttpError(
        400,
        'ExtensionError',
        `Subscription expiration can only be ${max} minutes in the future.`
      );
    }
    if (at <= this.opts.now()) throw invalidRequest('Subscription expiration must be in the future.', 'InvalidRequest');
    return at;
  }

  private resourceMailbox(resource: string): Mailbox {
    const m = /^\/?users\/([^/]+)\/events$/i.exec(resource.trim());
    if (!m?.[1]) {
      throw invalidRequest(`Resource '${resource}' is not supported; use users/{id}/events.`, 'ExtensionError');
    }
    return this.calendar.mailbox(m[1]);
  }

  async create(
    body: z.infer<typeof subscriptionCreateSchema>,
    app: { tenantId: string; clientId: string },
    immutableIds: boolean
  ) {
    for (const t of body.changeType.split(',')) {
      if (!changeTypes.has(t.trim())) throw invalidRequest(`Invalid changeType '${t}'.`, 'InvalidRequest');
    }
    this.checkUrl(body.notificationUrl, 'notificationUrl');
    if (body.lifecycleNotificationUrl) this.checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    const mailbox = this.resourceMailbox(body.resource);
    const expirationMs = this.expiry(body.expirationDateTime);
    const sub: Subscription = {
      id: randomUUID(),
      resource: body.resource,
      applicationId: app.clientId,
      changeType: body.changeType,
      clientState: body.clientState ?? null,
      notificationUrl: body.notificationUrl,
      lifecycleNotificationUrl: body.lifecycleNotificationUrl ?? null,
      expirationMs,
      creatorId: randomUUID(),
      tenantId: app.tenantId,
      mailbox: mailbox.upn,
      immutableIds,
    };
    await this.validate(sub, sub.notificationUrl);
    if (sub.lifecycleNotificationUrl) await this.validate(sub, sub.lifecycleNotificationUrl);
    this.subs.set(sub.id, sub);
    return sub;
  }

  /** POSTs `?validationToken=…`; the receiver must answer 200 text/plain with the token in time. */
  private async validate(sub: Subscription, url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} ${newOpaqueToken()}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    let ok: boolean;
    let status = 0;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(this.opts.validationTimeoutMs()),
      });
      status = res.status;
      const text = await res.text();
      ok = res.status === 200 && text === token && (res.headers.get('content-type') ?? '').startsWith('text/plain');
    } catch {
      ok = false;
    }
    this.deliveries.push({
      at: new Date().toISOString(),
      subscriptionId: sub.id,
      kind: 'validation',
      url,
      status,
      dropped: false,
    });
    if (!ok) {
      throw invalidRequest(
        'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
        'InvalidRequest'
      );
    }
  }

  private live(id: string): Subscription {
    const sub = this.subs.get(id);
    if (!sub) throw notFound(`The object was not found.`);
    if (sub.expirationMs <= this.opts.now()) {
      this.subs.delete(id);
      throw new GraphHttpError(404, 'ResourceNotFound', `The object was not found.`);
    }
    return sub;
  }

  get(id: string): Subscription {
    return this.live(id);
  }

  list(clientId: string): Subscription[] {
    return [...this.subs.values()].filter((s) => s.applicationId === clientId && s.expirationMs > this.opts.now());
  }

  async update(id: string, patch: z.infer<typeof subscriptionPatchSchema>): Promise<Subscription> {
    const sub = this.live(id);
    if (patch.lifecycleNotificationUrl !== undefined) {
      throw invalidRequest('lifecycleNotificationUrl cannot be updated; create a new subscription.', 'InvalidRequest');
    }
    if (patch.notificationUrl) {
      this.checkUrl(patch.notificationUrl, 'notificationUrl');
      await this.validate(sub, patch.notificationUrl);
      sub.notificationUrl = patch.notificationUrl;
    }
    if (patch.expirationDateTime) sub.expirationMs = this.expiry(patch.expirationDateTime);
    return sub;
  }

  reauthorize(id: string): void {
    this.live(id);
  }

  delete(id: string): void {
    this.live(id);
    this.subs.delete(id);
  }

  render(sub: Subscription): Record<string, unknown> {
    return {
      id: sub.id,
      resource: sub.resource,
      applicationId: sub.applicationId,
      changeType: sub.changeType,
      clientState: sub.clientState,
      notificationUrl: sub.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
      expirationDateTime: formatUtcStamp(sub.expirationMs),
      creatorId: sub.creatorId,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  private onChange(change: ChangeEvent): void {
    for (const sub of this.subs.values()) {
      if (sub.mailbox !== change.mailbox.upn || sub.expirationMs <= this.opts.now()) continue;
      if (
        !sub.changeType
          .split(',')
          .map((t) => t.trim())
          .includes(change.changeType)
      )
        continue;
      const id = presentId(change.id, sub.immutableIds);
      const resource = `Users/${change.mailbox.userId}/Events/${id}`;
      const notification = {
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: formatUtcStamp(sub.expirationMs),
        changeType: change.changeType,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Event',
          '@odata.id': resource,
          '@odata.etag': etagOf(change.changeKey),
          id,
        },
        clientState: sub.clientState,
        tenantId: sub.tenantId,
      };
      const count = this.faults.drawDeliveryCount(sub.id);
      if (count === 0) {
        this.record(sub, 'change', sub.notificationUrl, undefined, { changeType: change.changeType, resourceId: id });
        continue;
      }
      for (let i = 0; i < count; i++) {
        this.schedule(() =>
          this.post(sub, sub.notificationUrl, { value: [notification] }, 'change', {
            changeType: change.changeType,
            resourceId: id,
          })
        );
      }
    }
  }

  /** Sends a lifecycle event (reauthorizationRequired, subscriptionRemoved, missed) to a subscription. */
  async sendLifecycle(
    id: string,
    lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'
  ): Promise<void> {
    const sub = this.subs.get(id);
    if (!sub) throw new Error(`No subscription ${id}`);
    if (lifecycleEvent === 'subscriptionRemoved') this.subs.delete(id);
    const url = sub.lifecycleNotificationUrl;
    if (!url) return;
    await this.post(
      sub,
      url,
      {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: formatUtcStamp(sub.expirationMs),
            tenantId: sub.tenantId,
            clientState: sub.clientState,
            lifecycleEvent,
          },
        ],
      },
      'lifecycle',
      { lifecycleEvent }
    );
  }

  /** Ids of live subscriptions (for tests and the demo). */
  ids(): string[] {
    return [...this.subs.keys()];
  }

  private schedule(send: () => Promise<void>): void {
    const { notificationReorder, notificationReorderWindowMs, notificationDelayMs } = this.faults.settings;
    this.pending += 1;
    const run = () => {
      void (async () => {
        if (notificationDelayMs > 0) await new Promise((r) => setTimeout(r, notificationDelayMs));
        if (!this.closed) await send();
      })().finally(() => {
        this.pending -= 1;
      });
    };
    if (!notificationReorder) {
      setImmediate(run);
      return;
    }
    this.held.push(async () => run());
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = undefined;
      // Deliver what was held in reverse order: later changes arrive first.
      for (const release of this.held.splice(0).reverse()) void release();
    }, notificationReorderWindowMs);
  }

  private async post(
    sub: Subscription,
    url: string,
    payload: unknown,
    kind: 'change' | 'lifecycle',
    detail: Partial<NotificationRecord>
  ): Promise<void> {
    // Graph retries a receiver that fails or does not answer (for up to 4 h); here a few times, quickly.
    for (let attempt = 0; ; attempt++) {
      let status: number;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      this.record(sub, kind, url, status, detail);
      const failed = status === 0 || status >= 500;
      if (!failed || attempt >= this.opts.notificationRetries() || this.closed) return;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }

  private record(
    sub: Subscription,
    kind: 'change' | 'lifecycle',
    url: string,
    status: number | undefined,
    detail: Partial<NotificationRecord>
  ) {
    const record: NotificationRecord = {
      at: new Date().toISOString(),
      subscriptionId: sub.id,
      kind,
      url,
      dropped: status === undefined,
      ...detail,
    };
    if (status !== undefined) record.status = status;
    this.deliveries.push(record);
  }

  /** Waits until every notification that is on its way has been answered. */
  async settle(): Promise<void> {
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 5));
  }

  close(): void {
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.held.length = 0;
    this.pending = 0;
  }
}
