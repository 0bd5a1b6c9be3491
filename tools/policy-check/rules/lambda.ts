import { all, found, mustBe, mustBeOneOf, mustBeSet, Rule, violation } from '../rule';
import { groupOwners, ingressPermissions, securityGroupsOf } from '../security-groups';
import { block, blocks, isSet, literalNumber, literalString, refsIn, StackIndex, TfResource } from '../tf';
import { connectionBudget } from './rds';

/** Tagged by NodejsLambda (`databaseWriter: true`), or configured with a database secret / Neptune endpoint. */
export function isDatabaseWriter(fn: TfResource): boolean {
  const tags = block(fn.attrs.tags) ?? {};
  const env = block(block(fn.attrs.environment)?.variables) ?? {};
  return tags['kit:database-writer'] === 'true' || 'DB_SECRET_ARN' in env || 'NEPTUNE_ENDPOINT' in env;
}

/** For each function address, the S3 notifications, EventBridge targets, schedules and S3/EventBridge permissions that make it invoked asynchronously. */
export function asyncInvokers(stack: StackIndex): Map<string, TfResource[]> {
  const out = new Map<string, TfResource[]>();
  const add = (source: TfResource, value: unknown) => {
    for (const ref of refsIn(value)) {
      if (ref.type !== 'aws_lambda_function') continue;
      const list = out.get(ref.address) ?? [];
      if (!list.includes(source)) out.set(ref.address, [...list, source]);
    }
  };
  for (const n of stack.ofType('aws_s3_bucket_notification')) blocks(n.attrs.lambda_function).forEach((l) => add(n, l.lambda_function_arn));
  for (const t of stack.ofType('aws_cloudwatch_event_target')) add(t, t.attrs.arn);
  for (const s of stack.ofType('aws_scheduler_schedule')) add(s, block(s.attrs.target)?.arn);
  // A permission for S3 or EventBridge says the same, also when the bucket or rule lives in another stack.
  for (const p of stack.ofType('aws_lambda_permission')) {
    if (p.attrs.principal === 's3.amazonaws.com' || p.attrs.principal === 'events.amazonaws.com') add(p, p.attrs.function_name);
  }
  return out;
}

/** Databases (instances or clusters) whose security groups admit the function's security groups. */
export function databasesReachedBy(stack: StackIndex, fn: TfResource): TfResource[] {
  const mine = new Set(securityGroupsOf(fn));
  const owners = groupOwners(stack);
  const dbs = new Set<TfResource>();
  for (const p of ingressPermissions(stack)) {
    if (!p.fromGroup || !mine.has(p.fromGroup)) continue;
    for (const owner of owners.get(p.to) ?? []) if (owner.type === 'aws_db_instance' || owner.type === 'aws_rds_cluster') dbs.add(owner);
  }
  return [...dbs];
}

const SECRET_ENV_NAME = /(PASSWORD|PASSWD|SECRET(?!_ARN|_ID|_NAME)|TOKEN|PRIVATE_KEY|ACCESS_KEY)/i;
const CREDENTIALED_URL = /:\/\/[^/\s:@]+:[^/\s@]+@/;
const AWS_ACCESS_KEY = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;

