import fc from 'fast-check';
import { type Command, commandsArbitrary, ConvergenceRun, describeCommand } from './convergence-model';
import { type SyncStack, startSyncStack } from './sync-stack';

export interface SuiteProfile {
  numRuns: number;
  maxCommands: number;
  /** Overall budget; fast-check stops (and still reports the best counter-example) after it. */
  timeLimitMs: number;
  settleTimeoutMs: number;
  /** A fixed seed (the short profile in `npm test` is a reproducible regression run). */
  seed?: number;
}

/** Settings from the environment: replay a failure with its seed (and path), or add series actions. */
export function envOverrides(profile: SuiteProfile) {
  const seed = process.env.CALSYNC_CONVERGENCE_SEED;
  return {
    ...profile,
    numRuns: Number(process.env.CALSYNC_CONVERGENCE_RUNS ?? profile.numRuns),
    seed: seed === undefined ? profile.seed : Number(seed),
    path: process.env.CALSYNC_CONVERGENCE_PATH,
    series: process.env.CALSYNC_CONVERGENCE_SERIES === '1',
  };
}

/**
 * One stack for the whole property (own database and task queue, shared Temporal and PostgreSQL);
 * every sequence tags its items with its own run number, so sequences do not see each other's items.
 */
export async function startConvergenceStack(): Promise<{
  stack: SyncStack;
  holder: { worker: Awaited<ReturnType<SyncStack['startWorker']>> };
}> {
  const stack = await startSyncStack();
  const worker = await stack.startWorker();
  await stack.startUserSync({ pollIntervalMs: 400, tenantPollIntervalMs: 400 });
  return { stack, holder: { worker } };
}

export async function runConvergence(
  stack: SyncStack,
  holder: { worker: Awaited<ReturnType<SyncStack['startWorker']>> },
  profile: SuiteProfile
): Promise<void> {
  const settings = envOverrides(profile);
  const property = fc.asyncProperty(
    commandsArbitrary({ series: settings.series, maxCommands: settings.maxCommands }),
    async (commands: Command[]) => {
      const run = new ConvergenceRun(stack, holder.worker, {
        settleTimeoutMs: settings.settleTimeoutMs,
        findTimeoutMs: 30_000,
      });
      run.clearFaults();
      const started = Date.now();
      try {
        for (const cmd of commands) await run.execute(cmd);
        await run.finish();
      } finally {
        holder.worker = run.worker;
        process.stderr.write(
          `[convergence] run ${run.run}: ${commands.length} commands in ${Date.now() - started} ms: ${commands.map(describeCommand).join(' ')}\n`
        );
      }
    }
  );
  const details = await fc.check(property, {
    numRuns: settings.numRuns,
    seed: settings.seed,
    path: settings.path,
    // A run cut by the time limit would lose its outcome: count it as a failure, never as a pass.
    interruptAfterTimeLimit: settings.timeLimitMs,
    markInterruptAsFailure: true,
    verbose: fc.VerbosityLevel.Verbose,
  });
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const report = `${fc.defaultReportMessage(details) ?? 'property failed'}\nfailure of the counter-example:\n${cause}`;
    const replay = `replay: CALSYNC_CONVERGENCE_SEED=${details.seed} CALSYNC_CONVERGENCE_PATH=${details.counterexamplePath ?? ''} npx tsx scripts/test.ts test/convergence`;
    process.stderr.write(`\n[convergence] FAILED\n${report}\n${replay}\n`);
    throw new Error(`${report}\n${replay}`);
  }
  process.stderr.write(
    `[convergence] ${details.numRuns} sequences passed (seed ${details.seed}${details.interrupted ? ', interrupted by the time limit' : ''})\n`
  );
}
