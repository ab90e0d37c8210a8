import { createHmac } from 'node:crypto';
import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../src/emulators/netsuite';
import { WebhookSubscriptionStore } from '../../src/store/webhook-subscriptions';
import { userSyncWorkflowId } from '../../src/workflows/user-sync/workflow-id';
import { signalsOf, workflowExists } from './support/history';
import { seedItem } from './support/items';
import { bearer, pluck, startApiStack, type ApiStack } from './support/stack';

/*
 * The real user-sync workflow is started through the API on a task queue no worker polls: it stays
 * Running and records every signal in its history, which is what these tests read.
 */

let stack: ApiStack;
let admin: Record<string, string>;
let subscriptions: WebhookSubscriptionStore;
const PUSH_SECRET = 'netsuite-push-secret-for-tests';
const syncing = userSyncWorkflowId('hooks', 'u-on');
const idle = userSyncWorkflowId('hooks', 'u-off');
const also = userSyncWorkflowId('hooks', 'u-also');

const change = (subscriptionId: string, clientState: string, itemId = 'AAMkEvent1', etag = 'W/"ck-1"') => ({
  subscriptionId,
  subscriptionExpirationDateTime: '2030-01-01T00:00:00Z',
  changeType: 'updated',
  resource: `Users/11111111-2222-3333-4444-555555555555/Events/${itemId}`,
  clientState,
  tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
  resourceData: {
    '@odata.type': '#Microsoft.Graph.Event',
    '@odata.id': `Users/x/Events/${itemId}`,
    '@odata.etag': etag,
    id: itemId,
  },
});

const lifecycle = (subscriptionId: string, clientState: string, lifecycleEvent: string) => ({
  subscriptionId,
  subscriptionExpirationDateTime: '2030-01-01T00:00:00Z',
  tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
  clientState,
  lifecycleEvent,
});

