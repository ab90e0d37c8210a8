// `npm run replay [dir]`: replays recorded workflow histories against the current workflow code.
// Exits non-zero when any history no longer replays (a determinism-breaking change).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '../test/fixtures/histories'));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const histories = files.map((file) => ({
    workflowId: file,
    history: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Parameters<typeof Worker.runReplayHistory>[1],
  }));
  let failed = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: require.resolve('../src/workflows') },
    histories
  )) {
    if (result.error) {
      failed++;
      process.stdout.write(`FAIL ${result.workflowId}: ${String(result.error)}\n`);
    } else {
      process.stdout.write(`ok   ${result.workflowId}\n`);
    }
  }
  process.stdout.write(`replayed ${files.length} histories, ${failed} failed\n`);
  return failed === 0 && files.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  }
);
