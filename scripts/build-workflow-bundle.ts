// `npm run build:bundle`: bundles the workflow code once, at build time, into dist/workflow-bundle.js
// (or the path after --out). The container image runs its workers with this file
// (CALSYNC_WORKFLOW_BUNDLE), so a worker starts in a second instead of bundling with webpack on
// every start, and every replica of one image runs byte-for-byte the same workflow code.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { failureConverterPath } from '../src/codec/data-converter';

function outputPath(args: string[]): string {
  const at = args.indexOf('--out');
  if (at === -1) return path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');
  const value = args[at + 1];
  if (!value) throw new Error('--out needs a file path');
  return path.resolve(value);
}

async function main(): Promise<void> {
  const out = outputPath(process.argv.slice(2));
  const started = Date.now();
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    // A prebuilt bundle must carry what the worker would otherwise add when it bundles itself:
    // the failure converter that moves failure messages into (encrypted) payloads.
    failureConverterPath,
    logger: new DefaultLogger('WARN'),
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  const kib = Math.round(Buffer.byteLength(code) / 1024);
  process.stdout.write(`workflow bundle: ${out} (${kib} KiB, ${Date.now() - started} ms)\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`building the workflow bundle failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
