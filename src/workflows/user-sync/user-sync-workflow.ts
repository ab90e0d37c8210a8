import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { searchAttributes } from '../search-attributes';
import { changedSignal, pauseUpdate, resumeUpdate, resyncUpdate, statusQuery, stopUpdate } from './messages';
import {
  type CarriedState,
  type ChangedHint,
  emptyCounts,
  type SourceName,
  type SyncState,
  type UserSyncInput,
  type UserSyncStatus,
} from './types';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

const RECENT_HINTS = 200;

/** The state and handlers of one user's sync; the workflow function only wires it up. */
class UserSync {
  readonly status: UserSyncStatus;
  private pending = new Set<SourceName>();
  private recentHintIds: string[];
  private paused: boolean;
  private stopRequested = false;
  finished = false;

  constructor(private readonly input: UserSyncInput) {
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
    this.recentHintIds = carried?.recentHintIds ?? [];
    this.paused = carried?.paused ?? false;
  }

  onChanged(hint: ChangedHint): void {
    if (hint.id) {
      if (this.recentHintIds.includes(hint.id)) return;
      this.recentHintIds.push(hint.id);
      if (this.recentHintIds.length > RECENT_HINTS) this.recentHintIds.shift();
    }
    this.pending.add(hint.source);
  }

  requestStop(): void {
    this.stopRequested = true;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.pending.add('outlook');
    this.setState(paused ? 'paused' : 'running');
  }

  requestResync(): void {
    this.pending.add('outlook');
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
        `**last sync:** ${Object.entries(s.lastSync).map(([k, v]) => `${k} ${v}`).join(', ') || 'never'}`,
        `**counts:** created ${s.counts.created}, updated ${s.counts.updated}, deleted ${s.counts.deleted}, failed ${s.counts.failed}`,
        s.lastError ? `**last error:** ${s.lastError.type} at ${s.lastError.at}` : '',
      ]
        .filter(Boolean)
        .join('\n\n')
    );
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.input.settings.maxHistoryEvents;
  }

  private async pullOnce(): Promise<void> {
    this.pending.clear();
    try {
      const result = await activities.syncOutlookToNetSuite({ tenantId: this.input.tenantId, userId: this.input.userId });
      this.status.counts.created += result.created;
      this.status.counts.updated += result.updated;
      this.status.counts.skipped += result.skipped;
      this.status.counts.failed += result.failed;
      this.status.lastSync.outlook = result.at;
      if (this.status.state === 'degraded') this.setState('running');
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      this.status.lastError = {
        message: cause?.message ?? (err as Error).message,
        type: cause?.type ?? 'Unknown',
        at: new Date().toISOString(),
      };
      this.setState('degraded');
    }
  }

  async run(): Promise<'stopped' | 'continue'> {
    if (this.paused) this.setState('paused');
    for (;;) {
      this.status.backlog = [...this.pending];
      this.publishDetails();
      const woke = await condition(
        () => this.stopRequested || (!this.paused && this.pending.size > 0),
        this.input.settings.pollIntervalMs
      );
      if (this.stopRequested) break;
      if (this.paused) continue;
      if (!woke) this.pending.add('outlook');
      await this.pullOnce();
      if (this.shouldContinueAsNew()) return 'continue';
    }
    this.setState('stopping');
    return 'stopped';
  }

  carry(): CarriedState {
    return {
      status: { ...this.status, generation: this.status.generation + 1 },
      pending: [...this.pending],
      recentHintIds: this.recentHintIds,
      paused: this.paused,
    };
  }

  markStopped(): void {
    this.setState('stopped');
    this.publishDetails();
    this.finished = true;
  }
}

/** One long-running workflow per synced user (DESIGN.md §3). */
export async function userSync(input: UserSyncInput): Promise<UserSyncStatus> {
  const sync = new UserSync(input);
  // Handlers first, before any await, so that no buffered signal or update is missed.
  setHandler(changedSignal, (hint) => sync.onChanged(hint));
  setHandler(statusQuery, () => sync.status);
  setHandler(stopUpdate, async () => {
    sync.requestStop();
    await condition(() => sync.finished);
    return sync.status;
  });
  setHandler(pauseUpdate, () => {
    sync.setPaused(true);
    return sync.status;
  });
  setHandler(resumeUpdate, () => {
    sync.setPaused(false);
    return sync.status;
  });
  setHandler(
    resyncUpdate,
    () => {
      sync.requestResync();
      return sync.status;
    },
    {
      validator: (request) => {
        if (request?.mode !== 'incremental' && request?.mode !== 'full') throw new Error('mode must be incremental or full');
      },
    }
  );

  const outcome = await sync.run();
  if (outcome === 'continue') {
    await condition(allHandlersFinished);
    return continueAsNew<typeof userSync>({ ...input, carried: sync.carry() });
  }
  sync.markStopped();
  await condition(allHandlersFinished);
  return sync.status;
}
