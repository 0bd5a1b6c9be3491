import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { awsApiAccess, check, checkRange, grantSecretRead, MigrationStack, NetworkRef, NodejsLambda, ServiceRole, ValidationError } from '../core';
import { PostgresTargetEndpoint } from './endpoints';
import { DmsReplicationTask } from './replication-task';

/** Namespace of the kit's own metrics (PutMetricData; `AWS/` is reserved for AWS services). */
export const KIT_METRIC_NAMESPACE = 'MigrationKit/DMS';
/** The metric the check publishes, per task (dimension ReplicationTaskIdentifier = the task's resource id). */
export const APPLY_EXCEPTIONS_METRIC = 'ApplyExceptions';

/** DMS guide, "Control table task settings": the apply-exceptions table and its columns. */
export const CONTROL_TABLE_DOCS = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.ControlTable.html';

/** `DmsMigration` monitoring option. */
export interface ApplyExceptionsAlarmProps {
  /**
   * The apply-exceptions check and alarm (`DmsApplyExceptionsCheck`), for CDC tasks into PostgreSQL. S3 and Kinesis
   * targets have no control tables, and full-load tasks write none: it is not made for them. `false` turns it off.
   * @default on, every 5 minutes
   */
  readonly applyExceptions?: false | { readonly periodMinutes?: number };
}

export interface DmsApplyExceptionsCheckProps {
  /** Component for physical names. */
  readonly component: string;
  /** A `cdc` or `full-load-and-cdc` task (DMS writes no control tables for full-load-only tasks). */
  readonly task: DmsReplicationTask;
  /** The task's PostgreSQL target: the check logs in with the endpoint's own secret and reaches it by security group. */
  readonly target: PostgresTargetEndpoint;
  /** Private subnets the function runs in (those of the target's VPC). */
  readonly network: NetworkRef;
  /** Where the alarms go (DmsMonitoring.topicArn). */
  readonly alarmTopicArn: string;
  /** Minutes between checks; each check counts the rows of the last period. @default 5 */
  readonly periodMinutes?: number;
}

/**
 * Alarms on CDC changes DMS failed to apply. DMS keeps them in the target's `awsdms_apply_exceptions` control table
 * (CONTROL_TABLE_DOCS), and nothing in CloudWatch counts them: the task's other alarms stay green while rows are
 * lost (the default ApplyErrorEscalationCount of this kit stops the task only at the 10th conflict on a table).
 * Every `periodMinutes`, EventBridge Scheduler invokes `lambdas/dms-apply-exceptions` in the VPC; it logs in with the
 * target endpoint's secret, counts the task's rows of the last period by table, and publishes the count as
 * `MigrationKit/DMS ApplyExceptions` (PutMetricData, allowed for that namespace only). The alarm fires on any row.
 */
