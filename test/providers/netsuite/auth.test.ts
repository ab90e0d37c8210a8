import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import axios from 'axios';
import OAuth from 'oauth-1.0a';
import { SignJWT } from 'jose';
import { privateKeyFrom } from '../../../src/providers/netsuite/jws';
import { ProviderError } from '../../../src/providers/provider-error';
import { type NetSuiteHarness, startHarness } from './netsuite-harness';

const tokenRequests = (h: NetSuiteHarness) =>
  h.emulator.requestLog.filter((e) => e.url.endsWith('/auth/oauth2/v1/token'));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  );

describe('OAuth 2.0 machine-to-machine', () => {
  let h: NetSuiteHarness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emulator.close();
  });

  it('asserts once and reuses the bearer token for later calls', async () => {
    await h.m2m.getCalendarEvent('1');
    await h.m2m.getCalendarEvent('2');
    await h.m2m.listCalendarEventIds();
    expect(tokenRequests(h)).toHaveLength(1);
    expect(h.emulator.requestLog.filter((e) => e.auth === 'm2m')).toHaveLength(3);
  });

  it('signs a fresh assertion when the 3600 s token has expired (no refresh token exists)', async () => {
    await h.m2m.getCalendarEvent('1');
    h.emulator.advanceTime(3601_000);
    await expect(h.m2m.getCalendarEvent('1')).resolves.toBeNull();
    expect(tokenRequests(h)).toHaveLength(2);
  });

  it('re-asserts once when NetSuite rejects a token it issued earlier', async () => {
    await h.m2m.getCalendarEvent('1');
    h.emulator.revokeTokens();
    await expect(h.m2m.getCalendarEvent('1')).resolves.toBeNull();
    expect(tokenRequests(h)).toHaveLength(2);
    expect(h.emulator.requestLog.filter((e) => e.status === 401)).toHaveLength(1);
  });

  it('works with PS256 and an RSA key given as JWK', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    h.emulator.registerM2M({
      clientId: 'rsa-client',
      certificateId: 'cert-rsa',
      publicKeyJwk: publicKey.export({ format: 'jwk' }),
    });
    const client = h.clientFor('m2m', {
      auth: {
        kind: 'm2m',
        clientId: 'rsa-client',
        certificateId: 'cert-rsa',
        privateKeyJwk: privateKey.export({ format: 'jwk' }),
        algorithm: 'PS256',
      },
    });
    await expect(client.listCalendarEventIds()).resolves.toEqual([]);
  });

  it('fails without retry when the assertion is signed with the wrong key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const client = h.clientFor('m2m', {
      auth: {
        kind: 'm2m',
        clientId: 'calsync-client',
        certificateId: 'cert-1',
        privateKeyPem: other,
        algorithm: 'ES256',
      },
    });
    const error = await failure(client.getCalendarEvent('1'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ operation: 'auth.token', status: 401, code: 'invalid_client', retryable: false });
  });

  it('fails when the assertion names an unknown certificate or another client', async () => {
    const base = { kind: 'm2m' as const, privateKeyPem: h.m2mKeys.privateKeyPem, algorithm: 'ES256' as const };
    await expect(
      failure(
        h
          .clientFor('m2m', { auth: { ...base, clientId: 'calsync-client', certificateId: 'cert-unknown' } })
          .getCalendarEvent('1')
      )
    ).resolves.toMatchObject({
      code: 'invalid_client',
    });
    await expect(
      failure(
        h
          .clientFor('m2m', { auth: { ...base, clientId: 'someone-else', certificateId: 'cert-1' } })
          .getCalendarEvent('1')
      )
    ).resolves.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('fails when the assertion has already expired (a client clock far behind)', async () => {
    const client = h.clientFor('m2m', { now: () => h.emulator.now() - 2 * 3600_000 });
    await expect(failure(client.getCalendarEvent('1'))).resolves.toMatchObject({
      code: 'invalid_grant',
      retryable: false,
    });
  });

  it('refuses an RS256 assertion, which NetSuite does not accept', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    h.emulator.registerM2M({
      clientId: 'rs-client',
      certificateId: 'cert-rs',
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const tokenUrl = `${h.emulator.baseUrl}/services/rest/auth/oauth2/v1/token`;
    const iat = Math.floor(h.emulator.now() / 1000);
    const input = `${part({ alg: 'RS256', typ: 'JWT', kid: 'cert-rs' })}.${part({ iss: 'rs-client', scope: 'rest_webservices', aud: tokenUrl, iat, exp: iat + 300 })}`;
    const jwt = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    });
    const response = await axios.post(tokenUrl, form.toString(), {
      validateStatus: () => true,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(401);
    expect(response.data).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 401 INVALID_LOGIN to a bearer token once its 3600 s are over', async () => {
    const tokenUrl = `${h.emulator.baseUrl}/services/rest/auth/oauth2/v1/token`;
    const iat = Math.floor(h.emulator.now() / 1000);
    const assertion = await new SignJWT({
      iss: 'calsync-client',
      scope: 'rest_webservices',
      aud: tokenUrl,
      iat,
      exp: iat + 300,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'cert-1' })
      .sign(privateKeyFrom({ pem: h.m2mKeys.privateKeyPem }));
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    const issued = await axios.post(tokenUrl, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(issued.data).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    const read = () =>
      axios.get(`${h.emulator.baseUrl}/services/rest/record/v1/calendarEvent?limit=1`, {
        headers: { Authorization: `Bearer ${issued.data.access_token}` },
        validateStatus: () => true,
      });
    expect((await read()).status).toBe(200);
    h.emulator.advanceTime(3601_000);
    const expired = await read();
    expect(expired.status).toBe(401);
    expect(expired.data['o:errorDetails'][0]['o:errorCode']).toBe('INVALID_LOGIN');
  });
});

describe('Token-Based Authentication (OAuth 1.0a, HMAC-SHA256)', () => {
  let h: NetSuiteHarness;
  beforeAll(async () => {
    h = await startHarness({ accountId: '1234567_SB1' });
  });
  afterAll(async () => {
    await h.emulator.close();
  });

  const signer = (tokenSecret = h.tbaCredentials.tokenSecret, realm = '1234567_SB1') => {
    const oauth = new OAuth({
      consumer: { key: h.tbaCredentials.consumerKey, secret: h.tbaCredentials.consumerSecret },
      signature_method: 'HMAC-SHA256',
      hash_function: (base, key) => createHmac('sha256', key).update(base).digest('base64'),
      realm,
    });
    return (method: string, url: string) =>
      oauth.toHeader(oauth.authorize({ method, url }, { key: h.tbaCredentials.tokenId, secret: tokenSecret }))
        .Authorization;
  };

  it('signs with the uppercase realm against the lowercase dashed host path', async () => {
    expect(h.emulator.baseUrl).toContain('/1234567-sb1');
    await expect(h.tba.listCalendarEventIds({ pageSize: 3 })).resolves.toEqual([]);
    const last = h.emulator.requestLog.at(-1)!;
    expect(last).toMatchObject({ auth: 'tba', status: 200 });
  });

  it('fails without retry when the token secret is wrong', async () => {
    const client = h.clientFor('tba', { auth: { kind: 'tba', ...h.tbaCredentials, tokenSecret: 'wrong' } });
    const error = await failure(client.getCalendarEvent('1'));
    expect(error).toMatchObject({ provider: 'netsuite', status: 401, code: 'INVALID_LOGIN', retryable: false });
  });

  it('rejects a request whose query was changed after signing (the query is signed)', async () => {
    const base = `${h.emulator.baseUrl}/services/rest/record/v1/calendarEvent`;
    const authorization = signer()('GET', `${base}?limit=2&offset=0`);
    const tampered = await axios.get(`${base}?limit=4&offset=0`, {
      headers: { Authorization: authorization },
      validateStatus: () => true,
    });
    expect(tampered.status).toBe(401);
    const honest = await axios.get(`${base}?limit=2&offset=0`, {
      headers: { Authorization: signer()('GET', `${base}?limit=2&offset=0`) },
      validateStatus: () => true,
    });
    expect(honest.status).toBe(200);
  });

  it('does not sign the body: any JSON body passes with a signature over method and URL', async () => {
    const url = `${h.emulator.baseUrl}/services/rest/record/v1/calendarEvent`;
    const response = await axios.post(
      url,
      { title: 'Body not signed', startDate: '2026-05-01', startTime: '09:00', endTime: '10:00' },
      { headers: { Authorization: signer()('POST', url) }, validateStatus: () => true }
    );
    expect(response.status).toBe(204);
  });

  it('rejects a replayed nonce and a realm in the wrong case', async () => {
    const url = `${h.emulator.baseUrl}/services/rest/record/v1/calendarEvent`;
    const authorization = signer()('GET', url);
    expect(
      (await axios.get(url, { headers: { Authorization: authorization }, validateStatus: () => true })).status
    ).toBe(200);
    expect(
      (await axios.get(url, { headers: { Authorization: authorization }, validateStatus: () => true })).status
    ).toBe(401);
    const lowercaseRealm = signer(undefined, '1234567_sb1')('GET', url);
    expect(
      (await axios.get(url, { headers: { Authorization: lowercaseRealm }, validateStatus: () => true })).status
    ).toBe(401);
  });

  it('rejects a stale timestamp', async () => {
    const url = `${h.emulator.baseUrl}/services/rest/record/v1/calendarEvent`;
    const authorization = signer()('GET', url);
    h.emulator.advanceTime(10 * 60_000);
    try {
      expect(
        (await axios.get(url, { headers: { Authorization: authorization }, validateStatus: () => true })).status
      ).toBe(401);
    } finally {
      h.emulator.advanceTime(-10 * 60_000);
    }
  });
});
