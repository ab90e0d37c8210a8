import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { RECORD_PATH, RESTLET_PATH, SUITEQL_PATH, TOKEN_PATH } from '../../providers/netsuite/account-id';
import { type EmulatedAccount } from './account';
import { type Principal, authenticate, issueToken } from './auth-verify';
import { NetSuiteFault, concurrencyExceeded, errorBody, nonexistentId } from './errors';
import { cloneEvent, commitCreate, commitDelete, commitUpdate, draftEvent } from './event-lifecycle';
import { type Faults } from './faults';
import { type NameValidation, applyRestWrite } from './record-write';
import { renderCalendarEvent } from './record-render';
import { handleRestlet } from './restlet';
import { runSuiteQl } from './suiteql-engine';

export interface RequestLogEntry {
  at: string;
  accountRealm: string;
  method: string;
  /** Path and query after the account prefix, as sent. */
  url: string;
  status: number;
  /** From arrival to the answer (0 until answered). */
  durationMs: number;
  auth: 'm2m' | 'tba' | 'none';
  headers: { prefer?: string; propertyNameValidation?: string };
  body?: unknown;
}

export interface ServerSettings {
  concurrencyLimit: number;
  latencyMs: number;
  suiteQlTimeZone: string;
  restletInstalled: boolean;
  /** Whether PUT eid: answers with a Location header (undocumented either way). */
  upsertLocation: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_PAGE = 1000;

export function buildServer(deps: {
  accounts: Map<string, EmulatedAccount>;
  faults: Faults;
  log: RequestLogEntry[];
  settings: ServerSettings;
}): FastifyInstance {
  const app = fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body)
  );
  app.setErrorHandler((error, _req, reply) => {
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    const fault = new NetSuiteFault(
      status,
      status >= 500 ? 'UNEXPECTED_ERROR' : 'INVALID_REQUEST',
      (error as Error).message
    );
    void reply.status(fault.status).send(errorBody(fault));
  });

  const origin = (req: FastifyRequest) => `http://${(req.headers.host ?? '').toLowerCase()}`;
  const accountPrefix = (req: FastifyRequest) => `/${(req.params as { account: string }).account}`;

  /** Everything a NetSuite request goes through: account, log, faults, concurrency, auth. */
  const handle =
    (
      kind: 'rest' | 'token',
      fn: (ctx: {
        account: EmulatedAccount;
        principal: Principal | undefined;
        req: FastifyRequest;
        origin: string;
      }) => Reply | Promise<Reply>
    ) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const account = deps.accounts.get((req.params as { account: string }).account.toLowerCase());
      if (!account) return reply.status(404).send({ error: 'unknown account' });
      const url = req.url.slice(accountPrefix(req).length);
      const entry: RequestLogEntry = {
        at: new Date(account.now()).toISOString(),
        accountRealm: account.realm,
        method: req.method,
        url,
        status: 0,
        durationMs: 0,
        auth: 'none',
        headers: {
          prefer: header(req, 'prefer'),
          propertyNameValidation: header(req, 'x-netsuite-propertynamevalidation'),
        },
        body: req.body,
      };
      deps.log.push(entry);
      const arrived = Date.now();
      const send = (answer: Reply) => {
        entry.status = answer.status;
        entry.durationMs = Date.now() - arrived;
        void reply.status(answer.status).headers(answer.headers ?? {});
        return answer.body === undefined ? reply.send() : reply.send(answer.body);
      };
      const fault = deps.faults.take(req.method, url.split('?')[0] ?? '');
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.dropConnection) {
        req.raw.socket.destroy();
        return reply;
      }
      if (fault?.status && fault.body !== undefined) return send({ status: fault.status, body: fault.body });
      if (fault?.status) {
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
        return send({
          status: fault.status,
          headers,
          body: errorBody(
            new NetSuiteFault(fault.status, fault.code ?? 'UNEXPECTED_ERROR', fault.detail ?? 'Injected fault.')
          ),
        });
      }
      const counted = kind === 'rest';
      if (counted) account.inFlight += 1;
      try {
        if (counted && account.inFlight > deps.settings.concurrencyLimit)
          return send({ status: 429, body: errorBody(concurrencyExceeded()) });
        if (deps.settings.latencyMs) await sleep(deps.settings.latencyMs);
        let principal: Principal | undefined;
        if (kind === 'rest') {
          principal = authenticate(account, {
            method: req.method,
            rawUrl: req.url,
            origin: origin(req),
            authorization: req.headers.authorization,
          });
          entry.auth = principal.scheme;
        }
        return send(await fn({ account, principal, req, origin: origin(req) }));
      } catch (error) {
        if (error instanceof NetSuiteFault) return send({ status: error.status, body: errorBody(error) });
        throw error;
      } finally {
        if (counted) account.inFlight -= 1;
      }
    };

  const base = '/:account';

  app.post(
    `${base}${TOKEN_PATH}`,
    handle('token', async ({ account, req, origin: o }) => {
      const outcome = await issueToken(
        account,
        new URLSearchParams(typeof req.body === 'string' ? req.body : ''),
        `${o}${accountPrefix(req)}${TOKEN_PATH}`
      );
      return { status: outcome.status, body: outcome.body };
    })
  );

  const recordUrls = (req: FastifyRequest, o: string) => ({
    record: `${o}${accountPrefix(req)}${RECORD_PATH}`,
    entity: (type: string, id: string) => `${o}${accountPrefix(req)}${RECORD_PATH}/${type}/${id}`,
  });

  const calendarType = (req: FastifyRequest) => {
    const type = (req.params as { type: string }).type.toLowerCase();
    if (type !== 'calendarevent')
      throw new NetSuiteFault(404, 'NONEXISTENT_ID', `Record type '${type}' is not emulated.`);
  };

  const writeOptions = (req: FastifyRequest) => {
    const raw = header(req, 'x-netsuite-propertynamevalidation') ?? 'Warning';
    const validation: NameValidation = raw === 'Error' || raw === 'Ignore' ? raw : 'Warning';
    const query = req.query as Record<string, string | undefined>;
    const replace = new Set(
      (query['replace'] ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    );
    return { validation, replace };
  };

  const warningHeaders = (unknown: string[], validation: NameValidation): Record<string, string> =>
    unknown.length && validation === 'Warning'
      ? { 'X-NetSuite-Warning': `Unknown field(s) ignored: ${unknown.join(', ')}` }
      : {};

  const locationOf = (req: FastifyRequest, o: string, id: string) => ({
    Location: `${recordUrls(req, o).record}/calendarEvent/${id}`,
  });

  app.post(
    `${base}${RECORD_PATH}/:type`,
    handle('rest', ({ account, principal, req, origin: o }) => {
      calendarType(req);
      const options = writeOptions(req);
      const draft = draftEvent(account, principal!.employeeId);
      const { unknown } = applyRestWrite(account, draft, req.body, options);
      const event = commitCreate(account, draft, 'REST_WEBSERVICES', principal!.employeeId);
      return {
        status: 204,
        headers: { ...locationOf(req, o, event.id), ...warningHeaders(unknown, options.validation) },
      };
    })
  );

  app.get(
    `${base}${RECORD_PATH}/:type/:key`,
    handle('rest', ({ account, req, origin: o }) => {
      const { type, key } = req.params as { type: string; key: string };
      const query = req.query as Record<string, string | undefined>;
      if (type.toLowerCase() === 'employee' || type.toLowerCase() === 'contact') {
        const entity = account.entities.get(key);
        if (!entity || entity.type !== type.toLowerCase()) throw nonexistentId();
        return {
          status: 200,
          body: {
            links: [{ rel: 'self', href: recordUrls(req, o).entity(entity.type, entity.id) }],
            id: entity.id,
            entityId: entity.name,
            email: entity.email,
          },
        };
      }
      calendarType(req);
      const event = account.findByKey(decodeURIComponent(key));
      if (!event) throw nonexistentId();
      const fields = query['fields']
        ? new Set(query['fields'].split(',').map((f) => f.trim().toLowerCase()))
        : undefined;
      return {
        status: 200,
        body: renderCalendarEvent(account, event, recordUrls(req, o), {
          expandSubResources: query['expandSubResources'] === 'true',
          fields,
        }),
      };
    })
  );

  app.patch(
    `${base}${RECORD_PATH}/:type/:key`,
    handle('rest', ({ account, principal, req, origin: o }) => {
      calendarType(req);
      const current = account.findByKey(decodeURIComponent((req.params as { key: string }).key));
      if (!current) throw nonexistentId();
      const options = writeOptions(req);
      const event = cloneEvent(current);
      const { unknown } = applyRestWrite(account, event, req.body, options);
      commitUpdate(account, event, 'REST_WEBSERVICES', principal!.employeeId);
      return {
        status: 204,
        headers: { ...locationOf(req, o, event.id), ...warningHeaders(unknown, options.validation) },
      };
    })
  );

  app.put(
    `${base}${RECORD_PATH}/:type/:key`,
    handle('rest', ({ account, principal, req, origin: o }) => {
      calendarType(req);
      const key = decodeURIComponent((req.params as { key: string }).key);
      if (!key.startsWith('eid:'))
        throw new NetSuiteFault(
          400,
          'INVALID_REQUEST',
          'PUT is supported only with an external id: use /calendarEvent/eid:{externalId}.'
        );
      const options = writeOptions(req);
      const current = account.findByKey(key);
      const event = current
        ? cloneEvent(current)
        : { ...draftEvent(account, principal!.employeeId), externalId: key.slice(4) };
      const { unknown } = applyRestWrite(account, event, req.body, options);
      event.externalId = key.slice(4);
      const saved = current
        ? commitUpdate(account, event, 'REST_WEBSERVICES', principal!.employeeId)
        : commitCreate(account, event, 'REST_WEBSERVICES', principal!.employeeId);
      const location = deps.settings.upsertLocation ? locationOf(req, o, saved.id) : {};
      return { status: 204, headers: { ...location, ...warningHeaders(unknown, options.validation) } };
    })
  );

  app.delete(
    `${base}${RECORD_PATH}/:type/:key`,
    handle('rest', ({ account, principal, req }) => {
      calendarType(req);
      const event = account.findByKey(decodeURIComponent((req.params as { key: string }).key));
      if (!event) throw nonexistentId();
      commitDelete(account, event, 'REST_WEBSERVICES', principal!.employeeId);
      return { status: 204 };
    })
  );

  app.get(
    `${base}${RECORD_PATH}/:type`,
    handle('rest', ({ account, req, origin: o }) => {
      calendarType(req);
      const query = req.query as Record<string, string | undefined>;
      const { limit, offset } = paging(query);
      let events = [...account.events.values()];
      if (query['q']) {
        const match = /^\s*externalId\s+IS\s+"([^"]*)"\s*$/i.exec(query['q']);
        if (!match)
          throw new NetSuiteFault(400, 'INVALID_PARAMETER', `Invalid query: ${query['q']}`, {
            'o:errorQueryParam': 'q',
          });
        events = events.filter((e) => e.externalId === match[1]);
      }
      events.sort((a, b) => Number(a.id) - Number(b.id));
      const collection = `${recordUrls(req, o).record}/calendarEvent`;
      const page = events.slice(offset, offset + limit);
      return {
        status: 200,
        body: {
          links: pageLinks(collection, limit, offset, events.length, query['q']),
          count: page.length,
          hasMore: offset + limit < events.length,
          items: page.map((e) => ({ links: [{ rel: 'self', href: `${collection}/${e.id}` }], id: e.id })),
          offset,
          totalResults: events.length,
        },
      };
    })
  );

  app.post(
    `${base}${SUITEQL_PATH}`,
    handle('rest', ({ account, req, origin: o }) => {
      if ((header(req, 'prefer') ?? '').toLowerCase() !== 'transient') {
        throw new NetSuiteFault(400, 'INVALID_REQUEST', 'SuiteQL requests need the header Prefer: transient.', {
          'o:errorHeader': 'Prefer',
        });
      }
      const body = req.body as { q?: unknown; params?: unknown } | undefined;
      if (typeof body?.q !== 'string')
        throw new NetSuiteFault(400, 'INVALID_REQUEST', 'The request body must hold the query as "q".');
      const params = body.params === undefined ? [] : body.params;
      if (!Array.isArray(params)) throw new NetSuiteFault(400, 'INVALID_REQUEST', '"params" must be an array.');
      const { limit, offset } = paging(req.query as Record<string, string | undefined>);
      const result = runSuiteQl(account, body.q, params, deps.settings.suiteQlTimeZone);
      const rows = result.rows.slice(offset, offset + limit);
      const self = `${o}${accountPrefix(req)}${SUITEQL_PATH}`;
      return {
        status: 200,
        body: {
          links: pageLinks(self, limit, offset, result.totalResults),
          count: rows.length,
          hasMore: offset + limit < result.totalResults,
          items: rows.map((row) => ({ links: [], ...row })),
          offset,
          totalResults: result.totalResults,
        },
      };
    })
  );

  const restlet = handle('rest', ({ account, principal, req }) => {
    const answer = handleRestlet(account, {
      method: req.method,
      query: req.query as Record<string, string | undefined>,
      body: req.body,
      employeeId: principal!.employeeId,
      installed: deps.settings.restletInstalled,
    });
    return { status: answer.status, body: answer.body };
  });
  for (const method of ['GET', 'PUT', 'POST', 'DELETE'] as const)
    app.route({ method, url: `${base}${RESTLET_PATH}`, handler: restlet });

  return app;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** NetSuite's paging rule: limit 1..1000 (default 1000), and offset a multiple of limit. */
