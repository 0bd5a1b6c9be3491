import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsMigration, DmsMigrationProps, DmsMonitoring, DmsServerlessReplication, DmsServerlessReplicationProps, PostgresTargetEndpoint, SqlServerSourceEndpoint, TableMappings } from '../../../modules/dms-migration';
import { checkStack } from '../../../tools/policy-check/engine';
import { all, network, newStack, one, PG_SECRET, synth, TARGET_NET } from './helpers';

/** A serverless replication config is validated as a task is (issue 14, item 7: same validation as an instance). */
function serverless(over: Partial<DmsServerlessReplicationProps> = {}, mode: 'ms-cdc' | 'full-load-only' = 'ms-cdc') {
  const stack = newStack();
  const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode, secret: PG_SECRET });
  const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
  new DmsServerlessReplication(stack, 'sls', {
    component: 'big',
    network,
    accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
    source,
    target,
    tableMappings: new TableMappings().include({ schema: 'dbo' }),
    ...over,
  });
  return stack;
}

describe('DmsServerlessReplication validation (as a task)', () => {
  test("a full-load-only SQL Server source defaults to 'full-load'", () => {
    expect(one(synth(serverless({}, 'full-load-only')), 'aws_dms_replication_config').replication_type).toBe('full-load');
  });

  test('fails when the SQL Server capture mode cannot serve the migration type', () => {
    expect(() => serverless({ migrationType: 'full-load' })).toThrow("migrationType 'full-load' with a 'ms-cdc' source leaves the change capture unused");
    expect(() => serverless({ migrationType: 'cdc' }, 'full-load-only')).toThrow("the SQL Server source is in 'full-load-only' mode");
  });

  test('raw settings are accepted and validated like a task\'s (read-only keys dropped; logging off refused)', () => {
    const raw = { Logging: { EnableLogging: true, CloudWatchLogGroup: 'x' }, ValidationSettings: { EnableValidation: true }, TargetMetadata: { SupportLobs: true, FullLobMode: true }, FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } };
    const cfg = one(synth(serverless({ settings: { raw } })), 'aws_dms_replication_config');
    expect(JSON.parse(cfg.replication_settings).Logging).toEqual({ EnableLogging: true });
    expect(() => serverless({ settings: { raw: { ...raw, Logging: { EnableLogging: false } } } })).toThrow(/logging/i);
  });

  test('fails with the construct path when raw mappings are not JSON', () => {
    expect(() => serverless({ tableMappings: '{ not json' })).toThrow(/test\/sls: tableMappings: /);
  });
});

