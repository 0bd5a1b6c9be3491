import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { check, checkRange, MigrationStack, NodejsLambda, ServiceRole } from '../core';
import { DmsReplicationTask } from './replication-task';

export interface DmsScheduledFullLoadProps {
  /** Component for physical names. @default `${task component}-runner` */
  readonly component: string;
  /** The full-load task to (re)start. */
  readonly task: DmsReplicationTask;
  /**
   * EventBridge Scheduler expression, e.g. `cron(0 6 * * ? *)` (06:00 daily: after the reporting server's
   * nightly refresh) or `rate(1 day)`.
   */
  readonly scheduleExpression: string;
  /** IANA time zone of the cron expression. @default 'UTC' */
  readonly timezone?: string;
  /** The runner's budget to wait for the load; longer loads are reported `still-running`. @default 900 */
  readonly timeoutSeconds?: number;
  /** When the previous load is still running: wait for it and report, or fail. @default 'wait' */
  readonly onAlreadyRunning?: 'wait' | 'fail';
  /** Topic for the runner's failure alarms (DmsMonitoring.topicArn). */
  readonly alarmTopicArn?: string;
  /** @default true */
  readonly enabled?: boolean;
}

/**
 * Re-runs a full-load task on a schedule (the playbook's reporting server, "run daily after the reporting server
 * was updated"): EventBridge Scheduler -> the `dms-task-runner` Lambda, which starts (`start-replication` the first
 * time, `reload-target` after) and waits. Failures are loud: the Lambda throws, Scheduler and Lambda retry, the
 * event lands on a dead-letter queue, and alarms fire on function errors and on the queue.
 */
export class DmsScheduledFullLoad extends Construct {
  readonly runner: NodejsLambda;
  readonly schedule: SchedulerSchedule;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: DmsScheduledFullLoadProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'timeoutSeconds', props.timeoutSeconds, 60, 900);
    check(
      props.task.migrationType === 'full-load',
      this,
      `the scheduled runner reloads full-load tasks only; task ${props.task.node.path} is ${props.task.migrationType} (a reload would restart its change capture). Use migrationType 'full-load'.`,
    );
    check(
      /^(cron|rate|at)\(.+\)$/.test(props.scheduleExpression),
      this,
      `scheduleExpression "${props.scheduleExpression}" is not an EventBridge Scheduler expression like cron(0 6 * * ? *) or rate(1 day).`,
    );

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: stack.naming.name(`${props.component}-dlq`, 'sqs'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    this.runner = new NodejsLambda(this, 'runner', {
      entry: 'dms-task-runner',
      component: props.component,
      description: `Starts or reloads DMS task ${props.task.replicationTaskId} and reports the outcome`,
      timeoutSeconds: props.timeoutSeconds ?? 900,
      memoryMiB: 256,
      // One run at a time: a schedule that fires while a reload still runs is throttled, and Lambda retries the
      // asynchronous event until maxEventAgeSeconds (below), then it goes to the dead-letter queue.
      reservedConcurrency: 1,
      environment: {
        REPLICATION_TASK_ARN: props.task.replicationTaskArn,
        ON_ALREADY_RUNNING: props.onAlreadyRunning ?? 'wait',
        POLL_INTERVAL_SECONDS: '20',
        SAFETY_MARGIN_SECONDS: '15',
      },
    });
    this.runner.role.addToPolicy({
      sid: 'StartTaskReadResults',
      actions: ['dms:StartReplicationTask', 'dms:DescribeTableStatistics'],
      resources: [props.task.replicationTaskArn],
    });
    // DescribeReplicationTasks has no resource-level permissions (the Service Authorization Reference lists no
    // resource type for it): it is granted on "*" and the runner filters by the task's ARN in the call.
    this.runner.role.addToPolicy({
      sid: 'DescribeTasks',
      actions: ['dms:DescribeReplicationTasks'],
      resources: ['*'],
    });
    this.runner.configureAsyncInvoke({ onFailure: { queueArn: this.deadLetterQueue.arn }, retryAttempts: 1, maxEventAgeSeconds: 3600 });

    const role = new ServiceRole(this, 'scheduler-role', {
      name: stack.naming.name(`${props.component}-scheduler`, 'iamRole'),
      servicePrincipal: 'scheduler.amazonaws.com',
      description: `EventBridge Scheduler invokes ${this.runner.functionName}`,
    });
    role.addToPolicy({ sid: 'InvokeRunner', actions: ['lambda:InvokeFunction'], resources: [this.runner.arn] });
    role.addToPolicy({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: stack.naming.name(props.component, 'eventRule'),
      description: `Re-runs the full load of ${props.task.replicationTaskId}`,
      scheduleExpression: props.scheduleExpression,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      state: props.enabled === false ? 'DISABLED' : 'ENABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.runner.arn,
        roleArn: role.arn,
        input: JSON.stringify({ source: 'dms-scheduled-full-load', task: props.task.replicationTaskId }),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
    });

    if (props.alarmTopicArn) {
      new CloudwatchMetricAlarm(this, 'errors-alarm', {
        alarmName: stack.naming.name(`${props.component}-errors`, 'alarm'),
        alarmDescription: `The scheduled full load of ${props.task.replicationTaskId} failed (see the runner's log for the task's failure message).`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: this.runner.functionName },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn],
      });
      new CloudwatchMetricAlarm(this, 'dlq-alarm', {
        alarmName: stack.naming.name(`${props.component}-dlq`, 'alarm'),
        alarmDescription: `A scheduled run of ${props.task.replicationTaskId} gave up after retries (message on ${stack.naming.name(`${props.component}-dlq`)}).`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn],
      });
    }
  }
}