export const lambdaRules: Rule[] = [
  {
    id: 'LAMBDA-RUNTIME',
    summary: 'nodejs22.x or newer; explicit timeout and memory_size',
    types: ['aws_lambda_function'],
    check: (fn) => {
      const runtime = literalString(fn.attrs.runtime);
      const major = runtime ? /^nodejs(\d+)\.x$/.exec(runtime)?.[1] : undefined;
      return all(
        major !== undefined && Number(major) >= 22 ? undefined : violation(`runtime is ${found(fn.attrs.runtime)}`, 'set runtime = "nodejs22.x" (NodejsLambda does)'),
        literalNumber(fn.attrs.timeout) !== undefined ? undefined : violation(`timeout is ${found(fn.attrs.timeout)}`, 'set an explicit timeout in seconds'),
        literalNumber(fn.attrs.memory_size) !== undefined ? undefined : violation(`memory_size is ${found(fn.attrs.memory_size)}`, 'set an explicit memory_size in MiB'),
      );
    },
  },
  {
    id: 'LAMBDA-TRACING',
    summary: 'tracing_config.mode = Active',
    types: ['aws_lambda_function'],
    check: (fn) => all(mustBeOneOf(block(fn.attrs.tracing_config) ?? {}, 'mode', ['Active'], 'set tracing_config { mode = "Active" }', 'tracing_config.mode')),
  },
  {
    id: 'LAMBDA-VPC',
    summary: 'functions that reach a database or Neptune run in the VPC',
    types: ['aws_lambda_function'],
    check: (fn) => {
      if (!isDatabaseWriter(fn)) return [];
      const vpc = block(fn.attrs.vpc_config) ?? {};
      return all(
        mustBeSet(vpc, 'subnet_ids', 'pass `network` to NodejsLambda so the function runs in the database VPC', 'vpc_config.subnet_ids'),
        mustBeSet(vpc, 'security_group_ids', 'give the function its own security group (NodejsLambda does with `network`)', 'vpc_config.security_group_ids'),
      );
    },
  },
  {
    id: 'LAMBDA-ASYNC-FAILURE',
    summary: 'S3/EventBridge-invoked: on-failure destination or DLQ; explicit retries and max event age',
    types: ['aws_lambda_function'],
    check: (fn, { stack }) => {
      const invokers = asyncInvokers(stack).get(fn.address);
      if (!invokers) return [];
      const by = `invoked asynchronously by ${invokers.map((i) => i.address).join(', ')}`;
      const configs = stack.referencing('aws_lambda_function_event_invoke_config', 'function_name', fn, 'function_name');
      const fix = 'call configureAsyncInvoke({ onFailure: { queueArn } }) (an aws_lambda_function_event_invoke_config)';
      if (!configs.length) return [violation(`${by}, but has no aws_lambda_function_event_invoke_config`, fix)];
      const c = configs[0].attrs;
      const onFailure = block(block(c.destination_config)?.on_failure)?.destination;
      const dlq = block(fn.attrs.dead_letter_config)?.target_arn;
      return all(
        isSet(onFailure) || isSet(dlq) ? undefined : violation(`${by}, with neither an on-failure destination nor a dead-letter queue`, fix),
        literalNumber(c.maximum_retry_attempts) !== undefined ? undefined : violation(`maximum_retry_attempts is ${found(c.maximum_retry_attempts)}`, 'set maximum_retry_attempts (0-2) explicitly'),
        literalNumber(c.maximum_event_age_in_seconds) !== undefined
          ? undefined
          : violation(`maximum_event_age_in_seconds is ${found(c.maximum_event_age_in_seconds)}`, 'set maximum_event_age_in_seconds (60-21600) explicitly'),
      );
    },
  },
  {
    id: 'LAMBDA-CONCURRENCY',
    summary: 'database writers set reserved_concurrent_executions within the DB connection budget',
    types: ['aws_lambda_function'],
    check: (fn, { stack }) => {
      if (!isDatabaseWriter(fn)) return [];
      const mine = literalNumber(fn.attrs.reserved_concurrent_executions);
      if (mine === undefined || mine < 1) {
        return [violation(`reserved_concurrent_executions is ${found(fn.attrs.reserved_concurrent_executions)} on a database writer`, 'set reservedConcurrency to a share of the database connection budget (db.connectionBudget / 4)')];
      }
      const out = [];
      for (const db of databasesReachedBy(stack, fn)) {
        const budget = connectionBudget(stack, db);
        if (budget === undefined) continue;
        const writers = stack.ofType('aws_lambda_function').filter((f) => isDatabaseWriter(f) && databasesReachedBy(stack, f).includes(db));
        const total = writers.reduce((sum, f) => sum + (literalNumber(f.attrs.reserved_concurrent_executions) ?? 0), 0);
        if (total > budget) {
          out.push(
            violation(
              `database writers reaching ${db.address} reserve ${total} concurrent executions (${writers.map((f) => f.name).join(', ')}), above its estimated max_connections ${budget}`,
              'lower reservedConcurrency so the writers together stay within the connection budget, or use a larger instance class / RDS Proxy',
            ),
          );
        }
      }
      return out;
    },
  },
  {
    id: 'LAMBDA-ENV',
    summary: 'environment holds secret ARNs/names only; no passwords or credentialed URLs',
    types: ['aws_lambda_function'],
    check: (fn) => {
      const env = block(block(fn.attrs.environment)?.variables) ?? {};
      return Object.entries(env).flatMap(([key, value]) => {
        if (SECRET_ENV_NAME.test(key)) return [violation(`environment variable ${key} looks like a secret`, 'keep the secret in Secrets Manager and pass its ARN (e.g. DB_SECRET_ARN)')];
        if (typeof value === 'string' && CREDENTIALED_URL.test(value)) return [violation(`environment variable ${key} holds a URL with credentials`, 'pass the host and a secret ARN instead')];
        if (typeof value === 'string' && AWS_ACCESS_KEY.test(value)) return [violation(`environment variable ${key} holds an AWS access key id`, 'remove it; the function role supplies credentials')];
        return [];
      });
    },
  },
  {
    id: 'LAMBDA-PERMISSION',
    summary: 'service principals have source_arn; s3 also source_account',
    types: ['aws_lambda_permission'],
    check: (p) => {
      const principal = literalString(p.attrs.principal) ?? '';
      if (principal === '*') return [violation('principal is "*": anyone may invoke the function', 'name the service principal and its source_arn')];
      if (!principal.endsWith('.amazonaws.com')) return [];
      return all(
        mustBeSet(p.attrs, 'source_arn', `set source_arn to the ${principal} resource that invokes the function`),
        principal === 's3.amazonaws.com' ? mustBeSet(p.attrs, 'source_account', 'set source_account (bucket ARNs carry no account id)') : undefined,
      );
    },
  },
  {
    id: 'ESM-FAILURE',
    summary: 'Kinesis/DynamoDB stream mappings: ReportBatchItemFailures, bisect, finite retries and age, on-failure destination, starting_position',
    types: ['aws_lambda_event_source_mapping'],
    check: (m) => {
      const source = String(m.attrs.event_source_arn ?? '');
      const stream = /aws_kinesis_stream|aws_dynamodb_table|:kinesis:|:dynamodb:/.test(source);
      if (!stream) return [];
      const types = m.attrs.function_response_types;
      const finite = (attr: string) => {
        const n = literalNumber(m.attrs[attr]);
        return n !== undefined && n >= 0 ? undefined : violation(`${attr} is ${found(m.attrs[attr])} (absent or -1 retries a poison record until it expires)`, `set a finite ${attr}`);
      };
      return all(
        Array.isArray(types) && types.includes('ReportBatchItemFailures')
          ? undefined
          : violation(`function_response_types is ${found(types)}`, 'set function_response_types = ["ReportBatchItemFailures"] and return batchItemFailures'),
        mustBe(m.attrs, 'bisect_batch_on_function_error', true, 'set bisect_batch_on_function_error = true'),
        finite('maximum_retry_attempts'),
        finite('maximum_record_age_in_seconds'),
        mustBeSet(block(block(m.attrs.destination_config)?.on_failure) ?? {}, 'destination_arn', 'send failed batches to an SQS queue or SNS topic (destination_config.on_failure)', 'destination_config.on_failure.destination_arn'),
        mustBeOneOf(m.attrs, 'starting_position', ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'], 'set starting_position explicitly (TRIM_HORIZON for CDC)'),
      );
    },
  },
];
