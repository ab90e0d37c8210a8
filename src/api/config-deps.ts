import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { AesGcmPayloadCodec } from '../codec/aes-gcm-codec';
import type { Config } from '../config';
import { SecretBox } from '../store/secret-box';
import { UserStore } from '../store/users';
import type { ApiDeps } from './deps';

/** The Temporal UI's origins: configured, else the local dev server's UI. */
export function temporalUiOrigins(config: Pick<Config, 'TEMPORAL_UI_ORIGIN' | 'TEMPORAL_UI_PORT'>): string[] {
  if (config.TEMPORAL_UI_ORIGIN) {
    return config.TEMPORAL_UI_ORIGIN.split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
  }
  return [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
}

/** The API's dependencies as the configuration describes them. */
export function apiDepsFromConfig(config: Config, runtime: { temporal: Client; pool: Pool; logger: Logger }): ApiDeps {
  return {
    ...runtime,
    users: new UserStore(runtime.pool),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    syncSettings: {
      pollIntervalMs: config.SYNC_POLL_INTERVAL_MS,
      subscribedPollIntervalMs: config.SYNC_SUBSCRIBED_POLL_INTERVAL_MS,
      deletionScanIntervalMs: config.SYNC_DELETION_SCAN_INTERVAL_MS,
      maxHistoryEvents: 2000,
    },
    secretBox: config.CALSYNC_SECRETS_KEYS ? new SecretBox(config.CALSYNC_SECRETS_KEYS) : undefined,
    bootstrapAdminKey: config.CALSYNC_BOOTSTRAP_ADMIN_KEY,
    oidc:
      config.OIDC_JWKS_URL && config.OIDC_ISSUER && config.OIDC_AUDIENCE
        ? {
            jwksUrl: config.OIDC_JWKS_URL,
            issuer: config.OIDC_ISSUER,
            audience: config.OIDC_AUDIENCE,
            rolesClaim: config.OIDC_ROLES_CLAIM,
          }
        : undefined,
    rateLimitPerMinute: config.API_RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: config.API_BODY_LIMIT_BYTES,
    codec: config.CALSYNC_CODEC_KEYS ? new AesGcmPayloadCodec(config.CALSYNC_CODEC_KEYS) : undefined,
    temporalUiOrigins: temporalUiOrigins(config),
    publicBaseUrl: config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`,
    netsuitePushToleranceSeconds: config.NETSUITE_PUSH_TOLERANCE_SECONDS,
  };
}
