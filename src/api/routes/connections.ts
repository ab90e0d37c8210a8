import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  autotaskConnectionSchema,
  graphConnectionSchema,
  netsuiteConnectionSchema,
  type TenantConnections,
  type TenantSecrets,
} from '../../store/tenant-connections';
import type { ConnectorName } from '../connection-checks';
import type { ApiContext } from '../context';
import { HttpProblem } from '../problem';
import { errorResponses, opaqueId } from '../schemas';
import { describeTenant, requireTenant, tenantBody, updateTenant } from './tenants';

/*
 * Connections: settings and credentials in one request; the response shows the settings and only
 * whether credentials are stored. Omitting credentials on an update keeps the stored ones.
 */

const pem = z.string().min(1).max(20_000);

const graphBody = graphConnectionSchema
  .extend({
    clientSecret: z.string().min(1).max(1024).optional(),
    certificate: z.object({ certificatePem: pem, privateKeyPem: pem }).strict().optional(),
  })
  .strict()
  .refine((b) => !(b.clientSecret && b.certificate), {
    message: 'give clientSecret or certificate, not both',
    path: ['certificate'],
  });

const tbaCredentials = z
  .object({
    consumerKey: z.string().min(1),
    consumerSecret: z.string().min(1),
    tokenId: z.string().min(1),
    tokenSecret: z.string().min(1),
  })
  .strict();

const netsuiteBody = netsuiteConnectionSchema
  .extend({
    /** M2M: the private key of the certificate uploaded to NetSuite. */
    privateKeyPem: pem.optional(),
    /** TBA: the integration's consumer key/secret and the access token id/secret. */
    tba: tbaCredentials.optional(),
    /** The secret the shipped SuiteScript signs its pushes with. */
    pushSecret: z.string().min(16).max(256).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.auth === 'm2m') {
      if (!b.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'required for auth m2m' });
      if (!b.certificateId) ctx.addIssue({ code: 'custom', path: ['certificateId'], message: 'required for auth m2m' });
      if (b.tba) ctx.addIssue({ code: 'custom', path: ['tba'], message: 'not used with auth m2m' });
    } else if (b.privateKeyPem) {
      ctx.addIssue({ code: 'custom', path: ['privateKeyPem'], message: 'not used with auth tba' });
    }
  });

const autotaskBody = autotaskConnectionSchema
  .extend({ secret: z.string().min(1).max(1024).optional(), integrationCode: z.string().min(1).max(1024).optional() })
  .strict()
  .refine((b) => !b.secret === !b.integrationCode, {
    message: 'give secret and integrationCode together',
    path: ['integrationCode'],
  });

const tenantParams = z.object({ id: opaqueId }).strict();
const connectorParams = z.object({ id: opaqueId, connector: z.enum(['graph', 'netsuite', 'autotask']) }).strict();

const missing = (field: string, reason: string) =>
  new HttpProblem(400, 'Invalid request', 'Credentials are required the first time a connection is configured.', {
    errors: [{ field: `body.${field}`, reason }],
  });

