/**
 * Every provider failure becomes a ProviderError: which provider, which call, what the provider
 * said, and whether trying again can help. Activities turn it into a Temporal ApplicationFailure
 * (retryable or not, with Retry-After as nextRetryDelay); nothing else retries (DESIGN.md §4.9).
 */
export type ProviderName = 'graph' | 'netsuite' | 'autotask';

export interface ProviderErrorInit {
  provider: ProviderName;
  /** The operation, e.g. "events.delta" or "calendarEvent.upsert". */
  operation: string;
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  /** The provider's error code, e.g. "ErrorItemNotFound", "CONCURRENCY_LIMIT_EXCEEDED". */
  code: string;
  message: string;
  retryable: boolean;
  /** Delay the provider asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly operation: string;
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: ProviderErrorInit) {
    super(`${init.provider} ${init.operation} failed (${init.status} ${init.code}): ${init.message}`, {
      cause: init.cause,
    });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The error type name Temporal sees (used in retry policies' nonRetryableErrorTypes). */
  get temporalType(): string {
    return `${this.provider}.${this.code}`;
  }
}

/** Parses an HTTP Retry-After header (seconds or HTTP-date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
