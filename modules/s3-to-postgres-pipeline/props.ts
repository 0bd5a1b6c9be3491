import type { AlarmSubscription, NetworkRef } from '../core';
import type { PostgresDatabase } from '../private-postgres';
import type { CsvDialect } from '../../lambdas/s3-to-postgres/dialect';

/**
 * How a file's rows reach its table: `replace` (the file becomes the table), `append` (rows are added) or `upsert`
 * (rows merge by key: new keys inserted, existing keys updated, other rows kept).
 */
export type LoadMode = 'replace' | 'append' | 'upsert';

/**
 * `stream`: the Lambda streams the object into `COPY ... FROM STDIN` (memory stays flat; bounded by the Lambda's
 * 15-minute limit). `server-side`: Postgres reads the object itself with `aws_s3.table_import_from_s3` (for files
 * too large to stream within that limit); the module wires the `s3Import` role and the `aws_s3` extension.
 */
export type LoadStrategy = 'stream' | 'server-side';

/**
 * How S3 tells the loader a file arrived. `s3`: an S3 event notification (`aws_s3_bucket_notification` with the
 * loader as Lambda destination), which REPLACES the bucket's whole notification configuration. `eventbridge`: the
 * bucket sends its events to EventBridge and a rule here matches "Object Created" under the routed prefixes and
 * suffixes; other consumers of the bucket keep their notifications.
 */
export type NotificationMode = 's3' | 'eventbridge';

/** One key prefix loaded into one table. */
export interface PipelineRoute {
  /** Key prefix, e.g. `people/`. `""` matches every key. The longest matching prefix wins. */
  readonly prefix: string;
  /** `schema.table`, or `table` for `public.table`. Identifiers are taken literally (case-sensitive). */
  readonly table: string;
  readonly mode: LoadMode;
  /**
   * `upsert` only: the columns rows merge by, e.g. `['order_id', 'line']`; a primary key, unique constraint or unique
   * index of the table must cover exactly them (checked when a file loads).
   * @default the table's primary key
   */
  readonly key?: readonly string[];
  /**
   * `upsert` only: a file-only column (not in the table) and the value that marks a row as a delete of its key, e.g.
   * `{ column: 'op', value: 'D' }`; the loader's login then also needs DELETE on the table.
   * @default none (upsert never deletes)
   */
  readonly deleteMarker?: { readonly column: string; readonly value: string };
  /**
   * The file's CSV dialect, checked at synth: `delimiter` (one ASCII character, not a letter or digit), `quote`
   * (one, not the delimiter), `nullMarker` (the unquoted value meaning NULL) and `encoding` (a Postgres client
   * encoding name such as `WIN1252`; the server converts). @default `,` `"` unquoted-empty-is-NULL, UTF8
   */
  readonly csv?: CsvDialect;
}

/** A bucket that exists already: the module only adds the notification and read grants. */
export interface ExistingBucket {
  readonly name: string;
  /** @default `arn:<partition>:s3:::<name>` */
  readonly arn?: string;
  /** The CMK objects are encrypted with, if any (the loader and Postgres are granted kms:Decrypt on it). */
  readonly kmsKeyArn?: string;
}

/**
 * Another AWS account (or one role in it) allowed to drop files into the landing bucket under `prefixes`: a partner
 * or an upstream system. It still needs an IAM policy in its own account allowing the same actions on the bucket and
 * the key (cross-account access takes both sides).
 */
export interface PartnerWriter {
  /** A 12-digit account id (any principal the account allows) or an IAM role ARN (`arn:aws:iam::123456789012:role/uploader`). */
  readonly principal: string;
  /** Key prefixes it may write, each a routed prefix or under one (e.g. `people/` or `people/acme/`). */
  readonly prefixes: readonly string[];
}

