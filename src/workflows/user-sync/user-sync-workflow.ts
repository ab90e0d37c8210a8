import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities, PullResult } from '../../activities';
import { tenantPoller } from '../tenant-poller/tenant-poller-workflow';
import { tenantPollerWorkflowId } from '../tenant-poller/workflow-id';
import { searchAttributes } from '../search-attributes';
import { registerSeriesReports, signalSeriesChanges, syncSeries } from './series-children';
import { validateSettings } from './settings';
import {
  changedSignal,
  configureUpdate,
  lifecycleSignal,
  pauseUpdate,
  resumeUpdate,
  resyncUpdate,
  statusQuery,
  stopUpdate,
} from './messages';
import {
  type CarriedState,
  type ChangedHint,
  type ConfigureRequest,
  emptyCounts,
  type HeldRecords,
  type LifecycleHint,
  type SourceName,
  type SyncState,
  type UserSyncInput,
  type UserSyncSettings,
  type UserSyncStatus,
} from './types';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** A quiet mailbox's fallback poll: one delta call in the workflow task itself (no activity round). */
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Not retried here: a failed peek hands over to pullOutlook (after the Retry-After it carried).
  retry: { maximumAttempts: 1 },
});

/**
 * A small round's sync activity, run first inside the workflow task (ADR 0014): one workflow task
 * and a marker instead of an activity's schedule, dispatch, completion and second workflow task.
 * One attempt; a failed or slow one is run again as a normal activity, with its retries.
 */
const inTask = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/** At most this many hinted records make a round small enough to run inside the workflow task. */
const IN_TASK_MAX_RECORDS = 20;

/**
 * Waits the pause a throttled provider asked for before the next call. The activity's failure
 * carries it in its details (`toActivityFailure`): a decoded failure has no nextRetryDelay (which
 * is why ADR 0012's peek, reading that, never waited).
 */
async function honourRetryAfter(err: unknown): Promise<void> {
  // A local activity's failure reaches the workflow as the activity's own ApplicationFailure.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { retryAfterMs?: unknown }) : undefined;
  const delay = details?.retryAfterMs;
  if (typeof delay === 'number' && delay > 0) await sleep(delay);
}

/**
 * Runs a round's activity inside the workflow task when the round is small, else (and after that
 * attempt failed) as a normal activity.
 */
async function inTaskFirst<I, R>(
  small: boolean,
  inTaskFn: (input: I) => Promise<R>,
  activityFn: (input: I) => Promise<R>,
  input: I
): Promise<R> {
  // Histories recorded before this ran every round as an activity.
  if (small && patched('rounds-in-task-first')) {
    try {
      return await inTaskFn(input);
    } catch (err) {
      await honourRetryAfter(err);
    }
  }
  return activityFn(input);
}

const RECENT_HINTS = 200;
/** Beyond this many notified versions in one round, Outlook is simply read. */
const MAX_SEEN_VERSIONS = 500;
/** Read every user's whole window once a day, whatever the delta says. */
const DEFAULT_RECONCILE_MS = 24 * 3_600_000;

