import type { AutotaskClient } from '../providers/autotask';
import type { PostgresCallGate } from '../store/provider-gate';

/**
 * Autotask documents 10,000 requests per rolling hour and database, but each database reports its
 * own figure in ThresholdInformation (a contract may raise it). The gate's budget becomes the
 * tenant's share of the reported figure; the window stays the documented hour, since the unit of
 * `requestThresholdTimeframe` is not documented. When the read fails the gate keeps its default
 * (the documented figure), which can only be stricter than the truth.
 */
export async function adoptAutotaskThreshold(
  client: Pick<AutotaskClient, 'thresholdInformation'>,
  gate: PostgresCallGate,
  sharePercent: number
): Promise<number | undefined> {
  let threshold: number;
  try {
    threshold = (await client.thresholdInformation()).externalRequestThreshold;
  } catch {
    return undefined;
  }
  const requests = Math.floor((threshold * sharePercent) / 100);
  if (requests < 1) return undefined;
  gate.setBudgetRequests(requests);
  return requests;
}
