import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  check,
  checkRange,
  isResolved,
  MigrationStack,
  newKmsKey,
  NodejsLambda,
  shortHash,
  TerraformResource,
  ValidationError,
  newAlarmTopic,
  SecureBucket,
} from '../core';
import {
  DmsBucketRef,
  DmsReplicationTask,
  IDmsReplicationInstance,
  KinesisTargetEndpoint,
  PostgresTargetEndpoint,
  S3SourceEndpoint,
  DMS_SECRETS_GUIDE,
  CDC_START_DOCS,
  TableMappings,
} from '../dms-migration';
import { parseInstant } from '../../lambdas/stream-to-postgres/records';
import { parseTableConfig, TableMapping } from '../../lambdas/stream-to-postgres/table-config';
import { externalTables } from './external-tables';
import { StreamTargetDatabase, StreamToPostgresProps } from './props';

/** Lambda environment variables share 4 KB; leave room for the others. */
const MAX_TABLE_CONFIG_CHARS = 3300;

/**
 * Ongoing changes from DMS into Postgres through Kinesis: an encrypted stream, a DMS Kinesis target endpoint and
 * CDC task, and a consumer Lambda in the VPC that applies each batch with position-guarded upserts, tombstones
 * and a `<table>_audit_log`, reporting partial batch failures. Optionally the bulk path: an S3 export bucket, a
 * DMS S3 source endpoint whose external table definition comes from the same table config, and a full-load task
 * into the same tables; the high-water mark makes the stream apply only what the export does not contain.
 */
export class StreamToPostgres extends Construct {
  readonly stream: KinesisStream;
  readonly streamKey: KmsKey;
  readonly consumer: NodejsLambda;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  /** Records that failed every retry (or aged out) are described here: shard, sequence range, reason. */
  readonly failureQueue: SqsQueue;
  readonly alarmTopicArn: string;
  readonly tables: readonly TableMapping[];
  readonly reservedConcurrency: number;
  readonly kinesisTarget?: KinesisTargetEndpoint;
  readonly cdcTask?: DmsReplicationTask;
  readonly exportBucket?: DmsBucketRef;
  readonly exportFolder?: string;
  readonly s3Source?: S3SourceEndpoint;
  readonly postgresTarget?: PostgresTargetEndpoint;
  readonly fullLoadTask?: DmsReplicationTask;
  /**
   * With `fullLoad`: the tables to count with templates/postgres/row-counts.sql (`-v tables=...`), comma-separated:
   * `source` on the source in the export's snapshot, `target` on this database after the load.
   */
  readonly rowCountTables?: { readonly source: string; readonly target: string };
  readonly schemaSetup?: LambdaInvocation;

