import pino from 'pino';
import { buildApi } from '../../src/api/server';
import { UserStore } from '../../src/store/users';
import { bearer, startApiStack, type ApiStack } from './support/stack';

/*
 * Who may call what. The table names every route of the API with the least role it needs; a test
 * checks the table against the OpenAPI document, so a new route cannot slip in without a row.
 */
type Need = 'public' | 'read' | 'resync' | 'decode' | 'admin';
interface Route {
  method: string;
  /** The route as the OpenAPI document names it. */
  template: string;
  need: Need;
  json?: unknown;
  query?: string;
}
/** The concrete path of a route: ids of the fixtures set up below. */
const pathOf = (r: Route) =>
  r.template
    .replace(':id', r.template.startsWith('/v1/users') ? 'u-auth' : 't-auth')
    .replace(':connector', 'autotask')
    .replace(':keyId', 'k_none')
    .replace(':linkId', 'l_none')
    .replace(':tenantId', 't-auth') + (r.query ? `?${r.query}` : '');

const routes: Route[] = [
  { method: 'GET', template: '/healthz', need: 'public' },
  { method: 'GET', template: '/readyz', need: 'public' },
  { method: 'GET', template: '/metrics', need: 'read' },
  { method: 'POST', template: '/v1/api-keys', need: 'admin', json: { name: 'k', role: 'operator' } },
  { method: 'GET', template: '/v1/api-keys', need: 'admin' },
  { method: 'DELETE', template: '/v1/api-keys/:keyId', need: 'admin' },
  { method: 'POST', template: '/v1/tenants', need: 'admin', json: { id: 'auth-made', name: 'x' } },
  { method: 'GET', template: '/v1/tenants', need: 'read' },
  { method: 'GET', template: '/v1/tenants/:id', need: 'read' },
  { method: 'PATCH', template: '/v1/tenants/:id', need: 'admin', json: {} },
  { method: 'GET', template: '/v1/tenants/:id/policy', need: 'read' },
  { method: 'PUT', template: '/v1/tenants/:id/policy', need: 'admin', json: {} },
  { method: 'GET', template: '/v1/tenants/:id/admin-consent', need: 'admin' },
  { method: 'POST', template: '/v1/tenants/:id/discover', need: 'admin', json: { email: 'a@b.example' } },
  {
    method: 'PUT',
    template: '/v1/tenants/:id/connections/graph',
    need: 'admin',
    json: { directoryId: 'd', clientId: 'c', clientSecret: 's' },
  },
  {
    method: 'PUT',
    template: '/v1/tenants/:id/connections/netsuite',
    need: 'admin',
    json: { accountId: 'a', auth: 'tba' },
  },
  { method: 'PUT', template: '/v1/tenants/:id/connections/autotask', need: 'admin', json: { username: 'u@x.example' } },
  { method: 'DELETE', template: '/v1/tenants/:id/connections/:connector', need: 'admin' },
  { method: 'POST', template: '/v1/tenants/:id/connections/:connector/test', need: 'admin' },
  { method: 'POST', template: '/v1/maintenance/reseal-secrets', need: 'admin' },
  {
    method: 'POST',
    template: '/v1/users',
    need: 'admin',
    json: { id: 'u-new', tenantId: 't-auth', mailbox: 'n@x.example' },
  },
  { method: 'GET', template: '/v1/users', need: 'read' },
  { method: 'GET', template: '/v1/users/:id', need: 'read' },
  { method: 'PATCH', template: '/v1/users/:id', need: 'admin', json: {} },
  { method: 'GET', template: '/v1/users/:id/policy', need: 'read' },
  { method: 'PUT', template: '/v1/users/:id/policy', need: 'admin', json: {} },
  { method: 'POST', template: '/v1/users/:id/sync/start', need: 'admin' },
  { method: 'POST', template: '/v1/users/:id/sync/stop', need: 'admin' },
  { method: 'POST', template: '/v1/users/:id/sync/pause', need: 'admin' },
  { method: 'POST', template: '/v1/users/:id/sync/resume', need: 'admin' },
  { method: 'POST', template: '/v1/users/:id/sync/resync', need: 'resync', json: { mode: 'incremental' } },
  {
    method: 'POST',
    template: '/v1/users/:id/sync/configure',
    need: 'admin',
    json: { settings: { pollIntervalMs: 60_000 } },
  },
  { method: 'GET', template: '/v1/users/:id/sync', need: 'read' },
  { method: 'POST', template: '/v1/users/sync/start', need: 'admin', json: { userIds: ['nobody'] } },
  { method: 'POST', template: '/v1/users/sync/stop', need: 'admin', json: { userIds: ['nobody'] } },
  { method: 'GET', template: '/v1/users/:id/audit', need: 'read' },
  { method: 'GET', template: '/v1/users/:id/links', need: 'read', query: 'side=outlook&nativeId=x' },
  { method: 'GET', template: '/v1/users/:id/links/:linkId', need: 'read' },
  { method: 'POST', template: '/codec/encode', need: 'decode', json: { payloads: [] } },
  { method: 'POST', template: '/codec/decode', need: 'decode', json: { payloads: [] } },
  { method: 'POST', template: '/webhooks/graph/notifications', need: 'public', json: {}, query: 'validationToken=t' },
  { method: 'POST', template: '/webhooks/graph/lifecycle', need: 'public', json: {}, query: 'validationToken=t' },
  { method: 'POST', template: '/webhooks/netsuite/:tenantId', need: 'public', json: {} },
  { method: 'GET', template: '/admin-consent/callback', need: 'public', query: 'state=s' },
];

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack({
    rateLimitPerMinute: 10_000,
    bodyLimitBytes: 4096,
    bootstrapAdminKey: 'bootstrap-admin-key-0123456789-abcdefghij',
  });
  const admin = bearer(stack.keys.admin);
  await stack.request('POST', '/v1/tenants', { headers: admin, json: { id: 't-auth', name: 'Auth' } });
  await stack.request('POST', '/v1/users', {
    headers: admin,
    json: { id: 'u-auth', tenantId: 't-auth', mailbox: 'u@auth.example' },
  });
});
afterAll(async () => stack?.close());

