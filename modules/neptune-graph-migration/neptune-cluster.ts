import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { NeptuneCluster as NeptuneClusterResource } from '@cdktf/provider-aws/lib/neptune-cluster';
import { NeptuneClusterInstance } from '@cdktf/provider-aws/lib/neptune-cluster-instance';
import { NeptuneClusterParameterGroup } from '@cdktf/provider-aws/lib/neptune-cluster-parameter-group';
import { NeptuneParameterGroup } from '@cdktf/provider-aws/lib/neptune-parameter-group';
import { NeptuneSubnetGroup } from '@cdktf/provider-aws/lib/neptune-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import {
  check,
  checkRange,
  Connections,
  grantS3Read,
  IConnectable,
  IGrantable,
  isResolved,
  MigrationStack,
  newKmsKey,
  newSecurityGroup,
  requirePrivateSubnets,
  ServiceRole,
} from '../core';
import { NeptuneClusterProps } from './props';

/** Neptune data-plane actions (IAM database authentication). */
export type NeptuneDataAction =
  | 'neptune-db:ReadDataViaQuery'
  | 'neptune-db:WriteDataViaQuery'
  | 'neptune-db:DeleteDataViaQuery'
  | 'neptune-db:StartLoaderJob'
  | 'neptune-db:GetLoaderJobStatus'
  | 'neptune-db:ListLoaderJobs'
  | 'neptune-db:CancelLoaderJob';

const ENGINE_VERSION = /^1\.(\d+)\.\d+\.\d+$/;

/**
 * An encrypted Neptune cluster in private subnets: IAM database authentication, audit logs exported to a log
 * group created here with retention, backups, its own cluster and instance parameter groups, deletion protection
 * and a final snapshot in production, and a bulk-load role attached through the cluster's `iam_roles` (no custom
 * resource). Clients connect with `cluster.connections.allowDefaultPortFrom(x)` and `grantData(x, actions)`.
 */
