/**
 * Injectable faults. Rates are probabilities drawn from a seeded generator, so a failing run can be
 * replayed; the `…Next` counters fail exactly the next N matching requests or notifications.
 */
export interface FaultSettings {
  /** Added to every API request (the concurrency slot is held meanwhile). */
  latencyMs: number;
  /** Share of API requests answered 429 ApplicationThrottled. */
  throttleRate: number;
  /** Share of API requests answered 503 ServiceUnavailable. */
  unavailableRate: number;
  /** Retry-After sent with injected 429/503 and with concurrency throttling. */
  retryAfterSeconds: number;
  notificationDropRate: number;
  notificationDuplicateRate: number;
  /** Hold notifications for `notificationReorderWindowMs` and deliver them in reverse order. */
  notificationReorder: boolean;
  notificationReorderWindowMs: number;
  /** Delay before each notification POST. */
  notificationDelayMs: number;
}

export const defaultFaults: FaultSettings = {
  latencyMs: 0,
  throttleRate: 0,
  unavailableRate: 0,
  retryAfterSeconds: 1,
  notificationDropRate: 0,
  notificationDuplicateRate: 0,
  notificationReorder: false,
  notificationReorderWindowMs: 200,
  notificationDelayMs: 0,
};

interface Pending {
  count: number;
  status: 429 | 503;
  retryAfterSeconds?: number;
  mailbox?: string;
}

export class Faults {
  settings: FaultSettings = { ...defaultFaults };
  private pending: Pending[] = [];
  private notificationFaults: { count: number; kind: 'drop' | 'duplicate'; subscriptionId?: string }[] = [];
  /** Bumped by expireDeltaTokens; tokens issued before it answer 410. */
  deltaEpoch = 0;
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32: small, seedable, good enough for fault draws. */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  set(settings: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  reset(): void {
    this.settings = { ...defaultFaults };
    this.pending = [];
    this.notificationFaults = [];
  }

  /** The next `count` API requests (to `mailbox`, if given) get 429 with Retry-After. */
  throttleNext(count: number, opts: { retryAfterSeconds?: number; mailbox?: string } = {}): void {
    this.pending.push({ count, status: 429, ...opts });
  }

  /** The next `count` API requests (to `mailbox`, if given) get 503. */
  unavailableNext(count: number, opts: { retryAfterSeconds?: number; mailbox?: string } = {}): void {
    this.pending.push({ count, status: 503, ...opts });
  }

  /** Makes every delta token and skip token issued so far answer 410 SyncStateNotFound. */
  expireDeltaTokens(): void {
    this.deltaEpoch += 1;
  }

  /** The next `count` change notifications (of one subscription, if given) are not sent. */
  dropNextNotifications(count: number, subscriptionId?: string): void {
    this.notificationFaults.push({ count, kind: 'drop', ...(subscriptionId ? { subscriptionId } : {}) });
  }

  /** The next `count` change notifications (of one subscription, if given) are sent twice. */
  duplicateNextNotifications(count: number, subscriptionId?: string): void {
    this.notificationFaults.push({ count, kind: 'duplicate', ...(subscriptionId ? { subscriptionId } : {}) });
  }

  /** Decides whether an API request fails, and how. */
  drawRequestFault(mailbox: string | undefined): { status: 429 | 503; retryAfterSeconds: number } | undefined {
    const hit = this.pending.find((p) => p.count > 0 && (!p.mailbox || p.mailbox.toLowerCase() === mailbox));
    if (hit) {
      hit.count -= 1;
      this.pending = this.pending.filter((p) => p.count > 0);
      return { status: hit.status, retryAfterSeconds: hit.retryAfterSeconds ?? this.settings.retryAfterSeconds };
    }
    if (this.settings.throttleRate > 0 && this.random() < this.settings.throttleRate) {
      return { status: 429, retryAfterSeconds: this.settings.retryAfterSeconds };
    }
    if (this.settings.unavailableRate > 0 && this.random() < this.settings.unavailableRate) {
      return { status: 503, retryAfterSeconds: this.settings.retryAfterSeconds };
    }
    return undefined;
  }

  /** How many times to deliver one notification: 0 (dropped), 1, or 2 (duplicated). */
  drawDeliveryCount(subscriptionId: string): number {
    const hit = this.notificationFaults.find(
      (f) => f.count > 0 && (!f.subscriptionId || f.subscriptionId === subscriptionId)
    );
    if (hit) {
      hit.count -= 1;
      this.notificationFaults = this.notificationFaults.filter((f) => f.count > 0);
      return hit.kind === 'drop' ? 0 : 2;
    }
    if (this.settings.notificationDropRate > 0 && this.random() < this.settings.notificationDropRate) return 0;
    if (this.settings.notificationDuplicateRate > 0 && this.random() < this.settings.notificationDuplicateRate)
      return 2;
    return 1;
  }
}
