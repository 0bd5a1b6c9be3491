import type { IConnectable, NetworkRef } from '../core';
import type { GlueJdbcEngine, GlueSharedResources, GlueVersion, GlueWorkerType } from '../glue-common';
import type { TableMapping } from './mapping';

/** A source or target database, reached through a Glue JDBC connection with credentials from Secrets Manager. */
export interface EtlDatabaseProps {
  readonly engine: GlueJdbcEngine;
  /** Host name (endpoint address). */
  readonly host: string;
  /** @default 3306 for mysql, 5432 for postgresql */
  readonly port?: number;
  readonly databaseName: string;
  /** Secret with `{"username", "password"}` JSON (e.g. an RDS-managed master secret or an app-user secret). */
  readonly secretArn: string;
  /** CMK of the secret, when not the AWS-managed key. */
  readonly secretKmsKeyArn?: string;
  /**
   * The Glue connection enforces TLS with host-name matching: the database must present a certificate for `host`
   * from a CA Glue trusts. For a private or self-signed CA (e.g. an on-premises MySQL), the S3 URI of the root CA
   * certificate (PEM), set as the connection's `CUSTOM_JDBC_CERT`. See modules/glue-common/README.md.
   * @default none
   */
  readonly tlsCaCertificateS3Uri?: string;
  /**
   * The database's connections (e.g. a PrivatePostgres): the Glue security group is admitted on its port.
   * Pass this or `securityGroupId`: Glue reaches the database only through a security-group rule.
   */
  readonly database?: IConnectable;
  /**
   * Security group of a database managed elsewhere (e.g. an existing MySQL in this or a peered VPC): an ingress rule
   * on it admits the Glue security group on `port`, and the Glue group gets the matching egress rule.
   */
  readonly securityGroupId?: string;
  /**
   * The database's max connections (e.g. `PrivatePostgres.connectionBudget`). When given for the target, synth checks
   * that the load's writers (plus its driver connection) stay within half of it, leaving room for the application.
   */
  readonly connectionBudget?: number;
}

/** Size of one Glue job. */
export interface EtlJobSizing {
  /** @default 'G.1X' */
  readonly workerType?: GlueWorkerType;
  /** @default 2 */
  readonly numberOfWorkers?: number;
  /** @default 120 */
  readonly timeoutMinutes?: number;
}

/** How Step Functions retries a failed job run before notifying. */
export interface EtlRetryProps {
  /** Attempts after the first (0 disables retries). @default 2 */
  readonly maxAttempts?: number;
  /** @default 60 */
  readonly intervalSeconds?: number;
  /** @default 2 */
  readonly backoffRate?: number;
}

export interface EtlScheduleProps {
  /** EventBridge Scheduler expression, e.g. `cron(0 2 * * ? *)` or `rate(6 hours)`. */
  readonly expression: string;
  /** @default 'UTC' */
  readonly timezone?: string;
  /** @default true */
  readonly enabled?: boolean;
}

export interface GlueEtlPipelineProps {
  /** Component prefix of every physical name. @default 'etl' */
  readonly component?: string;
  /** VPC and private subnets the jobs run in (they need routes to both databases, S3, KMS, Secrets Manager). */
  readonly network: NetworkRef;
  /**
   * Glue building blocks shared with other pipelines of the stack (`GlueSharedResources`, created once): the pipeline
   * then uses its KMS key, security configuration, security group and its JDBC connection per database (the first
   * pipeline to name a database creates it as `<component>-source`/`-target`; the others reuse it), instead of its own.
   * @default the pipeline creates its own
   */
  readonly shared?: GlueSharedResources;
  readonly source: EtlDatabaseProps;
  readonly target: EtlDatabaseProps;
  /** The declared mapping, validated at synth (see mapping.ts). */
  readonly tables: readonly TableMapping[];
  /** @default '5.0' */
  readonly glueVersion?: GlueVersion;
  readonly extract?: EtlJobSizing;
  readonly transform?: EtlJobSizing;
  readonly load?: EtlJobSizing;
  /**
   * Create missing target tables from the mapping (mapped columns and types, key column as primary key) before the
   * first load. Existing tables are never altered (`CREATE TABLE IF NOT EXISTS`). For greenfield targets; schemas
   * owned by application migrations should leave this off.
   * @default false
   */
  readonly createTargetTables?: boolean;
  /**
   * SQL statements run in the target after every table (and aggregate) loaded, e.g. `CREATE OR REPLACE VIEW` over the
   * loaded tables or `REFRESH MATERIALIZED VIEW`. They run after every run and retry, so only idempotent forms are
   * accepted (checked at synth: CREATE OR REPLACE, CREATE ... IF NOT EXISTS, REFRESH MATERIALIZED VIEW,
   * DROP ... IF EXISTS, ANALYZE); Postgres runs them in one transaction. @default none
   */
  readonly postLoadSql?: readonly string[];
  /** Rows per keyset page read from the source. @default 100000 */
  readonly pageSize?: number;
  /** Rows per JDBC batch written to the staging table. @default 5000 */
  readonly loadBatchSize?: number;
  /** Concurrent JDBC writers into the target (keep within its connection budget). @default 4 */
  readonly loadParallelism?: number;
  readonly retry?: EtlRetryProps;
  /** Run the state machine on a schedule (EventBridge Scheduler, with retries and a dead-letter queue). @default none */
  readonly schedule?: EtlScheduleProps;
  /** Email addresses subscribed to the failure topic. @default none (subscribe elsewhere to `failureTopicArn`) */
  readonly notificationEmails?: readonly string[];
  /** @default 'ERROR' */
  readonly stateMachineLogLevel?: 'ERROR' | 'ALL';
  /** @default 30 in non-production, 365 in production */
  readonly logRetentionDays?: number;
  /** Days the staged copies under `runs/` (extracted and transformed rows) are kept, for inspection or re-runs. @default 14 */
  readonly runRetentionDays?: number;
  /**
   * The data bucket's whole name (S3 names are global: the generated one may be taken). Checked at synth (3-63
   * characters, lower-case letters, digits, dashes). @default `${project}-${environment}-<component>-data`
   */
  readonly bucketName?: string;
  /** Appended to the generated data bucket name, e.g. the account id (`billing-prod-etl-data-123456789012`). @default none */
  readonly bucketNameSuffix?: string;
}
