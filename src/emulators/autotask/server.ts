import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { childEntity, ENTITIES, entityByName, type EntityDef, type EntityName, type WriteVerb } from './entities';
import { EmulatedFailure, errors500, MESSAGES } from './fault';
import { type Faults } from './faults';
import { type EndpointSemaphore, type HourlyCounter } from './limits';
import { matches, parseQuery, project, textOf, type ParsedQuery, type QueryRules } from './query-engine';
import { type RequestLog } from './request-log';
import { type EntityRecord, type EntityStore } from './store';

export interface ApiUser {
  integrationCode: string;
  userName: string;
  secret: string;
}

export interface HandlerConfig {
  apiUsers: readonly ApiUser[];
  threadLimitStatus: number;
  /** How GET by id answers a missing record: a 404, or 200 `{item: null}` (both seen in the wild). */
  missingItem: '404' | 'null-item';
  unqueryableFields: Partial<Record<EntityName, readonly string[]>>;
  extraLatencyMs: number;
}

export interface HandlerDeps {
  store: EntityStore;
  faults: Faults;
  log: RequestLog;
  counter: HourlyCounter;
  semaphore: EndpointSemaphore;
  config: HandlerConfig;
  baseUrl: () => string;
  /** The zone path segment the database currently lives in (changes when the test moves it). */
  currentZone: () => string;
  zoneNames: () => readonly string[];
}

interface Route {
  entity?: EntityDef;
  action: string;
  run: () => unknown;
}

interface PageToken {
  entity: EntityName;
  integrationCode: string;
  query: ParsedQuery;
  afterId: number;
  prev: string | null;
  createdAt: number;
}

const ZONE_LOOKUP = /^\/atservicesrest\/v1\.0\/zoneinformation$/i;
const ZONE_API = /^\/([^/]+)\/ATServicesRest\/V1\.0\/(.*)$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Autotask REST surface over node:http. */
export class AutotaskHandler {
  private readonly pages = new Map<string, PageToken>();

  constructor(private readonly deps: HandlerDeps) {}

  apiBase(zone = this.deps.currentZone()): string {
    return `${this.deps.baseUrl()}/${zone}/ATServicesRest/V1.0/`;
  }

