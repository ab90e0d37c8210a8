import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Activities } from '../activities';

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (production image); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  identity?: string;
  /** Encrypts payloads and failure messages (DESIGN.md §4.8); the clients use the same one. */
  dataConverter?: DataConverter;
  /** WORKER_MAX_CACHED_WORKFLOWS (default 1000). */
  maxCachedWorkflows?: number;
}

/** The calsync worker: runs the user-sync workflows and the provider activities. */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    ...(options.identity ? { identity: options.identity } : {}),
    // A workflow out of the cache replays its history when it wakes (config.ts says how to size it).
    maxCachedWorkflows: options.maxCachedWorkflows ?? 1000,
    shutdownGraceTime: '20 seconds',
  });
}