/** The state and handlers of one user's sync; the workflow function only wires it up. */
class UserSync {
  readonly status: UserSyncStatus;
  private readonly pending: Set<SourceName>;
  private readonly hinted = new Map<SourceName, Set<string>>();
  /**
   * Hinted records a push or a poll named as a person's edit (`source|record`), with the version the
   * poll saw when it said. Not carried over: only a speed-up.
   */
  private readonly pushed = new Map<string, string | undefined>();
  private held: HeldRecords[];
  private recentHintIds: string[];
  private paused: boolean;
  private fullResync = false;
  /** Outlook versions the notifications since the last round reported, by record id. */
  private readonly outlookSeen = new Map<string, string>();
  /**
   * Versions of this user's Outlook copies that our own activities wrote, by record id (the last
   * few hundred): a notification reporting one is our write coming back. Not carried over: only
   * a speed-up, the activity checks the stored versions anyway.
   */
  private readonly ownOutlookWrites = new Map<string, string>();
  /** Whether Outlook must be read whatever it reported (a poll, a resync, a notification without a version). */
  private outlookMustRead: boolean;
  private confirmDeletes = false;
  /** The round is only the fallback poll (its timer fired with nothing else to do). */
  private pollOnly = false;
  /** Counts Outlook hints, so that a peek knows whether one arrived while it ran. */
  private outlookHints = 0;
  private stopRequested = false;
  /** The first round of a fresh start reads the whole window: never small. */
  private firstRound: boolean;
  /** What Graph's lifecycle events asked of the subscription, done at the next round. */
  private subscriptionChange: 'recreate' | 'reauthorize' | undefined;
  private subscriptionExpiresAt: number | undefined;
  finished = false;
  /** The durations in force: the input's, changed by `configure`, carried across continue-as-new. */
  settings: UserSyncSettings;
  /** Set by `configure` to wake the loop, so that a new interval counts from now. */
  private reconfigured = false;
  /** When the whole window is read again (epoch ms). */
  private nextReconcileAt: number;

  constructor(private readonly input: UserSyncInput) {
    this.settings = { ...input.settings };
    this.nextReconcileAt = input.carried?.nextReconcileAt
      ? Date.parse(input.carried.nextReconcileAt)
      : Date.now() + this.reconcileIntervalMs();
    const carried: CarriedState | undefined = input.carried;
    this.status = carried?.status ?? {
      state: 'running',
      tenantId: input.tenantId,
      userId: input.userId,
      lastSync: {},
      counts: emptyCounts(),
      backlog: [],
      generation: 0,
    };
    // A fresh start (or a continued run) always looks once: something may have changed meanwhile.
    this.pending = new Set(carried?.pending ?? ['outlook']);
    this.outlookMustRead = this.pending.has('outlook');
    this.firstRound = carried === undefined;
    for (const [source, ids] of Object.entries(carried?.hinted ?? {}))
      this.hinted.set(source as SourceName, new Set(ids));
    this.held = carried?.held ?? [];
    this.recentHintIds = carried?.recentHintIds ?? [];
    this.paused = carried?.paused ?? false;
    this.subscriptionExpiresAt = carried?.subscriptionExpiresAt ? Date.parse(carried.subscriptionExpiresAt) : undefined;
  }

  onChanged(hint: ChangedHint): void {
    if (hint.id) {
      if (this.recentHintIds.includes(hint.id)) return;
      this.recentHintIds.push(hint.id);
      if (this.recentHintIds.length > RECENT_HINTS) this.recentHintIds.shift();
    }
    // Outlook is read through its delta (it finds the changes itself); other sources name records.
    if (hint.source === 'outlook') {
      this.outlookHints++;
      const earlier = hint.seen ? this.outlookSeen.get(hint.seen.recordId) : undefined;
      // Two versions of one record since the last round (notifications may arrive out of order):
      // at most one of them is ours, so the mailbox must be read.
      if (
        hint.seen &&
        this.outlookSeen.size < MAX_SEEN_VERSIONS &&
        (earlier ?? hint.seen.version) === hint.seen.version
      ) {
        this.pending.add('outlook');
        this.outlookSeen.set(hint.seen.recordId, hint.seen.version);
      } else this.lookAtOutlook();
    } else if (!hint.records?.length) this.pending.add(hint.source);
    else {
      const ids = this.hinted.get(hint.source) ?? new Set<string>();
      for (const id of hint.records) {
        ids.add(id);
        if (hint.changed) this.pushed.set(`${hint.source}|${id}`, hint.versions?.[id]);
      }
      this.hinted.set(hint.source, ids);
    }
  }

