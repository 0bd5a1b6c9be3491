import { MigrationStack, Testing } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance, MySqlSourceEndpoint, PostgresSourceEndpoint } from '../../../modules/dms-migration';
import { PrivatePostgres } from '../../../modules/private-postgres';
import { externalColumnType, StreamToPostgres, StreamToPostgresProps, TableConfigInput } from '../../../modules/stream-to-postgres';

type Res = Record<string, any>;
type Synth = { resource: Record<string, Record<string, Res>> };

const network = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
};

const TABLES: TableConfigInput[] = [
  {
    source: 'dmv.Person',
    target: 'dmv.person',
    keyColumns: ['person_id'],
    columns: [
      { source: 'PersonId', target: 'person_id', type: 'varchar(40)' },
      { source: 'FirstName', target: 'first_name' },
      { source: 'Balance', target: 'balance', type: 'numeric(12,2)' },
      { source: 'UpdatedAt', target: 'updated_at', type: 'timestamptz' },
    ],
  },
];

function build(
  over: Partial<StreamToPostgresProps> = {},
  opts: {
    production?: boolean;
    dms?: boolean;
    appUser?: boolean;
    sourceKind?: 'postgres' | 'mysql';
    /** PostgreSQL source: the slot and LSN of templates/postgres/cdc-start-slot.sql; null for neither. */
    start?: { slotName?: string; cdcStartPosition?: string } | null;
  } = {},
): { stack: MigrationStack; module: StreamToPostgres } {
  const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: opts.production ? 'prod' : 'staging', production: !!opts.production, region: 'eu-west-2' });
  const db = new PrivatePostgres(stack, 'db', { network, databaseName: 'ledger', ...(opts.appUser ? { appUser: { username: 'replica_writer', schemas: ['dmv'] } } : {}) });
  let changeSource: StreamToPostgresProps['changeSource'];
  const start = opts.start === undefined ? { slotName: 'dms_ledger', cdcStartPosition: '1A/6B0C3D28' } : opts.start;
  if (opts.dms) {
    const roles = new DmsAccountRoles(stack, 'dms-roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const secret = { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:src-AbCdEf' };
    // The source system's network (a peered VPC): the task opens egress to it.
    const egressCidr = '10.40.0.0/16';
    const source =
      opts.sourceKind === 'mysql'
        ? new MySqlSourceEndpoint(stack, 'source', { component: 'ledger', serverName: 'ledger.internal', databaseName: 'ledger', secret, egressCidr })
        : new PostgresSourceEndpoint(stack, 'source', { component: 'ledger', serverName: 'ledger.internal', databaseName: 'ledger', secret, slotName: start?.slotName, egressCidr });
    changeSource = { instance, source, cdcStartPosition: opts.sourceKind === 'mysql' ? undefined : start?.cdcStartPosition };
  }
  const module = new StreamToPostgres(stack, 'cdc', { network, database: db, tables: TABLES, changeSource, ...over });
  return { stack, module };
}

function synth(stack: MigrationStack): Synth {
  return JSON.parse(Testing.synth(stack)) as Synth;
}
function all(out: Synth, type: string): Res[] {
  return Object.values(out.resource[type] ?? {});
}
function one(out: Synth, type: string): Res {
  const list = all(out, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0];
}
function consumerPolicy(out: Synth): Array<{ Sid?: string; Action: string | string[]; Resource: string | string[] }> {
  const role = Object.entries(out.resource.aws_iam_role).find(([, r]) => String(r.name).includes('cdc-stream-consumer'))!;
  return all(out, 'aws_iam_role_policy')
    .filter((p) => String(p.role).includes(role[0]))
    .flatMap((p) => JSON.parse(p.policy).Statement);
}

