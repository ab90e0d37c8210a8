import { type ItemKind, type Side } from './canonical-event';
import { type ReplicaKey, replicaKey } from './link';
import { type DeleteReason, type SkipReason } from './plan-action';
import {
  connectorEnabled,
  isSelected,
  mayFlow,
  type SyncPolicy,
  type SyncedUser,
  userByEmail,
  userById,
} from './policy';
import { type ItemContext, isLive, ownerEmail, type ReplicaState } from './replica-state';

/**
 * Which replicas an item should have: one Outlook copy per participating synced mailbox, one
 * NetSuite event per meeting, one Autotask record per resource, filtered by direction,
 * selection and declines.
 */

export interface ReplicaExpectation {
  /** Replicas that should exist and do not: to be created. */
  readonly create: ReadonlySet<ReplicaKey>;
  /** Existing replicas to delete, with why. */
  readonly remove: ReadonlyMap<ReplicaKey, DeleteReason>;
  /** Existing replicas to keep but stop syncing (deselected). */
  readonly detach: ReadonlySet<ReplicaKey>;
  /** Detached replicas selected again: bring them up to date. */
  readonly reattach: ReadonlySet<ReplicaKey>;
  /** Replicas left untouched this round, with why. */
  readonly frozen: ReadonlyMap<ReplicaKey, SkipReason>;
}

/** Sides that hold an item kind as one record (series go to Autotask as single occurrences). */
export function holdsKind(side: Side, kind: ItemKind, policy: SyncPolicy): boolean {
  if (kind !== 'series') return true;
  if (side === 'autotask') return false;
  return side === 'outlook' || policy.netsuiteNativeRecurrence;
}

function declined(state: ReplicaState | undefined, policy: SyncPolicy): boolean {
  if (!state?.current) return false;
  const email = ownerEmail(state, policy);
  return email !== undefined && state.current.responses?.[email] === 'declined';
}

export function expectReplicas(
  item: ItemContext,
  leftUsers: ReadonlySet<string>,
  recreate: ReadonlySet<ReplicaKey>
): ReplicaExpectation {
  const { policy, kind, states } = item;
  const create = new Set<ReplicaKey>();
  const remove = new Map<ReplicaKey, DeleteReason>();
  const detach = new Set<ReplicaKey>();
  const reattach = new Set<ReplicaKey>();
  const frozen = new Map<ReplicaKey, SkipReason>();
  const origin = item.link.origin;
  // Nothing is created for an item that no longer exists anywhere.
  const alive = [...states.values()].some((s) => isLive(s) || s.status === 'outside-window') || recreate.size > 0;

  for (const state of states.values()) {
    if (state.status === 'outside-window') frozen.set(state.key, 'left-window');
    else if (isLive(state) && !connectorEnabled(state.side, policy)) frozen.set(state.key, 'connector-off');
    else if (isLive(state) && state.side !== 'netsuite' && !userById(policy, state.userId))
      frozen.set(state.key, 'unknown-user');
  }
  const liveOutlook = new Map<string, ReplicaState>();
  for (const s of states.values()) {
    if (s.side === 'outlook' && s.userId !== undefined && isLive(s) && !frozen.has(s.key)) liveOutlook.set(s.userId, s);
  }
  const exists = (key: ReplicaKey): boolean => {
    const s = states.get(key);
    return s !== undefined && (isLive(s) || s.status === 'outside-window') && !recreate.has(key);
  };

  // Outlook copies: Exchange delivers copies of Outlook meetings; we create them only for items
  // that started elsewhere, or to put back a copy whose deletion did not win.
  const wantsOutlook = (user: SyncedUser): boolean => {
    const key = replicaKey('outlook', user.userId);
    if (recreate.has(key)) return true;
    if (item.originSide === 'netsuite' && user.netsuite && mayFlow('netsuite', 'outlook', policy)) {
      const ns = states.get('netsuite');
      const emails = [ns?.current?.organizer, ...(ns?.current?.attendees ?? []).map((a) => a.email)];
      return emails.some((e) => typeof e === 'string' && userByEmail(policy, e)?.userId === user.userId);
    }
    if (origin === replicaKey('autotask', user.userId)) return user.autotask && mayFlow('autotask', 'outlook', policy);
    return false;
  };
  for (const user of policy.users) {
    const key = replicaKey('outlook', user.userId);
    if (!exists(key) && !leftUsers.has(user.userId) && holdsKind('outlook', kind, policy) && wantsOutlook(user))
      create.add(key);
  }
  const outlookFor = (userId: string): ReplicaState | undefined => liveOutlook.get(userId);

  // NetSuite: one event per meeting, wanted when a participating user syncs to NetSuite.
  if (connectorEnabled('netsuite', policy) && holdsKind('netsuite', kind, policy)) {
    const nsKey = replicaKey('netsuite');
    const wanted =
      recreate.has(nsKey) ||
      item.originSide === 'netsuite' ||
      policy.users.some((u) => {
        if (!u.netsuite || leftUsers.has(u.userId)) return false;
        const copy = outlookFor(u.userId);
        if (copy) {
          return (
            !declined(copy, policy) &&
            mayFlow('outlook', 'netsuite', policy) &&
            isSelected('netsuite', copy.current?.categories ?? [], policy)
          );
        }
        const at = states.get(replicaKey('autotask', u.userId));
        return at !== undefined && isLive(at) && mayFlow('autotask', 'netsuite', policy);
      });
    const ns = states.get(nsKey);
    if (ns && isLive(ns) && !frozen.has(nsKey)) {
      if (!wanted && policy.selection.netsuite.mode === 'category') detach.add(nsKey);
      else if (wanted && ns.detached) reattach.add(nsKey);
    } else if (wanted && !exists(nsKey)) create.add(nsKey);
  }

  // Autotask: one record per resource.
  if (connectorEnabled('autotask', policy) && holdsKind('autotask', kind, policy)) {
    for (const user of policy.users) {
      if (!user.autotask) continue;
      const key = replicaKey('autotask', user.userId);
      const own = origin === key;
      const copy = outlookFor(user.userId);
      const gone = leftUsers.has(user.userId) || declined(copy, policy);
      // A copy we are about to create has no categories yet: only "all" selects it.
      const selected = copy
        ? isSelected('autotask', copy.current?.categories ?? [], policy)
        : policy.selection.autotask.mode === 'all';
      const reachable = copy !== undefined || create.has(replicaKey('outlook', user.userId));
      const wanted =
        recreate.has(key) || own || (!gone && reachable && selected && mayFlow('outlook', 'autotask', policy));
      const at = states.get(key);
      if (at && isLive(at) && !frozen.has(key)) {
        if (gone && !own) remove.set(key, leftUsers.has(user.userId) ? 'left-meeting' : 'declined');
        else if (!wanted && !own && copy !== undefined && !selected) detach.add(key);
        else if (wanted && at.detached) reattach.add(key);
      } else if (wanted && !gone && !exists(key)) create.add(key);
    }
  }
  if (!alive) create.clear();
  return { create, remove, detach, reattach, frozen };
}
