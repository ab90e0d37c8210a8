/**
 * Autotask's two limits: requests per rolling hour per database, and 3 concurrent requests per
 * (integration, endpoint). The emulator rejects rather than queues, as Autotask does.
 */
export class HourlyCounter {
  private readonly stamps: number[] = [];

  constructor(
    readonly limit: number,
    private readonly now: () => Date,
    readonly windowMs: number = 3_600_000
  ) {}

  private prune(): number {
    const now = this.now().getTime();
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - this.windowMs) this.stamps.shift();
    return now;
  }

  /** Counts one request; false (and not counted) when the hour is already full. */
  tryCount(): boolean {
    this.prune();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(this.now().getTime());
    return true;
  }

  current(): number {
    this.prune();
    return this.stamps.length;
  }

  /** Seconds until the oldest counted request leaves the window. */
  secondsUntilFree(): number {
    const now = this.prune();
    const oldest = this.stamps[0];
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}

export class EndpointSemaphore {
  private readonly active = new Map<string, number>();
  /** The highest number of requests seen in flight at once, per key (for tests). */
  readonly peak = new Map<string, number>();

  constructor(readonly slots: number) {}

  tryAcquire(key: string): boolean {
    const inUse = this.active.get(key) ?? 0;
    if (inUse >= this.slots) return false;
    this.active.set(key, inUse + 1);
    this.peak.set(key, Math.max(this.peak.get(key) ?? 0, inUse + 1));
    return true;
  }

  release(key: string): void {
    this.active.set(key, Math.max(0, (this.active.get(key) ?? 1) - 1));
  }

  inUse(key: string): number {
    return this.active.get(key) ?? 0;
  }
}
