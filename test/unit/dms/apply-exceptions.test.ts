import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { APPLY_EXCEPTIONS_METRIC, DmsMigration, DmsMigrationProps, KIT_METRIC_NAMESPACE, TableMappings } from '../../../modules/dms-migration';
import { Connections, NetworkRef } from '../../../modules/core';
import { all, network, newStack, PG_SECRET, statements, synth, TARGET_NET } from './helpers';


function migration(over: Partial<DmsMigrationProps> = {}, net: NetworkRef = network) {
  const stack = newStack();
  // A target whose security group is known (as a PrivatePostgres gives), so the check can be admitted to it.
  const holder = { connections: new Connections(stack, { securityGroupId: 'sg-target', description: 'PostgreSQL target' }) };
  const m = new DmsMigration(stack, 'm', {
    component: 'billing',
    network: net,
    accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
    source: { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Billing', mode: 'ms-cdc' },
    target: { kind: 'postgres', serverName: 'db.internal', databaseName: 'app', secret: PG_SECRET, connections: holder },
    tableMappings: new TableMappings().include({ schema: 'dbo' }),
    settings: { controlSchema: 'billing' },
    ...over,
  });
  return { stack, m };
}

describe('DmsApplyExceptionsCheck (awsdms_apply_exceptions -> CloudWatch -> alarm topic)', () => {
  test('a scheduled Lambda in the VPC, reading the target through its secret, every 5 minutes with the scheduled time', () => {
    const { stack, m } = migration();
    const out = synth(stack);
    expect(m.applyExceptions).toBeDefined();
    const fn = all(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-billing-apply-exc')!;
    expect(fn.vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(fn.environment.variables).toMatchObject({
      DB_SECRET_ARN: PG_SECRET.secretArn,
      PGDATABASE: 'app',
      CONTROL_SCHEMA: 'billing',
      METRIC_NAMESPACE: KIT_METRIC_NAMESPACE,
      WINDOW_SECONDS: '300',
      TASK_RESOURCE_ID: expect.stringContaining('aws_dms_replication_task.'),
    });
    expect(JSON.stringify(fn.environment.variables)).not.toMatch(/password/i);
    const schedule = all(out, 'aws_scheduler_schedule').find((s) => s.name.includes('apply-exc'))!;
    expect(schedule).toMatchObject({ schedule_expression: 'rate(5 minutes)', flexible_time_window: { mode: 'OFF' } });
    expect(JSON.parse(schedule.target.input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(schedule.target.dead_letter_config.arn).toContain('aws_sqs_queue.');
    // Admitted to the target's security group on its port.
    const ingress = all(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-target' && /apply exceptions/.test(r.description));
    expect(ingress).toMatchObject({ from_port: 5432, to_port: 5432, referenced_security_group_id: expect.stringContaining('aws_security_group.') });
  });

  test('least privilege: PutMetricData only into the kit namespace (cloudwatch:namespace), the target secret only', () => {
    const { stack } = migration();
    const st = statements(synth(stack));
    const put = st.filter((s) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(put).toEqual([{ Sid: 'PublishKitMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': KIT_METRIC_NAMESPACE } } }]);
    const reads = st.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s) => s.Resource)).toContain(PG_SECRET.secretArn);
    expect(reads.every((s) => s.Resource !== '*')).toBe(true);
  });

  test('alarm on any exception in the period, to the migration topic (alarm and OK); the check\'s own errors alarm too', () => {
    const { stack } = migration({ monitoring: { applyExceptions: { periodMinutes: 10 } } });
    const out = synth(stack);
    const alarms = all(out, 'aws_cloudwatch_metric_alarm');
    const alarm = alarms.find((a) => a.metric_name === APPLY_EXCEPTIONS_METRIC)!;
    const [topicId] = Object.keys(out.resource.aws_sns_topic);
    expect(alarm).toMatchObject({
      namespace: KIT_METRIC_NAMESPACE,
      statistic: 'Sum',
      period: 600,
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      treat_missing_data: 'notBreaching',
      alarm_actions: [`\${aws_sns_topic.${topicId}.arn}`],
      ok_actions: [`\${aws_sns_topic.${topicId}.arn}`],
      dimensions: { ReplicationTaskIdentifier: expect.stringContaining('aws_dms_replication_task.') },
    });
    expect(alarms.find((a) => a.namespace === 'AWS/Lambda' && a.dimensions.FunctionName.includes('apply-exc'))).toBeDefined();
    expect(all(out, 'aws_scheduler_schedule').find((s) => s.name.includes('apply-exc'))!.schedule_expression).toBe('rate(10 minutes)');
  });

  test('not made for S3 targets, full-load tasks, applyExceptions: false, or a target whose security group is unknown', () => {
    expect(migration({ monitoring: { applyExceptions: false } }).m.applyExceptions).toBeUndefined();
    expect(migration({ target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET } }).m.applyExceptions).toBeUndefined();
    expect(migration({ source: { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'R', mode: 'full-load-only' } }).m.applyExceptions).toBeUndefined();
    const s3 = migration({ target: { kind: 's3', bucket: { bucketName: 'lake', bucketArn: 'arn:aws:s3:::lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/l' } }, settings: { validation: false } });
    expect(s3.m.applyExceptions).toBeUndefined();
  });

  test.each([
    ['an S3 target', { target: { kind: 's3' as const, bucket: { bucketName: 'lake', bucketArn: 'arn:aws:s3:::lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/l' } }, settings: { validation: false }, monitoring: { applyExceptions: {} } }, 'only database targets have the awsdms_apply_exceptions control table'],
    ['a full-load task', { source: { kind: 'sqlserver' as const, serverAddress: '10.1.2.3', databaseName: 'R', mode: 'full-load-only' as const }, monitoring: { applyExceptions: {} } }, 'set on a full-load task, which writes no control tables'],
    ['a target with no security group', { target: { kind: 'postgres' as const, serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET }, monitoring: { applyExceptions: {} } }, 'was given no security group (database or connections)'],
    ['a period above an hour', { monitoring: { applyExceptions: { periodMinutes: 90 } } }, 'periodMinutes'],
  ])('fails when asked for %s', (_name, over, message) => {
    expect(() => migration(over as Partial<DmsMigrationProps>)).toThrow(message);
  });

  test('fails when the VPC reaches AWS APIs only through endpoints and lacks monitoring', () => {
    const endpointsOnly: NetworkRef = { ...network, apiEndpointsSecurityGroupId: 'sg-endpoints', interfaceEndpoints: ['secretsmanager', 'sts'] };
    expect(() => migration({}, endpointsOnly)).toThrow("calls monitoring, but the network has no interface endpoint for it (and no NAT). Add 'monitoring' to the network's interfaceEndpoints");
    expect(migration({}, { ...endpointsOnly, interfaceEndpoints: ['secretsmanager', 'sts', 'monitoring'] }).m.applyExceptions).toBeDefined();
  });
});
