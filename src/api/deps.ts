import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { SecretBox } from '../store/secret-box';
import type { UserStore } from '../store/users';
import type { UserSyncSettings } from '../workflows/user-sync/types';
import type { ConnectionChecks } from './connection-checks';
import type { Discovery } from './discovery';
import type { OidcOptions } from './oidc';

export interface ApiDeps {
  temporal: Client;
  pool: Pool;
  users: UserStore;
  taskQueue: string;
  syncSettings: UserSyncSettings;
  logger: Logger;
  /** Seals and opens tenant credentials. Without it the connection endpoints answer 503. */
  secretBox?: SecretBox;
  /** Hashed into the API key table at start as an admin key (`CALSYNC_BOOTSTRAP_ADMIN_KEY`). */
  bootstrapAdminKey?: string;
  oidc?: OidcOptions;
  /** Requests per minute per caller; default 600. */
  rateLimitPerMinute?: number;
  /** Default 256 KiB. */
  bodyLimitBytes?: number;
  /** The codec the codec endpoint runs; without one it passes payloads through unchanged. */
  codec?: PayloadCodec;
  /** Origins of the Temporal UI allowed to call the codec endpoint from the browser. */
  temporalUiOrigins?: string[];
  /** How providers and browsers reach this API (webhook and admin-consent redirect URLs). */
  publicBaseUrl?: string;
  /** How old a NetSuite push may be; default 300 s. */
  netsuitePushToleranceSeconds?: number;
  /** Connection checks (`POST …/test`); default: the provider clients. */
  connectionChecks?: ConnectionChecks;
  /** Finding a user's ids by email; default: the provider clients. */
  discovery?: Discovery;
  /**
   * How long the Graph webhook waits for Temporal before answering 202 anyway (Graph wants an
   * answer within 3 s); default 2,000 ms.
   */
  webhookSignalBudgetMs?: number;
  /** How long a status request waits for the workflow's answer; default 5,000 ms. */
  statusQueryTimeoutMs?: number;
  /**
   * Serve Swagger UI at /docs (default true). Its static-file plugin is ESM-only, which Jest's
   * CommonJS runtime cannot load, so in-process tests turn it off; /openapi.json is always served.
   */
  docsUi?: boolean;
}
