import {
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { changedSignal } from '../user-sync/messages';
import { userSyncWorkflowId } from '../user-sync/workflow-id';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export interface TenantPollerInput {
  tenantId: string;
  provider: 'netsuite' | 'autotask';
  intervalMs: number;
  /** Rounds in a row in which no synced user was there to tell; the poller ends after a few. */
  idleRounds?: number;
  /** How often to scan for records deleted on the provider (default 10 minutes). */
  deletionScanIntervalMs?: number;
  /** When the last deletion scan ran (epoch ms), carried across continue-as-new. */
  lastScanAt?: number;
}

const DEFAULT_SCAN_INTERVAL_MS = 600_000;

const MAX_IDLE_ROUNDS = 20;
const ROUNDS_PER_RUN = 500;

/**
 * Reads everything that changed on a provider without push (Autotask always; NetSuite without the
 * SuiteScript bundle) once per tenant, and tells each affected user's workflow which records to
 * look at, and now and then scans for records deleted there. The provider budget is spent per
 * tenant, not per user (DESIGN.md §5).
 */
export async function tenantPoller(input: TenantPollerInput): Promise<void> {
  let idle = input.idleRounds ?? 0;
  // The first scan comes one interval after the poller started, not at once: a fresh link set has
  // nothing deleted yet, and every user start would otherwise cost a scan.
  let lastScanAt = input.lastScanAt ?? Date.now();
  const scanEvery = input.deletionScanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS;
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const roundStart = Date.now();
    const poll = input.provider === 'netsuite' ? activities.pollNetSuite : activities.pollAutotask;
    // The cursors are saved after the users were told: a poll whose completion a restart lost
    // must read its changes again, not find them behind a cursor it had already moved.
    const deferCursors = patched('poller-cursors-after-signals');
    // Staged in PostgreSQL, only their names pass through this history (ADR 0010).
    const stageCursors = deferCursors && patched('poller-cursors-staged');
    const { connected, affected, nextPollMs, cursors, stagedCursors } = await poll({
      tenantId: input.tenantId,
      ...(deferCursors ? { deferCursors } : {}),
      ...(stageCursors ? { stageCursors } : {}),
    });
    if (!connected) return;
    if (Date.now() - lastScanAt >= scanEvery) {
      // Deletions leave no trace in a "modified since" query: compare the linked ids with the provider's.
      const scanned = await activities.scanDeletions({ tenantId: input.tenantId, provider: input.provider });
      lastScanAt = Date.now();
      affected.push(...scanned.affected);
    }
    // Every user at once, and the poll interval counted from the round's start: one signal after
    // another, then a full interval, made the period (and a change's wait) grow with the load.
    const promptly = patched('poller-signals-together');
    const told = !promptly
      ? await tellOneByOne(input, affected)
      : patched('poller-tells-from-activity')
        ? await tellFromActivity(input, affected)
        : await tellTogether(input, affected);
    if (stagedCursors?.length) await activities.saveTenantCursors({ tenantId: input.tenantId, staged: stagedCursors });
    else if (cursors?.length) await activities.saveTenantCursors({ tenantId: input.tenantId, cursors });
    idle = affected.length > 0 && told === 0 ? idle + 1 : 0;
    setCurrentDetails(`**last poll:** ${new Date().toISOString()}, ${affected.length} users concerned, ${told} told`);
    if (idle >= MAX_IDLE_ROUNDS) return;
    if (workflowInfo().continueAsNewSuggested) break;
    const interval = Math.max(input.intervalMs, nextPollMs ?? 0);
    // At least half an interval apart, so that slow rounds under load do not poll back to back.
    await sleep(promptly ? Math.max(interval / 2, interval - (Date.now() - roundStart)) : interval);
  }
  await continueAsNew<typeof tenantPoller>({ ...input, idleRounds: idle, lastScanAt });
}

type Affected = Awaited<ReturnType<Activities['pollAutotask']>>['affected'];

/** The hints of one user: a person's edits apart, so that the user's sync may read early (ADR 0009). */
function hintsOf(
  provider: TenantPollerInput['provider'],
  { recordIds, changedRecordIds, changedVersions }: Affected[number]
) {
  const changed = new Set(changedRecordIds ?? []);
  const others = recordIds.filter((id) => !changed.has(id));
  const versions = changedVersions ? { versions: changedVersions } : {};
  return [
    ...(changed.size ? [{ source: provider, records: [...changed], changed: true, ...versions }] : []),
    ...(others.length ? [{ source: provider, records: others }] : []),
  ];
}

/**
 * Has an activity signal every affected user (ADR 0015): the workflow's own signal commands wait
 * in the server's transfer queue, tens of seconds under load. The number told.
 */
async function tellFromActivity(input: TenantPollerInput, affected: Affected): Promise<number> {
  if (affected.length === 0) return 0;
  const users = affected.map((entry) => ({ userId: entry.userId, hints: hintsOf(input.provider, entry) }));
  return (await activities.tellUsers({ tenantId: input.tenantId, users })).told;
}

/** Signals every affected user side by side (kept for histories recorded before 'poller-tells-from-activity'). */
async function tellTogether(input: TenantPollerInput, affected: Affected): Promise<number> {
  const results = await Promise.allSettled(
    affected.map(async (entry) => {
      const handle = getExternalWorkflowHandle(userSyncWorkflowId(input.tenantId, entry.userId));
      for (const hint of hintsOf(input.provider, entry)) await handle.signal(changedSignal, hint);
    })
  );
  // A rejected signal: the user is not syncing, and hints never start a sync.
  return results.filter((r) => r.status === 'fulfilled').length;
}

/** The poller's first way (kept for histories recorded before 'poller-signals-together'). */
async function tellOneByOne(input: TenantPollerInput, affected: Affected): Promise<number> {
  let told = 0;
  for (const { userId, recordIds } of affected) {
    try {
      await getExternalWorkflowHandle(userSyncWorkflowId(input.tenantId, userId)).signal(changedSignal, {
        source: input.provider,
        records: recordIds,
      });
      told++;
    } catch {
      // The user is not syncing: hints never start a sync.
    }
  }
  return told;
}