  zoneInformation(): Record<string, unknown> {
    const zone = this.deps.currentZone();
    return {
      zoneName: `Emulated ${zone}`,
      url: `${this.deps.baseUrl()}/${zone}/ATServicesRest/`,
      webUrl: `${this.deps.baseUrl()}/${zone}/`,
      ci: 20000 + this.deps.zoneNames().indexOf(zone),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator');
    let entity: string | undefined;
    let action: string | undefined;
    let status = 200;
    let recordId: number | undefined;
    try {
      const body = await readBody(req);
      recordId = addressedRecord(url.pathname, body);
      const result = await this.dispatch(method, url, req, body, (e, a) => {
        entity = e;
        action = a;
      });
      send(res, 200, result);
    } catch (err) {
      const failure =
        err instanceof EmulatedFailure ? err : errors500(`Unexpected emulator error: ${(err as Error).message}`);
      status = failure.status;
      send(res, failure.status, failure.body, failure.headers);
    }
    this.deps.log.add({
      at: new Date(started).toISOString(),
      method,
      path: url.pathname + url.search,
      entity,
      action,
      ...(recordId !== undefined ? { recordId } : {}),
      status,
      durationMs: Date.now() - started,
    });
  }

  private async dispatch(
    method: string,
    url: URL,
    req: IncomingMessage,
    body: unknown,
    note: (entity: string | undefined, action: string) => void
  ): Promise<unknown> {
    if (ZONE_LOOKUP.test(url.pathname)) {
      note(undefined, 'zone');
      return this.lookUpZone(url.searchParams.get('user'));
    }
    const match = ZONE_API.exec(url.pathname);
    if (!match) throw new EmulatedFailure(404, { Message: `No HTTP resource was found that matches ${url.pathname}.` });
    const zone = match[1] ?? '';
    const segments = (match[2] ?? '').split('/').filter((s) => s !== '');

    const user = this.authenticate(req);
    if (zone !== this.deps.currentZone()) {
      if (!this.deps.zoneNames().includes(zone)) throw new EmulatedFailure(404, { Message: 'Unknown zone.' });
      throw new EmulatedFailure(401, { errors: [MESSAGES.wrongZone] });
    }
    if (!this.deps.counter.tryCount()) {
      throw new EmulatedFailure(
        429,
        { errors: [MESSAGES.requestThreshold] },
        { 'Retry-After': String(this.deps.counter.secondsUntilFree()) }
      );
    }
    const route = this.route(method, segments, url, body, user);
    note(route.entity?.name, route.action);

    const injected = this.deps.faults.take({
      method,
      path: url.pathname,
      entity: route.entity?.name,
      action: route.action,
    });
    if (injected) throw injected;

    const slotKey = `${user.integrationCode}:${route.entity?.name ?? segments[0] ?? ''}`;
    if (route.action === 'zone') return route.run();
    if (!this.deps.semaphore.tryAcquire(slotKey)) {
      throw new EmulatedFailure(this.deps.config.threadLimitStatus, { errors: [MESSAGES.threadLimit] });
    }
    try {
      const latency = this.deps.faults.latencyMs + this.deps.config.extraLatencyMs;
      if (latency > 0) await sleep(latency);
      return route.run();
    } finally {
      this.deps.semaphore.release(slotKey);
    }
  }

  private lookUpZone(user: string | null): unknown {
    const name = (user ?? '').trim().toLowerCase();
    const known =
      name !== '' &&
      (this.deps.config.apiUsers.some((u) => u.userName.toLowerCase() === name) ||
        this.deps.store
          .all('Resources')
          .some(
            (r) => textOf(r.email ?? '').toLowerCase() === name || textOf(r.userName ?? '').toLowerCase() === name
          ));
    if (!known) throw errors500(MESSAGES.zoneUnknown);
    return this.zoneInformation();
  }

  private authenticate(req: IncomingMessage): ApiUser {
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const code = header('ApiIntegrationCode');
    const candidates = this.deps.config.apiUsers.filter((u) => u.integrationCode === code);
    if (candidates.length === 0) throw errors500(MESSAGES.integrationCodeInvalid);
    const userName = (header('UserName') ?? '').toLowerCase();
    const user = candidates.find((u) => u.userName.toLowerCase() === userName && u.secret === header('Secret'));
    if (!user) throw new EmulatedFailure(401, { errors: [MESSAGES.badCredentials] });
    return user;
  }

  private actorFor(user: ApiUser): number | undefined {
    const name = user.userName.toLowerCase();
    const resource = this.deps.store
      .all('Resources')
      .find((r) => textOf(r.userName ?? '').toLowerCase() === name || textOf(r.email ?? '').toLowerCase() === name);
    return resource ? Number(resource.id) : undefined;
  }

  private route(method: string, segments: string[], url: URL, body: unknown, user: ApiUser): Route {
    const [first = '', second, third, fourth] = segments;
    const notAllowed = () =>
      new EmulatedFailure(405, { Message: `The requested resource does not support http method '${method}'.` });
    const notFound = () =>
      new EmulatedFailure(404, { Message: `No HTTP resource was found that matches ${url.pathname}.` });

    if (segments.length === 1 && first.toLowerCase() === 'thresholdinformation') {
      if (method !== 'GET') throw notAllowed();
      return { action: 'threshold', run: () => this.threshold() };
    }
    if (segments.length === 1 && first.toLowerCase() === 'zoneinformation') {
      return { action: 'zone', run: () => this.lookUpZone(url.searchParams.get('user')) };
    }
    const def = entityByName(first);
    if (!def) throw notFound();
    const actor = this.actorFor(user);

    if (segments.length === 1) {
      const verb = method === 'POST' ? 'create' : method === 'PATCH' || method === 'PUT' ? 'update' : undefined;
      if (!verb || !def.rootWrites.includes(verb)) throw notAllowed();
      return { entity: def, action: verb, run: () => this.write(def, verb, method, body, actor) };
    }
    if (second?.toLowerCase() === 'query') {
      const search = () => (method === 'GET' ? parseSearch(url) : body);
      if (segments.length === 2 && (method === 'POST' || method === 'GET')) {
        return { entity: def, action: 'query', run: () => this.firstPage(def, search(), user) };
      }
      if (segments.length === 3 && third?.toLowerCase() === 'count' && (method === 'POST' || method === 'GET')) {
        return { entity: def, action: 'count', run: () => this.count(def, search()) };
      }
      if (segments.length === 3 && third?.toLowerCase() === 'next' && (method === 'POST' || method === 'GET')) {
        return {
          entity: def,
          action: 'query-next',
          run: () => this.nextPage(def, url.searchParams.get('paging'), user),
        };
      }
      throw notFound();
    }
    if (second?.toLowerCase() === 'entityinformation') {
      if (method !== 'GET') throw notAllowed();
      if (segments.length === 2) return { entity: def, action: 'info', run: () => entityInformation(def) };
      if (segments.length === 3 && third?.toLowerCase() === 'fields') {
        return { entity: def, action: 'fields', run: () => fieldInformation(def) };
      }
      throw notFound();
    }
    const id = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
    if (id === undefined) throw notFound();
    if (segments.length === 2) {
      if (method === 'GET') return { entity: def, action: 'get', run: () => this.getItem(def, id) };
      if (method === 'DELETE' && def.rootWrites.includes('delete')) {
        return { entity: def, action: 'delete', run: () => this.remove(def, id) };
      }
      throw notAllowed();
    }
    // Parent-only routes: /{Parent}/{parentId}/{Child}[/{childId}]
    const child = third === undefined ? undefined : childEntity(def.name, third);
    if (!child?.parent) throw notFound();
    const parentId = id;
    if (!this.deps.store.get(def.name, parentId)) throw errors500(`No ${def.name} record with id ${parentId}.`);
    const writes = child.parent.writes;
    if (segments.length === 3) {
      if (method === 'GET') return { entity: child, action: 'children', run: () => this.children(child, parentId) };
      const verb: WriteVerb | undefined =
        method === 'POST' ? 'create' : method === 'PATCH' || method === 'PUT' ? 'update' : undefined;
      if (!verb || !writes.includes(verb)) throw notAllowed();
      return { entity: child, action: verb, run: () => this.write(child, verb, method, body, actor, parentId) };
    }
    const childId = fourth !== undefined && /^\d+$/.test(fourth) ? Number(fourth) : undefined;
    if (segments.length !== 4 || childId === undefined) throw notFound();
    if (method === 'GET') return { entity: child, action: 'get', run: () => this.getItem(child, childId) };
    if (method === 'DELETE' && writes.includes('delete')) {
      return { entity: child, action: 'delete', run: () => this.remove(child, childId, parentId) };
    }
    throw notAllowed();
  }

  // ---- handlers --------------------------------------------------------------------------------

  private threshold(): unknown {
    return {
      externalRequestThreshold: this.deps.counter.limit,
      requestThresholdTimeframe: Math.round(this.deps.counter.windowMs / 60_000),
      currentTimeframeRequestCount: this.deps.counter.current(),
    };
  }

  private rules(def: EntityDef): QueryRules {
    return { unqueryable: this.deps.config.unqueryableFields[def.name] };
  }

  private count(def: EntityDef, body: unknown): unknown {
    const query = parseQuery(def, body, this.rules(def));
    return { queryCount: this.deps.store.all(def.name).filter((r) => matches(r, query.filter)).length };
  }

  private firstPage(def: EntityDef, body: unknown, user: ApiUser): unknown {
    const query = parseQuery(def, body, this.rules(def));
    return this.page(def, query, 0, null, user);
  }

  private nextPage(def: EntityDef, token: string | null, user: ApiUser): unknown {
    const state = token ? this.pages.get(token) : undefined;
    if (!state || state.entity !== def.name || state.integrationCode !== user.integrationCode) {
      throw errors500('The paging link is invalid or has expired.');
    }
    return this.page(def, state.query, state.afterId, state.prev, user, token);
  }

  private page(
    def: EntityDef,
    query: ParsedQuery,
    afterId: number,
    prev: string | null,
    user: ApiUser,
    self: string | null = null
  ): unknown {
    const all = this.deps.store.all(def.name).filter((r) => matches(r, query.filter));
    const includesId = query.includeFields.length === 0 || query.includeFields.includes('id');
    if (!includesId && all.length > 500) {
      throw errors500('IncludeFields must contain id when a query returns more than 500 records.');
    }
    const rest = all.filter((r) => Number(r.id) > afterId);
    const items = rest.slice(0, query.maxRecords);
    let nextPageUrl: string | null = null;
    if (rest.length > items.length) {
      const token = this.remember({
        entity: def.name,
        integrationCode: user.integrationCode,
        query,
        afterId: Number(items[items.length - 1]?.id ?? afterId),
        prev: self,
        createdAt: Date.now(),
      });
      nextPageUrl = `${this.apiBase()}${def.name}/query/next?paging=${token}`;
    }
    return {
      items: items.map((r) => withUdfs(def, project(serialize(def, r), query.includeFields))),
      pageDetails: {
        count: items.length,
        requestCount: query.maxRecords,
        prevPageUrl: prev ? `${this.apiBase()}${def.name}/query/next?paging=${prev}` : null,
        nextPageUrl,
      },
    };
  }

  private remember(state: PageToken): string {
    // Opaque, unguessable, and forgotten after a while, like a server-side cursor.
    const cutoff = Date.now() - 30 * 60_000;
    for (const [key, value] of this.pages) if (value.createdAt < cutoff) this.pages.delete(key);
    const token = randomBytes(18).toString('base64url');
    this.pages.set(token, state);
    return token;
  }

  private getItem(def: EntityDef, id: number): unknown {
    const record = this.deps.store.get(def.name, id);
    if (!record) {
      if (this.deps.config.missingItem === 'null-item') return { item: null };
      throw new EmulatedFailure(404, { errors: [`No ${def.name} record with id ${id} was found.`] });
    }
    return { item: withUdfs(def, serialize(def, record)) };
  }

  private children(def: EntityDef, parentId: number): unknown {
    const field = def.parent?.field ?? '';
    const items = this.deps.store.all(def.name).filter((r) => r[field] === parentId);
    return {
      items: items.map((r) => withUdfs(def, serialize(def, r))),
      pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
    };
  }

  private write(
    def: EntityDef,
    verb: WriteVerb,
    method: string,
    body: unknown,
    actor: number | undefined,
    parentId?: number
  ): unknown {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw errors500('The request body must be a JSON object.');
    }
    const input = body as EntityRecord;
    const context = { actorResourceID: actor, parentId };
    if (verb === 'create') return { itemId: this.deps.store.create(def.name, input, context).id };
    const idKey = Object.keys(input).find((k) => k.toLowerCase() === 'id');
    const id = idKey === undefined ? undefined : input[idKey];
    if (typeof id !== 'number') throw errors500('The id of the record to update is required.');
    return { itemId: this.deps.store.update(def.name, id, input, context, method === 'PUT').id };
  }

