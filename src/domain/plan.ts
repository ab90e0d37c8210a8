import { type ResponseStatus, type Side } from './canonical-event';
import { pickSource } from './conflict';
import { editedFields } from './echo';
import {
  carries,
  type FieldKey,
  getField,
  PLAIN_FIELD_KEYS,
  responseEmail,
  setField,
  translateField,
} from './field-rules';
import { idempotencyKey } from './identity';
import { type Link, type LinkReplica, type Observations, parseReplicaKey, type ReplicaKey } from './link';
import { mergeFields, translateContext } from './merge';
import {
  type CreateReason,
  type DeleteReason,
  type Plan,
  type PlanAction,
  type SkipAction,
  type SkipReason,
} from './plan-action';
import { connectorEnabled, isReadOnly, mayFlow, type SyncPolicy, systemOfRecord, userById } from './policy';
import { normalizeFields, type Projection, type ProjectionFields } from './projection';
import {
  buildStates,
  contributes,
  hasSyncedOrganizerCopy,
  isAttendeeCopy,
  isLive,
  type ItemContext,
  itemContext,
  ownerEmail,
  projectionContext,
  type ReplicaState,
} from './replica-state';
import { expectReplicas } from './replicas';

/**
 * plan(link, current, policy) → actions, for one item across Outlook copies, NetSuite and
 * Autotask. Modelled on vdirsyncer's `_get_actions`: decide first, execute later. The decision
 * table, in order:
 *
 * 1. A replica confirmed deleted whose item nobody modified elsewhere: delete it everywhere the
 *    direction allows ("deleted here, unchanged there").
 * 2. Deleted here, modified there: the modification wins and the deleted replica is re-created.
 * 3. An Outlook attendee copy deleted: that user left the meeting; only their records go.
 * 4. A read-only replica deleted or edited (an Outlook service call): put back from its owner.
 * 5. Changed on one side: the changed fields travel to every side allowed to receive them. An
 *    attendee copy joining after the (unsynced) organiser changed the meeting counts as changed.
 * 6. Changed on several sides: per field, the system of record, the organiser, then the later
 *    modification wins; the conflict is reported.
 * 7. Absent where it should exist (new item, new participant, selected again): create it.
 * 8. Declined by a user, or deselected: delete that user's Autotask record / stop syncing.
 * 9. Left the window, connector off: left untouched, never deleted.
 *
 * Commit `plan.link` once every write succeeded; after a failure keep the old link and plan
 * again: writes are idempotent, and a replica already updated simply agrees with its source.
 */

export interface PlanOptions {
  /** Used by series plans: the occurrence these writes belong to. */
  readonly occurrenceKey?: string;
  /** Used by series plans: never re-create these replicas (a cancelled occurrence stays cancelled). */
  readonly neverRecreate?: ReadonlySet<ReplicaKey>;
  /** Used by series plans: consider and create only these replicas. */
  readonly scope?: ReadonlySet<ReplicaKey>;
}

interface DeletionOutcome {
  readonly deletes: ReadonlyMap<ReplicaKey, DeleteReason>;
  readonly leftUsers: ReadonlySet<string>;
  readonly recreate: ReadonlyMap<ReplicaKey, CreateReason>;
  readonly blocked: ReadonlySet<ReplicaKey>;
}

/** Deleting the organiser's copy of a meeting would email cancellations: never as a side effect. */
function wouldCancelMeeting(state: ReplicaState, item: ItemContext): boolean {
  return state.side === 'outlook' && !isAttendeeCopy(state, item) && (state.current?.attendees?.length ?? 0) > 0;
}

function modifiedSinceBase(state: ReplicaState, item: ItemContext): boolean {
  if (!state.base || !state.current || !isLive(state)) return false;
  return editedFields(state.current, state.base.fields).some((key) => contributes(state, key, item));
}

/** Whether a synced user declined the meeting, as their Outlook copy or the NetSuite event says. */
function declinedBy(userId: string, item: ItemContext): boolean {
  const email = userById(item.policy, userId)?.email.trim().toLowerCase();
  if (email === undefined) return false;
  return [...item.states.values()].some(
    (s) =>
      isLive(s) &&
      (s.side === 'netsuite' || (s.side === 'outlook' && s.userId === userId)) &&
      s.current?.responses?.[email] === 'declined'
  );
}

