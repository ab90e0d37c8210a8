import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevCertificate } from '../../src/emulators/dev-certificate';
import { type GraphEmulator, startGraphEmulator } from '../../src/emulators/graph';
import { freePort } from '../../src/runtime/free-port';
import { freshDatabase } from '../support/database';
import { bearer, pluck, send } from './support/stack';

/*
 * The API as its own process (`src/api/main.ts` under tsx), configured only through the
 * environment: the bootstrap admin key, OIDC bearer tokens checked by jose against a JWKS served
 * here, and a Graph connection check against the Graph emulator over HTTPS (trusted through
 * NODE_EXTRA_CA_CERTS, which only a new process can take).
 */

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'api://calsync';
const BOOTSTRAP = `boot-${randomBytes(24).toString('hex')}`;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let jwks: Server;
let jwksUrl: string;
let graph: GraphEmulator;
let api: ChildProcess;
let origin: string;
let signingKey: KeyObject;
const output: string[] = [];

function jwt(claims: Record<string, unknown>, key: KeyObject = signingKey, kid = 'test-key'): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now, exp: now + 300, ...claims })}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}):\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not come up:\n${output.join('')}`);
}

beforeAll(async () => {
  db = await freshDatabase();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signingKey = privateKey;
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }],
      })
    );
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`;

  const certificate = await ensureDevCertificate(mkdtempSync(path.join(tmpdir(), 'calsync-api-cert-')));
  graph = await startGraphEmulator({ tls: { key: certificate.key, cert: certificate.cert } });
  graph.registerApp({ tenantId: 'contoso-dir', clientId: 'calsync-app', clientSecret: 'graph-secret' });
  graph.addMailbox('megan@contoso.example', { tenantId: 'contoso-dir' });

  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, [require.resolve('tsx/cli'), path.resolve(__dirname, '../../src/api/main.ts')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
      CALSYNC_SECRETS_KEYS: `s1:${randomBytes(32).toString('base64')}`,
      CALSYNC_CODEC_KEYS: `c1:${randomBytes(32).toString('base64')}`,
      CALSYNC_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP,
      OIDC_JWKS_URL: jwksUrl,
      OIDC_ISSUER: ISSUER,
      OIDC_AUDIENCE: AUDIENCE,
      NODE_EXTRA_CA_CERTS: certificate.certPath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  api.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await waitForHealth(origin, api);
}, 120_000);

afterAll(async () => {
  if (api && api.exitCode === null) {
    const exited = new Promise((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    await exited;
  }
  jwks?.close();
  await graph?.close();
  await db?.drop();
});

describe('the API process', () => {
  it('lets the bootstrap admin key in, and serves Swagger UI and the OpenAPI document', async () => {
    expect((await send(origin, 'GET', '/v1/tenants', { headers: bearer(BOOTSTRAP) })).status).toBe(200);
    expect((await send(origin, 'GET', '/v1/tenants')).status).toBe(401);
    const docs = await send(origin, 'GET', '/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/swagger/i);
    expect((await send(origin, 'GET', '/openapi.json')).body.info.title).toBe('calsync admin API');
  });

  it('accepts identity-provider tokens by role, and refuses forged, expired or foreign ones', async () => {
    const asAdmin = bearer(jwt({ roles: ['calsync.admin'] }));
    const asOperator = bearer(jwt({ roles: ['calsync.operator'] }));
    expect(
      (await send(origin, 'POST', '/v1/tenants', { headers: asAdmin, json: { id: 'contoso', name: 'Contoso' } })).status
    ).toBe(201);
    expect((await send(origin, 'GET', '/v1/tenants/contoso', { headers: asOperator })).status).toBe(200);
    expect(
      (await send(origin, 'POST', '/v1/tenants', { headers: asOperator, json: { id: 'nope', name: 'x' } })).status
    ).toBe(403);
    expect(
      (await send(origin, 'GET', '/v1/tenants', { headers: bearer(jwt({ roles: ['someone.else'] })) })).status
    ).toBe(403);
    expect((await send(origin, 'POST', '/codec/decode', { headers: asOperator, json: { payloads: [] } })).status).toBe(
      403
    );
    expect(
      (
        await send(origin, 'POST', '/codec/decode', {
          headers: bearer(jwt({ roles: ['calsync.operator', 'calsync.decode'] })),
          json: { payloads: [] },
        })
      ).status
    ).toBe(200);

    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused = {
      forged: jwt({ roles: ['calsync.admin'] }, otherKey),
      expired: jwt({ roles: ['calsync.admin'], iat: 1_000_000, exp: 1_000_300 }),
      foreignAudience: jwt({ roles: ['calsync.admin'], aud: 'api://someone-else' }),
      foreignIssuer: jwt({ roles: ['calsync.admin'], iss: 'https://evil.example/' }),
      unknownKey: jwt({ roles: ['calsync.admin'] }, signingKey, 'other-kid'),
    };
    for (const [why, token] of Object.entries(refused)) {
      const res = await send(origin, 'GET', '/v1/tenants', { headers: bearer(token) });
      expect({ why, status: res.status }).toEqual({ why, status: 401 });
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('checks a Graph connection for real against the Graph emulator', async () => {
    const admin = bearer(BOOTSTRAP);
    const put = await send(origin, 'PUT', '/v1/tenants/contoso/connections/graph', {
      headers: admin,
      json: {
        directoryId: 'contoso-dir',
        clientId: 'calsync-app',
        loginHost: graph.loginUrl,
        graphBaseUrl: graph.baseUrl,
        scope: graph.scope,
        clientSecret: 'graph-secret',
      },
    });
    expect(put.status).toBe(200);
    const ok = await send(origin, 'POST', '/v1/tenants/contoso/connections/graph/test', {
      headers: admin,
      json: { mailbox: 'megan@contoso.example' },
    });
    expect(ok.body).toMatchObject({ connector: 'graph', ok: true });
    expect(pluck(ok.body.steps, 'status')).toEqual(['ok', 'ok']);

    const found = await send(origin, 'POST', '/v1/tenants/contoso/discover', {
      headers: admin,
      json: { email: 'megan@contoso.example' },
    });
    expect(found.body.graph).toMatchObject({ status: 'found', id: expect.any(String) });
    const missing = await send(origin, 'POST', '/v1/tenants/contoso/connections/graph/test', {
      headers: admin,
      json: { mailbox: 'nobody@contoso.example' },
    });
    expect(missing.body).toMatchObject({ ok: false, steps: [{ status: 'ok' }, { name: 'read', status: 'failed' }] });

    await send(origin, 'PUT', '/v1/tenants/contoso/connections/graph', {
      headers: admin,
      json: {
        directoryId: 'contoso-dir',
        clientId: 'calsync-app',
        loginHost: graph.loginUrl,
        graphBaseUrl: graph.baseUrl,
        scope: graph.scope,
        clientSecret: 'wrong',
      },
    });
    const bad = await send(origin, 'POST', '/v1/tenants/contoso/connections/graph/test', {
      headers: admin,
      json: { mailbox: 'megan@contoso.example' },
    });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.steps[0]).toMatchObject({ name: 'token', status: 'failed' });
    expect(bad.body.error.code).toBe('invalid_client');
  });
});
