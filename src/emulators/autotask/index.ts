import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type EntityName } from './entities';
import { Faults } from './faults';
import { EndpointSemaphore, HourlyCounter } from './limits';
import { RequestLog } from './request-log';
import { AutotaskHandler, type ApiUser } from './server';
import { EntityStore } from './store';
import { createUserSide, type AutotaskUserSide } from './user-side';

export type { ApiUser } from './server';
export type { AutotaskUserSide } from './user-side';
export type { LoggedRequest } from './request-log';
export { Faults } from './faults';
export { RequestLog } from './request-log';

export interface AutotaskEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The API users (integration code, user name, secret) it accepts; one demo user by default. */
  apiUsers?: ApiUser[];
  /** Requests per rolling hour for the database (Autotask: 10,000). */
  requestsPerHour?: number;
  /** Concurrent requests per integration and endpoint (Autotask: 3). */
  threadSlots?: number;
  /** The status of a thread-limit rejection; Autotask's is not documented to be 429, so 500 by default. */
  threadLimitStatus?: number;
  /** GET of a missing id: 404 (default) or 200 `{item: null}`. */
  missingItem?: '404' | 'null-item';
  /** Whether creates stamp the change field ('set', default) or leave it null until the first update. */
  changeFieldOnCreate?: 'set' | 'null';
  /** Fields this database refuses in filters, e.g. `{ Appointments: ['updateDateTime'] }`. */
  unqueryableFields?: Partial<Record<EntityName, readonly string[]>>;
  /** Latency added to every API request, on top of what faults.setLatency adds. */
  latencyMs?: number;
  /** The emulator's clock for timestamps and the hourly window. */
  now?: () => Date;
}

export interface AutotaskEmulator {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  /** Pass to AutotaskClient as zoneLookupUrl. */
  zoneLookupUrl: string;
  /** The first API user, ready to pass to AutotaskClient as credentials. */
  credentials: ApiUser;
  /** The REST root of the current zone ("…/ATServicesRest/V1.0/"). */
  apiBaseUrl(): string;
  /** Moves the database to a new zone: the old zone answers 401 from now on. Returns the new zone name. */
  moveZone(): string;
  userSide: AutotaskUserSide;
  faults: Faults;
  requestLog: RequestLog;
  /** Requests counted in the current rolling hour. */
  requestsThisHour(): number;
  /** The most requests that were in flight at once on one endpoint of one integration. */
  peakConcurrency(entity: string, integrationCode?: string): number;
  close(): Promise<void>;
}

export const DEFAULT_API_USER: ApiUser = {
  integrationCode: 'CALSYNCEMULATOR0001',
  userName: 'calsync-api@example.com',
  secret: 'emulator-secret',
};

/** Starts the Autotask emulator over real HTTP on localhost. */
export async function startAutotaskEmulator(options: AutotaskEmulatorOptions = {}): Promise<AutotaskEmulator> {
  const now = options.now ?? (() => new Date());
  const apiUsers = options.apiUsers ?? [DEFAULT_API_USER];
  const firstUser = apiUsers[0];
  if (!firstUser) throw new Error('the Autotask emulator needs at least one API user');
  const store = new EntityStore({ now, changeFieldOnCreate: options.changeFieldOnCreate });
  const faults = new Faults();
  const requestLog = new RequestLog();
  const counter = new HourlyCounter(options.requestsPerHour ?? 10_000, now);
  const semaphore = new EndpointSemaphore(options.threadSlots ?? 3);
  const zones = ['webservices3'];
  let baseUrl = '';

  const handler = new AutotaskHandler({
    store,
    faults,
    log: requestLog,
    counter,
    semaphore,
    config: {
      apiUsers,
      threadLimitStatus: options.threadLimitStatus ?? 500,
      missingItem: options.missingItem ?? '404',
      unqueryableFields: options.unqueryableFields ?? {},
      extraLatencyMs: options.latencyMs ?? 0,
    },
    baseUrl: () => baseUrl,
    currentZone: () => zones[zones.length - 1] ?? 'webservices3',
    zoneNames: () => zones,
  });

  const server: Server = createServer((req, res) => void handler.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    baseUrl,
    zoneLookupUrl: `${baseUrl}/atservicesrest/v1.0/zoneInformation`,
    credentials: firstUser,
    apiBaseUrl: () => handler.apiBase(),
    moveZone: () => {
      const next = `webservices${3 + zones.length}`;
      zones.push(next);
      return next;
    },
    userSide: createUserSide(store),
    faults,
    requestLog,
    requestsThisHour: () => counter.current(),
    peakConcurrency: (entity, integrationCode = firstUser.integrationCode) =>
      semaphore.peak.get(`${integrationCode}:${entity}`) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
