export { createGraphClient, type GraphClient, type GraphClientDependencies } from './graph-client';
export { graphClouds, type GraphClientOptions, type GraphCloud, type ResolvedGraphOptions } from './options';
export type { ChangeSet, OccurrenceStub, SyncWindow } from './delta';
export type { CreateResult, IdentifiedEvent, Rsvp } from './events';
export { transactionIdFor } from './events';
export { identityPropertyNames, type GraphIdentity, type IdentityKey } from './extended-properties';
export {
  bodyToText,
  canonicalToGraphEvent,
  graphEventToCanonical,
  type CanonicalToGraphOptions,
  type GraphToCanonicalOptions,
  type GraphWriteResult,
  type MappedEvent,
} from './mapping';
export {
  parseNotifications,
  validationReply,
  type ChangeHint,
  type LifecycleHint,
  type ParsedNotifications,
} from './notifications';
export type { GraphEvent, GraphSubscription, IdentifiedGraphEvent } from './schemas';
export type { SeriesView } from './series';
export { maxSubscriptionMinutes, type CreateSubscriptionInput } from './subscriptions';
export type { GraphEventWrite } from './write-types';
