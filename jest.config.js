// Two projects: `unit` needs nothing but Node (emulators run in-process over real HTTP);
// `integration` (*.int.test.ts) gets a real Temporal dev server and PostgreSQL from its global setup,
// which Jest runs only when at least one integration test is selected.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/test/convergence/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
      testPathIgnorePatterns: process.env.CALSYNC_CHAOS === 'long' ? [] : ['/test/convergence/.*\\.long\\.'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
