import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { paramsOf, prefsOf, queryOf, renderOptionsOf, type EmulatorContext, type Query } from './context';
import { parseWindowBound } from './date-time';
import { GraphHttpError, invalidRequest } from './graph-error';
import { acceptId, presentId } from './ids';
import { entryOfStored, seriesEntries, viewEntries } from './occurrences';
import { parseEventFilter, parseExpand, parseSelect } from './odata';
import { renderEntry, type Json, type RenderOptions } from './render';
import { eventWriteSchema } from './write-schema';
import { z } from 'zod';

/** /users/{id}/events, calendarView, instances and the RSVP actions. */

const rsvpSchema = z.object({
  comment: z.string().optional(),
  sendResponse: z.boolean().optional(),
  proposedNewTime: z.unknown().optional(),
});

function windowOf(query: Query): { fromMs: number; toMs: number } {
  const from = query.startDateTime ?? query.startdatetime;
  const to = query.endDateTime ?? query.enddatetime;
  if (!from || !to) {
    throw invalidRequest(
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      'ErrorInvalidParameter'
    );
  }
  const fromAt = parseWindowBound(from);
  const toAt = parseWindowBound(to);
  if (!fromAt || !toAt) throw invalidRequest(`Invalid time window '${from}'..'${to}'.`, 'ErrorInvalidParameter');
  return { fromMs: fromAt.toMillis(), toMs: toAt.toMillis() };
}

function renderOptions(req: FastifyRequest): RenderOptions {
  const query = queryOf(req);
  const expand = parseExpand(query.$expand);
  const opts = renderOptionsOf(prefsOf(req));
  const select = parseSelect(query.$select);
  if (select) opts.select = select;
  if (expand.extended) opts.expandExtended = expand.extended;
  if (expand.exceptions) opts.expandExceptions = true;
  return opts;
}

/** A page of a collection, with an absolute nextLink on the emulator's origin. */
function page(ctx: EmulatorContext, req: FastifyRequest, items: Json[]): Json {
  const query = queryOf(req);
  const prefs = prefsOf(req);
  const size = Number(query.$top ?? prefs.maxPageSize ?? ctx.defaultPageSize);
  const skip = Number(query.$skip ?? 0);
  const value = items.slice(skip, skip + size);
  const out: Json = { '@odata.context': `${ctx.baseUrl()}/$metadata#Collection(event)`, value };
  if (skip + size < items.length) {
    const next = new URL(`${ctx.baseUrl().replace(/\/v1\.0$/, '')}${req.url}`);
    next.searchParams.set('$skip', String(skip + size));
    out['@odata.nextLink'] = next.toString();
  }
  return out;
}

