/**
 * Fault injection: the next matching requests fail the way NetSuite fails (an error envelope with
 * a status and code, a delay, or a dropped connection), so tests can drive retries and failures.
 */
export interface FaultRule {
  method?: string;
  /** Matched against the path after the account prefix, e.g. /services/rest/record/v1/calendarEvent. */
  path?: string | RegExp;
  /** How many requests it hits; default 1. */
  times?: number;
  status?: number;
  code?: string;
  detail?: string;
  retryAfterSeconds?: number;
  /** Answer this body instead of an error envelope (e.g. a 200 whose shape is wrong). */
  body?: unknown;
  /** Wait before answering (or before failing). */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  dropConnection?: boolean;
}

export interface ActiveFault extends FaultRule {
  remaining: number;
}

export interface Faults {
  inject(rule: FaultRule): void;
  clear(): void;
  /** The first rule that matches, with its use counted. */
  take(method: string, path: string): ActiveFault | undefined;
}

export function createFaults(): Faults {
  let rules: ActiveFault[] = [];
  return {
    inject: (rule) => void rules.push({ ...rule, remaining: rule.times ?? 1 }),
    clear: () => void (rules = []),
    take(method, path) {
      const rule = rules.find(
        (r) =>
          (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
          (!r.path ||
            (typeof r.path === 'string' ? path.toLowerCase().startsWith(r.path.toLowerCase()) : r.path.test(path)))
      );
      if (!rule) return undefined;
      rule.remaining -= 1;
      if (rule.remaining <= 0) rules = rules.filter((r) => r !== rule);
      return rule;
    },
  };
}
