import { msalTokenSource, type AccessTokenSource } from './auth';
import { batchGetEvents } from './batch';
import { listChanges, type ChangeSet, type SyncWindow } from './delta';
import {
  createEvent,
  deleteEvent,
  findByIdentity,
  findEvent,
  getEvent,
  respondToEvent,
  updateEvent,
  type CreateResult,
  type IdentifiedEvent,
  type Rsvp,
} from './events';
import type { GraphIdentity, IdentityKey } from './extended-properties';
import { graphEventToCanonical, type GraphToCanonicalOptions, type MappedEvent } from './mapping';
import { resolveGraphOptions, type GraphClientOptions, type ResolvedGraphOptions } from './options';
import type { GraphEvent, GraphSubscription, IdentifiedGraphEvent } from './schemas';
import { findOccurrence, getSeries, listInstances, type SeriesView } from './series';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  reauthorizeSubscription,
  renewSubscription,
  type CreateSubscriptionInput,
} from './subscriptions';
import { createTransport } from './transport';
import type { GraphEventWrite } from './write-types';

/**
 * The Outlook side of calsync: one object per tenant (app registration), mailboxes passed per call.
 * Every method either returns validated data or throws a ProviderError (provider "graph").
 */
export interface GraphClient {
  readonly options: ResolvedGraphOptions;
  /** One delta round over calendarView; pass the previous deltaLink to get only changes. */
  listChanges(mailbox: string, window: SyncWindow, deltaLink?: string): Promise<ChangeSet>;
  /** An event, occurrence or series master, with our identity properties. */
  getEvent(mailbox: string, id: string): Promise<IdentifiedEvent>;
  /** Like getEvent, but undefined on 404 (use it to confirm a delete). */
  findEvent(mailbox: string, id: string): Promise<IdentifiedEvent | undefined>;
  findByIdentity(mailbox: string, key: IdentityKey, value: string): Promise<IdentifiedEvent[]>;
  createEvent(
    mailbox: string,
    body: GraphEventWrite,
    identity: GraphIdentity & { itemId: string },
    opts?: { revision?: number }
  ): Promise<CreateResult>;
  updateEvent(
    mailbox: string,
    id: string,
    patch: GraphEventWrite,
    identity?: GraphIdentity
  ): Promise<IdentifiedGraphEvent>;
  deleteEvent(mailbox: string, id: string): Promise<boolean>;
  respond(
    mailbox: string,
    id: string,
    response: Rsvp,
    opts?: { comment?: string; sendResponse?: boolean }
  ): Promise<void>;
  /** Re-reads many events ($batch of 20) with our identity; null for items that are gone. */
  batchGetEvents(mailbox: string, ids: readonly string[]): Promise<Map<string, IdentifiedEvent | null>>;
  /** A series master with recurrence, cancelled occurrence dates and modified occurrences. */
  getSeries(mailbox: string, masterId: string): Promise<SeriesView>;
  listInstances(mailbox: string, masterId: string, window: SyncWindow): Promise<IdentifiedGraphEvent[]>;
  /** The occurrence with this original start (UTC instant, or date for all-day series). */
  findOccurrence(
    mailbox: string,
    masterId: string,
    originalStart: string,
    allDay?: boolean
  ): Promise<IdentifiedGraphEvent | undefined>;
  /** PATCH one occurrence (it becomes an exception). */
  updateOccurrence(mailbox: string, occurrenceId: string, patch: GraphEventWrite): Promise<IdentifiedGraphEvent>;
  /** DELETE one occurrence (it shows in the master's cancelledOccurrences); false if already gone. */
  deleteOccurrence(mailbox: string, occurrenceId: string): Promise<boolean>;
  createSubscription(input: CreateSubscriptionInput): Promise<GraphSubscription>;
  renewSubscription(id: string, lifetimeMinutes?: number): Promise<GraphSubscription>;
  reauthorizeSubscription(id: string): Promise<void>;
  getSubscription(id: string): Promise<GraphSubscription | undefined>;
  deleteSubscription(id: string): Promise<boolean>;
  /** Maps a Graph event to the canonical event; warnings go to `onWarning` too. */
  toCanonical(event: GraphEvent, opts?: GraphToCanonicalOptions): MappedEvent;
}

export interface GraphClientDependencies {
  /** Replaces MSAL (tests of error paths). */
  tokens?: AccessTokenSource;
  /** Clock for subscription expiry times. */
  now?: () => number;
}

export function createGraphClient(options: GraphClientOptions, deps: GraphClientDependencies = {}): GraphClient {
  const resolved = resolveGraphOptions(options);
  const tokens = deps.tokens ?? msalTokenSource(resolved);
  const transport = createTransport(resolved, tokens, options.gate, options.onCall);
  const warn = options.onWarning ?? (() => undefined);
  const now = deps.now ?? Date.now;
  return {
    options: resolved,
    listChanges: (mailbox, window, deltaLink) => listChanges(transport, mailbox, window, deltaLink),
    getEvent: (mailbox, id) => getEvent(transport, mailbox, id),
    findEvent: (mailbox, id) => findEvent(transport, mailbox, id),
    findByIdentity: (mailbox, key, value) => findByIdentity(transport, mailbox, key, value),
    createEvent: (mailbox, body, identity, opts) => createEvent(transport, mailbox, body, identity, opts),
    updateEvent: (mailbox, id, patch, identity) => updateEvent(transport, mailbox, id, patch, identity),
    deleteEvent: (mailbox, id) => deleteEvent(transport, mailbox, id),
    respond: (mailbox, id, response, opts) => respondToEvent(transport, mailbox, id, response, opts),
    batchGetEvents: (mailbox, ids) => batchGetEvents(transport, mailbox, ids),
    getSeries: (mailbox, masterId) => getSeries(transport, mailbox, masterId),
    listInstances: (mailbox, masterId, window) => listInstances(transport, mailbox, masterId, window),
    findOccurrence: (mailbox, masterId, originalStart, allDay) =>
      findOccurrence(transport, mailbox, masterId, originalStart, allDay),
    updateOccurrence: (mailbox, occurrenceId, patch) => updateEvent(transport, mailbox, occurrenceId, patch),
    deleteOccurrence: (mailbox, occurrenceId) => deleteEvent(transport, mailbox, occurrenceId),
    createSubscription: (input) => createSubscription(transport, input, now),
    renewSubscription: (id, lifetimeMinutes) => renewSubscription(transport, id, lifetimeMinutes, now),
    reauthorizeSubscription: (id) => reauthorizeSubscription(transport, id),
    getSubscription: (id) => getSubscription(transport, id),
    deleteSubscription: (id) => deleteSubscription(transport, id),
    toCanonical: (event, opts) => {
      const mapped = graphEventToCanonical(event, opts);
      for (const w of mapped.warnings) warn(w);
      return mapped;
    },
  };
}
