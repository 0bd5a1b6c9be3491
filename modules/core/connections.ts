import { Construct } from 'constructs';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import type { TerraformResource } from './cdktf';
import { shortHash } from './naming';
import { check } from './errors';
import { awsApiAccess, NetworkRef, PlanCondition, s3PrefixListId } from './network';

/** Anything with a security group that other things connect to or from. */
export interface IConnectable {
  readonly connections: Connections;
}

export interface ConnectionsProps {
  /** The security group whose rules this object manages. */
  readonly securityGroupId: string;
  /** The port clients use (e.g. 5432 for Postgres). */
  readonly defaultPort?: number;
  /** Readable name used in rule descriptions, e.g. "postgres billing-prod-db". */
  readonly description: string;
  /**
   * Resources every rule that references this group waits for, e.g. the VPC peering that makes a group in another
   * VPC referenceable (`VpcPeering.peerConnections`).
   */
  readonly dependsOn?: readonly TerraformResource[];
}

/**
 * Security-group rules between modules, written as separate rule resources that reference groups, never CIDRs.
 * `db.connections.allowDefaultPortFrom(lambda)` adds ingress on the database group and egress on the Lambda's.
 */
export class Connections {
  constructor(
    private readonly scope: Construct,
    readonly props: ConnectionsProps,
  ) {}

  get securityGroupId(): string {
    return this.props.securityGroupId;
  }

  get defaultPort(): number | undefined {
    return this.props.defaultPort;
  }

  /** Admits `peer` on the default port. `purpose` (what the connection is for) follows the from/to in the rules' description. */
  allowDefaultPortFrom(peer: IConnectable, purpose?: string): void {
    if (this.props.defaultPort === undefined) {
      throw new Error(`${this.scope.node.path}: has no default port; use allowFrom(peer, port)`);
    }
    this.allowFrom(peer, this.props.defaultPort, purpose);
  }

  /**
   * Admits `peer` on `port` (TCP): ingress here, egress on the peer. Idempotent per peer and port.
   * Both rules carry the same description, which says who connects to whom, the peer always first:
   * `From Lambda billing-prod-loader to PostgreSQL billing-prod-db: loads CSV files` (the ingress on the database's
   * group and the egress on the Lambda's read alike). `purpose` says what for; it is not a peer's name.
   */
  allowFrom(peer: IConnectable, port: number, purpose?: string): void {
    const id = `allow-${shortHash(`${peer.connections.scope.node.path}:${port}`)}`;
    if (this.scope.node.tryFindChild(id)) return;
    const description = connectionDescription(peer.connections.props.description, this.props.description, purpose);
    const waitFor = [...(this.props.dependsOn ?? []), ...(peer.connections.props.dependsOn ?? [])];
    const dependsOn = waitFor.length ? { dependsOn: waitFor } : {};
    new VpcSecurityGroupIngressRule(this.scope, id, {
      ...dependsOn,
      securityGroupId: this.props.securityGroupId,
      referencedSecurityGroupId: peer.connections.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description,
    });
    new VpcSecurityGroupEgressRule(peer.connections.scope, `${id}-egress-${shortHash(this.scope.node.path)}`, {
      ...dependsOn,
      securityGroupId: peer.connections.securityGroupId,
      referencedSecurityGroupId: this.props.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description,
    });
  }

  /** Admits members of this group to each other on every port (Glue and DMS need a self-referencing rule). */
  allowInternally(reason: string): void {
    if (this.scope.node.tryFindChild('allow-self')) return;
    new VpcSecurityGroupIngressRule(this.scope, 'allow-self', {
      securityGroupId: this.props.securityGroupId,
      referencedSecurityGroupId: this.props.securityGroupId,
      ipProtocol: '-1',
      description: reason,
    });
    new VpcSecurityGroupEgressRule(this.scope, 'allow-self-egress', {
      securityGroupId: this.props.securityGroupId,
      referencedSecurityGroupId: this.props.securityGroupId,
      ipProtocol: '-1',
      description: reason,
    });
  }

