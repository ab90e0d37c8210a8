import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Pool } from 'pg';
import { z } from 'zod';
import { type CallGate, inProcessGate } from '../providers/call-gate';
import { ProviderError, type ProviderName } from '../providers/provider-error';

/**
 * A CallGate shared by every worker through PostgreSQL (see docs/adr/0002): per key (a
 * provider endpoint) at most `maxConcurrent` calls in flight, held as leases that expire if a
 * worker dies; per scope (a provider account) at most `budget.requests` calls per rolling window.
 * The tables and the admission function come from migration 0002_provider_gate.
 */
export interface BudgetOptions {
  /** Requests admitted per rolling window in one scope. */
  requests: number;
  windowMs: number;
  /** The scope a key spends from; default: the key without its last ":" segment. */
  scopeOf?: (key: string) => string;
}

export interface PostgresGateOptions {
  pool: Pool;
  /** Named in the errors the gate raises. */
  provider: ProviderName;
  maxConcurrent: number;
  budget?: BudgetOptions;
  /** How long a lease lives without renewal; renewed every third of it while the call runs. */
  leaseMs?: number;
  /**
   * How long `run` may wait for admission. When the budget frees up later than this, `run`
   * refuses at once with a retryable BudgetExhausted error carrying the delay (Temporal retries then).
   */
  maxWaitMs?: number;
  /** Poll interval while all slots are taken. */
  pollMs?: number;
  /** Identifies this worker in lease rows (for operators). */
  holder?: string;
}

const acquireRowSchema = z.object({
  lease_id: z.union([z.string(), z.number()]).nullable(),
  blocked_by: z.enum(['concurrency', 'budget']).nullable(),
  wait_ms: z.union([z.string(), z.number()]).nullable(),
  remaining: z.number().nullable(),
});
const countRowSchema = z.object({ used: z.union([z.string(), z.number()]) });

