import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import {
  bundleLambda,
  Connections,
  deterministicZip,
  IConnectable,
  newAlarmTopic,
  AlarmSubscription,
  NodejsLambda,
  requirePrivateSubnets,
  SecureBucket,
  ServiceRole,
  newSecurityGroup,
} from '../../../modules/core';
import { policyStatements, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const FIXTURE = path.resolve(__dirname, '../../helpers/fixture-lambda');

class Box extends Construct implements IConnectable {
  readonly connections: Connections;
  constructor(scope: Construct, id: string, port?: number) {
    super(scope, id);
    const sg = newSecurityGroup(this, 'sg', { name: id, description: `test ${id}`, vpcId: 'vpc-1' });
    this.connections = new Connections(this, { securityGroupId: sg.id, defaultPort: port, description: id });
  }
}

describe('MigrationStack', () => {
  test('sets default tags, S3 backend with lock file, the CLI version lock files need, and waivers as a comment', () => {
    const stack = testStack({ backend: { bucket: 'state-bucket' }, policyWaivers: { 'SECRETS-ROTATION': 'on-premises login; rotated by the DBA team' } });
    const json = synthJson(stack);
    const provider = (json as any).provider.aws[0];
    expect(provider.default_tags[0].tags).toMatchObject({ project: 'demo', environment: 'staging', 'managed-by': 'cdktf' });
    expect(json.terraform!.backend.s3).toMatchObject({ bucket: 'state-bucket', key: 'demo/staging/terraform.tfstate', encrypt: true, use_lockfile: true });
    expect((json.terraform as Record<string, unknown>).required_version).toBe('>= 1.11.0');
    // Not a local: Terraform would see an unused declaration (tflint terraform_unused_declarations).
    expect(json.locals).toBeUndefined();
    expect((json as any)['//'].policy_waivers).toEqual({ 'SECRETS-ROTATION': 'on-premises login; rotated by the DBA team' });
  });

  test('waivePolicy writes a per-resource waiver keyed by the resource address', () => {
    const stack = testStack();
    const sg = newSecurityGroup(stack, 'sg', { name: 'x', description: 'x', vpcId: 'vpc-1' });
    stack.waivePolicy('SG-DESCRIBED', sg, 'described elsewhere by the network team, on purpose');
    expect((synthJson(stack) as any)['//'].policy_waivers).toEqual({ [`SG-DESCRIBED:aws_security_group.${sg.friendlyUniqueId}`]: 'described elsewhere by the network team, on purpose' });
    expect(() => stack.waivePolicy('all', sg, 'a reason that is long enough')).toThrow(/"all" is not a rule id/);
  });

  test('fails when a waiver has no real reason', () => {
    expect(() => testStack({ policyWaivers: { 'S3-SSE': 'x' } })).toThrow(/policy waiver S3-SSE needs a reason/);
  });
});

describe('Connections', () => {
  test('writes security-group-referencing ingress and egress rules with descriptions, once per peer and port', () => {
    const stack = testStack();
    const db = new Box(stack, 'db', 5432);
    const app = new Box(stack, 'app');
    db.connections.allowDefaultPortFrom(app);
    db.connections.allowDefaultPortFrom(app);
    const json = synthJson(stack);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(ingress).toHaveLength(1);
    expect(egress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(ingress[0].security_group_id).toContain('db_sg');
    expect(ingress[0].referenced_security_group_id).toContain('app_sg');
    expect(ingress[0].cidr_ipv4).toBeUndefined();
    // Both rules say who connects to whom, the client first (the egress on app's group once read "To app to db").
    expect(ingress[0].description).toBe('From app to db');
    expect(egress[0].description).toBe('From app to db');
    expect(egress[0].security_group_id).toContain('app_sg');
    expect(egress[0].referenced_security_group_id).toContain('db_sg');
  });

  test('a purpose follows the from/to, and the description is cut to the 255 characters AWS allows', () => {
    const stack = testStack();
    const db = new Box(stack, 'db', 5432);
    db.connections.allowFrom(new Box(stack, 'rotator'), 5432, 'rotates the app password');
    db.connections.allowFrom(new Box(stack, 'long'), 5432, 'x'.repeat(300));
    const json = synthJson(stack);
    const all = [...resources(json, 'aws_vpc_security_group_ingress_rule'), ...resources(json, 'aws_vpc_security_group_egress_rule')].map((r) => r.description);
    expect(all.filter((d) => d.startsWith('From rotator'))).toEqual(['From rotator to db: rotates the app password', 'From rotator to db: rotates the app password']);
    expect(all.filter((d) => d.startsWith('From long')).map((d) => d.length)).toEqual([255, 255]);
  });

  test('fails when admitting on a default port that does not exist', () => {
    const stack = testStack();
    expect(() => new Box(stack, 'a').connections.allowDefaultPortFrom(new Box(stack, 'b'))).toThrow(/has no default port/);
  });
});

describe('requirePrivateSubnets', () => {
  test('returns one plan-time precondition per subnet that it maps no public IPs, reading a subnet lookup', () => {
    const stack = testStack();
    const checks = requirePrivateSubnets(stack, TWO_AZ_NETWORK.privateSubnets);
    const lookups = Object.keys(synthJson(stack).data!.aws_subnet);
    expect(lookups).toHaveLength(2);
    expect(checks.map((c) => c.condition)).toEqual(lookups.map((name) => `\${data.aws_subnet.${name}.map_public_ip_on_launch == false}`));
    expect(checks[0].errorMessage).toBe(`test: subnet \${data.aws_subnet.${lookups[0]}.id} maps public IPs on launch; pass private subnets only.`);
  });

  test('fails when subnets are all in one availability zone', () => {
    const stack = testStack();
    expect(() =>
      requirePrivateSubnets(stack, [
        { id: 'a', availabilityZone: 'eu-west-2a' },
        { id: 'b', availabilityZone: 'eu-west-2a' },
      ]),
    ).toThrow(/subnets must span >= 2 availability zones; got eu-west-2a/);
  });

  test('fails when there is only one subnet', () => {
    expect(() => requirePrivateSubnets(testStack(), [{ id: 'a' }])).toThrow(/at least 2 availability zones; got 1 subnet/);
  });
});

describe('ServiceRole', () => {
  test('trust names the service and pins the account; policy is rendered from statements', () => {
    const stack = testStack();
    const role = new ServiceRole(stack, 'role', { name: 'r', servicePrincipal: 'glue.amazonaws.com', description: 'test' });
    role.addToPolicy({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] });
    const json = synthJson(stack);
    const trust = JSON.parse(resources(json, 'aws_iam_role')[0].assume_role_policy);
    expect(trust.Statement[0].Principal).toEqual({ Service: 'glue.amazonaws.com' });
    expect(trust.Statement[0].Condition.StringEquals['aws:SourceAccount']).toMatch(/data.aws_caller_identity/);
    expect(policyStatements(json)).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]);
  });

  test('fails when an action that can be scoped is granted on "*"', () => {
    const role = new ServiceRole(testStack(), 'role', { name: 'r', servicePrincipal: 'glue.amazonaws.com', description: 'test' });
    expect(() => role.addToPolicy({ actions: ['s3:GetObject'], resources: ['*'] })).toThrow(/s3:GetObject must be scoped to resources/);
    expect(() => role.addToPolicy({ actions: ['s3:*'], resources: ['arn:aws:s3:::b'] })).toThrow(/wildcard actions/);
  });

  test('fails when a broad managed policy is attached', () => {
    expect(
      () => new ServiceRole(testStack(), 'role', { name: 'r', servicePrincipal: 'glue.amazonaws.com', description: 't', managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3FullAccess'] }),
    ).toThrow(/too broad/);
  });
});

describe('Lambda bundling', () => {
  test('the zip is deterministic, valid and hashed as Lambda reports CodeSha256', () => {
    const a = deterministicZip([{ name: 'index.js', data: Buffer.from('exports.handler=1') }]);
    const b = deterministicZip([{ name: 'index.js', data: Buffer.from('exports.handler=1') }]);
    expect(a.equals(b)).toBe(true);
    const bundle = bundleLambda(FIXTURE);
    const bytes = fs.readFileSync(bundle.zipPath);
    expect(createHash('sha256').update(bytes).digest('base64')).toBe(bundle.sha256Base64);
    const listing = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip() or "ok"); print(sorted(z.namelist()))', bundle.zipPath]).toString();
    expect(listing).toContain('ok');
    expect(listing).toContain("['index.js', 'index.js.map']");
  });

  test('the bundle runs and exports the handler', async () => {
    const bundle = bundleLambda(FIXTURE);
    const js = execFileSync('python3', ['-c', 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("index.js").decode())', bundle.zipPath]).toString();
    const mod: { exports: any } = { exports: {} };
    new Function('module', 'exports', 'require', js)(mod, mod.exports, require);
    await expect(mod.exports.handler({ name: 'kit' })).resolves.toEqual({ greeting: 'hello kit' });
  });

  test('fails when the handler file does not exist', () => {
    expect(() => bundleLambda('no-such-lambda')).toThrow(/lambdas\/no-such-lambda\/handler.ts does not exist/);
  });
});

describe('NodejsLambda', () => {
  test('nodejs22.x with tracing, explicit limits, its own log group and a source hash from the zip', () => {
    const stack = testStack();
    const fn = new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'greeter', description: 'test', environment: { TABLE: 'x' } });
    const json = synthJson(stack);
    const lambda = resources(json, 'aws_lambda_function')[0];
    expect(lambda).toMatchObject({
      function_name: 'demo-staging-greeter',
      runtime: 'nodejs22.x',
      timeout: 60,
      memory_size: 512,
      tracing_config: { mode: 'Active' },
      source_code_hash: fn.bundle.sha256Base64,
    });
    expect(lambda.environment.variables).toEqual({ NODE_OPTIONS: '--enable-source-maps', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem', TABLE: 'x' });
    expect(resources(json, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/lambda/demo-staging-greeter', retention_in_days: 30 });
    const actions = policyStatements(json).flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
    expect(actions).not.toContain('ec2:CreateNetworkInterface');
  });

  test('in a VPC: own security group, HTTPS egress only, admitted to the AWS API endpoints', () => {
    const stack = testStack();
    new NodejsLambda(stack, 'fn', {
      entry: FIXTURE,
      component: 'writer',
      description: 'test',
      network: { ...TWO_AZ_NETWORK, apiEndpointsSecurityGroupId: 'sg-endpoints' },
      databaseWriter: true,
      reservedConcurrency: 5,
    });
    const json = synthJson(stack);
    const lambda = resources(json, 'aws_lambda_function')[0];
    expect(lambda.vpc_config.subnet_ids).toEqual(['subnet-aaaa', 'subnet-bbbb']);
    expect(lambda.reserved_concurrent_executions).toBe(5);
    expect(lambda.tags).toEqual({ 'kit:database-writer': 'true' });
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ security_group_id: 'sg-endpoints', from_port: 443 });
  });

  test('fails when an environment variable carries a secret', () => {
    expect(() => new NodejsLambda(testStack(), 'fn', { entry: FIXTURE, component: 'x', description: 'x', environment: { DB_PASSWORD: 'hunter2' } })).toThrow(
      /environment variable DB_PASSWORD looks like a secret/,
    );
    expect(
      () => new NodejsLambda(testStack(), 'fn', { entry: FIXTURE, component: 'x', description: 'x', environment: { DATABASE_URL: 'postgres://u:pw@host/db' } }),
    ).toThrow(/holds a URL with credentials/);
  });

  test('fails when a database writer has no network or no concurrency limit', () => {
    expect(() => new NodejsLambda(testStack(), 'fn', { entry: FIXTURE, component: 'x', description: 'x', databaseWriter: true, reservedConcurrency: 2 })).toThrow(
      /must run in the VPC/,
    );
    expect(() => new NodejsLambda(testStack(), 'fn', { entry: FIXTURE, component: 'x', description: 'x', databaseWriter: true, network: TWO_AZ_NETWORK })).toThrow(
      /needs `reservedConcurrency`/,
    );
  });

  test('async invocations get finite retries and an on-failure queue the role may send to', () => {
    const stack = testStack();
    const fn = new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'x', description: 'x' });
    fn.configureAsyncInvoke({ onFailure: { queueArn: 'arn:aws:sqs:eu-west-2:1:dlq' }, retryAttempts: 1 });
    const json = synthJson(stack);
    expect(resources(json, 'aws_lambda_function_event_invoke_config')[0]).toMatchObject({
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: 'arn:aws:sqs:eu-west-2:1:dlq' } },
    });
    expect(policyStatements(json)).toContainEqual({ Sid: 'OnFailureDestination', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-2:1:dlq' });
  });
});

