import axios from 'axios';
import { type CallGate, inProcessGate } from '../call-gate';
import type { CallObserver } from '../call-observer';
import { TOKEN_PATH, RESTLET_PATH, defaultRestBaseUrl, defaultRestletBaseUrl, normalizeAccountId } from './account-id';
import { type M2MCredentials, m2mAuth } from './auth-m2m';
import { type TbaCredentials, tbaAuth } from './auth-tba';
import { type CalendarEventApi, calendarEventApi } from './calendar-event-api';
import { type ModifiedCursor, type ModifiedEvent, changeDetection } from './change-detection';
import { type EntityResolver, entityResolver } from './entity-resolver';
import { createTransport } from './http';
import { type RecurrenceRestlet, recurrenceRestlet } from './recurrence-restlet';
import { RESTLET_DEPLOY_ID, RESTLET_SCRIPT_ID } from './restlet-contract';
import { type SuiteQl, suiteQl } from './suiteql';

export interface NetSuiteClientOptions {
  /** The account id in any spelling (123456_SB1 or 123456-sb1). */
  accountId: string;
  /** Per tenant: OAuth 2.0 machine-to-machine, or Token-Based Authentication (OAuth 1.0a). */
  auth: M2MCredentials | TbaCredentials;
  /** Default https://<account>.suitetalk.api.netsuite.com; the emulator's baseUrl in sandbox and tests. */
  baseUrl?: string;
  /**
   * The recurrence RESTlet's full URL (script and deploy in the query). Default
   * https://<account>.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=customscript_calsync_recurrence&deploy=customdeploy_calsync_recurrence.
   */
  restletUrl?: string;
  /**
   * Admits calls within the account-wide concurrency limit. Inject a gate shared by all workers;
   * the default only holds within this process.
   */
  gate?: CallGate;
  /** Hears every call and its outcome (metrics). */
  onCall?: CallObserver;
  /** Concurrency of the default in-process gate (NetSuite's smallest account limit is 5). */
  concurrency?: number;
  timeoutMs?: number;
  /** Clock for token expiry and caches (tests). */
  now?: () => number;
  suiteQl?: { inlineParams?: boolean; pageSize?: number };
  /** Overlap of successive modified-since polls; default 65 minutes. */
  pollOverlapMinutes?: number;
  /** How long resolved (and unresolved) emails and ids are cached; default 15 minutes. */
  entityCacheTtlMs?: number;
}

export type NetSuiteClient = CalendarEventApi &
  RecurrenceRestlet & {
    readonly accountId: string;
    readonly baseUrl: string;
    readonly suiteQl: SuiteQl;
    readonly entities: EntityResolver;
    /** Events modified since the cursor (SuiteQL, paged, overlapped, de-duplicated). */
    pollModifiedEvents(cursor: ModifiedCursor): Promise<{ changes: ModifiedEvent[]; cursor: ModifiedCursor }>;
    /** Ids of events dated within [fromDate, toDate). */
    listEventIdsInWindow(window: { fromDate: string; toDate: string }): Promise<Set<string>>;
    /**
     * The deletion scan for accounts without the push: of `knownIds` (events we synced in the
     * window), those no longer in the window's id set and confirmed gone by a GET.
     */
    findDeletedEvents(knownIds: Iterable<string>, window: { fromDate: string; toDate: string }): Promise<string[]>;
  };

export function createNetSuiteClient(options: NetSuiteClientOptions): NetSuiteClient {
  const account = normalizeAccountId(options.accountId);
  const baseUrl = (options.baseUrl ?? defaultRestBaseUrl(options.accountId)).replace(/\/+$/, '');
  const restletUrl =
    options.restletUrl ??
    `${defaultRestletBaseUrl(options.accountId)}${RESTLET_PATH}?script=${RESTLET_SCRIPT_ID}&deploy=${RESTLET_DEPLOY_ID}`;
  const now = options.now ?? Date.now;
  // Retries belong to Temporal (DESIGN §4.9): axios never retries and never throws on status.
  const http = axios.create({ timeout: options.timeoutMs ?? 60_000, validateStatus: () => true, maxRedirects: 0 });
  const auth =
    options.auth.kind === 'm2m'
      ? m2mAuth(http, `${baseUrl}${TOKEN_PATH}`, options.auth, now)
      : tbaAuth(options.accountId, options.auth);
  const gate = options.gate ?? inProcessGate(options.concurrency ?? 5);
  const transport = createTransport({ http, auth, gate, gateKey: `netsuite:${account.realm}`, onCall: options.onCall });
  const sql = suiteQl(transport, baseUrl, options.suiteQl);
  const events = calendarEventApi(transport, baseUrl);
  const changes = changeDetection(sql, { overlapMinutes: options.pollOverlapMinutes });
  return {
    accountId: account.realm,
    baseUrl,
    suiteQl: sql,
    entities: entityResolver(sql, { ttlMs: options.entityCacheTtlMs, now }),
    ...events,
    ...recurrenceRestlet(transport, restletUrl),
    pollModifiedEvents: changes.pollModifiedEvents,
    listEventIdsInWindow: changes.listEventIdsInWindow,
    async findDeletedEvents(knownIds, window) {
      const present = await changes.listEventIdsInWindow(window);
      const gone: string[] = [];
      for (const id of new Set(knownIds)) {
        // Leaving the window is not being deleted (DESIGN §4.6): only a 404 counts.
        if (!present.has(id) && !(await events.calendarEventExists(id))) gone.push(id);
      }
      return gone;
    },
  };
}
