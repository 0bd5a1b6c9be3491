import type { AlarmSubscription, IConnectable, NetworkRef } from '../core';
import type { GlueSharedResources, GlueWorkerType } from '../glue-common';
import type { GraphMapping } from './mapping';

export interface NeptuneClusterProps {
  /** VPC and private subnets (>= 2 AZs) for the subnet group; route tables get an S3 gateway endpoint for the loader. */
  readonly network: NetworkRef;
  /** Component for physical names. @default 'graph' */
  readonly component?: string;
  /**
   * Engine version, 1.3.0.0 or later (mergeV/mergeE upserts with single cardinality). The parameter-group family
   * (`neptune1.3`, `neptune1.4`) follows from it.
   * @default '1.4.5.1'
   */
  readonly engineVersion?: string;
  /** @default 'db.r6g.large' */
  readonly instanceClass?: string;
  /** @default 1 in non-production, 2 in production (a reader in another AZ for failover) */
  readonly instances?: number;
  /** @default 7 in non-production, 35 in production */
  readonly backupRetentionDays?: number;
  /** @default true in production */
  readonly deletionProtection?: boolean;
  /** @default 8182 */
  readonly port?: number;
  /** CMK for storage encryption. @default a new key */
  readonly kmsKeyArn?: string;
  /** @default 30 in non-production, 365 in production (audit log group) */
  readonly logRetentionDays?: number;
}

/** The MySQL source, reached by address with credentials in Secrets Manager. */
export interface MysqlSource {
  /** Host name of the MySQL server or Aurora MySQL cluster endpoint. */
  readonly host: string;
  /** @default 3306 */
  readonly port?: number;
  /** Database (schema) to crawl and read. */
  readonly databaseName: string;
  /** Secret with `{"username", "password"}`; referenced by the Glue connection's SECRET_ID, never copied. */
  readonly secretArn: string;
  /** CMK of the secret when it is not the AWS-managed key. */
  readonly secretKmsKeyArn?: string;
  /**
   * The JDBC connection enforces TLS with host-name matching: MySQL must present a certificate for `host` from a CA
   * Glue trusts. For a private or self-signed CA, the S3 URI of the root CA certificate (PEM), set as the connection's
   * `CUSTOM_JDBC_CERT` (see modules/glue-common/README.md). @default none
   */
  readonly tlsCaCertificateS3Uri?: string;
  /**
   * The database's connections: the Glue security group is admitted on its port (ingress there, egress on Glue's).
   * One of `database` or `securityGroupId` is required: without a rule Glue cannot reach MySQL.
   */
  readonly database?: IConnectable;
  /** Security group of a MySQL server managed elsewhere; rules admitting Glue on `port` are added to it. */
  readonly securityGroupId?: string;
}

export interface BulkLoadOptions {
  /** @default 'HIGH' */
  readonly parallelism?: 'LOW' | 'MEDIUM' | 'HIGH' | 'OVERSUBSCRIBE';
  /** Stop the load at the first bad record. @default true */
  readonly failOnError?: boolean;
  /** Seconds between status polls. @default 60 */
  readonly pollIntervalSeconds?: number;
  /** Limit for the export job run. @default 120 */
  readonly exportTimeoutMinutes?: number;
  /** Limit for the whole export -> load run. @default 720 (12 hours) */
  readonly timeoutMinutes?: number;
}

export interface IncrementalOptions {
  /** Glue cron of the incremental job's trigger, e.g. `cron(0/15 * * * ? *)` (every 15 minutes). */
  readonly schedule: string;
  /**
   * Create the trigger activated. Leave false until the first bulk load (or direct run) has finished, then set true
   * and apply: before that the job has no graph to upsert into, and every scheduled run would be a failed, billed run.
   * @default false (the trigger exists, deactivated: `enabled = false`, `start_on_creation = false`)
   */
  readonly scheduleEnabled?: boolean;
  /** Rows per Gremlin upsert request. @default 100 */
  readonly batchSize?: number;
  /**
   * Each run re-reads rows whose watermark is at most this many seconds before the last watermark (and upserts them
   * again, idempotently): an update timestamp is not in commit order, and a row stamped before the watermark but
   * committed after the previous run would otherwise be skipped forever. Make it longer than the source's longest
   * write transaction. Date watermarks go back whole days; numeric and string ones re-read from the last value.
   * @default 900 (15 minutes)
   */
  readonly lookbackSeconds?: number;
}

