import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { GlueJob as GlueJobResource } from '@cdktf/provider-aws/lib/glue-job';
import { check, checkRange, IGrantable, isResolved, MigrationStack, ServiceRole } from '../core';
import { GlueJobRole } from './job-role';
import { GlueJobProps, GlueVersion, GlueWorkerType } from './props';

const GLUE_VERSIONS: readonly GlueVersion[] = ['4.0', '5.0'];
const WORKER_TYPES: readonly GlueWorkerType[] = ['G.025X', 'G.1X', 'G.2X', 'G.4X', 'G.8X', 'R.1X', 'R.2X', 'R.4X', 'R.8X'];
/** Arguments this construct owns; callers cannot override them (logging, bookmarks, language). */
const RESERVED_ARGUMENTS = new Set([
  '--job-language',
  '--enable-continuous-cloudwatch-log',
  '--continuous-log-logGroup',
  '--custom-logGroup-prefix',
  '--enable-metrics',
  '--enable-observability-metrics',
  '--job-bookmark-option',
  '--extra-py-files',
]);
const SECRET_ARGUMENT = /(password|passwd|secret(?![-_]?(arn|id|name))|token|private[-_]?key|access[-_]?key)/i;

/**
 * A Glue Spark ETL job (Glue 4.0/5.0, Python 3) with the house defaults: a security configuration, CloudWatch
 * logging into log groups created here with retention and the CMK, metrics, explicit bookmarks, one concurrent run,
 * and a role granted exactly the script, connections and key it uses.
 *
 * Logging follows what each Glue version documents
 * (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html): Glue 5.0 logs every job in real
 * time to `/aws-glue/jobs/error` (system, Spark and GlueLogger logs) and `/aws-glue/jobs/output` (stdout, stderr),
 * renamed with `--custom-logGroup-prefix` to `<prefix>/error` and `<prefix>/output`; continuous logging
 * (`--enable-continuous-cloudwatch-log`, `--continuous-log-logGroup`) is documented for Glue 4.0 and earlier only
 * (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging-enable.html), where an encrypting security
 * configuration appends its name to the custom group and sends the driver's output to the role's groups.
 */
export class GlueJob extends Construct implements IGrantable {
  readonly job: GlueJobResource;
  readonly role: GlueJobRole;
  readonly jobName: string;
  /**
   * Where Glue writes the job's own logs: Glue 5.0 `<prefix>/error` (system, Spark and GlueLogger logs); Glue 4.0
   * the continuous-logging group `<--continuous-log-logGroup>-<security configuration>`.
   */
  readonly logGroup: CloudwatchLogGroup;
  /** Every log group created for this job (5.0: `<prefix>/error` and `<prefix>/output`; 4.0: the continuous group). */
  readonly logGroups: CloudwatchLogGroup[];
  /** Glue 5.0: the `--custom-logGroup-prefix` value, `/aws-glue/jobs/<job name>`. */
  readonly logGroupPrefix?: string;
  readonly glueVersion: GlueVersion;
  readonly workerType: GlueWorkerType;
  readonly numberOfWorkers: number;