describe('newAlarmTopic', () => {
  test('an encrypted topic whose key lets only the named publishers of this account use it', () => {
    const stack = testStack();
    newAlarmTopic(stack, { component: 'loader-alarms', description: 'alarms', publishers: ['cloudwatch.amazonaws.com', 'dms.amazonaws.com'] });
    const json = synthJson(stack);
    const topic = resources(json, 'aws_sns_topic')[0];
    expect(topic.name).toBe('demo-staging-loader-alarms');
    expect(topic.kms_master_key_id).toMatch(/aws_kms_key\.alarm-key/);
    const key = resources(json, 'aws_kms_key')[0];
    expect(key.enable_key_rotation).toBe(true);
    const publish = JSON.parse(key.policy).Statement.find((s: any) => s.Sid === 'PublishersUseTheKey');
    expect(publish.Principal.Service).toEqual(['cloudwatch.amazonaws.com', 'dms.amazonaws.com']);
    expect(publish.Condition.StringEquals['aws:SourceAccount']).toMatch(/aws_caller_identity/);
  });

  const subscribed = (subscriptions: AlarmSubscription[]) => {
    const stack = testStack();
    newAlarmTopic(stack, { component: 'loader-alarms', description: 'alarms', subscriptions });
    return synthJson(stack).resource.aws_sns_topic_subscription ?? {};
  };

  test('subscribes email addresses and HTTPS endpoints to the topic, each named after its endpoint', () => {
    const email = { protocol: 'email', endpoint: 'oncall@example.com' } as const;
    const hook = { protocol: 'https', endpoint: 'https://events.pagerduty.com/integration/abc/enqueue', endpointAutoConfirms: true } as const;
    const subs = subscribed([email, hook]);
    expect(Object.values(subs)).toEqual([
      { topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.alarms\.arn\}$/), protocol: 'email', endpoint: 'oncall@example.com' },
      { topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.alarms\.arn\}$/), protocol: 'https', endpoint: hook.endpoint, endpoint_auto_confirms: true },
    ]);
    // Reordering (or adding one in front) renames nothing.
    expect(Object.keys(subscribed([hook, email])).sort()).toEqual(Object.keys(subs).sort());
    expect(subscribed([])).toEqual({});
  });

  test.each([
    [[{ protocol: 'email', endpoint: 'oncall' }], 'subscriptions: email endpoint "oncall" is not an email address'],
    [[{ protocol: 'https', endpoint: 'http://hooks.example.com/sns' }], 'subscriptions: https endpoint "http://hooks.example.com/sns" must be an https:// URL'],
    [[{ protocol: 'https', endpoint: 'hooks.example.com' }], 'must be an https:// URL'],
    [[{ protocol: 'email', endpoint: 'a@example.com', endpointAutoConfirms: true }], 'endpointAutoConfirms applies to https endpoints only'],
    [[{ protocol: 'email', endpoint: 'a@example.com' }, { protocol: 'email', endpoint: 'a@example.com' }], 'subscriptions lists email:a@example.com twice'],
    [[{ protocol: 'sms', endpoint: '+441234567890' }], 'protocol "sms" is not supported; use "email" or "https"'],
  ])('fails when subscriptions are %j', (subscriptions, message) => {
    expect(() => subscribed(subscriptions as AlarmSubscription[])).toThrow(message);
  });
});

