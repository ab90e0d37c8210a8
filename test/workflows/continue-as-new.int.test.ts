import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { statusQuery } from '../../src/workflows/user-sync/messages';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * A long-running user workflow keeps its history small by continuing as new; what it carried
 * (counts, pending work) must survive, and sync must go on in the new run. With
 * CALSYNC_RECORD_HISTORIES=1 the histories are written to test/fixtures/histories for the replay test.
 */
describe('continue-as-new of a user sync', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  it('continues as new under load, carrying its counts, and keeps syncing', async () => {
    const handle = await stack.startUserSync({ pollIntervalMs: 300, tenantPollIntervalMs: 300, maxHistoryEvents: 80 });
    const mailbox = stack.sandbox.info.mailbox;
    for (let i = 0; i < 3; i++) {
      stack.sandbox.graph.userSide.createEvent(mailbox, {
        subject: `Before continue-as-new ${i}`,
        start: `2026-12-1${i}T09:00:00`,
        end: `2026-12-1${i}T10:00:00`,
        timeZone: 'UTC',
      });
    }
    await eventually('the events in NetSuite', () =>
      stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith('Before continue-as-new')).length === 3
        ? true
        : undefined
    );
    // Polling alone grows the history past the threshold.
    const continued = await eventually(
      'a continued run',
      async () => {
        const description = await stack.client.workflow.getHandle(stack.workflowId).describe();
        return description.runId !== handle.firstExecutionRunId ? description : undefined;
      },
      60_000
    );
    expect(continued.status.name).toBe('RUNNING');
    const status = await stack.client.workflow.getHandle(stack.workflowId).query(statusQuery);
    expect(status.generation).toBeGreaterThanOrEqual(1);
    expect(status.counts.created).toBeGreaterThanOrEqual(3);

    stack.sandbox.graph.userSide.createEvent(mailbox, {
      subject: 'After continue-as-new',
      start: '2026-12-15T09:00:00',
      end: '2026-12-15T10:00:00',
      timeZone: 'UTC',
    });
    await eventually('the later event in NetSuite', () =>
      stack.sandbox.netsuite.listEvents().find((e) => e.title === 'After continue-as-new')
    );
    expect(
      stack.sandbox.netsuite.listEvents().filter((e) => e.title.startsWith('Before continue-as-new'))
    ).toHaveLength(3);

    if (process.env.CALSYNC_RECORD_HISTORIES === '1') {
      const dir = path.resolve(__dirname, '../fixtures/histories');
      mkdirSync(dir, { recursive: true });
      // The CLI writes the proto JSON that replay reads (protobuf's JSON writer fails inside Jest).
      const show = (workflowId: string, runId?: string) =>
        execFileSync(process.env.CALSYNC_TEST_TEMPORAL_CLI ?? 'temporal', [
          'workflow',
          'show',
          '--address',
          process.env.TEMPORAL_ADDRESS!,
          '-w',
          workflowId,
          ...(runId ? ['-r', runId] : []),
          '-o',
          'json',
        ]);
      writeFileSync(
        path.join(dir, 'user-sync-continue-as-new.json'),
        show(stack.workflowId, handle.firstExecutionRunId)
      );
      writeFileSync(
        path.join(dir, 'tenant-poller-netsuite.json'),
        show(`calsync/${stack.sandbox.tenantId}/poller/netsuite`)
      );
    }
  }, 120_000);
});
