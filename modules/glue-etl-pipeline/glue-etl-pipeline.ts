import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import {
  check,
  checkRange,
  Connections,
  FailureNotifications,
  IConnectable,
  isResolved,
  MigrationStack,
  ServiceRole,
  grantStateMachineObservability,
  ValidationError,
} from '../core';
import {
  GlueDataBucket,
  GlueJdbcConnection,
  GlueJob,
  GlueKmsKey,
  GlueScript,
  GlueSecurityConfiguration,
  GlueSecurityGroup,
  GlueSharedResources,
} from '../glue-common';
import { buildDefinition } from './definition';
import { buildPlan, EtlPlan, MappingError, WATERMARK_PREFIX } from './mapping';
import { EtlDatabaseProps, EtlJobSizing, GlueEtlPipelineProps } from './props';

const SCHEDULE_EXPRESSION = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * MySQL or Postgres -> S3 -> transform -> MySQL or Postgres with three Glue jobs orchestrated by Step Functions:
 * keyset-paginated extraction, a transform driven by the declared (synth-validated) column mapping, and a batched,
 * idempotent upsert load. Failures retry with backoff, then notify an SNS topic; an optional schedule runs it.
 */
export class GlueEtlPipeline extends Construct {
  readonly plan: EtlPlan;
  readonly kmsKey: GlueKmsKey;
  readonly securityConfiguration: GlueSecurityConfiguration;
  readonly bucket: GlueDataBucket;
  readonly securityGroup: GlueSecurityGroup;
  readonly sourceConnection: GlueJdbcConnection;
  readonly targetConnection: GlueJdbcConnection;
  readonly planObject: S3Object;
  readonly extractJob: GlueJob;
  readonly transformJob: GlueJob;
  readonly loadJob: GlueJob;
  readonly failureTopic: SnsTopic;
  readonly stateMachine: SfnStateMachine;
  readonly stateMachineRole: ServiceRole;
  readonly stateMachineLogGroup: CloudwatchLogGroup;
  /** EventBridge rules that send failed job runs and executions to `failureTopic` (and the topic's policy). */
  readonly failureNotifications: FailureNotifications;
  readonly schedule?: SchedulerSchedule;
  readonly scheduleDeadLetterQueue?: SqsQueue;

