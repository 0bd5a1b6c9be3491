import { Construct } from 'constructs';
import { DmsReplicationInstance as DmsReplicationInstanceResource } from '@cdktf/provider-aws/lib/dms-replication-instance';
import { DmsReplicationSubnetGroup } from '@cdktf/provider-aws/lib/dms-replication-subnet-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { DmsAccountRoles } from '../dms-account-roles';
import {
  check,
  checkCidr,
  checkRange,
  Connections,
  IConnectable,
  MigrationStack,
  NetworkRef,
  newKmsKey,
  PlanCondition,
  newSecurityGroup,
  requirePrivateSubnets,
  shortHash,
} from '../core';
import { compareEngineVersions } from './table-mappings';

/** Replication engines before this are end of life (3.5.2) or lack masking and PostgreSQL 17/18 targets. */
export const DEFAULT_ENGINE_VERSION = '3.5.4';
const MIN_ENGINE_VERSION = '3.5.3';

/**
 * engine_version with automatic minor upgrades on. terraform-provider-aws reads the running version into
 * `engine_version` and suppresses no difference (internal/service/dms/replication_instance.go: the schema has no
 * DiffSuppressFunc, Read does `d.Set(names.AttrEngineVersion, instance.EngineVersion)`), so once DMS upgrades 3.5.4 to a
 * newer minor, every plan would set 3.5.4 again: a downgrade, which DMS does not support ("Working with replication
 * engine versions", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.EngineVersions.html).
 * Automatic upgrades stay on (Security Hub DMS.6, AWS Config dms-auto-minor-version-upgrade-check), so Terraform
 * ignores engine_version after create, and a postcondition keeps `engineVersion` true as a floor: the running version
 * (refreshed state, which ignore_changes plans unchanged) must be at least the configured one.
 */
export function engineVersionLifecycle(path: string, engineVersion: string): { ignoreChanges: string[]; postcondition: PlanCondition[] } {
  // x.y.z as one number (x*10^6 + y*10^3 + z): OpenTofu/Terraform compare no version strings.
  const numeric = (v: string) => `sum([for i, p in split(".", ${v}) : tonumber(p) * pow(1000, 2 - i)])`;
  const floor = engineVersion.split('.').reduce((n, p, i) => n + Number(p) * 1000 ** (2 - i), 0);
  return {
    ignoreChanges: ['engine_version'],
    postcondition: [
      {
        condition: `\${${numeric('self.engine_version')} >= ${floor}}`,
        errorMessage: `${path}: engineVersion is ${engineVersion} but the replication instance runs \${self.engine_version}. Terraform leaves the engine version to DMS's automatic minor upgrades, so raise it with: aws dms modify-replication-instance --replication-instance-arn \${self.replication_instance_arn} --engine-version ${engineVersion} --apply-immediately (add --allow-major-version-upgrade across a major), then plan again.`,
      },
    ],
  };
}

/** What tasks and endpoints need from a replication instance, created here or adopted. */
export interface IDmsReplicationInstance extends IConnectable {
  readonly replicationInstanceArn: string;
  /** The instance identifier (the `ReplicationInstanceIdentifier` dimension of its CloudWatch metrics). */
  readonly replicationInstanceId: string;
  /** Engine version when known (masking needs >= 3.5.4); undefined for adopted instances unless given. */
  readonly engineVersion?: string;
  /** Adds an egress rule towards a server outside AWS (by IP), e.g. an on-premises SQL Server over the VPN. */
  allowEgressToCidr(cidr: string, port: number, description: string): void;
}

