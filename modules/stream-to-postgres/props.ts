import type { AlarmSubscription, IGrantable, NetworkRef } from '../core';
import type { DmsBucketRef, IDmsEndpoint, IDmsReplicationInstance, PostgresDatabaseLike, TableMappingsInput } from '../dms-migration';
import type { TableConfigInput } from '../../lambdas/stream-to-postgres/table-config';

export type { ColumnConfigInput, TableConfigInput } from '../../lambdas/stream-to-postgres/table-config';

/** The database the stream writes to: a PostgresDatabase (PrivatePostgres, ExistingPostgres), or anything shaped like it. */
export interface StreamTargetDatabase extends PostgresDatabaseLike {
  readonly engine: 'postgres' | 'aurora-postgresql';
  /** Estimated max_connections; the consumer's concurrency is checked against it. */
  readonly connectionBudget: number;
  /** `master`, `app`, or (PrivatePostgres) a login's name. */
  grantSecretRead(grantee: IGrantable, which?: string): void;
  /** A password login's secret (PrivatePostgres `logins`); needed for `databaseLogin`. */
  loginSecret?(username: string): { readonly secretArn: string; readonly kmsKeyArn?: string };
}

/** Kinesis capacity. */
export type StreamCapacity = { readonly mode: 'on-demand' } | { readonly mode: 'provisioned'; readonly shardCount: number };

/** The ongoing-change path: a DMS CDC task from `source` into the stream. */
export interface ChangeSourceProps {
  /** The replication instance that runs the CDC task (and, with `fullLoad`, the full-load task). */
  readonly instance: IDmsReplicationInstance;
  /** A DMS source endpoint (e.g. `PostgresSourceEndpoint`, `SqlServerSourceEndpoint`) on the system of record. */
  readonly source: IDmsEndpoint;
  /**
   * Table mappings of the CDC task. @default one include rule per configured source table (`schema.table`)
   */
  readonly tableMappings?: TableMappingsInput;
  /**
   * Where CDC starts, as a native position (DMS `CdcStartPosition`). For a PostgreSQL source it is required with
   * `highWaterMark`: PostgreSQL supports no custom CDC start time, so the stream cannot start "at" the high-water mark.
   * Run templates/postgres/cdc-start-slot.sql on the source before the export and pass the LSN it prints
   * (`cdc_start_position`), with `slotName` on the PostgresSourceEndpoint set to its slot and `highWaterMark` to its
   * `high_water_mark`.
   * @default for other sources, the high-water mark as a DMS date position; without one, the task's start time
   */
  readonly cdcStartPosition?: string;
}

/**
 * The bulk path: files exported to S3 loaded by a DMS full-load task into the same live tables. DMS data validation
 * does not work with an S3 source (DMS guide, CHAP_Validating), so the task runs without it: check the load with
 * templates/postgres/row-counts.sql on both sides (module README, "Full load, then the stream").
 */
export interface FullLoadProps {
  /** The replication instance for the full-load task. @default changeSource.instance */
  readonly instance?: IDmsReplicationInstance;
  /** Bucket holding the export. @default a private, versioned, SSE-KMS bucket created here */
  readonly bucket?: DmsBucketRef;
  /**
   * Whole name of the export bucket created here (S3 names are global: the generated one may be taken). Checked at
   * synth. Not with `bucket`. @default `${project}-${environment}-<component>-export`
   */
  readonly bucketName?: string;
  /** Appended to the generated export bucket name, e.g. the account id. Not with `bucket`. @default none */
  readonly bucketNameSuffix?: string;
  /** Prefix holding one folder per table (`<folder>/<schema>/<table>/*.csv`). @default 'export' */
  readonly folder?: string;
  /** STRING length declared for unbounded text columns in the external table definition. @default 65535 */
  readonly textLength?: number;
  /**
   * The DMS Postgres target logs in with the database's app-user secret: the RDS-managed master secret holds no host
   * or port, which DMS reads from the secret. The database needs `appUser` (password authentication), and the consumer
   * must use the same login (it creates the tables the load truncates). `false` is refused. @default true
   */
  readonly useAppUserSecret?: boolean;
  /**
   * Schema for DMS's control tables (validation failures, apply exceptions), which the app user must be able to
   * create tables in (from PostgreSQL 15 `public` is not writable by it). @default the first table's target schema
   */
  readonly controlSchema?: string;
}

