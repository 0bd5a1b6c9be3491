import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { check } from './errors';
import { MigrationStack } from './stack';

/**
 * Glue job-run states that mean the run did not finish its work. "Glue Job State Change" events are sent for
 * SUCCEEDED, FAILED, TIMEOUT and STOPPED ("Automating AWS Glue with EventBridge",
 * https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html); ERROR is a job-run state
 * of the Glue API (JobRun.JobRunState) and is matched too, so a run that ends in it is never silent. STOPPED is a
 * person's decision (or Step Functions stopping a run it gave up on, which the execution's own event reports).
 */
export const GLUE_JOB_FAILED_STATES = ['FAILED', 'TIMEOUT', 'ERROR'] as const;

/**
 * Standard-workflow execution statuses that mean the execution did not succeed ("Step Functions Execution Status
 * Change", https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html; Express workflows send no events).
 */
export const STATE_MACHINE_FAILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Actions the account's own IAM principals keep on a topic whose policy this construct writes (SNS's default policy grants them). */
export const TOPIC_OWNER_ACTIONS = [
  'sns:GetTopicAttributes',
  'sns:SetTopicAttributes',
  'sns:AddPermission',
  'sns:RemovePermission',
  'sns:DeleteTopic',
  'sns:Subscribe',
  'sns:ListSubscriptionsByTopic',
  'sns:Publish',
];

export interface FailureNotificationsProps {
  /** Physical name component of the rules, e.g. `etl` -> `billing-prod-etl-glue-job-failed`. */
  readonly component: string;
  /**
   * The topic people are subscribed to. This construct writes its policy (`aws_sns_topic_policy`, which replaces
   * SNS's default policy): the account's IAM principals keep publishing and managing it, EventBridge may publish from
   * these rules only. So pass a topic created in this stack that nothing else writes a policy for. A KMS-encrypted
   * topic's key must let `events.amazonaws.com` call `kms:GenerateDataKey` and `kms:Decrypt` (`newAlarmTopic` with
   * `publishers: ['events.amazonaws.com']`, or `GlueKmsKey`'s `topicPublishers`).
   */
  readonly topicArn: string;
  /** Glue jobs whose failed runs are notified, however they were started (console, trigger, state machine). */
  readonly glueJobNames?: readonly string[];
  /** Standard state machines whose failed, timed-out or aborted executions are notified. */
  readonly stateMachineArns?: readonly string[];
}

/**
 * Failures that reach people: EventBridge rules on the default bus for the given Glue jobs ("Glue Job State Change",
 * FAILED/TIMEOUT/ERROR) and state machines ("Step Functions Execution Status Change", FAILED/TIMED_OUT/ABORTED), each
 * publishing a one-line message that names the job or execution to the topic, and the topic policy that lets only
 * these rules publish (`aws:SourceArn`;
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions). SNS targets
 * take no role: EventBridge publishes under the topic policy.
 */
export class FailureNotifications extends Construct {
  readonly glueJobRule?: CloudwatchEventRule;
  readonly stateMachineRule?: CloudwatchEventRule;
  readonly topicPolicy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: FailureNotificationsProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const jobs = [...new Set(props.glueJobNames ?? [])];
    const machines = [...new Set(props.stateMachineArns ?? [])];
    check(jobs.length + machines.length > 0, this, 'give glueJobNames or stateMachineArns: there is nothing to notify about.');
    const rules: CloudwatchEventRule[] = [];

    if (jobs.length) {
      this.glueJobRule = new CloudwatchEventRule(this, 'glue-job-failed', {
        name: stack.naming.name(`${props.component}-glue-job-failed`, 'eventRule'),
        description: `Glue job runs that end ${GLUE_JOB_FAILED_STATES.join('/')}: ${jobs.join(', ')}`.slice(0, 512),
        eventPattern: JSON.stringify({
          source: ['aws.glue'],
          'detail-type': ['Glue Job State Change'],
          detail: { jobName: jobs, state: [...GLUE_JOB_FAILED_STATES] },
        }),
      });
      // Event detail fields: jobName, state, jobRunId (and severity, message). The message is left out: its text is
      // Glue's error, which may hold quotes that would break the quoted template.
      this.target('glue-job-failed-topic', this.glueJobRule, props.topicArn, {
        job: '$.detail.jobName',
        state: '$.detail.state',
        run: '$.detail.jobRunId',
        time: '$.time',
        account: '$.account',
        region: '$.region',
      }, 'Glue job <job> ended <state> at <time> (run <run>, account <account>, region <region>). The run\'s error is on its page in the Glue console and in its logs.');
      rules.push(this.glueJobRule);
    }

    if (machines.length) {
      this.stateMachineRule = new CloudwatchEventRule(this, 'state-machine-failed', {
        name: stack.naming.name(`${props.component}-sfn-failed`, 'eventRule'),
        description: `State machine executions that end ${STATE_MACHINE_FAILED_STATUSES.join('/')}`,
        eventPattern: JSON.stringify({
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: [...STATE_MACHINE_FAILED_STATUSES], stateMachineArn: machines },
        }),
      });
      this.target('state-machine-failed-topic', this.stateMachineRule, props.topicArn, {
        execution: '$.detail.executionArn',
        status: '$.detail.status',
        time: '$.time',
      }, 'Step Functions execution <execution> ended <status> at <time>. Its event history in the Step Functions console shows the state that failed and why.');
      rules.push(this.stateMachineRule);
    }

    this.topicPolicy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: props.topicArn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountPrincipalsUseTheTopic',
            Effect: 'Allow',
            Principal: { AWS: `arn:${stack.partition}:iam::${stack.accountId}:root` },
            Action: TOPIC_OWNER_ACTIONS,
            Resource: props.topicArn,
          },
          {
            Sid: 'FailureRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: props.topicArn,
            Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.arn) } },
          },
        ],
      }),
    });
  }

  /** An SNS target whose message is one line of text built by an input transformer (the template is a JSON string). */
  private target(id: string, rule: CloudwatchEventRule, topicArn: string, paths: Record<string, string>, text: string): CloudwatchEventTarget {
    return new CloudwatchEventTarget(this, id, {
      rule: rule.name,
      arn: topicArn,
      inputTransformer: { inputPaths: paths, inputTemplate: JSON.stringify(text) },
    });
  }
}
