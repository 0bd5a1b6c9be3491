import { Construct } from 'constructs';
import { check, MigrationStack } from '../core';
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
import { DmsMonitoring } from './monitoring';
import { DmsMigrationProps, DmsSourceSpec, DmsTargetSpec } from './props';
import { DmsReplicationInstance, IDmsReplicationInstance } from './replication-instance';
import { DmsReplicationTask } from './replication-task';
import { DmsScheduledFullLoad } from './scheduled-full-load';
import { DmsTaskResumer } from './task-resumer';

/**
 * A whole DMS migration: replication instance (created or reused), source and target endpoints with secrets and
 * TLS, the network path between them, one task with validated mappings and settings, alarms and events, and, for
 * full-load tasks, an optional schedule that re-runs the load.
 */
export class DmsMigration extends Construct {
  readonly instance: IDmsReplicationInstance;
  readonly source: IDmsEndpoint;
  readonly target: IDmsEndpoint;
  readonly task: DmsReplicationTask;
  readonly monitoring?: DmsMonitoring;
  /** Counts the target's apply exceptions and alarms on them (CDC tasks into PostgreSQL, with monitoring). */
  readonly applyExceptions?: DmsApplyExceptionsCheck;
  readonly schedule?: DmsScheduledFullLoad;
  /** Resumes the CDC task after an apply stopped it (CDC tasks unless `resume: false`). */
  readonly resumer?: DmsTaskResumer;

  constructor(scope: Construct, id: string, props: DmsMigrationProps) {
    super(scope, id);
    MigrationStack.of(this);
    const component = props.component ?? 'migration';
    this.instance =
      props.replicationInstance ??
      new DmsReplicationInstance(this, 'instance', { ...(props.instance ?? {}), network: props.network, accountRoles: props.accountRoles, component });
    this.source = newSource(this, component, props.source);
    this.target = newTarget(this, component, props.target);
    this.task = new DmsReplicationTask(this, 'task', {
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
    case 'existing':
      return spec.endpoint;
  }
}