  onLifecycle(hint: LifecycleHint): void {
    // Notifications may have been missed or the subscription is gone: read everything again.
    this.outlookHints++;
    this.lookAtOutlook();
    if (hint.event === 'subscriptionRemoved') this.subscriptionChange = 'recreate';
    else if (hint.event === 'reauthorizationRequired' && this.subscriptionChange !== 'recreate')
      this.subscriptionChange = 'reauthorize';
  }

  private renewalMargin(): number {
    return this.settings.subscriptionRenewalMarginMs ?? 3_600_000;
  }

  /** Creates, renews, reauthorizes or re-creates the Graph subscription as needed. */
  async maintainSubscription(force = false): Promise<void> {
    const due =
      this.subscriptionExpiresAt !== undefined && this.subscriptionExpiresAt - Date.now() <= this.renewalMargin();
    if (!force && !due && this.subscriptionChange === undefined) return;
    const change = this.subscriptionChange;
    this.subscriptionChange = undefined;
    try {
      const state = await activities.ensureSubscription({
        tenantId: this.input.tenantId,
        userId: this.input.userId,
        renewWithinMs: this.renewalMargin(),
        recreate: change === 'recreate',
        reauthorize: change === 'reauthorize',
      });
      this.subscriptionExpiresAt = state.expiresAt ? Date.parse(state.expiresAt) : undefined;
    } catch (err) {
      // Without a subscription the poll still finds every change, only later.
      this.recordFailure(err);
    }
  }

  /** How long to wait at most: the poll interval, or less when a renewal or a reconciliation is due. */
  private waitMs(): number {
    const untilReconcile = Math.max(1000, this.nextReconcileAt - Date.now());
    if (this.subscriptionExpiresAt === undefined) return Math.min(this.settings.pollIntervalMs, untilReconcile);
    const poll = this.settings.subscribedPollIntervalMs ?? this.settings.pollIntervalMs;
    return Math.max(
      1000,
      Math.min(poll, untilReconcile, this.subscriptionExpiresAt - this.renewalMargin() - Date.now())
    );
  }

  private reconcileIntervalMs(): number {
    return this.settings.reconcileIntervalMs ?? DEFAULT_RECONCILE_MS;
  }

  /**
   * Periodic reconciliation: now and then the whole window is read again instead of the delta, so
   * that whatever a lost notification, an expired cursor or a provider's own bug hid comes back.
   */
  private reconcileIfDue(): void {
    if (Date.now() < this.nextReconcileAt) return;
    this.nextReconcileAt = Date.now() + this.reconcileIntervalMs();
    this.fullResync = true;
    this.lookAtOutlook();
  }

  configure(settings: Partial<UserSyncSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (settings.reconcileIntervalMs !== undefined) this.nextReconcileAt = Date.now() + settings.reconcileIntervalMs;
    this.reconfigured = true;
  }

  requestStop(): void {
    this.stopRequested = true;
  }

  setPaused(paused: boolean, confirmDeletes = false): void {
    this.paused = paused;
    if (!paused) {
      this.lookAtOutlook();
      if (confirmDeletes && this.held.length > 0) this.confirmDeletes = true;
      if (this.status.state === 'needs-attention' && !this.confirmDeletes) this.held = [];
      this.status.needsAttention = undefined;
    }
    this.setState(paused ? 'paused' : 'running');
  }

  /** Outlook is read at the next round, whatever notifications said. */
  private lookAtOutlook(): void {
    this.pending.add('outlook');
    this.outlookMustRead = true;
  }

  requestResync(mode: 'incremental' | 'full'): void {
    this.lookAtOutlook();
    if (mode === 'full') this.fullResync = true;
  }

  private setState(state: SyncState): void {
    if (this.status.state === state) return;
    this.status.state = state;
    upsertSearchAttributes([{ key: searchAttributes.syncState, value: state }]);
  }

