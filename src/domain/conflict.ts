import { type Side } from './canonical-event';
import type { ConflictMode } from './policy';
import { type ConflictRule } from './plan-action';
import { conflictModeBetween, mayFlow, systemOfRecord } from './policy';
import { type ItemContext, type ReplicaState } from './replica-state';

/**
 * Who wins when several replicas changed one field (DESIGN.md §4.3): a side that is only a mirror
 * of another (one-way direction) never beats it; then the system of record for the item kind
 * (Autotask for an item that lives there, §2); then, for a meeting, the organiser's side; then the
 * later modification; then a fixed order so that the outcome never depends on the order replicas
 * were read in. An appointment without attendees has no organiser's side to prefer.
 */

const SIDE_ORDER: Readonly<Record<Side, number>> = { outlook: 3, netsuite: 2, autotask: 1 };

/** Whether some rival's side may write to this replica's side but not the other way round. */
function mirrored(state: ReplicaState, rivals: readonly ReplicaState[], item: ItemContext): boolean {
  return rivals.some(
    (r) => r.key !== state.key && mayFlow(r.side, state.side, item.policy) && !mayFlow(state.side, r.side, item.policy)
  );
}

/**
 * A modification stamp in whole seconds: NetSuite stamps to the second, so a sub-second lead of a
 * side with finer stamps is no evidence of which edit came later.
 */
export function wholeSeconds(at: string | undefined): number | undefined {
  const ms = at !== undefined ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function rankOf(state: ReplicaState, rivals: readonly ReplicaState[], item: ItemContext): readonly number[] {
  // A tie in whole seconds goes to the fixed side order.
  return [
    mirrored(state, rivals, item) ? 0 : 1,
    systemOfRecord(item.kind, item.policy) === state.side ? 1 : 0,
    item.isMeeting && item.organizerKey === state.key ? 1 : 0,
    wholeSeconds(state.modifiedAt) ?? Number.NEGATIVE_INFINITY,
    SIDE_ORDER[state.side],
  ];
}

const RULES: readonly ConflictRule[] = [
  'direction',
  'system-of-record',
  'organizer',
  'later-modification',
  'tie-break',
];

function compare(
  a: ReplicaState,
  b: ReplicaState,
  rivals: readonly ReplicaState[],
  item: ItemContext
): { order: number; rule: ConflictRule } {
  const ra = rankOf(a, rivals, item);
  const rb = rankOf(b, rivals, item);
  const mode = conflictModeBetween(a.side, b.side, item.policy);
  for (let i = 0; i < ra.length; i++) {
    const rule = RULES[i] ?? 'tie-break';
    // The admin's policy comes right after the direction: a mirror still never wins.
    if (i === 1) {
      const preferred = preference(mode, a.side, b.side);
      if (preferred !== 0) return { order: preferred, rule: 'policy' };
    }
    if (mode === 'latest-wins' && (rule === 'system-of-record' || rule === 'organizer')) continue;
    const x = ra[i] ?? 0;
    const y = rb[i] ?? 0;
    if (x !== y) return { order: x > y ? -1 : 1, rule };
  }
  return { order: a.key < b.key ? -1 : a.key > b.key ? 1 : 0, rule: 'tie-break' };
}

/** -1 when the policy prefers a, 1 when it prefers b, 0 when it has no say for these sides. */
function preference(mode: ConflictMode, a: Side, b: Side): number {
  if ((a === 'outlook') === (b === 'outlook')) return 0;
  const outlookFirst = a === 'outlook' ? -1 : 1;
  if (mode === 'outlook-wins') return outlookFirst;
  if (mode === 'provider-wins') return -outlookFirst;
  return 0;
}

/**
 * The winning replica among candidates, and the rule that decided it against the runner-up.
 * `rivals` (default: the candidates) are all replicas that changed the field, so that every
 * target ranks them the same way.
 */
export function pickWinner(
  candidates: readonly ReplicaState[],
  item: ItemContext,
  rivals: readonly ReplicaState[] = candidates
): { winner: ReplicaState; rule: ConflictRule } | undefined {
  const sorted = [...candidates].sort((a, b) => compare(a, b, rivals, item).order);
  const winner = sorted[0];
  if (!winner) return undefined;
  const runnerUp = sorted[1];
  return { winner, rule: runnerUp ? compare(winner, runnerUp, rivals, item).rule : 'tie-break' };
}

/**
 * The replica to copy a new record from. After the merge all replicas agree on what they share,
 * so the richest side is the best source (Autotask lacks location, access and all-day dates):
 * Outlook (the organiser's copy first), then NetSuite, then Autotask; ties go to the origin.
 */
export function pickSource(candidates: readonly ReplicaState[], item: ItemContext): ReplicaState | undefined {
  const score = (s: ReplicaState): readonly number[] => [
    SIDE_ORDER[s.side],
    item.organizerKey === s.key ? 1 : 0,
    item.link.origin === s.key ? 1 : 0,
  ];
  return [...candidates].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if ((sa[i] ?? 0) !== (sb[i] ?? 0)) return (sb[i] ?? 0) - (sa[i] ?? 0);
    return a.key.localeCompare(b.key);
  })[0];
}