export function defaultScopeOf(key: string): string {
  const cut = key.lastIndexOf(':');
  return cut > 0 ? key.slice(0, cut) : key;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PostgresCallGate implements CallGate {
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly holder: string;
  private budget: BudgetOptions | undefined;
  /**
   * This process's own calls queue here first, in order, and only as many as the limit ask
   * PostgreSQL: without it every call beyond the limit polled the leases table with back-off,
   * which cost database round trips and up to hundreds of ms after a slot freed.
   */
  private readonly local: CallGate;

  constructor(private readonly options: PostgresGateOptions) {
    this.budget = options.budget;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.pollMs = options.pollMs ?? 50;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.local = inProcessGate(options.maxConcurrent, {
      maxWaitMs: this.maxWaitMs,
      refuse: (key) =>
        this.refusal(key, 'ConcurrencyLimit', this.pollMs * 10, `all ${options.maxConcurrent} slots busy`),
    });
  }

  scopeOf(key: string): string {
    return (this.budget?.scopeOf ?? defaultScopeOf)(key);
  }

  /** Requests admitted per window in each scope from now on (e.g. the provider's own figure). */
  setBudgetRequests(requests: number): void {
    if (!this.budget) throw new Error('this gate has no budget');
    if (!(Number.isInteger(requests) && requests > 0))
      throw new Error(`a budget must be a positive integer, got ${requests}`);
    this.budget = { ...this.budget, requests };
  }

  /** Requests admitted per window in each scope (undefined: no budget). */
  get budgetRequests(): number | undefined {
    return this.budget?.requests;
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.runLeased(key, fn));
  }

  private async runLeased<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const leaseId = await this.acquire(key);
    const renew = setInterval(() => void this.renew(leaseId), Math.max(10, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.release(leaseId);
    }
  }

  /** Requests left in the scope's current window (the budget when nothing was spent). */
  async remaining(scope: string): Promise<number> {
    const budget = this.budget;
    if (!budget) return Number.POSITIVE_INFINITY;
    const result = await this.options.pool.query(
      `SELECT count(*) AS used FROM provider_gate_ledger
        WHERE scope = $1 AND called_at > clock_timestamp() - make_interval(secs => $2::bigint / 1000.0)`,
      [scope, budget.windowMs]
    );
    const row = countRowSchema.parse(result.rows[0]);
    return Math.max(0, budget.requests - Number(row.used));
  }

  private async acquire(key: string): Promise<string> {
    const budget = this.budget;
    const scope = budget ? this.scopeOf(key) : key;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const result = await this.options.pool.query('SELECT * FROM provider_gate_acquire($1, $2, $3, $4, $5, $6, $7)', [
        scope,
        key,
        this.holder,
        this.options.maxConcurrent,
        budget?.requests ?? null,
        budget?.windowMs ?? 0,
        this.leaseMs,
      ]);
      const row = acquireRowSchema.parse(result.rows[0]);
      if (row.lease_id !== null) return String(row.lease_id);
      const waited = Date.now() - started;
      if (row.blocked_by === 'budget') {
        const waitMs = Number(row.wait_ms ?? this.pollMs);
        if (waited + waitMs > this.maxWaitMs)
          throw this.refusal(key, 'BudgetExhausted', waitMs, 'request budget used up');
        await sleep(waitMs);
        continue;
      }
      if (waited >= this.maxWaitMs) {
        throw this.refusal(key, 'ConcurrencyLimit', this.pollMs * 10, `all ${this.options.maxConcurrent} slots busy`);
      }
      // Back off a little with each try, with jitter so waiting workers do not poll in step.
      await sleep(Math.min(this.pollMs * 2 ** Math.min(attempt, 3), 400) * (0.5 + Math.random()));
    }
  }

  private refusal(key: string, code: string, retryAfterMs: number, message: string): ProviderError {
    return new ProviderError({
      provider: this.options.provider,
      operation: `gate ${key}`,
      status: 0,
      code,
      message: `${message} for ${key}`,
      retryable: true,
      retryAfterMs,
    });
  }

  private async renew(leaseId: string): Promise<void> {
    try {
      await this.options.pool.query(
        `UPDATE provider_gate_leases SET expires_at = clock_timestamp() + make_interval(secs => $2::bigint / 1000.0)
          WHERE id = $1`,
        [leaseId, this.leaseMs]
      );
    } catch {
      // A missed renewal only risks the lease expiring early; the next tick tries again.
    }
  }

  private async release(leaseId: string): Promise<void> {
    try {
      await this.options.pool.query('DELETE FROM provider_gate_leases WHERE id = $1', [leaseId]);
    } catch {
      // If the database is unreachable the lease simply expires; the call itself already finished.
    }
  }
}

export interface AutotaskGateOptions {
  pool: Pool;
  /** Autotask's limit per database and rolling hour (shared by every integration). */
  hourlyLimit?: number;
  /** The share of that limit calsync may spend, in percent (default 50). */
  sharePercent?: number;
  /** Autotask's thread limit per endpoint. */
  maxConcurrentPerEndpoint?: number;
  leaseMs?: number;
  maxWaitMs?: number;
  windowMs?: number;
}

/** The gate for AutotaskClient keys (`autotask:<databaseId>:<endpoint>`): budget per database, slots per endpoint. */
export function autotaskGate(options: AutotaskGateOptions): PostgresCallGate {
  const hourlyLimit = options.hourlyLimit ?? 10_000;
  const share = options.sharePercent ?? 50;
  if (!(share > 0 && share <= 100)) throw new Error(`sharePercent must be in (0, 100], got ${share}`);
  return new PostgresCallGate({
    pool: options.pool,
    provider: 'autotask',
    maxConcurrent: options.maxConcurrentPerEndpoint ?? 3,
    budget: { requests: Math.floor((hourlyLimit * share) / 100), windowMs: options.windowMs ?? 3_600_000 },
    leaseMs: options.leaseMs,
    maxWaitMs: options.maxWaitMs,
  });
}
