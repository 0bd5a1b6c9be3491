import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack, failureCount, formatFinding, formatResults } from '../../../../tools/policy-check/engine';
import { RULES } from '../../../../tools/policy-check/rules';
import { StackIndex } from '../../../../tools/policy-check/tf';
import { stackJson } from './helpers';

const REPO = path.resolve(__dirname, '../../../..');
const FIXTURES = path.join(REPO, 'test/fixtures/plan-review');

/** Two log groups without retention: two LOGGROUP-RETENTION violations. */
const resources = { aws_cloudwatch_log_group: { a: { name: '/a' }, b: { name: '/b' } } };

describe('policy-check engine', () => {
  test('every rule has a unique id, a summary and resource types', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(48);
    for (const r of RULES) {
      expect(r.summary.length).toBeGreaterThan(5);
      expect(r.types.length).toBeGreaterThan(0);
    }
  });

  test('reports each violation with rule, stack, address, message and fix', () => {
    const result = checkStack('demo-staging', stackJson(resources));
    expect(result.findings.map((f) => f.address)).toEqual(['aws_cloudwatch_log_group.a', 'aws_cloudwatch_log_group.b']);
    expect(formatFinding(result.findings[0])).toBe(
      'LOGGROUP-RETENTION  demo-staging  aws_cloudwatch_log_group.a  retention_in_days is absent (logs kept forever) -> set retention_in_days (30 in staging, 365 in production)',
    );
    expect(failureCount([result])).toBe(2);
    expect(formatResults([result])).toMatch(/policy-check: 1 stack\(s\), 2 resource\(s\), 2 violation\(s\), 0 waived, 0 waiver error\(s\) -> FAIL$/);
  });

  test('a stack-wide waiver reports the violations as waived, with the reason', () => {
    const result = checkStack('demo-staging', stackJson(resources, { waivers: { 'LOGGROUP-RETENTION': 'Audit logs are kept forever by regulation (SOX 404).' } }));
    expect(result.findings.every((f) => f.waived === 'Audit logs are kept forever by regulation (SOX 404).')).toBe(true);
    expect(failureCount([result])).toBe(0);
    expect(formatResults([result])).toMatch(/^WAIVED LOGGROUP-RETENTION  demo-staging  aws_cloudwatch_log_group.a .* \[waiver: Audit logs are kept forever/m);
    expect(formatResults([result])).toMatch(/0 violation\(s\), 2 waived, 0 waiver error\(s\) -> OK$/);
  });

  test('a per-resource waiver covers only that resource', () => {
    const result = checkStack('demo-staging', stackJson(resources, { waivers: { 'LOGGROUP-RETENTION:aws_cloudwatch_log_group.a': 'This group is exported to the SIEM and pruned there.' } }));
    expect(result.findings.map((f) => [f.address, Boolean(f.waived)])).toEqual([
      ['aws_cloudwatch_log_group.a', true],
      ['aws_cloudwatch_log_group.b', false],
    ]);
    expect(failureCount([result])).toBe(1);
  });

  test.each([
    [{ '*': 'waive everything for the demo, please' }, /waiver "\*": unknown rule id "\*" \(waivers name one rule of POLICY_RULES.md; there are no global waivers\)/],
    [{ 'NO-SUCH-RULE': 'a reason that is long enough' }, /unknown rule id "NO-SUCH-RULE"/],
    [{ 'LOGGROUP-RETENTION': 'ok' }, /waiver "LOGGROUP-RETENTION": the reason must say why, in at least a sentence \(got "ok"\)/],
    [{ 'LOGGROUP-RETENTION:aws_cloudwatch_log_group.zzz': 'a reason that is long enough' }, /no resource aws_cloudwatch_log_group.zzz in stack demo-staging/],
  ])('fails when a waiver is invalid: %j', (waivers, message) => {
    const result = checkStack('demo-staging', stackJson(resources, { waivers }));
    expect(result.waiverErrors.join('\n')).toMatch(message);
    // An invalid waiver waives nothing.
    expect(result.findings.filter((f) => f.waived)).toEqual([]);
    expect(formatResults([result])).toMatch(/WAIVER-ERROR  demo-staging  /);
  });

  test('fails when policy_waivers is not an object', () => {
    const json = { ...stackJson(resources), locals: { policy_waivers: ['LOGGROUP-RETENTION'] } };
    expect(checkStack('s', json).waiverErrors).toEqual(['policy_waivers must be an object { "RULE-ID": "reason" }']);
  });

  test('notes waivers that matched nothing', () => {
    const result = checkStack('demo-staging', stackJson({}, { waivers: { 'RDS-HA': 'Single-AZ is enough for the reporting replica.' } }));
    expect(result.unusedWaivers).toEqual(['RDS-HA']);
    expect(formatResults([result])).toMatch(/note: demo-staging: waiver "RDS-HA" matched no violation; remove it/);
    expect(failureCount([result])).toBe(0);
  });

  test.each([
    ['billing-prod', 'staging', true],
    ['billing-production', 'staging', true],
    ['billing', 'prod', true],
    ['billing', 'Production', true],
    ['billing-staging', 'staging', false],
    ['products-staging', 'preprod-like', false],
  ])('stack %s with environment tag %s is production: %s', (name, environment, production) => {
    expect(new StackIndex(name, stackJson({}, { environment })).production).toBe(production);
  });

  test('production-only rules are tallied as skipped outside production', () => {
    const result = checkStack('demo-staging', stackJson({ aws_db_instance: { db: { multi_az: false } } }));
    expect(result.tallies.find((t) => t.rule === 'RDS-HA')).toMatchObject({ skipped: true, checked: 0 });
    expect(result.findings.some((f) => f.rule === 'RDS-HA')).toBe(false);
  });
});

describe('npm run check (cli)', () => {
  const run = (...args: string[]) =>
    spawnSync(path.join(REPO, 'node_modules/.bin/tsx'), [path.join(REPO, 'tools/policy-check/cli.ts'), ...args], { cwd: REPO, encoding: 'utf8' });

  test('exits 0 on a clean synth output and prints waived findings', () => {
    const r = run('--dir', path.join(FIXTURES, 'base'));
    expect(r.stdout).toMatch(/WAIVED SECRETS-ROTATION  shop-staging  aws_secretsmanager_secret.source/);
    expect(r.stdout).toMatch(/1 stack\(s\), 33 resource\(s\), 0 violation\(s\), 1 waived, 0 waiver error\(s\) -> OK/);
    expect(r.status).toBe(0);
  });

  test('exits 1 on a violation', () => {
    const r = run('--dir', path.join(FIXTURES, 'head'));
    expect(r.stdout).toMatch(/^LAMBDA-TRACING  shop-staging  aws_lambda_function.loader  tracing_config.mode is "PassThrough"; must be "Active"/m);
    expect(r.stdout).toMatch(/^WAIVED LOGGROUP-RETENTION  shop-staging  aws_cloudwatch_log_group.audit /m);
    expect(r.status).toBe(1);
  });

  test('exits 2 and says to synthesize when there are no stacks', () => {
    const empty = fs.mkdtempSync(path.join(REPO, '.build', 'tmp', 'no-stacks-'));
    const r = run('--dir', empty);
    expect(r.stderr).toMatch(/no stacks in .*\/stacks\/\*\/cdk.tf.json. Run `npm run synth` first./);
    expect(r.status).toBe(2);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
