import { ServiceRole } from '../../../modules/core';
import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { notificationPrefixes, S3ToPostgresPipeline, S3ToPostgresPipelineProps } from '../../../modules/s3-to-postgres-pipeline';
import { checkStack, failureCount } from '../../../tools/policy-check/engine';
import { onlyResource, policyStatements, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const ROUTES = [
  { prefix: 'people/', table: 'public.people', mode: 'replace' as const },
  { prefix: 'people/archive/', table: 'archive.people', mode: 'append' as const },
  { prefix: 'events/', table: 'events', mode: 'append' as const },
];

function build(
  props: Partial<S3ToPostgresPipelineProps> = {},
  opts: { production?: boolean; db?: Partial<PrivatePostgresProps> } = {},
) {
  const stack = testStack({ production: opts.production ?? false });
  const database = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...opts.db });
  const pipeline = new S3ToPostgresPipeline(stack, 'pipeline', { database, network: TWO_AZ_NETWORK, routes: ROUTES, ...props });
  return { stack, database, pipeline, json: () => synthJson(stack) };
}

const asArray = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const loaderStatements = (json: ReturnType<typeof synthJson>) => {
  const role = Object.entries(json.resource.aws_iam_role_policy).find(([k]) => k.includes('pipeline_loader_role'))![1];
  return JSON.parse(role.policy).Statement as Array<{ Action: string | string[]; Resource: string | string[]; Condition?: any; Sid?: string }>;
};

