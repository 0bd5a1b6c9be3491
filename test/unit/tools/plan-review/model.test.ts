import { modelStack } from '../../../../tools/plan-review/model';
import { fixtureIndex, indexOf } from './helpers';

/** Flows as `from -> to: label` with node labels, for readable assertions. */
function flowsOf(model: ReturnType<typeof modelStack>, kind?: 'data' | 'network'): string[] {
  const label = new Map(model.nodes.map((n) => [n.id, n.label]));
  return model.flows.filter((f) => !kind || f.kind === kind).map((f) => `${label.get(f.from)} -> ${label.get(f.to)}: ${f.label}`);
}

describe('plan-review data-flow model', () => {
  const model = modelStack(fixtureIndex('head'));

  test('follows S3 notifications, IAM grants and async failure destinations of a Lambda', () => {
    expect(flowsOf(model, 'data')).toEqual(
      expect.arrayContaining([
        'shop-staging-raw -> shop-staging-loader: notifies incoming/ *.csv',
        'shop-staging-raw -> shop-staging-loader: reads',
        'shop-staging-loader -> shop-staging-raw: writes',
        'shop-staging-orders-db -> shop-staging-loader: reads master secret',
        'shop-staging-loader -> shop-staging-loader-dlq: on failure',
      ]),
    );
  });

  test('draws a DMS task from the server outside the stack to the stream its target endpoint names', () => {
    expect(flowsOf(model, 'data')).toEqual(
      expect.arrayContaining([
        'sqlserver sql.shop.internal:1433 -> shop-staging-orders: full-load-and-cdc reads',
        'shop-staging-orders -> shop-staging-cdc: full-load-and-cdc writes',
        'shop-staging-sqlserver-source -> shop-staging-orders: credentials',
      ]),
    );
    // Endpoints stand for what they name; they are not drawn themselves.
    expect(model.nodes.some((n) => n.type === 'aws_dms_endpoint')).toBe(false);
  });

  test('turns security-group rules into network paths between the resources placed in the groups', () => {
    expect(flowsOf(model, 'network')).toEqual(['shop-staging-loader -> shop-staging-orders-db: tcp 5432']);
  });

  test('leaves out plumbing (policies, attachments, log groups)', () => {
    expect(model.nodes.map((n) => n.type)).not.toEqual(expect.arrayContaining(['aws_iam_role_policy']));
    expect(model.nodes.some((n) => n.type === 'aws_cloudwatch_log_group' || n.type === 'aws_lambda_permission')).toBe(false);
  });

  test('Kinesis event source mappings, SNS subscriptions and EventBridge targets', () => {
    const m = modelStack(
      indexOf({
        aws_kinesis_stream: { cdc: { name: 'cdc' } },
        aws_lambda_function: { applier: { function_name: 'applier' } },
        aws_sqs_queue: { failed: { name: 'failed-batches' } },
        aws_sns_topic: { alerts: { name: 'alerts' } },
        aws_cloudwatch_event_rule: { nightly: { name: 'nightly', schedule_expression: 'rate(1 day)' } },
        aws_lambda_event_source_mapping: {
          m: { event_source_arn: '${aws_kinesis_stream.cdc.arn}', function_name: '${aws_lambda_function.applier.arn}', destination_config: { on_failure: { destination_arn: '${aws_sqs_queue.failed.arn}' } } },
        },
        aws_sns_topic_subscription: { s: { topic_arn: '${aws_sns_topic.alerts.arn}', protocol: 'sqs', endpoint: '${aws_sqs_queue.failed.arn}' } },
        aws_cloudwatch_event_target: { t: { rule: '${aws_cloudwatch_event_rule.nightly.name}', arn: '${aws_lambda_function.applier.arn}' } },
      }),
    );
    expect(flowsOf(m)).toEqual(
      expect.arrayContaining(['cdc -> applier: batches', 'applier -> failed-batches: failed batches', 'alerts -> failed-batches: delivers', 'nightly -> applier: triggers rate(1 day)']),
    );
  });

  test('Step Functions definitions naming jobs literally, and Glue JDBC connections', () => {
    const m = modelStack(
      indexOf({
        aws_glue_job: {
          extract: { name: 'etl-extract', connections: ['${aws_glue_connection.src.name}'] },
          extract2: { name: 'etl-extract-full' },
        },
        aws_glue_connection: { src: { name: 'etl-src', connection_properties: { JDBC_CONNECTION_URL: 'jdbc:mysql://mysql.internal:3306/shop' } } },
        aws_sfn_state_machine: {
          m: { name: 'etl', definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'etl-extract' }, End: true } } }) },
        },
      }),
    );
    const flows = flowsOf(m);
    expect(flows).toEqual(expect.arrayContaining(['etl -> etl-extract: runs', 'etl-extract -> etl-src: via connection', 'etl-src -> mysql://mysql.internal:3306/shop: jdbc']));
    // "etl-extract" names one job; it must not match "etl-extract-full".
    expect(flows).not.toContain('etl -> etl-extract-full: runs');
  });

  test('names external secrets by their ARN without the random suffix', () => {
    const m = modelStack(
      indexOf({
        aws_lambda_function: { f: { function_name: 'reader', role: '${aws_iam_role.r.arn}' } },
        aws_iam_role: { r: { name: 'r' } },
        aws_iam_role_policy: {
          p: { role: '${aws_iam_role.r.id}', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:shop-reader-AbCdEf' }] }) },
        },
      }),
    );
    expect(flowsOf(m)).toEqual(['secretsmanager shop-reader -> reader: reads']);
  });
});
