/** Jest runs the TypeScript sources directly; `npm test` type-checks the whole tree first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/network-guard.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