function resolveDeletions(item: ItemContext, options: PlanOptions): DeletionOutcome {
  const states = [...item.states.values()];
  const deletes = new Map<ReplicaKey, DeleteReason>();
  const leftUsers = new Set<string>();
  const recreate = new Map<ReplicaKey, CreateReason>();
  const blocked = new Set<ReplicaKey>();
  const never = options.neverRecreate ?? new Set<ReplicaKey>();

  const inScope = (s: ReplicaState): boolean =>
    !s.detached &&
    connectorEnabled(s.side, item.policy) &&
    (s.side === 'netsuite' || userById(item.policy, s.userId) !== undefined);
  // A deletion of something never synced, or on a connector that is off, tells us nothing.
  const requests = states.filter((s) => s.status === 'deleted' && s.base !== null && inScope(s));
  const authoritative: ReplicaState[] = [];
  for (const d of requests) if (isAttendeeCopy(d, item) && d.userId !== undefined) leftUsers.add(d.userId);
  for (const d of requests) {
    if (isAttendeeCopy(d, item) && d.userId !== undefined) continue;
    // The Autotask record of someone who declined or left is one we remove ourselves (replicas.ts):
    // finding it gone (another workflow removed it first) is no one deleting the meeting.
    if (d.side === 'autotask' && d.userId !== undefined && (leftUsers.has(d.userId) || declinedBy(d.userId, item)))
      continue;
    if (isReadOnly(item.kind, d.side, item.policy)) {
      if (!never.has(d.key)) recreate.set(d.key, 'restore');
    } else authoritative.push(d);
  }
  if (authoritative.length === 0) return { deletes, leftUsers, recreate, blocked };

  const survivors = states.filter((s) => (isLive(s) || s.status === 'outside-window') && inScope(s));
  // Only a modification that could reach the deleted side outweighs the deletion, and a deletion
  // made in the item's system of record (Autotask, once an item lives there: DESIGN.md §2) is
  // outweighed only by a modification made there too.
  const master = systemOfRecord(item.kind, item.policy);
  const deletedAtMaster = authoritative.some((d) => d.side === master);
  const outweighs = (s: ReplicaState): boolean =>
    modifiedSinceBase(s, item) &&
    authoritative.some((d) => mayFlow(s.side, d.side, item.policy)) &&
    (!deletedAtMaster || s.side === master);
  if (survivors.some(outweighs)) {
    for (const d of authoritative) if (!never.has(d.key)) recreate.set(d.key, 'modified-wins');
    return { deletes, leftUsers, recreate, blocked };
  }
  let kept = false;
  for (const t of survivors) {
    const reachable = authoritative.some((d) => mayFlow(d.side, t.side, item.policy));
    // Exchange owns attendee copies of a meeting, and deleting the organiser's copy emails everyone.
    const protectedCopy = isAttendeeCopy(t, item) || wouldCancelMeeting(t, item);
    if (reachable && !protectedCopy) deletes.set(t.key, 'deleted-elsewhere');
    else {
      if (reachable) blocked.add(t.key);
      if (isLive(t)) kept = true;
    }
  }
  // What could not be deleted keeps the item alive, so the deleted side gets it back.
  if (kept) for (const d of authoritative) if (!never.has(d.key)) recreate.set(d.key, 'restore');
  return { deletes, leftUsers, recreate, blocked };
}

/**
 * What a new record holds where its source has nothing to copy: the side's own empty values, as
 * the side reads them back (an Autotask appointment has no location; its Outlook copy reads ''),
 * so that the stored base echoes exactly.
 */
function defaultFields(side: Side, userId: string | undefined, policy: SyncPolicy): ProjectionFields {
  const email = userById(policy, userId)?.email.trim().toLowerCase();
  if (side === 'outlook') {
    return {
      description: '',
      location: '',
      access: 'normal',
      showAs: 'busy',
      status: 'active',
      categories: [],
      reminderMinutes: null,
      // An event sync creates in a mailbox is organised by that mailbox.
      organizer: email ?? null,
      attendees: [],
      responses: email !== undefined ? { [email]: 'organizer' } : {},
      recurrence: null,
    };
  }
  if (side === 'netsuite') {
    return {
      description: '',
      location: '',
      access: 'PUBLIC',
      status: 'CONFIRMED',
      reminderMinutes: null,
      organizer: null,
      attendees: [],
      responses: {},
      recurrence: null,
    };
  }
  return {};
}

