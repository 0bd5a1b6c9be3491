import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { bundleLambda, LambdaBundle } from './bundle';
import { AssetType, TerraformAsset } from './cdktf';
import { Connections, IConnectable, newSecurityGroup } from './connections';
import { check, checkRange } from './errors';
import { IGrantable, ServiceRole } from './iam';
import { NetworkRef, requireZonesInRegion } from './network';
import { MigrationStack } from './stack';

/** Environment variable names that must never carry a secret value (LAMBDA-ENV); pass a secret ARN instead. */
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET(?!_ARN|_ID|_NAME)|TOKEN|PRIVATE_KEY|ACCESS_KEY)/i;

export interface NodejsLambdaProps {
  /** Folder under `lambdas/` holding `handler.ts` (exporting `handler`). */
  readonly entry: string;
  /** Component used for the physical name, e.g. `csv-loader` -> `billing-prod-csv-loader`. */
  readonly component: string;
  readonly description: string;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** Non-secret configuration only: secret ARNs, table routes, names. Values that look like secrets fail synth. */
  readonly environment?: Record<string, string>;
  /** Runs the function in these private subnets with its own security group (needed to reach databases). */
  readonly network?: NetworkRef;
  /** Caps concurrent executions, e.g. to stay inside a database's connection budget. */
  readonly reservedConcurrency?: number;
  /** @default 30 in non-production, 365 in production */
  readonly logRetentionDays?: number;
  /**
   * Set when the function writes to a database or Neptune. Then `network` and `reservedConcurrency` are required
   * (LAMBDA-VPC, LAMBDA-CONCURRENCY) and the function is tagged `kit:database-writer = true` for the policy check.
   */
  readonly databaseWriter?: boolean;
}

export interface AsyncInvokeProps {
  /** Where events that failed every retry go: an SQS queue (preferred) or an SNS topic. */
  readonly onFailure: { readonly queueArn: string } | { readonly topicArn: string };
  /** @default 2 */
  readonly retryAttempts?: number;
  /** @default 3600 */
  readonly maxEventAgeSeconds?: number;
}

/**
 * A Node.js 22 Lambda bundled from `lambdas/<entry>/handler.ts` at synth: deterministic zip, `source_code_hash`
 * from the zip, X-Ray tracing, its own log group with retention, a role with only what callers grant, and, in a
 * VPC, its own security group (connect it with `connections`).
 */
export class NodejsLambda extends Construct implements IGrantable, IConnectable {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly bundle: LambdaBundle;
  readonly functionName: string;
  readonly securityGroup?: SecurityGroup;
  private readonly _connections?: Connections;

