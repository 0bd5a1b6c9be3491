/**
 * Data flows of the shapes no module makes (an EventBridge rule on a schedule, a conditional Glue trigger), from a
 * small stack of provider resources synthesized by cdktf. The flows of the example projects' schedules, crawlers and
 * secret reads are asserted beside each project (stacks/<project>/<project>.test.ts, "review data flows").
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { GlueJob } from '@cdktf/provider-aws/lib/glue-job';
import { GlueTrigger } from '@cdktf/provider-aws/lib/glue-trigger';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, MigrationStack } from '../../../../modules/core';
import { reviewDataFlows as flowsOf } from '../../../helpers/review-flows';

describe('plan-review data flows: schedules and conditional triggers (synthesized stack)', () => {
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
