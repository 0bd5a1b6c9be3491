import { Connections, MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import { buildDefinition, GLUE_SERVICE_ERRORS, GlueEtlPipeline, GlueEtlPipelineProps, TableMapping } from '../../../modules/glue-etl-pipeline';

type Json = Record<string, any>;

const NETWORK: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
};
const TABLES: TableMapping[] = [
  {
    sourceTable: 'shop.orders',
    targetTable: 'shop.customer_order',
    keyColumn: 'order_id',
    columns: [
      { source: 'order_id', target: 'id', type: 'bigint' },
      { source: 'total', type: 'decimal(12,2)' },
    ],
  },
];
const SOURCE_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:mysql-AbCdEf';
const TARGET_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:pg-GhIjKl';

function build(override: Partial<GlueEtlPipelineProps> = {}, production = false) {
  const stack = new MigrationStack(Testing.app(), 'test', {
    project: 'demo',
    environment: production ? 'prod' : 'staging',
    production,
    region: 'eu-west-2',
  });
  const target = { connections: new Connections(stack, { securityGroupId: 'sg-pg', defaultPort: 5432, description: 'pg' }) };
  const pipeline = new GlueEtlPipeline(stack, 'etl', {
    network: NETWORK,
    source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: SOURCE_SECRET, securityGroupId: 'sg-mysql' },
    target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: TARGET_SECRET, secretKmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/pg', database: target },
    tables: TABLES,
    ...override,
  });
  return { stack, pipeline };
}

// One synthesized pipeline shared by the read-only assertions below (synth is the slow part).
const base = build();
const OUT: Json = JSON.parse(Testing.synth(base.stack));
const resources = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});
const definitionOf = (out: Json): Json => JSON.parse(resources(out, 'aws_sfn_state_machine')[0].definition);
const policyOfRole = (out: Json, roleName: string): Json[] => {
  const key = Object.entries(out.resource.aws_iam_role).find(([, r]) => (r as Json).name === roleName)![0];
  return resources(out, 'aws_iam_role_policy')
    .filter((p) => p.role === `\${aws_iam_role.${key}.id}`)
    .flatMap((p) => JSON.parse(p.policy).Statement);
};