export class DmsApplyExceptionsCheck extends Construct {
  readonly function: NodejsLambda;
  readonly schedule: SchedulerSchedule;
  readonly alarm: CloudwatchMetricAlarm;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: DmsApplyExceptionsCheckProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'periodMinutes', props.periodMinutes, 1, 60);
    const period = (props.periodMinutes ?? 5) * 60;
    check(
      props.task.migrationType !== 'full-load',
      this,
      `task ${props.task.node.path} is a full-load task: DMS creates control tables only for full-load-and-cdc and CDC-only tasks (${CONTROL_TABLE_DOCS}). Drop the apply-exceptions check for it.`,
    );
    const endpoints = props.network.interfaceEndpoints;
    if (awsApiAccess(props.network) === 'vpc-endpoints' && endpoints) {
      const missing = (['secretsmanager', 'monitoring'] as const).filter((e) => !endpoints.includes(e));
      check(
        missing.length === 0,
        this,
        `the apply-exceptions check runs in the VPC and calls ${missing.join(' and ')}, but the network has no interface endpoint for ${missing.length > 1 ? 'them' : 'it'} (and no NAT). Add ${missing.map((m) => `'${m}'`).join(', ')} to the network's interfaceEndpoints, or turn the check off (monitoring.applyExceptions: false).`,
      );
    }

    const settings = JSON.parse(props.task.settingsJson) as { ControlTablesSettings?: { ControlSchema?: string } };
    const controlSchema = settings.ControlTablesSettings?.ControlSchema ?? '';
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: stack.naming.name(`${props.component}-dlq`, 'sqs'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.function = new NodejsLambda(this, 'function', {
      entry: 'dms-apply-exceptions',
      component: props.component,
      description: `Counts new rows of awsdms_apply_exceptions for DMS task ${props.task.replicationTaskId} and publishes them`,
      timeoutSeconds: 60,
      memoryMiB: 256,
      network: props.network,
      reservedConcurrency: 1,
      environment: {
        DB_SECRET_ARN: props.target.secret.secretArn,
        ...(props.target.databaseName ? { PGDATABASE: props.target.databaseName } : {}),
        TASK_RESOURCE_ID: props.task.resourceId,
        CONTROL_SCHEMA: controlSchema,
        METRIC_NAMESPACE: KIT_METRIC_NAMESPACE,
        WINDOW_SECONDS: String(period),
        LAG_SECONDS: '120',
      },
    });
    grantSecretRead(this.function, props.target.secret.secretArn, props.target.secret.kmsKeyArn);
    // PutMetricData has no resource type; the cloudwatch:namespace condition key limits it to the kit's namespace
    // ("Using condition keys to limit access to CloudWatch namespaces", CloudWatch User Guide).
    this.function.role.addToPolicy({
      sid: 'PublishKitMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': KIT_METRIC_NAMESPACE } },
    });
    if (!props.target.allowClientFrom(this.function, 'counts DMS apply exceptions')) {
      throw new ValidationError(
        this,
        `the target endpoint ${props.target.node.path} was given no security group (database or connections), so the check cannot be admitted to it. Pass database: <PrivatePostgres> or connections on the target, or turn the check off (monitoring.applyExceptions: false).`,
      );
    }
    this.function.configureAsyncInvoke({ onFailure: { queueArn: this.deadLetterQueue.arn }, retryAttempts: 1, maxEventAgeSeconds: Math.max(60, period) });

    const role = new ServiceRole(this, 'scheduler-role', {
      name: stack.naming.name(`${props.component}-scheduler`, 'iamRole'),
      servicePrincipal: 'scheduler.amazonaws.com',
      description: `EventBridge Scheduler invokes ${this.function.functionName}`,
    });
    role.addToPolicy({ sid: 'InvokeCheck', actions: ['lambda:InvokeFunction'], resources: [this.function.arn] });
    role.addToPolicy({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] });
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: stack.naming.name(props.component, 'eventRule'),
      description: `Counts DMS apply exceptions of ${props.task.replicationTaskId}`,
      scheduleExpression: `rate(${period / 60} minute${period === 60 ? '' : 's'})`,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.function.arn,
        roleArn: role.arn,
        // Each run counts [scheduled time - lag - period, scheduled time - lag): consecutive runs tile time
        // ("Adding context attributes in EventBridge Scheduler").
        input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: Math.max(60, period) },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
    });

    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: stack.naming.name(`${props.component}-apply-exceptions`, 'alarm'),
      alarmDescription: `DMS task ${props.task.replicationTaskId} failed to apply changes to the target (rows in awsdms_apply_exceptions${controlSchema ? ` in schema ${controlSchema}` : ''}); the check's log names the tables. The target has drifted from the source for them: read STATEMENT and ERROR there, fix the cause, and reload the tables.`,
      namespace: KIT_METRIC_NAMESPACE,
      metricName: APPLY_EXCEPTIONS_METRIC,
      dimensions: { ReplicationTaskIdentifier: props.task.resourceId },
      statistic: 'Sum',
      period,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
    new CloudwatchMetricAlarm(this, 'errors-alarm', {
      alarmName: stack.naming.name(`${props.component}-errors`, 'alarm'),
      alarmDescription: `The apply-exceptions check of ${props.task.replicationTaskId} failed (see its log): apply exceptions are not being counted.`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.function.functionName },
      statistic: 'Sum',
      period: Math.max(300, period),
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
    });
  }
}
