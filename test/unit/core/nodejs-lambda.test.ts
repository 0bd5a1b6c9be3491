// Fast tests of modules/core/lambda.ts beyond core.test.ts's: what the execution role may do, which environment
// variables are refused, the limits, the function's settings, async invocation and invoke permissions.
// Each test builds one small stack with the fixture Lambda (bundled once per Jest worker).
import * as path from 'node:path';
import { Connections, NodejsLambda, NodejsLambdaProps, SecureBucket } from '../../../modules/core';
import { onlyResource, policyStatements, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const FIXTURE = path.resolve(__dirname, '../../helpers/fixture-lambda');

function lambda(props: Partial<NodejsLambdaProps> = {}, production = false) {
  const stack = testStack({ production });
  const fn = new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'greeter', description: 'test', ...props });
  return { stack, fn };
}

describe('NodejsLambda execution role', () => {
  test('outside a VPC it may write its own log group and traces, nothing else', () => {
    const { stack } = lambda();
    const json = synthJson(stack);
    const logGroup = Object.keys(json.resource.aws_cloudwatch_log_group)[0];
    expect(policyStatements(json)).toEqual([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${aws_cloudwatch_log_group.${logGroup}.arn}:*` },
      { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ]);
    const role = onlyResource(json, 'aws_iam_role');
    expect(role.name).toBe('demo-staging-greeter-fn');
    expect(role.description).toBe('Execution role of demo-staging-greeter');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  test('in a VPC it may also manage its network interfaces (the actions AWSLambdaVPCAccessExecutionRole grants on "*")', () => {
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
    const { stack } = lambda({ network: TWO_AZ_NETWORK });
    expect(policyStatements(synthJson(stack))).toContainEqual({
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Resource: '*',
    });
  });
});

describe('NodejsLambda environment', () => {
  test.each(['PASSWORD', 'db_password', 'DB_PASSWD', 'API_SECRET', 'SECRET', 'CLIENT_SECRET_VALUE', 'AUTH_TOKEN', 'SSH_PRIVATE_KEY', 'AWS_ACCESS_KEY_ID'])(
    'fails when a variable is named like a secret: %s',
    (name) => {
      expect(() => lambda({ environment: { [name]: 'x' } })).toThrow(
        `test/fn: environment variable ${name} looks like a secret. Store the secret in Secrets Manager and pass its ARN (e.g. DB_SECRET_ARN).`,
      );
    },
  );

  test.each(['DB_SECRET_ARN', 'SECRET_ID', 'SOURCE_SECRET_NAME', 'TABLE', 'KEY_PREFIX'])('accepts the variable %s', (name) => {
    expect(() => lambda({ environment: { [name]: 'x' } })).not.toThrow();
  });

  test.each(['postgres://u:pw@db.internal/app', 'https://user:p%40ss@example.com', 'mysql://root:x@10.0.0.1:3306/db'])('fails when a value is a URL with credentials: %s', (url) => {
    expect(() => lambda({ environment: { TARGET: url } })).toThrow('test/fn: environment variable TARGET holds a URL with credentials. Pass a secret ARN instead.');
  });

  test('fails when a URL with a literal password names a host known only at plan (a token)', () => {
    const stack = testStack();
    const host = new SecureBucket(stack, 'b', { component: 'b', kmsKeyArn: 'k' }).bucketName;
    expect(() => new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'x', description: 'x', environment: { TARGET: `postgres://app:hunter2@${host}/app` } })).toThrow(
      'test/fn: environment variable TARGET holds a URL with credentials. Pass a secret ARN instead.',
    );
  });

  test('fails when the password in a URL is a token: it would be resolved into the environment at plan', () => {
    const stack = testStack();
    const password = new SecureBucket(stack, 'b', { component: 'b', kmsKeyArn: 'k' }).bucket.id;
    expect(() => new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'x', description: 'x', environment: { TARGET: `postgres://app:${password}@db.internal/app` } })).toThrow(
      /holds a URL with credentials/,
    );
  });

  test('a value known only at plan without credentials is accepted', () => {
    const stack = testStack();
    const name = new SecureBucket(stack, 'b', { component: 'b', kmsKeyArn: 'k' }).bucketName;
    expect(() => new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'x', description: 'x', environment: { BUCKET: name, URL: `s3://${name}/in/` } })).not.toThrow();
  });

  test.each(['https://example.com/path', 'postgres://reader@db.internal/app', 'arn:aws:secretsmanager:eu-west-2:1:secret:x', 'a:b@c'])('accepts the value %s', (value) => {
    expect(() => lambda({ environment: { TARGET: value } })).not.toThrow();
  });
});

