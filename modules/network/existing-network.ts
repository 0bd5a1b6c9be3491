import { Construct } from 'constructs';
import { DataAwsRouteTable } from '@cdktf/provider-aws/lib/data-aws-route-table';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { DataAwsVpcEndpoint } from '@cdktf/provider-aws/lib/data-aws-vpc-endpoint';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import {
  AwsApiAccess,
  check,
  INTERFACE_ENDPOINT_SERVICES,
  InterfaceEndpointService,
  isResolved,
  MigrationStack,
  NetworkRef,
  newSecurityGroup,
  PlanCondition,
  requireZonesInRegion,
  SubnetRef,
} from '../core';

export interface ExistingNetworkProps {
  /** The VPC, e.g. `vpc-0a1b2c3d4e5f60001`. */
  readonly vpcId: string;
  /** Private subnets, one per availability zone of the stack's region, at least two, each with its zone. */
  readonly privateSubnets: readonly SubnetRef[];
  /**
   * Route tables of `privateSubnets`, in the same order.
   * @default looked up per subnet (`data aws_route_table` by `subnet_id`, which needs an explicit association;
   * pass the ids when the subnets use the VPC's main route table)
   */
  readonly privateRouteTableIds?: readonly string[];
  /**
   * How the subnets reach AWS APIs on 443; checked at plan.
   * - `nat`: every subnet's route table has a `0.0.0.0/0` route to a NAT gateway or a transit gateway.
   *   Modules keep `0.0.0.0/0:443` egress.
   * - `vpc-endpoints`: only through interface endpoints (`interfaceEndpoints` that exist, `createEndpoints` that this
   *   construct creates) and the S3 gateway endpoint. Modules' egress is scoped to those.
   */
  readonly awsApiAccess: AwsApiAccess;
  /**
   * Interface endpoints the VPC already has, behind `apiEndpointsSecurityGroupId`. Each is looked up at plan: a
   * missing one fails the plan (`no matching EC2 VPC Endpoint found`, on `data.aws_vpc_endpoint.<...>_existing-<service>`),
   * as does one without private DNS or outside that security group.
   * @default []
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /**
   * Security group of the existing interface endpoints; modules admit their consumers to it on 443. Endpoints from
   * `createEndpoints` join it too.
   * @default a new security group, when `createEndpoints` is set
   */
  readonly apiEndpointsSecurityGroupId?: string;
  /**
   * Interface endpoints to create in this VPC, with private DNS on, one network interface in each of `privateSubnets`,
   * behind `apiEndpointsSecurityGroupId` (or a new group) that admits each module's security group on 443.
   * @default []
   */
  readonly createEndpoints?: readonly InterfaceEndpointService[];
  /**
   * Creates the S3 gateway endpoint on the subnets' route tables. When false and `awsApiAccess` is `vpc-endpoints`,
   * the plan checks that every route table already has a route to S3's prefix list.
   * @default false
   */
  readonly createS3GatewayEndpoint?: boolean;
}

/**
 * Adopts a VPC the fork already has, for modules to be placed in: checks at plan what the modules need from it (a
 * NAT route, or the S3 gateway and interface endpoints, private DNS, subnets in the VPC and zones given) and creates
 * the missing endpoints on request. Pass `ref` to modules as you would `PrivateNetwork.ref`.
 *
 * The checks are preconditions on the VPC lookup whose id every module uses, so a missing endpoint fails the plan
 * before anything is created instead of surfacing as a Lambda timeout after apply.
 */
export class ExistingNetwork extends Construct {
  readonly ref: NetworkRef;
  /** The VPC lookup carrying the plan-time checks. */
  readonly vpc: DataAwsVpc;
  /** Endpoints created on request, by service. */
  readonly createdEndpoints: Record<string, VpcEndpoint> = {};
  readonly s3Endpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const existing = props.interfaceEndpoints ?? [];
    const create = props.createEndpoints ?? [];
    const subnets = props.privateSubnets;