describe('DmsMigration with compute: serverless (issue 14, item 7)', () => {
  function migration(over: Partial<DmsMigrationProps> = {}, production = false) {
    const stack = newStack(production);
    const m = new DmsMigration(stack, 'mig', {
      component: 'big',
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'sqlserver', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'ms-cdc', secret: PG_SECRET },
      target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET },
      tableMappings: new TableMappings().include({ schema: 'dbo' }),
      compute: { kind: 'serverless', minCapacityUnits: 2, maxCapacityUnits: 32 },
      ...over,
    });
    return { stack, m };
  }

  test('a replication config with the capacity range instead of an instance and a task', () => {
    const out = synth(migration().stack);
    const cfg = one(out, 'aws_dms_replication_config');
    expect(cfg.replication_type).toBe('full-load-and-cdc');
    expect(cfg.compute_config).toMatchObject({ min_capacity_units: 2, max_capacity_units: 32, multi_az: false });
    expect(all(out, 'aws_dms_replication_instance')).toHaveLength(0);
    expect(all(out, 'aws_dms_replication_task')).toHaveLength(0);
  });

  test('validated as a task: a bad capacity and a capture mode that cannot serve the type fail at synth', () => {
    expect(() => migration({ compute: { kind: 'serverless', minCapacityUnits: 3 } })).toThrow('minCapacityUnits 3 is not a DMS capacity');
    expect(() => migration({ migrationType: 'full-load' })).toThrow("migrationType 'full-load' with a 'ms-cdc' source leaves the change capture unused");
  });

  test('state changes go to the alert topic through an EventBridge rule on its replication config, and only that rule may publish', () => {
    const out = synth(migration().stack);
    const rule = one(out, 'aws_cloudwatch_event_rule');
    const cfgKey = Object.keys(out.resource.aws_dms_replication_config)[0];
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.dms'],
      'detail-type': ['DMS Replication State Change'],
      resources: [`\${aws_dms_replication_config.${cfgKey}.arn}`],
    });
    const topicKey = Object.keys(out.resource.aws_sns_topic)[0];
    const ruleKey = Object.keys(out.resource.aws_cloudwatch_event_rule)[0];
    expect(one(out, 'aws_cloudwatch_event_target')).toMatchObject({ rule: `\${aws_cloudwatch_event_rule.${ruleKey}.name}`, arn: `\${aws_sns_topic.${topicKey}.arn}` });
    const policy = JSON.parse(one(out, 'aws_sns_topic_policy').policy);
    expect(policy.Statement).toContainEqual({
      Sid: 'ServerlessReplicationEvents',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: `\${aws_sns_topic.${topicKey}.arn}`,
      Condition: { ArnEquals: { 'aws:SourceArn': [`\${aws_cloudwatch_event_rule.${ruleKey}.arn}`] } },
    });
    const keyPolicy = JSON.parse(all(out, 'aws_kms_key').find((k) => JSON.parse(k.policy).Statement.some((s: any) => s.Sid === 'PublishersUseTheKey'))!.policy);
    expect(keyPolicy.Statement.find((s: any) => s.Sid === 'PublishersUseTheKey').Principal.Service).toContain('events.amazonaws.com');
    // No instance/task alarms (no documented serverless dimension) and no DMS event subscription (instance/task source types only).
    expect(all(out, 'aws_cloudwatch_metric_alarm')).toHaveLength(0);
    expect(all(out, 'aws_dms_event_subscription')).toHaveLength(0);
  });

  test('passes the policy check', () => {
    const out = synth(migration({}, true).stack);
    expect(one(out, 'aws_dms_replication_config').compute_config.multi_az).toBe(true);
    expect(checkStack('test', out as any).findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('what needs an instance or a task is refused at synth, naming the option and why', () => {
    expect(() => migration({ schedule: { scheduleExpression: 'cron(30 6 * * ? *)' } as any })).toThrow('compute.kind "serverless": schedule re-runs a task with StartReplicationTask');
    expect(() => migration({ instance: { instanceClass: 'dms.r6i.large' } as any })).toThrow('compute.kind "serverless": replicationInstance and instance configure a replication instance');
    expect(() => migration({ resume: {} })).toThrow('compute.kind "serverless": resume runs the task resumer');
    expect(() => migration({ cdcStartPosition: '00000025:00000d98:0005' })).toThrow('start a serverless replication with `aws dms start-replication');
    expect(() => migration({ monitoring: { cdcLatencySeconds: 60 } })).toThrow('compute.kind "serverless": monitoring.cdcLatencySeconds set alarms on instance and task metrics');
    expect(() => migration({ monitoring: { applyExceptions: {} } })).toThrow('compute.kind "serverless": monitoring.applyExceptions');
  });

  test('migration.task and migration.instance name the serverless replication instead of returning nothing', () => {
    const { m } = migration();
    expect(() => m.task).toThrow('this migration is serverless (compute.kind "serverless"): it has no replication task; use migration.serverless.replicationConfigArn.');
    expect(() => m.instance).toThrow('it has no replication instance');
    expect(m.serverless).toBeInstanceOf(DmsServerlessReplication);
  });
});

describe('DmsMonitoring.watchServerless', () => {
  function replication() {
    const stack = newStack();
    const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'ms-cdc', secret: PG_SECRET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    const sls = new DmsServerlessReplication(stack, 'sls', { component: 'big', network, accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }), source, target, tableMappings: new TableMappings().include({ schema: 'dbo' }) });
    return { stack, sls };
  }

  test('fails when the topic created here was not opened to EventBridge', () => {
    const { stack, sls } = replication();
    expect(() => new DmsMonitoring(stack, 'mon').watchServerless(sls)).toThrow('watchServerless publishes through EventBridge: create DmsMonitoring with eventBridge: true');
  });

  test('with a topic of your own, the rule targets it and no topic policy is written here', () => {
    const { stack, sls } = replication();
    new DmsMonitoring(stack, 'mon', { topicArn: 'arn:aws:sns:eu-west-2:123456789012:oncall' }).watchServerless(sls);
    const out = synth(stack);
    expect(one(out, 'aws_cloudwatch_event_target').arn).toBe('arn:aws:sns:eu-west-2:123456789012:oncall');
    expect(all(out, 'aws_sns_topic_policy')).toHaveLength(0);
  });
});
