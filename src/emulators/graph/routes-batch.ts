import { request as httpsRequest } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context';
import { errorEnvelope, invalidRequest } from './graph-error';

/**
 * JSON batching: up to 20 requests; with dependsOn the items run one by one and an item whose
 * dependency failed gets 424; without, they run side by side (at most four at a time, as Outlook
 * does). Each item passes through the same checks as a direct call, so it can be throttled alone.
 */

const batchSchema = z.object({
  requests: z.array(
    z.object({
      id: z.string().min(1),
      method: z.string().min(1),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(z.string()).optional(),
    })
  ),
});

type BatchRequest = z.infer<typeof batchSchema>['requests'][number];

interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const maxRequests = 20;
const parallelism = 4;

interface InnerReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends an item back through the server itself, so it meets the same hooks as a direct call. */
function loopback(
  ctx: EmulatorContext,
  ca: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string
): Promise<InnerReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${ctx.loginUrl()}${path}`, { method, headers, ca }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function registerBatchRoute(app: FastifyInstance, ctx: EmulatorContext, ca: string): void {
  app.post('/v1.0/$batch', async (req) => {
    ctx.auth.verify(req.headers.authorization);
    const { requests } = batchSchema.parse(req.body);
    if (requests.length > maxRequests) {
      throw invalidRequest(`Number of batch request steps exceeds the maximum value of ${maxRequests}.`, 'BadRequest');
    }
    const ids = new Set<string>();
    for (const r of requests) {
      if (ids.has(r.id.toLowerCase()))
        throw invalidRequest(`Batch request contains duplicate id '${r.id}'.`, 'BadRequest');
      ids.add(r.id.toLowerCase());
    }
    for (const r of requests) {
      for (const d of r.dependsOn ?? []) {
        if (!ids.has(d.toLowerCase()))
          throw invalidRequest(`Request '${r.id}' depends on unknown id '${d}'.`, 'BadRequest');
      }
    }
    const authorization = req.headers.authorization ?? '';
    const run = async (r: BatchRequest): Promise<BatchResponse> => {
      const headers: Record<string, string> = { ...(r.headers ?? {}), authorization, 'x-emulator-batch': '1' };
      const hasBody = r.body !== undefined;
      if (hasBody && !Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) {
        return {
          id: r.id,
          status: 400,
          headers: {},
          body: errorEnvelope('BadRequest', 'Content-Type header is required when a body is present.'),
        };
      }
      const url = `/v1.0${r.url.startsWith('/') ? '' : '/'}${r.url}`;
      const res = await loopback(
        ctx,
        ca,
        r.method.toUpperCase(),
        url,
        headers,
        hasBody ? JSON.stringify(r.body) : undefined
      );
      const out: BatchResponse = { id: r.id, status: res.status, headers: {} };
      for (const name of ['content-type', 'retry-after', 'location']) {
        const v = res.headers[name];
        if (typeof v === 'string')
          out.headers[name === 'content-type' ? 'Content-Type' : name === 'retry-after' ? 'Retry-After' : 'Location'] =
            v;
      }
      if (res.body)
        out.body = String(res.headers['content-type'] ?? '').includes('json')
          ? (JSON.parse(res.body) as unknown)
          : res.body;
      return out;
    };
    const responses: BatchResponse[] = [];
    if (requests.some((r) => (r.dependsOn ?? []).length > 0)) {
      const byId = new Map<string, BatchResponse>();
      for (const r of requests) {
        const failed = (r.dependsOn ?? []).some((d) => (byId.get(d.toLowerCase())?.status ?? 424) >= 400);
        const response = failed
          ? { id: r.id, status: 424, headers: {}, body: errorEnvelope('FailedDependency', 'Failed dependency.') }
          : await run(r);
        byId.set(r.id.toLowerCase(), response);
        responses.push(response);
      }
    } else {
      const queue = [...requests];
      await Promise.all(
        Array.from({ length: parallelism }, async () => {
          for (let r = queue.shift(); r; r = queue.shift()) responses.push(await run(r));
        })
      );
    }
    return { responses };
  });
}