describe('GlueEtlPipeline jobs', () => {
  test('three jobs with the security configuration, Glue 5.0 logs and the shared plan arguments', () => {
    const jobs = resources(OUT, 'aws_glue_job');
    expect(jobs.map((j) => j.name).sort()).toEqual(['demo-staging-etl-extract', 'demo-staging-etl-load', 'demo-staging-etl-transform']);
    for (const job of jobs) {
      expect(job.security_configuration).toBe('demo-staging-etl');
      expect(job.glue_version).toBe('5.0');
      // Glue 5.0 logging (<prefix>/error|output); continuous logging is a 4.0 feature. This line used to require it.
      expect(job.default_arguments['--custom-logGroup-prefix']).toBe(`/aws-glue/jobs/${job.name}`);
      expect(job.default_arguments['--enable-continuous-cloudwatch-log']).toBeUndefined();
      // The key is referenced from the plan object, so every job depends on the plan being uploaded.
      expect(job.default_arguments['--plan_uri']).toMatch(/^s3:\/\/\$\{aws_s3_bucket\..+\.bucket\}\/\$\{aws_s3_object\.etl_plan_[0-9A-F]+\.key\}$/);
      expect(job.default_arguments['--run_id']).toBe('manual');
      expect(job.default_arguments['--extra-py-files']).toMatch(/\/scripts\/etl\/etl_common\.py$/);
    }
    const byName = Object.fromEntries(jobs.map((j) => [j.name.replace('demo-staging-etl-', ''), j]));
    expect(byName.extract.connections).toEqual(['demo-staging-etl-source']);
    expect(byName.extract.default_arguments).toMatchObject({
      '--source_jdbc_url': 'jdbc:mysql://mysql.internal:3306/shop',
      '--source_secret_arn': SOURCE_SECRET,
      '--page_size': '100000',
    });
    expect(byName.transform.connections).toBeUndefined();
    expect(byName.load.connections).toEqual(['demo-staging-etl-target']);
    expect(byName.load.default_arguments).toMatchObject({
      '--target_jdbc_url': 'jdbc:postgresql://pg.internal:5432/app',
      '--target_secret_arn': TARGET_SECRET,
      '--batch_size': '5000',
      '--write_parallelism': '4',
    });
  });

  test('the plan object is the validated mapping with its generated SQL, hashed', () => {
    const plan = resources(OUT, 'aws_s3_object').find((o) => o.key === 'plans/etl-plan.json')!;
    const parsed = JSON.parse(plan.content);
    expect(parsed.tables[0].extractSql).toBe('SELECT `order_id`, `total` FROM `shop`.`orders` WHERE `order_id` > {after} ORDER BY `order_id` LIMIT {limit}');
    expect(parsed.tables[0].probeSql).toBe('SELECT * FROM `shop`.`orders` WHERE 1 = 0');
    expect(parsed.tables[0].upsertSql).toMatch(/^INSERT INTO "shop"."customer_order" AS t \("id", "total"\) .* ON CONFLICT \("id"\) DO UPDATE/);
    expect(plan.source_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.server_side_encryption).toBe('aws:kms');
  });

  test('job roles read the plan and scripts, write only runs/, and read only their own database secret', () => {
    const extract = policyOfRole(OUT, 'demo-staging-etl-extract-glue');
    const transform = policyOfRole(OUT, 'demo-staging-etl-transform-glue');
    const load = policyOfRole(OUT, 'demo-staging-etl-load-glue');
    const secretsOf = (statements: Json[]) =>
      statements.filter((s) => ([] as string[]).concat(s.Action).includes('secretsmanager:GetSecretValue')).map((s) => s.Resource);
    expect(secretsOf(extract)).toEqual([SOURCE_SECRET]);
    expect(secretsOf(transform)).toEqual([]);
    expect(secretsOf(load)).toEqual([TARGET_SECRET]);
    const writes = extract.filter((s) => ([] as string[]).concat(s.Action).includes('s3:PutObject')).flatMap((s) => [].concat(s.Resource));
    expect(writes).toEqual([expect.stringMatching(/\/runs\/\*$/)]);
    // The transform job has no connection, so no network-interface permissions.
    expect(transform.some((s) => ([] as string[]).concat(s.Action).includes('ec2:CreateNetworkInterface'))).toBe(false);
  });

  test('staged rows under runs/ expire after 14 days', () => {
    const rules = resources(OUT, 'aws_s3_bucket_lifecycle_configuration')[0].rule;
    expect(rules.find((r: Json) => r.filter[0].prefix === 'runs/')).toMatchObject({ status: 'Enabled', expiration: [{ days: 14 }] });
  });

  test('an existing source is reached through a rule on its security group (ingress there, egress here)', () => {
    const ingress = resources(OUT, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-mysql');
    expect(ingress).toMatchObject({ from_port: 3306, to_port: 3306, ip_protocol: 'tcp' });
    const egress = resources(OUT, 'aws_vpc_security_group_egress_rule').find((r) => r.referenced_security_group_id === 'sg-mysql');
    expect(egress).toMatchObject({ from_port: 3306, to_port: 3306 });
  });

  test('the Glue security group is admitted to the target database on 5432', () => {
    const ingress = resources(OUT, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-pg');
    expect(ingress).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(ingress!.referenced_security_group_id).toMatch(/^\$\{aws_security_group\./);
  });

  test('the key policy admits CloudWatch Logs for Glue and Step Functions log groups', () => {
    const policy = JSON.parse(resources(OUT, 'aws_kms_key')[0].policy);
    const logs = policy.Statement.find((s: Json) => s.Principal.Service === 'logs.eu-west-2.amazonaws.com');
    expect(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toEqual([
      expect.stringMatching(/log-group:\/aws-glue\/\*$/),
      expect.stringMatching(/log-group:\/aws\/vendedlogs\/states\/\*$/),
    ]);
  });
});

describe('GlueEtlPipeline state machine', () => {
  const definition = definitionOf(OUT);

  test('runs Extract -> Transform -> Load as .sync Glue tasks with the execution name as run id', () => {
    expect(definition.StartAt).toBe('Extract');
    const order = ['Extract', 'Transform', 'Load'];
    order.forEach((name, i) => {
      const state = definition.States[name];
      expect(state.Type).toBe('Task');
      expect(state.Resource).toBe('arn:aws:states:::glue:startJobRun.sync');
      expect(state.Parameters.JobName).toBe(`demo-staging-etl-${name.toLowerCase()}`);
      expect(state.Parameters.Arguments).toEqual({ '--run_id.$': '$$.Execution.Name' });
      expect(state.Next).toBe(order[i + 1] ?? 'Succeeded');
      expect(state.TimeoutSeconds).toBe(120 * 60 + 600);
    });
    expect(definition.States.Succeeded.Type).toBe('Succeed');
    expect(definition.TimeoutSeconds).toBeGreaterThan(3 * 3 * 120 * 60);
  });

  test('retries service errors and failed runs with backoff, then catches to the failure notification', () => {
    for (const name of ['Extract', 'Transform', 'Load']) {
      const state = definition.States[name];
      expect(state.Retry[0]).toMatchObject({ ErrorEquals: GLUE_SERVICE_ERRORS, BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(state.Retry[0].ErrorEquals).toContain('Glue.AWSGlueException');
      expect(state.Retry[1]).toMatchObject({ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 2 });
      expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }]);
    }
    const notify = definition.States.NotifyFailure;
    expect(notify.Resource).toBe('arn:aws:states:::sns:publish');
    expect(notify.Parameters.TopicArn).toMatch(/^\$\{aws_sns_topic\./);
    expect(notify.Parameters['Message.$']).toContain('$.error.Cause');
    expect(notify.Next).toBe('Failed');
    expect(notify.Catch[0].Next).toBe('Failed');
    expect(definition.States.Failed).toMatchObject({ Type: 'Fail', Error: 'EtlPipelineFailed' });
  });

  test('logs to its own encrypted log group (ERROR, no execution data) and traces', () => {
    const [machine] = resources(OUT, 'aws_sfn_state_machine');
    expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: false });
    expect(machine.logging_configuration.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/);
    expect(machine.tracing_configuration).toEqual({ enabled: true });
    const group = resources(OUT, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/vendedlogs/states/demo-staging-etl')!;
    expect(group.retention_in_days).toBe(30);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  test('its role may run only the three jobs and publish only to the topic', () => {
    const statements = policyOfRole(OUT, 'demo-staging-etl-states');
    const glue = statements.find((s) => ([] as string[]).concat(s.Action).includes('glue:StartJobRun'))!;
    expect(glue.Action).toEqual(['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun']);
    expect(glue.Resource).toHaveLength(3);
    expect(glue.Resource.every((r: string) => /^\$\{aws_glue_job\..+\.arn\}$/.test(r))).toBe(true);
    expect(statements.find((s) => s.Action === 'sns:Publish')!.Resource).toMatch(/^\$\{aws_sns_topic\./);
    const star = statements.filter((s) => s.Resource === '*');
    expect(star.flatMap((s) => s.Action).every((a: string) => /^(logs:(Create|Get|Update|Delete|List)LogDeliver|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:)/.test(a))).toBe(true);
  });

  test('has no schedule unless asked', () => {
    expect(resources(OUT, 'aws_scheduler_schedule')).toHaveLength(0);
  });
});

describe('GlueEtlPipeline options', () => {
  test('a schedule starts the state machine with retries and a dead-letter queue, through a scoped role', () => {
    const { stack } = build({ schedule: { expression: 'cron(0 2 * * ? *)', timezone: 'Europe/London' }, notificationEmails: ['ops@example.com'] });
    const out = JSON.parse(Testing.synth(stack));
    const [schedule] = resources(out, 'aws_scheduler_schedule');
    expect(schedule).toMatchObject({
      schedule_expression: 'cron(0 2 * * ? *)',
      schedule_expression_timezone: 'Europe/London',
      state: 'ENABLED',
      flexible_time_window: { mode: 'OFF' },
    });
    expect(schedule.target.arn).toMatch(/^\$\{aws_sfn_state_machine\./);
    expect(schedule.target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 });
    expect(schedule.target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\./);
    const role = policyOfRole(out, 'demo-staging-etl-schedule');
    expect(role.map((s) => s.Action)).toEqual(['states:StartExecution', 'sqs:SendMessage']);
    expect(role[0].Resource).toMatch(/^\$\{aws_sfn_state_machine\./);
    expect(resources(out, 'aws_sns_topic_subscription')[0]).toMatchObject({ protocol: 'email', endpoint: 'ops@example.com' });
  });

  test('append tables: extract reads the watermarks, only the load writes them; full-only pipelines get neither', () => {
    const statementsOn = (out: Json, role: string, action: string) =>
      policyOfRole(out, role)
        .filter((s) => ([] as string[]).concat(s.Action).includes(action))
        .flatMap((s) => [].concat(s.Resource));
    expect(statementsOn(OUT, 'demo-staging-etl-extract-glue', 's3:GetObject').some((r: string) => r.includes('state/'))).toBe(false);
    const { stack } = build({ tables: [{ ...TABLES[0], mode: 'append' }] });
    const out = JSON.parse(Testing.synth(stack));
    expect(statementsOn(out, 'demo-staging-etl-extract-glue', 's3:GetObject')).toContainEqual(expect.stringMatching(/\/state\/watermarks\/\*$/));
    expect(statementsOn(out, 'demo-staging-etl-extract-glue', 's3:PutObject').some((r: string) => r.includes('state/'))).toBe(false);
    expect(statementsOn(out, 'demo-staging-etl-load-glue', 's3:PutObject')).toContainEqual(expect.stringMatching(/\/state\/watermarks\/\*$/));
    expect(statementsOn(out, 'demo-staging-etl-transform-glue', 's3:GetObject').some((r: string) => r.includes('state/'))).toBe(false);
  });

  test('retry, sizes and Glue version flow into the jobs and the definition', () => {
    const { stack } = build({
      glueVersion: '4.0',
      extract: { workerType: 'G.2X', numberOfWorkers: 8, timeoutMinutes: 240 },
      retry: { maxAttempts: 0 },
      stateMachineLogLevel: 'ALL',
    });
    const out = JSON.parse(Testing.synth(stack));
    const extract = resources(out, 'aws_glue_job').find((j) => j.name === 'demo-staging-etl-extract')!;
    expect(extract).toMatchObject({ glue_version: '4.0', worker_type: 'G.2X', number_of_workers: 8, timeout: 240 });
    const definition = definitionOf(out);
    expect(definition.States.Extract.TimeoutSeconds).toBe(240 * 60 + 600);
    expect(definition.States.Extract.Retry).toHaveLength(1);
    expect(resources(out, 'aws_sfn_state_machine')[0].logging_configuration.level).toBe('ALL');
  });

  test('fails when load parallelism would take more than half of the target connection budget', () => {
    expect(() =>
      build({
        loadParallelism: 10,
        target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: TARGET_SECRET, securityGroupId: 'sg-pg', connectionBudget: 20 },
      }),
    ).toThrow(/loadParallelism 10 \(\+1 driver connection\) exceeds half of the target's connection budget 20; lower it to at most 9/);
  });

  test.each<[string, Partial<GlueEtlPipelineProps>, RegExp]>([
    ['the mapping is invalid', { tables: [{ ...TABLES[0], keyColumn: 'total' }] }, /test\/etl: mapping: shop\.orders: keyColumn "total" has type decimal\(12,2\)/],
    ['the schedule expression is malformed', { schedule: { expression: 'every day' } }, /schedule\.expression "every day" must be rate\(N unit\), cron\(6 fields\)/],
    ['a notification address is not an email', { notificationEmails: ['ops'] }, /notificationEmails entry "ops" is not an email address/],
    ['the page size is tiny', { pageSize: 10 }, /pageSize must be an integer from 1000 to 10000000, got 10/],
    ['load parallelism exceeds 64', { loadParallelism: 100 }, /loadParallelism must be an integer from 1 to 64, got 100/],
    ['the source has no security-group path', { source: { engine: 'mysql', host: 'm', databaseName: 'shop', secretArn: SOURCE_SECRET } }, /source needs database \(an IConnectable, e\.g\. a PrivatePostgres\) or securityGroupId/],
    ['the target names both a database and a security group', { target: { engine: 'postgresql', host: 'p', databaseName: 'app', secretArn: TARGET_SECRET, securityGroupId: 'sg-1', database: { connections: undefined as never } } }, /target: pass either database or securityGroupId, not both/],
    ['run retention is zero days', { runRetentionDays: 0 }, /runRetentionDays must be an integer from 1 to 365, got 0/],
    ['the backoff rate is below 1', { retry: { backoffRate: 0.5 } }, /retry\.backoffRate must be from 1 to 10, got 0\.5/],
  ])('fails when %s', (_label, override, message) => {
    expect(() => build(override)).toThrow(message);
  });
});

describe('buildDefinition', () => {
  test('chains any number of jobs and bounds the execution by the worst case', () => {
    const definition = buildDefinition({
      jobs: [{ state: 'Only', jobName: 'j', timeoutMinutes: 10 }],
      failureTopicArn: 'arn:aws:sns:eu-west-2:111111111111:t',
      pipelineName: 'p',
      retry: { maxAttempts: 1, intervalSeconds: 30, backoffRate: 2 },
    }) as Json;
    expect(definition.StartAt).toBe('Only');
    expect(definition.States.Only.Next).toBe('Succeeded');
    expect(definition.States.Only.ResultPath).toBe('$.onlyRun');
    // 2 attempts x (600 s + 600 s margin) + 30 s wait + 900 s slack
    expect(definition.TimeoutSeconds).toBe(2 * 1200 + 30 + 900);
  });
});

describe('GlueEtlPipeline failure notifications', () => {
  const rules = resources(OUT, 'aws_cloudwatch_event_rule');
  const topicRef = `\${aws_sns_topic.${base.pipeline.failureTopic.friendlyUniqueId}.arn}`;

  test('failed runs of the three jobs and failed executions reach the failure topic through EventBridge', () => {
    const patterns = rules.map((r) => JSON.parse(r.event_pattern));
    expect(patterns).toContainEqual({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: { jobName: ['demo-staging-etl-extract', 'demo-staging-etl-transform', 'demo-staging-etl-load'], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
    });
    expect(patterns).toContainEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [`\${aws_sfn_state_machine.${base.pipeline.stateMachine.friendlyUniqueId}.arn}`] },
    });
    const targets = resources(OUT, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(2);
    expect(targets.every((t) => t.arn === topicRef && t.input_transformer.input_template.length > 0)).toBe(true);
  });

  test('the topic policy admits EventBridge from those rules, and the topic\'s key lets EventBridge encrypt', () => {
    const [policy] = resources(OUT, 'aws_sns_topic_policy');
    expect(policy.arn).toBe(topicRef);
    const publish = JSON.parse(policy.policy).Statement.find((s: Json) => s.Sid === 'FailureRulesPublish');
    expect(publish.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(publish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(2);
    const topic = resources(OUT, 'aws_sns_topic')[0];
    const keyId = /aws_kms_key\.([^.]+)\.arn/.exec(topic.kms_master_key_id)![1];
    const key = JSON.parse(OUT.resource.aws_kms_key[keyId].policy);
    expect(key.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
    );
  });
});

describe('GlueEtlPipeline data bucket name', () => {
  test('bucketName and bucketNameSuffix name the data bucket (S3 names are global)', () => {
    const whole = JSON.parse(Testing.synth(build({ bucketName: 'acme-etl-data-eu' }).stack));
    expect(resources(whole, 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['acme-etl-data-eu']);
    const suffixed = JSON.parse(Testing.synth(build({ bucketNameSuffix: '111111111111' }).stack));
    expect(resources(suffixed, 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['demo-staging-etl-data-111111111111']);
  });

  test('fails when the bucket name is not a valid S3 name', () => {
    expect(() => build({ bucketName: 'ETL_data' })).toThrow(/bucketName "ETL_data" is not a valid S3 bucket name/);
  });
});