const call = (route: Route, headers: Record<string, string> = {}) =>
  stack.request(route.method, pathOf(route), { headers, ...(route.json !== undefined && { json: route.json }) });

describe('who may call what', () => {
  it('lists every route of the API', async () => {
    const doc = (await stack.request('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
    );
    const tabled = new Set(routes.map((r) => `${r.method} ${r.template}`));
    expect(documented.filter((route) => !tabled.has(route))).toEqual([]);
    expect(documented.length).toBeGreaterThan(40);
  });

  it.each(routes.filter((r) => r.need !== 'public'))(
    '$method $template refuses a caller without a key',
    async (route) => {
      const res = await call(route);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  );

  it.each(routes.filter((r) => r.need === 'admin' || r.need === 'decode'))(
    '$method $template refuses an operator key with 403',
    async (route) => {
      const res = await call(route, bearer(stack.keys.operator));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
    }
  );

  it.each(routes.filter((r) => r.need === 'read' || r.need === 'resync'))(
    '$method $template lets an operator key in',
    async (route) => {
      const res = await call(route, bearer(stack.keys.operator));
      expect([401, 403]).not.toContain(res.status);
    }
  );

  it.each(routes.filter((r) => r.need === 'public'))('$method $template needs no key', async (route) => {
    const res = await call(route);
    // Webhooks carry their own proof and may refuse it; what they never ask for is an API key.
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.status).not.toBe(403);
  });

  it('lets an operator key with the decode permission use the codec, and nothing an admin alone may do', async () => {
    const decoder = bearer(stack.keys.decoder);
    expect((await stack.request('POST', '/codec/decode', { headers: decoder, json: { payloads: [] } })).status).toBe(
      200
    );
    expect(
      (await stack.request('POST', '/v1/tenants', { headers: decoder, json: { id: 'dec', name: 'x' } })).status
    ).toBe(403);
  });
});

describe('API keys', () => {
  it('creates a key shown once, stores only its hash, and revokes it', async () => {
    const admin = bearer(stack.keys.admin);
    const created = await stack.request('POST', '/v1/api-keys', {
      headers: admin,
      json: { name: 'ci', role: 'operator' },
    });
    expect(created.status).toBe(201);
    const { id, key } = created.body as { id: string; key: string };
    expect(key).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
    expect((await stack.request('GET', '/v1/tenants', { headers: bearer(key) })).status).toBe(200);

    const listed = await stack.request('GET', '/v1/api-keys', { headers: admin });
    expect(listed.text).not.toContain(key);
    expect((listed.body.items as { id: string }[]).find((k) => k.id === id)).toMatchObject({
      name: 'ci',
      role: 'operator',
      canDecode: false,
      revokedAt: null,
    });
    const { rows } = await stack.db.pool.query<{ key_hash: Buffer; name: string }>(
      'SELECT key_hash, name FROM api_keys'
    );
    for (const row of rows) expect(row.key_hash.includes(Buffer.from(key))).toBe(false);

    expect((await stack.request('DELETE', `/v1/api-keys/${id}`, { headers: admin })).status).toBe(204);
    expect((await stack.request('GET', '/v1/tenants', { headers: bearer(key) })).status).toBe(401);
    expect((await stack.request('DELETE', `/v1/api-keys/${id}`, { headers: admin })).status).toBe(404);
  });

  it('accepts the configured bootstrap key as an admin key, stored hashed', async () => {
    const key = 'bootstrap-admin-key-0123456789-abcdefghij';
    expect(
      (
        await stack.request('POST', '/v1/api-keys', {
          headers: bearer(key),
          json: { name: 'made-by-bootstrap', role: 'admin' },
        })
      ).status
    ).toBe(201);
    const { rows } = await stack.db.pool.query<{ key_hash: Buffer; role: string }>(
      "SELECT key_hash, role FROM api_keys WHERE id = 'bootstrap'"
    );
    expect(rows[0]!.role).toBe('admin');
    expect(rows[0]!.key_hash.toString('latin1')).not.toContain('bootstrap-admin-key');
  });

  it('retires the bootstrap key when an API starts without it configured', async () => {
    const key = 'bootstrap-admin-key-0123456789-abcdefghij';
    expect((await stack.request('GET', '/v1/tenants', { headers: bearer(key) })).status).toBe(200);
    const restarted = await buildApi({
      temporal: stack.temporal,
      pool: stack.db.pool,
      users: new UserStore(stack.db.pool),
      taskQueue: stack.taskQueue,
      syncSettings: { pollIntervalMs: 60_000, maxHistoryEvents: 2000 },
      logger: pino({ level: 'silent' }),
      docsUi: false,
    });
    await restarted.close();
    expect((await stack.request('GET', '/v1/tenants', { headers: bearer(key) })).status).toBe(401);
  });

  it('refuses unknown tokens and malformed authorization headers', async () => {
    for (const authorization of [
      'Bearer csk_not-a-real-key',
      'Basic dXNlcjpwYXNz',
      'Bearer',
      `bearer ${stack.keys.admin} extra`,
    ]) {
      const res = await stack.request('GET', '/v1/tenants', { headers: { authorization } });
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
    }
  });
});

describe('limits', () => {
  it('refuses a body over the limit with 413', async () => {
    const res = await stack.request('POST', '/v1/tenants', {
      headers: bearer(stack.keys.admin),
      json: { id: 'big', name: 'x'.repeat(5000) },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.title).toBe('Body too large');
  });

  it('limits each key separately and says when to retry', async () => {
    const limited = await startApiStack({ rateLimitPerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await limited.request('GET', '/v1/tenants', { headers: bearer(limited.keys.operator) })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await limited.request('GET', '/v1/tenants', { headers: bearer(limited.keys.operator) });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body).toMatchObject({ status: 429, title: 'Too many requests' });
      expect((await limited.request('GET', '/v1/tenants', { headers: bearer(limited.keys.admin) })).status).toBe(200);
      expect((await limited.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('request ids', () => {
  it("returns the caller's request id, or a new one", async () => {
    const given = await stack.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await stack.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