/** Subnet group + security group: where DMS compute (instance or serverless) runs. */
export class DmsPlacement extends Construct implements IConnectable {
  readonly subnetGroup: DmsReplicationSubnetGroup;
  readonly connections: Connections;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: { network: NetworkRef; component: string; accountRoles: DmsAccountRoles }) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    // Playbook: "make sure your DMS instance's subnet group has only private subnets in it" - checked at synth
    // (>= 2 AZs) and at plan (no subnet maps public IPs).
    const privateSubnetChecks = requirePrivateSubnets(this, props.network.privateSubnets, 2);
    this.subnetGroup = new DmsReplicationSubnetGroup(this, 'subnet-group', {
      replicationSubnetGroupId: stack.naming.name(props.component, 'dmsIdentifier'),
      replicationSubnetGroupDescription: `Private subnets of DMS ${stack.naming.name(props.component)}`,
      subnetIds: props.network.privateSubnets.map((s) => s.id),
      dependsOn: [props.accountRoles.dependable],
      lifecycle: { precondition: privateSubnetChecks },
    });
    const sg = newSecurityGroup(this, 'sg', {
      name: stack.naming.name(`${props.component}-dms`, 'securityGroup'),
      description: `DMS replication ${stack.naming.name(props.component)}: egress to sources and targets only`,
      vpcId: props.network.vpcId,
    });
    this.securityGroupId = sg.id;
    this.connections = new Connections(this, { securityGroupId: sg.id, description: `DMS ${stack.naming.name(props.component)}` });
    // Secrets Manager, S3, Kinesis and the DMS control plane are reached over HTTPS (VPC endpoints or NAT).
    this.connections.allowAwsApiEgress(props.network, `DMS ${stack.naming.name(props.component)} to AWS APIs (Secrets Manager, S3, Kinesis)`);
  }

  allowEgressToCidr(cidr: string, port: number, description: string): void {
    const id = `egress-${shortHash(`${cidr}:${port}`)}`;
    if (this.node.tryFindChild(id)) return;
    checkCidr(this, 'allowEgressToCidr cidr', cidr);
    new VpcSecurityGroupEgressRule(this, id, {
      securityGroupId: this.securityGroupId,
      cidrIpv4: cidr,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: description.slice(0, 255),
    });
  }
}

export interface DmsReplicationInstanceProps {
  /** Private subnets (>= 2 AZs) of the VPC that reaches the source (VPN / Direct Connect) and the target. */
  readonly network: NetworkRef;
  /** The account roles (created or adopted); the subnet group and instance wait for them. */
  readonly accountRoles: DmsAccountRoles;
  /** Component for physical names. @default 'dms' */
  readonly component?: string;
  /** @default 'dms.t3.medium' ('dms.r6i.large' is a common production size) */
  readonly instanceClass?: string;
  /** Storage for logs and cached changes, GiB (5-6144). @default 50 */
  readonly allocatedStorageGiB?: number;
  /**
   * Replication engine the instance is created with, and the floor it must run at least (full `x.y.z`, >= 3.5.3).
   * DMS applies minor upgrades itself (auto_minor_version_upgrade is on), so Terraform ignores later changes of the
   * running version; raising this above the running version fails the plan with the `aws dms
   * modify-replication-instance` command to run (README "Engine versions and automatic minor upgrades").
   * @default '3.5.4'
   */
  readonly engineVersion?: string;
  /** Standby in a second AZ. @default true in production, false otherwise (production refuses false) */
  readonly multiAz?: boolean;
  /** CMK encrypting storage and endpoint connection data. @default a key created here */
  readonly kmsKeyArn?: string;
  /** e.g. `sun:03:00-sun:04:00` (UTC). @default AWS-assigned */
  readonly preferredMaintenanceWindow?: string;
}

/**
 * A private, encrypted DMS replication instance with its own subnet group and security group.
 * Reuse an instance another stack created with `DmsReplicationInstance.fromExisting(...)`.
 */
export class DmsReplicationInstance extends Construct implements IDmsReplicationInstance {
  /** Adopts an existing instance (by ARN and identifier) and its security group. */
  static fromExisting(
    scope: Construct,
    id: string,
    attrs: { replicationInstanceArn: string; replicationInstanceId: string; securityGroupId: string; engineVersion?: string },
  ): IDmsReplicationInstance {
    return new ExistingReplicationInstance(scope, id, attrs);
  }

  readonly instance: DmsReplicationInstanceResource;
  readonly placement: DmsPlacement;
  readonly replicationInstanceArn: string;
  readonly replicationInstanceId: string;
  readonly engineVersion: string;
  readonly kmsKeyArn: string;
  readonly multiAz: boolean;

