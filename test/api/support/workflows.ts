// A stand-in for the real user-sync workflow, registered under the same name on a test task
// queue: it answers the same messages, so the API's start/stop/pause/resume/resync/status run
// against Temporal for real, and it remembers the hints it was sent.
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import {
  changedSignal,
  configureUpdate,
  lifecycleSignal,
  pauseUpdate,
  resumeUpdate,
  resyncUpdate,
  statusQuery,
  stopUpdate,
} from '../../../src/workflows/user-sync/messages';
import type {
  ChangedHint,
  LifecycleHint,
  UserSyncInput,
  UserSyncSettings,
  UserSyncStatus,
} from '../../../src/workflows/user-sync/types';

export interface Received {
  changed: ChangedHint[];
  lifecycle: LifecycleHint[];
  resyncs: string[];
  configured: Partial<UserSyncSettings>[];
}

export const receivedQuery = defineQuery<Received>('received');

export async function userSync(input: UserSyncInput): Promise<UserSyncStatus> {
  const status: UserSyncStatus = {
    state: 'running',
    tenantId: input.tenantId,
    userId: input.userId,
    lastSync: {},
    counts: { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 },
    backlog: [],
    generation: 0,
  };
  const received: Received = { changed: [], lifecycle: [], resyncs: [], configured: [] };
  let stop = false;
  setHandler(changedSignal, (hint) => void received.changed.push(hint));
  setHandler(lifecycleSignal, (hint) => void received.lifecycle.push(hint));
  setHandler(statusQuery, () => status);
  setHandler(receivedQuery, () => received);
  setHandler(pauseUpdate, () => {
    status.state = 'paused';
    return status;
  });
  setHandler(resumeUpdate, () => {
    status.state = 'running';
    return status;
  });
  setHandler(resyncUpdate, ({ mode }) => {
    received.resyncs.push(mode);
    status.backlog = ['outlook'];
    return status;
  });
  setHandler(configureUpdate, ({ settings }) => {
    received.configured.push(settings);
    return status;
  });
  setHandler(stopUpdate, () => {
    stop = true;
    status.state = 'stopped';
    status.backlog = [];
    return status;
  });
  await condition(() => stop);
  return status;
}
