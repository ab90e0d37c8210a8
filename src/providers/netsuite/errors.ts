import { type z } from 'zod';
import { ProviderError, parseRetryAfter } from '../provider-error';
import { restletErrorSchema } from './restlet-contract';
import { errorEnvelopeSchema, oauthErrorSchema } from './schemas';

/** Codes that name a transient condition even when the status alone would not say so. */
const RETRYABLE_CODES = new Set(['CONCURRENCY_LIMIT_EXCEEDED', 'UNEXPECTED_ERROR', 'SSS_REQUEST_LIMIT_EXCEEDED']);

export interface HttpFailure {
  status: number;
  body: unknown;
  retryAfter?: string | undefined;
}

/** Turns a NetSuite error answer (o:errorDetails envelope, or OAuth 2.0 error) into a ProviderError. */
export function netSuiteError(operation: string, failure: HttpFailure, cause?: unknown): ProviderError {
  const { code, message } = describe(failure);
  const retryable = failure.status === 429 || failure.status >= 500 || RETRYABLE_CODES.has(code);
  return new ProviderError({
    provider: 'netsuite',
    operation,
    status: failure.status,
    code,
    message,
    retryable,
    retryAfterMs: parseRetryAfter(failure.retryAfter),
    cause,
  });
}

/** No response at all (DNS, reset, timeout): worth another attempt. */
export function networkError(operation: string, cause: unknown): ProviderError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ProviderError({
    provider: 'netsuite',
    operation,
    status: 0,
    code: 'NETWORK_ERROR',
    message,
    retryable: true,
    cause,
  });
}

/** A 2xx answer whose body is not what NetSuite documents: retrying will not fix it. */
export function invalidResponse(operation: string, error: z.ZodError, status = 200): ProviderError {
  const message = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
  return new ProviderError({
    provider: 'netsuite',
    operation,
    status,
    code: 'INVALID_RESPONSE',
    message,
    retryable: false,
    cause: error,
  });
}

function describe(failure: HttpFailure): { code: string; message: string } {
  const envelope = errorEnvelopeSchema.safeParse(failure.body);
  if (envelope.success) {
    const details = envelope.data['o:errorDetails'] ?? [];
    const first = details[0];
    const code = first?.['o:errorCode'] ?? envelope.data['o:errorCode'];
    if (code) {
      const message = details
        .map((d) => [d.detail, d['o:errorPath'] && `(at ${d['o:errorPath']})`].filter(Boolean).join(' '))
        .join('; ');
      return { code, message: message || envelope.data.title || `HTTP ${failure.status}` };
    }
  }
  const restlet = restletErrorSchema.safeParse(failure.body);
  if (restlet.success)
    return { code: restlet.data.error.code, message: restlet.data.error.message ?? restlet.data.error.code };
  const oauth = oauthErrorSchema.safeParse(failure.body);
  if (oauth.success) return { code: oauth.data.error, message: oauth.data.error_description ?? oauth.data.error };
  const text = typeof failure.body === 'string' ? failure.body.slice(0, 200) : '';
  return { code: `HTTP_${failure.status}`, message: text || `HTTP ${failure.status}` };
}
