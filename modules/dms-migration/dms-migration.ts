import { Construct } from 'constructs';
import { check, MigrationStack, ValidationError } from '../core';
import {
  IDmsEndpoint,
  KinesisTargetEndpoint,
  MySqlSourceEndpoint,
  PostgresSourceEndpoint,
  PostgresTargetEndpoint,
  S3SourceEndpoint,
  S3TargetEndpoint,
  SqlServerSourceEndpoint,
} from './endpoints';
import { DmsApplyExceptionsCheck } from './apply-exceptions';
import { OracleSourceEndpoint } from './oracle-endpoint';
import { GenericDmsEndpoint } from './generic-endpoint';
import { KafkaTargetEndpoint } from './kafka-target';
import { MySqlTargetEndpoint } from './mysql-target';
import { TableMappings } from './table-mappings';
import { DmsMonitoring } from './monitoring';
import { DmsMigrationProps, DmsSourceSpec, DmsTargetSpec } from './props';
import { DmsReplicationInstance, IDmsReplicationInstance } from './replication-instance';
import { DmsReplicationTask } from './replication-task';
import { DmsScheduledFullLoad } from './scheduled-full-load';
import { DmsServerlessReplication } from './serverless-replication';
import { DmsTaskResumer } from './task-resumer';

/**
 * A whole DMS migration: replication instance (created or reused), source and target endpoints with secrets and
 * TLS, the network path between them, one task with validated mappings and settings, alarms and events, and, for
 * full-load tasks, an optional schedule that re-runs the load.
 */
export class DmsMigration extends Construct {
  readonly source: IDmsEndpoint;
  readonly target: IDmsEndpoint;
  /** The DMS Serverless replication (`compute: { kind: 'serverless' }`); then there is no instance and no task. */
  readonly serverless?: DmsServerlessReplication;
  readonly monitoring?: DmsMonitoring;
  /** Counts the target's apply exceptions and alarms on them (CDC tasks into PostgreSQL, with monitoring). */
  readonly applyExceptions?: DmsApplyExceptionsCheck;
  readonly schedule?: DmsScheduledFullLoad;
  /** Resumes the CDC task after an apply stopped it (CDC tasks unless `resume: false`). */
  readonly resumer?: DmsTaskResumer;
  private readonly _instance?: IDmsReplicationInstance;
  private readonly _task?: DmsReplicationTask;

