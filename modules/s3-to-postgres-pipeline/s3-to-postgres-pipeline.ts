import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import {
  check,
  checkRange,
  grantS3Read,
  grantS3Write,
  IGrantable,
  isResolved,
  MigrationStack,
  newKmsKey,
  NodejsLambda,
  ValidationError,
  newAlarmTopic,
  SecureBucket,
} from '../core';
import { routeProblems, splitTableName } from '../../lambdas/s3-to-postgres/routes';
import { PostgresDatabase, readSchemaFile } from '../private-postgres';
import { LoadStrategy, NotificationMode, PipelineRoute, S3ToPostgresPipelineProps } from './props';
import { landingKeyPolicy, partnerBucketStatements, partnerWriters, ResolvedWriter } from './writers';

/** Lambda environment variables share a 4 KB limit; leave room for the others. */
const MAX_ROUTES_JSON = 3000;

/**
 * The prefixes S3 must notify on: route prefixes not already covered by a shorter route prefix (S3 refuses
 * overlapping notification filters; the Lambda still picks the longest matching route).
 */
export function notificationPrefixes(routes: readonly PipelineRoute[]): string[] {
  const prefixes = [...new Set(routes.map((r) => r.prefix))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of prefixes) if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  return kept.sort();
}

/**
 * The EventBridge pattern for S3 "Object Created" events of `bucketName` whose key is under one of `prefixes` and
 * ends with one of `suffixes`. Fields from "EventBridge event message structure"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html); a prefix AND a suffix on one field needs
 * a `wildcard` matcher ("Comparison operators for use in event patterns",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html), so `*` and `\` are
 * refused in prefixes and suffixes at synth rather than escaped.
 */
export function objectCreatedPattern(bucketName: string, prefixes: readonly string[], suffixes: readonly string[]): object {
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      object: { key: prefixes.flatMap((p) => suffixes.map((s) => ({ wildcard: `${p}*${s}` }))) },
    },
  };
}

/**
 * S3 -> Postgres: a CSV dropped under a routed prefix lands in its table atomically and exactly once.
 *
 * Creates (or adopts) the landing bucket, the loader Lambda (lambdas/s3-to-postgres) in the database's VPC and
 * admitted by its security group, least-privilege IAM (read only the routed prefixes and the database secret),
 * the S3 notification and invoke permission, an encrypted dead-letter queue as the async on-failure destination,
 * and alarms on loader errors and dead-letter depth. `server-side` adds the database's `s3Import` role and the
 * `aws_s3` extension (through the database module).
 */
