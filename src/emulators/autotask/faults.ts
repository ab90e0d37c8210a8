import { EmulatedFailure, MESSAGES } from './fault';

export interface FaultMatch {
  method?: string;
  /** Entity name as in the URL (case-insensitive), e.g. "Appointments". */
  entity?: string;
  pathIncludes?: string;
  /** What the request does, as the request log names it ("create", "query", "update", …). */
  action?: string;
}

interface Rule {
  match: FaultMatch;
  remaining: number;
  failure: () => EmulatedFailure;
}

export interface RequestInfo {
  method: string;
  path: string;
  entity?: string;
  action?: string;
}

/**
 * Fault injection: latency for every request, and one-shot (or n-shot) failures that look like
 * the real ones. Rules apply in the order added, each to the requests it matches.
 */
export class Faults {
  private rules: Rule[] = [];
  /** Added to every API request while it holds its endpoint slot. */
  latencyMs = 0;

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Fails the next `times` matching requests with this status and body. */
  inject(options: {
    status: number;
    body?: unknown;
    errors?: string[];
    headers?: Record<string, string>;
    times?: number;
    match?: FaultMatch;
  }): void {
    const body = options.body ?? { errors: options.errors ?? ['An unexpected error has occurred.'] };
    this.rules.push({
      match: options.match ?? {},
      remaining: options.times ?? 1,
      failure: () => new EmulatedFailure(options.status, body, options.headers ?? {}),
    });
  }

  /** Autotask's thread-limit rejection (Itgenatr005), by default as HTTP 500. */
  threadLimit(times = 1, match: FaultMatch = {}, status = 500): void {
    this.inject({ status, errors: [MESSAGES.threadLimit], times, match });
  }

  /** HTTP 429 with Retry-After in seconds (or an HTTP date, when given a string). */
  rateLimit(times = 1, retryAfter: number | string = 1, match: FaultMatch = {}): void {
    this.inject({
      status: 429,
      errors: [MESSAGES.requestThreshold],
      headers: { 'Retry-After': String(retryAfter) },
      times,
      match,
    });
  }

  /** A transient server failure without an Autotask reason (HTML error page). */
  serverError(times = 1, match: FaultMatch = {}, status = 503): void {
    this.inject({ status, body: '<html><body>Service Unavailable</body></html>', times, match });
  }

  permissionDenied(times = 1, match: FaultMatch = {}): void {
    this.inject({ status: 500, errors: [MESSAGES.permission], times, match });
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** The failure for this request, if a rule takes it. */
  take(request: RequestInfo): EmulatedFailure | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && applies(r.match, request));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.failure();
  }
}

function applies(match: FaultMatch, request: RequestInfo): boolean {
  if (match.method && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (match.entity && match.entity.toLowerCase() !== (request.entity ?? '').toLowerCase()) return false;
  if (match.action && match.action !== request.action) return false;
  if (match.pathIncludes && !request.path.toLowerCase().includes(match.pathIncludes.toLowerCase())) return false;
  return true;
}
