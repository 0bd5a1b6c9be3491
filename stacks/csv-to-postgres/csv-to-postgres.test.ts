import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from '../../modules/core';
import { CONFIG } from './config';
import { CsvToPostgresStack } from './stack';
import { checkStack } from '../../tools/policy-check/engine';
import { resources, SynthJson } from '../../test/helpers/synth';

describe('csv-to-postgres example: the pipeline beside the database', () => {
  const stack = new CsvToPostgresStack(Testing.app(), 'csv-to-postgres-staging', CONFIG.staging);
  const json = JSON.parse(Testing.synth(stack, true)) as SynthJson;

  test('routes people/ and events/ into the app user schema, with the ledger there too', () => {
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'csvload-staging-csv-loader')!;
    expect(JSON.parse(loader.environment.variables.TABLE_ROUTES)).toEqual([
      { prefix: 'people/', table: 'landing.people', mode: 'replace' },
      { prefix: 'events/', table: 'landing.events', mode: 'append' },
    ]);
    expect(loader.environment.variables.LEDGER_TABLE).toBe('landing.s3_load_ledger');
    expect(loader.environment.variables.DB_SECRET_ARN).toMatch(/aws_secretsmanager_secret\./);
  });

  test('the landing tables come from sql/landing-tables.sql, created as the loader; reporting may only read them', () => {
    const plan = JSON.parse(Object.values(json.resource.aws_lambda_invocation as Record<string, { input: string }>)[0].input);
    const sql = fs.readFileSync(path.join(__dirname, 'sql', 'landing-tables.sql'), 'utf8');
    expect(plan.schemaFiles).toEqual([{ name: 'stacks/csv-to-postgres/sql/landing-tables.sql', sql, sha256: createHash('sha256').update(sql).digest('hex'), owner: 'loader' }]);
    expect(plan.users).toEqual([
      { username: 'loader', secretArn: expect.stringMatching(/app-user-secret/), iam: false, schemas: ['landing'] },
      { username: 'reporting', secretArn: expect.stringMatching(/login-reporting-secret/), iam: false, schemas: [], grants: [{ schema: 'landing', privilege: 'read' }] },
    ]);
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'csvload-staging-csv-loader')!;
    expect(loader.environment.variables.DB_SECRET_ARN).toMatch(/app-user-secret/);
  });

  test('the partner account may write under events/ only, through the bucket policy and the landing key', () => {
    const policy = JSON.parse(Object.values(json.resource.aws_s3_bucket_policy as Record<string, { policy: string }>)[0].policy);
    const partner = policy.Statement.find((s: { Sid: string }) => s.Sid === 'PartnerWrite0');
    expect(partner).toEqual({
      Sid: 'PartnerWrite0',
      Effect: 'Allow',
      Principal: { AWS: 'arn:${data.aws_partition.partition.partition}:iam::444455556666:root' },
      Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: [expect.stringMatching(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\/events\/\*$/)],
    });
    const keys = Object.values(json.resource.aws_kms_key as Record<string, { policy?: string; description: string }>).filter((k) => k.description.startsWith('Encrypts CSV files landing'));
    expect(keys).toHaveLength(1);
    expect(JSON.parse(keys[0].policy!).Statement[1]).toMatchObject({ Sid: 'PartnerWritesThroughS3', Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com' } } });
  });

  test('outputs the bucket, loader, dead-letter queue and alarm topic (handles only)', () => {
    expect(Object.keys(json.output ?? {})).toEqual(
      expect.arrayContaining(['landing_bucket_name', 'loader_function_name', 'loader_dead_letter_queue_url', 'loader_alarm_topic_arn']),
    );
  });

  test('staging alarms reach nobody by email; production subscribes the on-call address to the loader\'s topic', () => {
    expect(resources(json, 'aws_sns_topic_subscription')).toEqual([]);
    const prod = JSON.parse(Testing.synth(new CsvToPostgresStack(Testing.app(), 'csv-to-postgres-production', CONFIG.production), true)) as SynthJson;
    const [topicKey] = Object.keys(prod.resource.aws_sns_topic);
    expect(resources(prod, 'aws_sns_topic_subscription')).toEqual([
      { topic_arn: `\${aws_sns_topic.${topicKey}.arn}`, protocol: 'email', endpoint: 'data-platform-oncall@example.com' },
    ]);
    expect(resources(prod, 'aws_cloudwatch_metric_alarm').every((a) => a.alarm_actions.includes(`\${aws_sns_topic.${topicKey}.arn}`))).toBe(true);
    expect(checkStack('csv-to-postgres-production', prod as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });

  test('passes every policy rule', () => {
    expect(checkStack(stack.node.id, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('csv-to-postgres example on an existing database (existingDatabase)', () => {
  const SG = 'sg-0fedcba9876543210';
  const SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:landing-loader-AbCdEf';
  const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
  const stack = new CsvToPostgresStack(Testing.app(), 'csv-to-postgres-adopted-staging', {
    ...CONFIG.staging,
    existingDatabase: {
      network: {
        vpcId: 'vpc-0abc1234def567890',
        privateSubnets: [
          { id: 'subnet-0aaa1111bbbb2222c', availabilityZone: 'eu-west-2a' },
          { id: 'subnet-0ddd3333eeee4444f', availabilityZone: 'eu-west-2b' },
        ],
        privateRouteTableIds: ['rtb-0aaa1111bbbb2222c', 'rtb-0ddd3333eeee4444f'],
      },
      address: 'landing.cluster-abc123xyz.eu-west-2.rds.amazonaws.com',
      engine: 'aurora-postgresql',
      securityGroupId: SG,
      loaderSecretArn: SECRET,
      secretKmsKeyArn: KEY,
      connectionBudget: 400,
    },
  });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthJson;

  test('creates no VPC, database or logins, and no bootstrap: only the pipeline', () => {
    for (const type of ['aws_vpc', 'aws_db_instance', 'aws_rds_cluster', 'aws_secretsmanager_secret']) expect(resources(json, type)).toEqual([]);
    expect(resources(json, 'aws_lambda_function').map((f) => f.function_name)).toEqual(['csvload-staging-csv-loader']);
  });

  test('the loader logs in as loader with the given secret and key, in the given subnets, admitted on the given group', () => {
    const loader = resources(json, 'aws_lambda_function')[0];
    expect(loader.environment.variables).toMatchObject({ PGHOST: 'landing.cluster-abc123xyz.eu-west-2.rds.amazonaws.com', PGPORT: '5432', PGDATABASE: 'landing', DB_SECRET_ARN: SECRET });
    expect(loader.vpc_config.subnet_ids).toEqual(['subnet-0aaa1111bbbb2222c', 'subnet-0ddd3333eeee4444f']);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === SG)).toEqual([
      expect.objectContaining({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' }),
    ]);
    const statements = resources(json, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement);
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().includes(KEY))).toBe(true);
    expect(Object.keys(json.output ?? {}).sort()).toEqual(['landing_bucket_name', 'loader_alarm_topic_arn', 'loader_dead_letter_queue_url', 'loader_function_name']);
  });

  test('passes every policy rule', () => {
    expect(checkStack(stack.node.id, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('csv-to-postgres example on an adopted landing bucket with EventBridge notifications (existingLandingBucket)', () => {
  // The bucket belongs to another team and feeds other consumers: the pipeline routes S3's EventBridge events instead
  // of writing the bucket's notification configuration (which S3 keeps one of per bucket, replaced whole on each write).
  const BUCKET = 'partner-drop-eu-west-2';
  const KEY = 'arn:aws:kms:eu-west-2:111122223333:key/1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0';
  const stack = new CsvToPostgresStack(Testing.app(), 'csv-to-postgres-adopted-bucket-staging', {
    ...CONFIG.staging,
    // Partners are granted in the bucket owner's policies, not by this stack.
    partnerWriters: undefined,
    existingLandingBucket: { name: BUCKET, kmsKeyArn: KEY, notifications: 'eventbridge' },
  });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthJson;

  test('creates no bucket and no bucket notification: an EventBridge rule matches the bucket and the routed prefixes', () => {
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_notification', 'aws_s3_bucket_policy']) expect(resources(json, type)).toEqual([]);
    const rules = resources(json, 'aws_cloudwatch_event_rule').filter((r) => JSON.parse(r.event_pattern).source?.[0] === 'aws.s3');
    expect(rules).toHaveLength(1);
    const pattern = JSON.parse(rules[0].event_pattern);
    expect(pattern['detail-type']).toEqual(['Object Created']);
    expect(pattern.detail.bucket.name).toEqual([BUCKET]);
    expect(JSON.stringify(pattern.detail.object.key)).toContain('people/');
    expect(JSON.stringify(pattern.detail.object.key)).toContain('events/');
    const [ruleKey] = Object.entries(json.resource.aws_cloudwatch_event_rule).find(([, r]) => r === rules[0]) ?? [];
    const targets = resources(json, 'aws_cloudwatch_event_target').filter((t) => t.rule === `\${aws_cloudwatch_event_rule.${ruleKey}.name}`);
    expect(targets).toHaveLength(1);
    expect(targets[0].arn).toMatch(/^\$\{aws_lambda_function\.[^}]+\.arn\}$/);
  });

  test('only that rule may invoke the loader, through events.amazonaws.com; the loader may decrypt with the bucket\'s key', () => {
    const [loaderKey] = Object.entries(json.resource.aws_lambda_function).find(([, f]) => f.function_name === 'csvload-staging-csv-loader')!;
    const permissions = resources(json, 'aws_lambda_permission').filter((p) => String(p.function_name).includes(`aws_lambda_function.${loaderKey}.`));
    expect(permissions.map((p) => p.principal)).toContain('events.amazonaws.com');
    expect(permissions.map((p) => p.principal)).not.toContain('s3.amazonaws.com');
    expect(permissions.find((p) => p.principal === 'events.amazonaws.com')!.source_arn).toMatch(/^\$\{aws_cloudwatch_event_rule\.[^}]+\.arn\}$/);
    const statements = resources(json, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement);
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().includes(KEY))).toBe(true);
  });

  test('passes every policy rule', () => {
    expect(checkStack(stack.node.id, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('csv-to-postgres example with the loader\'s password rotated by alternating users (loaderRotationStrategy)', () => {
  const stack = new CsvToPostgresStack(Testing.app(), 'csv-to-postgres-alternating-staging', { ...CONFIG.staging, loaderRotationStrategy: 'alternating-users' });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthJson;

  test('the loader\'s secret is rotated by a function in alternating-users mode; the bootstrap creates loader_clone; reporting stays single-user', () => {
    const rotations = resources(json, 'aws_secretsmanager_secret_rotation');
    const loaderRotation = rotations.find((r) => /app-user-secret/.test(r.secret_id))!;
    expect(loaderRotation).toBeDefined();
    const fnKey = /^\$\{aws_lambda_function\.([^}]+)\.arn\}$/.exec(loaderRotation.rotation_lambda_arn)![1];
    expect(json.resource.aws_lambda_function[fnKey].environment.variables.ROTATION_STRATEGY).toBe('alternating-users');
    const reportingRotation = rotations.find((r) => /login-reporting-secret/.test(r.secret_id))!;
    const reportingFn = /^\$\{aws_lambda_function\.([^}]+)\.arn\}$/.exec(reportingRotation.rotation_lambda_arn)![1];
    expect(json.resource.aws_lambda_function[reportingFn].environment.variables).not.toHaveProperty('ROTATION_STRATEGY');
    const plan = JSON.parse(Object.values(json.resource.aws_lambda_invocation as Record<string, { input: string }>)[0].input);
    expect(plan.users.find((u: { username: string }) => u.username === 'loader')).toMatchObject({ alternate: true });
    expect(plan.users.find((u: { username: string }) => u.username === 'reporting').alternate ?? false).toBe(false);
    // The loader still logs in with the same (now alternating) secret.
    const loader = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'csvload-staging-csv-loader')!;
    expect(loader.environment.variables.DB_SECRET_ARN).toMatch(/app-user-secret/);
  });

  test('passes every policy rule', () => {
    expect(checkStack(stack.node.id, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});
