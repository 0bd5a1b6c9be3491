/**
 * Data flows of scheduled triggers, crawlers and secret reads, from stacks synthesized by cdktf: the example
 * projects (product-graph, etl-workflow, reporting-server) and a small stack of provider resources for the shapes no
 * module makes (an EventBridge rule on a schedule, a conditional Glue trigger).
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { GlueJob } from '@cdktf/provider-aws/lib/glue-job';
import { GlueTrigger } from '@cdktf/provider-aws/lib/glue-trigger';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, MigrationStack, Testing } from '../../../../modules/core';
import { register as productGraph } from '../../../../stacks/product-graph';
import { register as etlWorkflow } from '../../../../stacks/etl-workflow';
import { register as reportingServer } from '../../../../stacks/reporting-server';
import { StackIndex } from '../../../../tools/policy-check/tf';
import { modelStack } from '../../../../tools/plan-review/model';

/** The data flows of one synthesized stack as `from -> to: label` with node labels. */
function flowsOf(register: (app: App) => MigrationStack[], name: string): string[] {
  const stack = register(Testing.app()).find((s) => s.node.id === name)!;
  const model = modelStack(new StackIndex(name, JSON.parse(Testing.synth(stack))));
  const label = new Map(model.nodes.map((n) => [n.id, n.label]));
  return model.flows.filter((f) => f.kind === 'data').map((f) => `${label.get(f.from)} -> ${label.get(f.to)}: ${f.label}`);
}

describe('plan-review data flows: schedules, crawlers and secrets (synthesized stacks)', () => {
  const graph = flowsOf(productGraph, 'product-graph-staging');

  test('a scheduled Glue trigger starts its job (with its cron, and "disabled" while it is created deactivated)', () => {
    expect(graph).toContain('prodgraph-staging-graph-incremental -> prodgraph-staging-graph-incremental: triggers cron(0/30 * * * ? *) (disabled)');
  });

  test('a crawler crawls its path through its JDBC connection, which leads on to the source database', () => {
    expect(graph).toEqual(
      expect.arrayContaining([
        'prodgraph-staging-graph-source -> prodgraph-staging-graph-source-mysql: crawls sales/%',
        'prodgraph-staging-graph-source-mysql -> mysql://sales-staging.cluster-ro-example.eu-west-2.rds.amazonaws.com:3306/sales: jdbc',
      ]),
    );
  });

  test('a Glue connection reads its SECRET_ID; the crawler role reads the same secret', () => {
    expect(graph).toEqual(
      expect.arrayContaining([
        'secretsmanager prodgraph/staging/mysql-reader -> prodgraph-staging-graph-source-mysql: credentials',
        'secretsmanager prodgraph/staging/mysql-reader -> prodgraph-staging-graph-source: reads',
      ]),
    );
  });

  test('an ETL pipeline: the schedule starts the state machine and dead-letters to its queue; connections read their secrets', () => {
    const etl = flowsOf(etlWorkflow, 'etl-workflow-production');
    expect(etl).toEqual(
      expect.arrayContaining([
        'etlflow-prod-etl -> etlflow-prod-etl: triggers cron(30 1 * * ? *)',
        'etlflow-prod-etl -> etlflow-prod-etl-schedule-dlq: dead letters',
        'secretsmanager shop-prod-mysql-etl-reader -> etlflow-prod-etl-source: credentials',
        'etlflow-prod-db/etl_loader -> etlflow-prod-etl-target: credentials',
      ]),
    );
  });

  test('a scheduled DMS full load: schedule -> runner Lambda, and its dead-letter queue', () => {
    expect(flowsOf(reportingServer, 'reporting-server-staging')).toEqual(
      expect.arrayContaining(['reports-staging-reports-runner -> reports-staging-reports-runner: triggers cron(30 6 * * ? *)', 'reports-staging-reports-runner -> reports-staging-reports-runner-dlq: dead letters']),
    );
  });

  test('an EventBridge rule on a schedule, and a Glue trigger conditional on another job', () => {
    const build = (app: App) => {
      const stack = new MigrationStack(app, 'flows-staging', { project: 'flows', environment: 'staging', production: false, region: 'eu-west-2' });
      const queue = new SqsQueue(stack, 'work', { name: 'flows-work' });
      const dlq = new SqsQueue(stack, 'dlq', { name: 'flows-dlq' });
      const rule = new CloudwatchEventRule(stack, 'nightly', { name: 'flows-nightly', scheduleExpression: 'rate(1 day)' });
      new CloudwatchEventTarget(stack, 'nightly-target', { rule: rule.name, arn: queue.arn, deadLetterConfig: { arn: dlq.arn } });
      const job = (id: string) => new GlueJob(stack, id, { name: `flows-${id}`, roleArn: 'arn:aws:iam::111111111111:role/glue', command: { scriptLocation: 's3://b/s.py' } });
      const [extract, load] = [job('extract'), job('load')];
      new GlueTrigger(stack, 'after-extract', {
        name: 'flows-after-extract',
        type: 'CONDITIONAL',
        actions: [{ jobName: load.name }],
        predicate: { conditions: [{ jobName: extract.name, state: 'SUCCEEDED' }] },
      });
      return [stack];
    };
    expect(flowsOf(build, 'flows-staging')).toEqual(
      expect.arrayContaining([
        'flows-nightly -> flows-work: triggers rate(1 day)',
        'flows-nightly -> flows-dlq: dead letters',
        'flows-extract -> flows-after-extract: on SUCCEEDED',
        'flows-after-extract -> flows-load: triggers',
      ]),
    );
  });
});
