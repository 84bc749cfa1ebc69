// Three projects: unit (mocked SDK), contract (conventions over every unit), integration (moto_server).
// `npm test` runs unit and contract in parallel, then integration in band: every integration file resets the
// one moto_server that test/integration/global-setup.ts starts, so two files must never run at once.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads testTimeout only at the top level, not per project; the integration tests talk to moto_server.
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/helpers/setup-unit.ts'],
      testEnvironment: 'node',
    },
    {
      displayName: 'contract',
      testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
      transform,
      // org-scale.test.ts runs the snapshot builder and the membership guard: quiet their logs.
      setupFiles: ['<rootDir>/test/helpers/setup-quiet.ts'],
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFiles: ['<rootDir>/test/helpers/setup-quiet.ts'],
      testEnvironment: 'node',
    },
  ],
};
