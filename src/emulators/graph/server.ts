import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { EmulatorContext } from './context';
import { errorEnvelope, GraphHttpError } from './graph-error';
import { parsePreferences } from './prefer';
import { registerAuthRoutes } from './routes-auth';
import { registerBatchRoute } from './routes-batch';
import { registerEventRoutes } from './routes-events';
import { registerSubscriptionRoutes } from './routes-subscriptions';

/**
 * The HTTPS server: every /v1.0 call is authenticated, may meet an injected fault, counts against
 * its mailbox's concurrency limit (429 ApplicationThrottled beyond it), and is logged.
 */

interface Tracking {
  started: number;
  mailbox?: string;
  holdsSlot: boolean;
  errorCode?: string;
}

const mailboxInUrl = (url: string): string | undefined => {
  const m = /^\/v1\.0\/users\/([^/?]+)/i.exec(url);
  return m?.[1] ? decodeURIComponent(m[1]).toLowerCase() : undefined;
};

export function buildServer(ctx: EmulatorContext, tls: { key: string; cert: string }): FastifyInstance {
  const app = Fastify({
    https: tls,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 4000 },
  });
  const tracking = new WeakMap<FastifyRequest, Tracking>();
  const inFlight = new Map<string, number>();

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body)
  );
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    const track: Tracking = { started: Date.now(), holdsSlot: false };
    tracking.set(req, track);
    const requestId = randomUUID();
    void reply.header('request-id', requestId);
    void reply.header('client-request-id', req.headers['client-request-id'] ?? requestId);
    if (!/^\/v1\.0\//i.test(req.url)) return;
    ctx.auth.verify(req.headers.authorization);
    const key = mailboxInUrl(req.url);
    const mailbox = key ? (ctx.calendar.findMailbox(key)?.upn.toLowerCase() ?? key) : undefined;
    if (mailbox) track.mailbox = mailbox;
    const fault = ctx.faults.drawRequestFault(mailbox);
    if (fault) {
      throw fault.status === 429
        ? new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
            'retry-after': String(fault.retryAfterSeconds),
          })
        : new GraphHttpError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.', {
            'retry-after': String(fault.retryAfterSeconds),
          });
    }
    if (mailbox) {
      const busy = inFlight.get(mailbox) ?? 0;
      if (busy >= ctx.maxConcurrentPerMailbox) {
        throw new GraphHttpError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
          'retry-after': String(ctx.faults.settings.retryAfterSeconds),
        });
      }
      inFlight.set(mailbox, busy + 1);
      track.holdsSlot = true;
    }
    if (ctx.faults.settings.latencyMs > 0) await new Promise((r) => setTimeout(r, ctx.faults.settings.latencyMs));
  });

  app.addHook('onResponse', async (req, reply) => {
    const track = tracking.get(req);
    if (!track) return;
    if (track.holdsSlot && track.mailbox) inFlight.set(track.mailbox, (inFlight.get(track.mailbox) ?? 1) - 1);
    const entry = {
      at: new Date(track.started).toISOString(),
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      durationMs: Date.now() - track.started,
      prefer: parsePreferences(req.headers).raw,
      inBatch: req.headers['x-emulator-batch'] === '1',
      ...(track.mailbox ? { mailbox: track.mailbox } : {}),
      ...(track.errorCode ? { errorCode: track.errorCode } : {}),
    };
    ctx.requestLog.push(entry);
  });

  app.setErrorHandler((err: FastifyError | GraphHttpError | ZodError, req, reply) => {
    const track = tracking.get(req);
    let status = 500;
    let code = 'generalException';
    let message = err.message;
    if (err instanceof GraphHttpError) {
      status = err.status;
      code = err.code;
      for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
    } else if (err instanceof ZodError) {
      status = 400;
      code = 'RequestBodyRead';
      message = err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      status = 400;
      code = 'BadRequest';
    }
    if (track) track.errorCode = code;
    return reply.code(status).send(errorEnvelope(code, message));
  });

  app.setNotFoundHandler((req, reply) => {
    const segment = req.url.split('?')[0]?.split('/').pop() ?? '';
    const track = tracking.get(req);
    if (track) track.errorCode = 'BadRequest';
    return reply.code(400).send(errorEnvelope('BadRequest', `Resource not found for the segment '${segment}'.`));
  });

  registerAuthRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerSubscriptionRoutes(app, ctx);
  registerBatchRoute(app, ctx, tls.cert);
  return app;
}
