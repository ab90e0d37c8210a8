import { z } from 'zod';

/**
 * What a tenant's connections look like. Settings are stored in clear (`tenants.connections`);
 * credentials only sealed (`tenants.secrets`), and never returned by the API.
 */
const url = z.url({ protocol: /^https?$/ });

export const graphConnectionSchema = z
  .object({
    /** Entra ID (Azure AD) tenant id. */
    directoryId: z.string().min(1),
    clientId: z.string().min(1),
    cloud: z.enum(['global', 'usGov', 'usGovDod', 'china']).default('global'),
    /** Overrides of the cloud's hosts (the emulator, or a cloud not listed). */
    loginHost: url.optional(),
    graphBaseUrl: url.optional(),
    scope: z.string().optional(),
  })
  .strict();

export const netsuiteConnectionSchema = z
  .object({
    accountId: z.string().min(1),
    auth: z.enum(['m2m', 'tba']),
    /** M2M: the integration's client id and the certificate id of the uploaded public key. */
    clientId: z.string().optional(),
    certificateId: z.string().optional(),
    algorithm: z.enum(['PS256', 'ES256']).optional(),
    /** Overrides the REST host (emulator, or a specific data centre). */
    restBaseUrl: url.optional(),
    /** Overrides the RESTlet URL of the shipped bundle (recurrence fields). */
    restletUrl: url.optional(),
    /** Whether the SuiteScript bundle pushes changes (else a tenant poller reads them). */
    pushInstalled: z.boolean().default(false),
    /**
     * Whether the bundle's recurrence RESTlet is deployed: series are then written and read as
     * native NetSuite recurring events; without it they go to NetSuite as single occurrences.
     */
    recurrenceRestletInstalled: z.boolean().default(false),
    concurrencyLimit: z.number().int().min(1).max(100).default(5),
  })
  .strict();

export const autotaskConnectionSchema = z
  .object({
    username: z.string().min(1),
    /** The zone discovery base (default: Autotask's global webservices host). */
    zoneDiscoveryUrl: url.optional(),
    hourlyBudgetShare: z.number().min(0.01).max(1).default(0.5),
    /**
     * Autotask's concurrent requests per endpoint for this integration: 3 for integrations created
     * since 2023.1 (ThreadLimiting); set it only when Kaseya granted the integration another figure.
     */
    threadsPerEndpoint: z.number().int().min(1).max(20).default(3),
  })
  .strict();

export const tenantConnectionsSchema = z
  .object({
    graph: graphConnectionSchema.optional(),
    netsuite: netsuiteConnectionSchema.optional(),
    autotask: autotaskConnectionSchema.optional(),
  })
  .strict();

export const tenantSecretsSchema = z
  .object({
    graph: z
      .object({ clientSecret: z.string().min(1) })
      .strict()
      .optional(),
    netsuite: z
      .union([
        z.object({ privateKeyPem: z.string().min(1) }).strict(),
        z
          .object({
            consumerKey: z.string().min(1),
            consumerSecret: z.string().min(1),
            tokenId: z.string().min(1),
            tokenSecret: z.string().min(1),
          })
          .strict(),
      ])
      .optional(),
    autotask: z
      .object({ secret: z.string().min(1), integrationCode: z.string().min(1) })
      .strict()
      .optional(),
    /** Certificate credentials of the Entra app, the alternative to `graph.clientSecret`. */
    graphCertificate: z
      .object({ certificatePem: z.string().min(1), privateKeyPem: z.string().min(1) })
      .strict()
      .optional(),
    /** The secret the shipped SuiteScript signs its pushes with (HMAC-SHA256). */
    netsuitePush: z
      .object({ secret: z.string().min(16) })
      .strict()
      .optional(),
  })
  .strict();

export type TenantConnections = z.infer<typeof tenantConnectionsSchema>;
export type TenantSecrets = z.infer<typeof tenantSecretsSchema>;

/** The Graph client's credential from the stored secrets: the client secret, else the certificate. */
export function graphCredentialOf(
  secrets: TenantSecrets
): { clientSecret: string } | { clientCertificate: { certificatePem: string; privateKeyPem: string } } | undefined {
  if (secrets.graph) return { clientSecret: secrets.graph.clientSecret };
  if (secrets.graphCertificate) return { clientCertificate: secrets.graphCertificate };
  return undefined;
}
export type GraphConnection = z.infer<typeof graphConnectionSchema>;
export type NetSuiteConnection = z.infer<typeof netsuiteConnectionSchema>;
export type AutotaskConnection = z.infer<typeof autotaskConnectionSchema>;