describe('NodejsLambda limits', () => {
  test.each([
    [{ timeoutSeconds: 0 }, 'test/fn: timeoutSeconds must be an integer from 1 to 900, got 0.'],
    [{ timeoutSeconds: 901 }, 'timeoutSeconds must be an integer from 1 to 900, got 901.'],
    [{ memoryMiB: 127 }, 'memoryMiB must be an integer from 128 to 10240, got 127.'],
    [{ memoryMiB: 10241 }, 'memoryMiB must be an integer from 128 to 10240, got 10241.'],
    [{ reservedConcurrency: 0 }, 'reservedConcurrency must be an integer from 1 to 1000, got 0.'],
    [{ reservedConcurrency: 1001 }, 'reservedConcurrency must be an integer from 1 to 1000, got 1001.'],
  ])('fails when given %j', (props, message) => {
    expect(() => lambda(props)).toThrow(message);
  });

  test('fails when a database writer is outside the VPC or has no concurrency limit, saying what to pass', () => {
    expect(() => lambda({ databaseWriter: true, reservedConcurrency: 2 })).toThrow(
      'test/fn: a database writer must run in the VPC: pass `network` (private subnets of the database VPC).',
    );
    expect(() => lambda({ databaseWriter: true, network: TWO_AZ_NETWORK })).toThrow(
      'test/fn: a database writer needs `reservedConcurrency` within the database connection budget (e.g. database.connectionBudget / 4).',
    );
  });

  test('the given limits, memory and timeout reach the function', () => {
    const { stack } = lambda({ timeoutSeconds: 900, memoryMiB: 10240, reservedConcurrency: 1000 });
    expect(onlyResource(synthJson(stack), 'aws_lambda_function')).toMatchObject({ timeout: 900, memory_size: 10240, reserved_concurrent_executions: 1000 });
  });
});

