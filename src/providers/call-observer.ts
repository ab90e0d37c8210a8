import { ProviderError } from './provider-error';

/**
 * Hears about every provider call a client makes: the operation (e.g. `events.delta`) and its
 * outcome, `ok` or the provider error code. The worker feeds it to Prometheus; providers stay free
 * of metrics code.
 */
export type CallObserver = (operation: string, outcome: string) => void;

/** Runs one call and tells `observer` how it ended; the result or error passes through unchanged. */
export async function observed<T>(
  observer: CallObserver | undefined,
  operation: string,
  fn: () => Promise<T>
): Promise<T> {
  if (!observer) return fn();
  try {
    const result = await fn();
    observer(operation, 'ok');
    return result;
  } catch (err) {
    observer(operation, err instanceof ProviderError ? err.code : 'error');
    throw err;
  }
}
