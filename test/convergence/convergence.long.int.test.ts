import { runConvergence, startConvergenceStack } from '../support/convergence-suite';
import type { SyncStack } from '../support/sync-stack';

/**
 * Long profile (`npm run test:chaos`, CALSYNC_CHAOS=long): at least 200 random sequences, longer
 * ones, on one stack. Set CALSYNC_CONVERGENCE_RUNS to change the count, CALSYNC_CONVERGENCE_SEED
 * (and _PATH) to replay a failure, CALSYNC_CONVERGENCE_SERIES=1 to add series actions.
 */
describe('convergence under faults (long profile)', () => {
  let ctx: Awaited<ReturnType<typeof startConvergenceStack>> | undefined;
  let stack: SyncStack;
  beforeAll(async () => {
    ctx = await startConvergenceStack();
    stack = ctx.stack;
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  it(
    'converges after 200 random sequences of actions and faults',
    async () => {
      await runConvergence(stack, ctx!.holder, {
        numRuns: 200,
        maxCommands: 12,
        timeLimitMs: 3 * 3600_000,
        settleTimeoutMs: 120_000,
      });
    },
    4 * 3600_000
  );
});
