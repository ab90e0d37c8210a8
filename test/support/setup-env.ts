import type * as FastCheck from 'fast-check';
// Keep test output readable: structured logs only when asked for.
process.env.LOG_LEVEL ??= 'warn';

// Property tests explore new inputs on every local run; in CI they replay a fixed seed (unless
// FC_SEED names another), so a landing is never decided by a rare draw. A failure prints its seed.
if (process.env.CI || process.env.FC_SEED) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fc = require('fast-check') as typeof FastCheck;
  fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });
}