export interface S3ToPostgresPipelineProps {
  /**
   * The database the files load into (a `PrivatePostgres`, or an `ExistingPostgres` the kit did not create); the
   * loader runs in its network and is admitted by its security group. An `ExistingPostgres` takes neither
   * `schemaFiles` nor strategy "server-side" (both need the kit's bootstrap) nor databaseUser "master".
   */
  readonly database: PostgresDatabase;
  /**
   * Private subnets the loader runs in, with routes to S3 (gateway endpoint) and Secrets Manager (interface
   * endpoint or NAT).
   * @default the database's network
   */
  readonly network?: NetworkRef;
  /** Which prefix loads into which table, and how. Validated at synth. */
  readonly routes: readonly PipelineRoute[];
  /**
   * Adopt a bucket instead of creating one. Encryption, versioning, public access, TLS policy and lifecycle are then
   * the bucket owner's job. Needs `notifications` (no default: see there).
   * @default a new bucket: SSE-KMS (own CMK), versioned, public access blocked, TLS-only, lifecycle rules
   */
  readonly existingBucket?: ExistingBucket;
  /**
   * How new files reach the loader. `s3` writes the bucket's notification configuration, REPLACING whatever it has
   * (S3 keeps one per bucket); `eventbridge` routes S3's EventBridge events with a rule instead. For the module's own
   * bucket `eventbridge` also switches the bucket's EventBridge delivery on. For an adopted bucket the module writes
   * no notification configuration at all: its owner enables EventBridge delivery (see the README), and the bucket
   * must be in this stack's account and region (S3 sends to that account's default bus).
   * @default 's3' for the module's bucket; required with `existingBucket` (`eventbridge` unless nothing else uses the bucket's notifications)
   */
  readonly notifications?: NotificationMode;
  /**
   * The landing bucket's whole name (S3 names are global: the generated one may be taken). Checked at synth (3-63
   * characters, lower-case letters, digits, dashes). Not with `existingBucket`. @default `${project}-${environment}-landing`
   */
  readonly bucketName?: string;
  /** Appended to the generated landing bucket name, e.g. the account id (`billing-prod-landing-123456789012`). @default none */
  readonly bucketNameSuffix?: string;
  /** Key suffixes that trigger a load (case-sensitive, as S3 filters are). @default ['.csv'] */
  readonly suffixes?: readonly string[];
  /** @default 'stream' */
  readonly strategy?: LoadStrategy;
  /**
   * Which database secret the loader logs in with: `app` (the database's appUser), `master`, or the name of one of the
   * database's `logins` (password authentication), e.g. `loader`.
   * @default 'app' when the database has an app user secret, else 'master'
   */
  readonly databaseUser?: 'app' | 'master' | (string & {});
  /**
   * SQL files declaring the tables the routes load into (paths relative to the repository root, e.g.
   * `stacks/shop/sql/orders.sql`). Checked at synth, applied at deploy by the database's bootstrap, once per content,
   * as the loader's login (which then owns the tables; the master user when `databaseUser` is `master`). Write them to
   * be re-runnable (`CREATE TABLE IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`): a changed file runs again, whole.
   * @default none (create the tables yourself before the first file lands)
   */
  readonly schemaFiles?: readonly string[];
  /**
   * Accounts or roles outside this stack allowed to drop files (bucket policy and key policy), e.g.
   * `[{ principal: '123456789012', prefixes: ['people/'] }]`. Created bucket only. @default none
   */
  readonly writers?: readonly PartnerWriter[];
  /**
   * Concurrent loads (each holds one connection). Must fit the database's connection budget.
   * @default min(10, max(1, floor(database.connectionBudget / 4)))
   */
  readonly reservedConcurrency?: number;
  /** @default 900 (the Lambda maximum: large files stream for minutes) */
  readonly timeoutSeconds?: number;
  /** Memory also buys CPU (and so COPY throughput); the stream strategy's use is flat. @default 1024 */
  readonly memoryMiB?: number;
  /** Async retries before the event goes to the dead-letter queue. @default 2 */
  readonly retryAttempts?: number;
  /** Events older than this go to the dead-letter queue unprocessed (e.g. while throttled). @default 21600 (6 h) */
  readonly maxEventAgeSeconds?: number;
  /** Existing SNS topic for the alarms. @default a topic encrypted with a CMK that CloudWatch may use */
  readonly alarmTopicArn?: string;
  /**
   * Email addresses and HTTPS endpoints subscribed to the topic the module creates, e.g.
   * `[{ protocol: 'email', endpoint: 'oncall@example.com' }]`. Not with `alarmTopicArn` (subscribe to your own topic).
   * @default none
   */
  readonly alarmSubscriptions?: readonly AlarmSubscription[];
  /** Alarm when the loader reports at least this many errors in 5 minutes. @default 1 */
  readonly errorAlarmThreshold?: number;
  /** Days before incomplete multipart uploads are aborted (created bucket). @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /** Days old versions are kept (created bucket). @default 90 in production, 30 otherwise */
  readonly noncurrentVersionExpirationDays?: number;
  /** Ledger table recording every loaded object (created by the loader when missing). @default 'migration_kit.s3_load_ledger' */
  readonly ledgerTable?: string;
  /** @default 365 in production, 30 otherwise */
  readonly logRetentionDays?: number;
}
