import { type AutotaskEmulator, startAutotaskEmulator } from '../../src/emulators/autotask';
import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../src/emulators/netsuite';
import { AuditLog } from '../../src/store/audit';
import { userSyncWorkflowId } from '../../src/workflows/user-sync/workflow-id';
import { seedItem } from './support/items';
import { bearer, pluck, startApiStack, type ApiStack } from './support/stack';
import { startTestWorker } from './support/worker';
import { receivedQuery } from './support/workflows';

let stack: ApiStack;
let netsuite: NetSuiteEmulator;
let autotask: AutotaskEmulator;
let worker: { stop(): Promise<void> };
let admin: Record<string, string>;
let operator: Record<string, string>;

const TBA = { consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'tk', tokenSecret: 'ts' };

beforeAll(async () => {
  [stack, netsuite, autotask] = await Promise.all([startApiStack(), startNetSuiteEmulator(), startAutotaskEmulator()]);
  worker = await startTestWorker(stack.taskQueue);
  netsuite.registerTba(TBA);
  admin = bearer(stack.keys.admin);
  operator = bearer(stack.keys.operator);
  for (const id of ['t-users', 't-other']) {
    expect((await stack.request('POST', '/v1/tenants', { headers: admin, json: { id, name: id } })).status).toBe(201);
  }
  await stack.request('PUT', '/v1/tenants/t-users/connections/netsuite', {
    headers: admin,
    json: { accountId: netsuite.accountId, auth: 'tba', restBaseUrl: netsuite.baseUrl, tba: TBA },
  });
  const user = autotask.credentials;
  await stack.request('PUT', '/v1/tenants/t-users/connections/autotask', {
    headers: admin,
    json: {
      username: user.userName,
      zoneDiscoveryUrl: autotask.zoneLookupUrl,
      secret: user.secret,
      integrationCode: user.integrationCode,
    },
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all([stack?.close(), netsuite?.close(), autotask?.close()]);
});

const register = (json: Record<string, unknown>) => stack.request('POST', '/v1/users', { headers: admin, json });

describe('users', () => {
  it('registers a user and discovers their NetSuite employee and Autotask resource by mailbox', async () => {
    const employee = netsuite.addEmployee({ name: 'Dana Rep', email: 'dana@acme.example' });
    const resource = autotask.userSide.createResource({
      firstName: 'Dana',
      lastName: 'Rep',
      email: 'DANA@acme.example',
    });
    const res = await register({
      id: 'u-dana',
      tenantId: 't-users',
      mailbox: 'dana@acme.example',
      timeZone: 'Europe/Berlin',
      discover: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: 'u-dana',
      tenantId: 't-users',
      netsuiteEmployeeId: employee.id,
      autotaskResourceId: resource.id,
      timeZone: 'Europe/Berlin',
      desiredState: 'stopped',
    });
    expect(res.body.discovery).toMatchObject({
      graph: { status: 'not-configured' },
      netsuite: { status: 'found', id: employee.id },
      autotask: { status: 'found', id: String(resource.id) },
    });
  });

  it('reports a person the providers do not know', async () => {
    const res = await stack.request('POST', '/v1/tenants/t-users/discover', {
      headers: admin,
      json: { email: 'nobody@acme.example' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      graph: expect.objectContaining({ status: 'not-configured' }),
      netsuite: { status: 'not-found' },
      autotask: { status: 'not-found' },
    });
  });

  it('refuses a second user with the same mailbox, naming the field', async () => {
    await register({ id: 'u-first', tenantId: 't-users', mailbox: 'same@acme.example' });
    const res = await register({ id: 'u-second', tenantId: 't-users', mailbox: 'same@acme.example' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ field: 'body.mailbox', reason: 'already registered' }]);
  });

  it('names the field and the reason of an invalid registration', async () => {
    const res = await register({ id: 'u-bad', tenantId: 't-users', mailbox: 'not-an-email', timeZone: 'Mars/Olympus' });
    expect(res.status).toBe(400);
    const fields = pluck(res.body.errors, 'field').sort();
    expect(fields).toEqual(['body.mailbox', 'body.timeZone']);
    expect((await register({ id: 'u-x', tenantId: 'no-such-tenant', mailbox: 'x@acme.example' })).status).toBe(404);
  });

  it('updates a user and clears a provider id with null', async () => {
    await register({ id: 'u-upd', tenantId: 't-users', mailbox: 'upd@acme.example', netsuiteEmployeeId: '77' });
    const res = await stack.request('PATCH', '/v1/users/u-upd', {
      headers: admin,
      json: { netsuiteEmployeeId: null, timeZone: 'America/Chicago' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      netsuiteEmployeeId: null,
      timeZone: 'America/Chicago',
      mailbox: 'upd@acme.example',
    });
    expect(
      (await stack.request('PATCH', '/v1/users/u-upd', { headers: operator, json: { timeZone: 'UTC' } })).status
    ).toBe(403);
    expect((await stack.request('GET', '/v1/users/u-upd', { headers: operator })).body.timeZone).toBe(
      'America/Chicago'
    );
  });

  it('keeps per-user policy overrides on top of the organisation policy', async () => {
    await stack.request('PUT', '/v1/tenants/t-users/policy', {
      headers: admin,
      json: {
        autotask: {
          selection: { mode: 'category', category: 'Autotask' },
          syncWindow: { pastDays: 7, futureDays: 60 },
        },
      },
    });
    const res = await stack.request('PUT', '/v1/users/u-upd/policy', {
      headers: admin,
      json: { autotask: { syncWindow: { futureDays: 14 } }, netsuite: { direction: 'provider-to-outlook' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.effective.autotask.syncWindow).toEqual({ pastDays: 7, futureDays: 14 });
    expect(res.body.effective.autotask.selection).toEqual({ mode: 'category', category: 'Autotask' });
    expect(res.body.effective.netsuite.direction).toBe('provider-to-outlook');
    const read = await stack.request('GET', '/v1/users/u-upd/policy', { headers: operator });
    expect(read.body.overrides).toEqual({
      autotask: { syncWindow: { futureDays: 14 } },
      netsuite: { direction: 'provider-to-outlook' },
    });
    const bad = await stack.request('PUT', '/v1/users/u-upd/policy', {
      headers: admin,
      json: { netsuite: { direction: 'sideways' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.netsuite.direction');
  });
});

describe('user sync', () => {
  beforeAll(async () => {
    for (const n of [1, 2, 3]) await register({ id: `s-${n}`, tenantId: 't-other', mailbox: `s${n}@other.example` });
  });

  it('starts, pauses, resumes, resyncs, reports and stops a sync through the workflow', async () => {
    const started = await stack.request('POST', '/v1/users/s-1/sync/start', { headers: admin });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      userId: 's-1',
      tenantId: 't-other',
      workflowId: userSyncWorkflowId('t-other', 's-1'),
      state: 'running',
    });
    // The Temporal UI's list shows whose sync it is.
    const described = await stack.temporal.workflow.getHandle(userSyncWorkflowId('t-other', 's-1')).describe();
    expect(await described.staticSummary()).toBe('Calendar sync of user s-1 (tenant t-other)');

    const paused = await stack.request('POST', '/v1/users/s-1/sync/pause', { headers: admin });
    expect(paused.body.state).toBe('paused');
    expect((await stack.request('GET', '/v1/users/s-1', { headers: admin })).body.desiredState).toBe('paused');
    expect((await stack.request('GET', '/v1/users/s-1/sync', { headers: operator })).body.state).toBe('paused');

    expect((await stack.request('POST', '/v1/users/s-1/sync/resume', { headers: admin })).body.state).toBe('running');

    const resync = await stack.request('POST', '/v1/users/s-1/sync/resync', {
      headers: operator,
      json: { mode: 'full' },
    });
    expect(resync.status).toBe(200);
    expect(resync.body.backlog).toEqual(['outlook']);
    const received = await stack.temporal.workflow.getHandle(userSyncWorkflowId('t-other', 's-1')).query(receivedQuery);
    expect(received.resyncs).toEqual(['full']);

    const configured = await stack.request('POST', '/v1/users/s-1/sync/configure', {
      headers: admin,
      json: { settings: { pollIntervalMs: 30_000 } },
    });
    expect(configured.status).toBe(200);
    const refused = await stack.request('POST', '/v1/users/s-1/sync/configure', {
      headers: admin,
      json: { settings: { pollIntervalMs: 5, pollEvery: 1 } },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(refused.body)).toContain('pollIntervalMs');
    expect(
      (await stack.temporal.workflow.getHandle(userSyncWorkflowId('t-other', 's-1')).query(receivedQuery)).configured
    ).toEqual([{ pollIntervalMs: 30_000 }]);

    const stopped = await stack.request('POST', '/v1/users/s-1/sync/stop', { headers: admin });
    expect(stopped.body.state).toBe('stopped');
    expect((await stack.request('GET', '/v1/users/s-1/sync', { headers: operator })).body.state).toBe('stopped');
  });

  it('lets an operator resync and read, but not start, stop or pause', async () => {
    await stack.request('POST', '/v1/users/s-2/sync/start', { headers: admin });
    for (const action of ['start', 'stop', 'pause', 'resume']) {
      const res = await stack.request('POST', `/v1/users/s-2/sync/${action}`, { headers: operator });
      expect({ action, status: res.status }).toEqual({ action, status: 403 });
    }
    expect((await stack.request('POST', '/v1/users/s-2/sync/resync', { headers: operator, json: {} })).status).toBe(
      200
    );
    await stack.request('POST', '/v1/users/s-2/sync/stop', { headers: admin });
  });

  it('answers 409 to pause a user who is not syncing, and 404 for an unknown user', async () => {
    const res = await stack.request('POST', '/v1/users/s-3/sync/pause', { headers: admin });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await stack.request('POST', '/v1/users/nobody/sync/start', { headers: admin })).status).toBe(404);
  });

  it('starts and stops many users at once, reporting each', async () => {
    const started = await stack.request('POST', '/v1/users/sync/start', {
      headers: admin,
      json: { userIds: ['s-1', 's-2', 'ghost'] },
    });
    expect(started.status).toBe(200);
    expect(started.body.results).toEqual([
      { userId: 's-1', ok: true, state: 'running' },
      { userId: 's-2', ok: true, state: 'running' },
      { userId: 'ghost', ok: false, error: { status: 404, title: 'Unknown user' } },
    ]);

    const list = await stack.request('GET', '/v1/users?tenantId=t-other&state=running', { headers: operator });
    expect(list.status).toBe(200);
    expect(pluck(list.body.items, 'id')).toEqual(['s-1', 's-2']);

    const stopped = await stack.request('POST', '/v1/users/sync/stop', {
      headers: admin,
      json: { tenantId: 't-other' },
    });
    expect((stopped.body.results as { userId: string; state: string }[]).map((r) => [r.userId, r.state])).toEqual([
      ['s-1', 'stopped'],
      ['s-2', 'stopped'],
      ['s-3', 'stopped'],
    ]);
    const both = await stack.request('POST', '/v1/users/sync/stop', {
      headers: admin,
      json: { tenantId: 't-other', userIds: ['s-1'] },
    });
    expect(both.status).toBe(400);
  });

  it('lists users with their states, filtered and paginated', async () => {
    const seen: { id: string; state: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await stack.request('GET', `/v1/users?tenantId=t-other&limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: operator,
      });
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { id: string; state: string }[]).map((u) => ({ id: u.id, state: u.state })));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([
      { id: 's-1', state: 'stopped' },
      { id: 's-2', state: 'stopped' },
      { id: 's-3', state: 'stopped' },
    ]);
    const byMailbox = await stack.request('GET', '/v1/users?mailbox=s2%40other', { headers: operator });
    expect(pluck(byMailbox.body.items, 'id')).toEqual(['s-2']);
    const stopped = await stack.request('GET', '/v1/users?tenantId=t-other&desiredState=running', {
      headers: operator,
    });
    expect(stopped.body.items).toEqual([]);
    expect((await stack.request('GET', '/v1/users?state=sleeping', { headers: operator })).status).toBe(400);
  });
});

describe('audit and links', () => {
  const itemId = 'i_meeting0000000000000001';

  beforeAll(async () => {
    const audit = new AuditLog(stack.db.pool);
    for (let i = 0; i < 5; i++) {
      await audit.record({
        tenantId: 't-other',
        userId: 's-3',
        action: 'update',
        sourceSide: 'outlook',
        targetSide: 'netsuite',
        fields: ['start'],
        reason: `edit ${i}`,
      });
    }
    await audit.record({
      tenantId: 't-other',
      userId: 's-3',
      linkId: itemId,
      action: 'create',
      sourceSide: 'outlook',
      targetSide: 'netsuite',
      reason: 'new item',
    });
    const base = (side: 'outlook' | 'netsuite') => ({
      side,
      fields: { title: 'Secret board meeting', description: 'Agenda: layoffs' },
    });
    await seedItem(stack.db.pool, 't-other', {
      itemId,
      kind: 'event',
      origin: 'outlook:s-3',
      iCalUid: 'uid-1',
      replicas: {
        'outlook:s-3': {
          side: 'outlook',
          userId: 's-3',
          recordId: 'AAMk-evt-1',
          version: 'ck1',
          base: base('outlook'),
        },
        'outlook:s-1': {
          side: 'outlook',
          userId: 's-1',
          recordId: 'AAMk-evt-9',
          version: 'ck7',
          base: base('outlook'),
        },
        netsuite: { side: 'netsuite', recordId: '9001', version: '2026-01-01T00:00:00Z', base: base('netsuite') },
      },
    });
  });

  it("pages through a user's audit, newest first, without repeats", async () => {
    const first = await stack.request('GET', '/v1/users/s-3/audit?limit=4', { headers: operator });
    expect(first.status).toBe(200);
    expect(pluck(first.body.items, 'reason')).toEqual(['new item', 'edit 4', 'edit 3', 'edit 2']);
    const second = await stack.request('GET', `/v1/users/s-3/audit?limit=4&cursor=${first.body.nextCursor}`, {
      headers: operator,
    });
    expect(pluck(second.body.items, 'reason')).toEqual(['edit 1', 'edit 0']);
    expect(second.body.nextCursor).toBeUndefined();
    const creates = await stack.request('GET', '/v1/users/s-3/audit?action=create', { headers: operator });
    expect(creates.body.items).toHaveLength(1);
  });

  it('shows the links of one item in every system, without its contents', async () => {
    const byNetSuiteId = await stack.request('GET', '/v1/users/s-3/links?side=netsuite&nativeId=9001', {
      headers: operator,
    });
    expect(pluck(byNetSuiteId.body.items, 'id')).toEqual([itemId]);
    const byOwnCopy = await stack.request('GET', '/v1/users/s-3/links?side=outlook&nativeId=AAMk-evt-1', {
      headers: operator,
    });
    expect(pluck(byOwnCopy.body.items, 'id')).toEqual([itemId]);
    // Another user's Outlook copy is not this user's record.
    const byOtherCopy = await stack.request('GET', '/v1/users/s-3/links?side=outlook&nativeId=AAMk-evt-9', {
      headers: operator,
    });
    expect(byOtherCopy.body.items).toEqual([]);

    const res = await stack.request('GET', `/v1/users/s-3/links/${itemId}`, { headers: operator });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: itemId, kind: 'event', origin: 'outlook:s-3', iCalUid: 'uid-1' });
    expect(res.body.replicas).toEqual(
      expect.arrayContaining([
        { replica: 'outlook:s-3', side: 'outlook', userId: 's-3', recordId: 'AAMk-evt-1', version: 'ck1' },
        { replica: 'outlook:s-1', side: 'outlook', userId: 's-1', recordId: 'AAMk-evt-9', version: 'ck7' },
        { replica: 'netsuite', side: 'netsuite', recordId: '9001', version: '2026-01-01T00:00:00Z' },
      ])
    );
    expect(pluck(res.body.audit, 'reason')).toEqual(['new item']);
    expect(res.text).not.toContain('Secret board meeting');
    expect(res.text).not.toContain('layoffs');
    expect((await stack.request('GET', `/v1/users/s-2/links/${itemId}`, { headers: operator })).status).toBe(404);
  });
});