  /**
   * Egress on `port` (TCP) to a managed prefix list, e.g. S3 through a gateway endpoint (`aws_vpc_endpoint.prefix_list_id`).
   * Egress only. Idempotent per id.
   */
  allowEgressToPrefixList(id: string, prefixListId: string, port: number, reason: string): VpcSecurityGroupEgressRule {
    const existing = this.scope.node.tryFindChild(id);
    if (existing) return existing as VpcSecurityGroupEgressRule;
    return new VpcSecurityGroupEgressRule(this.scope, id, {
      securityGroupId: this.props.securityGroupId,
      prefixListId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: reason.slice(0, 255),
    });
  }

  /**
   * HTTPS egress to the AWS APIs of `network`, as narrow as the network allows (`network.awsApiAccess`):
   * - `vpc-endpoints`: 443 to the interface endpoints' security group (ingress there, egress here, by reference)
   *   and to S3's prefix list (the gateway endpoint). No `0.0.0.0/0`.
   * - `nat`: `0.0.0.0/0:443`, because public AWS endpoints have no fixed address set; the rule's description says
   *   so. If the network also has an endpoints security group, this group is admitted to it as well.
   * `purpose` names the caller and what it calls, e.g. `DMS to Secrets Manager, S3, Kinesis`. Idempotent.
   */
  allowAwsApiEgress(network: NetworkRef, purpose: string): void {
    const access = awsApiAccess(network);
    const endpointsSg = network.apiEndpointsSecurityGroupId;
    // With `vpc-endpoints` and no interface endpoints, S3 (gateway endpoint) is all the subnets can reach.
    check(
      endpointsSg !== undefined || !network.interfaceEndpoints?.length,
      this.scope,
      `network.interfaceEndpoints lists ${network.interfaceEndpoints?.join(', ')} but network.apiEndpointsSecurityGroupId is not set: pass the endpoints' security group, so consumers can be admitted to them.`,
    );
    if (endpointsSg) {
      new Connections(this.scope, { securityGroupId: endpointsSg, defaultPort: 443, description: 'AWS API endpoints' }).allowDefaultPortFrom(
        { connections: this },
        `${purpose} (interface endpoints)`,
      );
    }
    if (access === 'vpc-endpoints') {
      this.allowEgressToPrefixList('allow-https-egress-s3', s3PrefixListId(this.scope, network), 443, `${purpose}: HTTPS to S3 through the gateway endpoint`);
    } else {
      this.allowHttpsEgress(`${purpose}: HTTPS to AWS APIs through the VPC's NAT gateway (public AWS endpoints have no fixed addresses a rule could name)`);
    }
  }

  /**
   * `0.0.0.0/0:443` egress. Prefer `allowAwsApiEgress(network, purpose)`, which writes this only when the network
   * reaches AWS APIs through a NAT gateway. Egress only; never ingress.
   */
  allowHttpsEgress(reason = 'HTTPS to AWS APIs through a NAT gateway'): void {
    if (this.scope.node.tryFindChild('allow-https-egress')) return;
    new VpcSecurityGroupEgressRule(this.scope, 'allow-https-egress', {
      securityGroupId: this.props.securityGroupId,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: reason.slice(0, 255),
    });
  }
}

/** `From <client> to <server>[: <purpose>]`, cut to the 255 characters a security-group rule description allows. */
export function connectionDescription(from: string, to: string, purpose?: string): string {
  return `From ${from} to ${to}${purpose ? `: ${purpose}` : ''}`.slice(0, 255);
}

import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';

export interface SecurityGroupProps {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  /** Plan-time checks on the group, e.g. `requirePrivateSubnets`'s for the subnets its members are placed in. */
  readonly preconditions?: readonly PlanCondition[];
}

/**
 * A security group with no inline rules (rules are separate resources written by `Connections`), so no CIDR
 * ingress exists unless a caller writes one. Terraform removes AWS's default allow-all egress.
 */
export function newSecurityGroup(scope: Construct, id: string, props: SecurityGroupProps): SecurityGroup {
  return new SecurityGroup(scope, id, {
    name: props.name,
    description: props.description,
    vpcId: props.vpcId,
    revokeRulesOnDelete: true,
    tags: { Name: props.name },
    ...(props.preconditions?.length ? { lifecycle: { precondition: [...props.preconditions] } } : {}),
  });
}
