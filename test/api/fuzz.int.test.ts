import fc from 'fast-check';
import { WebhookSubscriptionStore } from '../../src/store/webhook-subscriptions';
import { userSyncWorkflowId } from '../../src/workflows/user-sync/workflow-id';
import { signalsOf, workflowExists } from './support/history';
import { bearer, startApiStack, type ApiStack, type Reply } from './support/stack';

/*
 * Generated malformed requests: admin bodies that are wrong by construction (an unknown field, a
 * field of the wrong type, not an object, not JSON) and webhook deliveries that cannot be genuine
 * (random payloads, wrong clientStates, random signatures). Each must get a 4xx problem, none a 5xx,
 * and no workflow may receive a signal or be started.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20260512);
const CLIENT_STATE = 'fuzz-client-state-0123456789';
const PUSH_SECRET = 'fuzz-push-secret-0123456789';

let stack: ApiStack;
let admin: Record<string, string>;
const running = userSyncWorkflowId('fz', 'u-run');
const idle = userSyncWorkflowId('fz', 'u-idle');
let signalsBefore: number;
let cases = 0;

beforeAll(async () => {
  stack = await startApiStack({ rateLimitPerMinute: 100_000, statusQueryTimeoutMs: 300 });
  admin = bearer(stack.keys.admin);
  await stack.request('POST', '/v1/tenants', { headers: admin, json: { id: 'fz', name: 'Fuzz' } });
  await stack.request('PUT', '/v1/tenants/fz/connections/netsuite', {
    headers: admin,
    json: {
      accountId: 'FZ1',
      auth: 'tba',
      tba: { consumerKey: 'a', consumerSecret: 'b', tokenId: 'c', tokenSecret: 'd' },
      pushSecret: PUSH_SECRET,
    },
  });
  for (const id of ['u-run', 'u-idle']) {
    await stack.request('POST', '/v1/users', {
      headers: admin,
      json: { id, tenantId: 'fz', mailbox: `${id}@fz.example`, netsuiteEmployeeId: id === 'u-run' ? '1' : '2' },
    });
  }
  expect((await stack.request('POST', '/v1/users/u-run/sync/start', { headers: admin })).status).toBe(202);
  const subs = new WebhookSubscriptionStore(stack.db.pool);
  const expiresAt = new Date(Date.now() + 86_400_000);
  await subs.register({ id: 'sub-run', tenantId: 'fz', userId: 'u-run', clientState: CLIENT_STATE, expiresAt });
  await subs.register({ id: 'sub-idle', tenantId: 'fz', userId: 'u-idle', clientState: CLIENT_STATE, expiresAt });
  signalsBefore = (await signalsOf(stack.temporal, running)).length;
}, 60_000);

afterAll(async () => {
  if (stack) {
    // Nothing reached a workflow, and nothing started one.
    expect((await signalsOf(stack.temporal, running)).length).toBe(signalsBefore);
    expect(await workflowExists(stack.temporal, idle)).toBe(false);
    expect(cases).toBeGreaterThanOrEqual(500);
    await stack.close();
  }
});

function expectProblem(res: Reply, label: unknown): void {
  cases += 1;
  const ok =
    res.status >= 400 &&
    res.status < 500 &&
    /^application\/problem\+json/.test(res.headers.get('content-type') ?? '') &&
    res.body?.status === res.status &&
    typeof res.body?.title === 'string';
  if (!ok)
    throw new Error(
      `expected a 4xx problem for ${JSON.stringify(label).slice(0, 500)}, got ${res.status} ${res.text.slice(0, 300)}`
    );
}

// ---- admin bodies ------------------------------------------------------------------------------

/** Valid bodies; every mutation below makes them invalid. */
const targets: { method: string; path: string; valid: Record<string, unknown> }[] = [
  { method: 'POST', path: '/v1/tenants', valid: { id: 'fz-new', name: 'New' } },
  { method: 'PATCH', path: '/v1/tenants/fz', valid: { name: 'Renamed' } },
  {
    method: 'PUT',
    path: '/v1/tenants/fz/policy',
    valid: { netsuite: { direction: 'both' }, autotask: { selection: { mode: 'all' } } },
  },
  {
    method: 'PUT',
    path: '/v1/tenants/fz/connections/graph',
    valid: { directoryId: 'd', clientId: 'c', cloud: 'global', clientSecret: 's' },
  },
  {
    method: 'PUT',
    path: '/v1/tenants/fz/connections/netsuite',
    valid: {
      accountId: 'A1',
      auth: 'tba',
      tba: { consumerKey: 'a', consumerSecret: 'b', tokenId: 'c', tokenSecret: 'd' },
    },
  },
  {
    method: 'PUT',
    path: '/v1/tenants/fz/connections/autotask',
    valid: { username: 'api@fz.example', secret: 's', integrationCode: 'i' },
  },
  {
    method: 'POST',
    path: '/v1/users',
    valid: { id: 'u-new', tenantId: 'fz', mailbox: 'new@fz.example', timeZone: 'UTC' },
  },
  { method: 'PATCH', path: '/v1/users/u-idle', valid: { timeZone: 'Europe/Paris' } },
  { method: 'PUT', path: '/v1/users/u-idle/policy', valid: { netsuite: { syncWindow: { pastDays: 3 } } } },
  { method: 'POST', path: '/v1/users/sync/start', valid: { userIds: ['u-idle'] } },
  { method: 'POST', path: '/v1/users/u-run/sync/resync', valid: { mode: 'full' } },
  { method: 'POST', path: '/v1/users/u-run/sync/configure', valid: { settings: { pollIntervalMs: 60_000 } } },
  { method: 'POST', path: '/v1/api-keys', valid: { name: 'k', role: 'operator' } },
  { method: 'POST', path: '/v1/tenants/fz/discover', valid: { email: 'a@fz.example' } },
];

