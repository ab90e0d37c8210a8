import { accessClassOf, type AccessValue } from './access-level';
import { type ItemKind, type Side } from './canonical-event';
import { echoedBase } from './echo';
import { type FieldKey, fieldEquals, getField, MEETING_FIELDS, responseEmail } from './field-rules';
import { type Link, type Observations, parseReplicaKey, type ReplicaKey } from './link';
import { isReadOnly, type SyncPolicy, userById } from './policy';
import { normalizeFields, type Projection, type ProjectionContext, type ProjectionFields } from './projection';

/**
 * One replica as the planner sees it this round: what we knew (base) and what is there now.
 * `unknown` means "not read this round": it is taken to be unchanged since the base.
 */
export type ReplicaStatus = 'present' | 'unknown' | 'deleted' | 'outside-window';

export interface ReplicaState {
  readonly key: ReplicaKey;
  readonly side: Side;
  readonly userId?: string;
  readonly recordId?: string;
  readonly base: Projection | null;
  readonly status: ReplicaStatus;
  /** Present and unknown replicas only. */
  readonly current?: ProjectionFields;
  readonly modifiedAt?: string;
  readonly version?: string;
  /** Deselected earlier and kept aside, not deleted. */
  readonly detached: boolean;
}

export function isLive(state: ReplicaState): boolean {
  return state.status === 'present' || state.status === 'unknown';
}

export function projectionContext(side: Side, userId: string | undefined, policy: SyncPolicy): ProjectionContext {
  const user = userById(policy, userId);
  return {
    ...(user ? { ownerEmail: user.email, ownerZone: user.timeZone } : {}),
    syncedEmails: policy.users.map((u) => u.email),
    netsuiteNativeRecurrence: policy.netsuiteNativeRecurrence,
  };
}

export function buildStates(link: Link, current: Observations, policy: SyncPolicy): Map<ReplicaKey, ReplicaState> {
  const states = new Map<ReplicaKey, ReplicaState>();
  const keys = [...new Set([...Object.keys(link.replicas), ...Object.keys(current)])].sort();
  for (const key of keys) {
    const stored = link.replicas[key];
    const { side, userId } = stored ?? parseReplicaKey(key);
    const observed = current[key];
    const ctx = projectionContext(side, userId, policy);
    // Compared through the side's projection, so that echo gaps never look like edits (echo.ts).
    const base = stored?.base ? echoedBase(side, stored.base, ctx) : null;
    const common = {
      key,
      side,
      ...(userId !== undefined ? { userId } : {}),
      base,
      detached: stored?.detached !== undefined,
    };
    if (observed?.state === 'present') {
      const recordId = observed.recordId ?? stored?.recordId;
      const fields = normalizeFields(side, observed.projection.fields, ctx);
      states.set(key, {
        ...common,
        ...(stored?.base ? { base: echoedBase(side, stored.base, ctx, fields) } : {}),
        status: 'present',
        current: fields,
        ...(recordId !== undefined ? { recordId } : {}),
        ...(observed.modifiedAt !== undefined ? { modifiedAt: observed.modifiedAt } : {}),
        ...(observed.version !== undefined ? { version: observed.version } : {}),
      });
      continue;
    }
    const recordId = stored?.recordId !== undefined ? { recordId: stored.recordId } : {};
    // Not read this round: the stored version still names the base (echo checks compare with it).
    const version = stored?.version !== undefined ? { version: stored.version } : {};
    if (observed?.state === 'deleted') states.set(key, { ...common, ...recordId, status: 'deleted' });
    else if (observed?.state === 'outside-window')
      states.set(key, { ...common, ...recordId, ...version, status: 'outside-window' });
    else if (base) states.set(key, { ...common, ...recordId, ...version, status: 'unknown', current: base.fields });
    // A stored replica without a base and without an observation was never written: nothing to track.
  }
  return states;
}

/** Facts about the item that several rules need. */
export interface ItemContext {
  readonly link: Link;
  readonly kind: ItemKind;
  readonly policy: SyncPolicy;
  readonly states: ReadonlyMap<ReplicaKey, ReplicaState>;
  readonly originSide?: Side;
  /** Organiser's email, lowercase, if any replica names one. */
  readonly organizerEmail?: string;
  /** The replica that speaks for the meeting: the synced organiser's Outlook copy, or NetSuite for NetSuite meetings. */
  readonly organizerKey?: ReplicaKey;
  /** Whether the item has attendees: only then does the organiser's side win conflicts (DESIGN.md §4.3). */
  readonly isMeeting: boolean;
  /** Autotask gets "Appointment" without description: the item is not public and not Autotask's own. */
  readonly redactForAutotask: boolean;
}

export function ownerEmail(state: Pick<ReplicaState, 'userId'>, policy: SyncPolicy): string | undefined {
  return userById(policy, state.userId)?.email.trim().toLowerCase();
}

