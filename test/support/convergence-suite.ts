import fc from 'fast-check';
import {
  type Command,
  commandsArbitrary,
  ConvergenceRun,
  describeCommand,
  type FaultKind,
  startWatchedWorker,
} from './convergence-model';
import { type RestartableServers, startRestartableServers } from './restartable-servers';
import { type SyncStack, startSyncStack } from './sync-stack';

export interface SuiteProfile {
  /** The test file of this profile and whether it runs under `--chaos`: a failure's replay line names them. */
  file: string;
  chaos: boolean;
  numRuns: number;
  maxCommands: number;
  /** Overall budget; fast-check stops (and still reports the best counter-example) after it. */
  timeLimitMs: number;
  settleTimeoutMs: number;
  /** A fixed seed (the short profile in `npm test` is a reproducible regression run). */
  seed?: number;
  /**
   * Temporal dev-server and PostgreSQL restarts among the faults. The suite then runs a Temporal
   * server and a PostgreSQL of its own, since the shared ones serve the other test files meanwhile.
   */
  restartFaults: boolean;
  /** Faults every sequence has once, wherever the generator puts them (the short profile's guarantee). */
  inEverySequence?: FaultKind[];
  /**
   * Users keep a Graph subscription (the admin API's webhook receives the emulator's change
   * notifications), and dropped, duplicated and reordered notifications are among the faults.
   */
  webhooks?: boolean;
}

const RESTARTS: FaultKind[] = ['temporal-restart', 'postgres-restart'];

/**
 * Settings from the environment: replay a failure with its seed (and path), change the number of
 * sequences or the time they may take (CALSYNC_CONVERGENCE_TIME_LIMIT_MS), add series actions, or turn restart faults off (CALSYNC_CONVERGENCE_RESTARTS=0: a seed
 * found before they existed generates its old sequences again).
 */
export function envOverrides(profile: SuiteProfile) {
  const seed = process.env.CALSYNC_CONVERGENCE_SEED;
  const restartsEnv = process.env.CALSYNC_CONVERGENCE_RESTARTS;
  const restarts = restartsEnv === undefined ? profile.restartFaults : restartsEnv !== '0';
  const webhooksEnv = process.env.CALSYNC_CONVERGENCE_WEBHOOKS;
  const webhooks = webhooksEnv === undefined ? (profile.webhooks ?? false) : webhooksEnv !== '0';
  return {
    ...profile,
    numRuns: Number(process.env.CALSYNC_CONVERGENCE_RUNS ?? profile.numRuns),
    // CI gives the long profile what its time budget allows; the sequences run so far still count.
    timeLimitMs: Number(process.env.CALSYNC_CONVERGENCE_TIME_LIMIT_MS ?? profile.timeLimitMs),
    seed: seed === undefined ? profile.seed : Number(seed),
    path: process.env.CALSYNC_CONVERGENCE_PATH,
    series: process.env.CALSYNC_CONVERGENCE_SERIES === '1',
    restarts,
    webhooks,
    inEverySequence: (profile.inEverySequence ?? []).filter((kind) => restarts || !RESTARTS.includes(kind)),
  };
}

type WorkerEntry = Awaited<ReturnType<SyncStack['startWorker']>>;

export interface ConvergenceStack {
  stack: SyncStack;
  holder: { worker: WorkerEntry };
  /** The suite's own Temporal and PostgreSQL, when the profile restarts them. */
  servers?: RestartableServers;
  close(): Promise<void>;
}

/**
 * One stack for the whole property (own database and task queue; with restart faults also its own
 * Temporal server and PostgreSQL); every sequence tags its items with its own run number, so
 * sequences do not see each other's items.
 */
export async function startConvergenceStack(profile: SuiteProfile): Promise<ConvergenceStack> {
  const settings = envOverrides(profile);
  const servers = settings.restarts
    ? await startRestartableServers((line) => process.stderr.write(`[convergence servers] ${line}\n`))
    : undefined;
  try {
    const stack = await startSyncStack({
      ...(servers ? { temporalAddress: servers.temporalAddress, databaseUrl: servers.databaseUrl } : {}),
      webhooks: settings.webhooks,
    });
    const worker = await startWatchedWorker(stack);
    // Deletions in NetSuite and Autotask are found by the tenant pollers' scans (10 minutes by
    // default): often enough here that a person's delete arrives within the settle timeout.
    // Subscribed, a user's fallback poll finds what a dropped notification did not say.
    await stack.startUserSync({
      pollIntervalMs: 400,
      tenantPollIntervalMs: 400,
      deletionScanIntervalMs: 2000,
      ...(settings.webhooks ? { subscribedPollIntervalMs: 3000 } : {}),
    });
    return {
      stack,
      holder: { worker },
      servers,
      async close() {
        try {
          await stack.close();
        } finally {
          await servers?.stop();
        }
      },
    };
  } catch (err) {
    await servers?.stop();
    throw err;
  }
}

