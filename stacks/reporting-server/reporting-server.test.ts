import { describeProjectBasics, list, synthProject } from '../../test/helpers/example-project';
import { checkStack } from '../../tools/policy-check/engine';
import { App, Testing } from '../../modules/core';
import { CONFIG } from './config';
import { register } from './index';
import { reviewDataFlows } from '../../test/helpers/review-flows';
import { ReportingServerStack } from './stack';

const stacks = synthProject(register);

describe('example project reporting-server', () => {
  describeProjectBasics('reporting-server', stacks);

  test('production runs a multi-AZ replication instance', () => {
    const prod = stacks.get('reporting-server-production')!;
    expect(list(prod, 'aws_dms_replication_instance').map((i) => i.multi_az)).toEqual([true]);
  });

  test('outputs carry handles, never secret values', () => {
    for (const out of stacks.values()) {
      const text = JSON.stringify(out.output);
      expect(text).not.toMatch(/"password"\s*:\s*"(?!<password>)/);
      expect(Object.keys(out.output)).toContain('replication_task_arn');
    }
  });
});

describe('reporting-server specifics', () => {
  const out = stacks.get('reporting-server-production')!;

  test('the target database is alarmed on the DMS topic, by instance identifier', () => {
    const topic = list(out, 'aws_cloudwatch_metric_alarm').find((a) => a.namespace === 'AWS/DMS')!.alarm_actions[0];
    const db = list(out, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/RDS');
    expect(db.map((a) => a.metric_name).sort()).toEqual(['CPUUtilization', 'DatabaseConnections', 'FreeStorageSpace', 'FreeableMemory', 'MaximumUsedTransactionIDs']);
    for (const a of db) expect(a).toMatchObject({ alarm_actions: [topic], dimensions: { DBInstanceIdentifier: list(out, 'aws_db_instance')[0].identifier } });
  });

  test('a full-load task reloaded daily by the scheduler', () => {
    expect(list(out, 'aws_dms_replication_task')[0]).toMatchObject({ migration_type: 'full-load', start_replication_task: false });
    expect(list(out, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(30 6 * * ? *)', schedule_expression_timezone: 'Europe/London' });
    expect(list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!.extra_connection_attributes).toBeUndefined();
  });
});

describe('reporting-server day two: a major upgrade of the target (modules/private-postgres README, "Major version upgrade")', () => {
  const variant = (database: NonNullable<(typeof CONFIG.production.target)['database']>) => {
    const app: App = Testing.app();
    const stack = new ReportingServerStack(app, 'reporting-server-production', { ...CONFIG.production, target: { ...CONFIG.production.target, database } });
    return JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
  };

  test('16 -> 17: the instance may change major and moves to a postgres17 parameter group', () => {
    const out = variant({ engineVersion: '17', previousEngineVersion: '16', allowMajorVersionUpgrade: true });
    const instance = Object.values(out.resource.aws_db_instance)[0];
    expect(instance).toMatchObject({ engine_version: '17', allow_major_version_upgrade: true });
    expect(Object.values(out.resource.aws_db_parameter_group)[0].family).toBe('postgres17');
  });

  test('the upgrade without the flag fails at synth', () => {
    expect(() => variant({ engineVersion: '17', previousEngineVersion: '16' })).toThrow(/set allowMajorVersionUpgrade: true/);
  });

  test('rollback of a failed reload: the target restored from the pre-reload snapshot as a new database, DMS writing to it, policy clean', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-west-2:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666';
    const out = variant({ component: 'db-restored', restoreFrom: { snapshotIdentifier: 'reports-prod-db-before-reload', kmsKeyArn } });
    const instance = Object.values(out.resource.aws_db_instance)[0];
    expect(instance).toMatchObject({ identifier: 'reports-prod-db-restored', snapshot_identifier: 'reports-prod-db-before-reload', kms_key_id: kmsKeyArn, deletion_protection: true });
    const target = Object.values(out.resource.aws_dms_endpoint).find((e) => e.endpoint_type === 'target')!;
    // DMS logs in with the restored database's app-user secret (its host is the restored instance's address).
    const [secretId] = Object.entries(out.resource.aws_secretsmanager_secret).find(([, v]) => v.name === 'reports-prod-db-restored/dms_writer')!;
    expect(target.secrets_manager_arn).toBe(`\${aws_secretsmanager_secret.${secretId}.arn}`);
    const result = checkStack('reporting-server-production', out as any);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('reporting-server review data flows (plan-review)', () => {
  test('a scheduled DMS full load: schedule -> runner Lambda, and its dead-letter queue', () => {
    expect(reviewDataFlows(register, 'reporting-server-staging')).toEqual(
      expect.arrayContaining([
        'reports-staging-reports-runner -> reports-staging-reports-runner: triggers cron(30 6 * * ? *)',
        'reports-staging-reports-runner -> reports-staging-reports-runner-dlq: dead letters',
      ]),
    );
  });
});