  constructor(scope: Construct, id: string, props: GlueJobProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.glueVersion = props.glueVersion ?? '5.0';
    this.workerType = props.workerType ?? 'G.1X';
    this.numberOfWorkers = props.numberOfWorkers ?? 2;
    check(GLUE_VERSIONS.includes(this.glueVersion), this, `glueVersion must be one of ${GLUE_VERSIONS.join(', ')}, got "${this.glueVersion}".`);
    check(WORKER_TYPES.includes(this.workerType), this, `workerType must be one of ${WORKER_TYPES.join(', ')}, got "${this.workerType}".`);
    checkRange(this, 'numberOfWorkers', props.numberOfWorkers, 2, 1000, 'A Spark job needs a driver and at least one executor.');
    checkRange(this, 'timeoutMinutes', props.timeoutMinutes, 1, 10080);
    checkRange(this, 'maxRetries', props.maxRetries, 0, 10);
    checkRange(this, 'maxConcurrentRuns', props.maxConcurrentRuns, 1, 1000);
    if (this.workerType === 'G.025X') {
      check(false, this, 'workerType G.025X exists for streaming jobs only; use G.1X or larger for batch ETL.');
    }
    for (const [key, value] of Object.entries(props.arguments ?? {})) {
      check(key.startsWith('--') && key.length > 2, this, `argument "${key}" must start with "--", e.g. "--source-table".`);
      check(!RESERVED_ARGUMENTS.has(key), this, `argument ${key} is set by GlueJob; use the matching prop (jobBookmarks, extraPyFiles, ...).`);
      check(!SECRET_ARGUMENT.test(key), this, `argument ${key} looks like a secret. Job arguments are visible in the console and API: pass a connection or secret ARN instead.`);
      check(
        !isResolved(value) || !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(value),
        this,
        `argument ${key} holds a URL with credentials. Use a Glue connection with SECRET_ID instead.`,
      );
    }

    if (props.pythonWheels) {
      check(
        props.pythonWheels.glueVersion === this.glueVersion,
        this,
        `pythonWheels were checked for Glue ${props.pythonWheels.glueVersion}, but the job runs Glue ${this.glueVersion}: build them with glueVersion "${this.glueVersion}".`,
      );
      const clash = Object.keys(props.pythonWheels.arguments).filter((k) => k in (props.arguments ?? {}));
      check(clash.length === 0, this, `argument ${clash.join(', ')} is set by pythonWheels; drop it from arguments.`);
    }

    this.jobName = stack.naming.name(props.component, 'glue');
    this.role = props.role ?? new GlueJobRole(this, 'role', { component: props.component, description: `Runs Glue job ${this.jobName}` });
    const retention = props.logRetentionDays ?? (stack.production ? 365 : 30);
    const scName = props.securityConfiguration.securityConfigurationName;
    const kmsKeyId = props.securityConfiguration.kmsKeyArn;
    let loggingArguments: Record<string, string>;
    if (this.glueVersion === '5.0') {
      // Glue 5.0: real-time logs in <prefix>/error and <prefix>/output, one pair per job, created here with retention
      // and the CMK (Glue would otherwise create them itself, without retention).
      this.logGroupPrefix = `/aws-glue/jobs/${this.jobName}`;
      this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `${this.logGroupPrefix}/error`, retentionInDays: retention, kmsKeyId });
      const output = new CloudwatchLogGroup(this, 'logs-output', { name: `${this.logGroupPrefix}/output`, retentionInDays: retention, kmsKeyId });
      this.logGroups = [this.logGroup, output];
      loggingArguments = { '--custom-logGroup-prefix': this.logGroupPrefix };
    } else {
      // Glue 4.0: continuous logging. With CloudWatch encryption on, Glue appends the security configuration name to
      // the continuous log group, and the driver's stdout/stderr go to the role's groups.
      const continuousLogGroup = `/aws-glue/jobs/${this.jobName}`;
      this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `${continuousLogGroup}-${scName}`, retentionInDays: retention, kmsKeyId });
      this.logGroups = [this.logGroup];
      this.role.ensureOutputLogGroups(scName, kmsKeyId, retention);
      loggingArguments = { '--enable-continuous-cloudwatch-log': 'true', '--continuous-log-logGroup': continuousLogGroup };
    }
    this.role.grantLogWrite(this.logGroups.map((g) => g.arn));
    this.role.grantMetrics();
    this.role.once(`security-configuration:${scName}`, () => props.securityConfiguration.grantUse(this.role));
    this.role.grantRead(props.script.bucket, [props.script.key]);
    for (const file of props.extraPyFiles ?? []) this.role.grantRead(file.bucket, [file.key]);
    if (props.pythonWheels) this.role.grantRead(props.pythonWheels.bucket, [props.pythonWheels.keyPrefix]);
    for (const connection of props.connections ?? []) this.role.grantConnection(connection);

    const defaultArguments: Record<string, string> = {
      '--job-language': 'python',
      ...loggingArguments,
      '--enable-metrics': 'true',
      '--enable-observability-metrics': 'true',
      '--job-bookmark-option': props.jobBookmarks ? 'job-bookmark-enable' : 'job-bookmark-disable',
      ...(props.extraPyFiles?.length ? { '--extra-py-files': props.extraPyFiles.map((f) => f.s3Uri).join(',') } : {}),
      ...(props.pythonWheels?.arguments ?? {}),
      ...(props.arguments ?? {}),
    };
    this.job = new GlueJobResource(this, 'job', {
      name: this.jobName,
      description: props.description,
      roleArn: this.role.roleArn,
      glueVersion: this.glueVersion,
      workerType: this.workerType,
      numberOfWorkers: this.numberOfWorkers,
      timeout: props.timeoutMinutes ?? 120,
      maxRetries: props.maxRetries ?? 0,
      executionProperty: { maxConcurrentRuns: props.maxConcurrentRuns ?? 1 },
      command: { name: 'glueetl', scriptLocation: props.script.s3Uri, pythonVersion: '3' },
      securityConfiguration: scName,
      connections: props.connections?.length ? props.connections.map((c) => c.connectionName) : undefined,
      defaultArguments,
      dependsOn: [
        ...this.logGroups,
        props.securityConfiguration.resource,
        props.script.object,
        ...(props.extraPyFiles ?? []).map((f) => f.object),
        ...(props.pythonWheels?.objects ?? []),
        ...(props.connections ?? []).map((c) => c.connection),
      ],
    });
  }

  get jobArn(): string {
    return this.job.arn;
  }

  get grantPrincipal(): ServiceRole {
    return this.role.grantPrincipal;
  }
}