  constructor(scope: Construct, id: string, props: DmsReplicationInstanceProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'dms';
    checkRange(this, 'allocatedStorageGiB', props.allocatedStorageGiB, 5, 6144);
    this.engineVersion = props.engineVersion ?? DEFAULT_ENGINE_VERSION;
    check(
      /^\d+\.\d+\.\d+$/.test(this.engineVersion),
      this,
      `engineVersion "${this.engineVersion}" is not a full replication engine version; give all three parts, e.g. "${DEFAULT_ENGINE_VERSION}" (the plan compares it with the running version part by part).`,
    );
    check(
      compareEngineVersions(this.engineVersion, MIN_ENGINE_VERSION) >= 0,
      this,
      `engineVersion ${this.engineVersion} is end of life or lacks masking and PostgreSQL 17/18 targets; use ${DEFAULT_ENGINE_VERSION} or later.`,
    );
    const instanceClass = props.instanceClass ?? 'dms.t3.medium';
    check(/^dms\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceClass), this, `instanceClass "${instanceClass}" is not a DMS class like dms.t3.medium or dms.r6i.large.`);
    this.multiAz = props.multiAz ?? stack.production;
    check(
      !(stack.production && !this.multiAz),
      this,
      'multiAz is false in a production stack: a single-AZ replication instance stops the migration during maintenance or an AZ outage (DMS-MULTI-AZ). Remove multiAz: false.',
    );
    this.placement = new DmsPlacement(this, 'placement', { network: props.network, component, accountRoles: props.accountRoles });
    this.kmsKeyArn = props.kmsKeyArn ?? newKmsKey(this, 'key', `${component}-dms`, `DMS replication instance ${stack.naming.name(component)}`).arn;
    this.replicationInstanceId = stack.naming.name(component, 'dmsReplicationInstance');
    this.instance = new DmsReplicationInstanceResource(this, 'instance', {
      replicationInstanceId: this.replicationInstanceId,
      replicationInstanceClass: instanceClass,
      allocatedStorage: props.allocatedStorageGiB ?? 50,
      engineVersion: this.engineVersion,
      multiAz: this.multiAz,
      publiclyAccessible: false,
      kmsKeyArn: this.kmsKeyArn,
      replicationSubnetGroupId: this.placement.subnetGroup.replicationSubnetGroupId,
      vpcSecurityGroupIds: [this.placement.securityGroupId],
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      applyImmediately: !stack.production,
      preferredMaintenanceWindow: props.preferredMaintenanceWindow,
      dependsOn: [props.accountRoles.dependable],
      lifecycle: engineVersionLifecycle(this.node.path, this.engineVersion),
    });
    this.replicationInstanceArn = this.instance.replicationInstanceArn;
  }

  get connections(): Connections {
    return this.placement.connections;
  }

  allowEgressToCidr(cidr: string, port: number, description: string): void {
    this.placement.allowEgressToCidr(cidr, port, description);
  }
}

class ExistingReplicationInstance extends Construct implements IDmsReplicationInstance {
  readonly connections: Connections;
  readonly replicationInstanceArn: string;
  readonly replicationInstanceId: string;
  readonly engineVersion?: string;

  constructor(
    scope: Construct,
    id: string,
    attrs: { replicationInstanceArn: string; replicationInstanceId: string; securityGroupId: string; engineVersion?: string },
  ) {
    super(scope, id);
    this.replicationInstanceArn = attrs.replicationInstanceArn;
    this.replicationInstanceId = attrs.replicationInstanceId;
    this.engineVersion = attrs.engineVersion;
    this.connections = new Connections(this, { securityGroupId: attrs.securityGroupId, description: `DMS ${attrs.replicationInstanceId}` });
  }

  allowEgressToCidr(cidr: string, port: number, description: string): void {
    const id = `egress-${shortHash(`${cidr}:${port}`)}`;
    if (this.node.tryFindChild(id)) return;
    checkCidr(this, 'allowEgressToCidr cidr', cidr);
    new VpcSecurityGroupEgressRule(this, id, {
      securityGroupId: this.connections.securityGroupId,
      cidrIpv4: cidr,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: description.slice(0, 255),
    });
  }
}
