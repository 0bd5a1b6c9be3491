import { FailureNotifications, newAlarmTopic, TOPIC_OWNER_ACTIONS } from '../../../modules/core';
import { onlyResource, resources, synthJson, testStack } from '../../helpers/synth';

const MACHINE = 'arn:aws:states:eu-west-2:123456789012:stateMachine:demo-staging-etl';

function build() {
  const stack = testStack();
  const alarm = newAlarmTopic(stack, { component: 'failures', publishers: ['events.amazonaws.com'], description: 'failures' });
  const notifications = new FailureNotifications(stack, 'failures', {
    component: 'etl',
    topicArn: alarm.topic.arn,
    glueJobNames: ['demo-staging-etl-extract', 'demo-staging-etl-load', 'demo-staging-etl-extract'],
    stateMachineArns: [MACHINE],
  });
  return { stack, json: synthJson(stack), notifications, topic: alarm.topic };
}

describe('FailureNotifications', () => {
  test('a rule matches failed, timed-out and errored runs of the named Glue jobs only', () => {
    const { json } = build();
    const rule = resources(json, 'aws_cloudwatch_event_rule').find((r) => r.name === 'demo-staging-etl-glue-job-failed')!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: { jobName: ['demo-staging-etl-extract', 'demo-staging-etl-load'], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
    });
  });

  test('a rule matches failed, timed-out and aborted executions of the named state machines only', () => {
    const { json } = build();
    const rule = resources(json, 'aws_cloudwatch_event_rule').find((r) => r.name === 'demo-staging-etl-sfn-failed')!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [MACHINE] },
    });
  });

  test('each rule targets the topic with a one-line message naming the job or execution (no role: SNS uses the topic policy)', () => {
    const { json, notifications, topic } = build();
    const targets = resources(json, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(2);
    for (const t of targets) {
      expect(t.arn).toBe('${aws_sns_topic.alarms.arn}');
      expect(t.role_arn).toBeUndefined();
      // The template is a JSON string: SNS receives plain text.
      expect(typeof JSON.parse(t.input_transformer.input_template)).toBe('string');
    }
    const glue = targets.find((t) => t.rule === `\${aws_cloudwatch_event_rule.${notifications.glueJobRule!.friendlyUniqueId}.name}`)!;
    expect(glue.input_transformer.input_paths).toEqual({
      job: '$.detail.jobName',
      state: '$.detail.state',
      run: '$.detail.jobRunId',
      time: '$.time',
      account: '$.account',
      region: '$.region',
    });
    expect(JSON.parse(glue.input_transformer.input_template)).toMatch(/^Glue job <job> ended <state> at <time> \(run <run>, account <account>, region <region>\)/);
    const sfn = targets.find((t) => t.rule === `\${aws_cloudwatch_event_rule.${notifications.stateMachineRule!.friendlyUniqueId}.name}`)!;
    expect(sfn.input_transformer.input_paths).toEqual({ execution: '$.detail.executionArn', status: '$.detail.status', time: '$.time' });
    expect(JSON.parse(sfn.input_transformer.input_template)).toMatch(/^Step Functions execution <execution> ended <status> at <time>\./);
    // Every placeholder is defined by a path (EventBridge rejects a template with an unknown one).
    for (const t of targets) {
      const used = [...JSON.parse(t.input_transformer.input_template).matchAll(/<([^>]+)>/g)].map((m) => m[1]);
      expect(new Set(used)).toEqual(new Set(Object.keys(t.input_transformer.input_paths)));
    }
    expect(topic).toBeDefined();
  });

  test('the topic policy lets EventBridge publish from these rules only, and keeps the account\'s own access', () => {
    const { json, notifications } = build();
    const policy = onlyResource(json, 'aws_sns_topic_policy');
    expect(policy.arn).toBe('${aws_sns_topic.alarms.arn}');
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements).toContainEqual({
      Sid: 'FailureRulesPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: '${aws_sns_topic.alarms.arn}',
      Condition: {
        ArnEquals: {
          'aws:SourceArn': [
            `\${aws_cloudwatch_event_rule.${notifications.glueJobRule!.friendlyUniqueId}.arn}`,
            `\${aws_cloudwatch_event_rule.${notifications.stateMachineRule!.friendlyUniqueId}.arn}`,
          ],
        },
      },
    });
    expect(statements).toContainEqual({
      Sid: 'AccountPrincipalsUseTheTopic',
      Effect: 'Allow',
      Principal: { AWS: 'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller-identity.account_id}:root' },
      Action: TOPIC_OWNER_ACTIONS,
      Resource: '${aws_sns_topic.alarms.arn}',
    });
    expect(statements).toHaveLength(2);
  });

  test('the topic\'s key lets EventBridge encrypt messages for this account (newAlarmTopic publishers)', () => {
    const { json } = build();
    const key = JSON.parse(onlyResource(json, 'aws_kms_key').policy);
    expect(key.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller-identity.account_id}' } },
      }),
    );
  });

  test('only the rules asked for are created', () => {
    const stack = testStack();
    const { topic } = newAlarmTopic(stack, { component: 'f', publishers: ['events.amazonaws.com'], description: 'f' });
    const n = new FailureNotifications(stack, 'n', { component: 'graph', topicArn: topic.arn, glueJobNames: ['demo-staging-graph-direct'] });
    expect(n.stateMachineRule).toBeUndefined();
    const json = synthJson(stack);
    expect(resources(json, 'aws_cloudwatch_event_rule').map((r) => r.name)).toEqual(['demo-staging-graph-glue-job-failed']);
    const condition = JSON.parse(onlyResource(json, 'aws_sns_topic_policy').policy).Statement[1].Condition;
    expect(condition.ArnEquals['aws:SourceArn']).toEqual([`\${aws_cloudwatch_event_rule.${n.glueJobRule!.friendlyUniqueId}.arn}`]);
  });

  test('fails when there is nothing to notify about', () => {
    const stack = testStack();
    expect(() => new FailureNotifications(stack, 'n', { component: 'x', topicArn: 'arn:aws:sns:eu-west-2:123456789012:t' })).toThrow(
      /give glueJobNames or stateMachineArns/,
    );
  });
});
