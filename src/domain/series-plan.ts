import { type Link, type Observation, type Observations, type ReplicaKey, replicaKey } from './link';
import { plan } from './plan';
import { type PlanAction } from './plan-action';
import { connectorEnabled, mayFlow, type SyncPolicy, userById } from './policy';
import { type Projection } from './projection';
import { anchorFromTiming, expandOccurrences, occurrenceKeyOf, type TimeWindow } from './recurrence';
import { dateInZone, startOfDayInZone } from './time-zones';

/**
 * Series on sides without native recurrence (Autotask always, NetSuite through REST): the
 * occurrences to create, update and delete there when the series, an exception or the window
 * changes. Each occurrence is its own small link between the Outlook series (as expanded) and
 * the target record, planned by the same `plan`, so field merge, conflicts and echo suppression
 * are the ones every other item gets.
 */

export interface SeriesSource {
  /** The replica that owns the series, e.g. `outlook:u1`. */
  readonly replica: ReplicaKey;
  /** The series master's projection: recurrence, and the first occurrence's timing. */
  readonly master: Projection;
  /** Modified occurrences, keyed by original start: their own projections. */
  readonly exceptions?: Readonly<Record<string, Projection>>;
  readonly modifiedAt?: string;
}

export interface SeriesPlanInput {
  readonly seriesItemId: string;
  /** Null when the series was deleted at its source. */
  readonly source: SeriesSource | null;
  /** The replica that receives single occurrences, e.g. `autotask:u1`. */
  readonly target: ReplicaKey;
  /** Existing occurrence links for this target, keyed by occurrence key. */
  readonly occurrences: Readonly<Record<string, Link>>;
  /** What a pull saw of the target's occurrence records, keyed by occurrence key. */
  readonly current: Readonly<Record<string, Observation>>;
  readonly window: TimeWindow;
}

export interface SeriesPlan {
  readonly actions: readonly PlanAction[];
  /** Next occurrence links by occurrence key; null = forget the key. */
  readonly links: Readonly<Record<string, Link | null>>;
}

/**
 * The replicas that receive an Outlook user's series as single occurrences: their Autotask
 * resource, and NetSuite unless it takes series natively. Selection is applied per occurrence.
 */
export function seriesPlanTargets(ownerUserId: string, policy: SyncPolicy): ReplicaKey[] {
  const user = userById(policy, ownerUserId);
  if (!user) return [];
  const targets: ReplicaKey[] = [];
  if (
    user.netsuite &&
    !policy.netsuiteNativeRecurrence &&
    connectorEnabled('netsuite', policy) &&
    mayFlow('outlook', 'netsuite', policy)
  ) {
    targets.push(replicaKey('netsuite'));
  }
  if (user.autotask && connectorEnabled('autotask', policy) && mayFlow('outlook', 'autotask', policy)) {
    targets.push(replicaKey('autotask', user.userId));
  }
  return targets;
}

/** The projection one occurrence has at the source: the master's fields at the occurrence's time. */
function occurrenceProjection(master: Projection, timing: NonNullable<Projection['fields']['timing']>): Projection {
  return { side: master.side, fields: { ...master.fields, timing, recurrence: null } };
}

function startsInWindow(key: string, zone: string, window: TimeWindow): boolean {
  const instant = key.length === 10 ? startOfDayInZone(key, zone) : key;
  const t = Date.parse(instant);
  return t >= Date.parse(window.start) && t < Date.parse(window.end);
}

function localDateOf(key: string, zone: string): string {
  return key.length === 10 ? key : dateInZone(key, zone);
}

