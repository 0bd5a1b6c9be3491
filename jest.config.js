/**
 * Two projects: `unit` (synth assertions, no services) and `integration` (real Postgres + S3 API).
 * Each project under stacks/ keeps its own test beside it (stacks/<project>/<project>.test.ts, part of `unit`; a test
 * against real services is stacks/<project>/<project>.integration.test.ts, part of `integration`), so deleting a
 * project deletes its tests and nothing else.
 */
const fs = require('node:fs');
const path = require('node:path');

// cdktf's Testing leaves an outdir per synth under os.tmpdir(): keep them in the project (workers inherit this).
const tmp = path.join(__dirname, '.build', 'tmp');
fs.mkdirSync(tmp, { recursive: true });
process.env.TMPDIR = tmp;
// Transpile only (tsconfig has isolatedModules): type errors are caught once by `tsc --noEmit` in `npm test`.
const tsJest = ['ts-jest', { diagnostics: false }];
/** @type {import('jest').Config} */
module.exports = {
  cacheDirectory: '<rootDir>/.build/jest-cache',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit', '<rootDir>/stacks'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.test\\.ts$'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/helpers/setup-unit.ts'],
      globalSetup: '<rootDir>/test/helpers/unit-global-setup.mjs',
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration', '<rootDir>/stacks'],
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/stacks/**/*.integration.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs',
      testTimeout: 60000,
    },
  ],
};