export interface StreamToPostgresProps {
  /** Component for physical names. @default 'cdc-stream' */
  readonly component?: string;
  /** Private subnets of the database's VPC: the consumer Lambda runs there. */
  readonly network: NetworkRef;
  /** The Postgres the changes land in. */
  readonly database: StreamTargetDatabase;
  /**
   * Source table -> target table mapping shared by the stream consumer and the full load: key columns, column
   * names and types (casts), audit log on/off. See lambdas/stream-to-postgres/table-config.ts.
   */
  readonly tables: readonly TableConfigInput[];
  /**
   * ISO-8601 time no later than the first change the stream must apply: the consumer skips changes committed at or
   * before it, and full-load records in the stream are ordered at it, so every later change wins. From a PostgreSQL
   * source, the `high_water_mark` templates/postgres/cdc-start-slot.sql printed when it created the slot.
   * @default none: every change applies
   */
  readonly highWaterMark?: string;

  /** @default { mode: 'on-demand' } */
  readonly capacity?: StreamCapacity;
  /** Stream retention, hours (24-8760). Must outlast `maximumRecordAgeSeconds`. @default 24, 168 in production */
  readonly retentionHours?: number;

  /** Records per Lambda invocation (1-10000). @default 1000 */
  readonly batchSize?: number;
  /** Seconds to gather a batch (0-300). @default 1 */
  readonly maximumBatchingWindowSeconds?: number;
  /** Concurrent batches per shard (1-10); a key's changes stay in order. @default 1 */
  readonly parallelizationFactor?: number;
  /** Retries of a failing batch before its records go to the failure queue (0-10000). @default 10 */
  readonly maximumRetryAttempts?: number;
  /** Records older than this go to the failure queue unprocessed (60-604800). @default 86400 */
  readonly maximumRecordAgeSeconds?: number;
  /** @default 'TRIM_HORIZON' (nothing written before the consumer existed is skipped) */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Cap on concurrent consumer invocations; each holds one database connection. @default min(10, connectionBudget / 4) */
  readonly reservedConcurrency?: number;
  /** @default 1024 */
  readonly memoryMiB?: number;
  /** @default 120 */
  readonly timeoutSeconds?: number;
  /** Connect as the database's app user (needs one with password authentication). @default true when the database has an app user */
  readonly useAppUserSecret?: boolean;
  /**
   * Connect as this login of the database (PrivatePostgres `logins`, password authentication) instead of the app
   * user; with `fullLoad`, the DMS Postgres target logs in with the same login's secret (it truncates the tables the
   * consumer creates). Not with `useAppUserSecret`. @default the app user (see useAppUserSecret)
   */
  readonly databaseLogin?: string;
  /**
   * Invoke the consumer once at deploy (and when the table config changes) to create the live, tombstone and
   * audit tables and the bookkeeping columns. Turn off when a DBA manages the schema. @default true
   */
  readonly manageSchema?: boolean;

  /** DMS CDC task from the system of record into the stream. @default none (bring your own producer) */
  readonly changeSource?: ChangeSourceProps;
  /** S3 export bucket + DMS S3 source + full-load task into the same tables. @default none */
  readonly fullLoad?: FullLoadProps;

  /** SNS topic for alarms. @default an encrypted topic created here */
  readonly alarmTopicArn?: string;
  /**
   * Email addresses and HTTPS endpoints subscribed to the topic created here, e.g.
   * `[{ protocol: 'email', endpoint: 'oncall@example.com' }]`. Not with `alarmTopicArn`. @default none
   */
  readonly alarmSubscriptions?: readonly AlarmSubscription[];
  /** Alarm when the oldest unprocessed record is older than this. @default 300 */
  readonly iteratorAgeAlarmSeconds?: number;
  /**
   * Second, louder iterator-age alarm on the stream itself (`GetRecords.IteratorAgeMilliseconds`, or no reads at all)
   * at this percentage of `retentionHours`: records older than the retention expire unread, so this one must be
   * acted on (raise `reservedConcurrency`, fix the consumer) long before. @default 25
   */
  readonly retentionAlarmPercent?: number;
}
