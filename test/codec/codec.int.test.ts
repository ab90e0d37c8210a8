import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec } from '../../src/codec/aes-gcm-codec';
import { createDataConverter } from '../../src/codec/data-converter';
import { bearer, startApiStack, type ApiStack } from '../api/support/stack';
import { echoSubject, failQuotingSubject } from './support/workflows';

/*
 * The codec end to end: a worker and a client with calsync's data converter run workflows whose
 * input, result and failure quote an event subject; the history Temporal stores holds none of it
 * in clear, and the codec endpoint gives it back to callers allowed to decode.
 */

const KEYS = `c1:${randomBytes(32).toString('base64')}`;
const SUBJECT = 'Acquisition of Initech - strictly private';
const UI_ORIGIN = 'http://127.0.0.1:8233';

let stack: ApiStack;
let encrypted: Client;
let plainConnection: Connection;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
const taskQueue = `codec-${randomUUID()}`;
let echoId: string;
let failId: string;

beforeAll(async () => {
  stack = await startApiStack({ codec: new AesGcmPayloadCodec(KEYS), temporalUiOrigins: [UI_ORIGIN] });
  const address = process.env.TEMPORAL_ADDRESS!;
  nativeConnection = await NativeConnection.connect({ address });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./support/workflows'),
    dataConverter: createDataConverter(KEYS),
  });
  running = worker.run();
  plainConnection = await Connection.connect({ address });
  encrypted = new Client({ connection: plainConnection, dataConverter: createDataConverter(KEYS) });
  echoId = `codec-echo-${randomUUID()}`;
  failId = `codec-fail-${randomUUID()}`;
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await plainConnection?.close();
  await stack?.close();
});

/**
 * Everything Temporal stored for a workflow, as text: the history as JSON plus every payload's data
 * and metadata decoded from base64, so that a value in clear would show up whatever its encoding.
 */
const storedText = async (workflowId: string) => {
  const history: unknown = JSON.parse(
    JSON.stringify(await new Client({ connection: plainConnection }).workflow.getHandle(workflowId).fetchHistory())
  );
  const decoded: string[] = [];
  const walk = (node: unknown, key = ''): void => {
    if (typeof node === 'string') {
      if (key === 'data' || key === 'metadata') decoded.push(Buffer.from(node, 'base64').toString('latin1'));
    } else if (Array.isArray(node)) {
      node.forEach((n) => walk(n, key));
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, key === 'metadata' ? 'metadata' : k);
    }
  };
  walk(history);
  return `${JSON.stringify(history)}\n${decoded.join('\n')}`;
};

describe('payload encryption', () => {
  it('keeps inputs and results out of the history in clear, and gives them back to the codec holder', async () => {
    const result = await encrypted.workflow.execute(echoSubject, {
      taskQueue,
      workflowId: echoId,
      args: [{ subject: SUBJECT }],
    });
    expect(result).toEqual({ subject: SUBJECT.toUpperCase() });
    const stored = await storedText(echoId);
    expect(stored).toContain('binary/encrypted');
    expect(stored).not.toMatch(/initech/i);
  });

  it('would see a subject sent without the codec (the check above can fail)', async () => {
    const plainId = `codec-plain-${randomUUID()}`;
    const handle = await new Client({ connection: plainConnection }).workflow.start(echoSubject, {
      taskQueue,
      workflowId: plainId,
      args: [{ subject: SUBJECT }],
    });
    // The worker encrypts the result, which this plain client cannot read: wait for it all the same.
    await expect(handle.result()).rejects.toThrow(/binary\/encrypted/);
    expect(await storedText(plainId)).toContain('Initech');
  });

  it('encrypts failure messages too', async () => {
    const failure = await encrypted.workflow
      .execute(failQuotingSubject, { taskQueue, workflowId: failId, args: [{ subject: SUBJECT }] })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(((failure as WorkflowFailedError).cause as Error).message).toBe(`cannot sync "${SUBJECT}"`);
    const stored = await storedText(failId);
    expect(stored).toContain('Encoded failure');
    expect(stored).not.toMatch(/initech/i);
  });
});

describe('codec endpoint', () => {
  const firstPayload = async (workflowId: string) => {
    const history = await new Client({ connection: plainConnection }).workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    return {
      metadata: Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])
      ),
      data: Buffer.from(payload.data!).toString('base64'),
    };
  };

  it('decodes a payload from the history for a caller allowed to decode', async () => {
    const payload = await firstPayload(echoId);
    const res = await stack.request('POST', '/codec/decode', {
      headers: { ...bearer(stack.keys.decoder), 'x-namespace': 'default', origin: UI_ORIGIN },
      json: { payloads: [payload] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const decoded = res.body.payloads[0];
    expect(Buffer.from(decoded.metadata.encoding as string, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(decoded.data as string, 'base64').toString())).toEqual({ subject: SUBJECT });
  });

  it('encodes what it is given, so that the UI can send encrypted signals', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"hello"').toString('base64'),
    };
    const res = await stack.request('POST', '/codec/encode', {
      headers: bearer(stack.keys.admin),
      json: { payloads: [plain] },
    });
    expect(res.status).toBe(200);
    const round = await stack.request('POST', '/codec/decode', { headers: bearer(stack.keys.admin), json: res.body });
    expect(round.body.payloads[0].data).toBe(plain.data);
  });

  it('refuses callers without the decode permission, and tells the UI why', async () => {
    const payload = await firstPayload(echoId);
    const operator = await stack.request('POST', '/codec/decode', {
      headers: { ...bearer(stack.keys.operator), origin: UI_ORIGIN },
      json: { payloads: [payload] },
    });
    expect(operator.status).toBe(403);
    expect(operator.text).not.toContain('Initech');
    expect(operator.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const anonymous = await stack.request('POST', '/codec/decode', {
      headers: { origin: UI_ORIGIN },
      json: { payloads: [payload] },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  });

  it('answers the browser preflight for the UI origin only', async () => {
    const ok = await stack.request('OPTIONS', '/codec/decode', {
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await stack.request('OPTIONS', '/codec/decode', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('says which payload cannot be decrypted', async () => {
    const payload = await firstPayload(echoId);
    const broken = { ...payload, data: Buffer.from('x'.repeat(40)).toString('base64') };
    const res = await stack.request('POST', '/codec/decode', {
      headers: bearer(stack.keys.admin),
      json: { payloads: [broken] },
    });
    expect(res.status).toBe(400);
    expect(res.body.title).toBe('Payload cannot be decrypted');
  });
});
