import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { UserSyncStatus } from '../../src/workflows/user-sync/types';
import { daysAhead, wallClock } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * A worker process killed (SIGKILL, no shutdown) while it is writing items: its activity's writes
 * are half done and no link was saved. Another worker takes the workflow over; the activity is
 * retried once its heartbeat times out, and the idempotent creates (NetSuite PUT …/eid:, the
 * Autotask marker look-up) find what the killed one had written: no record twice, nothing lost.
 */
describe('a worker killed mid-item', () => {
  let stack: SyncStack;
  let child: ChildProcess | undefined;
  let output = '';
  beforeAll(async () => {
    stack = await startSyncStack();
  }, 60_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
  }, 60_000);

  const titles = ['Killed mid-item A', 'Killed mid-item B', 'Killed mid-item C'];
  const inNetSuite = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const inAutotask = (title: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).filter((a) => a.title === title);

  it('leaves no duplicate and nothing unsynced after another worker takes over', async () => {
    const projectDir = path.resolve(__dirname, '../..');
    child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/main.ts'], {
      cwd: projectDir,
      env: {
        ...process.env,
        ...stack.processEnv,
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        CALSYNC_SANDBOX: 'off',
        LOG_LEVEL: 'info',
        CALSYNC_CODEC_KEYS: '',
        WORKER_METRICS_BIND_ADDRESS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(
      'the worker process to start',
      () => {
        if (child?.exitCode !== null) throw new Error(`worker exited: ${output}`);
        return output.includes('"msg":"worker started"') ? true : undefined;
      },
      90_000
    );

    // NetSuite answers writes slowly, so the kill lands while they are in flight.
    stack.sandbox.netsuite.faults.inject({ method: 'PUT', path: /calendarEvent/, delayMs: 5_000, times: 20 });
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 1_000 });
    titles.forEach((subject, i) =>
      stack.sandbox.graph.userSide.createEvent(stack.sandbox.info.mailbox, {
        subject,
        start: wallClock(daysAhead(3 + i), '09:00'),
        end: wallClock(daysAhead(3 + i), '10:00'),
        timeZone: 'UTC',
      })
    );
    // Autotask is written beside NetSuite: once it has all three, the NetSuite writes are under way.
    await eventually('the Autotask copies, written by the doomed worker', () =>
      titles.every((t) => inAutotask(t).length === 1) ? true : undefined
    );
    expect(titles.map((t) => inNetSuite(t).length)).toEqual([0, 0, 0]);
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    const killedAt = new Date().toISOString();
    stack.sandbox.netsuite.faults.clear();

    await stack.startWorker();
    // The killed activity is retried once its heartbeat times out (a minute); then the loop goes on.
    await eventually(
      'a round of the workflow after the kill',
      async () => {
        const status = await stack.client.workflow.getHandle(stack.workflowId).query<UserSyncStatus>('status');
        return (status.lastSync.outlook ?? '') > killedAt ? true : undefined;
      },
      150_000
    );
    // A few more rounds, for a late duplicate to show.
    const before = stack.sandbox.graph.requestLog.length;
    await eventually('more rounds', () => (stack.sandbox.graph.requestLog.length > before + 8 ? true : undefined));
    for (const title of titles) {
      expect(inNetSuite(title)).toHaveLength(1);
      expect(inAutotask(title)).toHaveLength(1);
      expect(
        stack.sandbox.graph.userSide.listEvents(stack.sandbox.info.mailbox).filter((e) => e.subject === title)
      ).toHaveLength(1);
    }
    expect((await stack.client.workflow.getHandle(stack.workflowId).describe()).status.name).toBe('RUNNING');
  }, 240_000);
});
