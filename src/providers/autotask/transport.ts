import { Agent as HttpsAgent } from 'node:https';
import { constants as cryptoConstants } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import { type CallGate } from '../call-gate';
import { type CallObserver, observed } from '../call-observer';
import { ProviderError } from '../provider-error';
import { classifyHttpFailure, invalidResponse, networkFailure } from './errors';
import { type AutotaskEntity } from './query';
import { autotaskGateKey } from './gate-keys';
import { headersOf, ZoneDiscovery, type Zone } from './zone-discovery';

export interface AutotaskCredentials {
  /** The API tracking identifier of the integration (header ApiIntegrationCode). */
  integrationCode: string;
  /** The API user's user name, an e-mail address (header UserName); also used for the zone look-up. */
  userName: string;
  secret: string;
}

export interface TransportOptions {
  credentials: AutotaskCredentials;
  /**
   * Names the Autotask database in gate keys (`autotask:<databaseId>:<endpoint>`): every worker
   * and every integration of one tenant must use the same value so they share one budget.
   */
  databaseId: string;
  gate: CallGate;
  zoneLookupUrl?: string;
  /** Per request; Autotask itself aborts requests after about five minutes. */
  timeoutMs?: number;
  /** Attribute creates and updates to this resource (header ImpersonationResourceId). */
  impersonationResourceId?: number;
  /** Autotask's IIS hosts may need legacy TLS renegotiation from Node; opt in when they do. */
  legacyTls?: boolean;
  /** Hears every call and its outcome (metrics). */
  onCall?: CallObserver;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Call<S extends z.ZodType> {
  /** For errors and logs, e.g. "Appointments.query". */
  operation: string;
  /** The object endpoint whose thread limit applies. */
  endpoint: AutotaskEntity | 'ThresholdInformation';
  method: HttpMethod;
  /** Relative to the zone's "V1.0/" root, e.g. "Appointments/query". */
  path: string;
  /** An absolute URL Autotask gave us (nextPageUrl); must lie inside the current zone. */
  absoluteUrl?: string;
  body?: unknown;
  schema: S;
  /** GET by id: a 404 (or `{item: null}`) is an answer, not an error. */
  notFoundAsNull?: boolean;
}

/**
 * One HTTP exchange with Autotask: zone, headers, the call gate, error classification and
 * validation of the answer. Everything above it works with validated values.
 */
export class AutotaskTransport {
  readonly http: AxiosInstance;
  readonly zones: ZoneDiscovery;

  constructor(private readonly options: TransportOptions) {
    this.http = axios.create({
      timeout: options.timeoutMs ?? 120_000,
      // We read every status ourselves: Autotask's 500s carry the reason we classify on.
      validateStatus: () => true,
      httpsAgent: options.legacyTls
        ? new HttpsAgent({ keepAlive: true, secureOptions: cryptoConstants.SSL_OP_LEGACY_SERVER_CONNECT })
        : undefined,
    });
    this.zones = new ZoneDiscovery(this.http, options.credentials.userName, options.zoneLookupUrl);
  }

  gateKey(endpoint: string): string {
    return autotaskGateKey(this.options.databaseId, endpoint);
  }

  async send<S extends z.ZodType>(call: Call<S>): Promise<z.output<S> | null> {
    const zone = await this.zones.current();
    try {
      return await this.sendIn(zone, call);
    } catch (err) {
      if (!(err instanceof ProviderError) || !suggestsZoneMove(err)) throw err;
      // The database may have moved to another zone: look again, and try once more only if it did.
      const fresh = await this.zones.refresh();
      if (fresh.apiBaseUrl === zone.apiBaseUrl) throw err;
      const moved = call.absoluteUrl?.startsWith(zone.apiBaseUrl)
        ? { ...call, absoluteUrl: fresh.apiBaseUrl + call.absoluteUrl.slice(zone.apiBaseUrl.length) }
        : call;
      return this.sendIn(fresh, moved);
    }
  }

  private sendIn<S extends z.ZodType>(zone: Zone, call: Call<S>): Promise<z.output<S> | null> {
    return observed(this.options.onCall, call.operation, () => this.exchangeIn(zone, call));
  }

  private async exchangeIn<S extends z.ZodType>(zone: Zone, call: Call<S>): Promise<z.output<S> | null> {
    const url = this.resolveUrl(zone, call);
    const response = await this.options.gate.run(this.gateKey(call.endpoint), () => this.exchange(call, url));
    if (call.notFoundAsNull && response.status === 404) return null;
    if (response.status < 200 || response.status >= 300) {
      const failure = classifyHttpFailure({
        operation: call.operation,
        status: response.status,
        body: response.data,
        headers: headersOf(response.headers),
      });
      throw failure;
    }
    const parsed = call.schema.safeParse(response.data);
    if (!parsed.success) {
      throw invalidResponse(
        call.operation,
        response.status,
        `the response does not have the documented shape: ${z.prettifyError(parsed.error)}`,
        parsed.error
      );
    }
    return parsed.data;
  }

  private async exchange(call: Call<z.ZodType>, url: string): Promise<AxiosResponse<unknown>> {
    const { credentials, impersonationResourceId } = this.options;
    const headers: Record<string, string> = {
      ApiIntegrationCode: credentials.integrationCode,
      UserName: credentials.userName,
      Secret: credentials.secret,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (impersonationResourceId !== undefined) headers.ImpersonationResourceId = String(impersonationResourceId);
    try {
      return await this.http.request<unknown>({ method: call.method, url, data: call.body, headers });
    } catch (err) {
      throw networkFailure(call.operation, err);
    }
  }

  private resolveUrl(zone: Zone, call: Call<z.ZodType>): string {
    if (call.absoluteUrl === undefined) return zone.apiBaseUrl + call.path;
    // Credentials go with every request: never follow a link out of the zone we discovered.
    const target = new URL(call.absoluteUrl);
    if (target.origin !== new URL(zone.apiBaseUrl).origin) {
      throw invalidResponse(call.operation, 200, `refusing to follow a paging link outside the zone: ${target.origin}`);
    }
    return call.absoluteUrl;
  }
}

/** A 401, or a message about the zone, may mean the database now lives in another zone. */
function suggestsZoneMove(err: ProviderError): boolean {
  if (err.code === 'ZoneUnknown') return false;
  return err.status === 401 || /zone/i.test(err.message);
}
