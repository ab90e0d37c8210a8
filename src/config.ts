import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * All process-level configuration, from the environment and an optional JSON config file
 * (CALSYNC_CONFIG_FILE). Environment variables win over the file. Per-tenant provider credentials
 * are not here: they live encrypted in the tenants table and are managed through the admin API.
 */

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where embedded servers keep their state between runs. */
    CALSYNC_DATA_DIR: z.string().min(1).default('.data'),

    /** An existing Temporal cluster (host:port). When unset, calsync starts the CLI dev server itself. */
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port, for example 127.0.0.1:7233')
      .optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('calsync'),
    /** A temporal CLI binary to use when none is on PATH. */
    TEMPORAL_CLI_PATH: z.string().min(1).optional(),
    /** Dev server ports (only used when calsync starts the dev server). */
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),

    /** PostgreSQL connection string. When unset, calsync runs an embedded PostgreSQL under the data dir. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    EMBEDDED_PG_PORT: port.default(5488),

    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(8080),
    /** The URL providers use to reach our webhooks; defaults to the API's own address. */
    PUBLIC_BASE_URL: httpUrl.optional(),

    /**
     * Sandbox mode runs the provider emulators on localhost with a seeded demo tenant.
     * `auto` turns it on when no tenant credentials are configured.
     */
    CALSYNC_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
    EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    GRAPH_EMULATOR_PORT: port.default(8443),
    NETSUITE_EMULATOR_PORT: port.default(8444),
    AUTOTASK_EMULATOR_PORT: port.default(8445),

    /** In sandbox mode, make a demo Outlook event this often (0 turns it off). */
    CALSYNC_SANDBOX_DEMO_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),

    /** Key for secrets at rest: `keyId:base64(32 bytes)`, comma-separated; the first one encrypts. */
    CALSYNC_SECRETS_KEYS: z.string().optional(),

    /**
     * Keys encrypting Temporal payloads (the codec): `keyId:base64(32 bytes)`, comma-separated; the
     * first one encrypts, every listed one decrypts (rotation). Unset: payloads are not encrypted.
     */
    CALSYNC_CODEC_KEYS: z
      .string()
      .regex(
        /^\s*[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+\s*(,\s*[A-Za-z0-9_.-]+:[A-Za-z0-9+/=]+\s*)*$/,
        'must be keyId:base64[,keyId:base64...]'
      )
      .optional(),

    /** An admin API key created (hashed) at API start, so that the first admin can get in. */
    CALSYNC_BOOTSTRAP_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Optional OIDC bearer-token validation for organisations with an identity provider. */
    OIDC_JWKS_URL: httpUrl.optional(),
    OIDC_ISSUER: z.string().min(1).optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    /** The claim holding the caller's roles (`calsync.admin`, `calsync.operator`, `calsync.decode`). */
    OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
    /** Requests per minute per API key (token bucket; bursts up to the same number). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Largest accepted request body. */
    API_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
    /** Origins (comma-separated) of the Temporal UI allowed to call the codec endpoint; default the local UI. */
    TEMPORAL_UI_ORIGIN: z.string().min(1).optional(),
    /** How old a NetSuite push may be before it is refused as stale (replay window). */
    NETSUITE_PUSH_TOLERANCE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
    /**
     * A prebuilt workflow bundle (`npm run build:bundle` writes `dist/workflow-bundle.js`; the
     * container image sets it). Unset: the worker bundles the workflow code when it starts.
     */
    CALSYNC_WORKFLOW_BUNDLE: z.string().min(1).optional(),
    /**
     * Workflows a worker keeps in memory. A user's workflow that left the cache replays its whole
     * history at its next wake-up (a fallback poll, every 5 minutes even when idle), and cyclic
     * wake-ups of more workflows than the cache holds miss it every time: size it above the users a
     * worker serves (plus their series children and the tenant pollers).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(10).max(1_000_000).default(1000),
    /** Where a worker serves its Prometheus metrics (host:port); unset: not served. */
    WORKER_METRICS_BIND_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port')
      .optional(),

    /** Default poll interval of a user's sync loop when no push notification arrives. */
    SYNC_POLL_INTERVAL_MS: z.coerce.number().int().min(200).default(15_000),
    /** The fallback poll while a Graph subscription is live (notifications carry the changes). */
    SYNC_SUBSCRIBED_POLL_INTERVAL_MS: z.coerce.number().int().min(200).default(300_000),
    /** How often tenant pollers scan NetSuite and Autotask for deleted records (no push tells us). */
    SYNC_DELETION_SCAN_INTERVAL_MS: z.coerce.number().int().min(1_000).default(600_000),
    /** Log every emulator request (sandbox debugging). */
    EMULATOR_LOG_REQUESTS: boolish.default(false),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.OIDC_JWKS_URL && (!config.OIDC_ISSUER || !config.OIDC_AUDIENCE)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_JWKS_URL'], message: 'needs OIDC_ISSUER and OIDC_AUDIENCE as well' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const knownKeys = new Set(Object.keys(configSchema.shape));

/** Parses configuration; throws ConfigError with one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env.CALSYNC_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`CALSYNC_CONFIG_FILE ${file}: must hold a JSON object`);
      } else {
        fromFile = Object.fromEntries(
          Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])
        );
      }
    } catch (err) {
      problems.push(`CALSYNC_CONFIG_FILE ${file}: ${(err as Error).message}`);
    }
  }
  // Only our own keys are read from the environment (it is full of unrelated variables);
  // the config file, by contrast, may not contain unknown keys.
  const fromEnv = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => knownKeys.has(k) && v !== undefined && v !== '')
  );
  const result = configSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(root)');
      problems.push(`${key}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}