const sign = (secret: string, ts: number, body: string) =>
  `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
const push = (body: string, ts = Math.floor(Date.now() / 1000), signature = sign(PUSH_SECRET, ts, body)) => ({
  'x-calsync-timestamp': String(ts),
  'x-calsync-signature': signature,
});

beforeAll(async () => {
  stack = await startApiStack({ netsuitePushToleranceSeconds: 300, statusQueryTimeoutMs: 300 });
  admin = bearer(stack.keys.admin);
  subscriptions = new WebhookSubscriptionStore(stack.db.pool);
  await stack.request('POST', '/v1/tenants', { headers: admin, json: { id: 'hooks', name: 'Hooks' } });
  await stack.request('PUT', '/v1/tenants/hooks/connections/netsuite', {
    headers: admin,
    json: {
      accountId: '1234567_SB1',
      auth: 'tba',
      pushInstalled: true,
      tba: { consumerKey: 'a', consumerSecret: 'b', tokenId: 'c', tokenSecret: 'd' },
      pushSecret: PUSH_SECRET,
    },
  });
  for (const [id, employee] of [
    ['u-on', '501'],
    ['u-off', '502'],
    ['u-also', '503'],
  ] as const) {
    await stack.request('POST', '/v1/users', {
      headers: admin,
      json: { id, tenantId: 'hooks', mailbox: `${id}@hooks.example`, netsuiteEmployeeId: employee },
    });
  }
  expect((await stack.request('POST', '/v1/users/u-on/sync/start', { headers: admin })).status).toBe(202);
  expect((await stack.request('POST', '/v1/users/u-also/sync/start', { headers: admin })).status).toBe(202);
  await subscriptions.register({
    id: 'sub-on',
    tenantId: 'hooks',
    userId: 'u-on',
    clientState: 'state-on-0123456789',
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  await subscriptions.register({
    id: 'sub-off',
    tenantId: 'hooks',
    userId: 'u-off',
    clientState: 'state-off-0123456789',
    expiresAt: new Date(Date.now() + 86_400_000),
  });
}, 60_000);
afterAll(async () => stack?.close());

describe('Graph notifications', () => {
  it('echoes the validation token as text/plain', async () => {
    for (const path of ['/webhooks/graph/notifications', '/webhooks/graph/lifecycle']) {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 7f1e+a/b=';
      const res = await stack.request('POST', `${path}?validationToken=${encodeURIComponent(token)}`, {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        raw: '',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toBe(token);
    }
  });

  it("signals the user's running sync with a hint, and answers 202 within 3 s", async () => {
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const started = Date.now();
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-on', 'state-on-0123456789')] },
    });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(3000);
    const signals = await signalsOf(stack.temporal, syncing);
    expect(signals.slice(before)).toEqual([
      {
        name: 'changed',
        input: [
          {
            source: 'outlook',
            id: 'graph:AAMkEvent1:W/"ck-1"',
            // The version lets the workflow tell the echo of its own write without a Graph call.
            seen: { recordId: 'AAMkEvent1', version: 'ck-1' },
          },
        ],
      },
    ]);
  });

  it('passes no version for a deletion, under a key of its own: its etag may equal the one our write was notified with', async () => {
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [{ ...change('sub-on', 'state-on-0123456789', 'AAMkGone', 'W/"ck-7"'), changeType: 'deleted' }] },
    });
    expect(res.status).toBe(202);
    const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
    // Never an echo, and never a repeat of the created/updated notification of the same version.
    expect(signals).toEqual([{ name: 'changed', input: [{ source: 'outlook', id: 'graph:deleted:AAMkGone' }] }]);
  });

  it("drops the notification of our own write (the version stored for the user's Outlook copy) and signals a newer one", async () => {
    await seedItem(stack.db.pool, 'hooks', {
      itemId: 'i_echoed00000000000000001',
      kind: 'event',
      origin: 'netsuite',
      replicas: {
        netsuite: { side: 'netsuite', recordId: '9101', base: null },
        'outlook:u-on': { side: 'outlook', userId: 'u-on', recordId: 'AAMkOurs', base: null, version: 'ck-ours' },
      },
    });
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: {
        value: [
          change('sub-on', 'state-on-0123456789', 'AAMkOurs', 'W/"ck-ours"'),
          change('sub-on', 'state-on-0123456789', 'AAMkOurs', 'W/"ck-theirs"'),
        ],
      },
    });
    expect(res.status).toBe(202);
    const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
    // The person's later edit travels; the echo costs the workflow nothing.
    expect(signals).toEqual([
      {
        name: 'changed',
        input: [
          {
            source: 'outlook',
            id: 'graph:AAMkOurs:W/"ck-theirs"',
            seen: { recordId: 'AAMkOurs', version: 'ck-theirs' },
          },
        ],
      },
    ]);
  });

  it('drops a notification for a user who is not syncing, and starts nothing', async () => {
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-off', 'state-off-0123456789')] },
    });
    expect(res.status).toBe(202);
    expect(await workflowExists(stack.temporal, idle)).toBe(false);
  });

  it('rejects a forged clientState and signals nothing', async () => {
    const before = await signalsOf(stack.temporal, syncing);
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-on', 'state-on-0123456788')] },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const missing = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [{ ...change('sub-on', ''), clientState: undefined }] },
    });
    expect(missing.status).toBe(403);
    expect(await signalsOf(stack.temporal, syncing)).toEqual(before);
  });

  it('rejects an unknown subscription and malformed bodies with 4xx problems', async () => {
    const before = await signalsOf(stack.temporal, syncing);
    const unknown = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-nope', 'state-on-0123456789')] },
    });
    expect(unknown.status).toBe(404);
    const notJson = await stack.request('POST', '/webhooks/graph/notifications', { raw: '{"value": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors).toEqual([{ field: 'body', reason: 'not JSON' }]);
    const wrongShape = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [{ subscriptionId: 'sub-on' }] },
    });
    expect(wrongShape.status).toBe(400);
    expect(pluck(wrongShape.body.errors, 'field')).toEqual(
      expect.arrayContaining(['body.value.0.changeType', 'body.value.0.resource'])
    );
    expect(await signalsOf(stack.temporal, syncing)).toEqual(before);
  });

  it('accepts the genuine notifications of a mixed batch and ignores the forged ones', async () => {
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-on', 'wrong'), change('sub-on', 'state-on-0123456789', 'AAMkEvent2', 'W/"ck-9"')] },
    });
    expect(res.status).toBe(202);
    const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
    expect(signals).toEqual([
      {
        name: 'changed',
        input: [
          { source: 'outlook', id: 'graph:AAMkEvent2:W/"ck-9"', seen: { recordId: 'AAMkEvent2', version: 'ck-9' } },
        ],
      },
    ]);
  });

  it('forwards reauthorizationRequired, subscriptionRemoved and missed to the workflow', async () => {
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const res = await stack.request('POST', '/webhooks/graph/lifecycle', {
      json: {
        value: ['reauthorizationRequired', 'subscriptionRemoved', 'missed'].map((e) =>
          lifecycle('sub-on', 'state-on-0123456789', e)
        ),
      },
    });
    expect(res.status).toBe(202);
    const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
    expect(signals.map((s) => s.name)).toEqual(['lifecycle', 'lifecycle', 'lifecycle']);
    expect(signals.map((s) => s.input[0])).toEqual(
      expect.arrayContaining([
        { source: 'outlook', event: 'reauthorizationRequired', subscriptionId: 'sub-on' },
        { source: 'outlook', event: 'subscriptionRemoved', subscriptionId: 'sub-on' },
        { source: 'outlook', event: 'missed', subscriptionId: 'sub-on' },
      ])
    );
    const forged = await stack.request('POST', '/webhooks/graph/lifecycle', {
      json: { value: [lifecycle('sub-on', 'nope', 'missed')] },
    });
    expect(forged.status).toBe(403);
  });

  it('stops accepting a subscription once the engine removed it', async () => {
    await subscriptions.register({
      id: 'sub-tmp',
      tenantId: 'hooks',
      userId: 'u-on',
      clientState: 'tmp-state-0123456789',
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await subscriptions.find('sub-tmp')).toMatchObject({ tenantId: 'hooks', userId: 'u-on' });
    expect(await subscriptions.remove('sub-tmp')).toBe(true);
    const res = await stack.request('POST', '/webhooks/graph/notifications', {
      json: { value: [change('sub-tmp', 'tmp-state-0123456789')] },
    });
    expect(res.status).toBe(404);
  });
});

describe('NetSuite push', () => {
  beforeAll(async () => {
    // A NetSuite event synced to u-on's mailbox: a push for it concerns u-on only.
    await seedItem(stack.db.pool, 'hooks', {
      itemId: 'i_pushed000000000000000001',
      kind: 'event',
      origin: 'netsuite',
      replicas: {
        netsuite: { side: 'netsuite', recordId: '9001', base: null },
        'outlook:u-on': { side: 'outlook', userId: 'u-on', recordId: 'AAMk-on-1', base: null },
      },
    });
  });

  it('verifies the signature and signals the user whose item it is, and nobody else', async () => {
    const before = (await signalsOf(stack.temporal, syncing)).length;
    const othersBefore = (await signalsOf(stack.temporal, also)).length;
    const body = JSON.stringify({ type: 'edit', id: '9001', lastModified: '2026-03-01T10:00:00Z' });
    const res = await stack.request('POST', '/webhooks/netsuite/hooks', { headers: push(body), raw: body });
    expect(res.status).toBe(202);
    const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
    expect(signals).toEqual([
      {
        name: 'changed',
        // `changed`: a push is a person's edit (the script skips ours), so its item is read early.
        input: [
          { source: 'netsuite', id: 'netsuite:edit:9001:2026-03-01T10:00:00Z', records: ['9001'], changed: true },
        ],
      },
    ]);
    expect((await signalsOf(stack.temporal, also)).length).toBe(othersBefore);
  });

  it('rejects a forged HMAC, a stale timestamp, a replay and an unknown tenant, signalling nothing', async () => {
    const before = await signalsOf(stack.temporal, syncing);
    const body = JSON.stringify({ type: 'delete', id: '9001' });

    const forged = await stack.request('POST', '/webhooks/netsuite/hooks', {
      headers: push(body, undefined, sign('another-secret-entirely', Math.floor(Date.now() / 1000), body)),
      raw: body,
    });
    expect(forged.status).toBe(401);
    expect(forged.body.title).toBe('Bad signature');

    const tampered = await stack.request('POST', '/webhooks/netsuite/hooks', {
      headers: push(body),
      raw: body.replace('9001', '9002'),
    });
    expect(tampered.status).toBe(401);

    const old = Math.floor(Date.now() / 1000) - 301;
    const stale = await stack.request('POST', '/webhooks/netsuite/hooks', { headers: push(body, old), raw: body });
    expect(stale.status).toBe(401);
    expect(stale.body.title).toBe('Stale push');

    const unsigned = await stack.request('POST', '/webhooks/netsuite/hooks', { raw: body });
    expect(unsigned.status).toBe(401);

    const unknown = await stack.request('POST', '/webhooks/netsuite/nobody', { headers: push(body), raw: body });
    expect(unknown.status).toBe(404);

    expect(await signalsOf(stack.temporal, syncing)).toEqual(before);

    const headers = push(body);
    expect((await stack.request('POST', '/webhooks/netsuite/hooks', { headers, raw: body })).status).toBe(202);
    const afterFirst = await signalsOf(stack.temporal, syncing);
    const replay = await stack.request('POST', '/webhooks/netsuite/hooks', { headers, raw: body });
    expect(replay.status).toBe(409);
    expect(replay.body.title).toBe('Replayed push');
    expect(await signalsOf(stack.temporal, syncing)).toEqual(afterFirst);
  });

  it('refuses a correctly signed body that is not a push', async () => {
    const before = await signalsOf(stack.temporal, syncing);
    for (const body of ['not json at all', JSON.stringify({ type: 'explode', id: '1' })]) {
      const res = await stack.request('POST', '/webhooks/netsuite/hooks', { headers: push(body), raw: body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect(await signalsOf(stack.temporal, syncing)).toEqual(before);
  });

  it("receives what the NetSuite emulator's User Event script pushes when someone edits in NetSuite", async () => {
    let emulator: NetSuiteEmulator | undefined;
    try {
      emulator = await startNetSuiteEmulator({
        push: { url: `${stack.url}/webhooks/netsuite/hooks`, secret: PUSH_SECRET },
      });
      const before = (await signalsOf(stack.temporal, syncing)).length;
      const othersBefore = (await signalsOf(stack.temporal, also)).length;
      const employee = emulator.addEmployee({ name: 'On User', email: 'u-on@hooks.example' });
      emulator.userSide.createEvent(employee.id, {
        title: 'Pushed from the NetSuite UI',
        date: '2026-05-04',
        startTime: '10:00',
        endTime: '11:00',
      });
      await emulator.flushPushes();
      expect(emulator.pushes.map((p) => p.status)).toEqual([202]);
      // A new record names no owner calsync knows yet: the tenant's syncing NetSuite users are woken.
      const signals = (await signalsOf(stack.temporal, syncing)).slice(before);
      expect(signals).toHaveLength(1);
      expect((await signalsOf(stack.temporal, also)).length).toBe(othersBefore + 1);
      expect(signals[0]).toMatchObject({
        name: 'changed',
        input: [{ source: 'netsuite', id: expect.stringMatching(/^netsuite:create:/) }],
      });
      expect(await workflowExists(stack.temporal, idle)).toBe(false);
    } finally {
      await emulator?.close();
    }
  });
});

describe('webhook metrics and logs', () => {
  it('counts every outcome', async () => {
    const res = await stack.request('GET', '/metrics', { headers: bearer(stack.keys.operator) });
    expect(res.status).toBe(200);
    const count = (source: string, outcome: string) =>
      Number(
        new RegExp(`calsync_webhook_notifications_total\\{source="${source}",outcome="${outcome}"\\} (\\d+)`).exec(
          res.text
        )?.[1] ?? 0
      );
    expect(count('graph', 'signalled')).toBeGreaterThanOrEqual(2);
    expect(count('graph', 'not-syncing')).toBeGreaterThanOrEqual(1);
    expect(count('graph', 'echo')).toBe(1);
    expect(count('graph', 'forged')).toBeGreaterThanOrEqual(3);
    expect(count('graph', 'unknown-subscription')).toBeGreaterThanOrEqual(2);
    expect(count('graph', 'malformed')).toBeGreaterThanOrEqual(2);
    expect(count('graph', 'validation')).toBe(1);
    expect(count('graph-lifecycle', 'signalled')).toBe(3);
    expect(count('netsuite', 'forged')).toBeGreaterThanOrEqual(3);
    expect(count('netsuite', 'stale')).toBe(1);
    expect(count('netsuite', 'replayed')).toBe(1);
    expect(count('netsuite', 'malformed')).toBe(2);
    expect(count('netsuite', 'unknown-tenant')).toBe(1);
    expect(res.text).toMatch(
      /calsync_api_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/webhooks\/graph\/notifications",status_code="202"\}/
    );
  });

  it('logs request and workflow ids but no event contents', async () => {
    const subject = 'Confidential merger talk with Initech';
    await stack.request('POST', '/webhooks/graph/notifications', {
      headers: { 'x-request-id': 'req-webhook-42' },
      json: {
        value: [
          {
            ...change('sub-on', 'state-on-0123456789', 'AAMkEvent3', 'W/"ck-3"'),
            resourceData: { id: 'AAMkEvent3', '@odata.etag': 'W/"ck-3"', subject },
          },
        ],
      },
    });
    const lines = stack.logs.filter((l) => l.reqId === 'req-webhook-42');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.workflowId === syncing && l.outcome === 'signalled')).toBe(true);
    expect(JSON.stringify(stack.logs)).not.toContain(subject);
    expect(JSON.stringify(stack.logs)).not.toContain('state-on-0123456789');
  });
});