  private publishDetails(): void {
    const s = this.status;
    setCurrentDetails(
      [
        `**state:** ${s.state}`,
        `**last sync:** ${
          Object.entries(s.lastSync)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'never'
        }`,
        `**counts:** created ${s.counts.created}, updated ${s.counts.updated}, deleted ${s.counts.deleted}, failed ${s.counts.failed}`,
        s.needsAttention ? `**needs attention:** ${s.needsAttention}` : '',
        s.lastError ? `**last error:** ${s.lastError.type} at ${s.lastError.at}` : '',
      ]
        .filter(Boolean)
        .join('\n\n')
    );
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.settings.maxHistoryEvents;
  }

  private hasWork(): boolean {
    return this.pending.size > 0 || [...this.hinted.values()].some((ids) => ids.size > 0) || this.confirmDeletes;
  }

  private record(result: PullResult): void {
    for (const { recordId, version } of result.outlookWritten ?? []) {
      this.ownOutlookWrites.delete(recordId);
      this.ownOutlookWrites.set(recordId, version);
      if (this.ownOutlookWrites.size > MAX_SEEN_VERSIONS)
        this.ownOutlookWrites.delete(this.ownOutlookWrites.keys().next().value!);
    }
    const c = this.status.counts;
    c.created += result.created;
    c.updated += result.updated;
    c.deleted += result.deleted;
    c.skipped += result.skipped;
    c.failed += result.failed;
    this.status.lastSync[result.source] = result.at;
    if (result.needsAttention) {
      this.held.push({ source: result.source, recordIds: result.needsAttention.held.map((r) => r.recordId) });
      this.status.needsAttention = result.needsAttention.reason;
      this.setState('needs-attention');
    } else if (this.status.state === 'degraded') {
      this.setState('running');
    }
  }

  recordFailure(err: unknown): void {
    const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
    this.status.lastError = {
      message: cause?.message ?? (err as Error).message,
      type: cause?.type ?? 'Unknown',
      at: new Date().toISOString(),
    };
    this.setState('degraded');
  }

  private async attempt(work: () => Promise<PullResult>): Promise<void> {
    try {
      this.record(await work());
    } catch (err) {
      this.recordFailure(err);
    }
  }

  /** One round: the confirmed held deletes, then Outlook's delta, then the records other sides named. */
  private async syncRound(): Promise<void> {
    const ref = { tenantId: this.input.tenantId, userId: this.input.userId, workflowId: workflowInfo().workflowId };
    if (this.confirmDeletes) {
      const held = this.held;
      this.held = [];
      this.confirmDeletes = false;
      for (const batch of held) {
        await this.attempt(() =>
          activities.syncHinted({ ...ref, source: batch.source, recordIds: batch.recordIds, confirmDeletes: true })
        );
      }
    }
    if (this.pollOnly) {
      this.pollOnly = false;
      if (await this.quietPeek()) this.pending.delete('outlook');
    }
    if (this.onlyOwnWritesNotified()) {
      // Every notification since the last round reported a version we wrote: no round at all.
      this.pending.delete('outlook');
      this.status.counts.skipped += this.outlookSeen.size;
      this.outlookSeen.clear();
    }
    if (this.pending.delete('outlook')) {
      const full = this.fullResync;
      this.fullResync = false;
      const echoes =
        this.outlookMustRead || full
          ? undefined
          : [...this.outlookSeen].map(([recordId, version]) => ({ recordId, version }));
      this.outlookSeen.clear();
      this.outlookMustRead = false;
      // A delta read is small; the first pull and a reconciliation read the whole window.
      const small = !full && !this.firstRound;
      this.firstRound = false;
      await this.attempt(async () => {
        const result = await inTaskFirst(small, inTask.pullOutlook, activities.pullOutlook, {
          ...ref,
          full,
          ...(echoes ? { unlessEchoes: echoes } : {}),
        });
        if (result.seriesIds?.length) await syncSeries(this.input, result.seriesIds);
        return result;
      });
    }
    for (const source of ['netsuite', 'autotask'] as const) {
      this.pending.delete(source);
      const ids = [...(this.hinted.get(source) ?? [])];
      this.hinted.delete(source);
      const changedIds = ids.filter((id) => this.pushed.has(`${source}|${id}`));
      const changedVersions: Record<string, string> = {};
      for (const id of changedIds) {
        const version = this.pushed.get(`${source}|${id}`);
        this.pushed.delete(`${source}|${id}`);
        if (version) changedVersions[id] = version;
      }
      if (ids.length > 0)
        await this.attempt(async () => {
          const result = await inTaskFirst(
            ids.length <= IN_TASK_MAX_RECORDS,
            inTask.syncHinted,
            activities.syncHinted,
            {
              ...ref,
              source,
              recordIds: ids,
              ...(changedIds.length ? { changedIds } : {}),
              ...(Object.keys(changedVersions).length ? { changedVersions } : {}),
            }
          );
          if (result.seriesChanges?.length) await signalSeriesChanges(result.seriesChanges);
          return result;
        });
    }
  }