describe('StreamToPostgres defaults', () => {
  const { stack } = build();
  const out = synth(stack);

  test('the stream is KMS-encrypted with a CMK, on-demand, 24 h retention', () => {
    const s = one(out, 'aws_kinesis_stream');
    expect(s).toMatchObject({ name: 'demo-staging-cdc-stream', encryption_type: 'KMS', retention_period: 24, stream_mode_details: { stream_mode: 'ON_DEMAND' } });
    expect(s.kms_key_id).toMatch(/aws_kms_key\.cdc_stream-key_.*\.arn/);
    expect(s.shard_count).toBeUndefined();
  });

  test('the event source mapping reports partial failures, bisects, retries finitely and sends failures to SQS', () => {
    const m = one(out, 'aws_lambda_event_source_mapping');
    expect(m).toMatchObject({
      function_response_types: ['ReportBatchItemFailures'],
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 10,
      maximum_record_age_in_seconds: 86400,
      starting_position: 'TRIM_HORIZON',
      batch_size: 1000,
      maximum_batching_window_in_seconds: 1,
      parallelization_factor: 1,
    });
    expect(m.destination_config.on_failure.destination_arn).toMatch(/aws_sqs_queue\.cdc_failures_.*\.arn/);
    expect(m.event_source_arn).toMatch(/aws_kinesis_stream\.cdc_stream_.*\.arn/);
    expect(m.depends_on.some((d: string) => d.startsWith('aws_iam_role_policy.'))).toBe(true);
    expect(one(out, 'aws_sqs_queue')).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });

  test('the consumer is a database writer in the VPC with the table config and no secret in its environment', () => {
    const fn = one(out, 'aws_lambda_function');
    expect(fn.vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(fn.reserved_concurrent_executions).toBeGreaterThanOrEqual(1);
    expect(fn.tags['kit:database-writer']).toBe('true');
    const env = fn.environment.variables;
    expect(JSON.parse(env.TABLE_CONFIG)).toEqual(TABLES);
    expect(env.DB_SECRET_ARN).toContain('master_user_secret');
    expect(env.PGSSLMODE).toBe('verify-full');
    expect(env.HIGH_WATER_MARK).toBeUndefined();
    expect(Object.keys(env).join(',')).not.toMatch(/PASSWORD/);
  });

  test('the role reads only this stream, decrypts only its key, and sends only to its failure queue', () => {
    const st = consumerPolicy(out);
    const read = st.find((s) => s.Sid === 'ReadChangeStream')!;
    expect(read.Action).toEqual(expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards']));
    expect(read.Resource).toMatch(/aws_kinesis_stream\.cdc_stream_.*\.arn/);
    // SubscribeToShard applies only to enhanced fan-out consumer ARNs; the mapping registers none.
    expect(st.flatMap((s) => [s.Action].flat())).not.toContain('kinesis:SubscribeToShard');
    expect(st.find((s) => s.Sid === 'DecryptChangeStream')!.Resource).toMatch(/aws_kms_key\.cdc_stream-key_.*\.arn/);
    expect(st.find((s) => s.Sid === 'ReportFailedRecords')).toMatchObject({ Action: 'sqs:SendMessage' });
    expect(st.find((s) => s.Sid === 'ReportFailedRecords')!.Resource).toMatch(/aws_sqs_queue\.cdc_failures_.*\.arn/);
    for (const s of st) if ([s.Resource].flat().includes('*')) expect([s.Action].flat().every((a) => a.startsWith('ec2:') || a.startsWith('xray:'))).toBe(true);
  });

  test('the database admits the consumer on 5432 by security-group reference', () => {
    const rule = all(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.from_port === 5432 && /cdc_consumer_sg/.test(r.referenced_security_group_id))!;
    // Who connects to whom, client first, the same on the consumer's egress.
    expect(rule.description).toBe('From Lambda demo-staging-cdc-stream-consumer to PostgreSQL demo-staging-db: applies the change stream to the tables');
    expect(all(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.description === rule.description)).toHaveLength(1);
    expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(rule.referenced_security_group_id).toMatch(/aws_security_group\.cdc_consumer_sg/);
    expect(rule.cidr_ipv4).toBeUndefined();
  });

  test('the schema is set up once at deploy through the consumer, after its network path exists', () => {
    const inv = one(out, 'aws_lambda_invocation');
    expect(JSON.parse(inv.input)).toEqual({ action: 'ensure-schema' });
    expect(inv.triggers.tables).toMatch(/^[0-9a-z]{12}$/);
    expect(inv.depends_on.some((d: string) => d.startsWith('aws_vpc_security_group_ingress_rule.'))).toBe(true);
    expect(inv.depends_on.some((d: string) => d.startsWith('aws_db_instance.'))).toBe(true);
  });

  test('alarms on iterator age, errors, throttles, destination failures, stream throttling, retention risk and failed records go to an encrypted topic', () => {
    // This list used to stop at IteratorAge, Errors and the failure queue: a throttled consumer, a failure queue Lambda
    // cannot write to, a throttled stream and records nearing expiry raised nothing.
    const alarms = all(out, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a.metric_name).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'DestinationDeliveryFailures',
      'Errors',
      'GetRecords.IteratorAgeMilliseconds',
      'IteratorAge',
      'ReadProvisionedThroughputExceeded',
      'Throttles',
      'WriteProvisionedThroughputExceeded',
    ]);
    expect(alarms.find((a) => a.metric_name === 'IteratorAge')).toMatchObject({ threshold: 300000, statistic: 'Maximum' });
    expect(one(out, 'aws_sns_topic').kms_master_key_id).toMatch(/aws_kms_key/);
    for (const a of alarms) expect(a.alarm_actions).toHaveLength(1);
  });

  test('Lambda Throttles and DestinationDeliveryFailures alarms watch the consumer; a delivery failure alarms at once', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
    const alarms = all(out, 'aws_cloudwatch_metric_alarm');
    const fn = one(out, 'aws_lambda_function').function_name;
    const throttles = alarms.find((a) => a.metric_name === 'Throttles')!;
    expect(throttles).toMatchObject({ namespace: 'AWS/Lambda', dimensions: { FunctionName: fn }, statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' });
    const delivery = alarms.find((a) => a.metric_name === 'DestinationDeliveryFailures')!;
    expect(delivery).toMatchObject({ namespace: 'AWS/Lambda', dimensions: { FunctionName: fn }, statistic: 'Sum', threshold: 0, evaluation_periods: 1, datapoints_to_alarm: 1 });
  });

  test('the stream alarms on write and read throttling and on records reaching 25% of the retention (or no reads at all)', () => {
    // https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html (stream-level metrics)
    const alarms = all(out, 'aws_cloudwatch_metric_alarm');
    const stream = `\${aws_kinesis_stream.${Object.keys(out.resource.aws_kinesis_stream)[0]}.name}`;
    for (const metric of ['WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded']) {
      expect(alarms.find((a) => a.metric_name === metric)).toMatchObject({ namespace: 'AWS/Kinesis', dimensions: { StreamName: stream }, statistic: 'Sum', threshold: 0 });
    }
    const risk = alarms.find((a) => a.metric_name === 'GetRecords.IteratorAgeMilliseconds')!;
    // 24 h retention in staging: 6 h, well before records expire unread
    expect(risk).toMatchObject({ namespace: 'AWS/Kinesis', dimensions: { StreamName: stream }, statistic: 'Maximum', threshold: 6 * 3600 * 1000, treat_missing_data: 'breaching' });
    expect(risk.alarm_description).toMatch(/records expire unread at 24 h/);
  });

  test('no DMS resources without changeSource or fullLoad', () => {
    expect(all(out, 'aws_dms_endpoint')).toHaveLength(0);
    expect(all(out, 'aws_dms_replication_task')).toHaveLength(0);
  });
});

describe('StreamToPostgres options', () => {
  test('the retention-risk alarm follows the retention and the percentage', () => {
    const out = synth(build({ retentionHours: 48, retentionAlarmPercent: 10 }).stack);
    expect(all(out, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'GetRecords.IteratorAgeMilliseconds')!.threshold).toBe(Math.floor(48 * 3600 * 0.1) * 1000);
  });

  test('production keeps a week of stream retention; provisioned capacity sets shards', () => {
    const out = synth(build({ capacity: { mode: 'provisioned', shardCount: 4 } }, { production: true }).stack);
    expect(one(out, 'aws_kinesis_stream')).toMatchObject({ retention_period: 168, shard_count: 4, stream_mode_details: { stream_mode: 'PROVISIONED' } });
  });

  test('changeSource adds the DMS Kinesis target endpoint and a CDC task starting at the LSN of the slot made before the export', () => {
    const out = synth(build({ highWaterMark: '2026-11-23T09:00:00.5+01:00' }, { dms: true }).stack);
    const kinesis = all(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'kinesis')!;
    expect(kinesis.kinesis_settings.stream_arn).toMatch(/aws_kinesis_stream\.cdc_stream_.*\.arn/);
    expect(kinesis.kinesis_settings.message_format).toBe('json');
    const task = one(out, 'aws_dms_replication_task');
    expect(task).toMatchObject({ migration_type: 'cdc', cdc_start_position: '1A/6B0C3D28' });
    expect(all(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'postgres')!.postgres_settings).toMatchObject({ slot_name: 'dms_ledger', plugin_name: 'test-decoding' });
    const rules = JSON.parse(task.table_mappings).rules;
    expect(rules).toEqual(expect.arrayContaining([expect.objectContaining({ 'rule-type': 'selection', 'rule-action': 'include', 'object-locator': { 'schema-name': 'dmv', 'table-name': 'Person' } })]));
    expect(task.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_lambda_invocation\.cdc_schema-setup_\w+$/)]));
    expect(one(out, 'aws_lambda_function').environment.variables.HIGH_WATER_MARK).toBe('2026-11-23T09:00:00.5+01:00');
  });

  test('the export bucket takes a name or a suffix (checked at synth), not with a bucket of your own', () => {
    const named = (fullLoad: object) => synth(build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad }, { dms: true, appUser: true }).stack);
    expect(all(named({ bucketNameSuffix: '123456789012' }), 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['demo-staging-cdc-stream-export-123456789012']);
    expect(all(named({ bucketName: 'acme-ledger-export' }), 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['acme-ledger-export']);
    expect(() => named({ bucketName: 'acme.ledger.export' })).toThrow('test/cdc/export-bucket: bucketName "acme.ledger.export" is not a valid S3 bucket name: dots break');
    const bucket = { bucketName: 'theirs', bucketArn: 'arn:aws:s3:::theirs', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/k' };
    expect(() => named({ bucket, bucketName: 'acme-ledger-export' })).toThrow('fullLoad.bucketName and fullLoad.bucketNameSuffix name the bucket the module creates');
  });

  test('alarm subscriptions go on the topic created here; not with alarmTopicArn', () => {
    const out = synth(build({ alarmSubscriptions: [{ protocol: 'https', endpoint: 'https://hooks.example.com/sns' }] }).stack);
    expect(all(out, 'aws_sns_topic_subscription')).toEqual([{ topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.cdc_alarms_\w+\.arn\}$/), protocol: 'https', endpoint: 'https://hooks.example.com/sns' }]);
    expect(() => build({ alarmTopicArn: 'arn:aws:sns:eu-west-2:123456789012:ops', alarmSubscriptions: [{ protocol: 'email', endpoint: 'a@example.com' }] })).toThrow(
      'alarmSubscriptions subscribe to the topic the module creates',
    );
  });

  test('fullLoad adds an export bucket, an S3 source with the table definition from the table config, and a full-load task', () => {
    const out = synth(build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {} }, { dms: true, appUser: true }).stack);
    const s3 = one(out, 'aws_dms_s3_endpoint');
    expect(s3).toMatchObject({ endpoint_type: 'source', bucket_folder: 'export', ignore_header_rows: 1 });
    const def = JSON.parse(s3.external_table_definition);
    expect(def.Tables[0]).toMatchObject({ TableName: 'person', TableOwner: 'dmv', TablePath: 'dmv/person/' });
    expect(def.Tables[0].TableColumns).toEqual([
      { ColumnName: 'person_id', ColumnType: 'STRING', ColumnLength: '40', ColumnNullable: 'false', ColumnIsPk: 'true' },
      { ColumnName: 'first_name', ColumnType: 'STRING', ColumnLength: '65535', ColumnNullable: 'true', ColumnIsPk: 'false' },
      { ColumnName: 'balance', ColumnType: 'NUMERIC', ColumnPrecision: '12', ColumnScale: '2', ColumnNullable: 'true', ColumnIsPk: 'false' },
      { ColumnName: 'updated_at', ColumnType: 'DATETIME', ColumnNullable: 'true', ColumnIsPk: 'false' },
    ]);
    const tasks = all(out, 'aws_dms_replication_task');
    const load = tasks.find((t) => t.migration_type === 'full-load')!;
    const settings = JSON.parse(load.replication_task_settings);
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('TRUNCATE_BEFORE_LOAD');
    expect(settings.Logging.EnableLogging).toBe(true);
    // S3 is not a source DMS validates (CHAP_Validating): the load is checked with templates/postgres/row-counts.sql.
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(JSON.parse(load.table_mappings).rules[0]['object-locator']).toEqual({ 'schema-name': 'dmv', 'table-name': 'person' });
    const pgTarget = all(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target' && e.engine_name === 'postgres')!;
    expect(pgTarget).toMatchObject({ ssl_mode: 'require', database_name: 'ledger' });
    // The app user's secret (username, password, host, port), the consumer's login: never the RDS-managed master secret.
    expect(pgTarget.secrets_manager_arn).toMatch(/^\$\{aws_secretsmanager_secret\.db_app-user-secret_\w+\.arn\}$/);
    expect(all(out, 'aws_lambda_function').find((f) => String(f.function_name).includes('cdc-stream-consumer'))!.environment.variables.DB_SECRET_ARN).toBe(pgTarget.secrets_manager_arn);
    expect(pgTarget).not.toHaveProperty('server_name');
    // DMS's control tables go to a schema the app user owns (public is not writable by it from PostgreSQL 15).
    expect(settings.ControlTablesSettings.ControlSchema).toBe('dmv');
    const bucket = all(out, 'aws_s3_bucket').find((b) => String(b.bucket).includes('export'))!;
    expect(bucket.bucket).toBe('demo-staging-cdc-stream-export');
    expect(all(out, 'aws_s3_bucket_public_access_block')).toHaveLength(1);
  });

  test('manageSchema: false leaves the schema to a DBA (no deploy-time invocation)', () => {
    const out = synth(build({ manageSchema: false }).stack);
    expect(all(out, 'aws_lambda_invocation')).toHaveLength(0);
  });

  test('the app user connects when the database has one; its secret is the one granted', () => {
    const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
    const db = new PrivatePostgres(stack, 'db', { network, databaseName: 'ledger', appUser: { username: 'replica_writer', schemas: ['dmv'] } });
    new StreamToPostgres(stack, 'cdc', { network, database: db, tables: TABLES });
    const out = synth(stack);
    const fn = all(out, 'aws_lambda_function').find((f) => String(f.function_name).includes('cdc-stream-consumer'))!;
    const secret = fn.environment.variables.DB_SECRET_ARN;
    expect(secret).toMatch(/^\$\{aws_secretsmanager_secret\./);
    expect(secret).not.toContain('master_user_secret');
    const granted = consumerPolicy(out).filter((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(granted.map((st) => st.Resource)).toEqual([secret]);
  });

  test.each([
    ['an invalid table config', { tables: [{ ...TABLES[0], keyColumns: ['nope'] }] }, 'key column nope is not among the target columns'],
    ['the high-water mark is not a timestamp', { highWaterMark: 'last tuesday' }, 'highWaterMark "last tuesday" is not an ISO-8601 timestamp'],
    ['records could outlive the stream', { maximumRecordAgeSeconds: 90000 }, 'maximumRecordAgeSeconds 90000 exceeds the stream retention (24 h)'],
    ['retries are unlimited', { maximumRetryAttempts: -1 }, 'maximumRetryAttempts must be an integer from 0 to 10000, got -1'],
    ['the batch is larger than Kinesis allows', { batchSize: 20000 }, 'batchSize must be an integer from 1 to 10000'],
    ['the consumer would take most connections', { reservedConcurrency: 400 }, 'reservedConcurrency 400 would take more than half'],
    ['a full load has no high-water mark', { fullLoad: { instance: undefined } }, 'fullLoad needs a replication instance'],
    [
      'the consumer cannot run one batch per provisioned shard',
      { capacity: { mode: 'provisioned', shardCount: 4 }, parallelizationFactor: 2, reservedConcurrency: 6 },
      'reservedConcurrency 6 is below shardCount x parallelizationFactor (4 x 2 = 8)',
    ],
    ['the retention alarm is set past the retention', { retentionAlarmPercent: 100 }, 'retentionAlarmPercent must be an integer from 1 to 90, got 100'],
  ])('fails when %s', (_name, over, message) => {
    expect(() => build(over as Partial<StreamToPostgresProps>)).toThrow(message);
  });

  test('a source that supports a custom start time (MySQL) starts at the high-water mark, as a DMS date position', () => {
    const out = synth(build({ highWaterMark: '2026-11-23T09:00:00.5+01:00' }, { dms: true, sourceKind: 'mysql' }).stack);
    expect(one(out, 'aws_dms_replication_task')).toMatchObject({ migration_type: 'cdc', cdc_start_position: '2026-11-23T08:00:00' });
  });

  test('fails when a PostgreSQL source would start CDC at the high-water mark (no custom CDC start time)', () => {
    expect(() => build({ highWaterMark: '2026-11-23T09:00:00Z' }, { dms: true, start: null })).toThrow(
      'test/cdc: changeSource: a PostgreSQL source cannot start CDC at highWaterMark "2026-11-23T09:00:00Z": PostgreSQL as a DMS source supports no custom CDC start time (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Task.CDC.html). Run templates/postgres/cdc-start-slot.sql',
    );
  });

  test('fails when the CDC start LSN comes without the slot named on the source endpoint', () => {
    expect(() => build({ highWaterMark: '2026-11-23T09:00:00Z' }, { dms: true, start: { cdcStartPosition: '1A/6B0C3D28' } })).toThrow('whose endpoint names no slot');
  });

  test('fullLoad names the tables to count on both sides (templates/postgres/row-counts.sql)', () => {
    const { module } = build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {} }, { dms: true, appUser: true });
    expect(module.rowCountTables).toEqual({ source: 'dmv.Person', target: 'dmv.person' });
    expect(build().module.rowCountTables).toBeUndefined();
  });

  test('fails when a full load is configured without a high-water mark', () => {
    expect(() => build({ fullLoad: {} }, { dms: true })).toThrow('fullLoad is set without highWaterMark');
  });

  test('fails when a full-load numeric column has no precision', () => {
    const tables = [{ ...TABLES[0], columns: [...TABLES[0].columns, { source: 'Amount', target: 'amount', type: 'numeric' }] }];
    expect(() => build({ tables, highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {} }, { dms: true, appUser: true })).toThrow('fullLoad: type numeric has no precision');
  });

  test('fails when a full load would log in with the RDS-managed master secret (the database has no app user)', () => {
    expect(() => build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {} }, { dms: true })).toThrow(
      "test/cdc: fullLoad: the DMS Postgres target must log in with the database's app user, but the database has no app user. Its master secret is RDS-managed and holds only username and password, while DMS takes the host and port from the endpoint's secret (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html). Set appUser",
    );
    expect(() => build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad: { useAppUserSecret: false } }, { dms: true, appUser: true })).toThrow(
      "fullLoad: the DMS Postgres target must log in with the database's app user, but fullLoad.useAppUserSecret is false.",
    );
  });

  test('fails when the consumer and the full load would log in as different users', () => {
    expect(() => build({ highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {}, useAppUserSecret: false }, { dms: true, appUser: true })).toThrow(
      'fullLoad with useAppUserSecret: false: the consumer would create the live tables as the master user',
    );
  });

  test('fails when the table config does not fit the Lambda environment', () => {
    const columns = Array.from({ length: 120 }, (_, i) => ({ source: `SomeRatherLongSourceColumn${i}`, target: `some_rather_long_column_${i}` }));
    expect(() => build({ tables: [{ source: 'a.B', target: 'a.b', keyColumns: ['some_rather_long_column_0'], columns }] })).toThrow(/the table config takes \d+ characters of the Lambda environment/);
  });
});

describe('externalColumnType', () => {
  test.each([
    ['text', { type: 'STRING', length: 100 }],
    ['varchar(12)', { type: 'STRING', length: 12 }],
    ['uuid', { type: 'STRING', length: 36 }],
    ['jsonb', { type: 'STRING', length: 100 }],
    ['integer', { type: 'INT4' }],
    ['bigint', { type: 'INT8' }],
    ['smallint', { type: 'INT2' }],
    ['numeric(38,12)', { type: 'NUMERIC', precision: 38, scale: 12 }],
    ['decimal(10)', { type: 'NUMERIC', precision: 10, scale: 0 }],
    ['double precision', { type: 'REAL8' }],
    ['boolean', { type: 'BOOLEAN' }],
    ['date', { type: 'DATE' }],
    ['timestamptz', { type: 'DATETIME' }],
    ['bytea', { type: 'BLOB' }],
    ['integer[]', { type: 'STRING', length: 100 }],
  ])('%s', (pg, dms) => {
    expect(externalColumnType(pg, 100)).toEqual(dms);
  });
});