  constructor(scope: Construct, id: string, props: NodejsLambdaProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'timeoutSeconds', props.timeoutSeconds, 1, 900);
    checkRange(this, 'memoryMiB', props.memoryMiB, 128, 10240);
    checkRange(this, 'reservedConcurrency', props.reservedConcurrency, 1, 1000);
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      check(
        !SECRET_ENV.test(key),
        this,
        `environment variable ${key} looks like a secret. Store the secret in Secrets Manager and pass its ARN (e.g. DB_SECRET_ARN).`,
      );
      // Checked even when the value holds tokens: a literal password beside a host known only at plan
      // (`postgres://app:pw@${db.address}`) or a password that is itself a token still lands in the environment.
      check(
        !/:\/\/[^/\s:@]+:[^/\s@]+@/.test(value),
        this,
        `environment variable ${key} holds a URL with credentials. Pass a secret ARN instead.`,
      );
    }
    if (props.databaseWriter) {
      check(props.network !== undefined, this, 'a database writer must run in the VPC: pass `network` (private subnets of the database VPC).');
      check(
        props.reservedConcurrency !== undefined,
        this,
        'a database writer needs `reservedConcurrency` within the database connection budget (e.g. database.connectionBudget / 4).',
      );
    }
    this.functionName = stack.naming.name(props.component, 'lambda');
    this.bundle = bundleLambda(props.entry);
    const asset = new TerraformAsset(this, 'code', { path: this.bundle.zipPath, type: AssetType.FILE });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: props.logRetentionDays ?? (stack.production ? 365 : 30),
    });
    this.role = new ServiceRole(this, 'role', {
      name: stack.naming.name(`${props.component}-fn`, 'iamRole'),
      servicePrincipal: 'lambda.amazonaws.com',
      description: `Execution role of ${this.functionName}`,
    });
    this.role.addToPolicy({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${this.logGroup.arn}:*`],
    });
    this.role.addToPolicy({
      sid: 'Tracing',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    });

    let vpcConfig: { subnetIds: string[]; securityGroupIds: string[] } | undefined;
    if (props.network) {
      this.securityGroup = newSecurityGroup(this, 'sg', {
        name: stack.naming.name(`${props.component}-fn`, 'securityGroup'),
        description: `Lambda ${this.functionName}`,
        vpcId: props.network.vpcId,
      });
      this._connections = new Connections(this, { securityGroupId: this.securityGroup.id, description: `Lambda ${this.functionName}` });
      this._connections.allowAwsApiEgress(props.network, `Lambda ${this.functionName} to AWS APIs`);
      requireZonesInRegion(this, props.network.privateSubnets.map((s, i) => [`network.privateSubnets[${i}].availabilityZone`, s.availabilityZone] as const));
      vpcConfig = { subnetIds: props.network.privateSubnets.map((s) => s.id), securityGroupIds: [this.securityGroup.id] };
      this.role.addToPolicy({
        sid: 'VpcNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      });
    }

    this.function = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: this.bundle.sha256Base64,
      timeout: props.timeoutSeconds ?? 60,
      memorySize: props.memoryMiB ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      environment: {
        // The runtime's bundle of Amazon CAs (incl. RDS) is loaded only when asked for: TLS verify-full to RDS needs it.
        variables: { NODE_OPTIONS: '--enable-source-maps', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem', ...(props.environment ?? {}) },
      },
      vpcConfig,
      tags: props.databaseWriter ? { 'kit:database-writer': 'true' } : undefined,
      dependsOn: [this.logGroup],
    });
  }

  /** Security-group connections; only for functions placed in a VPC. */
  get connections(): Connections {
    if (!this._connections) {
      throw new Error(`${this.node.path}: this Lambda is not in a VPC; pass \`network\` to connect it to databases.`);
    }
    return this._connections;
  }

  get grantPrincipal(): ServiceRole {
    return this.role;
  }

  get arn(): string {
    return this.function.arn;
  }

  /** Retries and on-failure destination for asynchronous invocations (S3, EventBridge). */
  configureAsyncInvoke(props: AsyncInvokeProps): void {
    checkRange(this, 'retryAttempts', props.retryAttempts, 0, 2);
    checkRange(this, 'maxEventAgeSeconds', props.maxEventAgeSeconds, 60, 21600);
    const [destination, action] =
      'queueArn' in props.onFailure ? [props.onFailure.queueArn, 'sqs:SendMessage'] : [props.onFailure.topicArn, 'sns:Publish'];
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.functionName,
      maximumRetryAttempts: props.retryAttempts ?? 2,
      maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 3600,
      destinationConfig: { onFailure: { destination } },
    });
    this.role.addToPolicy({ sid: 'OnFailureDestination', actions: [action], resources: [destination] });
  }

  /** Lets an AWS service invoke the function, pinned to the source ARN (and account, for S3). */
  allowInvokeFrom(id: string, props: { principal: string; sourceArn: string; sourceAccount?: string }): LambdaPermission {
    return new LambdaPermission(this, id, {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: props.principal,
      sourceArn: props.sourceArn,
      sourceAccount: props.sourceAccount,
    });
  }
}