  constructor(scope: Construct, id: string, props: DmsMigrationProps) {
    super(scope, id);
    MigrationStack.of(this);
    const component = props.component ?? 'migration';
    const compute = props.compute ?? { kind: 'instance' };
    // An Oracle source set up for full loads only (facts.continuous false) has no capture configured: a CDC task would fail.
    check(
      props.source.kind !== 'oracle' || props.source.facts?.continuous !== false || props.migrationType === 'full-load',
      this,
      `source.facts.continuous is false (the Oracle source is set up for full loads only), but migrationType is ${props.migrationType ?? "unset (default 'full-load-and-cdc')"}. Set migrationType: 'full-load', or set continuous: true with a capture mode (pickOracleCaptureMode).`,
    );
    check(compute.kind === 'instance' || compute.kind === 'serverless', this, `compute.kind must be "instance" or "serverless"; got ${JSON.stringify((compute as { kind: unknown }).kind)}.`);
    if (compute.kind === 'serverless') {
      refuseForServerless(this, props);
      this.source = newSource(this, component, props.source);
      this.target = newTarget(this, component, props.target);
      refuseKafkaTopicsElsewhere(this, props, this.target);
      this.serverless = new DmsServerlessReplication(this, 'serverless', {
        component,
        network: props.network,
        accountRoles: props.accountRoles,
        source: this.source,
        target: this.target,
        migrationType: props.migrationType,
        tableMappings: props.tableMappings,
        settings: props.settings,
        minCapacityUnits: compute.minCapacityUnits,
        maxCapacityUnits: compute.maxCapacityUnits,
        multiAz: compute.multiAz,
      });
      if (props.monitoring !== false) {
        const m = props.monitoring ?? {};
        this.monitoring = new DmsMonitoring(this, 'monitoring', { component: m.component ?? component, topicArn: m.topicArn, subscriptions: m.subscriptions, eventBridge: true });
        this.monitoring.watchServerless(this.serverless);
      }
      return;
    }
    this._instance =
      props.replicationInstance ??
      new DmsReplicationInstance(this, 'instance', { ...(props.instance ?? {}), network: props.network, accountRoles: props.accountRoles, component });
    this.source = newSource(this, component, props.source);
    this.target = newTarget(this, component, props.target);
    refuseKafkaTopicsElsewhere(this, props, this.target);
    this._task = new DmsReplicationTask(this, 'task', {
      component,
      instance: this.instance,
      source: this.source,
      target: this.target,
      migrationType: props.migrationType,
      tableMappings: props.tableMappings,
      settings: props.settings,
      startOnCreate: props.startOnCreate,
      cdcStartPosition: props.cdcStartPosition,
      cdcStartTime: props.cdcStartTime,
      // The cloudwatch-logs role must exist before the task logs; an adopted instance does not wait for it.
      dependsOn: props.replicationInstance ? [props.accountRoles.dependable] : undefined,
    });
    if (props.monitoring !== false) {
      const m = props.monitoring ?? {};
      this.monitoring = new DmsMonitoring(this, 'monitoring', { component: m.component ?? component, topicArn: m.topicArn, subscriptions: m.subscriptions });
      this.monitoring.watchInstance(this.instance, m);
      this.monitoring.watchTask(this.task, m);
      const wanted = m.applyExceptions;
      const applies = this.target instanceof PostgresTargetEndpoint && this.task.migrationType !== 'full-load';
      check(
        wanted === undefined || wanted === false || applies,
        this,
        this.task.migrationType === 'full-load'
          ? 'monitoring.applyExceptions is set on a full-load task, which writes no control tables (DMS creates them for full-load-and-cdc and CDC-only tasks). Drop applyExceptions.'
          : this.target instanceof MySqlTargetEndpoint
            ? `monitoring.applyExceptions is set, but the check reads awsdms_apply_exceptions with a PostgreSQL client and the target is ${this.target.engineName}, where DMS keeps that table in the awsdms_control database. Drop applyExceptions and watch the task's failure events (on by default); query awsdms_control.awsdms_apply_exceptions when the task stops on apply errors.`
            : `monitoring.applyExceptions is set, but the target is ${this.target.engineName}: only database targets have the awsdms_apply_exceptions control table. Drop applyExceptions.`,
      );
      // By default only where the check can reach the target (its security group is known); asked for explicitly,
      // an unreachable target fails at synth with the fix.
      const reachable = applies && (this.target as PostgresTargetEndpoint).admitsClients;
      if (applies && wanted !== false && (reachable || wanted !== undefined)) {
        this.applyExceptions = new DmsApplyExceptionsCheck(this, 'apply-exceptions', {
          component: `${component}-apply-exc`,
          task: this.task,
          target: this.target as PostgresTargetEndpoint,
          network: props.network,
          alarmTopicArn: this.monitoring.topicArn,
          periodMinutes: wanted?.periodMinutes,
        });
      }
    }
    check(
      props.resume === undefined || props.resume === false || this.task.migrationType !== 'full-load',
      this,
      "resume is set on a full-load task; resume-processing would reload its partly loaded tables. Drop resume (full loads are re-run by schedule), or use migrationType 'full-load-and-cdc'.",
    );
    if (props.resume !== false && this.task.migrationType !== 'full-load') {
      this.resumer = new DmsTaskResumer(this, 'resumer', { ...(props.resume ?? {}), component: `${component}-resumer`, task: this.task });
    }
    if (props.schedule) {
      this.schedule = new DmsScheduledFullLoad(this, 'schedule', {
        ...props.schedule,
        component: `${component}-runner`,
        task: this.task,
        alarmTopicArn: this.monitoring?.topicArn,
      });
    }
  }

  /** The replication instance (created or adopted). A serverless migration has none: use `serverless`. */
  get instance(): IDmsReplicationInstance {
    if (!this._instance) throw new ValidationError(this, 'this migration is serverless (compute.kind "serverless"): it has no replication instance; use migration.serverless.');
    return this._instance;
  }

  /** The replication task. A serverless migration has none: use `serverless` (its `replicationConfigArn`). */
  get task(): DmsReplicationTask {
    if (!this._task) throw new ValidationError(this, 'this migration is serverless (compute.kind "serverless"): it has no replication task; use migration.serverless.replicationConfigArn.');
    return this._task;
  }
}

/**
 * Options that need a replication instance or task, refused for DMS Serverless with the reason (see the README's
 * "Serverless" section for the documentation behind each).
 */
