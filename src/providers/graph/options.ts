import { z } from 'zod';
import type { CallGate } from '../call-gate';
import type { CallObserver } from '../call-observer';

/**
 * How to reach one tenant's Graph: the app registration, and the cloud (login host, Graph base URL
 * and token scope differ per national cloud and tokens are not interchangeable between them).
 */

export const graphClouds = {
  global: { loginHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com/v1.0' },
  usGov: { loginHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us/v1.0' },
  usGovDod: { loginHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://dod-graph.microsoft.us/v1.0' },
  china: { loginHost: 'https://login.chinacloudapi.cn', graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn/v1.0' },
} as const;

export type GraphCloud = keyof typeof graphClouds;

/** Our GUID namespace for named extended properties (calsync's own; never reuse for anything else). */
export const defaultPropertyNamespace = '{8d9a4c1e-5b7f-4e2a-9c3d-6f1b2a7e4c90}';

const httpsUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://'), 'must be an https URL (the Graph SDK sends tokens only over https)');

const certificateSchema = z.object({
  /** The app registration's certificate (its public part, as uploaded to Entra ID). */
  certificatePem: z.string().min(1),
  /** Its private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKeyPem: z.string().min(1),
});

export const graphClientOptionsSchema = z
  .object({
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    /** A client secret, or (`clientCertificate`) a certificate: exactly one of them. */
    clientSecret: z.string().min(1).optional(),
    clientCertificate: certificateSchema.optional(),
    cloud: z.enum(['global', 'usGov', 'usGovDod', 'china']).default('global'),
    /** Overrides the cloud's login host, e.g. an emulator's `loginUrl`. */
    loginHost: httpsUrl.optional(),
    /** Overrides the cloud's Graph base URL (…/v1.0), e.g. an emulator's `baseUrl`. */
    graphBaseUrl: httpsUrl.optional(),
    /** Defaults to `<graph origin>/.default`. */
    scope: z.string().min(1).optional(),
    /** GUID (with braces) of our extended-property namespace. */
    propertyNamespace: z
      .string()
      .regex(/^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i)
      .default(defaultPropertyNamespace),
    /** `Prefer: odata.maxpagesize` for delta and collections. */
    pageSize: z.number().int().min(1).max(1000).default(100),
  })
  .refine((o) => (o.clientSecret === undefined) !== (o.clientCertificate === undefined), {
    message: 'give clientSecret or clientCertificate, exactly one',
    path: ['clientSecret'],
  });

export type GraphClientSettings = z.input<typeof graphClientOptionsSchema>;

export interface GraphClientOptions extends GraphClientSettings {
  /** Admits calls per mailbox (Graph allows 4 concurrent requests per app and mailbox). */
  gate?: CallGate;
  /** Receives mapping and protocol warnings (e.g. an unmappable time zone). */
  onWarning?: (message: string) => void;
  /** Hears every call and its outcome (metrics). */
  onCall?: CallObserver;
}

/** How the app proves itself to the login host: a secret, or a certificate's signed assertion. */
export type GraphCredential =
  { kind: 'secret'; clientSecret: string } | { kind: 'certificate'; certificatePem: string; privateKeyPem: string };

export interface ResolvedGraphOptions {
  tenantId: string;
  clientId: string;
  credential: GraphCredential;
  loginHost: string;
  graphBaseUrl: string;
  scope: string;
  propertyNamespace: string;
  pageSize: number;
}

export function resolveGraphOptions(input: GraphClientSettings): ResolvedGraphOptions {
  const parsed = graphClientOptionsSchema.parse(input);
  const cloud = graphClouds[parsed.cloud];
  const graphBaseUrl = (parsed.graphBaseUrl ?? cloud.graphBaseUrl).replace(/\/+$/, '');
  return {
    tenantId: parsed.tenantId,
    clientId: parsed.clientId,
    credential: parsed.clientCertificate
      ? { kind: 'certificate', ...parsed.clientCertificate }
      : { kind: 'secret', clientSecret: parsed.clientSecret ?? '' },
    loginHost: (parsed.loginHost ?? cloud.loginHost).replace(/\/+$/, ''),
    graphBaseUrl,
    scope: parsed.scope ?? `${new URL(graphBaseUrl).origin}/.default`,
    propertyNamespace: parsed.propertyNamespace,
    pageSize: parsed.pageSize,
  };
}
