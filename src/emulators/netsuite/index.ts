import { type AddressInfo } from 'node:net';
import { RESTLET_PATH } from '../../providers/netsuite/account-id';
import { RESTLET_DEPLOY_ID, RESTLET_SCRIPT_ID } from '../../providers/netsuite/restlet-contract';
import {
  type ChangeRecord,
  EmulatedAccount,
  type M2MRegistration,
  type SentEmail,
  type TbaRegistration,
} from './account';
import { type Faults, createFaults } from './faults';
import { type Entity, type StoredEvent } from './model';
import { type PushConfig, type PushDelivery, createPusher } from './push';
import { type RequestLogEntry, buildServer } from './server';
import { type UserSide, createUserSide } from './user-side';

export type { FaultRule } from './faults';
export type { Entity, StoredEvent, StoredRecurrence } from './model';
export type { PushConfig, PushDelivery } from './push';
export type { RequestLogEntry } from './server';
export type { SentEmail } from './account';
export type { UserSide, UserSideEventInput } from './user-side';

export interface NetSuiteEmulatorOptions {
  /** Default 1234567_SB1. */
  accountId?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The account-wide concurrency limit (REST, SuiteQL and RESTlets share it). Default 5. */
  concurrencyLimit?: number;
  /** Added to every counted request, to make concurrency observable. */
  latencyMs?: number;
  /** The zone SuiteQL renders and parses datetimes in (undocumented by Oracle). Default UTC. */
  suiteQlTimeZone?: string;
  /** The integration user's time-zone preference. Default America/Los_Angeles. */
  integrationUserTimeZone?: string;
  /** Install the User Event script pushing to this URL. */
  push?: PushConfig;
  /** Whether the calsync bundle (RESTlet) is deployed. Default true. */
  restletInstalled?: boolean;
  /** Whether PUT …/eid: answers with a Location header. Default false (the client must re-read). */
  upsertLocation?: boolean;
}

/** One emulated account: its URLs, people, credentials, data and the person-in-the-UI API. */
export interface NetSuiteAccountHandle {
  /** Realm spelling, e.g. 1234567_SB1. */
  readonly accountId: string;
  /** Plays https://<account>.suitetalk.api.netsuite.com: pass as the client's baseUrl. */
  readonly baseUrl: string;
  /** Plays https://<account>.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=…&deploy=… */
  readonly restletUrl: string;
  /** The employee the integration acts as by default. */
  readonly integrationUserId: string;
  registerM2M(registration: M2MRegistration): void;
  registerTba(registration: TbaRegistration): void;
  addEmployee(input: { name: string; email: string; timeZone?: string }): Entity;
  addContact(input: { name: string; email: string }): Entity;
  readonly userSide: UserSide;
  /** A copy of the stored event (NetSuite's own view, wall clock and zone verbatim). */
  getEvent(id: string): StoredEvent | undefined;
  listEvents(): StoredEvent[];
  /** A copy of the first event that matches, without copying the others (cheap to call often). */
  findEvent(matches: (event: Readonly<StoredEvent>) => boolean): StoredEvent | undefined;
  /** Invitation, update and cancellation emails NetSuite would have sent. */
  readonly sentEmails: readonly SentEmail[];
  configurePush(config: PushConfig | undefined): void;
  readonly pushes: readonly PushDelivery[];
  flushPushes(): Promise<void>;
}

export interface NetSuiteEmulator extends NetSuiteAccountHandle {
  readonly origin: string;
  readonly faults: Faults;
  readonly requestLog: readonly RequestLogEntry[];
  clearRequestLog(): void;
  /** Moves the emulator's clock (token expiry, OAuth timestamps, modification stamps). */
  advanceTime(ms: number): void;
  /** Stops the clock where it is (advanceTime still moves it), so stamps can be made to collide. */
  freezeTime(): void;
  unfreezeTime(): void;
  now(): number;
  /** Invalidates every issued bearer token, as a revocation or an early expiry would. */
  revokeTokens(): void;
  addAccount(accountId: string, options?: { integrationUserTimeZone?: string }): NetSuiteAccountHandle;
  close(): Promise<void>;
}

export async function startNetSuiteEmulator(options: NetSuiteEmulatorOptions = {}): Promise<NetSuiteEmulator> {
  let offsetMs = 0;
  let frozenAt: number | undefined;
  const now = () => (frozenAt ?? Date.now()) + offsetMs;
  const accounts = new Map<string, EmulatedAccount>();
  const faults = createFaults();
  const log: RequestLogEntry[] = [];
  const app = buildServer({
    accounts,
    faults,
    log,
    settings: {
      concurrencyLimit: options.concurrencyLimit ?? 5,
      latencyMs: options.latencyMs ?? 0,
      suiteQlTimeZone: options.suiteQlTimeZone ?? 'UTC',
      restletInstalled: options.restletInstalled ?? true,
      upsertLocation: options.upsertLocation ?? false,
    },
  });
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const addAccount = (
    accountId: string,
    accountOptions: { integrationUserTimeZone?: string; push?: PushConfig } = {}
  ): NetSuiteAccountHandle => {
    const pusher = createPusher(now);
    pusher.configure(accountOptions.push);
    const account = new EmulatedAccount(
      accountId,
      now,
      (change: ChangeRecord) => pusher.onChange(change),
      accountOptions.integrationUserTimeZone ?? 'America/Los_Angeles'
    );
    if (accounts.has(account.host)) throw new Error(`account ${account.realm} already exists`);
    accounts.set(account.host, account);
    const baseUrl = `${origin}/${account.host}`;
    return {
      accountId: account.realm,
      baseUrl,
      restletUrl: `${baseUrl}${RESTLET_PATH}?script=${RESTLET_SCRIPT_ID}&deploy=${RESTLET_DEPLOY_ID}`,
      integrationUserId: account.integrationUserId,
      registerM2M: (registration) => void account.m2m.push(registration),
      registerTba: (registration) => void account.tba.push(registration),
      addEmployee: (input) => account.addEntity('employee', input),
      addContact: (input) => account.addEntity('contact', input),
      userSide: createUserSide(account),
      getEvent: (id) => {
        const event = account.events.get(id);
        return event && structuredClone(event);
      },
      listEvents: () => [...account.events.values()].map((e) => structuredClone(e)),
      findEvent: (matches) => {
        for (const event of account.events.values()) if (matches(event)) return structuredClone(event);
        return undefined;
      },
      sentEmails: account.sentEmails,
      configurePush: (config) => pusher.configure(config),
      get pushes() {
        return pusher.deliveries;
      },
      flushPushes: () => pusher.flush(),
    };
  };

  const primary = addAccount(options.accountId ?? '1234567_SB1', {
    integrationUserTimeZone: options.integrationUserTimeZone,
    push: options.push,
  });
  return Object.assign(primary, {
    origin,
    faults,
    requestLog: log,
    clearRequestLog: () => void log.splice(0, log.length),
    advanceTime: (ms: number) => void (offsetMs += ms),
    freezeTime: () => void (frozenAt ??= Date.now()),
    unfreezeTime: () => {
      if (frozenAt !== undefined) offsetMs += frozenAt - Date.now();
      frozenAt = undefined;
    },
    now,
    revokeTokens: () => {
      for (const account of accounts.values()) account.tokens.clear();
    },
    addAccount: (accountId: string, accountOptions?: { integrationUserTimeZone?: string }) =>
      addAccount(accountId, accountOptions),
    close: () => app.close(),
  });
}
