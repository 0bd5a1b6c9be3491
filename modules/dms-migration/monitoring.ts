import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DmsEventSubscription } from '@cdktf/provider-aws/lib/dms-event-subscription';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { AlarmSubscription, check, checkRange, isResolved, MigrationStack, newAlarmTopic } from '../core';
import { IDmsReplicationInstance } from './replication-instance';
import { DmsReplicationTask } from './replication-task';
import type { DmsServerlessReplication } from './serverless-replication';

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
  /**
   * Also let EventBridge publish to the topic created here (its key and topic policy), for `watchServerless`'s rules.
   * With `topicArn`, that topic's policy and key must allow `events.amazonaws.com` themselves. @default false
   */
  readonly eventBridge?: boolean;
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
  /** EventBridge rules allowed to publish to the topic created here (`aws:SourceArn`). */
  private readonly eventRuleArns: string[] = [];
  private readonly eventBridge: boolean;
  private topicPolicy?: SnsTopicPolicy;
  private ownTopicArn?: string;

  constructor(scope: Construct, id: string, props: DmsMonitoringProps = {}) {
    super(scope, id);
    this.stack = MigrationStack.of(this);
    this.component = props.component ?? 'dms';
    this.eventBridge = props.eventBridge ?? false;
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
        publishers: ['cloudwatch.amazonaws.com', 'dms.amazonaws.com', ...(this.eventBridge ? ['events.amazonaws.com'] : [])],
        ids: { key: 'key', alias: 'key-alias', topic: 'topic' },
        description: `Encrypts DMS alarms and events of ${stack.naming.name(this.component)}`,
        subscriptions: props.subscriptions,
      });
      this.ownTopicArn = topic.arn;
      this.topicPolicy = new SnsTopicPolicy(this, 'topic-policy', { arn: topic.arn, policy: this.topicPolicyJson(topic.arn) });
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
   * DMS Serverless: its "DMS Replication State Change" events (EventBridge, source `aws.dms`; the replication config's
   * ARN in `resources`) to the topic, so a failed or stopped replication reaches people as a task's events do.
   * No metric alarms and no `aws_dms_event_subscription`: event subscriptions take SourceType `replication-instance`
   * or `replication-task` only ([CreateEventSubscription](https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateEventSubscription.html)),
   * and the CloudWatch alarms of an instance and a task name `ReplicationInstanceIdentifier` /
   * `ReplicationTaskIdentifier` dimensions, which a serverless replication does not have (see the README).
   * Events: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-dms.html,
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_EventBridge.html.
   */
  watchServerless(replication: DmsServerlessReplication): CloudwatchEventRule {
    check(
      this.eventBridge || this.ownTopicArn === undefined,
      this,
      'watchServerless publishes through EventBridge: create DmsMonitoring with eventBridge: true so the topic and its key allow events.amazonaws.com.',
    );
    const id = replication.config.replicationConfigIdentifier;
    const n = this.keyOf(id, `${this.eventRuleArns.length + 1}`);
    const rule = new CloudwatchEventRule(this, `serverless-${n}-events`, {
      name: this.stack.naming.name(`${this.component}-sls-${n}-events`, 'eventRule'),
      description: `State changes (failures, stops) of DMS Serverless replication ${id}`.slice(0, 512),
      eventPattern: JSON.stringify({
        source: ['aws.dms'],
        'detail-type': ['DMS Replication State Change'],
        resources: [replication.replicationConfigArn],
      }),
    });
    new CloudwatchEventTarget(this, `serverless-${n}-events-topic`, { rule: rule.name, arn: this.topicArn });
    this.eventRuleArns.push(rule.arn);
    if (this.topicPolicy && this.ownTopicArn) this.topicPolicy.policy = this.topicPolicyJson(this.ownTopicArn);
    return rule;
  }

  /** CloudWatch and DMS publish from this account; EventBridge only from the rules of `watchServerless`. */
  private topicPolicyJson(topicArn: string): string {
    const stack = this.stack;
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AlarmAndEventPublishers',
          Effect: 'Allow',
          Principal: { Service: ['cloudwatch.amazonaws.com', 'dms.amazonaws.com'] },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
        },
        ...(this.eventRuleArns.length
          ? [
              {
                Sid: 'ServerlessReplicationEvents',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sns:Publish',
                Resource: topicArn,
                Condition: { ArnEquals: { 'aws:SourceArn': [...this.eventRuleArns] } },
              },
            ]
          : []),
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
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
