import { GraphError } from '@microsoft/microsoft-graph-client';
import { ZodError } from 'zod';
import { parseRetryAfter, ProviderError } from '../provider-error';

/**
 * Every Graph failure as a ProviderError: Graph's own error code, the HTTP status, whether a
 * retry can help, and the Retry-After delay. Nothing here retries (DESIGN.md §4.9).
 */

/** Statuses worth another attempt: throttling, transient server trouble, write conflicts, no response. */
const retryableStatuses = new Set([0, 408, 409, 429, 500, 502, 503, 504]);
const retryableAuthCodes = new Set([
  'network_error',
  'endpoints_resolution_error',
  'openid_config_error',
  'temporarily_unavailable',
]);

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}

export function toProviderError(err: unknown, operation: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof GraphError) {
    const status = err.statusCode > 0 ? err.statusCode : 0;
    const retryAfter = err.headers?.get('retry-after');
    const code = err.code ?? (status === 0 ? 'NetworkError' : `Http${status}`);
    return new ProviderError({
      provider: 'graph',
      operation,
      status,
      code,
      message: err.message || code,
      // An expired token is re-acquired on the next attempt.
      retryable: retryableStatuses.has(status) || code === 'InvalidAuthenticationToken',
      ...(parseRetryAfter(retryAfter) !== undefined ? { retryAfterMs: parseRetryAfter(retryAfter) } : {}),
      cause: err,
    });
  }
  if (err instanceof ZodError) {
    const fields = err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return new ProviderError({
      provider: 'graph',
      operation,
      status: 200,
      code: 'InvalidResponse',
      message: `Graph answered in an unexpected shape: ${fields}`,
      retryable: false,
      cause: err,
    });
  }
  const authCode = msalErrorCode(err);
  if (authCode) {
    return new ProviderError({
      provider: 'graph',
      operation: `${operation}.token`,
      status: authCode === 'invalid_client' || authCode === 'unauthorized_client' ? 401 : 0,
      code: authCode,
      message: err instanceof Error ? err.message : authCode,
      retryable: retryableAuthCodes.has(authCode),
      cause: err,
    });
  }
  return new ProviderError({
    provider: 'graph',
    operation,
    status: 0,
    code: 'NetworkError',
    message: err instanceof Error ? err.message : String(err),
    retryable: true,
    cause: err,
  });
}

/** MSAL errors carry `errorCode` (e.g. invalid_client, unauthorized_client, network_error). */
function msalErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'errorCode' in err) {
    const code = err.errorCode;
    return typeof code === 'string' && code ? code : undefined;
  }
  return undefined;
}