const notJson = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});
/** No field of any schema accepts an array of integers, and no body may be one. */
const wrongValue = fc.array(fc.integer(), { minLength: 1, maxLength: 3 });
const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).map((k) => `x_${k}`);

type Mutation = { kind: 'raw'; raw: string } | { kind: 'json'; json: unknown };
const mutations = (valid: Record<string, unknown>): fc.Arbitrary<Mutation> =>
  fc.oneof(
    unknownKey.chain((key) =>
      fc.jsonValue().map((value) => ({ kind: 'json' as const, json: { ...valid, [key]: value } }))
    ),
    fc
      .constantFrom(...Object.keys(valid))
      .chain((key) => wrongValue.map((value) => ({ kind: 'json' as const, json: { ...valid, [key]: value } }))),
    fc
      .oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.jsonValue(), { maxLength: 3 }))
      .map((json) => ({ kind: 'json' as const, json })),
    notJson.map((raw) => ({ kind: 'raw' as const, raw }))
  );

const adminCase = fc
  .constantFrom(...targets)
  .chain((target) => mutations(target.valid).map((mutation) => ({ target, mutation })));

describe('fuzzed admin bodies', () => {
  it('answers every malformed body with a 4xx problem naming what is wrong', async () => {
    await fc.assert(
      fc.asyncProperty(adminCase, async ({ target, mutation }) => {
        const res = await stack.request(target.method, target.path, {
          headers: admin,
          ...(mutation.kind === 'raw' ? { raw: mutation.raw } : { json: mutation.json }),
        });
        expectProblem(res, { target: target.path, mutation });
        if (res.status === 400) expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
      }),
      { numRuns: 200, seed: SEED }
    );
  }, 120_000);
});

// ---- webhooks ------------------------------------------------------------------------------------

