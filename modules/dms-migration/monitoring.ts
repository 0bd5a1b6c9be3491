import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DmsEventSubscription } from '@cdktf/provider-aws/lib/dms-event-subscription';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { AlarmSubscription, check, checkRange, isResolved, MigrationStack, newAlarmTopic } from '../core';
import { IDmsReplicationInstance } from './replication-instance';
import { DmsReplicationTask } from './replication-task';

export interface DmsMonitoringProps {
  /** Component for physical names. @default 'dms' */
  readonly component?: string;
  /** Existing SNS topic for alarms and events. @default a KMS-encrypted topic created here */
  readonly topicArn?: string;
  /**
   * Email addresses and HTTPS endpoints subscribed to the topic created here, so alarms and DMS events reach people
   * without a manual step after deploy, e.g. `[{ protocol: 'email', endpoint: 'oncall@example.com' }]`. Checked at
   * synth (an address, an https:// URL, no duplicates). Not with `topicArn` (subscribe to your own topic where it is
   * defined). @default none
   */
  readonly subscriptions?: readonly AlarmSubscription[];
}

export interface InstanceAlarmProps {
  /** @default 80 */
  readonly cpuPercent?: number;
  /** Alarm when freeable memory drops below this many MiB. @default 256 */
  readonly freeableMemoryMiB?: number;
  /** Alarm when free storage drops below this many GiB (cached changes and logs live there). @default 10 */
  readonly freeStorageGiB?: number;
}

export interface TaskAlarmProps {
  /** Alarm when source or target CDC latency stays above this. @default 600 (10 minutes) */
  readonly cdcLatencySeconds?: number;
  /** Alarm when changes pile up on the instance's disk (target cannot keep up). @default 10000 */
  readonly cdcChangesOnDisk?: number;
}

/**
 * Alarms and DMS events to one SNS topic: instance CPU, memory and storage; per-task CDC latency (source and
 * target) and changes spilled to disk; and an event subscription for task failures and state changes and
 * instance failures, low storage and failovers. Subscribe people or a pager to `topicArn`.
 */
export class DmsMonitoring extends Construct {
  readonly topicArn: string;
  private readonly stack: MigrationStack;
  private readonly component: string;
  private readonly taskArns: string[] = [];
  private readonly instanceIds = new Set<string>();

