import { type ResponseStatus, type Side } from './canonical-event';
import { type FieldKey } from './field-rules';
import { type Link, type ReplicaKey } from './link';
import { type Projection, type ProjectionFields } from './projection';

/**
 * What the planner asks the workflow to do for one item. Write actions carry the base the
 * replica will have once the write succeeded: store it then, and only then (as vdirsyncer
 * updates its status per action), so a failed write is simply planned again.
 */

interface ReplicaTarget {
  readonly replica: ReplicaKey;
  readonly side: Side;
  readonly userId?: string;
  readonly recordId?: string;
  /** Set for occurrences written by a series plan: the occurrence's original start. */
  readonly occurrenceKey?: string;
}

export type CreateReason = 'new' | 'modified-wins' | 'restore';

export interface CreateAction extends ReplicaTarget {
  readonly type: 'create';
  readonly reason: CreateReason;
  /** The full projection to write, in the target side's terms. */
  readonly projection: Projection;
  /** Stable across retries and replays: Graph transactionId, NetSuite externalId, Autotask look-up key. */
  readonly idempotencyKey: string;
  readonly newBase: Projection;
}

export interface UpdateFieldsAction extends ReplicaTarget {
  readonly type: 'update-fields';
  /** Only the fields that change, in the target side's terms. */
  readonly fields: ProjectionFields;
  readonly changed: readonly FieldKey[];
  readonly newBase: Projection;
  /** Set when a series plan moved the occurrence to a new original start (the series' time changed). */
  readonly previousOccurrenceKey?: string;
}

export type DeleteReason = 'deleted-elsewhere' | 'declined' | 'left-meeting' | 'removed-from-series';

export interface DeleteAction extends ReplicaTarget {
  readonly type: 'delete';
  readonly reason: DeleteReason;
}

/** A change of the mailbox owner's response: Graph accept / tentativelyAccept / decline, without email. */
export interface RsvpAction extends ReplicaTarget {
  readonly type: 'rsvp';
  readonly response: ResponseStatus;
  readonly newBase: Projection;
}

/** `redacted`: an Autotask edit of the title it shows for a private item ("Appointment") lost. */
export type ConflictRule =
  'direction' | 'policy' | 'system-of-record' | 'organizer' | 'later-modification' | 'tie-break' | 'redacted';

/** Audit record: several sides changed one field differently; `winner`'s value was kept. */
export interface ConflictResolvedAction {
  readonly type: 'conflict-resolved';
  readonly field: FieldKey;
  readonly winner: ReplicaKey;
  readonly losers: readonly ReplicaKey[];
  readonly rule: ConflictRule;
}

export type SkipReason =
  'left-window' | 'not-selected' | 'connector-off' | 'no-source' | 'would-send-cancellation' | 'unknown-user';

export interface SkipAction {
  readonly type: 'skip';
  readonly replica?: ReplicaKey;
  readonly reason: SkipReason;
  readonly occurrenceKey?: string;
}

export interface NeedsAttentionAction {
  readonly type: 'needs-attention';
  readonly reason: 'mass-deletion' | 'invalid-recurrence';
  readonly detail: string;
  /** The writes held back until an admin confirms. */
  readonly held: readonly PlanAction[];
}

export type PlanAction =
  | CreateAction
  | UpdateFieldsAction
  | DeleteAction
  | RsvpAction
  | ConflictResolvedAction
  | SkipAction
  | NeedsAttentionAction;

export type WriteAction = CreateAction | UpdateFieldsAction | DeleteAction | RsvpAction;

export function isWrite(action: PlanAction): action is WriteAction {
  return (
    action.type === 'create' || action.type === 'update-fields' || action.type === 'delete' || action.type === 'rsvp'
  );
}

export interface Plan {
  readonly actions: readonly PlanAction[];
  /** The link once every write succeeded; null when the item is gone everywhere. */
  readonly link: Link | null;
}