function responseMeaning(response: ResponseStatus): ResponseStatus {
  if (response === 'organizer') return 'accepted';
  return response === 'notResponded' ? 'none' : response;
}

/** The full projection a new replica gets, copied field by field from the best source. */
function creationProjection(
  key: ReplicaKey,
  item: ItemContext,
  sources: readonly { state: ReplicaState; fields: ProjectionFields }[]
): Projection | undefined {
  const { side, userId } = parseReplicaKey(key);
  const policy = item.policy;
  const allowed = sources.filter(
    (s) =>
      mayFlow(s.state.side, side, policy) &&
      !(isAttendeeCopy(s.state, item) && hasSyncedOrganizerCopy(item)) &&
      !isReadOnly(item.kind, s.state.side, policy)
  );
  const source = pickSource(
    allowed.map((s) => s.state),
    item
  );
  const sourceFields = allowed.find((s) => s.state.key === source?.key)?.fields;
  if (!source || !sourceFields) return undefined;
  const target = { side, ...(userId !== undefined ? { userId } : {}) };
  const ctx = translateContext(target, item);
  let fields = defaultFields(side, userId, policy);
  for (const field of PLAIN_FIELD_KEYS) {
    if (!carries(side, field, undefined)) continue;
    if (side === 'outlook' && (field === 'status' || (field === 'attendees' && !policy.inviteFromOutlook))) continue;
    const value = translateField(field, sourceFields, side, undefined, ctx);
    if (value !== undefined) fields = { ...fields, [field]: value };
  }
  if (side === 'netsuite') {
    fields = { ...fields, organizer: sourceFields.organizer ?? null };
    // Synced attendees' own responses, as their Outlook copies know them.
    const responses: Record<string, ResponseStatus> = {};
    for (const s of sources) {
      const email = s.state.side === 'outlook' ? ownerEmail(s.state, policy) : undefined;
      const response = email !== undefined ? s.fields.responses?.[email] : undefined;
      const attends = (fields.attendees ?? []).some((a) => a.email === email);
      if (email !== undefined && response !== undefined && attends) responses[email] = responseMeaning(response);
    }
    fields = { ...fields, responses };
  }
  return {
    side,
    fields: normalizeFields(side, fields, {
      ...projectionContext(side, userId, policy),
      ...(ctx.targetZone ? { ownerZone: ctx.targetZone } : {}),
    }),
  };
}

function withReplica(link: Link, key: ReplicaKey, replica: LinkReplica | undefined): Link {
  const replicas = { ...link.replicas };
  if (replica) replicas[key] = replica;
  else delete replicas[key];
  return { ...link, replicas };
}

function storedReplica(state: ReplicaState, base: Projection | null, detached?: boolean): LinkReplica {
  return {
    side: state.side,
    ...(state.userId !== undefined ? { userId: state.userId } : {}),
    ...(state.recordId !== undefined ? { recordId: state.recordId } : {}),
    base,
    ...(state.version !== undefined ? { version: state.version } : {}),
    ...(detached ? { detached: 'not-selected' as const } : {}),
  };
}

function target(state: Pick<ReplicaState, 'key' | 'side' | 'userId' | 'recordId'>, options: PlanOptions) {
  return {
    replica: state.key,
    side: state.side,
    ...(state.userId !== undefined ? { userId: state.userId } : {}),
    ...(state.recordId !== undefined ? { recordId: state.recordId } : {}),
    ...(options.occurrenceKey !== undefined ? { occurrenceKey: options.occurrenceKey } : {}),
  };
}

function applyPatch(
  fields: ProjectionFields,
  patch: { readonly fields: ProjectionFields; readonly changed: readonly FieldKey[] } | undefined
): ProjectionFields {
  let out = fields;
  for (const key of patch?.changed ?? []) out = setField(out, key, getField(patch?.fields ?? {}, key));
  return out;
}

/** Same keys (a Set's keys are its values). */
function sameKeys(
  a: ReadonlyMap<string, unknown> | ReadonlySet<string>,
  b: ReadonlyMap<string, unknown> | ReadonlySet<string>
): boolean {
  const other = new Set<string>(b.keys());
  return a.size === other.size && [...a.keys()].every((k) => other.has(k));
}

