import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { grantS3Read, grantS3Write, IGrantable, MigrationStack, PolicyStatement, ServiceRole } from '../core';
import { GlueBucketRef, GlueJobRoleProps, IGlueConnection } from './props';

/** ENI actions Glue performs with the job role when a job uses a connection (AWS cannot scope them). */
export const GLUE_VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcAttribute',
];

/**
 * The role Glue jobs run as: trusts glue.amazonaws.com for this account only, starts empty, and is given exactly
 * what its jobs use through the grant methods (no AWSGlueServiceRole: it grants S3 and more on `*`).
 * Grants are de-duplicated, so several jobs can share one role.
 */
export class GlueJobRole extends Construct implements IGrantable {
  readonly role: ServiceRole;
  /** The physical role name (a literal: Glue puts it in the names of encrypted log groups). */
  readonly roleName: string;
  /**
   * The role as Glue writes it into the names of the log groups of an encrypting security configuration: its path
   * without the leading `/`, then its name. With the default path `/` that is the name alone; with the stack's
   * `iam.rolePath` `/migration/` it is `migration/<name>`. Glue's own roles show the pattern: a crawler role at path
   * `/service-role/` logs to `/aws-glue/crawlers-role/service-role/<role>-<configuration>` (GetCrawler's
   * `LastCrawl.LogGroup`).
   */
  readonly logGroupRoleName: string;
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: GlueJobRoleProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.roleName = stack.naming.name(`${props.component}-glue`, 'iamRole');
    this.role = new ServiceRole(this, 'role', {
      name: this.roleName,
      servicePrincipal: 'glue.amazonaws.com',
      description: props.description ?? `Glue job role ${this.roleName}`,
    });
    this.logGroupRoleName = `${this.role.path.slice(1)}${this.roleName}`;
  }

  get grantPrincipal(): ServiceRole {
    return this.role;
  }

  get roleArn(): string {
    return this.role.arn;
  }

  /** Runs `grant` once per key for this role (several jobs granting the same thing add one statement). */
  once(key: string, grant: () => void): void {
    if (this.granted.has(key)) return;
    this.granted.add(key);
    grant();
  }

  /** Adds a statement once (keyed by its content). */
  addToPolicy(statement: PolicyStatement): void {
    this.once(`stmt:${JSON.stringify(statement)}`, () => this.role.addToPolicy(statement));
  }

  /** Read objects under `prefixes` (scripts, extra Python files, input data). */
  grantRead(bucket: GlueBucketRef, prefixes: readonly string[]): void {
    this.once(`read:${bucket.bucketArn}:${[...prefixes].sort().join(',')}`, () =>
      grantS3Read(this, bucket.bucketArn, prefixes, bucket.kmsKeyArn),
    );
  }

  /** Read and write objects under `prefixes` (staged data). Includes DeleteObject for Spark's overwrite mode. */
  grantReadWrite(bucket: GlueBucketRef, prefixes: readonly string[]): void {
    this.once(`rw:${bucket.bucketArn}:${[...prefixes].sort().join(',')}`, () => {
      grantS3Read(this, bucket.bucketArn, prefixes, bucket.kmsKeyArn);
      grantS3Write(this, bucket.bucketArn, prefixes, bucket.kmsKeyArn);
      this.role.addToPolicy({ actions: ['s3:DeleteObject'], resources: [...new Set(prefixes)].map((p) => `${bucket.bucketArn}/${p}*`) });
    });
  }

  /** glue:GetConnection (and the secret, for JDBC) plus the VPC network-interface actions Glue needs. */
  grantConnection(connection: IGlueConnection): void {
    // Keyed by name: the ARN is a token, and each read of a token attribute is a new string.
    this.once(`connection:${connection.connectionName}`, () => connection.grantUse(this));
    this.grantVpcAccess();
  }

  /** Network interfaces for jobs with connections. Tagging is scoped to ENIs and Glue's own tag key. */
  grantVpcAccess(): void {
    this.once('vpc', () => {
      const stack = MigrationStack.of(this);
      this.role.addToPolicy({ actions: GLUE_VPC_ACTIONS, resources: ['*'] });
      this.role.addToPolicy({
        actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
        resources: [`arn:${stack.partition}:ec2:${stack.region}:${stack.accountId}:network-interface/*`],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['aws-glue-service-resource'] } },
      });
    });
  }

  /**
   * Write to the given log groups (streams created by Glue). CreateLogGroup is included but scoped to these groups,
   * which exist already: Glue calls it before writing, and no group can appear without retention.
   */
  grantLogWrite(logGroupArns: readonly string[]): void {
    this.addToPolicy({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
    });
  }

  /** Job metrics (`--enable-metrics`): PutMetricData cannot be scoped, so it is pinned to the Glue namespace. */
  grantMetrics(): void {
    this.addToPolicy({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
    });
  }

  /**
   * The driver's stdout/stderr log groups Glue uses for this role under an encrypting security configuration
   * (`/aws-glue/jobs/<configuration>-role/<role path and name>/output|error`), created here with retention and the CMK so Glue
   * never creates them without retention. Created once per configuration.
   */
  ensureOutputLogGroups(securityConfigurationName: string, kmsKeyArn: string, retentionInDays: number): CloudwatchLogGroup[] {
    const id = `logs-${securityConfigurationName}`;
    const existing = ['output', 'error'].map((k) => this.node.tryFindChild(`${id}-${k}`) as CloudwatchLogGroup | undefined);
    if (existing.every((g) => g !== undefined)) return existing as CloudwatchLogGroup[];
    const groups = ['output', 'error'].map(
      (kind) =>
        new CloudwatchLogGroup(this, `${id}-${kind}`, {
          name: `/aws-glue/jobs/${securityConfigurationName}-role/${this.logGroupRoleName}/${kind}`,
          retentionInDays,
          kmsKeyId: kmsKeyArn,
        }),
    );
    this.grantLogWrite(groups.map((g) => g.arn));
    return groups;
  }
}
