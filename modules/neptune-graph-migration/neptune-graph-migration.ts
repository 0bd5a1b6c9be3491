import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { GlueTrigger } from '@cdktf/provider-aws/lib/glue-trigger';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { check, checkRange, Connections, IConnectable, isResolved, MigrationStack, NodejsLambda, ServiceRole, grantStateMachineObservability } from '../core';
import { FailureNotifications, newAlarmTopic } from '../core';
import type { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import {
  GlueDataBucket,
  GlueJdbcConnection,
  GlueJob,
  GlueNetworkConnection,
  GluePythonWheels,
  GlueScript,
  GlueSecurityConfiguration,
  GlueSecurityGroup,
} from '../glue-common';
import { CompiledGraphMapping, compileMapping } from './mapping';
import { NeptuneCluster } from './neptune-cluster';
import { BulkLoadOptions, NeptuneGraphMigrationProps } from './props';
import { grantCatalogAccess, SourceCatalog } from './source-catalog';

/** Key prefixes in the data bucket. */
export const EXPORT_PREFIX = 'exports/';
export const STATE_PREFIX = 'state/incremental/';
/** Where the gremlinpython wheels are uploaded (the upsert jobs install them from there, offline). */
export const PYTHON_MODULES_PREFIX = 'python-modules/';
/** The gremlinpython the upsert jobs install (its wheel and its dependencies' are in templates/glue/python-modules/). */
export const GREMLIN_PYTHON_REQUIREMENT = 'gremlinpython==3.7.1';
/**
 * Every distribution the upsert jobs need among the wheels. gremlinpython 3.7.1 imports `async_timeout` without
 * declaring it (TINKERPOP-3116, https://github.com/apache/tinkerpop/pull/2844): aiohttp only pulls it in below Python
 * 3.11, so on Glue 5.0 `pip download gremlinpython==3.7.1` leaves it out and the first connection fails with
 * "Please install AIOHTTP". Found by running the writer against Gremlin Server (test/gremlin).
 */
export const GREMLIN_PYTHON_REQUIREMENTS = [GREMLIN_PYTHON_REQUIREMENT, 'async-timeout==4.0.3'] as const;

const GLUE_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/**
 * MySQL -> Neptune with Glue, from one declarative mapping: a Neptune cluster, a crawler over the source, and up to
 * three ways to move the data:
 * - bulk: a Glue job writes bulk-load CSV (vertices and edges under separate prefixes), then a state machine starts
 *   the Neptune loader (edges depending on vertices), polls it and fails with the loader's error details;
 * - direct: a Glue job upserts vertices and edges straight into Neptune in batches (mergeV/mergeE);
 * - incremental: a scheduled Glue job upserts rows changed since a data-derived watermark, re-reading a lookback
 *   window before it (timestamps are not in commit order), advancing the watermark only after every upsert succeeded.
 */
export class NeptuneGraphMigration extends Construct {
  readonly neptune: NeptuneCluster;
  readonly mapping: CompiledGraphMapping;
  readonly securityConfiguration: GlueSecurityConfiguration;
  readonly bucket: GlueDataBucket;
  readonly glueSecurityGroup: GlueSecurityGroup;
  readonly sourceConnection: GlueJdbcConnection;
  readonly neptuneConnection?: GlueNetworkConnection;
  readonly catalog: SourceCatalog;
  readonly exportJob?: GlueJob;
  readonly loaderFunction?: NodejsLambda;
  readonly stateMachine?: SfnStateMachine;
  readonly directJob?: GlueJob;
  readonly incrementalJob?: GlueJob;
  readonly incrementalTrigger?: GlueTrigger;
  /** Failed job runs and bulk-load executions are published here (encrypted; `alarmSubscriptions` are subscribed). */
  readonly failureTopic: SnsTopic;
  readonly failureNotifications: FailureNotifications;

  constructor(scope: Construct, id: string, props: NeptuneGraphMigrationProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'graph';
    this.mapping = compileMapping(props.mapping, `${this.node.path}: mapping`);
    const bulk = props.bulkLoad === false ? undefined : props.bulkLoad ?? {};
    check(
      bulk !== undefined || props.directWrite !== undefined || props.incremental !== undefined,
      this,
      'nothing to run: keep bulkLoad (the default) or enable directWrite or incremental.',
    );
    if (props.incremental) {
      const missing = [...this.mapping.vertices, ...this.mapping.edges].filter((e) => e.watermarkColumn === null).map((e) => `${e.label} (${e.table})`);
      check(
        missing.length === 0,
        this,
        `incremental needs a watermarkColumn on every mapped vertex and edge (an update timestamp or version that grows when a row changes); missing on ${missing.join(', ')}.`,
      );
      check(
        typeof props.incremental.schedule === 'string',
        this,
        'incremental.schedule is required: the Glue cron of the incremental trigger, e.g. "cron(0/15 * * * ? *)". The trigger is created deactivated unless incremental.scheduleEnabled is true.',
      );
      if (isResolved(props.incremental.schedule)) {
        check(GLUE_CRON.test(props.incremental.schedule), this, `incremental.schedule "${props.incremental.schedule}" must be a Glue cron expression, e.g. "cron(0/15 * * * ? *)".`);
      }
      checkRange(this, 'incremental.batchSize', props.incremental.batchSize, 1, 1000);
      checkRange(this, 'incremental.lookbackSeconds', props.incremental.lookbackSeconds, 0, 604800);
    }
    checkRange(this, 'directWrite.batchSize', props.directWrite?.batchSize, 1, 1000);
    checkRange(this, 'directWrite.readPartitions', props.directWrite?.readPartitions, 1, 64);
    checkRange(this, 'bulkLoad.pollIntervalSeconds', bulk?.pollIntervalSeconds, 10, 3600);
    checkRange(this, 'bulkLoad.exportTimeoutMinutes', bulk?.exportTimeoutMinutes, 1, 2880);
    checkRange(this, 'bulkLoad.timeoutMinutes', bulk?.timeoutMinutes, 5, 10080);
    if (bulk && bulk.exportTimeoutMinutes !== undefined && bulk.timeoutMinutes !== undefined) {
      check(bulk.timeoutMinutes > bulk.exportTimeoutMinutes, this, `bulkLoad.timeoutMinutes (${bulk.timeoutMinutes}) must exceed exportTimeoutMinutes (${bulk.exportTimeoutMinutes}): it covers the export and the load.`);
    }
    const mappingJson = JSON.stringify(this.mapping);
    // Glue caps the size of job arguments; a mapping this large belongs in fewer, wider mappings or several jobs.
    check(mappingJson.length <= 60000, this, `the compiled mapping is ${mappingJson.length} characters; Glue job arguments must stay well under 64 KB. Split the mapping across two migrations.`);
    const retention = stack.production ? 365 : 30;

    this.neptune = new NeptuneCluster(this, 'neptune', { ...(props.neptune ?? {}), network: props.network, component });

    // With `shared`: the stack's shared key (through its security configuration), Glue security group and MySQL connection.
    props.shared?.checkNetwork(this, props.network);
    this.securityConfiguration = props.shared?.securityConfiguration ?? new GlueSecurityConfiguration(this, 'glue-security', { component });
    this.bucket = new GlueDataBucket(this, 'data', { component: `${component}-data`, kmsKeyArn: this.securityConfiguration.kmsKeyArn, bucketName: props.bucketName, bucketNameSuffix: props.bucketNameSuffix });
    check(
      (props.source.database === undefined) !== (props.source.securityGroupId === undefined),
      this,
      props.source.database
        ? 'source: pass either database or securityGroupId, not both.'
        : 'source needs database (an IConnectable) or securityGroupId (the MySQL security group): Glue jobs and the crawler reach MySQL only through a security-group rule.',
    );
    const sourceDatabase =
      props.source.database ??
      ({
        connections: new Connections(this, {
          securityGroupId: props.source.securityGroupId!,
          defaultPort: props.source.port ?? 3306,
          description: `MySQL ${props.source.databaseName}`,
        }),
      } satisfies IConnectable);
    this.glueSecurityGroup = props.shared?.securityGroup ?? new GlueSecurityGroup(this, 'glue-sg', { network: props.network, component: `${component}-glue` });
    const sourceConnectionProps = {
      component: `${component}-source-mysql`,
      engine: 'mysql' as const,
      host: props.source.host,
      port: props.source.port,
      databaseName: props.source.databaseName,
      secretArn: props.source.secretArn,
      secretKmsKeyArn: props.source.secretKmsKeyArn,
      tlsCaCertificateS3Uri: props.source.tlsCaCertificateS3Uri,
      database: sourceDatabase,
    };
    this.sourceConnection =
      props.shared?.jdbcConnection(sourceConnectionProps) ?? new GlueJdbcConnection(this, 'source', { ...sourceConnectionProps, securityGroup: this.glueSecurityGroup });
    this.catalog = new SourceCatalog(this, 'catalog', {
      component,
      connection: this.sourceConnection,
      databaseName: props.source.databaseName,
      securityConfiguration: this.securityConfiguration,
      schedule: props.crawlerSchedule ?? 'cron(0 2 * * ? *)',
      logRetentionDays: retention,
    });

    const tablePrefix = props.catalogTablePrefix ?? `${props.source.databaseName}_`.toLowerCase();
    const mappingModule = new GlueScript(this, 'mapping-module', { bucket: this.bucket.ref, path: 'neptune/neptune_mapping.py' });
    const sourceModule = new GlueScript(this, 'source-module', { bucket: this.bucket.ref, path: 'neptune/glue_source.py' });
    const common: Record<string, string> = {
      '--graph_mapping': mappingJson,
      '--catalog_database': this.catalog.databaseName,
      '--catalog_table_prefix': tablePrefix,
    };
    const sizing = { workerType: props.glue?.workerType, numberOfWorkers: props.glue?.numberOfWorkers };

    if (bulk) {
      const exportJob = new GlueJob(this, 'export', {
        component: `${component}-export`,
        description: `MySQL ${props.source.databaseName} -> Neptune bulk-load CSV in s3://.../${EXPORT_PREFIX}`,
        script: new GlueScript(this, 'export-script', { bucket: this.bucket.ref, path: 'neptune/export.py' }),
        extraPyFiles: [mappingModule, sourceModule],
        securityConfiguration: this.securityConfiguration,
        connections: [this.sourceConnection],
        timeoutMinutes: bulk.exportTimeoutMinutes ?? 120,
        ...sizing,
        // --state_bucket/--state_prefix: the export records, per element with a watermarkColumn, the highest watermark
        // it read, where the incremental job keeps its own; the first incremental run starts there, not from nothing.
        arguments: {
          ...common,
          '--export_bucket': this.bucket.bucketName,
          '--export_prefix': EXPORT_PREFIX,
          '--run_id': 'manual',
          '--state_bucket': this.bucket.bucketName,
          '--state_prefix': STATE_PREFIX,
        },
      });
      this.exportJob = exportJob;
      grantCatalogAccess(exportJob, this.catalog.databaseName, false);
      exportJob.role.grantReadWrite(this.bucket.ref, [EXPORT_PREFIX, STATE_PREFIX]);
      this.neptune.grantLoadFrom(this.bucket.bucketArn, [EXPORT_PREFIX], this.securityConfiguration.kmsKeyArn);

      const loader = new NodejsLambda(this, 'bulk-loader', {
        entry: 'neptune-bulk-load',
        component: `${component}-bulk-load`,
        description: `Starts and polls Neptune bulk loads into ${this.neptune.clusterIdentifier}`,
        timeoutSeconds: 60,
        memoryMiB: 256,
        network: props.network,
        databaseWriter: true,
        reservedConcurrency: 2,
        logRetentionDays: retention,
        environment: {
          NEPTUNE_ENDPOINT: `${this.neptune.endpoint}:${this.neptune.port}`,
          LOADER_ROLE_ARN: this.neptune.loaderRole.arn,
          IAM_AUTH: 'true',
        },
      });
      this.loaderFunction = loader;
      this.neptune.connections.allowDefaultPortFrom(loader, 'starts and polls bulk loads (loader API)');
      this.neptune.grantData(loader, ['neptune-db:StartLoaderJob', 'neptune-db:GetLoaderJobStatus']);
      this.stateMachine = this.buildStateMachine(component, exportJob, loader, bulk, retention);
    }

    // gremlinpython for the upsert jobs: by default its wheels (and its dependencies') are uploaded from
    // templates/glue/python-modules and installed offline (the subnets have no route to PyPI); gremlinPythonModule
    // installs from PyPI instead, for subnets with a NAT or a mirror.
    let pythonWheels: GluePythonWheels | undefined;
    const onlineModules: Record<string, string> = {};
    if ((props.directWrite || props.incremental) && props.gremlinPythonModule === undefined) {
      pythonWheels = new GluePythonWheels(this, 'python-wheels', {
        bucket: this.bucket.ref,
        dir: props.gremlinPythonWheelsDir,
        keyPrefix: PYTHON_MODULES_PREFIX,
        requirements: GREMLIN_PYTHON_REQUIREMENTS,
      });
    } else if (props.gremlinPythonModule !== undefined) {
      onlineModules['--additional-python-modules'] = props.gremlinPythonModule;
    }
    if (props.directWrite || props.incremental) {
      this.neptuneConnection = new GlueNetworkConnection(this, 'neptune-network', {
        component: `${component}-neptune-network`,
        securityGroup: this.glueSecurityGroup,
        description: `Glue jobs to Neptune ${this.neptune.clusterIdentifier}`,
      });
      this.neptune.connections.allowDefaultPortFrom(this.glueSecurityGroup, 'Gremlin upserts of the direct and incremental jobs');
    }
    const writerModule = props.directWrite || props.incremental ? new GlueScript(this, 'writer-module', { bucket: this.bucket.ref, path: 'neptune/neptune_writer.py' }) : undefined;
    const neptuneArgs = {
      '--neptune_endpoint': this.neptune.endpoint,
      '--neptune_port': String(this.neptune.port),
      '--neptune_iam_auth': 'true',
      ...onlineModules,
    };
    const upsertActions = ['neptune-db:ReadDataViaQuery', 'neptune-db:WriteDataViaQuery', 'neptune-db:DeleteDataViaQuery'] as const;

    if (props.directWrite) {
      const job = new GlueJob(this, 'direct', {
        component: `${component}-direct`,
        description: `MySQL ${props.source.databaseName} -> Neptune ${this.neptune.clusterIdentifier} by batched upserts`,
        script: new GlueScript(this, 'direct-script', { bucket: this.bucket.ref, path: 'neptune/direct.py' }),
        extraPyFiles: [mappingModule, sourceModule, writerModule!],
        securityConfiguration: this.securityConfiguration,
        connections: [this.sourceConnection, this.neptuneConnection!],
        pythonWheels,
        ...sizing,
        arguments: {
          ...common,
          ...neptuneArgs,
          '--batch_size': String(props.directWrite.batchSize ?? 100),
          // direct.py passes hashfield/hashpartitions to from_catalog when above 1 (glue_source.read_options).
          '--read_hashpartitions': String(props.directWrite.readPartitions ?? 1),
        },
      });
      grantCatalogAccess(job, this.catalog.databaseName, false);
      this.neptune.grantData(job, upsertActions);
      this.directJob = job;
    }

    if (props.incremental) {
      const job = new GlueJob(this, 'incremental', {
        component: `${component}-incremental`,
        description: `Rows changed in MySQL ${props.source.databaseName} since the last watermark -> Neptune upserts`,
        script: new GlueScript(this, 'incremental-script', { bucket: this.bucket.ref, path: 'neptune/incremental.py' }),
        extraPyFiles: [mappingModule, sourceModule, writerModule!],
        securityConfiguration: this.securityConfiguration,
        connections: [this.sourceConnection, this.neptuneConnection!],
        pythonWheels,
        // No job bookmark on the watermark column: bookmark keys must be strictly monotonically increasing
        // (https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html) and an update timestamp
        // is not; a bookmark would also hide the lookback window. The watermark in S3 is the only position.
        jobBookmarks: false,
        ...sizing,
        arguments: {
          ...common,
          ...neptuneArgs,
          '--batch_size': String(props.incremental.batchSize ?? 100),
          '--lookback_seconds': String(props.incremental.lookbackSeconds ?? 900),
          '--state_bucket': this.bucket.bucketName,
          '--state_prefix': STATE_PREFIX,
        },
      });
      grantCatalogAccess(job, this.catalog.databaseName, false);
      this.neptune.grantData(job, upsertActions);
      job.role.grantReadWrite(this.bucket.ref, [STATE_PREFIX]);
      this.incrementalJob = job;
      // Created deactivated by default: the incremental job upserts changes on top of the bulk load, so it has nothing
      // to do (and would fail, billed, every run) before the first bulk load. StartOnCreation starts a SCHEDULED trigger
      // when created (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-trigger.html#aws-glue-api-jobs-trigger-CreateTrigger);
      // `enabled` is the trigger's state Terraform keeps.
      const scheduleEnabled = props.incremental.scheduleEnabled ?? false;
      this.incrementalTrigger = new GlueTrigger(this, 'incremental-schedule', {
        name: stack.naming.name(`${component}-incremental`, 'glue'),
        description: `Runs ${job.jobName} on a schedule${scheduleEnabled ? '' : ' (created deactivated: set incremental.scheduleEnabled after the first bulk load)'}`,
        type: 'SCHEDULED',
        schedule: props.incremental.schedule,
        enabled: scheduleEnabled,
        startOnCreation: scheduleEnabled,
        actions: [{ jobName: job.jobName }],
        dependsOn: [job.job],
      });
    }

    // Failures reach people: failed runs of every job (by hand, by the incremental trigger, or by the state machine)
    // and failed bulk-load executions go through EventBridge to one encrypted topic.
    this.failureTopic = newAlarmTopic(this, {
      component: `${component}-failures`,
      publishers: ['events.amazonaws.com'],
      ids: { key: 'failure-key', alias: 'failure-key-alias', topic: 'failure-topic' },
      description: `Encrypts failure notifications of ${stack.naming.name(component)}`,
      subscriptions: props.alarmSubscriptions,
    }).topic;
    this.failureNotifications = new FailureNotifications(this, 'failure-notifications', {
      component,
      topicArn: this.failureTopic.arn,
      glueJobNames: [this.exportJob, this.directJob, this.incrementalJob].flatMap((j) => (j ? [j.jobName] : [])),
      stateMachineArns: this.stateMachine ? [this.stateMachine.arn] : [],
    });
  }

  /**
   * export (Glue, .sync) -> start loads (Lambda) -> wait -> status (Lambda) -> done / wait again / fail with the
   * loader's details. Each task has a timeout and retries transient errors with backoff; the whole run has a limit.
   */
  private buildStateMachine(component: string, exportJob: GlueJob, loader: NodejsLambda, bulk: BulkLoadOptions, retention: number): SfnStateMachine {
    const stack = MigrationStack.of(this);
    const name = stack.naming.name(`${component}-bulk-load`, 'stepFunctions');
    const logs = new CloudwatchLogGroup(this, 'state-machine-logs', { name: `/aws/vendedlogs/states/${name}`, retentionInDays: retention });
    const role = new ServiceRole(this, 'state-machine-role', {
      name: stack.naming.name(`${component}-bulk-load-sfn`, 'iamRole'),
      servicePrincipal: 'states.amazonaws.com',
      description: `Runs state machine ${name}`,
    });
    role.addToPolicy({ sid: 'RunExportJob', actions: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'], resources: [exportJob.jobArn] });
    role.addToPolicy({ sid: 'InvokeLoader', actions: ['lambda:InvokeFunction'], resources: [loader.arn, `${loader.arn}:*`] });
    grantStateMachineObservability(role);

    const exportTimeout = (bulk.exportTimeoutMinutes ?? 120) * 60;
    const transient = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'NeptuneLoaderUnavailable'];
    const retry = (errors: string[]) => [{ ErrorEquals: errors, IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' }];
    // A start that timed out may have queued loads: it is not retried (a retry would queue them twice). A status
    // read has no side effects, so a timed-out one is retried.
    const startRetry = retry(transient);
    const statusRetry = retry([...transient, 'States.Timeout']);
    const catchAll = (next: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];
    const source = (kind: string) => `States.Format('s3://${this.bucket.bucketName}/${EXPORT_PREFIX}{}/${kind}/', $$.Execution.Name)`;
    const definition = {
      Comment: `Export MySQL to Neptune bulk-load CSV, load vertices then edges, poll until done (${this.neptune.clusterIdentifier})`,
      StartAt: 'Export',
      TimeoutSeconds: (bulk.timeoutMinutes ?? 720) * 60,
      States: {
        Export: {
          Type: 'Task',
          Resource: `arn:${stack.partition}:states:::glue:startJobRun.sync`,
          Parameters: { JobName: exportJob.jobName, Arguments: { '--run_id.$': '$$.Execution.Name' } },
          TimeoutSeconds: exportTimeout + 300,
          ResultPath: '$.export',
          ResultSelector: { 'JobRunId.$': '$.Id', 'JobRunState.$': '$.JobRunState' },
          Retry: [{ ErrorEquals: ['Glue.ConcurrentRunsExceededException', 'Glue.ThrottlingException', 'Glue.InternalServiceException'], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
          Catch: catchAll('ExportFailed'),
          Next: 'StartLoad',
        },
        StartLoad: {
          Type: 'Task',
          Resource: `arn:${stack.partition}:states:::lambda:invoke`,
          Parameters: {
            FunctionName: loader.arn,
            Payload: {
              action: 'start',
              'vertexSource.$': source('vertices'),
              ...(this.mapping.edges.length ? { 'edgeSource.$': source('edges') } : {}),
              parallelism: bulk.parallelism ?? 'HIGH',
              failOnError: bulk.failOnError ?? true,
              mode: 'AUTO',
              updateSingleCardinalityProperties: true,
            },
          },
          TimeoutSeconds: 90,
          ResultSelector: { 'loadIds.$': '$.Payload.loadIds' },
          ResultPath: '$.load',
          Retry: startRetry,
          Catch: catchAll('StartLoadFailed'),
          Next: 'WaitForLoad',
        },
        WaitForLoad: { Type: 'Wait', Seconds: bulk.pollIntervalSeconds ?? 60, Next: 'CheckLoad' },
        CheckLoad: {
          Type: 'Task',
          Resource: `arn:${stack.partition}:states:::lambda:invoke`,
          Parameters: { FunctionName: loader.arn, Payload: { action: 'status', 'loadIds.$': '$.load.loadIds' } },
          TimeoutSeconds: 90,
          ResultSelector: {
            'done.$': '$.Payload.done',
            'failed.$': '$.Payload.failed',
            'status.$': '$.Payload.status',
            'cause.$': '$.Payload.cause',
            'loads.$': '$.Payload.loads',
            'errors.$': '$.Payload.errors',
          },
          ResultPath: '$.loadStatus',
          Retry: statusRetry,
          Catch: catchAll('CheckLoadFailed'),
          Next: 'LoadFinished',
        },
        LoadFinished: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.loadStatus.failed', BooleanEquals: true, Next: 'LoadFailed' },
            { Variable: '$.loadStatus.done', BooleanEquals: true, Next: 'Loaded' },
          ],
          Default: 'WaitForLoad',
        },
        Loaded: { Type: 'Succeed' },
        LoadFailed: { Type: 'Fail', Error: 'NeptuneLoadFailed', CausePath: '$.loadStatus.cause' },
        ExportFailed: { Type: 'Fail', Error: 'GlueExportFailed', CausePath: '$.error.Cause' },
        StartLoadFailed: { Type: 'Fail', Error: 'NeptuneLoadNotStarted', CausePath: '$.error.Cause' },
        CheckLoadFailed: { Type: 'Fail', Error: 'NeptuneLoadStatusUnavailable', CausePath: '$.error.Cause' },
      },
    };
    return new SfnStateMachine(this, 'state-machine', {
      name,
      roleArn: role.arn,
      type: 'STANDARD',
      definition: JSON.stringify(definition),
      loggingConfiguration: { logDestination: `${logs.arn}:*`, level: 'ERROR', includeExecutionData: true },
      tracingConfiguration: { enabled: true },
      dependsOn: [logs],
    });
  }
}
