import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * With CALSYNC_RECORD_HISTORIES=1, writes the histories of the given workflows (as they stand) to
 * test/fixtures/histories/<name>.json, where the replay test replays them against later workflow
 * code. The Temporal CLI writes the proto JSON that replay reads (protobuf's JSON writer fails
 * inside Jest). Without the variable it does nothing: recording is a deliberate act.
 */
export function recordHistories(histories: Record<string, { workflowId: string; runId?: string }>): void {
  if (process.env.CALSYNC_RECORD_HISTORIES !== '1') return;
  const dir = path.resolve(__dirname, '../fixtures/histories');
  mkdirSync(dir, { recursive: true });
  for (const [name, { workflowId, runId }] of Object.entries(histories)) {
    const json = execFileSync(process.env.CALSYNC_TEST_TEMPORAL_CLI ?? 'temporal', [
      'workflow',
      'show',
      '--address',
      process.env.TEMPORAL_ADDRESS ?? '',
      '-w',
      workflowId,
      ...(runId ? ['-r', runId] : []),
      '-o',
      'json',
    ]);
    writeFileSync(path.join(dir, `${name}.json`), json);
  }
}
