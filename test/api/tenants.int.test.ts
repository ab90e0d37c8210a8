import { createPrivateKey } from 'node:crypto';
import { generate } from 'selfsigned';
import { type AutotaskEmulator, startAutotaskEmulator } from '../../src/emulators/autotask';
import { startGraphEmulator } from '../../src/emulators/graph';
import { type NetSuiteEmulator, startNetSuiteEmulator } from '../../src/emulators/netsuite';
import { SecretBox } from '../../src/store/secret-box';
import { TenantStore } from '../../src/store/tenants';
import { bearer, pluck, startApiStack, type ApiStack } from './support/stack';

let stack: ApiStack;
let netsuite: NetSuiteEmulator;
let autotask: AutotaskEmulator;
let admin: Record<string, string>;
let operator: Record<string, string>;

const TBA = { consumerKey: 'ck-1', consumerSecret: 'cs-plaintext-1', tokenId: 'tok-1', tokenSecret: 'ts-plaintext-1' };

beforeAll(async () => {
  [stack, netsuite, autotask] = await Promise.all([startApiStack(), startNetSuiteEmulator(), startAutotaskEmulator()]);
  netsuite.registerTba(TBA);
  admin = bearer(stack.keys.admin);
  operator = bearer(stack.keys.operator);
});
afterAll(async () => {
  await Promise.all([stack?.close(), netsuite?.close(), autotask?.close()]);
});

const createTenant = async (id: string) => {
  const res = await stack.request('POST', '/v1/tenants', { headers: admin, json: { id, name: `Tenant ${id}` } });
  expect(res.status).toBe(201);
  return res;
};