  /**
   * Whether the fallback poll's peek found the mailbox quiet (its delta link is then kept) and no
   * Outlook hint came meanwhile: the round needs no activity. A failed peek leaves it to pullOutlook.
   */
  private async quietPeek(): Promise<boolean> {
    // Only beside a live subscription: without one the poll is how changes are found, and a peek
    // that finds one would cost a second delta call.
    if (this.subscriptionExpiresAt === undefined) return false;
    if (this.fullResync || !this.pending.has('outlook') || this.outlookSeen.size > 0) return false;
    // Histories recorded before the peek ran pullOutlook for every poll.
    if (!patched('outlook-fallback-peek')) return false;
    const hints = this.outlookHints;
    try {
      const peek = await local.peekOutlook({ tenantId: this.input.tenantId, userId: this.input.userId });
      if (!peek.quiet || hints !== this.outlookHints || this.fullResync) return false;
      this.outlookMustRead = false;
      this.record({ ...emptyCounts(), rsvps: 0, conflicts: 0, source: 'outlook', at: peek.at });
      return true;
    } catch (err) {
      // Throttled: Graph asked for a pause before the next call, which pullOutlook would make at once.
      await honourRetryAfter(err);
      return false;
    }
  }

  private onlyOwnWritesNotified(): boolean {
    return (
      this.pending.has('outlook') &&
      !this.outlookMustRead &&
      !this.fullResync &&
      this.outlookSeen.size > 0 &&
      [...this.outlookSeen].every(([recordId, version]) => this.ownOutlookWrites.get(recordId) === version) &&
      // Histories recorded before this shortcut ran the round.
      patched('outlook-own-writes-known')
    );
  }

  async run(): Promise<'stopped' | 'continue'> {
    if (this.paused) this.setState('paused');
    for (;;) {
      this.status.backlog = [
        ...new Set([...this.pending, ...[...this.hinted].filter(([, ids]) => ids.size).map(([s]) => s)]),
      ];
      this.publishDetails();
      const blocked = () => this.paused || this.status.state === 'needs-attention';
      const woke = await condition(
        () =>
          this.stopRequested ||
          this.reconfigured ||
          this.subscriptionChange !== undefined ||
          (!blocked() && this.hasWork()),
        this.waitMs()
      );
      if (this.stopRequested) break;
      if (this.reconfigured) {
        // Only the timer changed: wait again with the new durations.
        this.reconfigured = false;
        if (!this.hasWork() && this.subscriptionChange === undefined) continue;
      }
      await this.maintainSubscription();
      if (blocked()) continue;
      // No notification within the poll interval: look anyway (notifications are hints, they get lost).
      if (!woke) {
        this.pollOnly = true;
        this.lookAtOutlook();
      }
      this.reconcileIfDue();
      await this.syncRound();
      // A stop asked for during the round is done now, not after continuing as new.
      if (this.shouldContinueAsNew() && !this.stopRequested) return 'continue';
    }
    this.setState('stopping');
    return 'stopped';
  }

