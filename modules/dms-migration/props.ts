import { DmsAccountRoles } from '../dms-account-roles';
import { NetworkRef } from '../core';
import {
  IDmsEndpoint,
  KinesisTargetEndpointProps,
  MySqlSourceEndpointProps,
  PostgresSourceEndpointProps,
  PostgresTargetEndpointProps,
  S3SourceEndpointProps,
  S3TargetEndpointProps,
  SqlServerSourceEndpointProps,
} from './endpoints';
import { KafkaTargetEndpointProps } from './kafka-target';
import { MySqlTargetEndpointProps } from './mysql-target';
import { ApplyExceptionsAlarmProps } from './apply-exceptions';
import { OracleSourceEndpointProps } from './oracle-endpoint';
import { GenericDmsEndpointProps } from './generic-endpoint';
import { DmsMonitoringProps, InstanceAlarmProps, TaskAlarmProps } from './monitoring';
import { DmsReplicationInstanceProps, IDmsReplicationInstance } from './replication-instance';
import { MigrationType, TableMappingsInput, TaskSettingsInput } from './replication-task';
import { DmsScheduledFullLoadProps } from './scheduled-full-load';
import { DmsServerlessReplicationProps } from './serverless-replication';
import { DmsTaskResumerProps } from './task-resumer';

/**
 * Where the migration runs. `instance` (default): a replication instance (created, or `replicationInstance`) and a
 * task. `serverless`: a DMS Serverless replication config (`aws_dms_replication_config`) that scales between
 * `minCapacityUnits` and `maxCapacityUnits` DCUs; what it does not support is refused at synth (see the README).
 */
export type DmsCompute =
  | { readonly kind: 'instance' }
  | ({ readonly kind: 'serverless' } & Pick<DmsServerlessReplicationProps, 'minCapacityUnits' | 'maxCapacityUnits' | 'multiAz'>);

/** The source, by kind. Physical names derive from `${component}-source`. */
export type DmsSourceSpec =
  | ({ readonly kind: 'sqlserver' } & Omit<SqlServerSourceEndpointProps, 'component'>)
  | ({ readonly kind: 'mysql' } & Omit<MySqlSourceEndpointProps, 'component'>)
  | ({ readonly kind: 'postgres' } & Omit<PostgresSourceEndpointProps, 'component'>)
  | ({ readonly kind: 's3' } & Omit<S3SourceEndpointProps, 'component'>)
  | ({ readonly kind: 'oracle' } & Omit<OracleSourceEndpointProps, 'component'>)
  /** Any other engine with a login secret (`GenericDmsEndpoint`: db2, mongodb, sybase, ...), settings in `overrides`. */
  | ({ readonly kind: 'custom' } & Omit<GenericDmsEndpointProps, 'component' | 'endpointType'>)
  /** An endpoint made elsewhere, adopted by ARN (`new ExistingDmsEndpoint(...)`). */
  | { readonly kind: 'existing'; readonly endpoint: IDmsEndpoint };

/** The target, by kind. */
export type DmsTargetSpec =
  | ({ readonly kind: 'postgres' } & Omit<PostgresTargetEndpointProps, 'component'>)
  | ({ readonly kind: 's3' } & Omit<S3TargetEndpointProps, 'component'>)
  | ({ readonly kind: 'kinesis' } & Omit<KinesisTargetEndpointProps, 'component'>)
  /** MySQL / MariaDB / Aurora MySQL (`engine: 'aurora'`); the login needs templates/mysql/target-user.sql. */
  | ({ readonly kind: 'mysql' } & Omit<MySqlTargetEndpointProps, 'component'>)
  /** Apache Kafka / Amazon MSK, over TLS (see the README's "Kafka / MSK target"). */
  | ({ readonly kind: 'kafka' } & Omit<KafkaTargetEndpointProps, 'component'>)
  /** Any other engine with a login secret (`GenericDmsEndpoint`: db2, sybase, azuredb, ...), settings in `overrides`. */
  | ({ readonly kind: 'custom' } & Omit<GenericDmsEndpointProps, 'component' | 'endpointType'>)
  /** An endpoint made elsewhere, adopted by ARN (`new ExistingDmsEndpoint(...)`). */
  | { readonly kind: 'existing'; readonly endpoint: IDmsEndpoint };

export interface DmsMigrationProps {
  /** Component for physical names. @default 'migration' */
  readonly component?: string;
  /** Private subnets (>= 2 AZs) of the VPC with the route to the source (VPN) and the target. */
  readonly network: NetworkRef;
  /** The account roles, created once per account or adopted (modules/dms-account-roles). */
  readonly accountRoles: DmsAccountRoles;
  /** Reuse a replication instance (e.g. `DmsReplicationInstance.fromExisting`). @default one is created */
  readonly replicationInstance?: IDmsReplicationInstance;
  /** Settings of the created instance (ignored with `replicationInstance`). */
  readonly instance?: Omit<DmsReplicationInstanceProps, 'network' | 'accountRoles' | 'component'>;
  readonly source: DmsSourceSpec;
  readonly target: DmsTargetSpec;
  /** @default from the source: 'full-load' for SQL Server full-load-only, else 'full-load-and-cdc' */
  readonly migrationType?: MigrationType;
  /** `new TableMappings()...` or raw JSON. */
  readonly tableMappings: TableMappingsInput;
  /** Typed settings (safe defaults) or `{ raw }`. */
  readonly settings?: TaskSettingsInput;
  /** Start a CDC task when Terraform creates it (never for full-load tasks). @default false */
  readonly startOnCreate?: boolean;
  /**
   * Where CDC starts: a native position of the source's log (LSN, binlog position, checkpoint; PostgreSQL: an LSN of
   * the slot named on the source). Passed to the task with the same synth checks (see `DmsReplicationTask`).
   */
  readonly cdcStartPosition?: string;
  /** A custom CDC start time (RFC 3339 or Unix seconds); refused for PostgreSQL sources. Not with `cdcStartPosition`. */
  readonly cdcStartTime?: string;
  /**
   * CDC tasks: a `DmsTaskResumer` that resumes the task from its checkpoint (`resume-processing`) after an apply
   * stopped it to modify it. `false` leaves a modified task stopped until resumed by hand.
   * @default on for 'cdc' and 'full-load-and-cdc' tasks, with resumeAfterApply
   */
  readonly resume?: false | Omit<DmsTaskResumerProps, 'task' | 'component'>;
  /**
   * Alarms and events to SNS, and for CDC tasks into PostgreSQL the apply-exceptions check (`applyExceptions`).
   * `false` turns them off (not recommended). @default on, with a created topic
   */
  readonly monitoring?: false | (DmsMonitoringProps & InstanceAlarmProps & TaskAlarmProps & ApplyExceptionsAlarmProps);
  /** Re-run a full-load task on a schedule (the reporting-server case). */
  readonly schedule?: Omit<DmsScheduledFullLoadProps, 'task' | 'component' | 'alarmTopicArn'>;
  /**
   * A replication instance and task, or DMS Serverless, e.g. `{ kind: 'serverless', minCapacityUnits: 2, maxCapacityUnits: 32 }`.
   * @default { kind: 'instance' }
   */
  readonly compute?: DmsCompute;
}
