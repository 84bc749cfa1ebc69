// Three projects: unit (mocked SDK), contract (conventions over every unit), integration (moto_server).
// `npm test` runs all three; the integration project starts moto_server itself (test/integration/global-setup.ts).
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };

/** @type {import('jest').Config} */
module.exports = {
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
      testTimeout: 60000,
    },
  ],
};