describe('S3ToPostgresPipeline: created bucket', () => {
  const built = build();
  const json = built.json();

  test('the landing bucket is KMS-encrypted, versioned, private, TLS-only, owner-enforced and has lifecycle rules', () => {
    expect(onlyResource(json, 'aws_s3_bucket')).toMatchObject({ bucket: 'demo-staging-landing', force_destroy: false });
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/aws_kms_key\.pipeline_bucket-key/) }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(json, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const policy = JSON.parse(onlyResource(json, 'aws_s3_bucket_policy').policy);
    // The whole statement: dropping the objects ARN or narrowing the action would let plain-HTTP reads through.
    const bucketArn = `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket)[0]}.arn}`;
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    const rules = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rules).toContainEqual(expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }], status: 'Enabled' }));
    expect(rules).toContainEqual(expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }));
  });

  test('the loader is a Node 22 database writer in the VPC, traced, with explicit timeout, memory and concurrency', () => {
    const fn = onlyResource(json, 'aws_lambda_function');
    const budget = built.database.connectionBudget;
    expect(fn).toMatchObject({
      function_name: 'demo-staging-csv-loader',
      runtime: 'nodejs22.x',
      timeout: 900,
      memory_size: 1024,
      tracing_config: { mode: 'Active' },
      reserved_concurrent_executions: Math.min(10, Math.floor(budget / 4)),
      vpc_config: { subnet_ids: ['subnet-aaaa', 'subnet-bbbb'], security_group_ids: [expect.any(String)] },
    });
    expect(built.pipeline.reservedConcurrency).toBe(fn.reserved_concurrent_executions);
    expect(built.pipeline.ledgerTable).toBe('migration_kit.s3_load_ledger');
  });

  test('the loader environment carries routes and handles only: no password, no credentials', () => {
    const env = onlyResource(json, 'aws_lambda_function').environment.variables;
    expect(JSON.parse(env.TABLE_ROUTES)).toEqual(ROUTES);
    expect(env).toMatchObject({
      LOAD_STRATEGY: 'stream',
      LEDGER_TABLE: 'migration_kit.s3_load_ledger',
      DB_SECRET_ARN: expect.stringMatching(/\$\{aws_db_instance\..*master_user_secret/),
      PGPORT: '5432',
      PGDATABASE: 'app',
      PGSSLMODE: 'verify-full',
    });
    expect(Object.keys(env).filter((k) => /PASSWORD/i.test(k))).toEqual([]);
  });

  test('S3 notifies the loader on .csv under each routed prefix (nested prefixes collapsed: S3 refuses overlaps)', () => {
    const notification = onlyResource(json, 'aws_s3_bucket_notification');
    expect(notification.lambda_function).toEqual([
      { lambda_function_arn: expect.stringMatching(/aws_lambda_function\./), events: ['s3:ObjectCreated:*'], filter_prefix: 'events/', filter_suffix: '.csv' },
      { lambda_function_arn: expect.stringMatching(/aws_lambda_function\./), events: ['s3:ObjectCreated:*'], filter_prefix: 'people/', filter_suffix: '.csv' },
    ]);
    expect(notification.depends_on).toEqual([expect.stringMatching(/^aws_lambda_permission\./)]);
  });

  test('only this bucket in this account may invoke the loader', () => {
    expect(onlyResource(json, 'aws_lambda_permission')).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 's3.amazonaws.com',
      source_arn: expect.stringMatching(/aws_s3_bucket\.pipeline_landing_bucket.*\.arn/),
      source_account: expect.stringMatching(/data\.aws_caller_identity/),
    });
  });

  test('IAM: read only the routed prefixes and the database secret; no writes to S3; nothing on "*" but ENIs and X-Ray', () => {
    const statements = loaderStatements(json);
    const s3Get = statements.find((s) => asArray(s.Action).includes('s3:GetObject'))!;
    expect(asArray(s3Get.Resource)).toEqual([expect.stringMatching(/\}\/events\/\*$/), expect.stringMatching(/\}\/people\/\*$/)]);
    const list = statements.find((s) => asArray(s.Action).includes('s3:ListBucket'))!;
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['events/*', 'people/*'] } });
    const secret = statements.find((s) => asArray(s.Action).includes('secretsmanager:GetSecretValue'))!;
    expect(asArray(secret.Resource)).toEqual([expect.stringMatching(/master_user_secret/)]);
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject');
    for (const s of statements.filter((x) => asArray(x.Resource).includes('*'))) {
      for (const a of asArray(s.Action)) expect(a).toMatch(/^(ec2:(Create|Describe|Delete)NetworkInterfaces?|ec2:(Assign|Unassign)PrivateIpAddresses|xray:)/);
    }
  });

  test('alarm subscriptions go on the topic the module creates; not with an alarmTopicArn of your own', () => {
    const out = build({ alarmSubscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }] }).json();
    expect(resources(out, 'aws_sns_topic_subscription')).toEqual([
      { topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.pipeline_alarms_\w+\.arn\}$/), protocol: 'email', endpoint: 'oncall@example.com' },
    ]);
    expect(() => build({ alarmTopicArn: 'arn:aws:sns:eu-west-2:123456789012:ops', alarmSubscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }] })).toThrow(
      'alarmSubscriptions subscribe to the topic the module creates; with alarmTopicArn, subscribe to that topic where it is defined.',
    );
  });

  test('the landing bucket takes a name suffix or a whole name, checked at synth; not with an existing bucket', () => {
    expect(resources(build({ bucketNameSuffix: '123456789012' }).json(), 'aws_s3_bucket')[0].bucket).toBe('demo-staging-landing-123456789012');
    expect(resources(build({ bucketName: 'acme-partner-drop' }).json(), 'aws_s3_bucket')[0].bucket).toBe('acme-partner-drop');
    expect(() => build({ bucketName: 'Acme_Drop' })).toThrow('test/pipeline/landing: bucketName "Acme_Drop" is not a valid S3 bucket name');
    expect(() => build({ bucketName: 'acme-drop', existingBucket: { name: 'their-bucket' }, notifications: 'eventbridge' })).toThrow(
      'bucketName and bucketNameSuffix name the bucket the module creates; with existingBucket the name is existingBucket.name.',
    );
  });

  test('the database admits the loader on 5432 by security-group reference', () => {
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 5432);
    expect(ingress).toContainEqual(
      expect.objectContaining({
        security_group_id: expect.stringMatching(/aws_security_group\.db_sg/),
        referenced_security_group_id: expect.stringMatching(/aws_security_group\.pipeline_loader_sg/),
        to_port: 5432,
        description: expect.stringMatching(/^From Lambda demo-staging-csv-loader to PostgreSQL demo-staging-db: loads CSV files from the landing bucket$/),
      }),
    );
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
    // The loader's egress to the database reads the same way round as the database's ingress.
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').find((r) => r.from_port === 5432 && /pipeline_loader_sg/.test(r.security_group_id))!;
    expect(egress.description).toBe(ingress.find((r) => /pipeline_loader_sg/.test(r.referenced_security_group_id))!.description);
  });

  test('failed events go to an encrypted dead-letter queue after 2 retries, within 6 hours', () => {
    expect(onlyResource(json, 'aws_sqs_queue')).toMatchObject({ name: 'demo-staging-csv-loader-failed', sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(onlyResource(json, 'aws_lambda_function_event_invoke_config')).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21600,
      destination_config: { on_failure: { destination: expect.stringMatching(/aws_sqs_queue\..*\.arn/) } },
    });
    expect(policyStatements(json)).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: expect.stringMatching(/aws_sqs_queue/) }));
  });

  test('alarms on loader errors and dead-letter depth publish to a KMS-encrypted topic CloudWatch may use', () => {
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm');
    expect(alarms).toContainEqual(
      expect.objectContaining({ namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions: { FunctionName: expect.stringMatching(/aws_lambda_function|demo-staging-csv-loader/) }, threshold: 1 }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({ namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: expect.stringMatching(/aws_sqs_queue/) } }),
    );
    const topic = onlyResource(json, 'aws_sns_topic');
    expect(topic.kms_master_key_id).toMatch(/aws_kms_key\.pipeline_alarm-key/);
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\./)]);
    const key = Object.entries(json.resource.aws_kms_key).find(([k]) => k.includes('alarm-key'))![1];
    expect(JSON.parse(key.policy).Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }),
    );
  });

  test('the loader alarms on Throttles and DestinationDeliveryFailures (a throttled event ages out; a failed delivery loses it)', () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm');
    const fn = { FunctionName: expect.stringMatching(/aws_lambda_function|demo-staging-csv-loader/) };
    expect(alarms).toContainEqual(
      expect.objectContaining({ namespace: 'AWS/Lambda', metric_name: 'Throttles', dimensions: fn, statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({ namespace: 'AWS/Lambda', metric_name: 'DestinationDeliveryFailures', dimensions: fn, statistic: 'Sum', threshold: 0, evaluation_periods: 1 }),
    );
  });

  test('the synthesized stack passes every policy rule', () => {
    const result = checkStack('test', json as any);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    expect(failureCount([result])).toBe(0);
  });
});