function paging(query: Record<string, string | undefined>): { limit: number; offset: number } {
  const limit = query['limit'] === undefined ? MAX_PAGE : Number(query['limit']);
  const offset = query['offset'] === undefined ? 0 : Number(query['offset']);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new NetSuiteFault(
      400,
      'INVALID_PARAMETER',
      `Invalid limit ${query['limit']}: it must be between 1 and 1000.`,
      { 'o:errorQueryParam': 'limit' }
    );
  }
  if (!Number.isInteger(offset) || offset < 0 || offset % limit !== 0) {
    throw new NetSuiteFault(
      400,
      'INVALID_PARAMETER',
      `Invalid offset ${query['offset']}: it must be divisible by the limit.`,
      { 'o:errorQueryParam': 'offset' }
    );
  }
  return { limit, offset };
}

function pageLinks(base: string, limit: number, offset: number, total: number, q?: string) {
  const href = (o: number) => `${base}?limit=${limit}&offset=${o}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const last = Math.max(0, Math.floor((Math.max(total, 1) - 1) / limit) * limit);
  const links = [{ rel: 'self', href: href(offset) }];
  if (offset > 0) links.push({ rel: 'prev', href: href(offset - limit) }, { rel: 'first', href: href(0) });
  if (offset + limit < total)
    links.push({ rel: 'next', href: href(offset + limit) }, { rel: 'last', href: href(last) });
  return links;
}
