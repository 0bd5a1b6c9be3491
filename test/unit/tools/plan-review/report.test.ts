import * as fs from 'node:fs';
import { checkStack } from '../../../../tools/policy-check/engine';
import { END, README, sampleReport, START } from '../../../../tools/plan-review/sample';
import { diffStack } from '../../../../tools/plan-review/diff';
import { cell, renderStackReport, renderSummary } from '../../../../tools/plan-review/report';
import { fixture, fixtureIndex } from './helpers';

describe('Markdown report', () => {
  // Built in each test rather than while Jest collects them, so Stryker maps each mutant to the tests that cover it.
  let policy: ReturnType<typeof checkStack>;
  let diff: ReturnType<typeof diffStack>;
  let report: string;
  beforeEach(() => {
    policy = checkStack('shop-staging', fixture('head'));
    diff = diffStack('shop-staging', fixture('base'), fixture('head'));
    report = renderStackReport({ name: 'shop-staging', index: fixtureIndex('head'), policy, diff, baseRef: 'main (0123456789)' });
  });

  test('has the sections in review order', () => {
    const headings = report.split('\n').filter((l) => /^##? /.test(l));
    expect(headings).toEqual([
      '# Plan review: shop-staging',
      '## Changes since `main (0123456789)`',
      '## Security posture',
      '## Resources by type',
      '## Data flows',
      '## Diagram',
    ]);
  });

  test('puts stateful replacements and moves in a GitHub caution alert; a renamed DB instance is an in-place change', () => {
    expect(report).toContain('> [!CAUTION]\n> **MOVED stateful aws_s3_bucket.raw -> aws_s3_bucket.landing**: the address changed');
    expect(report).toContain('#### `aws_db_instance.db`\n');
    expect(report).not.toContain('REPLACEMENT of stateful aws_db_instance.db');
    expect(report).toContain('**8 to add, 4 to change, 7 to destroy.**');
    // The same head with the database's encryption switched: a replacement (storage_encrypted forces a new instance).
    const head = JSON.parse(JSON.stringify(fixture('head')));
    const db = head.resource.aws_db_instance.db;
    db.storage_encrypted = !db.storage_encrypted;
    const replaced = renderStackReport({ name: 'shop-staging', index: fixtureIndex('head'), policy, diff: diffStack('shop-staging', fixture('base'), head), baseRef: 'main (0123456789)' });
    expect(replaced).toContain('> [!CAUTION]\n> **REPLACEMENT of stateful aws_db_instance.db**: changing storage_encrypted makes Terraform destroy it');
    expect(replaced).toContain('#### `aws_db_instance.db` — **replaced** (forced by `storage_encrypted`)');
  });

  test('shows waivers added in the change as warnings, with their reason', () => {
    expect(report).toContain(
      '> [!WARNING]\n> **Policy waiver added or changed**: `LOGGROUP-RETENTION:aws_cloudwatch_log_group.audit` — The audit trail is kept indefinitely by regulation',
    );
    expect(report).toContain('### Stack settings (provider, state backend, locals)');
  });

  test('lists policy violations with the fix, and waived findings with the reason', () => {
    expect(report).toContain('| LAMBDA-TRACING | `aws_lambda_function.loader` | tracing_config.mode is "PassThrough"; must be "Active" | set tracing_config { mode = "Active" } |');
    expect(report).toMatch(/\| SECRETS-ROTATION \| `aws_secretsmanager_secret.source` \| .* \| The on-premises SQL Server login is rotated by the DBA team/);
    expect(report).toContain('❌ **fails** the policy check: 1 violation(s), 2 waived');
  });

  test('counts resources by type with their change', () => {
    expect(report).toContain('| aws_s3_bucket | 1 | +1 -1 |');
    expect(report).toContain('| aws_db_instance | 1 | ~1 |');
  });

  test('embeds the diagram in a mermaid fence and the flows in a table', () => {
    expect(report).toMatch(/```mermaid\nflowchart LR\n[\s\S]*\n```/);
    expect(report).toContain('| shop-staging-raw (s3_bucket) | shop-staging-loader (lambda_function) | notifies incoming/ *.csv | `aws_s3_bucket_notification.landing_events` |');
  });

  test('without a base, there is no change section', () => {
    const plain = renderStackReport({ name: 'shop-staging', index: fixtureIndex('base'), policy: checkStack('shop-staging', fixture('base')) });
    expect(plain).not.toContain('## Changes');
    expect(plain).toContain('✅ **passes** the policy check: 0 violation(s), 1 waived');
  });

  test('the summary links every stack report and repeats the warnings', () => {
    const summary = renderSummary([{ name: 'shop-staging', policy, diff, resources: 34 }], 'main');
    expect(summary).toContain('| [shop-staging](shop-staging.md) | non-production | 34 | ❌ 1 violation(s) | 8 | 4 | 7 |');
    expect(summary).toContain('> shop-staging: MOVED stateful aws_s3_bucket.raw -> aws_s3_bucket.landing');
  });

  test('table cells escape pipes and newlines', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
  });
});

describe('README sample report', () => {
  test('is the renderer output for the fixtures (run `npx tsx tools/plan-review/sample.ts` after changing the report)', () => {
    const text = fs.readFileSync(README, 'utf8');
    const block = text.slice(text.indexOf(START) + START.length, text.indexOf(END)).trim();
    expect(block).toBe(sampleReport());
  });
});
