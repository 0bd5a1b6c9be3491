// `npm run mutate`: StrykerJS over the code where a silent bug loses data or opens access (issue 19, section 1).
// A pre-release step, not CI: README.md "Mutation testing" has the command; docs/mutation-scores.md the last scores,
// the exact commands (one file at a time, MUTATE_TESTS=<its unit tests>, see test/helpers/jest-mutate.config.js), the
// run times and every surviving mutant with its reason.
// Runs the unit project only (test/helpers/jest-mutate.config.js says why); files whose only tests are the
// integration project's are listed at the end of this file, outside `mutate`, with the reason.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    // Lambda cores and adapters with unit tests
    'lambdas/dms-task-runner/config.ts',
    'lambdas/dms-task-runner/runner.ts',
    'lambdas/postgres-secret-rotation/adapters.ts',
    'lambdas/s3-to-postgres/{config,csv,errors,ledger,load,routes,table}.ts',
    'lambdas/shared/logger.ts',
    'lambdas/stream-to-postgres/{config,records,sql,store,table-config}.ts',
    // core: physical names, IAM documents and grants, buckets, security-group rules, Lambda packaging
    'modules/core/{naming,iam,bucket,connections,lambda}.ts',
    // DMS: the capture-mode picker and the task builders
    'modules/dms-migration/{sqlserver-mode,task-settings,table-mappings}.ts',
    // the project's own gates
    'tools/policy-check/rules/*.ts',
    'tools/plan-review/diff.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'test/helpers/jest-mutate.config.js',
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Two cores, shared with other work: one test runner, one checker.
  concurrency: 1,
  // Reuses the previous run's results for mutants whose code and covering tests did not change.
  incremental: true,
  incrementalFile: '.build/stryker-incremental.json',
  tempDirName: '.build/stryker-tmp',
  ignorePatterns: ['cdktf.out', 'review.out', 'coverage', '.terraform', '.build'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.build/mutation/index.html' },
  jsonReporter: { fileName: '.build/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 75, break: null },
  cleanTempDir: true,
};

// Not mutated: covered only by the integration project (real Postgres and S3 started in its globalSetup).
//   lambdas/neptune-bulk-load/{config,core,loader-client}.ts
//   lambdas/postgres-bootstrap/{plan,bootstrap}.ts
//   lambdas/postgres-secret-rotation/rotation.ts
//   lambdas/s3-to-postgres/{source,runtime}.ts
//   lambdas/shared/{db,s3}.ts
//   lambdas/stream-to-postgres/core.ts