export class S3ToPostgresPipeline extends Construct {
  readonly loader: NodejsLambda;
  readonly deadLetterQueue: SqsQueue;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** CMK encrypting the landing bucket (created bucket, or the adopted bucket's when given). */
  readonly bucketKmsKeyArn?: string;
  /** The created bucket (undefined when adopted). */
  readonly bucket?: S3Bucket;
  readonly alarmTopicArn: string;
  readonly strategy: LoadStrategy;
  readonly reservedConcurrency: number;
  /** Prefixes the bucket notifies on and the loader may read. */
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly routes: readonly PipelineRoute[];
  /** `schema.table` of the load ledger (one row per loaded object). */
  readonly ledgerTable: string;
  readonly notifications: NotificationMode;
  /** The EventBridge rule (`notifications: 'eventbridge'`). */
  readonly eventRule?: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: S3ToPostgresPipelineProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const db: PostgresDatabase = props.database;
    this.routes = props.routes.map((r) => ({ prefix: r.prefix, table: r.table, mode: r.mode, ...(r.key !== undefined ? { key: r.key } : {}), ...(r.deleteMarker !== undefined ? { deleteMarker: r.deleteMarker } : {}), ...(r.csv !== undefined ? { csv: r.csv } : {}) }));
    this.strategy = props.strategy ?? 'stream';
    this.suffixes = props.suffixes ?? ['.csv'];
    this.notifications = this.notificationMode(props);
    this.validate(props, db);
    this.prefixes = notificationPrefixes(this.routes);

    checkRange(this, 'timeoutSeconds', props.timeoutSeconds, 60, 900);
    checkRange(this, 'memoryMiB', props.memoryMiB, 256, 10240);
    checkRange(this, 'retryAttempts', props.retryAttempts, 0, 2);
    checkRange(this, 'maxEventAgeSeconds', props.maxEventAgeSeconds, 60, 21600);
    checkRange(this, 'errorAlarmThreshold', props.errorAlarmThreshold, 1, 10000);
    checkRange(this, 'abortIncompleteUploadDays', props.abortIncompleteUploadDays, 1, 365);
    checkRange(this, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 1, 3650);

    const budget = db.connectionBudget;
    this.reservedConcurrency = props.reservedConcurrency ?? Math.min(10, Math.max(1, Math.floor(budget / 4)));
    checkRange(this, 'reservedConcurrency', props.reservedConcurrency, 1, 1000);
    check(
      !isResolved(budget) || this.reservedConcurrency <= budget,
      this,
      `reservedConcurrency ${this.reservedConcurrency} exceeds the database connection budget (${budget}${db.instanceClass ? ` for ${db.instanceClass}` : ''}); each load holds one connection. Use at most ${Math.max(1, Math.floor(budget / 4))} or a larger instance class.`,
    );

    // Bucket: created with every guard rail, or adopted as is.
    if (props.existingBucket) {
      check(
        props.bucketName === undefined && props.bucketNameSuffix === undefined,
        this,
        'bucketName and bucketNameSuffix name the bucket the module creates; with existingBucket the name is existingBucket.name.',
      );
      check(
        !props.writers?.length,
        this,
        "writers change the bucket's policy and its key's policy, which only the module's own bucket lets it write; with existingBucket, grant partners in the bucket owner's policies (see the README).",
      );
      check(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.existingBucket.name) || !isResolved(props.existingBucket.name), this, `existingBucket.name "${props.existingBucket.name}" is not a valid bucket name.`);
      this.bucketName = props.existingBucket.name;
      this.bucketArn = props.existingBucket.arn ?? `arn:${stack.partition}:s3:::${props.existingBucket.name}`;
      this.bucketKmsKeyArn = props.existingBucket.kmsKeyArn;
    } else {
      const key = newKmsKey(this, 'bucket-key', 'landing', `Encrypts CSV files landing for ${stack.naming.name('loader')}`);
      const writers = partnerWriters(this, props.writers ?? [], this.routes, stack.partition);
      this.bucket = this.createBucket(key.arn, props, writers);
      this.bucketName = this.bucket.bucket;
      this.bucketArn = this.bucket.arn;
      this.bucketKmsKeyArn = key.arn;
      if (writers.length) key.policy = JSON.stringify(landingKeyPolicy(writers, this.bucketArn, stack));
    }

