import { ProviderError, parseRetryAfter } from '../provider-error';
import { errorsBodySchema, messageBodySchema } from './models';

/**
 * Autotask answers many client errors with HTTP 500 and `{"errors": [...]}`, so the status alone
 * says little: we read the messages. Anything a retry cannot fix is non-retryable (Temporal then
 * fails the activity instead of looping); limits and transient faults are retryable, with the
 * delay the server asked for when it gave one.
 */
export const AutotaskErrorCode = {
  AuthenticationFailed: 'AuthenticationFailed',
  ZoneUnknown: 'ZoneUnknown',
  PermissionDenied: 'PermissionDenied',
  NotFound: 'NotFound',
  InvalidRequest: 'InvalidRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  ThreadLimit: 'ThreadLimit',
  RateLimited: 'RateLimited',
  BudgetExhausted: 'BudgetExhausted',
  ServerError: 'ServerError',
  NetworkError: 'NetworkError',
  InvalidResponse: 'InvalidResponse',
} as const;
export type AutotaskErrorCode = (typeof AutotaskErrorCode)[keyof typeof AutotaskErrorCode];

/** When Autotask rejects for the thread limit without saying how long to wait. */
export const DEFAULT_THREAD_LIMIT_RETRY_MS = 1_000;
/** When the hourly threshold is hit without a Retry-After: try again in a minute. */
export const DEFAULT_THRESHOLD_RETRY_MS = 60_000;

interface Rule {
  code: AutotaskErrorCode;
  retryable: boolean;
  test: RegExp;
}

// Order matters: the first matching rule wins (the thread-limit text mentions "threshold" too).
const MESSAGE_RULES: readonly Rule[] = [
  { code: 'ThreadLimit', retryable: true, test: /itgenatr005|thread threshold|thread limit/i },
  { code: 'RateLimited', retryable: true, test: /request threshold|rate limit|too many requests|api access.*suspend/i },
  { code: 'ZoneUnknown', retryable: false, test: /zone information could not be determined/i },
  {
    code: 'AuthenticationFailed',
    retryable: false,
    test: /integrationcode is invalid|integration code|unauthori[sz]ed|user ?name or password|invalid (credentials|user|secret)|authentication|not valid in this zone/i,
  },
  { code: 'NotFound', retryable: false, test: /no matching records found|does not exist|not found/i },
  { code: 'PermissionDenied', retryable: false, test: /permission|not authori[sz]ed|access denied|security level/i },
  {
    code: 'InvalidRequest',
    retryable: false,
    test: /filter|field|invalid|required|does not reference|not a valid|cannot be|must be|is not supported|exceed|too long|maximum|malformed/i,
  },
  {
    code: 'ServerError',
    retryable: true,
    test: /timeout|timed out|temporar|try again|deadlock|unavailable|unexpected error/i,
  },
];

export interface HttpFailure {
  operation: string;
  status: number;
  body: unknown;
  headers: Record<string, string | undefined>;
  now?: number;
}

/** The messages of an Autotask error body, or [] when the body is not one. */
export function errorMessages(body: unknown): string[] {
  const errors = errorsBodySchema.safeParse(body);
  if (errors.success) return errors.data.errors;
  const message = messageBodySchema.safeParse(body);
  if (message.success) return [message.data.Message];
  return typeof body === 'string' && body.trim() !== '' ? [body.trim().slice(0, 500)] : [];
}

export function classifyHttpFailure(failure: HttpFailure): ProviderError {
  const messages = errorMessages(failure.body);
  const message = messages.join(' | ') || `HTTP ${failure.status}`;
  const retryAfterMs = parseRetryAfter(failure.headers['retry-after'], failure.now);
  const make = (code: AutotaskErrorCode, retryable: boolean, retryAfter?: number) =>
    new ProviderError({
      provider: 'autotask',
      operation: failure.operation,
      status: failure.status,
      code,
      message,
      retryable,
      retryAfterMs: retryable ? retryAfter : undefined,
    });

  const byMessage = MESSAGE_RULES.find((rule) => messages.some((m) => rule.test.test(m)));
  if (byMessage?.code === 'ThreadLimit')
    return make('ThreadLimit', true, retryAfterMs ?? DEFAULT_THREAD_LIMIT_RETRY_MS);
  if (failure.status === 429 || byMessage?.code === 'RateLimited') {
    return make('RateLimited', true, retryAfterMs ?? DEFAULT_THRESHOLD_RETRY_MS);
  }
  switch (failure.status) {
    case 401:
      return make('AuthenticationFailed', false);
    case 403:
      return make('PermissionDenied', false);
    case 404:
      return make('NotFound', false);
    case 405:
      return make('MethodNotAllowed', false);
    case 400:
    case 409:
    case 413:
    case 422:
      return make(byMessage && !byMessage.retryable ? byMessage.code : 'InvalidRequest', false);
  }
  if (byMessage) return make(byMessage.code, byMessage.retryable, retryAfterMs);
  if (failure.status >= 500 && messages.length > 0 && isErrorsBody(failure.body)) {
    // Autotask explained itself in an errors body we do not recognise: a 500 with a reason is
    // almost always a rejected request, and retrying it would only burn the hourly budget.
    return make('InvalidRequest', false);
  }
  if (failure.status >= 500 || failure.status === 408) return make('ServerError', true, retryAfterMs);
  return make('InvalidRequest', false);
}

function isErrorsBody(body: unknown): boolean {
  return errorsBodySchema.safeParse(body).success;
}

/** No response at all: refused, reset, DNS, timeout. Always worth another try. */
export function networkFailure(operation: string, cause: unknown): ProviderError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ProviderError({
    provider: 'autotask',
    operation,
    status: 0,
    code: 'NetworkError',
    message: detail,
    retryable: true,
    cause,
  });
}

/** A response that does not have the shape Autotask documents. */
export function invalidResponse(operation: string, status: number, detail: string, cause?: unknown): ProviderError {
  return new ProviderError({
    provider: 'autotask',
    operation,
    status,
    code: 'InvalidResponse',
    message: detail,
    retryable: false,
    cause,
  });
}

export function isAutotaskError(err: unknown, code?: AutotaskErrorCode): err is ProviderError {
  return err instanceof ProviderError && err.provider === 'autotask' && (code === undefined || err.code === code);
}

/** A request we refuse to send (our own mistake, caught before it costs a call): never retryable. */
export function invalidRequest(operation: string, detail: string, cause?: unknown): ProviderError {
  return new ProviderError({
    provider: 'autotask',
    operation,
    status: 0,
    code: 'InvalidRequest',
    message: detail,
    retryable: false,
    cause,
  });
}