function skip(replica: ReplicaKey, reason: SkipReason, options: PlanOptions): SkipAction {
  return {
    type: 'skip',
    replica,
    reason,
    ...(options.occurrenceKey !== undefined ? { occurrenceKey: options.occurrenceKey } : {}),
  };
}

/** The writes for one replica's patch: a PATCH of fields, and for Outlook responses an RSVP each. */
function patchActions(
  state: ReplicaState,
  changedKeys: readonly FieldKey[],
  newBase: Projection,
  options: PlanOptions
): PlanAction[] {
  const out: PlanAction[] = [];
  const fields = newBase.fields;
  // Outlook responses go through accept/decline, which need no PATCH and send no email.
  const rsvpKeys = state.side === 'outlook' ? changedKeys.filter((k) => responseEmail(k) !== undefined) : [];
  const fieldKeys = changedKeys.filter((k) => !rsvpKeys.includes(k));
  if (fieldKeys.length > 0) {
    let onlyFields: ProjectionFields = {};
    for (const k of fieldKeys) onlyFields = setField(onlyFields, k, getField(fields, k));
    out.push({ type: 'update-fields', ...target(state, options), fields: onlyFields, changed: fieldKeys, newBase });
  }
  for (const k of rsvpKeys) {
    const response = getField(fields, k) as ResponseStatus | undefined;
    if (response !== undefined) out.push({ type: 'rsvp', ...target(state, options), response, newBase });
  }
  return out;
}

