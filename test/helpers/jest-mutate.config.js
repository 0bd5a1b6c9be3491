/**
 * Jest config for `npm run mutate` (Stryker): the `unit` project of jest.config.js, flattened to one project.
 * Stryker's jest runner hands Jest its config as an object, and Jest only accepts `projects` from a config file;
 * Stryker's own overrides (the coverage-tracking test environment) are also applied at the top level only.
 * The integration project is left out: its globalSetup starts embedded Postgres and s3rver, and Jest runs
 * globalSetup on every runCLI call, i.e. once per mutant.
 */
const path = require('node:path');
const base = require('../../jest.config.js'); // also points TMPDIR at .build/tmp
const { displayName: _name, ...unit } = base.projects.find((p) => p.displayName === 'unit');

/**
 * MUTATE_TESTS=<path>[,<path>...] limits the run to those test files (a file's own unit tests), e.g.
 *   MUTATE_TESTS=test/unit/dms/sqlserver-mode.test.ts npm run mutate -- --mutate modules/dms-migration/sqlserver-mode.ts
 * On the shared 2-core machine a mutant covered by a synth test (a stack test, a construct test) costs a Jest start
 * with cdktf and the provider loaded; limited to the unit tests a file takes minutes instead of hours. Mutants that
 * only other tests reach then count as "no coverage": say so beside the score (docs/mutation-scores.md).
 */
const only = (process.env.MUTATE_TESTS ?? '').split(',').map((p) => p.trim()).filter(Boolean);

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  rootDir: path.resolve(__dirname, '../..'),
  cacheDirectory: '<rootDir>/.build/jest-cache-mutate',
  ...(only.length ? { testMatch: only.map((p) => `<rootDir>/${p}`) } : {}),
};
