import { type AxiosInstance } from 'axios';
import { type CallGate } from '../call-gate';
import { type CallObserver, observed } from '../call-observer';
import { type NetSuiteAuth } from './auth';
import { netSuiteError, networkError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface NetSuiteRequest {
  /** Names the call in errors, e.g. "calendarEvent.upsert". */
  operation: string;
  method: HttpMethod;
  /** Absolute URL, query string already encoded (TBA signs exactly this string). */
  url: string;
  headers?: Record<string, string>;
  data?: unknown;
}

export interface NetSuiteResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

export interface NetSuiteTransport {
  /** Sends through the account's gate; any status >= 400 becomes a ProviderError. */
  send(request: NetSuiteRequest): Promise<NetSuiteResponse>;
}

/** RFC 3986 encoding (what OAuth 1.0a signs): encodeURIComponent leaves !'()* alone. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function withQuery(url: string, query: Record<string, string | number | boolean | undefined>): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(String(v))}`);
  return pairs.length ? `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}` : url;
}

export function createTransport(deps: {
  http: AxiosInstance;
  auth: NetSuiteAuth;
  gate: CallGate;
  gateKey: string;
  onCall?: CallObserver;
}): NetSuiteTransport {
  const attempt = async (request: NetSuiteRequest): Promise<NetSuiteResponse> => {
    const authorization = await deps.auth.authorize({ method: request.method, url: request.url });
    const response = await deps.http
      .request<unknown>({
        method: request.method,
        url: request.url,
        data: request.data === undefined ? undefined : JSON.stringify(request.data),
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(request.data === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...request.headers,
        },
      })
      .catch((error: unknown) => {
        throw networkError(request.operation, error);
      });
    return { status: response.status, headers: plainHeaders(response.headers), data: response.data };
  };

  return {
    send: (request) =>
      deps.gate.run(deps.gateKey, () =>
        observed(deps.onCall, request.operation, async () => {
          let response = await attempt(request);
          // A bearer token can be revoked or expire early: one fresh assertion, then give up.
          if (response.status === 401 && deps.auth.invalidate()) response = await attempt(request);
          if (response.status >= 400) {
            throw netSuiteError(request.operation, {
              status: response.status,
              body: response.data,
              retryAfter: response.headers['retry-after'],
            });
          }
          return response;
        })
      ),
  };
}

function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}