describe('S3ToPostgresPipeline: options', () => {
  test('server-side strategy: the database gets the s3Import role for the routed prefixes and the aws_s3 extension', () => {
    const json = build({ strategy: 'server-side' }).json();
    expect(onlyResource(json, 'aws_db_instance_role_association')).toMatchObject({ feature_name: 's3Import' });
    const importRole = Object.entries(json.resource.aws_iam_role_policy).find(([k]) => k.includes('s3-import-role'))![1];
    const statements = JSON.parse(importRole.policy).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [expect.stringMatching(/events\/\*$/), expect.stringMatching(/people\/\*$/)] }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: expect.stringMatching(/pipeline_bucket-key/) }));
    expect(JSON.stringify(json.resource.aws_lambda_invocation)).toContain('aws_s3');
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-csv-loader')!;
    expect(loader.environment.variables.LOAD_STRATEGY).toBe('server-side');
    expect(checkStack('test', json as any).findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('adopting a bucket with notifications "s3" creates no bucket, adds the notification and scopes IAM to that bucket and its key', () => {
    const json = build({ existingBucket: { name: 'legacy-drop-zone', kmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/abc' }, notifications: 's3' }).json();
    expect(resources(json, 'aws_s3_bucket')).toHaveLength(0);
    expect(onlyResource(json, 'aws_s3_bucket_notification').bucket).toBe('legacy-drop-zone');
    expect(onlyResource(json, 'aws_lambda_permission').source_arn).toMatch(/^arn:\$\{data\.aws_partition\..*\}:s3:::legacy-drop-zone$/);
    const statements = loaderStatements(json);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-2:111122223333:key/abc' }));
    expect(asArray(statements.find((s) => asArray(s.Action).includes('s3:GetObject'))!.Resource)[0]).toMatch(/s3:::legacy-drop-zone\/events\/\*$/);
  });

  test('an app user secret is used when the database has one; an alarm topic can be passed in', () => {
    const json = build({ alarmTopicArn: 'arn:aws:sns:eu-west-2:111122223333:oncall' }, { db: { appUser: { username: 'loader' } } }).json();
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-csv-loader')!;
    expect(loader.environment.variables.DB_SECRET_ARN).toMatch(/aws_secretsmanager_secret\./);
    expect(resources(json, 'aws_sns_topic')).toHaveLength(0);
    for (const a of resources(json, 'aws_cloudwatch_metric_alarm')) expect(a.alarm_actions).toEqual(['arn:aws:sns:eu-west-2:111122223333:oncall']);
  });

  test('production keeps old versions 90 days and logs 365 days; suffixes and limits are configurable', () => {
    const json = build({ suffixes: ['.csv', '.CSV'], reservedConcurrency: 3, memoryMiB: 2048, timeoutSeconds: 600 }, { production: true }).json();
    expect(onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule).toContainEqual(
      expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
    );
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'demo-prod-csv-loader')!;
    expect(loader).toMatchObject({ reserved_concurrent_executions: 3, memory_size: 2048, timeout: 600 });
    const group = resources(json, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/lambda/demo-prod-csv-loader')!;
    expect(group.retention_in_days).toBe(365);
    expect(onlyResource(json, 'aws_s3_bucket_notification').lambda_function.map((l: any) => `${l.filter_prefix}*${l.filter_suffix}`)).toEqual([
      'events/*.csv',
      'events/*.CSV',
      'people/*.csv',
      'people/*.CSV',
    ]);
  });

  test('a route with the empty prefix notifies on every key with the suffix', () => {
    const json = build({ routes: [{ prefix: '', table: 'public.t', mode: 'append' }] }).json();
    expect(onlyResource(json, 'aws_s3_bucket_notification').lambda_function).toEqual([
      { lambda_function_arn: expect.any(String), events: ['s3:ObjectCreated:*'], filter_suffix: '.csv' },
    ]);
  });

  test('grantWrite lets an uploader put objects under the routed prefixes with the bucket key', () => {
    const { stack, pipeline, json } = build();
    const uploader = new ServiceRole(stack, 'uploader', { name: 'uploader', servicePrincipal: 'lambda.amazonaws.com', description: 'test uploader' });
    pipeline.grantWrite(uploader);
    const policy = Object.entries(json().resource.aws_iam_role_policy).find(([k]) => k.startsWith('uploader'))![1];
    expect(JSON.parse(policy.policy).Statement).toEqual([
      expect.objectContaining({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: [expect.stringMatching(/events\/\*$/), expect.stringMatching(/people\/\*$/)] }),
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
    ]);
  });

  test('notificationPrefixes keeps the shortest covering prefixes', () => {
    expect(
      notificationPrefixes([
        { prefix: 'a/b/', table: 't', mode: 'append' },
        { prefix: 'a/', table: 'u', mode: 'append' },
        { prefix: 'b/', table: 'v', mode: 'append' },
        { prefix: 'a/b/c/', table: 'w', mode: 'append' },
      ]),
    ).toEqual(['a/', 'b/']);
  });
});

describe('S3ToPostgresPipeline: validation at synth', () => {
  test.each([
    ['a mode is neither replace, append nor upsert', { routes: [{ prefix: 'p/', table: 't', mode: 'merge' as any }] }, /route 0: mode "merge" must be "replace", "append" or "upsert"/],
    ['a table name is not schema.table', { routes: [{ prefix: 'p/', table: 'a.b.c', mode: 'append' as const }] }, /route 0: table "a\.b\.c" must be "schema\.table"/],
    ['a table name has SQL in it', { routes: [{ prefix: 'p/', table: 'x; drop table y', mode: 'append' as const }] }, /route 0: table/],
    [
      'a prefix repeats',
      { routes: [{ prefix: 'p/', table: 'a', mode: 'append' as const }, { prefix: 'p/', table: 'b', mode: 'append' as const }] },
      /route 1: prefix "p\/" repeats route 0/,
    ],
    ['a prefix starts with a slash', { routes: [{ prefix: '/p/', table: 'a', mode: 'append' as const }] }, /starts with "\/"; S3 keys have no leading slash \(use "p\/"\)/],
    [
      'two prefixes replace one table',
      { routes: [{ prefix: 'a/', table: 't', mode: 'replace' as const }, { prefix: 'b/', table: 'public.t', mode: 'replace' as const }] },
      /prefixes "a\/" and "b\/" both replace public\.t/,
    ],
    [
      'a table is both replaced and appended to',
      { routes: [{ prefix: 'a/', table: 't', mode: 'replace' as const }, { prefix: 'b/', table: 't', mode: 'append' as const }] },
      /public\.t is both replaced .* and appended to/,
    ],
    ['there are no routes', { routes: [] }, /at least one route is needed/],
    ['suffixes overlap', { suffixes: ['.csv', 'data.csv'] }, /suffixes "data\.csv" and "\.csv" overlap/],
    ['reservedConcurrency exceeds the connection budget', { reservedConcurrency: 900 }, /reservedConcurrency 900 exceeds the database connection budget/],
    ['the ledger table is not schema.table', { ledgerTable: 'ledger' }, /ledgerTable "ledger" must be "schema\.table"/],
    ['the ledger table is a target table', { ledgerTable: 'public.events' }, /ledgerTable "public\.events" is also a route's target table/],
    [
      'routes do not fit the Lambda environment',
      { routes: Array.from({ length: 60 }, (_, i) => ({ prefix: `some/long/prefix/number/${i}/`, table: `schema_name.table_number_${i}`, mode: 'append' as const })) },
      /routes take \d+ characters of the Lambda environment/,
    ],
    ['retryAttempts is out of range', { retryAttempts: 5 }, /retryAttempts must be an integer from 0 to 2, got 5/],
  ])('fails when %s', (_label, props, message) => {
    expect(() => build(props as Partial<S3ToPostgresPipelineProps>)).toThrow(message);
  });

  test('fails when databaseUser "app" is asked for and the database has no app user', () => {
    expect(() => build({ databaseUser: 'app' })).toThrow(/pipeline: databaseUser "app" needs the database to have an appUser/);
  });

  test('validation messages name the construct path', () => {
    expect(() => build({ routes: [] })).toThrow(/^test\/pipeline: invalid routes/);
  });
});

describe('S3ToPostgresPipeline: logins, schema files and partner writers (issue 17)', () => {
  const LOGINS = { logins: [{ username: 'csv_loader', grants: [{ schema: 'landing', privilege: 'owner' as const }] }, { username: 'reporting', grants: [{ schema: 'landing', privilege: 'read' as const }] }] };
  const PARTNER_ROLE = 'arn:aws:iam::444455556666:role/partner-uploader';

  test('databaseUser names a login: the loader reads that login\'s secret only; server-side grants aws_s3 to that login only', () => {
    const { json, database } = build({ databaseUser: 'csv_loader', strategy: 'server-side' }, { db: LOGINS });
    const out = json();
    const loader = resources(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-csv-loader')!;
    expect(loader.environment.variables.DB_SECRET_ARN).toMatch(/^\$\{aws_secretsmanager_secret\.db_login-csv_loader-secret_[A-F0-9]+\.arn\}$/);
    const reads = loaderStatements(out).filter((s) => asArray(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s) => s.Resource)).toEqual([expect.stringMatching(/db_login-csv_loader-secret/)]);
    const plan = JSON.parse(onlyResource(out, 'aws_lambda_invocation').input);
    expect(plan.users.map((u: { username: string; s3Import?: boolean }) => [u.username, u.s3Import ?? false])).toEqual([
      ['csv_loader', true],
      ['reporting', false],
    ]);
    expect(plan.extensions).toEqual(['aws_s3']);
    expect(database.login('csv_loader').grants).toEqual([{ schema: 'landing', privilege: 'owner' }]);
  });

  test('schemaFiles run as the loader\'s login; with the master user, as the master', () => {
    const file = 'test/unit/private-postgres/sql/orders.sql';
    const asLogin = JSON.parse(onlyResource(build({ databaseUser: 'csv_loader', schemaFiles: [file] }, { db: LOGINS }).json(), 'aws_lambda_invocation').input);
    expect(asLogin.schemaFiles).toEqual([expect.objectContaining({ name: file, owner: 'csv_loader', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    const asMaster = JSON.parse(onlyResource(build({ schemaFiles: [file] }).json(), 'aws_lambda_invocation').input);
    expect(asMaster.schemaFiles).toEqual([expect.not.objectContaining({ owner: expect.anything() })]);
    expect(() => build({ schemaFiles: ['test/unit/private-postgres/sql/with-commit.sql'] })).toThrow(/^test\/pipeline: schemaFiles: .*with-commit\.sql statement 2 \(line 2: COMMIT\): transaction control/);
  });

  test.each([
    ['a login the database lacks', { databaseUser: 'nobody' }, /databaseUser "nobody" is not a login of the database \(its logins: csv_loader, reporting\)/],
    ['an IAM login', { databaseUser: 'iam_user' }, /databaseUser "iam_user" uses IAM authentication/],
  ])('fails when databaseUser is %s', (_label, props, message) => {
    const db = { logins: [...LOGINS.logins, ...(props.databaseUser === 'iam_user' ? [{ username: 'iam_user', authentication: 'iam' as const }] : [])] };
    expect(() => build(props as Partial<S3ToPostgresPipelineProps>, { db })).toThrow(message);
  });

  describe('partner writers', () => {
    const out = build({ writers: [{ principal: '111122223333', prefixes: ['people/'] }, { principal: PARTNER_ROLE, prefixes: ['events/acme/'] }] }).json();
    const bucketArn = `\${aws_s3_bucket.${Object.keys(out.resource.aws_s3_bucket)[0]}.arn}`;
    const keyArn = `\${aws_kms_key.${Object.keys(out.resource.aws_kms_key).find((k) => k.startsWith('pipeline_bucket-key'))}.arn}`;

    test('the bucket policy allows each writer the upload actions on its prefixes only, and refuses another KMS key', () => {
      const policy = JSON.parse(onlyResource(out, 'aws_s3_bucket_policy').policy);
      expect(policy.Statement.slice(1)).toEqual([
        {
          Sid: 'PartnerWrite0',
          Effect: 'Allow',
          Principal: { AWS: 'arn:${data.aws_partition.partition.partition}:iam::111122223333:root' },
          Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: [`${bucketArn}/people/*`],
        },
        {
          Sid: 'PartnerWrite0BucketKeyOnly',
          Effect: 'Deny',
          Principal: { AWS: 'arn:${data.aws_partition.partition.partition}:iam::111122223333:root' },
          Action: 's3:PutObject',
          Resource: [`${bucketArn}/people/*`],
          Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
        },
        { Sid: 'PartnerWrite1', Effect: 'Allow', Principal: { AWS: PARTNER_ROLE }, Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: [`${bucketArn}/events/acme/*`] },
        {
          Sid: 'PartnerWrite1BucketKeyOnly',
          Effect: 'Deny',
          Principal: { AWS: PARTNER_ROLE },
          Action: 's3:PutObject',
          Resource: [`${bucketArn}/events/acme/*`],
          Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
        },
      ]);
      // Object ownership stays with the bucket: ACLs disabled, so no ACL condition is needed.
      expect(onlyResource(out, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    });

    test('the landing key lets the writers use it only through S3 and only for this bucket; the account keeps IAM control', () => {
      const key = Object.entries(out.resource.aws_kms_key as Record<string, { policy: string }>).find(([k]) => k.startsWith('pipeline_bucket-key'))![1];
      expect(JSON.parse(key.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnableIamPolicies',
            Effect: 'Allow',
            Principal: { AWS: expect.stringMatching(/^arn:\$\{data\.aws_partition\.partition\.partition\}:iam::\$\{data\.aws_caller_identity\.caller-identity\.account_id\}:root$/) },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'PartnerWritesThroughS3',
            Effect: 'Allow',
            Principal: { AWS: ['arn:${data.aws_partition.partition.partition}:iam::111122223333:root', PARTNER_ROLE] },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': bucketArn } },
          },
        ],
      });
    });

    test('passes the policy check', () => {
      expect(checkStack('test', out as any).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
    });

    test('without writers the key keeps the default policy and the bucket policy only denies plain HTTP', () => {
      const plain = build().json();
      const key = Object.entries(plain.resource.aws_kms_key as Record<string, { policy?: string }>).find(([k]) => k.startsWith('pipeline_bucket-key'))![1];
      expect(key.policy).toBeUndefined();
      expect(JSON.parse(onlyResource(plain, 'aws_s3_bucket_policy').policy).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['DenyInsecureTransport']);
    });

    test.each([
      ['an 11-digit account', { principal: '11112222333', prefixes: ['people/'] }, /writers\[0\]\.principal "11112222333" must be a 12-digit AWS account id .* or an IAM role ARN/],
      ['a user ARN', { principal: 'arn:aws:iam::111122223333:user/bob', prefixes: ['people/'] }, /writers\[0\]\.principal "arn:aws:iam::111122223333:user\/bob" must be/],
      ['a wildcard principal', { principal: '*', prefixes: ['people/'] }, /writers\[0\]\.principal "\*" must be/],
      ['an unrouted prefix', { principal: '111122223333', prefixes: ['orders/'] }, /writers\[0\]\.prefixes: "orders\/" is not a routed prefix or under one \(routes: "people\/", "people\/archive\/", "events\/"\)/],
      ['a wildcard prefix', { principal: '111122223333', prefixes: ['people/*'] }, /writers\[0\]\.prefixes: "people\/\*" is not a routed prefix/],
      ['no prefixes', { principal: '111122223333', prefixes: [] }, /writers\[0\]\.prefixes is empty/],
    ])('fails at synth on %s', (_label, writer, message) => {
      expect(() => build({ writers: [writer] })).toThrow(message);
    });

    test('fails with an adopted bucket, whose policies the module does not own', () => {
      expect(() => build({ existingBucket: { name: 'legacy-drop-zone' }, notifications: 'eventbridge', writers: [{ principal: '111122223333', prefixes: ['people/'] }] })).toThrow(
        /writers change the bucket's policy and its key's policy/,
      );
    });
  });
});

describe('S3ToPostgresPipeline: notifications through EventBridge', () => {
  const eventPattern = (json: ReturnType<typeof synthJson>) => JSON.parse(onlyResource(json, 'aws_cloudwatch_event_rule').event_pattern);

  test('an adopted bucket needs an explicit choice: the error names both modes and what "s3" replaces', () => {
    expect(() => build({ existingBucket: { name: 'legacy-drop-zone' } })).toThrow(
      'existingBucket "legacy-drop-zone" needs notifications: "eventbridge" (the bucket owner enables EventBridge delivery once; the bucket\'s other notifications stay) or "s3" (this module writes the bucket\'s notification configuration, REPLACING every notification the bucket has: only for a bucket nothing else listens to).',
    );
  });

  test('adopted bucket, "eventbridge": no aws_s3_bucket_notification at all, a rule on Object Created under the routed prefixes and suffixes of that bucket', () => {
    const json = build({ existingBucket: { name: 'legacy-drop-zone' }, notifications: 'eventbridge', suffixes: ['.csv', '.CSV'] }).json();
    // Any aws_s3_bucket_notification (even eventbridge = true) would replace the owner's whole configuration.
    expect(resources(json, 'aws_s3_bucket_notification')).toHaveLength(0);
    expect(resources(json, 'aws_s3_bucket')).toHaveLength(0);
    expect(eventPattern(json)).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: ['legacy-drop-zone'] },
        // people/archive/ is inside people/: collapsed as for S3 filters; the Lambda picks the longest route.
        object: { key: [{ wildcard: 'events/*.csv' }, { wildcard: 'events/*.CSV' }, { wildcard: 'people/*.csv' }, { wildcard: 'people/*.CSV' }] },
      },
    });
    expect(onlyResource(json, 'aws_cloudwatch_event_rule').name).toBe('demo-staging-csv-loader-object-created');
  });

  test('the rule targets the loader, and only that rule may invoke it through EventBridge (no S3 permission)', () => {
    const json = build({ existingBucket: { name: 'legacy-drop-zone' }, notifications: 'eventbridge' }).json();
    const ruleKey = Object.keys(json.resource.aws_cloudwatch_event_rule)[0];
    const target = onlyResource(json, 'aws_cloudwatch_event_target');
    expect(target.rule).toBe(`\${aws_cloudwatch_event_rule.${ruleKey}.name}`);
    expect(target.arn).toMatch(/^\$\{aws_lambda_function\.pipeline_loader_function_[A-F0-9]+\.arn\}$/);
    expect(onlyResource(json, 'aws_lambda_permission')).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      source_arn: `\${aws_cloudwatch_event_rule.${ruleKey}.arn}`,
    });
    // The loader's async settings (retries, max age, DLQ) apply to EventBridge invocations too.
    expect(resources(json, 'aws_lambda_function_event_invoke_config')).toHaveLength(1);
    expect(checkStack('test', json as any).findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('the module\'s own bucket with "eventbridge" switches EventBridge delivery on, with no Lambda destination', () => {
    const json = build({ notifications: 'eventbridge' }).json();
    const notification = onlyResource(json, 'aws_s3_bucket_notification');
    expect(notification.eventbridge).toBe(true);
    expect(notification.lambda_function).toBeUndefined();
    expect(eventPattern(json).detail.bucket.name).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\..*\.bucket\}$/)]);
    expect(checkStack('test', json as any).findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('the module\'s own bucket defaults to "s3": a Lambda notification and no rule', () => {
    const json = build().json();
    expect(onlyResource(json, 'aws_s3_bucket_notification').lambda_function).toHaveLength(2);
    expect(resources(json, 'aws_cloudwatch_event_rule')).toHaveLength(0);
  });

  test('"*" or "\\" in a suffix is refused with "eventbridge" (the wildcard pattern would read it)', () => {
    expect(() => build({ notifications: 'eventbridge', suffixes: ['.c*v'] })).toThrow('suffix ".c*v" holds "*" or "\\"');
  });
});
