import { cases, findingsOf, messagesOf, Resources, withAttrs } from './helpers';

const fn = {
  function_name: 'demo-staging-loader',
  runtime: 'nodejs22.x',
  timeout: 60,
  memory_size: 512,
  tracing_config: { mode: 'Active' },
  reserved_concurrent_executions: 5,
  vpc_config: { subnet_ids: ['${aws_subnet.a.id}', '${aws_subnet.b.id}'], security_group_ids: ['${aws_security_group.fn.id}'] },
  environment: { variables: { DB_SECRET_ARN: '${aws_db_instance.db.master_user_secret[0].secret_arn}', TABLE: 'landing.orders' } },
  tags: { 'kit:database-writer': 'true' },
};
const lambda = (changes: Record<string, unknown> = {}): Resources => ({ aws_lambda_function: { loader: withAttrs(fn, changes) } });

describe('Lambda rules', () => {
  test.each(['LAMBDA-RUNTIME', 'LAMBDA-TRACING', 'LAMBDA-VPC', 'LAMBDA-CONCURRENCY', 'LAMBDA-ENV', 'LAMBDA-ASYNC-FAILURE'])('%s passes a compliant database writer', (rule) => {
    expect(findingsOf(rule, lambda())).toEqual([]);
  });

  test.each(cases([
    ['LAMBDA-RUNTIME', { runtime: 'nodejs20.x' }, /runtime is "nodejs20.x" -> set runtime = "nodejs22.x"/],
    ['LAMBDA-RUNTIME', { runtime: 'python3.12' }, /runtime is "python3.12"/],
    ['LAMBDA-RUNTIME', { runtime: undefined }, /runtime is absent/],
    ['LAMBDA-RUNTIME', { timeout: undefined }, /timeout is absent/],
    ['LAMBDA-RUNTIME', { memory_size: '${var.memory}' }, /memory_size is an expression resolved only at plan/],
    ['LAMBDA-TRACING', { tracing_config: undefined }, /tracing_config.mode is absent; must be "Active" -> set tracing_config \{ mode = "Active" \}$/],
    ['LAMBDA-TRACING', { tracing_config: { mode: 'PassThrough' } }, /tracing_config.mode is "PassThrough"/],
    ['LAMBDA-VPC', { vpc_config: undefined }, /vpc_config.subnet_ids is not set -> pass `network` to NodejsLambda so the function runs in the database VPC/],
    ['LAMBDA-VPC', { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'], security_group_ids: [] } }, /vpc_config.security_group_ids is not set -> give the function its own security group \(NodejsLambda does with `network`\)$/],
    ['LAMBDA-CONCURRENCY', { reserved_concurrent_executions: undefined }, /reserved_concurrent_executions is absent on a database writer/],
    ['LAMBDA-CONCURRENCY', { reserved_concurrent_executions: -1 }, /reserved_concurrent_executions is -1/],
    ['LAMBDA-ENV', { environment: { variables: { DB_PASSWORD: '${var.pw}' } } }, /environment variable DB_PASSWORD looks like a secret/],
    ['LAMBDA-ENV', { environment: { variables: { DATABASE_URL: 'postgres://app:s3cret@db:5432/app' } } }, /DATABASE_URL holds a URL with credentials/],
    ['LAMBDA-ENV', { environment: { variables: { DATABASE_URL: 'postgres://app:${random_password.p.result}@db/app' } } }, /holds a URL with credentials/],
    ['LAMBDA-ENV', { environment: { variables: { KEY_ID: 'AKIAABCDEFGHIJKLMNOP' } } }, /KEY_ID holds an AWS access key id/],
  ] as const))('%s fails when %s', (rule, _, changes, message) => {
    expect(messagesOf(rule, lambda(changes))).toMatch(message);
  });

  test('LAMBDA-RUNTIME passes newer Node.js runtimes and names a missing memory_size', () => {
    expect(findingsOf('LAMBDA-RUNTIME', lambda({ runtime: 'nodejs24.x' }))).toEqual([]);
    expect(messagesOf('LAMBDA-RUNTIME', lambda({ memory_size: undefined }))).toMatch(/memory_size is absent -> set an explicit memory_size in MiB/);
    expect(messagesOf('LAMBDA-RUNTIME', lambda({ timeout: undefined }))).toMatch(/timeout is absent -> set an explicit timeout in seconds/);
  });

  test('LAMBDA-ENV: secret ARNs, ids and names are fine; other secret-looking names, credentials in URLs and access keys are not', () => {
    const env = (variables: Record<string, unknown>) => lambda({ environment: { variables } });
    expect(findingsOf('LAMBDA-ENV', env({ API_SECRET_ID: 'x', API_SECRET_NAME: 'y', SECRET_ARN: 'z', ENDPOINT: 'https://db.example.com:5432/app', N: 3 }))).toEqual([]);
    for (const key of ['db_passwd', 'API_TOKEN', 'SSH_PRIVATE_KEY', 'AWS_ACCESS_KEY', 'CLIENT_SECRET']) {
      expect(messagesOf('LAMBDA-ENV', env({ [key]: 'v' }))).toMatch(new RegExp(`environment variable ${key} looks like a secret -> keep the secret in Secrets Manager and pass its ARN`));
    }
    expect(messagesOf('LAMBDA-ENV', env({ SOURCE: 'https://user:pw@example.com/x' }))).toMatch(/SOURCE holds a URL with credentials -> pass the host and a secret ARN instead/);
    expect(messagesOf('LAMBDA-ENV', env({ K: 'ASIAABCDEFGHIJKLMNOP' }))).toMatch(/K holds an AWS access key id -> remove it; the function role supplies credentials/);
    expect(findingsOf('LAMBDA-ENV', env({ K: 'XAKIAABCDEFGHIJKLMNOP', L: 'AKIAABCDEFGHIJKLMNO' }))).toEqual([]);
  });

  test('functions with a DB secret or Neptune endpoint in their environment count as database writers', () => {
    const untagged = { tags: undefined, vpc_config: undefined, reserved_concurrent_executions: undefined };
    expect(messagesOf('LAMBDA-VPC', lambda(untagged))).toMatch(/vpc_config.subnet_ids is not set/);
    expect(messagesOf('LAMBDA-CONCURRENCY', lambda({ ...untagged, environment: { variables: { NEPTUNE_ENDPOINT: '${aws_neptune_cluster.g.endpoint}' } } }))).toMatch(
      /reserved_concurrent_executions is absent/,
    );
    expect(findingsOf('LAMBDA-VPC', lambda({ ...untagged, environment: { variables: { BUCKET: 'x' } } }))).toEqual([]);
    // Nor does a function that writes to no database need reserved concurrency.
    expect(findingsOf('LAMBDA-CONCURRENCY', lambda({ ...untagged, environment: { variables: { BUCKET: 'x' } } }))).toEqual([]);
  });

  describe('LAMBDA-CONCURRENCY connection budget', () => {
    const network = (reserved: number, classes = 'db.t4g.micro'): Resources => ({
      aws_lambda_function: {
        loader: withAttrs(fn, { reserved_concurrent_executions: reserved }),
        other: withAttrs(fn, { function_name: 'other', reserved_concurrent_executions: 50, vpc_config: { subnet_ids: ['a'], security_group_ids: ['${aws_security_group.other.id}'] } }),
      },
      aws_db_instance: { db: { instance_class: classes, engine: 'postgres', vpc_security_group_ids: ['${aws_security_group.db.id}'] } },
      aws_security_group: { fn: { description: 'fn' }, other: { description: 'other' }, db: { description: 'db' } },
      aws_vpc_security_group_ingress_rule: {
        from_fn: { security_group_id: '${aws_security_group.db.id}', referenced_security_group_id: '${aws_security_group.fn.id}', from_port: 5432, to_port: 5432, ip_protocol: 'tcp' },
        from_other: { security_group_id: '${aws_security_group.db.id}', referenced_security_group_id: '${aws_security_group.other.id}', from_port: 5432, to_port: 5432, ip_protocol: 'tcp' },
      },
    });

    test('passes when the writers together fit the estimated max_connections', () => {
      expect(findingsOf('LAMBDA-CONCURRENCY', network(10))).toEqual([]);
    });

    test('fails when the writers reaching one database reserve more than its connections', () => {
      // db.t4g.micro: ~101 connections; 60 + 50 reserved.
      expect(messagesOf('LAMBDA-CONCURRENCY', network(60))).toMatch(
        /aws_lambda_function.loader: database writers reaching aws_db_instance.db reserve 110 concurrent executions \(loader, other\), above its estimated max_connections 101/,
      );
    });

    test('passes when the writers together reserve exactly the estimated max_connections', () => {
      // db.t4g.micro: 101 connections = 51 + 50.
      expect(findingsOf('LAMBDA-CONCURRENCY', network(51))).toEqual([]);
      expect(messagesOf('LAMBDA-CONCURRENCY', network(52))).toMatch(/reserve 102 concurrent executions/);
    });

    test('a reserved concurrency of 1 is a share; 0 reserves nothing and fails', () => {
      expect(findingsOf('LAMBDA-CONCURRENCY', lambda({ reserved_concurrent_executions: 1 }))).toEqual([]);
      expect(messagesOf('LAMBDA-CONCURRENCY', lambda({ reserved_concurrent_executions: 0 }))).toMatch(
        /reserved_concurrent_executions is 0 on a database writer -> set reservedConcurrency to a share of the database connection budget/,
      );
    });

    test('functions that are not database writers do not count against the budget', () => {
      const resources = network(60);
      resources.aws_lambda_function.other = { ...resources.aws_lambda_function.other, tags: {}, environment: { variables: { BUCKET: 'raw' } } };
      expect(findingsOf('LAMBDA-CONCURRENCY', resources)).toEqual([]);
    });

    test('writers reaching an Aurora cluster are held to the cluster\'s budget', () => {
      const resources = network(60);
      delete (resources as Record<string, unknown>).aws_db_instance;
      resources.aws_rds_cluster = { c: { engine: 'aurora-postgresql', vpc_security_group_ids: ['${aws_security_group.db.id}'] } };
      resources.aws_rds_cluster_instance = { w: { cluster_identifier: '${aws_rds_cluster.c.id}', instance_class: 'db.t4g.micro' } };
      expect(messagesOf('LAMBDA-CONCURRENCY', resources)).toMatch(/database writers reaching aws_rds_cluster.c reserve 110 concurrent executions \(loader, other\), above its estimated max_connections 101/);
    });

    test('a writer the database does not admit does not count against its budget', () => {
      // Only the rule from `fn` admits a writer: `other` (50 reserved) reaches no database, so 60 fits 101.
      const resources = network(60);
      delete resources.aws_vpc_security_group_ingress_rule.from_other;
      expect(findingsOf('LAMBDA-CONCURRENCY', resources)).toEqual([]);
      // An ingress rule from a CIDR admits no function either.
      resources.aws_vpc_security_group_ingress_rule.from_vpn = { security_group_id: '${aws_security_group.db.id}', cidr_ipv4: '10.0.0.0/8', from_port: 5432, to_port: 5432, ip_protocol: 'tcp' };
      expect(findingsOf('LAMBDA-CONCURRENCY', resources)).toEqual([]);
      // The writer the database does admit is still held to its budget on its own.
      resources.aws_lambda_function.loader = withAttrs(fn, { reserved_concurrent_executions: 102 });
      expect(messagesOf('LAMBDA-CONCURRENCY', resources)).toMatch(/reserve 102 concurrent executions \(loader\), above its estimated max_connections 101/);
    });

    test('a database whose class is unknown (an expression) has no budget to exceed', () => {
      expect(findingsOf('LAMBDA-CONCURRENCY', network(60, '${var.instance_class}'))).toEqual([]);
    });
  });

  describe('LAMBDA-ASYNC-FAILURE', () => {
    const invokeConfig = {
      function_name: '${aws_lambda_function.loader.function_name}',
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 3600,
      destination_config: { on_failure: { destination: '${aws_sqs_queue.dlq.arn}' } },
    };
    const notified = (config?: Record<string, unknown>): Resources => ({
      ...lambda(),
      aws_s3_bucket_notification: { n: { bucket: '${aws_s3_bucket.raw.id}', lambda_function: [{ lambda_function_arn: '${aws_lambda_function.loader.arn}', events: ['s3:ObjectCreated:*'] }] } },
      ...(config ? { aws_lambda_function_event_invoke_config: { async: config } } : {}),
    });

    test('passes an S3-invoked function with an on-failure destination and explicit limits', () => {
      expect(findingsOf('LAMBDA-ASYNC-FAILURE', notified(invokeConfig))).toEqual([]);
    });

    test('an invoke config that names the function by its literal name counts', () => {
      expect(findingsOf('LAMBDA-ASYNC-FAILURE', notified({ ...invokeConfig, function_name: 'demo-staging-loader' }))).toEqual([]);
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', notified({ ...invokeConfig, function_name: 'demo-staging-other' }))).toMatch(/but has no aws_lambda_function_event_invoke_config/);
    });

    test('fails when an S3-invoked function has no invoke config', () => {
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', notified())).toMatch(/invoked asynchronously by aws_s3_bucket_notification.n, but has no aws_lambda_function_event_invoke_config/);
    });

    test.each(cases([
      ['on-failure', { destination_config: undefined }, /with neither an on-failure destination nor a dead-letter queue/],
      ['retries', { maximum_retry_attempts: undefined }, /maximum_retry_attempts is absent -> set maximum_retry_attempts \(0-2\) explicitly$/],
      ['age', { maximum_event_age_in_seconds: '${var.age}' }, /maximum_event_age_in_seconds is an expression resolved only at plan \("\$\{var.age\}"\) -> set maximum_event_age_in_seconds \(60-21600\) explicitly$/],
    ] as const))('fails on %s when %s', (_, __, changes, message) => {
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', notified(withAttrs(invokeConfig, changes)))).toMatch(message);
    });

    test('a dead-letter queue on the function replaces the destination', () => {
      const resources = notified(withAttrs(invokeConfig, { destination_config: undefined }));
      resources.aws_lambda_function.loader = withAttrs(fn, { dead_letter_config: { target_arn: '${aws_sqs_queue.dlq.arn}' } });
      expect(findingsOf('LAMBDA-ASYNC-FAILURE', resources)).toEqual([]);
    });

    test('a Lambda permission for S3 or EventBridge also makes a function async-invoked', () => {
      const permission = { principal: 's3.amazonaws.com', function_name: '${aws_lambda_function.loader.function_name}', source_arn: 'arn:aws:s3:::elsewhere', source_account: '1' };
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_lambda_permission: { p: permission } })).toMatch(/invoked asynchronously by aws_lambda_permission.p, but has no/);
      expect(findingsOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_lambda_permission: { p: { ...permission, principal: 'logs.amazonaws.com' } } })).toEqual([]);
    });

    test('a Lambda permission for EventBridge makes a function async-invoked, also when the rule lives in another stack', () => {
      const permission = { principal: 'events.amazonaws.com', function_name: '${aws_lambda_function.loader.function_name}', source_arn: 'arn:aws:events:eu-west-2:1:rule/r' };
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_lambda_permission: { p: permission } })).toMatch(/invoked asynchronously by aws_lambda_permission.p, but has no/);
    });

    test('each invoker is named once, however many of its entries point at the function', () => {
      const twice = { bucket: 'b', lambda_function: [1, 2].map((i) => ({ lambda_function_arn: '${aws_lambda_function.loader.arn}', events: ['s3:ObjectCreated:*'], filter_prefix: `p${i}/` })) };
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_s3_bucket_notification: { n: twice }, aws_cloudwatch_event_target: { t: { rule: 'r', arn: '${aws_lambda_function.loader.arn}' } } })).toMatch(
        /invoked asynchronously by aws_s3_bucket_notification.n, aws_cloudwatch_event_target.t, but has no aws_lambda_function_event_invoke_config -> call configureAsyncInvoke/,
      );
    });

    test('an invoke config of another function does not count', () => {
      const resources = notified({ ...invokeConfig, function_name: '${aws_lambda_function.other.function_name}' });
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', resources)).toMatch(/but has no aws_lambda_function_event_invoke_config/);
    });

    test('EventBridge targets and Scheduler schedules also make a function async-invoked', () => {
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_cloudwatch_event_target: { t: { rule: 'r', arn: '${aws_lambda_function.loader.arn}' } } })).toMatch(
        /invoked asynchronously by aws_cloudwatch_event_target.t/,
      );
      expect(messagesOf('LAMBDA-ASYNC-FAILURE', { ...lambda(), aws_scheduler_schedule: { s: { target: { arn: '${aws_lambda_function.loader.arn}', role_arn: 'x' } } } })).toMatch(
        /invoked asynchronously by aws_scheduler_schedule.s/,
      );
    });
  });

  describe('LAMBDA-PERMISSION', () => {
    const permission = (attrs: Record<string, unknown>): Resources => ({ aws_lambda_permission: { p: { action: 'lambda:InvokeFunction', function_name: 'f', ...attrs } } });

    test('passes pinned service principals and account principals', () => {
      expect(findingsOf('LAMBDA-PERMISSION', permission({ principal: 's3.amazonaws.com', source_arn: '${aws_s3_bucket.raw.arn}', source_account: '${data.aws_caller_identity.c.account_id}' }))).toEqual([]);
      expect(findingsOf('LAMBDA-PERMISSION', permission({ principal: 'events.amazonaws.com', source_arn: '${aws_cloudwatch_event_rule.r.arn}' }))).toEqual([]);
      expect(findingsOf('LAMBDA-PERMISSION', permission({ principal: '111122223333' }))).toEqual([]);
    });

    test('an expression principal is not checked as a service (it cannot be read at synth); only s3 needs source_account', () => {
      expect(findingsOf('LAMBDA-PERMISSION', permission({ principal: '${var.principal}' }))).toEqual([]);
      expect(findingsOf('LAMBDA-PERMISSION', permission({ principal: 'sns.amazonaws.com', source_arn: '${aws_sns_topic.t.arn}' }))).toEqual([]);
      expect(messagesOf('LAMBDA-PERMISSION', permission({ principal: 'sns.amazonaws.com' }))).toMatch(/source_arn is not set -> set source_arn to the sns.amazonaws.com resource that invokes the function/);
    });

    test.each([
      [{ principal: 'events.amazonaws.com' }, /source_arn is not set/],
      [{ principal: 's3.amazonaws.com', source_arn: '${aws_s3_bucket.raw.arn}' }, /source_account is not set/],
      [{ principal: '*' }, /principal is "\*": anyone may invoke the function/],
    ])('fails when %j', (attrs, message) => {
      expect(messagesOf('LAMBDA-PERMISSION', permission(attrs))).toMatch(message);
    });
  });

  describe('ESM-FAILURE', () => {
    const mapping = {
      event_source_arn: '${aws_kinesis_stream.cdc.arn}',
      function_name: '${aws_lambda_function.loader.arn}',
      starting_position: 'TRIM_HORIZON',
      function_response_types: ['ReportBatchItemFailures'],
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 5,
      maximum_record_age_in_seconds: 3600,
      destination_config: { on_failure: { destination_arn: '${aws_sqs_queue.dlq.arn}' } },
    };
    const esm = (changes: Record<string, unknown> = {}): Resources => ({ aws_lambda_event_source_mapping: { m: withAttrs(mapping, changes) } });

    test('passes a compliant Kinesis mapping, and ignores SQS mappings', () => {
      expect(findingsOf('ESM-FAILURE', esm())).toEqual([]);
      expect(findingsOf('ESM-FAILURE', esm({ event_source_arn: '${aws_sqs_queue.q.arn}', starting_position: undefined, function_response_types: undefined }))).toEqual([]);
    });

    test('accepts each starting position Lambda documents for streams (TRIM_HORIZON, LATEST, AT_TIMESTAMP)', () => {
      for (const position of ['LATEST', 'AT_TIMESTAMP']) expect(findingsOf('ESM-FAILURE', esm({ starting_position: position }))).toEqual([]);
      expect(messagesOf('ESM-FAILURE', esm({ starting_position: 'EARLIEST' }))).toMatch(/starting_position is "EARLIEST"/);
    });

    test('DynamoDB streams are checked too; zero retries and zero age are finite', () => {
      expect(messagesOf('ESM-FAILURE', esm({ event_source_arn: '${aws_dynamodb_table.t.stream_arn}', bisect_batch_on_function_error: false }))).toMatch(/bisect_batch_on_function_error is false/);
      expect(messagesOf('ESM-FAILURE', esm({ event_source_arn: 'arn:aws:dynamodb:eu-west-2:1:table/t/stream/2026', function_response_types: [] }))).toMatch(
        /function_response_types is \[\] -> set function_response_types = \["ReportBatchItemFailures"\] and return batchItemFailures/,
      );
      expect(findingsOf('ESM-FAILURE', esm({ maximum_retry_attempts: 0 }))).toEqual([]);
      expect(messagesOf('ESM-FAILURE', esm({ maximum_retry_attempts: undefined }))).toMatch(/maximum_retry_attempts is absent \(absent or -1 retries a poison record until it expires\) -> set a finite maximum_retry_attempts/);
    });

    test.each(cases([
      ['ESM-FAILURE', { function_response_types: undefined }, /function_response_types is absent/],
      ['ESM-FAILURE', { bisect_batch_on_function_error: undefined }, /bisect_batch_on_function_error is absent/],
      ['ESM-FAILURE', { maximum_retry_attempts: -1 }, /maximum_retry_attempts is -1 \(absent or -1 retries a poison record/],
      ['ESM-FAILURE', { maximum_record_age_in_seconds: undefined }, /maximum_record_age_in_seconds is absent/],
      ['ESM-FAILURE', { destination_config: undefined }, /destination_config.on_failure.destination_arn is not set/],
      ['ESM-FAILURE', { starting_position: '${var.position}' }, /starting_position is an expression/],
      ['ESM-FAILURE', { event_source_arn: 'arn:aws:kinesis:eu-west-2:111122223333:stream/cdc', starting_position: undefined }, /starting_position is absent/],
    ] as const))('%s fails when %s', (rule, _, changes, message) => {
      expect(messagesOf(rule, esm(changes))).toMatch(message);
    });
  });
});
