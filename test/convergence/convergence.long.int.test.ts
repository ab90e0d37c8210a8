import {
  type ConvergenceStack,
  runConvergence,
  startConvergenceStack,
  type SuiteProfile,
} from '../support/convergence-suite';

/**
 * Long profile (`npm run test:chaos`, CALSYNC_CHAOS=long): at least 200 random sequences, longer
 * ones, on one stack with its own Temporal server and PostgreSQL, which the faults restart. Set
 * CALSYNC_CONVERGENCE_RUNS to change the count, CALSYNC_CONVERGENCE_SEED (and _PATH) to replay a
 * failure, CALSYNC_CONVERGENCE_SERIES=1 to add series actions, CALSYNC_CONVERGENCE_RESTARTS=0 to
 * generate without restart faults (as seeds found before they existed need). Users keep Graph
 * subscriptions, and dropped, duplicated and reordered notifications are among the faults
 * (CALSYNC_CONVERGENCE_WEBHOOKS=0: without them, as seeds found before they existed need).
 */
const profile: SuiteProfile = {
  file: 'test/convergence/convergence.long.int.test.ts',
  chaos: true,
  numRuns: 200,
  maxCommands: 12,
  timeLimitMs: 3 * 3600_000,
  settleTimeoutMs: 120_000,
  restartFaults: true,
  webhooks: true,
};

describe('convergence under faults (long profile)', () => {
  let ctx: ConvergenceStack | undefined;
  beforeAll(async () => {
    ctx = await startConvergenceStack(profile);
  }, 120_000);
  afterAll(async () => ctx?.close(), 60_000);

  it(
    'converges after 200 random sequences of actions and faults, Temporal and PostgreSQL restarts among them',
    async () => {
      await runConvergence(ctx!, profile);
    },
    4 * 3600_000
  );
});