export function planSeries(input: SeriesPlanInput, policy: SyncPolicy): SeriesPlan {
  const actions: PlanAction[] = [];
  const links: Record<string, Link | null> = {};
  const desired = new Map<string, Projection>();
  const master = input.source?.master;
  const timing = master?.fields.timing;
  const recurrence = master?.fields.recurrence;
  const zone = recurrence?.timeZone ?? timing?.timeZone ?? 'UTC';

  if (input.source && master && timing && recurrence) {
    const anchor = anchorFromTiming(timing);
    const duration = timing.allDay
      ? Math.max(1, Math.round((Date.parse(timing.endDate) - Date.parse(timing.startDate)) / 86_400_000))
      : Date.parse(timing.end) - Date.parse(timing.start);
    const expansion = expandOccurrences(
      { rrule: recurrence.rrule, anchor: { ...anchor, timeZone: zone }, duration, exdates: recurrence.exdates },
      input.window
    );
    if (!expansion.ok) {
      actions.push({ type: 'needs-attention', reason: 'invalid-recurrence', detail: expansion.error, held: [] });
      return { actions, links: {} };
    }
    const exceptions = new Map(
      Object.entries(input.source.exceptions ?? {}).map(([k, p]) => [occurrenceKeyOf(k, timing.allDay), p] as const)
    );
    for (const occurrence of expansion.occurrences) {
      const exception = exceptions.get(occurrence.key);
      desired.set(
        occurrence.key,
        exception
          ? { side: exception.side, fields: { ...exception.fields, recurrence: null } }
          : occurrenceProjection(master, occurrence.timing)
      );
    }
  }

  // When the series' time of day changes every original start changes: match old and new
  // occurrences by local date, so records are moved rather than deleted and re-created.
  const unmatchedOld = Object.keys(input.occurrences).filter(
    (k) => !desired.has(k) && startsInWindow(k, zone, input.window)
  );
  const previousByDate = new Map<string, string>();
  for (const k of unmatchedOld) previousByDate.set(localDateOf(k, zone), k);
  const moved = new Map<string, string>();
  for (const k of desired.keys()) {
    if (input.occurrences[k]) continue;
    const previous = previousByDate.get(localDateOf(k, zone));
    if (previous !== undefined) {
      moved.set(k, previous);
      previousByDate.delete(localDateOf(k, zone));
    }
  }
  const movedFrom = new Set(moved.values());

  const sourceKey = input.source?.replica;
  for (const [key, projection] of [...desired].sort(([a], [b]) => a.localeCompare(b))) {
    const previous = moved.get(key);
    const stored = input.occurrences[previous ?? key];
    const link: Link = stored ?? {
      itemId: `${input.seriesItemId}@${key}`,
      kind: 'occurrence',
      origin: sourceKey,
      seriesItemId: input.seriesItemId,
      occurrenceKey: key,
      replicas: {},
    };
    const observed = input.current[previous ?? key];
    const current: Observations = {
      ...(sourceKey
        ? {
            [sourceKey]: {
              state: 'present',
              projection,
              ...(input.source?.modifiedAt !== undefined ? { modifiedAt: input.source.modifiedAt } : {}),
            },
          }
        : {}),
      ...(observed ? { [input.target]: observed } : {}),
    };
    const result = plan(link, current, policy, {
      occurrenceKey: key,
      scope: new Set([...(sourceKey ? [sourceKey] : []), input.target]),
      ...(sourceKey ? { neverRecreate: new Set([sourceKey]) } : {}),
    });
    for (const action of result.actions) {
      actions.push(
        previous !== undefined && action.type === 'update-fields' && action.replica === input.target
          ? { ...action, previousOccurrenceKey: previous }
          : action
      );
    }
    links[key] = result.link ? { ...result.link, occurrenceKey: key } : null;
    if (previous !== undefined) links[previous] = null;
  }

  for (const [key, link] of Object.entries(input.occurrences)) {
    if (desired.has(key) || movedFrom.has(key)) continue;
    links[key] = null;
    const replica = link.replicas[input.target];
    if (!startsInWindow(key, zone, input.window)) {
      // A rolling window forgets occurrences that leave it; it never deletes them.
      actions.push({ type: 'skip', replica: input.target, reason: 'left-window', occurrenceKey: key });
      continue;
    }
    if (!replica || input.current[key]?.state === 'deleted') continue;
    actions.push({
      type: 'delete',
      replica: input.target,
      side: replica.side,
      ...(replica.userId !== undefined ? { userId: replica.userId } : {}),
      ...(replica.recordId !== undefined ? { recordId: replica.recordId } : {}),
      occurrenceKey: key,
      reason: 'removed-from-series',
    });
  }
  return { actions, links };
}
