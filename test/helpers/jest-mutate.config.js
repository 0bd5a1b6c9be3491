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

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  rootDir: path.resolve(__dirname, '../..'),
  cacheDirectory: '<rootDir>/.build/jest-cache-mutate',
};