/**
 * `merged` optionally gives replicas' fields after the merge: whether Autotask sees a redacted
 * copy must follow the access level the item is about to have, not the one it had.
 */
export function itemContext(
  link: Link,
  states: ReadonlyMap<ReplicaKey, ReplicaState>,
  policy: SyncPolicy,
  merged?: ReadonlyMap<ReplicaKey, ProjectionFields>
): ItemContext {
  const live = [...states.values()].filter(isLive);
  const originSide = link.origin !== undefined ? parseReplicaKey(link.origin).side : undefined;
  // The meeting's organiser is the one its origin names; copies we created name their own owner.
  const origin = link.origin !== undefined ? states.get(link.origin) : undefined;
  const organizers = [origin, ...live]
    .map((s) => s?.current?.organizer)
    .filter((o): o is string => typeof o === 'string' && o !== '');
  const organizerEmail = organizers[0];
  const organizerCopy = live.find(
    (s) => s.side === 'outlook' && organizerEmail !== undefined && ownerEmail(s, policy) === organizerEmail
  );
  // "The organiser's side": NetSuite for meetings made there, else the organiser's own mailbox.
  const organizerKey = originSide === 'netsuite' && states.has('netsuite') ? 'netsuite' : organizerCopy?.key;

  // The access class that counts is the one of the side that speaks for the item.
  const accessSources = [
    ...(organizerCopy ? [organizerCopy] : []),
    ...live.filter((s) => s.side === 'outlook'),
    ...live.filter((s) => s.side === 'netsuite'),
  ];
  const access = accessSources
    .map((s) => (merged?.get(s.key) ?? s.current)?.access)
    .find((a): a is AccessValue => a !== undefined);
  const redactForAutotask = originSide !== 'autotask' && access !== undefined && accessClassOf(access) === 'restricted';
  const isMeeting = live.some((s) => (s.current?.attendees?.length ?? 0) > 0);
  return {
    link,
    kind: link.kind,
    policy,
    states,
    ...(originSide !== undefined ? { originSide } : {}),
    ...(organizerEmail !== undefined ? { organizerEmail } : {}),
    ...(organizerKey !== undefined ? { organizerKey } : {}),
    redactForAutotask,
    isMeeting,
  };
}

/** An Outlook copy of a meeting someone else organises. */
export function isAttendeeCopy(state: ReplicaState, item: ItemContext): boolean {
  if (state.side !== 'outlook') return false;
  // Each copy names its organiser: Exchange-delivered copies the real one, copies we made their owner.
  const organizer = state.current?.organizer ?? state.base?.fields.organizer ?? item.organizerEmail;
  if (organizer === undefined || organizer === null) return false;
  return ownerEmail(state, item.policy) !== organizer;
}

/** Whether the organiser's own copy is among the replicas we sync (else attendee copies speak for the meeting). */
export function hasSyncedOrganizerCopy(item: ItemContext): boolean {
  return [...item.states.values()].some(
    (s) =>
      s.side === 'outlook' &&
      isLive(s) &&
      item.organizerEmail !== undefined &&
      ownerEmail(s, item.policy) === item.organizerEmail
  );
}

export function changed(state: ReplicaState, key: FieldKey): boolean {
  if (!state.current) return false;
  const now = getField(state.current, key);
  if (!state.base) {
    // A copy we have never synced still tells us its owner's response (a new attendee accepted).
    return responseEmail(key) !== undefined && now !== undefined;
  }
  return !fieldEquals(key, now, getField(state.base.fields, key));
}

/** Whether a change of this replica to this field counts, or is ignored (or undone). */
export function contributes(state: ReplicaState, key: FieldKey, item: ItemContext): boolean {
  if (!isLive(state) || state.detached) return false;
  if (isReadOnly(item.kind, state.side, item.policy)) return false;
  if (MEETING_FIELDS.has(key) && isAttendeeCopy(state, item) && hasSyncedOrganizerCopy(item)) return false;
  if (state.side === 'autotask' && item.redactForAutotask && (key === 'title' || key === 'description')) return false;
  return true;
}

/** Whether we may write this field to this replica. */
export function writable(state: ReplicaState, key: FieldKey, item: ItemContext): boolean {
  if (state.detached) return false;
  if (state.side !== 'outlook') return true;
  const attendeeCopy = isAttendeeCopy(state, item);
  if (attendeeCopy && MEETING_FIELDS.has(key)) return false;
  // Cancelling needs Graph's cancel action, which emails attendees: never as a side effect.
  if (key === 'status') return false;
  if (key === 'attendees') return item.policy.inviteFromOutlook && !attendeeCopy;
  const email = responseEmail(key);
  if (email !== undefined) return email === ownerEmail(state, item.policy);
  return true;
}