export function plan(link: Link, current: Observations, policy: SyncPolicy, options: PlanOptions = {}): Plan {
  const allStates = buildStates(link, current, policy);
  const scope = options.scope;
  const states = scope ? new Map([...allStates].filter(([key]) => scope.has(key))) : allStates;
  // A brand-new item starts where it was first seen.
  const firstSeen = link.origin ?? [...states.values()].find((s) => s.status === 'present')?.key;
  const effectiveLink: Link = firstSeen !== undefined ? { ...link, origin: firstSeen } : link;
  let item = itemContext(effectiveLink, states, policy);
  const actions: PlanAction[] = [];

  const deletion = resolveDeletions(item, options);
  // Expectations are about the item after this round's deletes.
  const afterDeletes = new Map(
    [...states].map(([key, s]) => [key, deletion.deletes.has(key) ? { ...s, status: 'deleted' as const } : s])
  );
  const decide = (context: ItemContext, merged?: ReadonlyMap<ReplicaKey, ProjectionFields>) => {
    const withMerge = new Map(
      [...afterDeletes].map(([key, s]) => [key, merged?.has(key) ? { ...s, current: merged.get(key) } : s] as const)
    );
    const expectation = expectReplicas(
      { ...context, states: withMerge },
      deletion.leftUsers,
      new Set(deletion.recreate.keys())
    );
    const removals = new Map<ReplicaKey, DeleteReason>([...deletion.deletes, ...expectation.remove]);
    const activeStates = [...states.values()]
      .filter(
        (s) =>
          isLive(s) &&
          !removals.has(s.key) &&
          !expectation.frozen.has(s.key) &&
          !expectation.detach.has(s.key) &&
          (!s.detached || expectation.reattach.has(s.key))
      )
      .map((s) => (expectation.reattach.has(s.key) ? { ...s, detached: false } : s));
    const merge = mergeFields(context, activeStates, expectation.reattach);
    const fields = new Map(
      activeStates.map((s) => [s.key, applyPatch(s.current ?? {}, merge.patches.get(s.key))] as const)
    );
    return { expectation, removals, activeStates, merge, fields };
  };

  // Decide once, then again if the merge itself changes what the item is: a decline arriving
  // from NetSuite removes the Autotask copy, a new access level redacts it, in this same round.
  let decision = decide(item);
  const settled = itemContext(effectiveLink, states, policy, decision.fields);
  const again = decide(settled, decision.fields);
  if (
    settled.redactForAutotask !== item.redactForAutotask ||
    !sameKeys(again.removals, decision.removals) ||
    !sameKeys(again.expectation.create, decision.expectation.create)
  ) {
    item = settled;
    decision = again;
  }
  const { expectation, removals, activeStates, merge } = decision;
  actions.push(...merge.conflicts);

  // Per replica, the fields that change and their new values.
  const patches = new Map<ReplicaKey, Map<FieldKey, unknown>>();
  for (const [key, patch] of merge.patches) {
    patches.set(key, new Map(patch.changed.map((k) => [k, getField(patch.fields, k)] as const)));
  }
  // A user who removed their copy of a meeting has left it: NetSuite records their decline.
  const ns = activeStates.find((s) => s.side === 'netsuite');
  for (const userId of deletion.leftUsers) {
    const email = userById(policy, userId)?.email.trim().toLowerCase();
    const now = email !== undefined ? ns?.current?.responses?.[email] : undefined;
    // An attendee line counts even before its response was first seen (field-rules `carries`).
    const attends = ns !== undefined && email !== undefined && carries(ns.side, `responses:${email}`, ns.current);
    if (ns && email !== undefined && attends && now !== 'declined') {
      const patch = patches.get(ns.key) ?? new Map<FieldKey, unknown>();
      patch.set(`responses:${email}`, 'declined');
      patches.set(ns.key, patch);
    }
  }

  let next: Link = effectiveLink;
  const postMerge: { state: ReplicaState; fields: ProjectionFields }[] = [];
  for (const state of activeStates) {
    const patch = patches.get(state.key) ?? new Map<FieldKey, unknown>();
    let patched: ProjectionFields = state.current ?? {};
    for (const [k, v] of patch) patched = setField(patched, k, v);
    const fields = normalizeFields(state.side, patched, projectionContext(state.side, state.userId, policy));
    const newBase: Projection = { side: state.side, fields };
    postMerge.push({ state, fields });
    next = withReplica(next, state.key, storedReplica(state, newBase));
    actions.push(...patchActions(state, [...patch.keys()], newBase, options));
  }

  for (const [key, reason] of removals) {
    const state = states.get(key);
    if (!state) continue;
    actions.push({ type: 'delete', ...target(state, options), reason });
    next = withReplica(next, key, undefined);
  }
  for (const key of deletion.blocked) actions.push(skip(key, 'would-send-cancellation', options));

  for (const state of states.values()) {
    if (state.status === 'deleted' && !deletion.recreate.has(state.key)) next = withReplica(next, state.key, undefined);
  }
  for (const key of expectation.detach) {
    const state = states.get(key);
    if (!state) continue;
    // Said once, when it happens; a replica already aside stays aside quietly.
    if (!state.detached) actions.push(skip(key, 'not-selected', options));
    next = withReplica(next, key, storedReplica(state, state.base, true));
  }
  for (const [key, reason] of expectation.frozen) {
    if (reason !== 'left-window') actions.push(skip(key, reason, options));
  }

  for (const key of [...expectation.create].sort()) {
    if (options.neverRecreate?.has(key) || (scope && !scope.has(key))) continue;
    const projection = creationProjection(key, item, postMerge);
    const { side, userId } = parseReplicaKey(key);
    if (!projection) {
      actions.push(skip(key, 'no-source', options));
      // A deleted replica we cannot put back is forgotten, not retried every round.
      next = withReplica(next, key, undefined);
      continue;
    }
    const reason = deletion.recreate.get(key) ?? 'new';
    // A re-creation is a different write from the first create: give it its own key.
    const suffix = reason === 'new' ? '' : `|${reason}-${stateVersion(states.get(key))}`;
    actions.push({
      type: 'create',
      replica: key,
      side,
      ...(userId !== undefined ? { userId } : {}),
      ...(options.occurrenceKey !== undefined ? { occurrenceKey: options.occurrenceKey } : {}),
      reason,
      projection,
      idempotencyKey: idempotencyKey(effectiveLink.itemId, key, options.occurrenceKey) + suffix,
      newBase: projection,
    });
    next = withReplica(next, key, { side, ...(userId !== undefined ? { userId } : {}), base: projection });
  }

  const remaining = Object.values(next.replicas);
  return { actions, link: remaining.length === 0 ? null : next };
}

/** Distinguishes a re-creation from the original create, so idempotency keys do not collide. */
function stateVersion(state: ReplicaState | undefined): string {
  return state?.recordId ?? state?.version ?? 'gone';
}
