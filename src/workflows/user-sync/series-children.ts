import type { UserSyncInput } from './types';

/**
 * Series are propagated by one child workflow per series (deterministic id, one writer per item).
 * Until the series engine lands, a changed series is left as it is on the other sides.
 */
export async function syncSeries(_input: UserSyncInput, _seriesIds: readonly string[]): Promise<void> {
  return Promise.resolve();
}
