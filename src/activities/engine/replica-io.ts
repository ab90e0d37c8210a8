import type { CanonicalEvent, ItemKind, Side } from '../../domain/canonical-event';
import type { Observation } from '../../domain/link';
import type { CreateAction, DeleteAction, RsvpAction, UpdateFieldsAction } from '../../domain/plan-action';
import type { ProjectionContext } from '../../domain/projection';
import type { ToDoRule } from '../../domain/todo-rules';

/**
 * How the engine reads and writes one side's records, in projections (DESIGN.md §4.2). One adapter
 * per side (Outlook, NetSuite, Autotask) over its provider client and mapping. Adapters never
 * retry: provider errors propagate as ProviderErrors and Temporal retries the activity.
 */

/** Whose record it is: the synced user for Outlook and Autotask; the tenant's account for NetSuite. */
export interface ReplicaOwner {
  userId: string;
  mailbox: string;
  timeZone: string;
  netsuiteEmployeeId?: string;
  autotaskResourceId?: number;
  /** Outlook categories that make the user's events Autotask To-Dos (effective policy, in order). */
  autotaskToDoRules?: readonly ToDoRule[];
}

export interface ReadResult {
  /** `present` with the record's projection in this side's terms, or `deleted` (confirmed: 404). */
  observation: Observation;
  /** What kind of item this record is (event, series, occurrence, todo, service-call). */
  kind: ItemKind;
  /** The meeting's iCalendar UID, when the side has one (Outlook). */
  iCalUid?: string;
  /** Our item id, when the record carries it (Outlook extended property, NetSuite externalId, Autotask marker). */
  itemId?: string;
  /** The mapped event (kept in memory only; never persisted or put in workflow history). */
  event?: CanonicalEvent;
}

export interface WriteResult {
  recordId: string;
  /** Provider version after the write (changeKey, lastModifiedDate, lastActivityDate...). */
  version?: string;
}

export interface CreatedItem {
  itemId: string;
  kind: ItemKind;
  categories?: readonly string[];
}

export interface ReplicaIO {
  readonly side: Side;
  /** Reads one record; `deleted` only when the provider confirms it is gone. */
  read(owner: ReplicaOwner, recordId: string, ctx: ProjectionContext): Promise<ReadResult>;
  /**
   * Creates the record idempotently: a retry with the same `action.idempotencyKey` finds the first one.
   * `categories` are the owner's Outlook categories of the item (they pick Autotask To-Do rules).
   */
  create(owner: ReplicaOwner, action: CreateAction, item: CreatedItem): Promise<WriteResult>;
  /** Applies only `action.fields` (a partial projection) to the record. */
  update(owner: ReplicaOwner, action: UpdateFieldsAction, recordId: string): Promise<WriteResult>;
  /** Deletes without notifying anyone; resolves when already gone. */
  remove(owner: ReplicaOwner, action: DeleteAction, recordId: string): Promise<void>;
  /** The owner's response to a meeting (Outlook only), sent without email. */
  respond?(owner: ReplicaOwner, action: RsvpAction, recordId: string): Promise<void>;
}