describe('NodejsLambda function settings', () => {
  test('arm64, index.handler, the execution role, JSON logs to its own group, created after the group, untagged unless a writer', () => {
    const { stack, fn } = lambda();
    const json = synthJson(stack);
    const f = onlyResource(json, 'aws_lambda_function');
    const role = Object.keys(json.resource.aws_iam_role)[0];
    const logGroup = Object.keys(json.resource.aws_cloudwatch_log_group)[0];
    expect(f).toMatchObject({
      description: 'test',
      role: `\${aws_iam_role.${role}.arn}`,
      architectures: ['arm64'],
      handler: 'index.handler',
      logging_config: { log_format: 'JSON', log_group: `\${aws_cloudwatch_log_group.${logGroup}.name}` },
      depends_on: [`aws_cloudwatch_log_group.${logGroup}`],
    });
    expect(f.filename).toMatch(/^assets\/.+\.zip$/);
    expect(f.tags).toBeUndefined();
    expect(f.vpc_config).toBeUndefined();
    expect(fn.functionName).toBe('demo-staging-greeter');
  });

  test('logs are kept 365 days in production; a given retention wins', () => {
    expect(onlyResource(synthJson(lambda({}, true).stack), 'aws_cloudwatch_log_group').retention_in_days).toBe(365);
    expect(onlyResource(synthJson(lambda({ logRetentionDays: 7 }, true).stack), 'aws_cloudwatch_log_group').retention_in_days).toBe(7);
  });

  test("in a VPC: its own security group, named after the function, in the network's VPC and subnets", () => {
    const { stack } = lambda({ network: TWO_AZ_NETWORK });
    const json = synthJson(stack);
    const sg = onlyResource(json, 'aws_security_group');
    expect(sg).toMatchObject({ name: 'demo-staging-greeter-fn', description: 'Lambda demo-staging-greeter', vpc_id: TWO_AZ_NETWORK.vpcId });
    const sgRef = `\${aws_security_group.${Object.keys(json.resource.aws_security_group)[0]}.id}`;
    expect(onlyResource(json, 'aws_lambda_function').vpc_config).toEqual({ subnet_ids: ['subnet-aaaa', 'subnet-bbbb'], security_group_ids: [sgRef] });
    expect(resources(json, 'aws_vpc_security_group_egress_rule').map((r) => [r.security_group_id, r.description])).toEqual([
      [sgRef, 'Lambda demo-staging-greeter to AWS APIs: HTTPS to AWS APIs through the VPC\'s NAT gateway (public AWS endpoints have no fixed addresses a rule could name)'],
    ]);
  });

  test('rules that admit it to a server name the function as the client', () => {
    const { stack, fn } = lambda({ network: TWO_AZ_NETWORK });
    new Connections(stack, { securityGroupId: 'sg-db', description: 'PostgreSQL db' }).allowFrom(fn, 5432, 'loads CSV files');
    const json = synthJson(stack);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => r.description)).toEqual(['From Lambda demo-staging-greeter to PostgreSQL db: loads CSV files']);
  });

  test('fails when a subnet is in a zone of another region, naming the subnet', () => {
    expect(() => lambda({ network: { ...TWO_AZ_NETWORK, privateSubnets: [TWO_AZ_NETWORK.privateSubnets[0], { id: 's', availabilityZone: 'us-east-1b' }] } })).toThrow(
      'network.privateSubnets[1].availabilityZone',
    );
  });

  test('fails when connecting a function that is not in a VPC, saying to pass network', () => {
    const { fn } = lambda();
    expect(() => fn.connections).toThrow('test/fn: this Lambda is not in a VPC; pass `network` to connect it to databases.');
  });
});

describe('NodejsLambda invocation', () => {
  test('async failures may go to an SNS topic: 2 retries by default, and the role may publish there only', () => {
    const { stack, fn } = lambda();
    fn.configureAsyncInvoke({ onFailure: { topicArn: 'arn:aws:sns:eu-west-2:123456789012:failures' }, maxEventAgeSeconds: 60 });
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_lambda_function_event_invoke_config')).toMatchObject({
      function_name: `\${aws_lambda_function.${Object.keys(json.resource.aws_lambda_function)[0]}.function_name}`,
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 60,
      destination_config: { on_failure: { destination: 'arn:aws:sns:eu-west-2:123456789012:failures' } },
    });
    expect(policyStatements(json)).toContainEqual({ Sid: 'OnFailureDestination', Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-2:123456789012:failures' });
  });

  test.each([
    [{ retryAttempts: 3 }, 'test/fn: retryAttempts must be an integer from 0 to 2, got 3.'],
    [{ retryAttempts: -1 }, 'retryAttempts must be an integer from 0 to 2, got -1.'],
    [{ maxEventAgeSeconds: 59 }, 'maxEventAgeSeconds must be an integer from 60 to 21600, got 59.'],
    [{ maxEventAgeSeconds: 21601 }, 'maxEventAgeSeconds must be an integer from 60 to 21600, got 21601.'],
  ])('fails when async invocation is given %j', (props, message) => {
    const { fn } = lambda();
    expect(() => fn.configureAsyncInvoke({ onFailure: { queueArn: 'arn:aws:sqs:eu-west-2:1:dlq' }, ...props })).toThrow(message);
  });

  test('allowInvokeFrom lets one service invoke the function, pinned to the source ARN and account', () => {
    const { stack, fn } = lambda();
    fn.allowInvokeFrom('s3', { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::landing', sourceAccount: '123456789012' });
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_lambda_permission')).toEqual({
      action: 'lambda:InvokeFunction',
      function_name: `\${aws_lambda_function.${Object.keys(json.resource.aws_lambda_function)[0]}.function_name}`,
      principal: 's3.amazonaws.com',
      source_arn: 'arn:aws:s3:::landing',
      source_account: '123456789012',
    });
  });
});
