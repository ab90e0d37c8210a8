import type { AddressInfo } from 'node:net';
import { ensureDevCertificate } from '../dev-certificate';
import { TokenAuthority, type AppRegistration } from './auth';
import { Calendar } from './calendar';
import type { EmulatorContext } from './context';
import { DeltaTokens } from './delta';
import { Faults } from './faults';
import type { LoggedRequest } from './request-log';
import type { SentMail } from './sent-mail';
import { buildServer } from './server';
import { SubscriptionHub, type NotificationRecord } from './subscriptions';
import { createUserSide, type UserSide } from './user-side';

/**
 * A faithful offline Microsoft Graph calendar (v1.0) and login host, served over HTTPS on one port.
 * See the options for the behaviours that real Graph leaves open or that tests want to tune.
 */

export interface GraphEmulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the shared dev certificate lives (default `.data`); ignored when `tls` is given. */
  dataDir?: string;
  tls?: { key: string; cert: string };
  /** Clock for token, subscription and delta-token expiry (default Date.now). */
  now?: () => number;
  /** Access-token lifetime (default 3599 s, like Entra ID). */
  tokenLifetimeSeconds?: number;
  /** Age after which a delta token answers 410 SyncStateNotFound (default 7 days). */
  deltaTokenTtlMs?: number;
  /** Page size of collections and delta when the client sets none (default 10). */
  defaultPageSize?: number;
  /** Graph allows 4 concurrent requests per app and mailbox. */
  maxConcurrentPerMailbox?: number;
  /** Maximum subscription lifetime for events (default 4230 minutes). */
  subscriptionMaxLifetimeMinutes?: number;
  /** How long the receiver has to echo the validation token (default 10 s). */
  validationTimeoutMs?: number;
  /** Accept http:// notification URLs (default true, for local receivers; Graph wants https). */
  allowHttpNotificationUrls?: boolean;
  /** Exchange removes a meeting the attendee declined (default true); false keeps it as declined. */
  declineRemovesEvent?: boolean;
  /** A create with a used transactionId: Graph's 400 (default) or the original event. */
  duplicateTransactionId?: 'error' | 'return-original';
  /** Report @removed for items changed outside the delta window, as Graph does (default true). */
  outOfWindowRemovals?: boolean;
  /** Further delivery attempts when a receiver answers 5xx or nothing (default 2). */
  notificationRetries?: number;
  /** Seed for random fault draws. */
  seed?: number;
  /** Extra scopes the token endpoint accepts besides `<origin>/.default` and Graph's own. */
  acceptedScopes?: string[];
}

export interface GraphEmulator {
  /** e.g. https://127.0.0.1:PORT/v1.0 */
  baseUrl: string;
  /** The login host base (authority = `${loginUrl}/${tenantId}`). */
  loginUrl: string;
  /** https://127.0.0.1:PORT */
  origin: string;
  /** The host (without port) clients must list as a custom Graph host and known authority. */
  hostname: string;
  /** The scope to ask tokens for: `${origin}/.default`. */
  scope: string;
  registerApp(app: AppRegistration): void;
  addMailbox(upn: string, opts?: { displayName?: string; tenantId?: string }): { upn: string; userId: string };
  userSide: UserSide;
  faults: Faults;
  requestLog: LoggedRequest[];
  sentMail: SentMail[];
  /** Every notification, lifecycle event and validation the emulator sent (or dropped). */
  notifications: NotificationRecord[];
  subscriptions: {
    ids(): string[];
    sendLifecycle(id: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): Promise<void>;
    /** Resolves when every notification on its way has been answered. */
    settle(): Promise<void>;
  };
  /** Invalidates every access token issued so far (next calls get 401). */
  revokeTokens(): void;
  /** How many tokens the login host has granted. */
  tokensIssued(): number;
  close(): Promise<void>;
}

export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const now = options.now ?? (() => Date.now());
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? (await ensureDevCertificate(options.dataDir ?? '.data'));
  let origin = '';
  const faults = new Faults(options.seed ?? 1);
  const calendar = new Calendar({
    now,
    declineRemovesEvent: options.declineRemovesEvent ?? true,
    duplicateTransactionId: options.duplicateTransactionId ?? 'error',
  });
  const auth = new TokenAuthority(
    now,
    () => options.tokenLifetimeSeconds ?? 3599,
    () => [`${origin}/.default`, 'https://graph.microsoft.com/.default', ...(options.acceptedScopes ?? [])]
  );
  const deltas = new DeltaTokens({
    now,
    tokenTtlMs: () => options.deltaTokenTtlMs ?? 7 * 86_400_000,
    defaultPageSize: () => options.defaultPageSize ?? 10,
    outOfWindowRemovals: () => options.outOfWindowRemovals ?? true,
    epoch: () => faults.deltaEpoch,
  });
  const subscriptions = new SubscriptionHub(calendar, faults, {
    now,
    maxLifetimeMinutes: () => options.subscriptionMaxLifetimeMinutes ?? 4230,
    validationTimeoutMs: () => options.validationTimeoutMs ?? 10_000,
    allowHttp: () => options.allowHttpNotificationUrls ?? true,
    notificationRetries: () => options.notificationRetries ?? 2,
  });
  const requestLog: LoggedRequest[] = [];
  const ctx: EmulatorContext = {
    calendar,
    auth,
    deltas,
    subscriptions,
    faults,
    requestLog,
    baseUrl: () => `${origin}/v1.0`,
    loginUrl: () => origin,
    maxConcurrentPerMailbox: options.maxConcurrentPerMailbox ?? 4,
    defaultPageSize: options.defaultPageSize ?? 10,
  };
  const app = buildServer(ctx, { key: tls.key, cert: tls.cert });
  await app.listen({ port: options.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
  origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: `${origin}/v1.0`,
    loginUrl: origin,
    origin,
    hostname: host,
    scope: `${origin}/.default`,
    registerApp: (app) => auth.register(app),
    addMailbox: (upn, opts) => {
      const mb = calendar.addMailbox(upn, opts);
      return { upn: mb.upn, userId: mb.userId };
    },
    userSide: createUserSide(calendar),
    faults,
    requestLog,
    sentMail: calendar.sentMail,
    notifications: subscriptions.deliveries,
    subscriptions: {
      ids: () => subscriptions.ids(),
      sendLifecycle: (id, event) => subscriptions.sendLifecycle(id, event),
      settle: () => subscriptions.settle(),
    },
    revokeTokens: () => auth.revokeAll(),
    tokensIssued: () => auth.issuedCount,
    close: async () => {
      subscriptions.close();
      await app.close();
    },
  };
}

export type { AppRegistration } from './auth';
export type { FaultSettings, Faults } from './faults';
export type { LoggedRequest } from './request-log';
export type { SentMail } from './sent-mail';
export type { NotificationRecord } from './subscriptions';
export type { UserEvent, UserEventInput, UserSide } from './user-side';
