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
    // Long-running user workflows are cheap when idle: evicted from the cache and replayed on demand.
    maxCachedWorkflows: 1000,
    shutdownGraceTime: '20 seconds',
  });
}