export class NeptuneCluster extends Construct implements IConnectable {
  readonly cluster: NeptuneClusterResource;
  readonly instances: NeptuneClusterInstance[];
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  /** Role the loader assumes (trusts rds.amazonaws.com); grant it S3 with `grantLoadFrom`. */
  readonly loaderRole: ServiceRole;
  readonly auditLogGroup: CloudwatchLogGroup;
  readonly kmsKeyArn: string;
  readonly port: number;
  readonly engineVersion: string;
  readonly clusterIdentifier: string;
  /** The S3 gateway endpoint created for the loader, unless the network already had one. */
  readonly s3Endpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: NeptuneClusterProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'graph';
    this.engineVersion = props.engineVersion ?? '1.4.5.1';
    const match = ENGINE_VERSION.exec(this.engineVersion);
    check(
      match !== null && Number(match[1]) >= 3,
      this,
      `engineVersion "${this.engineVersion}" is not supported: use 1.3.0.0 or later (e.g. "1.4.5.1"); the upsert jobs need mergeV/mergeE with single cardinality.`,
    );
    const family = `neptune1.${match![1]}`;
    const instanceCount = props.instances ?? (stack.production ? 2 : 1);
    checkRange(this, 'instances', props.instances, 1, 16);
    checkRange(this, 'backupRetentionDays', props.backupRetentionDays, 7, 35, 'Backups are kept at least 7 days (NEPTUNE-BASELINE).');
    checkRange(this, 'port', props.port, 1150, 65535);
    checkRange(this, 'logRetentionDays', props.logRetentionDays, 1, 3653);
    if (stack.production) {
      check(props.deletionProtection !== false, this, 'deletionProtection cannot be turned off in production; remove the override or deploy as non-production.');
    }
    const instanceClass = props.instanceClass ?? 'db.r6g.large';
    if (isResolved(instanceClass)) {
      check(/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass) || instanceClass === 'db.serverless', this, `instanceClass "${instanceClass}" is not a Neptune instance class such as db.r6g.large.`);
    }
    const privateSubnetChecks = requirePrivateSubnets(this, props.network.privateSubnets, 2);

    this.port = props.port ?? 8182;
    this.clusterIdentifier = stack.naming.name(component, 'neptune');
    this.kmsKeyArn = props.kmsKeyArn ?? newKmsKey(this, 'kms', `${component}-neptune`, `Neptune storage ${this.clusterIdentifier}`).arn;

    this.securityGroup = newSecurityGroup(this, 'sg', {
      name: stack.naming.name(`${component}-neptune`, 'securityGroup'),
      description: `Neptune cluster ${this.clusterIdentifier}; clients admitted by security group on ${this.port}`,
      vpcId: props.network.vpcId,
    });
    this.connections = new Connections(this, {
      securityGroupId: this.securityGroup.id,
      defaultPort: this.port,
      description: `Neptune ${this.clusterIdentifier}`,
    });

    const subnetGroup = new NeptuneSubnetGroup(this, 'subnets', {
      name: stack.naming.name(component, 'neptune'),
      description: `Private subnets of Neptune ${this.clusterIdentifier}`,
      subnetIds: props.network.privateSubnets.map((s) => s.id),
      lifecycle: { precondition: privateSubnetChecks },
    });
    const clusterParams = new NeptuneClusterParameterGroup(this, 'cluster-params', {
      namePrefix: `${stack.naming.name(`${component}-cluster`, 'neptune').slice(0, 40).replace(/-+$/, '')}-`,
      family,
      description: `Neptune ${this.clusterIdentifier}: audit log on`,
      parameter: [{ name: 'neptune_enable_audit_log', value: '1', applyMethod: 'pending-reboot' }],
      lifecycle: { createBeforeDestroy: true },
    });
    const instanceParams = new NeptuneParameterGroup(this, 'instance-params', {
      namePrefix: `${stack.naming.name(`${component}-instance`, 'neptune').slice(0, 40).replace(/-+$/, '')}-`,
      family,
      description: `Neptune ${this.clusterIdentifier} instances`,
      parameter: [{ name: 'neptune_query_timeout', value: '120000', applyMethod: 'pending-reboot' }],
      lifecycle: { createBeforeDestroy: true },
    });

    // Neptune writes audit logs to this group; created here so it has retention.
    this.auditLogGroup = new CloudwatchLogGroup(this, 'audit-logs', {
      name: `/aws/neptune/${this.clusterIdentifier}/audit`,
      retentionInDays: props.logRetentionDays ?? (stack.production ? 365 : 30),
    });

    this.loaderRole = new ServiceRole(this, 'loader-role', {
      name: stack.naming.name(`${component}-neptune-loader`, 'iamRole'),
      servicePrincipal: 'rds.amazonaws.com',
      description: `Neptune ${this.clusterIdentifier} bulk loader: reads the export prefixes in S3`,
    });

    if (!props.network.s3GatewayEndpointId) {
      const routeTables = props.network.privateRouteTableIds ?? [];
      check(
        routeTables.length > 0,
        this,
        'the Neptune loader reads S3 through a gateway endpoint: pass network.privateRouteTableIds (one is created on them) or network.s3GatewayEndpointId (an existing one).',
      );
      this.s3Endpoint = new VpcEndpoint(this, 's3-gateway', {
        vpcId: props.network.vpcId,
        serviceName: `com.amazonaws.${stack.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...routeTables],
        tags: { Name: stack.naming.name(`${component}-s3-gateway`) },
      });
    }

    const production = stack.production;
    this.cluster = new NeptuneClusterResource(this, 'cluster', {
      clusterIdentifier: this.clusterIdentifier,
      engine: 'neptune',
      engineVersion: this.engineVersion,
      port: this.port,
      storageEncrypted: true,
      kmsKeyArn: this.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      iamRoles: [this.loaderRole.arn],
      backupRetentionPeriod: props.backupRetentionDays ?? (production ? 35 : 7),
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:04:00-sun:05:00',
      enableCloudwatchLogsExports: ['audit'],
      neptuneClusterParameterGroupName: clusterParams.name,
      neptuneSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      deletionProtection: props.deletionProtection ?? production,
      skipFinalSnapshot: !production,
      finalSnapshotIdentifier: production ? `${this.clusterIdentifier}-final` : undefined,
      copyTagsToSnapshot: true,
      applyImmediately: !production,
      dependsOn: [this.auditLogGroup],
    });

    this.instances = [];
    for (let i = 0; i < instanceCount; i++) {
      this.instances.push(
        new NeptuneClusterInstance(this, `instance-${i}`, {
          identifier: stack.naming.name(`${component}-${i + 1}`, 'neptune'),
          clusterIdentifier: this.cluster.id,
          engine: 'neptune',
          instanceClass,
          neptuneParameterGroupName: instanceParams.name,
          neptuneSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          promotionTier: i,
          applyImmediately: !production,
        }),
      );
    }
  }

  /** Writer endpoint host name. */
  get endpoint(): string {
    return this.cluster.endpoint;
  }

  /** Reader endpoint host name. */
  get readerEndpoint(): string {
    return this.cluster.readerEndpoint;
  }

  /** The cluster's resource id, used in `neptune-db` IAM resources. */
  get clusterResourceId(): string {
    return this.cluster.clusterResourceId;
  }

  /** Data-plane access with IAM database authentication (SigV4), e.g. loader or query actions. */
  grantData(grantee: IGrantable, actions: readonly NeptuneDataAction[]): void {
    const stack = MigrationStack.of(this);
    grantee.grantPrincipal.addToPolicy({
      actions: [...actions],
      resources: [`arn:${stack.partition}:neptune-db:${stack.region}:${stack.accountId}:${this.clusterResourceId}/*`],
    });
  }

  /** Lets the bulk loader read `prefixes` of a bucket (and decrypt with its CMK). */
  grantLoadFrom(bucketArn: string, prefixes: readonly string[], kmsKeyArn?: string): void {
    grantS3Read(this.loaderRole, bucketArn, prefixes, kmsKeyArn);
  }
}
