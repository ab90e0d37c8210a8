import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';
import type { ApiDeps } from '../../../src/api/deps';
import { buildApi, type Api } from '../../../src/api/server';
import { ApiKeyStore } from '../../../src/store/api-keys';
import { migrateToLatest } from '../../../src/store/db';
import { SecretBox } from '../../../src/store/secret-box';
import { UserStore } from '../../../src/store/users';
import { freshDatabase } from '../../support/database';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON); tests assert on it field by field. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (with the content-type from headers, default application/json). */
  raw?: string;
}

export interface ApiStack {
  app: Api;
  /** The listening API's origin, e.g. http://127.0.0.1:12345 */
  url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  temporal: Client;
  taskQueue: string;
  secretBox: SecretBox;
  /** The spec the secret box was made from (`t1:base64`). */
  secretsKeySpec: string;
  keys: { admin: string; operator: string; decoder: string };
  /** Every log line the API wrote, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A captured pino logger: tests read what the API logged. */
function capturingLogger(): { logger: Logger; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), logs };
}

/**
 * The API on a fresh database and the shared Temporal dev server, with an admin key, an operator
 * key and an operator key that may decode. Requests go through `app.inject` unless a test listens.
 */
export async function startApiStack(overrides: Partial<ApiDeps> = {}): Promise<ApiStack> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run through the integration project');
  const db = await freshDatabase();
  await migrateToLatest(db.pool);
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const taskQueue = `api-test-${randomUUID()}`;
  const secretsKeySpec = SecretBox.generateKeySpec('t1');
  const secretBox = new SecretBox(secretsKeySpec);
  const { logger, logs } = capturingLogger();
  const app = await buildApi({
    temporal,
    pool: db.pool,
    users: new UserStore(db.pool),
    taskQueue,
    syncSettings: { pollIntervalMs: 60_000, maxHistoryEvents: 2000 },
    logger,
    secretBox,
    publicBaseUrl: 'https://calsync.example.test',
    docsUi: false,
    ...overrides,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const apiKeys = new ApiKeyStore(db.pool);
  const keys = {
    admin: (await apiKeys.create({ name: 'test admin', role: 'admin' })).secret,
    operator: (await apiKeys.create({ name: 'test operator', role: 'operator' })).secret,
    decoder: (await apiKeys.create({ name: 'test decoder', role: 'operator', canDecode: true })).secret,
  };
  return {
    app,
    url,
    request: (method, path, options) => send(url, method, path, options),
    db,
    temporal,
    taskQueue,
    secretBox,
    secretsKeySpec,
    keys,
    logs,
    async close() {
      await app.close();
      await connection.close();
      await db.drop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Real HTTP (light-my-request's inject cannot load in Jest: one of its dependencies is ESM-only). */
export async function send(origin: string, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${origin}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** One field of every item of a list in a response body. */
export const pluck = (list: unknown, key: string): unknown[] =>
  (list as Record<string, unknown>[]).map((item) => item[key]);