describe('tenants', () => {
  it('creates, reads, lists and renames a tenant, and refuses a duplicate id', async () => {
    const created = (await createTenant('acme')).body;
    expect(created).toMatchObject({ id: 'acme', name: 'Tenant acme', sandbox: false, connections: {} });
    expect(created.webhooks.netsuitePushUrl).toBe('https://calsync.example.test/webhooks/netsuite/acme');
    expect(created.policy.netsuite.direction).toBe('both');

    const dup = await stack.request('POST', '/v1/tenants', { headers: admin, json: { id: 'acme', name: 'again' } });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toMatch(/problem\+json/);

    const renamed = await stack.request('PATCH', '/v1/tenants/acme', { headers: admin, json: { name: 'ACME Corp' } });
    expect(renamed.body.name).toBe('ACME Corp');
    expect((await stack.request('GET', '/v1/tenants/acme', { headers: operator })).body.name).toBe('ACME Corp');
    expect((await stack.request('GET', '/v1/tenants/nope', { headers: operator })).status).toBe(404);
  });

  it('paginates the tenant list with an opaque cursor', async () => {
    for (const id of ['page-a', 'page-b', 'page-c']) await createTenant(id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await stack.request('GET', `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: operator,
      });
      expect(res.status).toBe(200);
      seen.push(...(pluck(res.body.items, 'id') as string[]));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => id.startsWith('page-'))).toEqual(['page-a', 'page-b', 'page-c']);
    const bad = await stack.request('GET', '/v1/tenants?cursor=not-ours', { headers: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'querystring.cursor', reason: 'unknown cursor' }]);
  });

  it('rejects unknown fields and names the field', async () => {
    const res = await stack.request('POST', '/v1/tenants', {
      headers: admin,
      json: { id: 'x1', name: 'X', colour: 'red' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.stringify(res.body.errors)).toMatch(/colour/);
  });

  it('lets operators read tenants but not change them', async () => {
    const res = await stack.request('POST', '/v1/tenants', { headers: operator, json: { id: 'op-made', name: 'no' } });
    expect(res.status).toBe(403);
    const put = await stack.request('PUT', '/v1/tenants/acme/policy', { headers: operator, json: {} });
    expect(put.status).toBe(403);
  });
});

describe('connections', () => {
  beforeAll(async () => {
    await createTenant('conn');
  });

  it('stores the Graph secret write-only and sealed: never in a response, never in clear in the row', async () => {
    const secret = 'graph-client-secret-PLAINTEXT-4711';
    const res = await stack.request('PUT', '/v1/tenants/conn/connections/graph', {
      headers: admin,
      json: { directoryId: 'dir-1', clientId: 'app-1', cloud: 'global', clientSecret: secret },
    });
    expect(res.status).toBe(200);
    expect(res.body.connections.graph).toEqual({
      directoryId: 'dir-1',
      clientId: 'app-1',
      cloud: 'global',
      credentials: 'client-secret',
    });
    expect(res.text).not.toContain(secret);
    expect((await stack.request('GET', '/v1/tenants/conn', { headers: admin })).text).not.toContain(secret);

    const { rows } = await stack.db.pool.query<{ secrets: Buffer; secrets_key_id: string; connections: unknown }>(
      'SELECT secrets, secrets_key_id, connections FROM tenants WHERE id = $1',
      ['conn']
    );
    const row = rows[0]!;
    expect(row.secrets.includes(Buffer.from(secret))).toBe(false);
    expect(row.secrets.toString('latin1')).not.toContain('PLAINTEXT');
    expect(JSON.stringify(row.connections)).not.toContain(secret);
    expect(row.secrets_key_id).toBe('t1');
    // ...and it is really there, under the configured key.
    expect(await new TenantStore(stack.db.pool, stack.secretBox).secrets('conn')).toMatchObject({
      graph: { clientSecret: secret },
    });
  });

  it('keeps stored credentials when an update omits them, and requires them the first time', async () => {
    const first = await stack.request('PUT', '/v1/tenants/conn/connections/netsuite', {
      headers: admin,
      json: { accountId: netsuite.accountId, auth: 'tba', restBaseUrl: netsuite.baseUrl },
    });
    expect(first.status).toBe(400);
    expect(first.body.errors).toEqual([{ field: 'body.tba', reason: 'required for auth tba' }]);

    const configured = await stack.request('PUT', '/v1/tenants/conn/connections/netsuite', {
      headers: admin,
      json: {
        accountId: netsuite.accountId,
        auth: 'tba',
        restBaseUrl: netsuite.baseUrl,
        tba: TBA,
        pushSecret: 'push-secret-0123456789',
      },
    });
    expect(configured.status).toBe(200);
    expect(configured.body.connections.netsuite).toMatchObject({
      credentials: 'tba-tokens',
      pushSecret: 'stored',
      pushInstalled: false,
      recurrenceRestletInstalled: false,
    });
    expect(configured.text).not.toContain(TBA.tokenSecret);

    const again = await stack.request('PUT', '/v1/tenants/conn/connections/netsuite', {
      headers: admin,
      json: {
        accountId: netsuite.accountId,
        auth: 'tba',
        restBaseUrl: netsuite.baseUrl,
        concurrencyLimit: 3,
        recurrenceRestletInstalled: true,
      },
    });
    expect(again.body.connections.netsuite).toMatchObject({
      credentials: 'tba-tokens',
      pushSecret: 'stored',
      concurrencyLimit: 3,
      recurrenceRestletInstalled: true,
    });
    const read = await stack.request('GET', '/v1/tenants/conn', { headers: admin });
    expect(read.body.connections.netsuite.recurrenceRestletInstalled).toBe(true);
    const notAFlag = await stack.request('PUT', '/v1/tenants/conn/connections/netsuite', {
      headers: admin,
      json: { accountId: netsuite.accountId, auth: 'tba', recurrenceRestletInstalled: 'yes' },
    });
    expect(notAFlag.status).toBe(400);
    expect(pluck(notAFlag.body.errors, 'field')).toEqual(['body.recurrenceRestletInstalled']);

    const { rows } = await stack.db.pool.query<{ secrets: Buffer }>('SELECT secrets FROM tenants WHERE id = $1', [
      'conn',
    ]);
    for (const plain of [TBA.consumerSecret, TBA.tokenSecret, 'push-secret-0123456789']) {
      expect(rows[0]!.secrets.includes(Buffer.from(plain))).toBe(false);
    }
  });

  it('checks a Graph connection with certificate credentials for real: token by signed assertion, then one read', async () => {
    const graph = await startGraphEmulator();
    try {
      const pems = await generate([{ name: 'commonName', value: 'calsync-cert-app' }], { keySize: 2048 });
      const certificatePem = pems.cert;
      const privateKeyPem = createPrivateKey(pems.private).export({ type: 'pkcs8', format: 'pem' }).toString();
      const directoryId = '7d3c2b1a-0f9e-4d8c-b7a6-112233445566';
      graph.registerApp({ tenantId: directoryId, clientId: 'cert-app', certificatePem });
      graph.addMailbox('cert.user@contoso.example', { tenantId: directoryId });
      await createTenant('conn-cert');
      const put = await stack.request('PUT', '/v1/tenants/conn-cert/connections/graph', {
        headers: admin,
        json: {
          directoryId,
          clientId: 'cert-app',
          cloud: 'global',
          loginHost: graph.loginUrl,
          graphBaseUrl: graph.baseUrl,
          certificate: { certificatePem, privateKeyPem },
        },
      });
      expect(put.status).toBe(200);
      expect(put.body.connections.graph.credentials).toBe('certificate');
      expect(put.text).not.toContain('PRIVATE KEY');
      const res = await stack.request('POST', '/v1/tenants/conn-cert/connections/graph/test', {
        headers: admin,
        json: { mailbox: 'cert.user@contoso.example' },
      });
      expect(res.body).toMatchObject({ connector: 'graph', ok: true });
      const steps = res.body.steps as { name: string; status: string }[];
      expect(steps.map((s) => `${s.name} ${s.status}`)).toEqual(['token ok', 'read ok']);
    } finally {
      await graph.close();
    }
  });

  it('names the field when m2m settings are incomplete', async () => {
    const res = await stack.request('PUT', '/v1/tenants/conn/connections/netsuite', {
      headers: admin,
      json: { accountId: 'X1', auth: 'm2m', privateKeyPem: 'k' },
    });
    expect(res.status).toBe(400);
    expect(pluck(res.body.errors, 'field').sort()).toEqual(['body.certificateId', 'body.clientId']);
  });

  it('checks a NetSuite connection for real: a read against the account succeeds with the right tokens', async () => {
    const res = await stack.request('POST', '/v1/tenants/conn/connections/netsuite/test', { headers: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ connector: 'netsuite', ok: true });
    expect(res.body.steps).toEqual([
      { name: 'token', status: 'skipped', detail: expect.any(String) },
      { name: 'read', status: 'ok', detail: expect.any(String) },
    ]);
  });

  it('reports a refused NetSuite connection as a failed check with the provider code', async () => {
    await createTenant('conn-bad');
    await stack.request('PUT', '/v1/tenants/conn-bad/connections/netsuite', {
      headers: admin,
      json: {
        accountId: netsuite.accountId,
        auth: 'tba',
        restBaseUrl: netsuite.baseUrl,
        tba: { ...TBA, tokenSecret: 'wrong' },
      },
    });
    const res = await stack.request('POST', '/v1/tenants/conn-bad/connections/netsuite/test', { headers: admin });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error).toMatchObject({ status: 401, code: 'INVALID_LOGIN' });
  });

  it('checks an Autotask connection for real, and reports a wrong secret', async () => {
    const user = autotask.credentials;
    const put = await stack.request('PUT', '/v1/tenants/conn/connections/autotask', {
      headers: admin,
      json: {
        username: user.userName,
        zoneDiscoveryUrl: autotask.zoneLookupUrl,
        secret: user.secret,
        integrationCode: user.integrationCode,
      },
    });
    expect(put.body.connections.autotask).toMatchObject({ username: user.userName, credentials: 'stored' });
    const ok = await stack.request('POST', '/v1/tenants/conn/connections/autotask/test', { headers: admin });
    expect(ok.body).toMatchObject({ connector: 'autotask', ok: true });
    expect(ok.body.steps[1]).toMatchObject({ name: 'read', status: 'ok' });

    await stack.request('PUT', '/v1/tenants/conn-bad/connections/autotask', {
      headers: admin,
      json: {
        username: user.userName,
        zoneDiscoveryUrl: autotask.zoneLookupUrl,
        secret: 'not-the-secret',
        integrationCode: user.integrationCode,
      },
    });
    const bad = await stack.request('POST', '/v1/tenants/conn-bad/connections/autotask/test', { headers: admin });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error.status).toBeGreaterThanOrEqual(400);
  });

  it("keeps Autotask's thread limit per endpoint (3 unless set) and refuses one out of range", async () => {
    await createTenant('threads');
    const put = (json: Record<string, unknown>) =>
      stack.request('PUT', '/v1/tenants/threads/connections/autotask', {
        headers: admin,
        json: { username: 't@example.com', secret: 's', integrationCode: 'c', ...json },
      });
    expect((await put({})).body.connections.autotask).toMatchObject({ threadsPerEndpoint: 3 });
    expect((await put({ threadsPerEndpoint: 5 })).body.connections.autotask).toMatchObject({ threadsPerEndpoint: 5 });
    const bad = await put({ threadsPerEndpoint: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'body.threadsPerEndpoint' })]);
  });

  it('requires secret and integration code together for Autotask', async () => {
    const res = await stack.request('PUT', '/v1/tenants/conn/connections/autotask', {
      headers: admin,
      json: { username: 'x@example.com', secret: 'only-secret' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'body.integrationCode', reason: 'give secret and integrationCode together' },
    ]);
  });

  it('answers 409 when testing a connection that is not configured, and operators may not test', async () => {
    await createTenant('empty');
    expect(
      (await stack.request('POST', '/v1/tenants/empty/connections/autotask/test', { headers: admin })).status
    ).toBe(409);
    expect(
      (await stack.request('POST', '/v1/tenants/conn/connections/autotask/test', { headers: operator })).status
    ).toBe(403);
  });

  it('removes a connection together with its credentials', async () => {
    await createTenant('gone');
    await stack.request('PUT', '/v1/tenants/gone/connections/autotask', {
      headers: admin,
      json: { username: 'a@example.com', secret: 's', integrationCode: 'c' },
    });
    const res = await stack.request('DELETE', '/v1/tenants/gone/connections/autotask', { headers: admin });
    expect(res.status).toBe(200);
    expect(res.body.connections).toEqual({});
    expect(await new TenantStore(stack.db.pool, stack.secretBox).secrets('gone')).toEqual({});
  });

  it('re-seals credentials under a new key after rotation', async () => {
    const newKey = `k2:${Buffer.alloc(32, 7).toString('base64')}`;
    // The new key first; the old one stays listed so that rows sealed with it can be opened.
    const box = new SecretBox(`${newKey},${stack.secretsKeySpec}`);
    const store = new TenantStore(stack.db.pool, box);
    const before = await store.secrets('conn');
    const count = await store.resealSecrets();
    expect(count).toBeGreaterThanOrEqual(1);
    const { rows } = await stack.db.pool.query<{ secrets_key_id: string }>(
      'SELECT DISTINCT secrets_key_id FROM tenants WHERE secrets IS NOT NULL'
    );
    expect(rows.map((r) => r.secrets_key_id)).toEqual(['k2']);
    // Readable with the new key alone: the old key can be retired.
    expect(await new TenantStore(stack.db.pool, new SecretBox(newKey)).secrets('conn')).toEqual(before);
  });
});

describe('admin consent', () => {
  it.each([
    ['global', 'https://login.microsoftonline.com/'],
    ['usGov', 'https://login.microsoftonline.us/'],
    ['china', 'https://login.chinacloudapi.cn/'],
  ])('gives the %s cloud its own consent URL', async (cloud, prefix) => {
    const id = `consent-${cloud.toLowerCase()}`;
    await createTenant(id);
    await stack.request('PUT', `/v1/tenants/${id}/connections/graph`, {
      headers: admin,
      json: { directoryId: 'contoso.onmicrosoft.com', clientId: 'app-42', cloud, clientSecret: 's' },
    });
    const res = await stack.request('GET', `/v1/tenants/${id}/admin-consent`, { headers: admin });
    expect(res.status).toBe(200);
    const url = new URL(res.body.url as string);
    expect((res.body.url as string).startsWith(`${prefix}contoso.onmicrosoft.com/adminconsent?`)).toBe(true);
    expect(url.searchParams.get('client_id')).toBe('app-42');
    expect(url.searchParams.get('redirect_uri')).toBe('https://calsync.example.test/admin-consent/callback');
    expect(url.searchParams.get('state')).toBe(res.body.state);
  });

  it('records the answer Microsoft redirects with, once', async () => {
    const { body } = await stack.request('GET', '/v1/tenants/consent-global/admin-consent', { headers: admin });
    const callback = `/admin-consent/callback?admin_consent=True&tenant=dir-guid-1&state=${encodeURIComponent(body.state as string)}`;
    const answer = await stack.request('GET', callback);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ tenantId: 'consent-global', granted: true });
    expect((await stack.request('GET', callback)).status).toBe(400);
    const tenant = await stack.request('GET', '/v1/tenants/consent-global', { headers: admin });
    expect(tenant.body.connections.graph.adminConsent).toMatchObject({ directoryId: 'dir-guid-1', error: null });
    expect(tenant.body.connections.graph.adminConsent.grantedAt).toEqual(expect.any(String));
  });

  it('refuses a forged state', async () => {
    const res = await stack.request('GET', '/admin-consent/callback?admin_consent=True&tenant=x&state=forged-state');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('needs a Graph connection first', async () => {
    await createTenant('consent-none');
    expect((await stack.request('GET', '/v1/tenants/consent-none/admin-consent', { headers: admin })).status).toBe(409);
  });
});
