import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { inProcessGate, type CallGate } from '../call-gate';
import { type CallObserver, observed } from '../call-observer';
import type { AccessTokenSource } from './auth';
import { toProviderError } from './errors';
import type { ResolvedGraphOptions } from './options';

/**
 * The SDK client with a chain we build ourselves: authentication, our Prefer headers, fetch.
 * The SDK's RetryHandler (which also retries POSTs) and RedirectHandler are deliberately absent:
 * Temporal is the one retry layer (DESIGN.md §4.9).
 */

/** Immutable ids on every request; UTC times in every response (PATCH/POST return events too). */
const requiredPreferences = ['IdType="ImmutableId"', 'outlook.timezone="UTC"'];

class PreferHeaders implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    context.options ??= {};
    const headers = context.options.headers;
    const current = headers instanceof Headers ? headers.get('Prefer') : headerOf(headers, 'Prefer');
    const parts = (current ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    for (const pref of requiredPreferences) {
      const key = pref.split('=')[0]?.toLowerCase() ?? '';
      if (!parts.some((p) => p.toLowerCase().startsWith(`${key}=`))) parts.push(pref);
    }
    if (headers instanceof Headers) headers.set('Prefer', parts.join(', '));
    else context.options.headers = { ...withoutHeader(headers, 'Prefer'), Prefer: parts.join(', ') };
    if (!this.next) throw new Error('PreferHeaders must not be the last middleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

type HeaderBag = Record<string, string> | undefined;

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const entry = Object.entries(headers as Record<string, unknown>).find(
    ([k]) => k.toLowerCase() === name.toLowerCase()
  );
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function withoutHeader(headers: unknown, name: string): HeaderBag {
  if (!headers || typeof headers !== 'object') return {};
  return Object.fromEntries(
    Object.entries(headers as Record<string, string>).filter(([k]) => k.toLowerCase() !== name.toLowerCase())
  );
}

export interface GraphTransport {
  readonly options: ResolvedGraphOptions;
  /**
   * Runs one Graph call for a mailbox inside the mailbox's gate; every failure comes out as a
   * ProviderError naming `operation`.
   */
  call<T>(mailbox: string, operation: string, fn: (client: Client) => Promise<T>): Promise<T>;
}

export function createTransport(
  options: ResolvedGraphOptions,
  tokens: AccessTokenSource,
  gate?: CallGate,
  onCall?: CallObserver
): GraphTransport {
  const base = new URL(options.graphBaseUrl);
  const version = base.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  const client = Client.initWithMiddleware({
    baseUrl: `${base.origin}/`,
    defaultVersion: version,
    // The SDK only attaches the bearer token for Graph's own hosts and these.
    customHosts: new Set([base.hostname]),
    middleware: [new AuthenticationHandler(tokens), new PreferHeaders(), new HTTPMessageHandler()],
  });
  const admit = gate ?? inProcessGate(4);
  return {
    options,
    call: (mailbox, operation, fn) =>
      admit.run(`graph:${options.tenantId}:${mailbox.toLowerCase()}`, () =>
        observed(onCall, operation, async () => {
          try {
            // Acquire first, so that a login failure surfaces as itself rather than wrapped by the SDK.
            await tokens.getAccessToken();
            return await fn(client);
          } catch (err) {
            throw toProviderError(err, operation);
          }
        })
      ),
  };
}

/** `/users/{mailbox}` with the mailbox URL-encoded (the SDK does not encode paths). */
export function userPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`;
}

export function eventPath(mailbox: string, id: string): string {
  return `${userPath(mailbox)}/events/${encodeURIComponent(id)}`;
}
