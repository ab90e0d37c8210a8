import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres';
import { freePort } from '../../src/runtime/free-port';
import { resolveTemporal } from '../../src/runtime/temporal-cli';
import { startTemporalDevServer } from '../../src/runtime/temporal-dev-server';
import { allSearchAttributes } from '../../src/workflows/search-attributes';
import { ensureSearchAttributes } from '../../src/runtime/search-attribute-registration';
import { Connection } from '@temporalio/client';

/**
 * Integration tests run against a real Temporal dev server and a real PostgreSQL. Both are started
 * once per run here (unless TEMPORAL_ADDRESS / DATABASE_URL point at running ones) and shared by
 * all test files; each test uses its own task queue, ids and database schema objects.
 */
const stops: (() => Promise<void>)[] = [];
(globalThis as { __calsyncStops?: typeof stops }).__calsyncStops = stops;

export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'calsync-test-'));
  chmodSync(root, 0o755);
  const projectDir = path.resolve(__dirname, '../..');
  const log = (line: string) => process.stderr.write(`[test stack] ${line}\n`);

  const temporalTask = (async () => {
    if (process.env.TEMPORAL_ADDRESS) {
      const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
      await ensureSearchAttributes(connection, 'default', allSearchAttributes);
      await connection.close();
      return;
    }
    const target = await resolveTemporal({ env: process.env, projectDir, log });
    if (target.kind !== 'cli') throw new Error('unreachable');
    const server = await startTemporalDevServer({
      cliPath: target.path,
      dataDir: path.join(root, 'temporal'),
      port: await freePort(),
      namespace: 'default',
      searchAttributes: allSearchAttributes,
      // Lets tests exercise continue-as-new without thousands of events.
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=400'],
    });
    process.env.TEMPORAL_ADDRESS = server.address;
    process.env.CALSYNC_TEST_TEMPORAL_CLI = target.path;
    stops.push(server.stop);
  })();

  const postgresTask = (async () => {
    if (process.env.DATABASE_URL) return;
    const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), log });
    process.env.DATABASE_URL = pg.url;
    stops.push(pg.stop);
  })();

  await Promise.all([temporalTask, postgresTask]);
  process.env.CALSYNC_TEST_ROOT = root;
  writeFileSync(path.join(root, 'stack.json'), JSON.stringify({ temporal: process.env.TEMPORAL_ADDRESS }));
}