  carry(): CarriedState {
    return {
      status: { ...this.status, generation: this.status.generation + 1 },
      pending: [...this.pending],
      hinted: Object.fromEntries([...this.hinted].map(([source, ids]) => [source, [...ids]])),
      held: this.held,
      recentHintIds: this.recentHintIds,
      paused: this.paused,
      nextReconcileAt: new Date(this.nextReconcileAt).toISOString(),
      subscriptionExpiresAt: this.subscriptionExpiresAt
        ? new Date(this.subscriptionExpiresAt).toISOString()
        : undefined,
    };
  }

  async removeSubscription(): Promise<void> {
    try {
      await activities.removeSubscriptions({ tenantId: this.input.tenantId, userId: this.input.userId });
    } catch (err) {
      this.recordFailure(err);
    }
  }

  markStopped(): void {
    this.setState('stopped');
    this.publishDetails();
    this.finished = true;
  }
}

/** Makes sure the tenant's pollers run (one per tenant and provider, whatever the number of users). */
async function ensureTenantPollers(input: UserSyncInput): Promise<void> {
  for (const provider of ['netsuite', 'autotask'] as const) {
    try {
      await startChild(tenantPoller, {
        workflowId: tenantPollerWorkflowId(input.tenantId, provider),
        args: [
          {
            tenantId: input.tenantId,
            provider,
            intervalMs: input.settings.tenantPollIntervalMs ?? input.settings.pollIntervalMs,
            deletionScanIntervalMs: input.settings.deletionScanIntervalMs,
          },
        ],
        // The poller serves every user of the tenant: it outlives this user's run.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: searchAttributes.tenantId, value: input.tenantId }],
        staticSummary: `${provider} poller of tenant ${input.tenantId}`,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

/** One long-running workflow per synced user (DESIGN.md §3). */
export async function userSync(input: UserSyncInput): Promise<UserSyncStatus> {
  const sync = new UserSync(input);
  // Handlers first, before any await, so that no buffered signal or update is missed.
  setHandler(changedSignal, (hint) => sync.onChanged(hint));
  setHandler(lifecycleSignal, (hint) => sync.onLifecycle(hint));
  setHandler(statusQuery, () => sync.status);
  registerSeriesReports(sync.status);
  setHandler(stopUpdate, async () => {
    sync.requestStop();
    await condition(() => sync.finished);
    return sync.status;
  });
  setHandler(pauseUpdate, () => {
    sync.setPaused(true);
    return sync.status;
  });
  setHandler(resumeUpdate, (request) => {
    sync.setPaused(false, request?.confirmDeletes ?? false);
    return sync.status;
  });
  setHandler(
    configureUpdate,
    (request) => {
      sync.configure(request.settings);
      return sync.status;
    },
    { validator: (request: ConfigureRequest | undefined) => validateSettings(request?.settings) }
  );
  setHandler(
    resyncUpdate,
    (request) => {
      sync.requestResync(request.mode);
      return sync.status;
    },
    {
      validator: (request: { mode?: unknown } | undefined) => {
        if (request?.mode !== 'incremental' && request?.mode !== 'full')
          throw new Error('mode must be incremental or full');
      },
    }
  );

  await ensureTenantPollers(input);
  // A fresh start makes sure of its subscription; a continued run renews it when due.
  await sync.maintainSubscription(input.carried === undefined);
  const outcome = await sync.run();
  if (outcome === 'continue') {
    await condition(allHandlersFinished);
    return continueAsNew<typeof userSync>({ ...input, settings: sync.settings, carried: sync.carry() });
  }
  await sync.removeSubscription();
  sync.markStopped();
  await condition(allHandlersFinished);
  return sync.status;
}
