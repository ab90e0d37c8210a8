/**
 * Polls `probe` until it succeeds, with a short growing backoff, until `timeoutMs`. Used for
 * readiness: each attempt asks the real service, so there is no fixed sleep that hopes it is ready.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T>,
  options: { timeoutMs: number; abort?: () => Error | undefined }
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 50;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    try {
      return await probe();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} was not ready after ${options.timeoutMs} ms: ${(lastError as Error)?.message ?? lastError}`
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
}