export function registerEventRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const cal = ctx.calendar;
  const mailboxOf = (req: FastifyRequest) => cal.mailbox(paramsOf(req).user ?? '');
  const idOf = (req: FastifyRequest) => acceptId(paramsOf(req).id ?? '');
  const bases = ['/v1.0/users/:user/events', '/v1.0/users/:user/calendar/events'];

  app.get('/v1.0/users/:user', async (req) => {
    const mb = mailboxOf(req);
    return { id: mb.userId, userPrincipalName: mb.upn, mail: mb.upn, displayName: mb.displayName };
  });

  for (const base of bases) {
    app.get(base, async (req) => {
      const mb = mailboxOf(req);
      const filter = parseEventFilter(queryOf(req).$filter);
      const opts = renderOptions(req);
      const items = [...mb.events.values()].filter(filter).map((e) => renderEntry(mb, entryOfStored(e), opts));
      return page(ctx, req, items);
    });

    app.post(base, async (req, reply) => {
      const mb = mailboxOf(req);
      const body = eventWriteSchema.parse(req.body);
      const event = cal.create(mb, body, 'app');
      return reply.code(201).send(renderEntry(mb, entryOfStored(event), renderOptions(req)));
    });

    app.get(`${base}/:id`, async (req) => {
      const mb = mailboxOf(req);
      return renderEntry(mb, cal.get(mb, idOf(req)), renderOptions(req));
    });

    app.patch(`${base}/:id`, async (req) => {
      const mb = mailboxOf(req);
      const body = eventWriteSchema.parse(req.body);
      if (body.transactionId !== undefined)
        throw invalidRequest('transactionId can only be set when the event is created.');
      return renderEntry(mb, cal.update(mb, idOf(req), body, 'app'), renderOptions(req));
    });

    app.delete(`${base}/:id`, async (req, reply) => {
      const mb = mailboxOf(req);
      cal.delete(mb, idOf(req), 'app');
      return reply.code(204).send();
    });

    app.get(`${base}/:id/instances`, async (req) => {
      const mb = mailboxOf(req);
      const { fromMs, toMs } = windowOf(queryOf(req));
      const entry = cal.get(mb, idOf(req));
      if (entry.type !== 'seriesMaster') throw invalidRequest('The specified event is not a recurring series master.');
      const opts = renderOptions(req);
      return page(
        ctx,
        req,
        seriesEntries(entry.master, fromMs, toMs).map((e) => renderEntry(mb, e, opts))
      );
    });

    const actions = { accept: 'accepted', tentativelyAccept: 'tentativelyAccepted', decline: 'declined' } as const;
    for (const [action, response] of Object.entries(actions)) {
      app.post(`${base}/:id/${action}`, async (req: FastifyRequest, reply: FastifyReply) => {
        const mb = mailboxOf(req);
        const body = rsvpSchema.parse(req.body ?? {});
        const entry = cal.get(mb, idOf(req));
        if (
          body.proposedNewTime !== undefined &&
          (body.sendResponse === false || !entry.master.allowNewTimeProposals)
        ) {
          throw invalidRequest('A new time can be proposed only with sendResponse and when the organizer allows it.');
        }
        const opts: { sendResponse: boolean; comment?: string } = { sendResponse: body.sendResponse ?? true };
        if (body.comment) opts.comment = body.comment;
        cal.respond(mb, idOf(req), response, opts, 'app');
        return reply.code(202).send();
      });
    }

    app.post(`${base}/:id/cancel`, async (req, reply) => {
      const mb = mailboxOf(req);
      cal.cancel(mb, idOf(req), 'app');
      return reply.code(202).send();
    });
  }

  for (const base of ['/v1.0/users/:user/calendarView', '/v1.0/users/:user/calendar/calendarView']) {
    app.get(base, async (req) => {
      const mb = mailboxOf(req);
      const { fromMs, toMs } = windowOf(queryOf(req));
      const opts = renderOptions(req);
      return page(
        ctx,
        req,
        viewEntries(mb, fromMs, toMs).map((e) => renderEntry(mb, e, opts))
      );
    });

    app.get(`${base}/delta`, async (req, reply) => {
      const mb = mailboxOf(req);
      const query = queryOf(req);
      const prefs = prefsOf(req);
      for (const unsupported of ['$select', '$expand', '$filter', '$orderby', '$search']) {
        if (query[unsupported] !== undefined) {
          throw new GraphHttpError(
            400,
            'ErrorInvalidUrlQuery',
            `The query parameter '${unsupported}' is not supported with delta.`
          );
        }
      }
      const render = renderOptionsOf(prefs);
      const result = query.$skiptoken
        ? ctx.deltas.resumeSkip(mb, query.$skiptoken)
        : query.$deltatoken
          ? ctx.deltas.resumeDelta(mb, query.$deltatoken, render, prefs.maxPageSize)
          : (() => {
              const { fromMs, toMs } = windowOf(query);
              return ctx.deltas.start(mb, fromMs, toMs, render, prefs.maxPageSize);
            })();
      const link = `${ctx.baseUrl()}/users/${encodeURIComponent(presentId(mb.userId, true))}/calendarView/delta`;
      const out: Json = { '@odata.context': `${ctx.baseUrl()}/$metadata#Collection(event)` };
      if (result.nextToken) out['@odata.nextLink'] = `${link}?$skiptoken=${result.nextToken}`;
      if (result.deltaToken) out['@odata.deltaLink'] = `${link}?$deltatoken=${result.deltaToken}`;
      out.value = result.value;
      const applied = ['odata.track-changes', ...(prefs.maxPageSize ? [`odata.maxpagesize=${prefs.maxPageSize}`] : [])];
      return reply.header('preference-applied', applied.join(', ')).send(out);
    });
  }
}
