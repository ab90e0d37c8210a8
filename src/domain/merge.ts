import { pickSource, pickWinner, wholeSeconds } from './conflict';
import {
  agree,
  REDACTED_TITLE,
  carries,
  type FieldKey,
  fieldEquals,
  fieldKeysOf,
  getField,
  MEETING_FIELDS,
  setField,
  type TranslateContext,
  translateField,
} from './field-rules';
import { type ReplicaKey } from './link';
import { type ConflictResolvedAction } from './plan-action';
import { isReadOnly, mayFlow, type SyncPolicy, userById } from './policy';
import { type ProjectionFields } from './projection';
import {
  changed,
  contributes,
  hasSyncedOrganizerCopy,
  isAttendeeCopy,
  isLive,
  type ItemContext,
  projectionContext,
  type ReplicaState,
  writable,
} from './replica-state';

/**
 * The three-way merge, field by field: only fields that changed on a side travel; when several
 * sides changed a field differently the conflict rules pick one and the others are reported.
 * It is evaluated per target, so a one-way policy simply removes candidates for that target.
 */

export interface FieldPatch {
  readonly fields: ProjectionFields;
  readonly changed: readonly FieldKey[];
}

export interface MergeResult {
  readonly patches: ReadonlyMap<ReplicaKey, FieldPatch>;
  readonly conflicts: readonly ConflictResolvedAction[];
}

export function translateContext(target: Pick<ReplicaState, 'side' | 'userId'>, item: ItemContext): TranslateContext {
  const policy: SyncPolicy = item.policy;
  const zone = target.side === 'netsuite' ? policy.netsuiteTimeZone : userById(policy, target.userId)?.timeZone;
  return {
    ...(zone !== undefined ? { targetZone: zone } : {}),
    redactForAutotask: item.redactForAutotask,
    projection: projectionContext(target.side, target.userId, policy),
  };
}

/**
 * Autotask's copy of another side's item is redacted while the item is not public. When the
 * item's access changes, title and description must follow even though neither changed.
 */
function redactionOutOfStep(target: ReplicaState, key: FieldKey, item: ItemContext): boolean {
  if (target.side !== 'autotask' || item.originSide === 'autotask') return false;
  if (key !== 'title' && key !== 'description') return false;
  return item.redactForAutotask !== (target.current?.title === REDACTED_TITLE);
}

/**
 * An attendee copy joining an item that exists already (a second synced invitee first seen after
 * the organiser, who is not synced, changed the meeting) has no base, yet Exchange keeps it at the
 * organiser's latest: where it disagrees with replicas last modified no later than itself, its
 * meeting fields are the news. A replica modified later keeps its value (a NetSuite edit made
 * since); an unread one is read before it is written (read-targets.ts), and planned again.
 * Whole seconds, as in conflict.ts: NetSuite stamps to the second, and a tie goes to the copy.
 */
function joinsWithNews(state: ReplicaState, key: FieldKey, item: ItemContext, active: readonly ReplicaState[]) {
  if (!MEETING_FIELDS.has(key) || state.base !== null || state.status !== 'present' || !state.current) return false;
  if (!isAttendeeCopy(state, item) || hasSyncedOrganizerCopy(item)) return false;
  const copyAt = wholeSeconds(state.modifiedAt);
  if (copyAt === undefined) return false;
  const current = state.current;
  const synced = active.filter(
    (o) => o.key !== state.key && o.base !== null && o.current !== undefined && carries(o.side, key, o.current)
  );
  const stale = synced.filter((o) => !agree(key, current, o.side, o.current ?? {}, translateContext(o, item)));
  return stale.length > 0 && stale.every((o) => (wholeSeconds(o.modifiedAt) ?? copyAt) <= copyAt);
}

/** A live Autotask record's change to the title or description it shows redacted: never travels (contributes()). */
function overruledByRedaction(state: ReplicaState, key: FieldKey, item: ItemContext): boolean {
  return (
    state.side === 'autotask' &&
    item.redactForAutotask &&
    (key === 'title' || key === 'description') &&
    isLive(state) &&
    !state.detached &&
    changed(state, key)
  );
}

export function mergeFields(
  item: ItemContext,
  active: readonly ReplicaState[],
  reconcile: ReadonlySet<ReplicaKey>
): MergeResult {
  const patches = new Map<ReplicaKey, { fields: ProjectionFields; changed: FieldKey[] }>();
  const conflicts: ConflictResolvedAction[] = [];
  const policy = item.policy;

  for (const key of fieldKeysOf(active.map((s) => s.current))) {
    const contributors = active.filter(
      (s) =>
        s.current !== undefined &&
        carries(s.side, key, s.current) &&
        (changed(s, key) || joinsWithNews(s, key, item, active)) &&
        contributes(s, key, item)
    );

    for (const target of active) {
      if (!target.current || !carries(target.side, key, target.current) || !writable(target, key, item)) continue;
      const candidates = contributors.filter((c) => c.key === target.key || mayFlow(c.side, target.side, policy));
      let source = pickWinner(candidates, item, contributors)?.winner;
      const restore =
        reconcile.has(target.key) ||
        redactionOutOfStep(target, key, item) ||
        (changed(target, key) && isReadOnly(item.kind, target.side, policy));
      if (!source && restore) {
        const references = active.filter(
          (s) =>
            s.key !== target.key &&
            s.current !== undefined &&
            !reconcile.has(s.key) &&
            !isReadOnly(item.kind, s.side, policy) &&
            carries(s.side, key, s.current) &&
            mayFlow(s.side, target.side, policy)
        );
        source = pickSource(references, item);
      }
      if (!source?.current || source.key === target.key) continue;
      const value = translateField(key, source.current, target.side, target.current, translateContext(target, item));
      if (value === undefined || fieldEquals(key, value, getField(target.current, key))) continue;
      const patch = patches.get(target.key) ?? { fields: {}, changed: [] };
      patch.fields = setField(patch.fields, key, value);
      patch.changed.push(key);
      patches.set(target.key, patch);
    }

    // A person's edit of the title Autotask shows as "Appointment" never travels (contributes()):
    // when another side changed the field too, it is a conflict lost, and audited as one.
    const redacted = active.filter(
      (s) => s.current !== undefined && carries(s.side, key, s.current) && overruledByRedaction(s, key, item)
    );
    if (contributors.length >= 2 || (contributors.length === 1 && redacted.length > 0)) {
      const decided = pickWinner(contributors, item);
      if (!decided?.winner.current) continue;
      const winner = decided.winner;
      const disagree = (c: ReplicaState) =>
        c.key !== winner.key &&
        c.current !== undefined &&
        !agree(key, winner.current ?? {}, c.side, c.current, translateContext(c, item));
      const outvoted = contributors.filter(disagree);
      const losers = [...outvoted, ...redacted.filter(disagree)];
      if (losers.length > 0) {
        conflicts.push({
          type: 'conflict-resolved',
          field: key,
          winner: winner.key,
          losers: losers.map((l) => l.key),
          rule: outvoted.length > 0 ? decided.rule : 'redacted',
        });
      }
    }
  }
  return { patches, conflicts };
}