function refuseForServerless(scope: Construct, props: DmsMigrationProps): void {
  const refuse = (given: boolean, message: string) => check(!given, scope, `compute.kind "serverless": ${message}`);
  refuse(props.replicationInstance !== undefined || props.instance !== undefined, 'replicationInstance and instance configure a replication instance, which DMS Serverless does not use; drop them (capacity is compute.minCapacityUnits/maxCapacityUnits).');
  refuse(props.schedule !== undefined, "schedule re-runs a task with StartReplicationTask; a serverless replication is started with StartReplication, which the runner does not call. Drop schedule, or use compute { kind: 'instance' }.");
  refuse(props.resume !== undefined && props.resume !== false, "resume runs the task resumer (StartReplicationTask resume-processing) on a task; a serverless replication has no task. Drop resume, or use compute { kind: 'instance' }.");
  refuse(props.startOnCreate === true || props.cdcStartPosition !== undefined || props.cdcStartTime !== undefined, 'startOnCreate, cdcStartPosition and cdcStartTime are task settings; start a serverless replication with `aws dms start-replication --replication-config-arn <arn> --start-replication-type start-replication` (with --cdc-start-position or --cdc-start-time for a CDC start point).');
  if (props.monitoring) {
    const m = props.monitoring;
    const instanceOrTask = (['cpuPercent', 'freeableMemoryMiB', 'freeStorageGiB', 'cdcLatencySeconds', 'cdcChangesOnDisk'] as const).filter((k) => m[k] !== undefined);
    refuse(
      instanceOrTask.length > 0,
      `monitoring.${instanceOrTask.join(', monitoring.')} set alarms on instance and task metrics (dimensions ReplicationInstanceIdentifier / ReplicationTaskIdentifier), which a serverless replication does not publish under; drop them. Its state changes reach the topic through EventBridge.`,
    );
    refuse(m.applyExceptions !== undefined && m.applyExceptions !== false, 'monitoring.applyExceptions counts rows a task writes to awsdms_apply_exceptions by its task name; drop it for serverless.');
  }
}

/** `mapToKafkaTopic` rules mean nothing to another target: most likely the target kind is wrong. */
function refuseKafkaTopicsElsewhere(scope: Construct, props: DmsMigrationProps, target: IDmsEndpoint): void {
  const topics = props.tableMappings instanceof TableMappings ? props.tableMappings.kafkaTopics : [];
  check(
    topics.length === 0 || target.engineName === 'kafka',
    scope,
    `tableMappings send tables to Kafka topics (${topics.join(', ')}) but the target is ${target.engineName}. Use target kind 'kafka', or drop the mapToKafkaTopic rules.`,
  );
}

function newSource(scope: Construct, component: string, spec: DmsSourceSpec): IDmsEndpoint {
  switch (spec.kind) {
    case 'sqlserver':
      return new SqlServerSourceEndpoint(scope, 'source', { ...spec, component });
    case 'mysql':
      return new MySqlSourceEndpoint(scope, 'source', { ...spec, component });
    case 'postgres':
      return new PostgresSourceEndpoint(scope, 'source', { ...spec, component });
    case 's3':
      return new S3SourceEndpoint(scope, 'source', { ...spec, component });
    case 'oracle':
      return new OracleSourceEndpoint(scope, 'source', { ...spec, component });
    case 'custom':
      return new GenericDmsEndpoint(scope, 'source', { ...spec, endpointType: 'source', component });
    case 'existing':
      return spec.endpoint;
  }
}

function newTarget(scope: Construct, component: string, spec: DmsTargetSpec): IDmsEndpoint {
  switch (spec.kind) {
    case 'postgres':
      return new PostgresTargetEndpoint(scope, 'target', { ...spec, component });
    case 's3':
      return new S3TargetEndpoint(scope, 'target', { ...spec, component });
    case 'kinesis':
      return new KinesisTargetEndpoint(scope, 'target', { ...spec, component });
    case 'mysql':
      return new MySqlTargetEndpoint(scope, 'target', { ...spec, component });
    case 'kafka':
      return new KafkaTargetEndpoint(scope, 'target', { ...spec, component });
    case 'custom':
      return new GenericDmsEndpoint(scope, 'target', { ...spec, endpointType: 'target', component });
    case 'existing':
      return spec.endpoint;
  }
}
