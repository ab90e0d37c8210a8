import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/runtime/free-port';
import { resolveTemporal } from '../../src/runtime/temporal-cli';
import { type DevServerOptions, type DevServer, startTemporalDevServer } from '../../src/runtime/temporal-dev-server';
import { allSearchAttributes } from '../../src/workflows/search-attributes';

/**
 * A Temporal dev server and a PostgreSQL of one test's own, for tests that restart them (the
 * convergence suite's restart faults): the shared ones from the global setup serve every test file
 * at once and must stay up. Both keep their data on disk (`--db-filename`, a persistent cluster) and
 * come back on the same port, so a restart loses no history and no rows, as in production.
 */
export interface RestartableServers {
  temporalAddress: string;
  databaseUrl: string;
  /** Stops the Temporal server, leaves it down for `downMs`, and starts it again on the same file. */
  restartTemporal(downMs: number): Promise<void>;
  /** Stops PostgreSQL (fast shutdown: open sessions are cut), leaves it down, starts it again. */
  restartPostgres(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

async function temporalCliPath(): Promise<string> {
  // The global setup found it already; otherwise look for one, but never build (no downloads here).
  if (process.env.CALSYNC_TEST_TEMPORAL_CLI) return process.env.CALSYNC_TEST_TEMPORAL_CLI;
  const target = await resolveTemporal({
    env: { PATH: process.env.PATH, TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH },
    projectDir: path.resolve(__dirname, '../..'),
    allowBuild: false,
  });
  if (target.kind !== 'cli') throw new Error('unreachable: no TEMPORAL_ADDRESS was given');
  return target.path;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const projectDir = path.resolve(__dirname, '../..');

interface PostgresProcess {
  url: string;
  stop(): Promise<void>;
}

/** src/runtime/embedded-postgres.ts in a child process (postgres-process.ts says why). */
function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const script = path.join(__dirname, 'postgres-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(port)], {
    cwd: projectDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`PostgreSQL did not start within 60 s:\n${output}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ url: ready[1]!, stop });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL process exited with ${signal ?? code}:\n${output}`));
    });
  });
}

export async function startRestartableServers(
  log: (line: string) => void = () => undefined
): Promise<RestartableServers> {
  const root = mkdtempSync(path.join(tmpdir(), 'calsync-restartable-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach its folder below this one.
  chmodSync(root, 0o755);
  const temporalOptions: DevServerOptions = {
    cliPath: await temporalCliPath(),
    dataDir: path.join(root, 'temporal'),
    port: await freePort(),
    namespace: 'default',
    searchAttributes: allSearchAttributes,
  };
  const pgDir = path.join(root, 'pg');
  const pgPort = await freePort();
  log(`own Temporal at 127.0.0.1:${temporalOptions.port}, own PostgreSQL at 127.0.0.1:${pgPort}, data in ${root}`);
  const [temporalStart, postgresStart] = await Promise.allSettled([
    startTemporalDevServer(temporalOptions),
    startPostgresProcess(pgDir, pgPort),
  ]);
  if (temporalStart.status === 'rejected' || postgresStart.status === 'rejected') {
    await Promise.allSettled([
      temporalStart.status === 'fulfilled' ? temporalStart.value.stop() : undefined,
      postgresStart.status === 'fulfilled' ? postgresStart.value.stop() : undefined,
    ]);
    rmSync(root, { recursive: true, force: true });
    throw temporalStart.status === 'rejected' ? temporalStart.reason : (postgresStart as PromiseRejectedResult).reason;
  }
  let temporal: DevServer | undefined = temporalStart.value;
  let postgres: PostgresProcess | undefined = postgresStart.value;
  return {
    temporalAddress: temporal.address,
    databaseUrl: postgres.url,
    async restartTemporal(downMs) {
      await temporal?.stop();
      temporal = undefined;
      await pause(downMs);
      temporal = await startTemporalDevServer(temporalOptions);
    },
    async restartPostgres(downMs) {
      await postgres?.stop();
      postgres = undefined;
      await pause(downMs);
      postgres = await startPostgresProcess(pgDir, pgPort);
    },
    async stop() {
      await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
