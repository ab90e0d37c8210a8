import { NativeConnection, Worker } from '@temporalio/worker';

/** Runs the stand-in user-sync workflow (support/workflows.ts) on the stack's task queue. */
export async function startTestWorker(taskQueue: string): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./workflows') });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
