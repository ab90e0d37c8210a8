import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from '../../../src/emulators/graph';

/** An emulator with one app and two mailboxes, and a raw HTTPS caller holding a token. */
export interface Harness {
  emu: GraphEmulator;
  app: { tenantId: string; clientId: string; clientSecret: string };
  alice: string;
  bob: string;
  token(): Promise<string>;
  /** Calls the emulator's Graph API with the app's token; `prefer` defaults to immutable ids + UTC. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<{ status: number; json: Loose; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * Parsed Graph JSON for assertions: the properties tests read, typed as present. (A response only
 * has some of them; a wrong guess fails the assertion that reads it.)
 */
export interface Loose {
  id: string;
  subject: string;
  type: string;
  changeKey: string;
  iCalUId: string;
  seriesMasterId: string;
  originalStartTimeZone: string;
  lastModifiedDateTime: string;
  expirationDateTime: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  body: { contentType: string; content: string };
  recurrence: { pattern: { daysOfWeek: string[] } };
  attendees: { status: { response: string } }[];
  singleValueExtendedProperties: { id: string; value: string }[];
  cancelledOccurrences: string[];
  exceptionOccurrences: Loose[];
  value: Loose[];
  responses: { id: string; status: number; body: Loose; headers: Record<string, string> }[];
  error: { code: string; message: string; innerError: Record<string, string> };
  subscriptionId: string;
  changeType: string;
  clientState: string;
  resource: string;
  resourceData: { id: string };
  '@odata.etag': string;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@removed'?: { reason: string };
  [property: string]: unknown;
}

const parseLoose = (text: string): Loose | undefined => (text ? (JSON.parse(text) as Loose) : undefined);

export const defaultPrefer = 'IdType="ImmutableId", outlook.timezone="UTC"';

export async function startHarness(options: GraphEmulatorOptions = {}): Promise<Harness> {
  const emu = await startGraphEmulator(options);
  const app = {
    tenantId: '3f1c2b7a-0d4e-4b8a-9c61-5e2f8a7d4b10',
    clientId: '9a7e5c3b-1f2d-4e6a-8b0c-7d5f3e1a9c24',
    clientSecret: 'secret-1',
  };
  emu.registerApp(app);
  const alice = 'alice@contoso.test';
  const bob = 'bob@contoso.test';
  emu.addMailbox(alice, { displayName: 'Alice Archer' });
  emu.addMailbox(bob, { displayName: 'Bob Baker' });
  let cached: string | undefined;
  const token = async () => {
    if (cached) return cached;
    const res = await fetch(`${emu.loginUrl}/${app.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: emu.scope,
      }),
    });
    cached = ((await res.json()) as { access_token: string }).access_token;
    return cached;
  };
  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const url = path.startsWith('https://') ? path : `${emu.baseUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        prefer: defaultPrefer,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: parseLoose(text) ?? ({} as Loose), headers: res.headers };
  };
  return { emu, app, alice, bob, token, call, close: () => emu.close() };
}

/** A tiny webhook receiver that echoes validation tokens (unless told otherwise) and keeps POSTs. */
export interface Receiver {
  url: string;
  received: { path: string; body: Loose }[];
  mode: 'echo' | 'wrong' | 'slow' | 'fail';
  /** Answer the next N notification POSTs with 503. */
  failNotifications: number;
  close(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: { path: string; body: Loose }[] = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
    });
  const receiver: Receiver = {
    url: '',
    received,
    mode: 'echo',
    failNotifications: 0,
    close: () => new Promise<void>((r) => server.close(() => r())),
    waitFor: async (count, timeoutMs = 3000) => {
      const until = Date.now() + timeoutMs;
      while (received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        if (receiver.mode === 'slow') await new Promise((r) => setTimeout(r, 600));
        if (receiver.mode === 'fail') {
          res.writeHead(500).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end(receiver.mode === 'wrong' ? 'nope' : token);
        return;
      }
      if (receiver.failNotifications > 0) {
        receiver.failNotifications -= 1;
        res.writeHead(503).end();
        return;
      }
      received.push({ path: url.pathname, body: parseLoose(body) ?? ({} as Loose) });
      res.writeHead(202).end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
