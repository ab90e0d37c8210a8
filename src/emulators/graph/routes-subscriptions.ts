import type { FastifyInstance, FastifyRequest } from 'fastify';
import { paramsOf, prefsOf, type EmulatorContext } from './context';
import { subscriptionCreateSchema, subscriptionPatchSchema } from './subscriptions';

/** /subscriptions: create (with the validation handshake), read, renew, reauthorize, delete. */
export function registerSubscriptionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const hub = ctx.subscriptions;
  const appOf = (req: FastifyRequest) => ctx.auth.verify(req.headers.authorization);
  const idOf = (req: FastifyRequest) => paramsOf(req).id ?? '';
  const context = () => `${ctx.baseUrl()}/$metadata#subscriptions/$entity`;

  app.post('/v1.0/subscriptions', async (req, reply) => {
    const body = subscriptionCreateSchema.parse(req.body);
    const sub = await hub.create(body, appOf(req), prefsOf(req).immutableIds);
    return reply.code(201).send({ '@odata.context': context(), ...hub.render(sub) });
  });

  app.get('/v1.0/subscriptions', async (req) => ({
    '@odata.context': `${ctx.baseUrl()}/$metadata#subscriptions`,
    value: hub.list(appOf(req).clientId).map((s) => hub.render(s)),
  }));

  app.get('/v1.0/subscriptions/:id', async (req) => ({
    '@odata.context': context(),
    ...hub.render(hub.get(idOf(req))),
  }));

  app.patch('/v1.0/subscriptions/:id', async (req) => {
    const sub = await hub.update(idOf(req), subscriptionPatchSchema.parse(req.body));
    return { '@odata.context': context(), ...hub.render(sub) };
  });

  app.post('/v1.0/subscriptions/:id/reauthorize', async (req, reply) => {
    hub.reauthorize(idOf(req));
    return reply.code(204).send();
  });

  app.delete('/v1.0/subscriptions/:id', async (req, reply) => {
    hub.delete(idOf(req));
    return reply.code(204).send();
  });
}
