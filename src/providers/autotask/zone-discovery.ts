import { type AxiosInstance } from 'axios';
import { classifyHttpFailure, invalidResponse, networkFailure } from './errors';
import { zoneInformationSchema, type ZoneInformation } from './models';

/** Autotask's global zone look-up; it needs no credentials and is exempt from thread limits. */
export const DEFAULT_ZONE_LOOKUP_URL = 'https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation';

export interface Zone {
  /** The REST root of the zone, ending in "V1.0/", e.g. https://webservices3.autotask.net/ATServicesRest/V1.0/ */
  apiBaseUrl: string;
  info: ZoneInformation;
}

/**
 * Finds the zone (data centre) that hosts an API user's database. The answer is cached; the
 * transport calls `refresh` when a request fails in a way that says the database moved, and
 * concurrent callers share one look-up.
 */
export class ZoneDiscovery {
  private cached: Zone | undefined;
  private inFlight: Promise<Zone> | undefined;

  constructor(
    private readonly http: AxiosInstance,
    private readonly userName: string,
    private readonly lookupUrl: string = DEFAULT_ZONE_LOOKUP_URL
  ) {}

  async current(): Promise<Zone> {
    return this.cached ?? this.refresh();
  }

  /** Looks the zone up again (shared by concurrent callers) and returns it. */
  refresh(): Promise<Zone> {
    this.inFlight ??= this.lookUp().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async lookUp(): Promise<Zone> {
    const operation = 'zoneInformation';
    let response;
    try {
      response = await this.http.get<unknown>(this.lookupUrl, { params: { user: this.userName } });
    } catch (err) {
      throw networkFailure(operation, err);
    }
    if (response.status !== 200) {
      throw classifyHttpFailure({
        operation,
        status: response.status,
        body: response.data,
        headers: headersOf(response.headers),
      });
    }
    const parsed = zoneInformationSchema.safeParse(response.data);
    if (!parsed.success) {
      throw invalidResponse(operation, response.status, `zone information: ${parsed.error.message}`, parsed.error);
    }
    // The zone URL is sent back exactly as given (its "ATServicesRest" casing matters).
    const base = parsed.data.url.endsWith('/') ? parsed.data.url : `${parsed.data.url}/`;
    const zone = { apiBaseUrl: `${base}V1.0/`, info: parsed.data };
    this.cached = zone;
    return zone;
  }
}

/** Axios headers as a plain lower-cased record of strings. */
export function headersOf(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === 'string') out[key.toLowerCase()] = value;
    else if (typeof value === 'number') out[key.toLowerCase()] = String(value);
  }
  return out;
}