function replayCommand(settings: ReturnType<typeof envOverrides>, seed: number, path: string | undefined): string {
  const env = [
    `CALSYNC_CONVERGENCE_SEED=${seed}`,
    `CALSYNC_CONVERGENCE_PATH=${path ?? ''}`,
    ...(settings.restarts === settings.restartFaults
      ? []
      : [`CALSYNC_CONVERGENCE_RESTARTS=${settings.restarts ? 1 : 0}`]),
    ...(settings.series ? ['CALSYNC_CONVERGENCE_SERIES=1'] : []),
    `CALSYNC_CONVERGENCE_WEBHOOKS=${settings.webhooks ? 1 : 0}`,
  ];
  return `${env.join(' ')} npx tsx scripts/test.ts ${settings.chaos ? '--chaos ' : ''}${settings.file}`;
}

export async function runConvergence(ctx: ConvergenceStack, profile: SuiteProfile): Promise<void> {
  const settings = envOverrides(profile);
  const { stack, holder, servers } = ctx;
  // Chosen here rather than by fast-check, so that it is known before the end (a run cut short).
  const seed = settings.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  process.stderr.write(
    `[convergence] seed ${seed}, ${settings.numRuns} sequences of up to ${settings.maxCommands} actions, restart faults ${settings.restarts ? 'on' : 'off'}, webhooks ${settings.webhooks ? 'on' : 'off'}\n`
  );
  // Sequences before the first failure are the profile's runs; after it, fast-check is shrinking.
  const timing = { runs: 0, runMs: 0, shrinks: 0, shrinkMs: 0, failed: false };
  const property = fc.asyncProperty(
    commandsArbitrary({
      series: settings.series,
      maxCommands: settings.maxCommands,
      restarts: settings.restarts,
      webhooks: settings.webhooks,
      inEverySequence: settings.inEverySequence,
    }),
    async (commands: Command[]) => {
      const run = new ConvergenceRun(stack, holder.worker, {
        settleTimeoutMs: settings.settleTimeoutMs,
        findTimeoutMs: 30_000,
        servers,
      });
      run.clearFaults();
      const started = Date.now();
      let outcome = 'failed';
      try {
        for (const cmd of commands) await run.execute(cmd);
        await run.finish();
        outcome = 'ok';
      } catch (err) {
        // Shown as it happens: a long run cut short (or still shrinking) has lost nothing.
        const message = err instanceof Error ? err.message : String(err);
        outcome = `failed (${message.split('\n').slice(0, 60).join(' | ')})`;
        throw err;
      } finally {
        holder.worker = run.worker;
        const ms = Date.now() - started;
        // The failing sequence itself (120 s of waiting for convergence) is not a sequence's usual cost.
        if (timing.failed || outcome !== 'ok') {
          timing.shrinks += 1;
          timing.shrinkMs += ms;
        } else {
          timing.runs += 1;
          timing.runMs += ms;
        }
        if (outcome !== 'ok') timing.failed = true;
        process.stderr.write(
          `[convergence] run ${run.run} ${outcome}: ${commands.length} commands in ${ms} ms: ${commands.map(describeCommand).join(' ')}\n`
        );
      }
    }
  );
  const details = await fc.check(property, {
    numRuns: settings.numRuns,
    seed,
    path: settings.path,
    // A run cut by the time limit would lose its outcome: count it as a failure, never as a pass.
    interruptAfterTimeLimit: settings.timeLimitMs,
    markInterruptAsFailure: true,
    verbose: fc.VerbosityLevel.Verbose,
  });
  const perSequence = timing.runs ? (timing.runMs / timing.runs / 1000).toFixed(1) : '-';
  const timeLine =
    `${timing.runs} sequences in ${Math.round(timing.runMs / 1000)} s (${perSequence} s per sequence)` +
    (timing.shrinks
      ? `, then the failing one and ${timing.shrinks - 1} shrinking runs in ${Math.round(timing.shrinkMs / 1000)} s`
      : '');
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const shrunk = details.counterexample?.[0];
    const report = [
      fc.defaultReportMessage(details) ?? 'property failed',
      `seed: ${details.seed}, path: ${details.counterexamplePath ?? '(none: interrupted before a counter-example)'}`,
      ...(shrunk
        ? ['shrunk counter-example, one command a line:', ...shrunk.map((c) => `  ${describeCommand(c)}`)]
        : []),
      `failure of the counter-example:\n${cause}`,
      `replay: ${replayCommand(settings, details.seed, details.counterexamplePath ?? undefined)}`,
    ].join('\n');
    process.stderr.write(`\n[convergence] FAILED after ${timeLine}\n${report}\n`);
    throw new Error(report);
  }
  process.stderr.write(
    `[convergence] ${details.numRuns} sequences passed (seed ${details.seed}${details.interrupted ? ', interrupted by the time limit' : ''}; restart faults ${settings.restarts ? 'on' : 'off'}): ${timeLine}\n`
  );
}