  constructor(scope: Construct, id: string, props: GlueEtlPipelineProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'etl';
    const pageSize = props.pageSize ?? 100_000;
    const batchSize = props.loadBatchSize ?? 5_000;
    const parallelism = props.loadParallelism ?? 4;
    const retry = {
      maxAttempts: props.retry?.maxAttempts ?? 2,
      intervalSeconds: props.retry?.intervalSeconds ?? 60,
      backoffRate: props.retry?.backoffRate ?? 2,
    };
    checkRange(this, 'pageSize', props.pageSize, 1_000, 10_000_000);
    checkRange(this, 'loadBatchSize', props.loadBatchSize, 100, 100_000);
    checkRange(this, 'loadParallelism', props.loadParallelism, 1, 64, 'Each writer holds one connection to the target.');
    checkRange(this, 'retry.maxAttempts', props.retry?.maxAttempts, 0, 10);
    checkRange(this, 'runRetentionDays', props.runRetentionDays, 1, 365);
    checkRange(this, 'retry.intervalSeconds', props.retry?.intervalSeconds, 1, 3600);
    check(
      retry.backoffRate >= 1 && retry.backoffRate <= 10,
      this,
      `retry.backoffRate must be from 1 to 10, got ${retry.backoffRate}.`,
    );
    const budget = props.target.connectionBudget;
    if (budget !== undefined && isResolved(budget)) {
      check(
        parallelism + 1 <= Math.floor(budget / 2),
        this,
        `loadParallelism ${parallelism} (+1 driver connection) exceeds half of the target's connection budget ${budget}; ` +
          `lower it to at most ${Math.max(1, Math.floor(budget / 2) - 1)} or use a larger instance.`,
      );
    }
    if (props.schedule) {
      check(
        SCHEDULE_EXPRESSION.test(props.schedule.expression),
        this,
        `schedule.expression "${props.schedule.expression}" must be rate(N unit), cron(6 fields) or at(yyyy-mm-ddThh:mm:ss), e.g. "cron(0 2 * * ? *)".`,
      );
    }
    for (const email of props.notificationEmails ?? []) {
      check(EMAIL.test(email), this, `notificationEmails entry "${email}" is not an email address.`);
    }
    try {
      this.plan = buildPlan(props.source.engine, props.target.engine, props.tables, {
        createTargetTables: props.createTargetTables,
        postLoadSql: props.postLoadSql,
      });
    } catch (e) {
      if (e instanceof MappingError) throw new ValidationError(this, `mapping: ${e.message}`);
      throw e;
    }

    // One CMK for the security configuration (S3, bookmarks, Glue logs), the bucket, the topic and the state machine logs;
    // with `shared`, the stack's shared key, security configuration, security group and connections.
    props.shared?.checkNetwork(this, props.network);
    this.kmsKey = props.shared?.kmsKey ?? new GlueKmsKey(this, 'kms', {
      component,
      description: `ETL pipeline ${stack.naming.name(component)}: data, bookmarks, logs, notifications`,
      logGroupNamePrefixes: ['/aws-glue/', '/aws/vendedlogs/states/'],
      // EventBridge publishes job and execution failures to the failure topic, which this key encrypts.
      topicPublishers: ['events.amazonaws.com'],
    });
    this.securityConfiguration = props.shared?.securityConfiguration ?? new GlueSecurityConfiguration(this, 'security', { component, kmsKeyArn: this.kmsKey.keyArn });
    this.bucket = new GlueDataBucket(this, 'bucket', {
      component: `${component}-data`,
      bucketName: props.bucketName,
      bucketNameSuffix: props.bucketNameSuffix,
      kmsKeyArn: this.kmsKey.keyArn,
      // Staged rows are copies of database data: they expire instead of accumulating.
      expirations: [{ prefix: 'runs/', days: props.runRetentionDays ?? 14 }],
    });
    this.securityGroup = props.shared?.securityGroup ?? new GlueSecurityGroup(this, 'sg', { network: props.network, component: `${component}-glue` });
    this.sourceConnection = this.connection('source', component, props.source, props.shared);
    this.targetConnection = this.connection('target', component, props.target, props.shared);

    const planJson = JSON.stringify(this.plan, null, 2);
    const planSha256 = createHash('sha256').update(planJson).digest('hex');
    this.planObject = new S3Object(this, 'plan', {
      bucket: this.bucket.bucketName,
      key: 'plans/etl-plan.json',
      content: planJson,
      contentType: 'application/json',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: this.kmsKey.keyArn,
      sourceHash: planSha256,
      metadata: { sha256: planSha256 },
    });
    const planUri = `s3://${this.bucket.bucketName}/${this.planObject.key}`;
    const common = new GlueScript(this, 'common-script', { bucket: this.bucket.ref, path: 'etl/etl_common.py' });
    // Job argument names use underscores only: the scripts read them with awsglue's getResolvedOptions, which makes each
    // name a required argparse option `--<name>`, and argparse never treats '-' and '_' as the same
    // (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html).
    const shared = { '--plan_uri': planUri, '--data_bucket': this.bucket.bucketName, '--run_id': 'manual' };

    const job = (name: 'extract' | 'transform' | 'load', description: string, sizing: EtlJobSizing | undefined, extra: Record<string, string>, connections: GlueJdbcConnection[]) =>
      new GlueJob(this, name, {
        component: `${component}-${name}`,
        description,
        script: new GlueScript(this, `${name}-script`, { bucket: this.bucket.ref, path: `etl/${name}.py` }),
        extraPyFiles: [common],
        securityConfiguration: this.securityConfiguration,
        connections,
        glueVersion: props.glueVersion,
        workerType: sizing?.workerType,
        numberOfWorkers: sizing?.numberOfWorkers,
        timeoutMinutes: sizing?.timeoutMinutes,
        logRetentionDays: props.logRetentionDays,
        arguments: { ...shared, ...extra },
      });
    this.extractJob = job(
      'extract',
      `Keyset-paginated copy of ${this.plan.tables.length} ${props.source.engine} table(s) to S3`,
      props.extract,
      { '--source_jdbc_url': this.sourceConnection.jdbcUrl, '--source_secret_arn': props.source.secretArn, '--page_size': String(pageSize) },
      [this.sourceConnection],
    );
    // The transform touches no database, so it needs no connection (and no network interfaces).
    this.transformJob = job('transform', 'Applies the declared column mapping (rename, cast, drop)', props.transform, {}, []);
    this.loadJob = job(
      'load',
      `Batched, idempotent upsert into ${props.target.engine} through staging tables`,
      props.load,
      {
        '--target_jdbc_url': this.targetConnection.jdbcUrl,
        '--target_secret_arn': props.target.secretArn,
        '--batch_size': String(batchSize),
        '--write_parallelism': String(parallelism),
      },
      [this.targetConnection],
    );
    for (const j of [this.extractJob, this.transformJob, this.loadJob]) {
      j.role.grantRead(this.bucket.ref, ['plans/']);
      j.role.grantReadWrite(this.bucket.ref, ['runs/']);
    }
    if (this.plan.tables.some((t) => t.mode === 'append')) {
      // Extract starts after the committed watermark; only the load, after its upsert commits, moves it.
      this.extractJob.role.grantRead(this.bucket.ref, [WATERMARK_PREFIX]);
      this.loadJob.role.grantReadWrite(this.bucket.ref, [WATERMARK_PREFIX]);
    }

    this.failureTopic = new SnsTopic(this, 'failures', {
      name: stack.naming.name(`${component}-failures`, 'sns'),
      displayName: `ETL ${stack.naming.name(component)} failures`,
      kmsMasterKeyId: this.kmsKey.keyArn,
    });
    (props.notificationEmails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `failure-email-${i}`, { topicArn: this.failureTopic.arn, protocol: 'email', endpoint: email });
    });

    const machineName = stack.naming.name(component, 'stepFunctions');
    this.stateMachineLogGroup = new CloudwatchLogGroup(this, 'state-machine-logs', {
      name: `/aws/vendedlogs/states/${machineName}`,
      retentionInDays: props.logRetentionDays ?? (stack.production ? 365 : 30),
      kmsKeyId: this.kmsKey.keyArn,
    });
    this.stateMachineRole = new ServiceRole(this, 'state-machine-role', {
      name: stack.naming.name(`${component}-states`, 'iamRole'),
      servicePrincipal: 'states.amazonaws.com',
      description: `Runs the Glue jobs of ${machineName} and publishes its failures`,
    });
    this.stateMachineRole.addToPolicy({
      actions: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'],
      resources: [this.extractJob.jobArn, this.transformJob.jobArn, this.loadJob.jobArn],
    });
    this.stateMachineRole.addToPolicy({ actions: ['sns:Publish'], resources: [this.failureTopic.arn] });
    this.stateMachineRole.addToPolicy({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.kmsKey.keyArn] });
    grantStateMachineObservability(this.stateMachineRole);

    const definition = buildDefinition({
      pipelineName: machineName,
      failureTopicArn: this.failureTopic.arn,
      retry,
      jobs: [
        { state: 'Extract', jobName: this.extractJob.jobName, timeoutMinutes: props.extract?.timeoutMinutes ?? 120 },
        { state: 'Transform', jobName: this.transformJob.jobName, timeoutMinutes: props.transform?.timeoutMinutes ?? 120 },
        { state: 'Load', jobName: this.loadJob.jobName, timeoutMinutes: props.load?.timeoutMinutes ?? 120 },
      ],
    });
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: machineName,
      type: 'STANDARD',
      roleArn: this.stateMachineRole.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        logDestination: `${this.stateMachineLogGroup.arn}:*`,
        level: props.stateMachineLogLevel ?? 'ERROR',
        includeExecutionData: false,
      },
      tracingConfiguration: { enabled: true },
      dependsOn: [this.stateMachineLogGroup],
    });
    // The definition's NotifyFailure reports what its Catch sees; these rules also report runs started outside the state
    // machine, each failed attempt, and executions that time out, are aborted, or fail before NotifyFailure runs.
    this.failureNotifications = new FailureNotifications(this, 'failure-notifications', {
      component,
      topicArn: this.failureTopic.arn,
      glueJobNames: [this.extractJob.jobName, this.transformJob.jobName, this.loadJob.jobName],
      stateMachineArns: [this.stateMachine.arn],
    });

    if (props.schedule) {
      this.scheduleDeadLetterQueue = new SqsQueue(this, 'schedule-dlq', {
        name: stack.naming.name(`${component}-schedule-dlq`, 'sqs'),
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: 1_209_600,
      });
      const schedulerRole = new ServiceRole(this, 'schedule-role', {
        name: stack.naming.name(`${component}-schedule`, 'iamRole'),
        servicePrincipal: 'scheduler.amazonaws.com',
        description: `Starts ${machineName} on its schedule`,
      });
      schedulerRole.addToPolicy({ actions: ['states:StartExecution'], resources: [this.stateMachine.arn] });
      schedulerRole.addToPolicy({ actions: ['sqs:SendMessage'], resources: [this.scheduleDeadLetterQueue.arn] });
      this.schedule = new SchedulerSchedule(this, 'schedule', {
        name: stack.naming.name(component, 'eventRule'),
        description: `Runs ETL pipeline ${machineName}`,
        scheduleExpression: props.schedule.expression,
        scheduleExpressionTimezone: props.schedule.timezone ?? 'UTC',
        state: props.schedule.enabled === false ? 'DISABLED' : 'ENABLED',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: this.stateMachine.arn,
          roleArn: schedulerRole.arn,
          input: JSON.stringify({ trigger: 'schedule' }),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: this.scheduleDeadLetterQueue.arn },
        },
      });
    }
  }

  get stateMachineArn(): string {
    return this.stateMachine.arn;
  }

  get failureTopicArn(): string {
    return this.failureTopic.arn;
  }

  private connection(role: 'source' | 'target', component: string, db: EtlDatabaseProps, shared?: GlueSharedResources): GlueJdbcConnection {
    check(
      (db.database === undefined) !== (db.securityGroupId === undefined),
      this,
      db.database
        ? `${role}: pass either database or securityGroupId, not both.`
        : `${role} needs database (an IConnectable, e.g. a PrivatePostgres) or securityGroupId (the database's security group): ` +
            'Glue jobs reach a database only through a security-group rule.',
    );
    const database: IConnectable =
      db.database ??
      ({
        connections: new Connections(this, {
          securityGroupId: db.securityGroupId!,
          defaultPort: db.port ?? (db.engine === 'mysql' ? 3306 : 5432),
          description: `${role} ${db.engine} ${db.databaseName}`,
        }),
      } satisfies IConnectable);
    const connectionProps = {
      component: `${component}-${role}`,
      description: `${role} ${db.engine} database ${db.databaseName}`,
      engine: db.engine,
      host: db.host,
      port: db.port,
      databaseName: db.databaseName,
      secretArn: db.secretArn,
      secretKmsKeyArn: db.secretKmsKeyArn,
      tlsCaCertificateS3Uri: db.tlsCaCertificateS3Uri,
      database,
    };
    if (shared) return shared.jdbcConnection(connectionProps);
    return new GlueJdbcConnection(this, `${role}-connection`, { ...connectionProps, securityGroup: this.securityGroup });
  }
}