export interface DirectWriteOptions {
  /** Rows per Gremlin upsert request. @default 100 */
  readonly batchSize?: number;
  /**
   * Parallel JDBC reads of each mapped table (Glue's `hashfield`/`hashpartitions` options of `from_catalog`, "Reading
   * from JDBC tables in parallel", https://docs.aws.amazon.com/glue/latest/dg/run-jdbc-parallel-read-job.html): the
   * job reads each table with this many non-overlapping queries, hashing the first column the element reads (a
   * vertex: the first column of its id template; an edge: the first column of its `from` endpoint's id), and so
   * upserts with as many Spark tasks. 1 reads each table with one query. Integer from 1 to 64.
   * @default 1
   */
  readonly readPartitions?: number;
}

export interface GlueSizing {
  /** @default 'G.1X' */
  readonly workerType?: GlueWorkerType;
  /** @default 2 */
  readonly numberOfWorkers?: number;
}

export interface NeptuneGraphMigrationProps {
  readonly network: NetworkRef;
  /**
   * Glue building blocks shared with other Glue modules of the stack (`GlueSharedResources`, created once): the
   * migration then uses its security configuration (and key, which also encrypts the data bucket), Glue security group
   * and MySQL connection (one per database) instead of its own. The Neptune network connection stays its own.
   * @default the migration creates its own
   */
  readonly shared?: GlueSharedResources;
  /** Tables to vertices and edges; validated at synth. */
  readonly mapping: GraphMapping;
  readonly source: MysqlSource;
  /** Component for physical names. @default 'graph' */
  readonly component?: string;
  /** Options of the Neptune cluster created here (network and component come from this construct). */
  readonly neptune?: Omit<NeptuneClusterProps, 'network' | 'component'>;
  /** Schedule of the crawler over the MySQL source. @default 'cron(0 2 * * ? *)' (daily 02:00 UTC) */
  readonly crawlerSchedule?: string;
  /**
   * Name prefix of the crawled tables in the catalog. Glue names JDBC tables `<database>_<table>`.
   * @default `${source.databaseName}_` lower-cased
   */
  readonly catalogTablePrefix?: string;
  /** Export to S3 + Neptune bulk loader, run by a state machine. Pass `false` to leave it out. @default {} (on) */
  readonly bulkLoad?: BulkLoadOptions | false;
  /** A Glue job writing straight into Neptune with batched upserts. @default undefined (off) */
  readonly directWrite?: DirectWriteOptions;
  /** A scheduled Glue job upserting rows changed since the last watermark. @default undefined (off) */
  readonly incremental?: IncrementalOptions;
  /**
   * Folder of the gremlinpython wheels (gremlinpython 3.7.1 and every dependency, for Glue 5.0: CPython 3.11, Linux
   * x86_64) that the direct and incremental jobs install offline: each `.whl` is uploaded to `python-modules/` in
   * the data bucket and passed to `--additional-python-modules` with `--python-modules-installer-option --no-index`.
   * Synth fails with the `pip download` command that fills it when it is empty or incomplete.
   * @default 'templates/glue/python-modules' (vendored in this repository)
   */
  readonly gremlinPythonWheelsDir?: string;
  /**
   * Install gremlinpython from PyPI instead of the wheels: pip requirements passed as `--additional-python-modules`
   * (e.g. `gremlinpython==3.7.1,async-timeout==4.0.3`: gremlinpython 3.7.1 imports async_timeout without declaring it,
   * and on Glue 5.0's Python 3.11 nothing else installs it). Only for subnets that reach PyPI (a NAT or a mirror); no
   * wheels are uploaded.
   * @default undefined (the offline wheels of gremlinPythonWheelsDir)
   */
  readonly gremlinPythonModule?: string;
  readonly glue?: GlueSizing;
  /**
   * The data bucket's whole name (S3 names are global: the generated one may be taken). Checked at synth (3-63
   * characters, lower-case letters, digits, dashes). @default `${project}-${environment}-<component>-data`
   */
  readonly bucketName?: string;
  /** Appended to the generated data bucket name, e.g. the account id (`billing-prod-graph-data-123456789012`). @default none */
  readonly bucketNameSuffix?: string;
  /**
   * Who hears of failures: failed, timed-out or errored runs of the export, direct and incremental jobs (whether
   * started by hand, the incremental trigger or the state machine) and failed, timed-out or aborted bulk-load
   * executions reach the module's `failureTopic` through EventBridge rules; these endpoints are subscribed to it.
   * @default none (subscribe to `failureTopic` elsewhere)
   */
  readonly alarmSubscriptions?: readonly AlarmSubscription[];
}
