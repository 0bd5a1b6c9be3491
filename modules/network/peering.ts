import { Construct } from 'constructs';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { Route } from '@cdktf/provider-aws/lib/route';
import { VpcPeeringConnection } from '@cdktf/provider-aws/lib/vpc-peering-connection';
import { VpcPeeringConnectionOptions } from '@cdktf/provider-aws/lib/vpc-peering-connection-options';
import { check, Connections, isResolved, MigrationStack, NetworkRef } from '../core';

/** The VPC on the other side of the peering, e.g. the one the source database lives in. */
export interface PeerVpc {
  /** e.g. `vpc-0a1b2c3d4e5f60009`; same account and region as the stack. */
  readonly vpcId: string;
  /** The peer VPC's CIDR, routed from this network's route tables, e.g. `10.50.0.0/16`. */
  readonly cidr: string;
  /** Route tables of the peer subnets that must answer (the database's subnets); each gets a route back. */
  readonly routeTableIds: readonly string[];
}

export interface VpcPeeringProps {
  /** The network the modules are placed in; needs `privateRouteTableIds`. */
  readonly network: NetworkRef;
  readonly peer: PeerVpc;
  /**
   * This network's CIDR, routed from the peer's route tables.
   * @default looked up (`data aws_vpc`)
   */
  readonly cidr?: string;
}

/**
 * VPC peering to another VPC of the same account and region (typically the source database's), with routes both
 * ways and DNS resolution across it, so the source's RDS hostname resolves to its private address. Rules on a
 * security group in the peer VPC go through `peerConnections`, so they wait for the peering to be active.
 *
 * Cross-account or cross-region peering needs the accepter side applied in the other account, and cannot reference
 * security groups across regions: not covered here (see modules/network/README.md).
 */
export class VpcPeering extends Construct {
  readonly connection: VpcPeeringConnection;
  readonly options: VpcPeeringConnectionOptions;
  readonly routes: Route[] = [];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const localTables = props.network.privateRouteTableIds ?? [];
    check(
      localTables.length > 0,
      this,
      'network.privateRouteTableIds is empty: the peering needs the route tables of the private subnets to add the route to the peer. Pass them in the NetworkRef (PrivateNetwork and ExistingNetwork do).',
    );
    check(props.peer.routeTableIds.length > 0, this, 'peer.routeTableIds is empty: pass the route tables of the peer subnets that must answer (the database subnets).');
    for (const [prop, cidr] of [['peer.cidr', props.peer.cidr], ['cidr', props.cidr]] as const) {
      check(cidr === undefined || !isResolved(cidr) || parseCidr(cidr) !== undefined, this, `${prop} must be an IPv4 CIDR like 10.50.0.0/16; got "${cidr}".`);
    }
    if (props.cidr && isResolved(props.cidr) && isResolved(props.peer.cidr)) {
      // "Ensure that the VPCs do not have overlapping IPv4 CIDR blocks. If they overlap, the status of the VPC peering
      // connection immediately goes to failed." (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html)
      check(!overlaps(props.cidr, props.peer.cidr), this, `cidr ${props.cidr} overlaps peer.cidr ${props.peer.cidr}; VPC peering needs address ranges that do not overlap.`);
    }
    const localCidr = props.cidr ?? new DataAwsVpc(this, 'local-vpc', { id: props.network.vpcId }).cidrBlock;

    // Checked at plan on the peer VPC: the CIDR routed to is its own, and DNS resolution across the peering can work.
    const peerVpc = new DataAwsVpc(this, 'peer-vpc', { id: props.peer.vpcId });
    const peerAttr = (a: string) => `data.aws_vpc.${peerVpc.friendlyUniqueId}.${a}`;
    this.connection = new VpcPeeringConnection(this, 'connection', {
      vpcId: props.network.vpcId,
      peerVpcId: peerVpc.id,
      lifecycle: {
        precondition: [
          {
            condition: `\${${peerAttr('cidr_block')} == "${props.peer.cidr}"}`,
            errorMessage: `${this.node.path}: peer.cidr is ${props.peer.cidr} but ${props.peer.vpcId} has \${${peerAttr('cidr_block')}}; routes to the wrong range would not reach the source. Pass the peer VPC's CIDR.`,
          },
          {
            condition: `\${${peerAttr('enable_dns_support')} && ${peerAttr('enable_dns_hostnames')}}`,
            errorMessage: `${this.node.path}: DNS resolution across the peering needs enableDnsSupport and enableDnsHostnames on ${props.peer.vpcId} (the source's RDS hostname would resolve to its public address); turn both on.`,
          },
        ],
      },
      // Same account and region: this side may accept its own request.
      autoAccept: true,
      tags: { Name: stack.naming.name('peering') },
    });
    // Both VPCs must have DNS hostnames and resolution on; the options can only be set on an active peering
    // (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html).
    this.options = new VpcPeeringConnectionOptions(this, 'dns', {
      vpcPeeringConnectionId: this.connection.id,
      requester: { allowRemoteVpcDnsResolution: true },
      accepter: { allowRemoteVpcDnsResolution: true },
    });
    localTables.forEach((routeTableId, i) =>
      this.routes.push(
        new Route(this, `to-peer-${i}`, { routeTableId, destinationCidrBlock: props.peer.cidr, vpcPeeringConnectionId: this.connection.id }),
      ),
    );
    props.peer.routeTableIds.forEach((routeTableId, i) =>
      this.routes.push(new Route(this, `from-peer-${i}`, { routeTableId, destinationCidrBlock: localCidr, vpcPeeringConnectionId: this.connection.id })),
    );
  }

  /**
   * Connections for a security group in the peer VPC (e.g. the source database's): rules between it and modules'
   * groups reference it by id, which AWS allows only while the peering is active and in the same region
   * (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html), so they wait for the peering,
   * its DNS options and the routes.
   */
  peerConnections(securityGroupId: string, defaultPort: number, description: string): Connections {
    return new Connections(this, { securityGroupId, defaultPort, description, dependsOn: [this.connection, this.options, ...this.routes] });
  }
}

function parseCidr(cidr: string): { start: number; size: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  return { start: Math.floor(address / size) * size, size };
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a)!;
  const y = parseCidr(b)!;
  return x.start < y.start + y.size && y.start < x.start + x.size;
}