describe('SecureBucket', () => {
  test('encrypted with the CMK, versioned, private, TLS-only, with a lifecycle', () => {
    const stack = testStack();
    new SecureBucket(stack, 'data', { component: 'data', kmsKeyArn: 'arn:aws:kms:eu-west-2:1:key/k', expirations: [{ prefix: 'runs/', days: 14 }] });
    const json = synthJson(stack);
    expect(resources(json, 'aws_s3_bucket')[0].bucket).toBe('demo-staging-data');
    expect(resources(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(resources(json, 'aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
    expect(resources(json, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-2:1:key/k' });
    const rules = resources(json, 'aws_s3_bucket_lifecycle_configuration')[0].rule;
    expect(rules[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    expect(rules[1]).toMatchObject({ filter: [{ prefix: 'runs/' }], expiration: [{ days: 14 }] });
    // The whole statement: a Deny that drops the objects ARN, narrows the action or flips the condition would let
    // plain-HTTP requests through.
    const bucketArn = `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket)[0]}.arn}`;
    expect(JSON.parse(resources(json, 'aws_s3_bucket_policy')[0].policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  const bucketNamed = (props: { bucketName?: string; bucketNameSuffix?: string }, component = 'landing') => {
    const stack = testStack();
    new SecureBucket(stack, 'b', { component, kmsKeyArn: 'k', ...props });
    return resources(synthJson(stack), 'aws_s3_bucket')[0].bucket as string;
  };

  test.each([
    [{}, 'demo-staging-landing'],
    [{ bucketNameSuffix: '123456789012' }, 'demo-staging-landing-123456789012'],
    [{ bucketName: 'acme-partner-drop-eu' }, 'acme-partner-drop-eu'],
    [{ bucketName: 'abc' }, 'abc'],
    [{ bucketName: 'a'.repeat(63) }, 'a'.repeat(63)],
  ])('names the bucket %j -> %s (S3 names are global: a name or a suffix picks a free one)', (props, name) => {
    expect(bucketNamed(props)).toBe(name);
  });

  test.each([
    [{ bucketName: 'ab' }, 'bucketName "ab" is not a valid S3 bucket name: it is 2 characters; S3 allows 3 to 63'],
    [{ bucketName: 'a'.repeat(64) }, 'it is 64 characters; S3 allows 3 to 63'],
    [{ bucketName: 'Billing_Landing' }, 'only lower-case letters, digits, dashes (and dots) are allowed'],
    [{ bucketName: '-billing' }, 'it must start and end with a letter or digit'],
    [{ bucketName: 'billing.prod.landing' }, 'dots break HTTPS virtual-hosted-style requests'],
    [{ bucketName: 'xn--billing' }, 'the prefix "xn--" is reserved by S3'],
    [{ bucketName: 'billing-s3alias' }, 'the suffix "-s3alias" is reserved by S3'],
    [{ bucketNameSuffix: 'Acct_1' }, 'bucketNameSuffix "Acct_1" must be lower-case letters, digits and dashes'],
    [{ bucketNameSuffix: 'x'.repeat(50) }, 'bucket name (generated name + bucketNameSuffix) "demo-staging-landing-xxxx'],
    [{ bucketName: 'a-bucket', bucketNameSuffix: '1' }, 'give bucketName (the whole name) or bucketNameSuffix (appended to the generated one), not both'],
  ])('fails when the name is %j, naming the construct, the value and the rule', (props, message) => {
    expect(() => bucketNamed(props)).toThrow(message);
    expect(() => bucketNamed(props)).toThrow(/^test\/b: /);
  });

  test('a name known only at plan (a token) is not checked at synth', () => {
    const stack = testStack();
    const name = new SecureBucket(stack, 'other', { component: 'other', kmsKeyArn: 'k' }).bucketName;
    expect(() => new SecureBucket(stack, 'b', { component: 'b', kmsKeyArn: 'k', bucketName: `${name}-copy` })).not.toThrow();
  });

  test('fails when an expiration prefix does not end with a slash', () => {
    expect(() => new SecureBucket(testStack(), 'b', { component: 'b', kmsKeyArn: 'k', expirations: [{ prefix: 'runs', days: 1 }] })).toThrow(/expiration prefix "runs" must be a key prefix ending with "\/"/);
  });
});
