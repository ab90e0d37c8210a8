export type SyncState = 'running' | 'paused' | 'degraded' | 'needs-attention' | 'stopping' | 'stopped';
export type SourceName = 'outlook' | 'netsuite' | 'autotask';

export interface ChangedHint {
  source: SourceName;
  /** Provider-side id of the notification, used to drop duplicates. */
  id?: string;
  /** Records the hint names on its source (read again before anything is done). */
  records?: string[];
  /** The records are known to have changed: a push names only a person's edits, never our writes. */
  changed?: boolean;
  /** With `changed`, the records' versions as the poll saw them (record id → version). */
  versions?: Record<string, string>;
  /**
   * An Outlook record's version as a change notification reports it (Graph's etag). A round woken
   * only by notifications whose versions we wrote ourselves needs no delta read: they are echoes.
   */
  seen?: { recordId: string; version: string };
}

export interface ConfigureRequest {
  /** The settings to change; those left out keep their value. */
  settings: Partial<UserSyncSettings>;
}

export interface ResumeRequest {
  /** Let the deletes through that the mass-deletion guard held back. */
  confirmDeletes?: boolean;
}

/** Records held back by the mass-deletion guard, waiting for an admin. */
export interface HeldRecords {
  source: SourceName;
  recordIds: string[];
}

/** Durations are inputs so that tests can shorten them (the dev server cannot skip time). */
export interface UserSyncSettings {
  /** Poll each source this often even when no notification arrives. */
  pollIntervalMs: number;
  /** Continue-as-new after this many history events even if the server has not suggested it. */
  maxHistoryEvents: number;
  /** Tenant pollers (Autotask; NetSuite without push) read this often. */
  tenantPollIntervalMs?: number;
  /** Renew the Graph subscription when it expires within this (default one hour). */
  subscriptionRenewalMarginMs?: number;
  /**
   * While a Graph subscription is live, notifications bring the changes and the fallback poll only
   * catches lost ones: it runs this often (default: `pollIntervalMs`).
   */
  subscribedPollIntervalMs?: number;
  /** Tenant pollers look for records deleted on their provider this often (default 10 minutes). */
  deletionScanIntervalMs?: number;
  /** Read the whole sync window again (not the delta) this often (default one day). */
  reconcileIntervalMs?: number;
}

export interface SyncCounts {
  created: number;
  updated: number;
  deleted: number;
  skipped: number;
  failed: number;
}

export interface UserSyncStatus {
  state: SyncState;
  tenantId: string;
  userId: string;
  lastSync: Partial<Record<SourceName, string>>;
  counts: SyncCounts;
  /** Sources waiting to be pulled. */
  backlog: SourceName[];
  lastError?: { message: string; type: string; at: string };
  needsAttention?: string;
  /** How many times this sync continued as new (history stays small). */
  generation: number;
}

/** What crosses continue-as-new, so nothing pending is lost. */
export interface CarriedState {
  status: UserSyncStatus;
  pending: SourceName[];
  /** Record ids named by hints and not yet synced, per source. */
  hinted?: Partial<Record<SourceName, string[]>>;
  held?: HeldRecords[];
  recentHintIds: string[];
  paused: boolean;
  /** When the next reconciliation is due (ISO instant). */
  nextReconcileAt?: string;
  subscriptionExpiresAt?: string;
}

export interface UserSyncInput {
  tenantId: string;
  userId: string;
  settings: UserSyncSettings;
  carried?: CarriedState;
}

export const emptyCounts = (): SyncCounts => ({ created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 });

export interface LifecycleHint {
  source: 'outlook';
  event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
  subscriptionId: string;
}