    check(subnets.length >= 2, this, `privateSubnets must list at least 2 subnets in 2 availability zones; got ${subnets.length}.`);
    subnets.forEach((s, i) =>
      check(s.availabilityZone !== undefined, this, `privateSubnets[${i}] (${s.id}) needs its availabilityZone, e.g. { id: '${s.id}', availabilityZone: '${stack.region}a' }.`),
    );
    requireZonesInRegion(this, subnets.map((s, i) => [`privateSubnets[${i}].availabilityZone`, s.availabilityZone] as const));
    for (const [prop, list] of [['interfaceEndpoints', existing], ['createEndpoints', create]] as const) {
      for (const service of list) {
        check(
          INTERFACE_ENDPOINT_SERVICES.includes(service),
          this,
          `${prop}: "${service}" is not one of ${INTERFACE_ENDPOINT_SERVICES.join(', ')} (S3 uses a gateway endpoint: createS3GatewayEndpoint).`,
        );
      }
    }
    const both = create.filter((s) => existing.includes(s));
    check(both.length === 0, this, `${both.join(', ')} is in both interfaceEndpoints (exists) and createEndpoints (to create); keep it in one.`);
    check(
      existing.length === 0 || props.apiEndpointsSecurityGroupId !== undefined,
      this,
      `interfaceEndpoints (${existing.join(', ')}) needs apiEndpointsSecurityGroupId, the endpoints' security group, so modules can be admitted to them on 443.`,
    );
    if (create.length) {
      const zones = subnets.map((s) => s.availabilityZone);
      check(
        zones.some((z) => !isResolved(z)) || new Set(zones).size === zones.length,
        this,
        `createEndpoints places one endpoint interface in each of privateSubnets, and an endpoint takes one subnet per availability zone; got zones ${zones.join(', ')}. Pass one subnet per zone.`,
      );
    }
    if (props.privateRouteTableIds) {
      check(
        props.privateRouteTableIds.length === subnets.length,
        this,
        `privateRouteTableIds must give one route table per subnet of privateSubnets (${subnets.length}); got ${props.privateRouteTableIds.length}.`,
      );
    }

    const conditions: PlanCondition[] = [];
    const data = (kind: string, lookup: { friendlyUniqueId: string }, attr: string) => `data.${kind}.${lookup.friendlyUniqueId}.${attr}`;

    // Subnets: in this VPC, in the zone given.
    subnets.forEach((s, i) => {
      const subnet = new DataAwsSubnet(this, `subnet-${i}`, { id: s.id });
      conditions.push({
        condition: `\${${data('aws_subnet', subnet, 'vpc_id')} == "${props.vpcId}" && ${data('aws_subnet', subnet, 'availability_zone')} == "${s.availabilityZone}"}`,
        errorMessage: `${this.node.path}: privateSubnets[${i}] ${s.id} must be in ${props.vpcId} and ${s.availabilityZone}; it is in \${${data('aws_subnet', subnet, 'vpc_id')}}, \${${data('aws_subnet', subnet, 'availability_zone')}}. Fix vpcId or the subnet's availabilityZone.`,
      });
    });

