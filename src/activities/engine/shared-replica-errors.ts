import { ProviderError, type ProviderName } from '../../providers/provider-error';

/**
 * A write an adapter refuses on purpose (it would email people, or the record is read-only on
 * that side). Not retryable: Temporal ends the activity with an audited failure, not a hot loop.
 */
export function refusedWrite(provider: ProviderName, operation: string, code: string, message: string): ProviderError {
  return new ProviderError({ provider, operation, status: 0, code, message, retryable: false });
}

/** ISO-8601 UTC with milliseconds, or undefined when the provider sent nothing parseable. */
export function isoInstant(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