  constructor(scope: Construct, id: string, props: StreamToPostgresProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'cdc-stream';
    const db = props.database;

    // --- validation --------------------------------------------------------------------------------------
    try {
      this.tables = parseTableConfig(props.tables);
    } catch (e) {
      throw new ValidationError(this, `tables: ${(e as Error).message.replace(/^invalid table config: /, '')}`);
    }
    const tableConfigJson = JSON.stringify(props.tables);
    check(
      tableConfigJson.length <= MAX_TABLE_CONFIG_CHARS,
      this,
      `the table config takes ${tableConfigJson.length} characters of the Lambda environment (limit ${MAX_TABLE_CONFIG_CHARS}); split the tables over two StreamToPostgres constructs or shorten names.`,
    );
    const hwm = props.highWaterMark;
    check(
      hwm === undefined || !isResolved(hwm) || parseInstant(hwm) !== undefined,
      this,
      `highWaterMark "${hwm}" is not an ISO-8601 timestamp; use the export's consistent point, e.g. "2026-11-23T09:00:00Z".`,
    );
    const capacity = props.capacity ?? { mode: 'on-demand' as const };
    if (capacity.mode === 'provisioned') checkRange(this, 'capacity.shardCount', capacity.shardCount, 1, 10000);
    const retentionHours = props.retentionHours ?? (stack.production ? 168 : 24);
    checkRange(this, 'retentionHours', retentionHours, 24, 8760);
    checkRange(this, 'batchSize', props.batchSize, 1, 10000);
    checkRange(this, 'maximumBatchingWindowSeconds', props.maximumBatchingWindowSeconds, 0, 300);
    checkRange(this, 'parallelizationFactor', props.parallelizationFactor, 1, 10);
    checkRange(this, 'maximumRetryAttempts', props.maximumRetryAttempts, 0, 10000, 'A finite limit keeps one poison record from blocking its shard.');
    checkRange(this, 'maximumRecordAgeSeconds', props.maximumRecordAgeSeconds, 60, 604800, 'A finite age keeps one poison record from blocking its shard.');
    checkRange(this, 'iteratorAgeAlarmSeconds', props.iteratorAgeAlarmSeconds, 1, 604800);
    checkRange(this, 'retentionAlarmPercent', props.retentionAlarmPercent, 1, 90);
    const maxRecordAge = props.maximumRecordAgeSeconds ?? 86400;
    check(
      maxRecordAge <= retentionHours * 3600,
      this,
      `maximumRecordAgeSeconds ${maxRecordAge} exceeds the stream retention (${retentionHours} h): records would expire before reaching the failure queue. Lower it or raise retentionHours.`,
    );
    const budget = isResolved(db.connectionBudget) ? db.connectionBudget : 100;
    this.reservedConcurrency = props.reservedConcurrency ?? Math.max(1, Math.min(10, Math.floor(budget / 4)));
    checkRange(this, 'reservedConcurrency', this.reservedConcurrency, 1, 1000);
    // Lambda processes one batch per shard at a time, times the parallelization factor
    // (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): fewer concurrent executions than that leaves
    // shards waiting on throttled invocations, and the backlog grows towards the retention.
    const parallelization = props.parallelizationFactor ?? 1;
    if (capacity.mode === 'provisioned' && isResolved(capacity.shardCount)) {
      const needed = capacity.shardCount * parallelization;
      check(
        this.reservedConcurrency >= needed,
        this,
        `reservedConcurrency ${this.reservedConcurrency} is below shardCount x parallelizationFactor (${capacity.shardCount} x ${parallelization} = ${needed}): Lambda runs one batch per shard (times the factor) at once, so shards would wait on throttled invocations. Raise reservedConcurrency to ${needed} (the database must afford it) or use fewer shards.`,
      );
    }
    check(
      this.reservedConcurrency <= Math.max(1, Math.floor(budget / 2)),
      this,
      `reservedConcurrency ${this.reservedConcurrency} would take more than half of the database's ~${budget} connections; lower it or use a larger instance class.`,
    );
    const loginSecret = props.databaseLogin === undefined ? undefined : this.loginSecretOf(props, db);
    const useApp = !loginSecret && (props.useAppUserSecret ?? db.appUserSecretArn !== undefined);
    check(!useApp || db.appUserSecretArn !== undefined, this, 'useAppUserSecret is set but the database has no app user; set appUser on the database or drop useAppUserSecret.');
    check(
      loginSecret !== undefined || useApp || db.masterSecretArn !== undefined,
      this,
      'useAppUserSecret: false would have the consumer log in as the master user, but the database has no master secret (an ExistingPostgres); drop useAppUserSecret, or pick a login with databaseLogin.',
    );
    if (props.fullLoad && !props.fullLoad.instance) {
      check(props.changeSource !== undefined, this, 'fullLoad needs a replication instance: pass fullLoad.instance, or changeSource (whose instance is then used).');
    }
    if (props.fullLoad) {
      checkRange(this, 'fullLoad.textLength', props.fullLoad.textLength, 1, 1073741824);
      check(hwm !== undefined, this, 'fullLoad is set without highWaterMark: the stream would re-apply changes the export already holds, and older ones could overwrite it. Set highWaterMark to the export\'s consistent point.');
    }
    if (props.fullLoad && !loginSecret) {
      check(
        props.fullLoad.useAppUserSecret !== false && db.appUserSecretArn !== undefined,
        this,
        `fullLoad: the DMS Postgres target must log in with the database's app user, but ${props.fullLoad.useAppUserSecret === false ? 'fullLoad.useAppUserSecret is false' : 'the database has no app user'}. Its master secret is RDS-managed and holds only username and password, while DMS takes the host and port from the endpoint's secret (${DMS_SECRETS_GUIDE}). Set appUser (authentication "password", schemas: the target schemas) on the PrivatePostgres, and drop fullLoad.useAppUserSecret.`,
      );
      check(
        useApp,
        this,
        'fullLoad with useAppUserSecret: false: the consumer would create the live tables as the master user, and the full load (as the app user) could not truncate them. Drop useAppUserSecret so both log in as the app user.',
      );
    }

    // --- stream ------------------------------------------------------------------------------------------
    this.streamKey = newKmsKey(this, 'stream-key', `${component}-stream`, `Encrypts the change stream ${stack.naming.name(component, 'kinesis')}`);
    this.stream = new KinesisStream(this, 'stream', {
      name: stack.naming.name(component, 'kinesis'),
      streamModeDetails: { streamMode: capacity.mode === 'on-demand' ? 'ON_DEMAND' : 'PROVISIONED' },
      shardCount: capacity.mode === 'provisioned' ? capacity.shardCount : undefined,
      retentionPeriod: retentionHours,
      encryptionType: 'KMS',
      kmsKeyId: this.streamKey.arn,
      shardLevelMetrics: ['IncomingRecords', 'IteratorAgeMilliseconds'],
    });

    // --- consumer ----------------------------------------------------------------------------------------
    const secretArn = loginSecret?.secretArn ?? (useApp ? db.appUserSecretArn! : db.masterSecretArn!);
    this.consumer = new NodejsLambda(this, 'consumer', {
      entry: 'stream-to-postgres',
      component: `${component}-consumer`,
      description: `Applies DMS changes from ${stack.naming.name(component, 'kinesis')} to Postgres ${db.databaseName} (position-guarded upserts, audit log)`,
      timeoutSeconds: props.timeoutSeconds ?? 120,
      memoryMiB: props.memoryMiB ?? 1024,
      network: props.network,
      databaseWriter: true,
      reservedConcurrency: this.reservedConcurrency,
      environment: {
        TABLE_CONFIG: tableConfigJson,
        ...(hwm ? { HIGH_WATER_MARK: hwm } : {}),
        DB_SECRET_ARN: secretArn,
        PGHOST: db.address,
        PGPORT: String(db.port),
        PGDATABASE: db.databaseName,
        PGSSLMODE: 'verify-full',
        // Node 20+ Lambda runtimes trust the RDS CA bundle only when pointed at it.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      },
    });
    db.connections.allowDefaultPortFrom(this.consumer, 'applies the change stream to the tables');
    db.grantSecretRead(this.consumer, props.databaseLogin ?? (useApp ? 'app' : 'master'));
    // A standard (shared-throughput) iterator: no enhanced fan-out consumer is registered, so no
    // kinesis:SubscribeToShard, which applies only to consumer ARNs (stream/NAME/consumer/NAME:ts), never to the stream
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html).
    this.consumer.role.addToPolicy({
      sid: 'ReadChangeStream',
      actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
      resources: [this.stream.arn],
    });
    this.consumer.role.addToPolicy({ sid: 'DecryptChangeStream', actions: ['kms:Decrypt'], resources: [this.streamKey.arn] });

    this.failureQueue = new SqsQueue(this, 'failures', {
      name: stack.naming.name(`${component}-failed`, 'sqs'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    this.consumer.role.addToPolicy({ sid: 'ReportFailedRecords', actions: ['sqs:SendMessage'], resources: [this.failureQueue.arn] });

    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'trigger', {
      eventSourceArn: this.stream.arn,
      functionName: this.consumer.function.arn,
      startingPosition: props.startingPosition ?? 'TRIM_HORIZON',
      batchSize: props.batchSize ?? 1000,
      maximumBatchingWindowInSeconds: props.maximumBatchingWindowSeconds ?? 1,
      parallelizationFactor: props.parallelizationFactor ?? 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: props.maximumRetryAttempts ?? 10,
      maximumRecordAgeInSeconds: maxRecordAge,
      destinationConfig: { onFailure: { destinationArn: this.failureQueue.arn } },
      // Lambda checks the role when the mapping is created: the policy must exist first.
      dependsOn: resourcesUnder(this.consumer.role),
    });

    if (props.manageSchema ?? true) {
      this.schemaSetup = new LambdaInvocation(this, 'schema-setup', {
        functionName: this.consumer.function.functionName,
        input: JSON.stringify({ action: 'ensure-schema' }),
        // Re-run when the table config changes (the DDL is idempotent).
        triggers: { tables: shortHash(tableConfigJson, 12) },
        // The function must reach the database (its instances up, the security-group path open) and its secret.
        dependsOn: [
          this.consumer.function,
          ...securityRulesUnder(this.consumer),
          ...securityRulesUnder(dbScope(db)),
          ...databaseInstancesUnder(dbScope(db)),
          ...resourcesUnder(this.consumer.role),
        ],
      });
    }

    // --- alarms ------------------------------------------------------------------------------------------
    check(
      props.alarmTopicArn === undefined || !props.alarmSubscriptions?.length,
      this,
      'alarmSubscriptions subscribe to the topic the module creates; with alarmTopicArn, subscribe to that topic where it is defined.',
    );
    this.alarmTopicArn = props.alarmTopicArn ?? this.createAlarmTopic(component, props.alarmSubscriptions);
    this.createAlarms(component, props.iteratorAgeAlarmSeconds ?? 300, retentionHours, props.retentionAlarmPercent ?? 25);

    // --- DMS: CDC into the stream ------------------------------------------------------------------------
    if (props.changeSource) {
      const cs = props.changeSource;
      this.kinesisTarget = new KinesisTargetEndpoint(this, 'kinesis-target', {
        component,
        stream: { streamArn: this.stream.arn, kmsKeyArn: this.streamKey.arn },
      });
      this.cdcTask = new DmsReplicationTask(this, 'cdc-task', {
        component: `${component}-cdc`,
        instance: cs.instance,
        source: cs.source,
        target: this.kinesisTarget,
        migrationType: 'cdc',
        tableMappings: cs.tableMappings ?? this.sourceTableMappings(),
        cdcStartPosition: this.cdcStartPosition(cs, hwm),
      });
      if (this.schemaSetup) dependOn(this.cdcTask.task, this.schemaSetup);
    }

    // --- DMS: full load from the S3 export into the same tables ------------------------------------------
    if (props.fullLoad) {
      const fl = props.fullLoad;
      const instance: IDmsReplicationInstance = fl.instance ?? props.changeSource!.instance;
      this.exportFolder = (fl.folder ?? 'export').replace(/^\/+|\/+$/g, '');
      check(this.exportFolder.length > 0, this, 'fullLoad.folder is empty; pass a key prefix like "export" holding <schema>/<table>/ folders.');
      if (fl.bucket) {
        check(fl.bucketName === undefined && fl.bucketNameSuffix === undefined, this, 'fullLoad.bucketName and fullLoad.bucketNameSuffix name the bucket the module creates; with fullLoad.bucket the name is that bucket\'s.');
        this.exportBucket = fl.bucket;
      } else {
        const key = newKmsKey(this, 'export-key', `${component}-export`, `Encrypts the export loaded by ${stack.naming.name(`${component}-full-load`, 'dmsIdentifier')}`);
        // Core's SecureBucket with the settings (and construct id) of the GlueDataBucket it replaces: same resources.
        const bucket = new SecureBucket(this, 'export-bucket', {
          component: `${component}-export`,
          bucketName: fl.bucketName,
          bucketNameSuffix: fl.bucketNameSuffix,
          kmsKeyArn: key.arn,
          noncurrentVersionExpirationDays: 30,
        });
        this.exportBucket = { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn, kmsKeyArn: key.arn };
      }
      let tables;
      try {
        tables = externalTables(this.tables, fl.textLength ?? 65535);
      } catch (e) {
        throw new ValidationError(this, `fullLoad: ${(e as Error).message}`);
      }
      this.s3Source = new S3SourceEndpoint(this, 's3-source', {
        component: `${component}-export`,
        bucket: this.exportBucket,
        folder: this.exportFolder,
        tables,
        ignoreHeaderRows: 1,
      });
      // The consumer's login (the app user's secret, or databaseLogin's; validated above), which owns the tables.
      this.postgresTarget = new PostgresTargetEndpoint(this, 'postgres-target', {
        component: `${component}-load`,
        database: db,
        ...(loginSecret ? { secret: loginSecret } : {}),
      });
      const mappings = new TableMappings();
      for (const t of this.tables) mappings.include({ schema: t.targetSchema, table: t.targetTable });
      this.fullLoadTask = new DmsReplicationTask(this, 'full-load-task', {
        component: `${component}-full-load`,
        instance,
        source: this.s3Source,
        target: this.postgresTarget,
        migrationType: 'full-load',
        tableMappings: mappings,
        // The live tables exist (schema setup) with their bookkeeping columns: empty them, never drop them. No DMS
        // validation: S3 is not a source it validates (CHAP_Validating); row counts instead (templates/postgres/row-counts.sql).
        settings: { targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD', validation: false, controlSchema: fl.controlSchema ?? this.tables[0].targetSchema },
      });
      if (this.schemaSetup) dependOn(this.fullLoadTask.task, this.schemaSetup);
      this.rowCountTables = {
        source: this.tables.map((t) => t.source).join(','),
        target: this.tables.map((t) => `${t.targetSchema}.${t.targetTable}`).join(','),
      };
    }
  }

  /**
   * The CDC task's start: the given native position, else the high-water mark as a date position. PostgreSQL sources
   * support no custom CDC start time (DMS guide, CHAP_Task.CDC): for them the high-water mark cannot be the start,
   * and the LSN of a slot created before the export must be given (templates/postgres/cdc-start-slot.sql).
   */
  /** The secret of `databaseLogin`, checked at synth (a login of the database, with a password; not with useAppUserSecret). */
  private loginSecretOf(props: StreamToPostgresProps, db: StreamTargetDatabase): { readonly secretArn: string; readonly kmsKeyArn?: string } {
    check(props.useAppUserSecret === undefined, this, `databaseLogin "${props.databaseLogin}" and useAppUserSecret both choose the consumer's login; keep one.`);
    check(db.loginSecret !== undefined, this, `databaseLogin "${props.databaseLogin}" needs a database with logins (a PrivatePostgres); pass useAppUserSecret instead.`);
    return db.loginSecret(props.databaseLogin!);
  }

  private cdcStartPosition(cs: NonNullable<StreamToPostgresProps['changeSource']>, hwm: string | undefined): string | undefined {
    if (cs.cdcStartPosition !== undefined || hwm === undefined) return cs.cdcStartPosition;
    if (cs.source.engineName === 'postgres' || cs.source.engineName === 'aurora-postgresql') {
      throw new ValidationError(
        this,
        `changeSource: a PostgreSQL source cannot start CDC at highWaterMark "${hwm}": PostgreSQL as a DMS source supports no custom CDC start time (${CDC_START_DOCS.guide}). Run templates/postgres/cdc-start-slot.sql on the source before the export, then set slotName on the PostgresSourceEndpoint to the slot it created, changeSource.cdcStartPosition to the cdc_start_position (LSN) it printed, and highWaterMark to its high_water_mark.`,
      );
    }
    return dmsDatePosition(hwm);
  }

  /** One include rule per configured source table (`schema.table` as DMS reports it). */
  private sourceTableMappings(): TableMappings {
    const m = new TableMappings();
    for (const t of this.tables) {
      const [schema, table] = t.source.split('.');
      m.include({ schema, table });
    }
    return m;
  }

  private createAlarmTopic(component: string, subscriptions: StreamToPostgresProps['alarmSubscriptions']): string {
    const stack = MigrationStack.of(this);
    return newAlarmTopic(this, { component: `${component}-alarms`, description: `Encrypts alarms of ${stack.naming.name(component)}`, subscriptions }).topic.arn;
  }

  /**
   * Metrics from https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (IteratorAge, Errors,
   * Throttles, DestinationDeliveryFailures) and https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
   * (stream-level GetRecords.IteratorAgeMilliseconds, Read/WriteProvisionedThroughputExceeded).
   */
  private createAlarms(component: string, iteratorAgeSeconds: number, retentionHours: number, retentionPercent: number): void {
    const stack = MigrationStack.of(this);
    const fn = this.consumer.functionName;
    const streamName = this.stream.name;
    const common = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: 'notBreaching', alarmActions: [this.alarmTopicArn], okActions: [this.alarmTopicArn] };
    const retentionRiskSeconds = Math.floor((retentionHours * 3600 * retentionPercent) / 100);
    new CloudwatchMetricAlarm(this, 'retention-risk-alarm', {
      ...common,
      // No GetRecords at all for five minutes means nobody reads the stream (the mapping is disabled or broken):
      // records then expire unread just the same.
      treatMissingData: 'breaching',
      alarmName: stack.naming.name(`${component}-retention-risk`, 'alarm'),
      alarmDescription:
        `The oldest record read from ${streamName} is more than ${retentionRiskSeconds} s old (${retentionPercent}% of the ${retentionHours} h retention), or nothing reads the stream: records expire unread at ${retentionHours} h and the target silently misses them. ` +
        `Raise reservedConcurrency (at least shards x parallelizationFactor; an on-demand stream starts at 4 shards) or fix the consumer now.`,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: { StreamName: streamName },
      statistic: 'Maximum',
      threshold: retentionRiskSeconds * 1000,
      comparisonOperator: 'GreaterThanThreshold',
    });
    new CloudwatchMetricAlarm(this, 'throttles-alarm', {
      ...common,
      alarmName: stack.naming.name(`${component}-throttles`, 'alarm'),
      alarmDescription: `${fn} invocations are throttled at its reserved concurrency (${this.reservedConcurrency}): shards wait and the backlog grows. Concurrency should be at least shards x parallelizationFactor.`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    new CloudwatchMetricAlarm(this, 'destination-failures-alarm', {
      ...common,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      alarmName: stack.naming.name(`${component}-destination-failures`, 'alarm'),
      alarmDescription: `Lambda could not describe given-up records in ${stack.naming.name(`${component}-failed`, 'sqs')} (permissions, key or queue): those changes are lost unless replayed from the stream within its retention.`,
      namespace: 'AWS/Lambda',
      metricName: 'DestinationDeliveryFailures',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    for (const [id, metric, what] of [
      ['write-throttle-alarm', 'WriteProvisionedThroughputExceeded', 'writes (DMS) are throttled: CDC latency grows; add shards'],
      ['read-throttle-alarm', 'ReadProvisionedThroughputExceeded', 'reads are throttled (2 MB/s and 5 GetRecords/s per shard, shared by every standard consumer)'],
    ] as const) {
      new CloudwatchMetricAlarm(this, id, {
        ...common,
        alarmName: stack.naming.name(`${component}-${id.replace('-alarm', '')}`, 'alarm'),
        alarmDescription: `${streamName}: ${what}.`,
        namespace: 'AWS/Kinesis',
        metricName: metric,
        dimensions: { StreamName: streamName },
        statistic: 'Sum',
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
    new CloudwatchMetricAlarm(this, 'iterator-age-alarm', {
      ...common,
      alarmName: stack.naming.name(`${component}-iterator-age`, 'alarm'),
      alarmDescription: `${fn} is more than ${iteratorAgeSeconds} s behind the change stream: the consumer is failing, throttled by reservedConcurrency, or the database is slow.`,
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: { FunctionName: fn },
      statistic: 'Maximum',
      threshold: iteratorAgeSeconds * 1000,
      comparisonOperator: 'GreaterThanThreshold',
    });
    new CloudwatchMetricAlarm(this, 'errors-alarm', {
      ...common,
      alarmName: stack.naming.name(`${component}-errors`, 'alarm'),
      alarmDescription: `${fn} threw (database unreachable or misconfigured): whole batches are being retried. Logs name the error.`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    new CloudwatchMetricAlarm(this, 'failed-records-alarm', {
      ...common,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      alarmName: stack.naming.name(`${component}-failed-records`, 'alarm'),
      alarmDescription: `Change records were given up on after every retry and described in ${stack.naming.name(`${component}-failed`, 'sqs')}: the target is missing those changes until they are replayed.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.failureQueue.name },
      statistic: 'Maximum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
  }
}

/** DMS date positions are `YYYY-MM-DDTHH:MM:SS` in UTC. */
function dmsDatePosition(iso: string): string {
  if (!isResolved(iso)) return iso;
  const instant = parseInstant(iso)!;
  return new Date(Math.floor(instant.micros / 1000)).toISOString().slice(0, 19);
}

/** Adds a dependency after construction (as a plain `type.name` reference, like constructor `dependsOn`). */
function dependOn(resource: TerraformResource, on: TerraformResource): void {
  resource.dependsOn = [...(resource.dependsOn ?? []), `${on.terraformResourceType}.${on.friendlyUniqueId}`];
}

function resourcesUnder(scope: Construct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
}

function securityRulesUnder(scope: Construct | undefined): TerraformResource[] {
  if (!scope) return [];
  return scope.node.findAll().filter((c): c is TerraformResource => c instanceof VpcSecurityGroupIngressRule || c instanceof VpcSecurityGroupEgressRule);
}

/** The instances that serve connections (an Aurora cluster answers only once its writer instance exists). */
function databaseInstancesUnder(scope: Construct | undefined): TerraformResource[] {
  if (!scope) return [];
  return resourcesUnder(scope).filter((r) => r.terraformResourceType === 'aws_db_instance' || r.terraformResourceType === 'aws_rds_cluster_instance');
}

/** The database's construct, when it is one (its security-group rules live under it). */
function dbScope(db: unknown): Construct | undefined {
  return db instanceof Construct ? db : undefined;
}