    // Route tables of the subnets: where NAT routes are checked and the S3 gateway endpoint goes.
    const routeTables = subnets.map(
      (s, i) =>
        new DataAwsRouteTable(this, `route-table-${i}`, props.privateRouteTableIds ? { routeTableId: props.privateRouteTableIds[i] } : { subnetId: s.id }),
    );
    const routes = (rt: DataAwsRouteTable) => data('aws_route_table', rt, 'routes');
    if (props.awsApiAccess === 'nat') {
      // A NAT gateway, or a transit gateway to a central egress VPC (a 0.0.0.0/0 route to an internet gateway would
      // make the subnet public, which modules reject).
      routeTables.forEach((rt, i) =>
        conditions.push({
          condition: `\${anytrue([for r in ${routes(rt)} : r.cidr_block == "0.0.0.0/0" && (coalesce(r.nat_gateway_id, "-") != "-" || coalesce(r.transit_gateway_id, "-") != "-")])}`,
          errorMessage: `${this.node.path}: awsApiAccess is 'nat' but route table \${${data('aws_route_table', rt, 'route_table_id')}} of ${subnets[i].id} has no 0.0.0.0/0 route to a NAT or transit gateway, so Lambdas, DMS and Glue there cannot reach AWS APIs. Add the route, or use awsApiAccess: 'vpc-endpoints' with createEndpoints and createS3GatewayEndpoint.`,
        }),
      );
    }
    // With 'vpc-endpoints' and no gateway endpoint to create, the VPC's S3 gateway endpoint must be on every route
    // table. Looked up as an endpoint, not in the route tables: data aws_route_table leaves gateway-endpoint routes
    // out of `routes` (the real provider does; test/network-plan shows it). A VPC without one fails the lookup.
    let existingS3: DataAwsVpcEndpoint | undefined;
    if (props.awsApiAccess === 'vpc-endpoints' && !props.createS3GatewayEndpoint) {
      const s3 = new DataAwsVpcEndpoint(this, 'existing-s3-gateway', {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${stack.region}.s3`,
        filter: [{ name: 'vpc-endpoint-type', values: ['Gateway'] }],
      });
      existingS3 = s3;
      routeTables.forEach((rt, i) =>
        conditions.push({
          condition: `\${contains(${data('aws_vpc_endpoint', s3, 'route_table_ids')}, ${data('aws_route_table', rt, 'route_table_id')})}`,
          errorMessage: `${this.node.path}: route table \${${data('aws_route_table', rt, 'route_table_id')}} of ${subnets[i].id} has no route to the S3 gateway endpoint \${${data('aws_vpc_endpoint', s3, 'id')}}, and awsApiAccess is 'vpc-endpoints' (no NAT). Set createS3GatewayEndpoint: true, or attach the VPC's S3 gateway endpoint to this route table.`,
        }),
      );
    }

    // Existing interface endpoints: present (the lookup fails otherwise), available, private DNS on, in the group.
    for (const service of existing) {
      const endpoint = new DataAwsVpcEndpoint(this, `existing-${service}`, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${stack.region}.${service}`,
      });
      const attr = (a: string) => data('aws_vpc_endpoint', endpoint, a);
      conditions.push({
        condition: `\${${attr('state')} == "available" && ${attr('private_dns_enabled')} && contains(${attr('security_group_ids')}, "${props.apiEndpointsSecurityGroupId}")}`,
        errorMessage: `${this.node.path}: the ${service} endpoint \${${attr('id')}} (interfaceEndpoints) must be available, with private DNS on, in security group ${props.apiEndpointsSecurityGroupId} (apiEndpointsSecurityGroupId); it is \${${attr('state')}}, private DNS \${${attr('private_dns_enabled')}}, groups \${join(", ", ${attr('security_group_ids')})}. Fix the endpoint, or drop it from interfaceEndpoints and add "${service}" to createEndpoints.`,
      });
    }

    // Private DNS of interface endpoints needs both VPC DNS attributes ("private dns enabled", EC2 CreateVpcEndpoint:
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html).
    const postcondition: PlanCondition[] = [];
    if (existing.length || create.length) {
      postcondition.push({
        condition: '${self.enable_dns_support && self.enable_dns_hostnames}',
        errorMessage: `${this.node.path}: interface endpoints with private DNS need enableDnsSupport and enableDnsHostnames on ${props.vpcId}; turn both on (aws ec2 modify-vpc-attribute).`,
      });
    }
    this.vpc = new DataAwsVpc(this, 'vpc', {
      id: props.vpcId,
      lifecycle: {
        ...(conditions.length ? { precondition: conditions } : {}),
        ...(postcondition.length ? { postcondition } : {}),
      },
    });

    let endpointsSecurityGroupId = props.apiEndpointsSecurityGroupId;
    if (create.length) {
      if (!endpointsSecurityGroupId) {
        endpointsSecurityGroupId = newSecurityGroup(this, 'endpoints-sg', {
          name: stack.naming.name('aws-api-endpoints', 'securityGroup'),
          description: 'Interface endpoints for AWS APIs; clients are admitted by security group',
          vpcId: this.vpc.id,
        }).id;
      }
      for (const service of create) {
        this.createdEndpoints[service] = new VpcEndpoint(this, `endpoint-${service}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${stack.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: subnets.map((s) => s.id),
          securityGroupIds: [endpointsSecurityGroupId],
          tags: { Name: stack.naming.name(`${service}-endpoint`) },
        });
      }
    }
    const routeTableIds = routeTables.map((rt) => rt.routeTableId);
    if (props.createS3GatewayEndpoint) {
      this.s3Endpoint = new VpcEndpoint(this, 's3-gateway', {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${stack.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds,
        tags: { Name: stack.naming.name('s3-gateway') },
      });
    }

    this.ref = {
      vpcId: this.vpc.id,
      privateSubnets: subnets,
      privateRouteTableIds: routeTableIds,
      // Modules that would add an S3 gateway endpoint of their own (Neptune, Postgres s3Import) skip it when the
      // VPC has one: created here, or checked at plan with 'vpc-endpoints'.
      ...(this.s3Endpoint || existingS3 ? { s3GatewayEndpointId: (this.s3Endpoint ?? existingS3)!.id } : {}),
      apiEndpointsSecurityGroupId: endpointsSecurityGroupId,
      awsApiAccess: props.awsApiAccess,
      interfaceEndpoints: [...existing, ...create],
      ...(this.s3Endpoint || existingS3 ? { s3PrefixListId: (this.s3Endpoint ?? existingS3)!.prefixListId } : {}),
    };
  }
}
