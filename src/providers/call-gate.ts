/**
 * A CallGate admits provider calls within the provider's limits (concurrency per endpoint or
 * account, request budgets). Clients take one by injection: tests and single-process runs use the
 * in-process gate; a deployment with several workers uses a gate shared through PostgreSQL.
 */
export interface CallGate {
  /** Runs `fn` once the limit identified by `key` admits it. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Admits everything (for code paths whose limits are enforced elsewhere). */
export const openGate: CallGate = { run: (_key, fn) => fn() };

/**
 * A per-key concurrency limit inside one process: calls beyond the limit wait in order. With
 * `maxWaitMs`, a call that waited that long leaves the queue with the error `refuse` makes.
 */
export function inProcessGate(
  maxConcurrent: number,
  timeout?: { maxWaitMs: number; refuse: (key: string) => Error }
): CallGate {
  const active = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const release = (key: string) => {
    const next = waiting.get(key)?.shift();
    if (next) next();
    else active.set(key, (active.get(key) ?? 1) - 1);
  };
  const admitted = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const queue = waiting.get(key) ?? waiting.set(key, []).get(key)!;
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = timeout
        ? setTimeout(() => {
            queue.splice(queue.indexOf(admit), 1);
            reject(timeout.refuse(key));
          }, timeout.maxWaitMs)
        : undefined;
      queue.push(admit);
    });
  return {
    async run(key, fn) {
      if ((active.get(key) ?? 0) < maxConcurrent) active.set(key, (active.get(key) ?? 0) + 1);
      else await admitted(key);
      try {
        return await fn();
      } finally {
        release(key);
      }
    },
  };
}