  private remove(def: EntityDef, id: number, parentId?: number): unknown {
    if (!this.deps.store.delete(def.name, id, { parentId })) throw errors500(MESSAGES.deleteMissing);
    return { itemId: id };
  }
}

/** Every field of the entity, in its order, null where unset (as Autotask returns records). */
function serialize(def: EntityDef, record: EntityRecord): EntityRecord {
  const out: EntityRecord = {};
  for (const field of def.fields) out[field.name] = record[field.name] ?? null;
  return out;
}

function withUdfs(def: EntityDef, record: EntityRecord): EntityRecord {
  return def.hasUserDefinedFields ? { ...record, userDefinedFields: [] } : record;
}

function entityInformation(def: EntityDef): unknown {
  const writes = new Set([...def.rootWrites, ...(def.parent?.writes ?? [])]);
  return {
    info: {
      name: def.name.replace(/s$/, ''),
      canCreate: writes.has('create'),
      canDelete: writes.has('delete'),
      canQuery: true,
      canUpdate: writes.has('update'),
      hasUserDefinedFields: def.hasUserDefinedFields ?? false,
      supportsWebhookCallouts: false,
    },
  };
}

function fieldInformation(def: EntityDef): unknown {
  const dataType = {
    integer: 'integer',
    long: 'long',
    double: 'double',
    string: 'string',
    datetime: 'datetime',
    boolean: 'boolean',
  };
  return {
    fields: def.fields.map((f) => ({
      name: f.name,
      dataType: dataType[f.type],
      length: f.maxLength ?? 0,
      isRequired: f.required ?? false,
      isReadOnly: f.readOnly ?? false,
      isQueryable: true,
      isReference: f.references !== undefined,
      referenceEntityType: f.references ? ENTITIES[f.references].name.replace(/s$/, '') : '',
      isPickList: false,
      picklistValues: null,
      picklistParentValueField: '',
      isSupportedWebhookField: false,
    })),
  };
}

function parseSearch(url: URL): unknown {
  const search = url.searchParams.get('search');
  if (!search) throw errors500('The search parameter is required.');
  try {
    return JSON.parse(search) as unknown;
  } catch {
    throw errors500('The search parameter is not valid JSON.');
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EmulatedFailure(400, { Message: 'The request is invalid: the body is not valid JSON.' });
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(text);
}

/** The id a request addressed: the path's last number, else the written body's `id`. */
function addressedRecord(pathname: string, body: unknown): number | undefined {
  const inPath = /\/(\d+)$/.exec(pathname)?.[1];
  if (inPath !== undefined) return Number(inPath);
  const id = body !== null && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : undefined;
}