    // Loader Lambda in the database's network.
    const ledger = props.ledgerTable ?? 'migration_kit.s3_load_ledger';
    this.ledgerTable = ledger;
    const databaseUser = props.databaseUser ?? (db.appUserSecretArn ? 'app' : 'master');
    const { secretArn, login } = this.loaderLogin(databaseUser, db);
    this.loader = new NodejsLambda(this, 'loader', {
      entry: 's3-to-postgres',
      component: 'csv-loader',
      // Lambda descriptions are limited to 256 characters.
      description: `Loads CSV files (${this.prefixes.length} prefix(es) of ${this.routes.length} route(s)) into Postgres ${db.databaseName}, one transaction per file, exactly once`.slice(0, 256),
      timeoutSeconds: props.timeoutSeconds ?? 900,
      memoryMiB: props.memoryMiB ?? 1024,
      network: props.network ?? props.database.network,
      databaseWriter: true,
      reservedConcurrency: this.reservedConcurrency,
      logRetentionDays: props.logRetentionDays,
      environment: {
        TABLE_ROUTES: JSON.stringify(this.routes),
        LOAD_STRATEGY: this.strategy,
        LEDGER_TABLE: ledger,
        DB_SECRET_ARN: secretArn,
        PGHOST: db.address,
        PGPORT: String(db.port),
        PGDATABASE: db.databaseName,
        PGSSLMODE: 'verify-full',
        // Node 20+ Lambda runtimes trust the RDS CA bundle only when pointed at it.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      },
    });
    db.connections.allowDefaultPortFrom(this.loader, 'loads CSV files from the landing bucket');
    db.grantSecretRead(this.loader, databaseUser);
    grantS3Read(this.loader, this.bucketArn, this.prefixes, this.bucketKmsKeyArn);
    if (this.strategy === 'server-side') {
      db.enableS3Import(this.bucketArn, this.bucketKmsKeyArn, this.prefixes);
      // aws_s3.table_import_from_s3 runs as the loader's login: USAGE on aws_s3/aws_commons and EXECUTE on their functions.
      if (login) db.bootstrap.allowS3Import(login);
    }
    // The tables the routes load into, created by the bootstrap as the loader's login (which then owns them).
    for (const file of props.schemaFiles ?? []) {
      readSchemaFile(this, 'schemaFiles', file);
      db.addSchemaFile(file, login);
    }

    // Failures after every retry land in an encrypted queue instead of being dropped.
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter', {
      name: stack.naming.name('csv-loader-failed', 'sqs'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    this.loader.configureAsyncInvoke({
      onFailure: { queueArn: this.deadLetterQueue.arn },
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAgeSeconds: props.maxEventAgeSeconds ?? 21600,
    });

    if (this.notifications === 's3') {
      // S3 -> Lambda, pinned to this bucket and account.
      const permission = this.loader.allowInvokeFrom('s3-invoke', {
        principal: 's3.amazonaws.com',
        sourceArn: this.bucketArn,
        sourceAccount: stack.accountId,
      });
      new S3BucketNotification(this, 'notification', {
        bucket: this.bucketName,
        lambdaFunction: this.prefixes.flatMap((prefix) =>
          this.suffixes.map((suffix) => ({
            lambdaFunctionArn: this.loader.arn,
            events: ['s3:ObjectCreated:*'],
            ...(prefix ? { filterPrefix: prefix } : {}),
            filterSuffix: suffix,
          })),
        ),
        dependsOn: [permission],
      });
    } else {
      this.eventRule = this.routeEventBridge(props.existingBucket === undefined);
    }

    check(
      props.alarmTopicArn === undefined || !props.alarmSubscriptions?.length,
      this,
      'alarmSubscriptions subscribe to the topic the module creates; with alarmTopicArn, subscribe to that topic where it is defined.',
    );
    this.alarmTopicArn = props.alarmTopicArn ?? this.createAlarmTopic(props.alarmSubscriptions);
    this.createAlarms(props.errorAlarmThreshold ?? 1);
  }

  /**
   * `notifications`, defaulted for the module's bucket and required for an adopted one: `aws_s3_bucket_notification`
   * (also with `eventbridge = true`) replaces the bucket's whole configuration, as PutBucketNotificationConfiguration
   * does (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html), and a silent
   * default either breaks the bucket's other consumers (`s3`) or stops loads until the owner enables EventBridge.
   */
  private notificationMode(props: S3ToPostgresPipelineProps): NotificationMode {
    const mode = props.notifications;
    check(mode === undefined || mode === 's3' || mode === 'eventbridge', this, `notifications must be "s3" or "eventbridge"; got ${JSON.stringify(mode)}.`);
    if (props.existingBucket) {
      check(
        mode !== undefined,
        this,
        `existingBucket "${props.existingBucket.name}" needs notifications: "eventbridge" (the bucket owner enables EventBridge delivery once; the bucket's other notifications stay) or "s3" (this module writes the bucket's notification configuration, REPLACING every notification the bucket has: only for a bucket nothing else listens to).`,
      );
    }
    const resolved = mode ?? 's3';
    if (resolved === 'eventbridge') {
      for (const [what, values] of [['route prefix', (props.routes ?? []).map((r) => r.prefix)], ['suffix', props.suffixes ?? ['.csv']]] as const) {
        for (const v of values) {
          check(
            !/[*\\]/.test(v),
            this,
            `${what} "${v}" holds "*" or "\\", which the EventBridge rule's wildcard pattern would read as a wildcard or an escape; with notifications "eventbridge", use keys without them.`,
          );
        }
      }
    }
    return resolved;
  }

  /**
   * S3 -> EventBridge (default bus) -> rule -> loader. The module's own bucket gets EventBridge delivery switched on
   * here; an adopted bucket's notification configuration is left alone (its owner switches delivery on). The target
   * invokes the loader asynchronously, so its retries, maximum event age and dead-letter queue apply as for S3.
   */
  private routeEventBridge(ownBucket: boolean): CloudwatchEventRule {
    const stack = MigrationStack.of(this);
    if (ownBucket) new S3BucketNotification(this, 'notification', { bucket: this.bucketName, eventbridge: true });
    const rule = new CloudwatchEventRule(this, 'object-created', {
      name: stack.naming.name('csv-loader-object-created', 'eventRule'),
      description: `S3 Object Created in ${this.bucketName} under ${this.prefixes.length} routed prefix(es) -> ${stack.naming.name('csv-loader')}`.slice(0, 512),
      eventPattern: JSON.stringify(objectCreatedPattern(this.bucketName, this.prefixes, this.suffixes)),
    });
    // Only this rule may invoke the loader through EventBridge.
    const permission = this.loader.allowInvokeFrom('eventbridge-invoke', { principal: 'events.amazonaws.com', sourceArn: rule.arn });
    new CloudwatchEventTarget(this, 'object-created-loader', { rule: rule.name, arn: this.loader.arn, dependsOn: [permission] });
    return rule;
  }

  /** Lets `grantee` (an uploader) put objects under the routed prefixes, encrypting them with the bucket's CMK. */
  grantWrite(grantee: IGrantable, prefixes: readonly string[] = this.prefixes): void {
    grantS3Write(grantee, this.bucketArn, prefixes, this.bucketKmsKeyArn);
  }

  /** The loader's secret and database role (undefined for the master user) for `databaseUser`. */
  private loaderLogin(databaseUser: string, db: PostgresDatabase): { secretArn: string; login?: string } {
    if (databaseUser === 'master') {
      check(db.masterSecretArn !== undefined, this, 'databaseUser "master": the database has no master secret (an ExistingPostgres); use "app" (the default) or one of its logins.');
      return { secretArn: db.masterSecretArn };
    }
    if (databaseUser === 'app') {
      check(db.appUserSecretArn !== undefined, this, 'databaseUser "app" needs the database to have an appUser with password authentication; set appUser on the database or use databaseUser "master".');
      return { secretArn: db.appUserSecretArn, login: db.appUsername };
    }
    const login = db.logins.get(databaseUser);
    check(
      login !== undefined,
      this,
      `databaseUser "${databaseUser}" is not a login of the database (its logins: ${[...db.logins.keys()].join(', ') || 'none'}); add it to the database's logins, or use "app" or "master".`,
    );
    check(login.secretArn !== undefined, this, `databaseUser "${databaseUser}" uses IAM authentication; the loader logs in with a password secret: use a login with authentication "password".`);
    return { secretArn: login.secretArn, login: login.username };
  }

  private validate(props: S3ToPostgresPipelineProps, db: PostgresDatabase): void {
    const problems = routeProblems(props.routes);
    if (problems.length) throw new ValidationError(this, `invalid routes: ${problems.join(' ')}`);
    const json = JSON.stringify(this.routes);
    check(
      json.length <= MAX_ROUTES_JSON,
      this,
      `routes take ${json.length} characters of the Lambda environment (limit ${MAX_ROUTES_JSON}); use fewer, shorter prefixes (e.g. one per table).`,
    );
    check(this.suffixes.length > 0, this, 'suffixes must list at least one key suffix, e.g. [".csv"].');
    this.suffixes.forEach((s, i) => {
      check(s.length > 0 && s.length <= 1024, this, `suffixes[${i}] must be a non-empty string, e.g. ".csv".`);
      this.suffixes.forEach((t, j) => {
        check(
          i === j || !s.endsWith(t),
          this,
          `suffixes "${s}" and "${t}" overlap (one ends with the other): S3 refuses overlapping notifications. Keep "${t}".`,
        );
      });
    });
    if (props.ledgerTable !== undefined) {
      check(
        props.ledgerTable.includes('.') && splitTableName(props.ledgerTable) !== undefined,
        this,
        `ledgerTable "${props.ledgerTable}" must be "schema.table" made of plain identifiers, e.g. "migration_kit.s3_load_ledger".`,
      );
      check(
        !this.routes.some((r) => (r.table.includes('.') ? r.table : `public.${r.table}`) === props.ledgerTable),
        this,
        `ledgerTable "${props.ledgerTable}" is also a route's target table; the ledger must be its own table.`,
      );
    }
    if (this.strategy === 'server-side') {
      check(
        db.engine === 'postgres' || db.engine === 'aurora-postgresql',
        this,
        `strategy "server-side" needs RDS for PostgreSQL or Aurora PostgreSQL (aws_s3 extension); got engine ${db.engine}.`,
      );
    }
  }

  private createBucket(kmsKeyArn: string, props: S3ToPostgresPipelineProps, writers: readonly ResolvedWriter[]): S3Bucket {
    // Versioning gives every upload its own identity (the ledger key), even when a key is overwritten.
    return new SecureBucket(this, 'landing', {
      component: 'landing',
      bucketName: props.bucketName,
      bucketNameSuffix: props.bucketNameSuffix,
      kmsKeyArn,
      abortIncompleteUploadDays: props.abortIncompleteUploadDays,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      policyStatements: writers.length ? (bucketArn) => partnerBucketStatements(writers, bucketArn, kmsKeyArn) : undefined,
    }).bucket;
  }

  private createAlarmTopic(subscriptions: S3ToPostgresPipelineProps['alarmSubscriptions']): string {
    const stack = MigrationStack.of(this);
    return newAlarmTopic(this, { component: 'csv-loader-alarms', description: `Encrypts alarms of ${stack.naming.name('csv-loader')}`, subscriptions }).topic.arn;
  }

  private createAlarms(errorThreshold: number): void {
    const stack = MigrationStack.of(this);
    new CloudwatchMetricAlarm(this, 'errors-alarm', {
      alarmName: stack.naming.name('csv-loader-errors', 'alarm'),
      alarmDescription: `CSV loads failed in ${this.loader.functionName}: the event is retried, then sent to ${stack.naming.name('csv-loader-failed', 'sqs')}. Logs name the object, table and line.`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.loader.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: errorThreshold,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html: a throttled S3 event is retried by
    // Lambda's async queue, and dropped once maxEventAgeSeconds passes; a failed delivery to the on-failure destination
    // loses the event outright (no dead letter is written).
    new CloudwatchMetricAlarm(this, 'throttles-alarm', {
      alarmName: stack.naming.name('csv-loader-throttles', 'alarm'),
      alarmDescription: `${this.loader.functionName} is throttled at its reserved concurrency (${this.reservedConcurrency}): uploads wait in Lambda's async queue and are dropped to ${this.deadLetterQueue.name} once they are older than maxEventAgeSeconds. Raise reservedConcurrency within the database's connection budget, or upload more slowly.`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: this.loader.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    new CloudwatchMetricAlarm(this, 'destination-failures-alarm', {
      alarmName: stack.naming.name('csv-loader-destination-failures', 'alarm'),
      alarmDescription: `Lambda could not send failed CSV events to ${this.deadLetterQueue.name} (permissions, key or queue): those uploads were neither loaded nor kept. List the landing bucket and re-upload what the ledger lacks.`,
      namespace: 'AWS/Lambda',
      metricName: 'DestinationDeliveryFailures',
      dimensions: { FunctionName: this.loader.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    new CloudwatchMetricAlarm(this, 'dead-letter-alarm', {
      alarmName: stack.naming.name('csv-loader-dead-letters', 'alarm'),
      alarmDescription: `CSV files that were not loaded after every retry wait in ${this.deadLetterQueue.name}: fix the cause, then re-upload or re-drive.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
  }
}