export const connectionRoutes =
  (ctx: ApiContext): FastifyPluginAsyncZod =>
  async (app) => {
    const respond = async (tenantId: string) => describeTenant(ctx, await requireTenant(ctx, tenantId));
    const tenantResponse = { 200: tenantBody, ...errorResponses };

    app.put(
      '/v1/tenants/:id/connections/graph',
      {
        schema: {
          tags: ['connections'],
          summary:
            'Configure the Microsoft 365 (Graph) connection: directory, app registration, cloud; secret or certificate',
          params: tenantParams,
          body: graphBody,
          response: tenantResponse,
        },
      },
      async (request) => {
        const { clientSecret, certificate, ...settings } = request.body;
        await updateTenant(ctx, request.params.id, ({ tenant, secrets }) => {
          if (!clientSecret && !certificate && !secrets.graph && !secrets.graphCertificate) {
            throw missing('clientSecret', 'give clientSecret or certificate');
          }
          const next: TenantSecrets = { ...secrets };
          if (clientSecret) {
            next.graph = { clientSecret };
            delete next.graphCertificate;
          } else if (certificate) {
            next.graphCertificate = certificate;
            delete next.graph;
          }
          return { connections: { ...tenant.connections, graph: settings }, secrets: next };
        });
        request.log.info({ tenantId: request.params.id, connector: 'graph' }, 'connection configured');
        return respond(request.params.id);
      }
    );

    app.put(
      '/v1/tenants/:id/connections/netsuite',
      {
        schema: {
          tags: ['connections'],
          summary: 'Configure the NetSuite connection: account, auth scheme (m2m or tba) and its keys, push secret',
          params: tenantParams,
          body: netsuiteBody,
          response: tenantResponse,
        },
      },
      async (request) => {
        const { privateKeyPem, tba, pushSecret, ...settings } = request.body;
        await updateTenant(ctx, request.params.id, ({ tenant, secrets }) => {
          const next: TenantSecrets = { ...secrets };
          if (settings.auth === 'm2m') {
            if (privateKeyPem) next.netsuite = { privateKeyPem };
            else if (!secrets.netsuite || !('privateKeyPem' in secrets.netsuite))
              throw missing('privateKeyPem', 'required for auth m2m');
          } else {
            if (tba) next.netsuite = tba;
            else if (!secrets.netsuite || 'privateKeyPem' in secrets.netsuite)
              throw missing('tba', 'required for auth tba');
          }
          if (pushSecret) next.netsuitePush = { secret: pushSecret };
          return { connections: { ...tenant.connections, netsuite: settings }, secrets: next };
        });
        request.log.info({ tenantId: request.params.id, connector: 'netsuite' }, 'connection configured');
        return respond(request.params.id);
      }
    );

    app.put(
      '/v1/tenants/:id/connections/autotask',
      {
        schema: {
          tags: ['connections'],
          summary: 'Configure the Autotask connection: API user, integration code and secret',
          params: tenantParams,
          body: autotaskBody,
          response: tenantResponse,
        },
      },
      async (request) => {
        const { secret, integrationCode, ...settings } = request.body;
        await updateTenant(ctx, request.params.id, ({ tenant, secrets }) => {
          if (!secret && !secrets.autotask) throw missing('secret', 'give secret and integrationCode');
          return {
            connections: { ...tenant.connections, autotask: settings },
            secrets: secret && integrationCode ? { ...secrets, autotask: { secret, integrationCode } } : secrets,
          };
        });
        request.log.info({ tenantId: request.params.id, connector: 'autotask' }, 'connection configured');
        return respond(request.params.id);
      }
    );

    app.delete(
      '/v1/tenants/:id/connections/:connector',
      {
        schema: {
          tags: ['connections'],
          summary: 'Remove a connection and its credentials',
          params: connectorParams,
          response: tenantResponse,
        },
      },
      async (request) => {
        const connector = request.params.connector;
        await updateTenant(ctx, request.params.id, ({ tenant, secrets }) => {
          const connections: TenantConnections = { ...tenant.connections };
          delete connections[connector];
          const next: TenantSecrets = { ...secrets };
          delete next[connector];
          if (connector === 'graph') delete next.graphCertificate;
          if (connector === 'netsuite') delete next.netsuitePush;
          return { connections, secrets: next };
        });
        request.log.info({ tenantId: request.params.id, connector }, 'connection removed');
        return respond(request.params.id);
      }
    );

    app.post(
      '/v1/tenants/:id/connections/:connector/test',
      {
        schema: {
          tags: ['connections'],
          summary: 'Check a connection for real: a token (where the provider has tokens) and one read',
          description:
            'Graph reads the events of `mailbox` (default: the first registered user of the tenant). A provider failure is reported in the result (`ok: false`), not as an HTTP error.',
          params: connectorParams,
          body: z.object({ mailbox: z.email().optional() }).strict().nullish(),
          response: {
            200: z.object({
              connector: z.enum(['graph', 'netsuite', 'autotask']),
              ok: z.boolean(),
              steps: z.array(
                z.object({
                  name: z.enum(['token', 'read']),
                  status: z.enum(['ok', 'failed', 'skipped']),
                  detail: z.string(),
                })
              ),
              error: z.object({ code: z.string(), status: z.number(), message: z.string() }).optional(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const connector: ConnectorName = request.params.connector;
        const tenant = await requireTenant(ctx, request.params.id);
        const secrets = await ctx.tenants().secrets(tenant.id);
        const notConfigured = () =>
          new HttpProblem(409, 'Connection not configured', `The tenant has no ${connector} connection.`);
        let result;
        if (connector === 'graph') {
          const graph = tenant.connections.graph;
          if (!graph) throw notConfigured();
          const mailbox =
            request.body?.mailbox ?? (await ctx.deps.users.list({ tenantId: tenant.id, limit: 1 }))[0]?.mailbox;
          result = await ctx.connectionChecks.graph(graph, secrets, { mailbox });
        } else if (connector === 'netsuite') {
          const netsuite = tenant.connections.netsuite;
          if (!netsuite) throw notConfigured();
          result = await ctx.connectionChecks.netsuite(netsuite, secrets);
        } else {
          const autotask = tenant.connections.autotask;
          if (!autotask) throw notConfigured();
          result = await ctx.connectionChecks.autotask(autotask, secrets);
        }
        request.log.info(
          { tenantId: tenant.id, connector, ok: result.ok, code: result.error?.code },
          'connection checked'
        );
        return { connector, ...result };
      }
    );
  };
