import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Histories recorded from real runs (test/fixtures/histories: the continue-as-new, configure and
 * series tests write them with CALSYNC_RECORD_HISTORIES=1, see test/support/record-histories.ts:
 * userSync across continue-as-new and through configure/stop updates, a tenant poller, an itemSync
 * series child) replayed against today's workflow code: a change that breaks
 * determinism for workflows already running fails here. The replay runs in a plain Node process
 * (scripts/replay-histories.ts): protobuf's JSON reader does not work inside Jest's module registry.
 */
describe('workflow replay', () => {
  const projectDir = path.resolve(__dirname, '../..');
  const dir = path.join(projectDir, 'test/fixtures/histories');

  it('replays every recorded history without a determinism error', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    let output: string;
    try {
      output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/replay-histories.ts', dir], {
        cwd: projectDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const failure = err as { stdout?: string; stderr?: string };
      throw new Error(`replay failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`, { cause: err });
    }
    expect(output).toContain(`replayed ${files.length} histories, 0 failed`);
  }, 120_000);
});