  constructor(scope: Construct, id: string, props: DmsMonitoringProps = {}) {
    super(scope, id);
    this.stack = MigrationStack.of(this);
    this.component = props.component ?? 'dms';
    check(
      props.topicArn === undefined || !props.subscriptions?.length,
      this,
      'subscriptions subscribe to the topic DmsMonitoring creates; with topicArn, subscribe to that topic where it is defined (or drop topicArn).',
    );
    if (props.topicArn) {
      this.topicArn = props.topicArn;
    } else {
      const stack = this.stack;
      // CloudWatch and DMS publish to an encrypted topic only if the key lets them (the AWS-managed SNS key does not).
      const { topic } = newAlarmTopic(this, {
        component: `${this.component}-alerts`,
        publishers: ['cloudwatch.amazonaws.com', 'dms.amazonaws.com'],
        ids: { key: 'key', alias: 'key-alias', topic: 'topic' },
        description: `Encrypts DMS alarms and events of ${stack.naming.name(this.component)}`,
        subscriptions: props.subscriptions,
      });
      new SnsTopicPolicy(this, 'topic-policy', {
        arn: topic.arn,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AlarmAndEventPublishers',
              Effect: 'Allow',
              Principal: { Service: ['cloudwatch.amazonaws.com', 'dms.amazonaws.com'] },
              Action: 'sns:Publish',
              Resource: topic.arn,
              Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: topic.arn,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
      this.topicArn = topic.arn;
    }
  }

  /** CPU, freeable memory and free storage alarms for a replication instance (once per instance). */
  watchInstance(instance: IDmsReplicationInstance, props: InstanceAlarmProps = {}): void {
    if (this.instanceIds.has(instance.replicationInstanceId)) return;
    this.instanceIds.add(instance.replicationInstanceId);
    checkRange(this, 'cpuPercent', props.cpuPercent, 1, 100);
    const n = this.keyOf(instance.replicationInstanceId, `${this.instanceIds.size}`);
    const dims = { ReplicationInstanceIdentifier: instance.replicationInstanceId };
    this.alarm(`instance-${n}-cpu`, 'CPUUtilization', dims, 'GreaterThanThreshold', props.cpuPercent ?? 80, 'CPU of the replication instance stayed high: tasks slow down and CDC latency grows. Scale the instance class.');
    this.alarm(
      `instance-${n}-memory`,
      'FreeableMemory',
      dims,
      'LessThanThreshold',
      (props.freeableMemoryMiB ?? 256) * 1024 * 1024,
      'Replication instance is short of memory: DMS swaps changes to disk and latency grows. Scale the instance class or reduce MaxFullLoadSubTasks.',
    );
    this.alarm(
      `instance-${n}-storage`,
      'FreeStorageSpace',
      dims,
      'LessThanThreshold',
      (props.freeStorageGiB ?? 10) * 1024 * 1024 * 1024,
      'Replication instance storage is running out (logs and cached changes): the task will fail. Raise allocatedStorageGiB.',
    );
    new DmsEventSubscription(this, `instance-${n}-events`, {
      name: this.stack.naming.name(`${this.component}-instance-${n}-events`, 'dmsIdentifier'),
      snsTopicArn: this.topicArn,
      sourceType: 'replication-instance',
      sourceIds: [instance.replicationInstanceId],
      eventCategories: ['failure', 'low storage', 'failover'],
      enabled: true,
    });
  }

  /** CDC latency (source, target) and changes-on-disk alarms for a task, plus failure / state-change events. */
  watchTask(task: DmsReplicationTask, props: TaskAlarmProps = {}): void {
    this.watchInstance(task.instance);
    this.taskArns.push(task.replicationTaskArn);
    const n = this.keyOf(task.replicationTaskId, `${this.taskArns.length}`);
    const dims = { ReplicationInstanceIdentifier: task.instance.replicationInstanceId, ReplicationTaskIdentifier: task.resourceId };
    if (task.migrationType !== 'full-load') {
      const latency = props.cdcLatencySeconds ?? 600;
      this.alarm(
        `task-${n}-latency-source`,
        'CDCLatencySource',
        dims,
        'GreaterThanThreshold',
        latency,
        `DMS task ${task.replicationTaskId}: reading changes from the source lags by more than ${latency}s. Check the source log reader (MS-CDC capture job, replication agent, binlog) and the VPN.`,
      );
      this.alarm(
        `task-${n}-latency-target`,
        'CDCLatencyTarget',
        dims,
        'GreaterThanThreshold',
        latency,
        `DMS task ${task.replicationTaskId}: applying changes to the target lags by more than ${latency}s. Check target load, locks, and missing primary keys.`,
      );
      this.alarm(
        `task-${n}-changes-disk`,
        'CDCChangesDiskSource',
        dims,
        'GreaterThanThreshold',
        props.cdcChangesOnDisk ?? 10000,
        `DMS task ${task.replicationTaskId}: changes are spilling to the instance disk; the target cannot keep up.`,
      );
    }
    // Task failure: DMS publishes a "failure" event when a task stops with an error (there is no metric for it).
    new DmsEventSubscription(this, `task-${n}-events`, {
      name: this.stack.naming.name(`${this.component}-task-${n}-events`, 'dmsIdentifier'),
      snsTopicArn: this.topicArn,
      sourceType: 'replication-task',
      sourceIds: [task.replicationTaskId],
      eventCategories: ['failure', 'state change'],
      enabled: true,
    });
  }

  /**
   * The part of construct ids and names that tells one watched instance or task from another: its physical id
   * without the stack's prefix (so adding, removing or reordering tasks renames no alarm), or its position when the
   * id is only known at apply.
   */
  private keyOf(physicalId: string, position: string): string {
    if (!isResolved(physicalId)) return position;
    const prefix = `${this.stack.naming.prefix}-`;
    return physicalId.startsWith(prefix) ? physicalId.slice(prefix.length) : physicalId;
  }

  private alarm(id: string, metric: string, dimensions: Record<string, string>, comparison: string, threshold: number, description: string): void {
    new CloudwatchMetricAlarm(this, id, {
      alarmName: this.stack.naming.name(`${this.component}-${id}`, 'alarm'),
      alarmDescription: description,
      namespace: 'AWS/DMS',
      metricName: metric,
      dimensions,
      statistic: metric === 'CPUUtilization' || metric.startsWith('CDC') ? 'Average' : 'Minimum',
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: comparison,
      threshold,
      treatMissingData: 'notBreaching',
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
  }
}
