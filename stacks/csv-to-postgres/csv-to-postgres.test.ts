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