const anyJson = fc.jsonValue({ maxDepth: 4 });
const forgedState = fc.string({ maxLength: 140 }).filter((s) => s !== CLIENT_STATE);
const subscriptionId = fc.oneof(fc.constantFrom('sub-run', 'sub-idle'), fc.string({ minLength: 1, maxLength: 40 }));

const graphItem = fc.record(
  {
    subscriptionId,
    clientState: fc.option(forgedState, { nil: undefined }),
    changeType: fc.constantFrom('created', 'updated', 'deleted'),
    resource: fc.constant('Users/u/Events/e'),
    resourceData: fc.record({ id: fc.string({ maxLength: 20 }), '@odata.etag': fc.string({ maxLength: 20 }) }),
    lifecycleEvent: fc.constantFrom('reauthorizationRequired', 'subscriptionRemoved', 'missed'),
  },
  { requiredKeys: ['subscriptionId'] }
);

const graphBody: fc.Arbitrary<Mutation> = fc.oneof(
  anyJson.map((json) => ({ kind: 'json' as const, json })),
  fc.array(graphItem, { maxLength: 4 }).map((value) => ({ kind: 'json' as const, json: { value } })),
  fc.array(anyJson, { maxLength: 3 }).map((value) => ({ kind: 'json' as const, json: { value } })),
  notJson.map((raw) => ({ kind: 'raw' as const, raw }))
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream'
);

describe('fuzzed webhook deliveries', () => {
  it('refuses every delivery to the Graph endpoints that is not genuine', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('notifications', 'lifecycle'),
        graphBody,
        contentType,
        async (endpoint, body, type) => {
          const res = await stack.request('POST', `/webhooks/graph/${endpoint}`, {
            headers: { 'content-type': type },
            ...(body.kind === 'raw' ? { raw: body.raw } : { raw: JSON.stringify(body.json) }),
          });
          expectProblem(res, { endpoint, body, type });
        }
      ),
      { numRuns: 250, seed: SEED }
    );
  }, 120_000);

  it('refuses every NetSuite push that is unsigned, mis-signed, stale or for an unknown tenant', async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const push = fc.record({
      tenant: fc.oneof(fc.constant('fz'), fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent)),
      body: fc.oneof(
        anyJson.map((j) => JSON.stringify(j)),
        notJson,
        fc.constant(JSON.stringify({ type: 'edit', id: '1' }))
      ),
      signature: fc.option(fc.oneof(fc.stringMatching(/^v1=[0-9a-f]{64}$/), fc.string({ maxLength: 80 })), {
        nil: undefined,
      }),
      skew: fc.oneof(
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: 301, max: 10_000_000 }),
        fc.integer({ min: -10_000_000, max: -301 })
      ),
      timestamp: fc.option(fc.oneof(fc.constant('now'), fc.string({ maxLength: 12 })), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(push, async (p) => {
        const headers: Record<string, string> = {};
        if (p.signature !== undefined) headers['x-calsync-signature'] = p.signature;
        if (p.timestamp !== undefined)
          headers['x-calsync-timestamp'] = p.timestamp === 'now' ? String(now() + p.skew) : p.timestamp;
        const res = await stack.request('POST', `/webhooks/netsuite/${p.tenant}`, { headers, raw: p.body });
        expectProblem(res, p);
      }),
      { numRuns: 150, seed: SEED }
    );
  }, 120_000);

  it('counted every refused delivery in the metrics', async () => {
    const res = await stack.request('GET', '/metrics', { headers: bearer(stack.keys.operator) });
    const refused = [
      ...res.text.matchAll(
        /calsync_webhook_notifications_total\{source="[^"]+",outcome="(forged|unknown-subscription|malformed|stale|replayed|unknown-tenant|not-configured)"\} (\d+)/g
      ),
    ]
      .map((m) => Number(m[2]))
      .reduce((a, b) => a + b, 0);
    expect(refused).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toMatch(/calsync_webhook_notifications_total\{source="[^"]+",outcome="signalled"\}/);
  });
});
