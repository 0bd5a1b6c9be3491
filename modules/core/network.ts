import { Construct } from 'constructs';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsPrefixList } from '@cdktf/provider-aws/lib/data-aws-prefix-list';
import { check, isResolved } from './errors';
import { MigrationStack } from './stack';

/**
 * AWS services the kit's Lambdas, DMS and Glue reach over HTTPS, by the name of their interface endpoint
 * (`com.amazonaws.<region>.<name>`), as listed in "AWS services that integrate with AWS PrivateLink"
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html). S3 is not here: it is
 * reached through a gateway endpoint (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
 */
export type InterfaceEndpointService =
  | 'secretsmanager'
  | 'kms'
  | 'logs'
  | 'sts'
  | 'sqs'
  | 'sns'
  | 'kinesis-streams'
  | 'monitoring'
  | 'glue'
  | 'rds'
  | 'dms'
  | 'states'
  | 'events'
  | 'lambda'
  | 'ssm'
  | 'xray';

/** Every `InterfaceEndpointService`, for validating plain strings. */
export const INTERFACE_ENDPOINT_SERVICES: readonly InterfaceEndpointService[] = [
  'secretsmanager', 'kms', 'logs', 'sts', 'sqs', 'sns', 'kinesis-streams', 'monitoring', 'glue', 'rds', 'dms', 'states', 'events', 'lambda', 'ssm', 'xray',
];

/**
 * How the private subnets reach AWS APIs on 443.
 * - `vpc-endpoints`: only through interface endpoints (behind `apiEndpointsSecurityGroupId`) and the S3 gateway
 *   endpoint. Modules scope their HTTPS egress to that security group and to S3's prefix list.
 * - `nat`: through a NAT gateway (or a transit gateway to a central egress VPC). Public AWS endpoints have no fixed
 *   address set a rule could name, so modules keep `0.0.0.0/0:443` egress and say so in the rule's description.
 */
export type AwsApiAccess = 'vpc-endpoints' | 'nat';

/** A subnet handed to a module. `availabilityZone` lets modules check AZ spread at synth. */
export interface SubnetRef {
  readonly id: string;
  /** e.g. `eu-west-2a`. When every subnet has one, modules check the AZ spread at synth. */
  readonly availabilityZone?: string;
}

/** The private network a module places its resources in. */
export interface NetworkRef {
  readonly vpcId: string;
  /** Private subnets (no route to an internet gateway, no public IPs), at least two AZs. */
  readonly privateSubnets: readonly SubnetRef[];
  /** Route tables of the private subnets: where S3 gateway endpoints are attached. */
  readonly privateRouteTableIds?: readonly string[];
  /** Set when the VPC already has an S3 gateway endpoint on those route tables; modules then skip theirs. */
  readonly s3GatewayEndpointId?: string;
  /**
   * Security group of the VPC's interface endpoints for AWS APIs (Secrets Manager, STS...). Lambdas placed in the
   * network are admitted to it on 443 by security-group reference.
   */
  readonly apiEndpointsSecurityGroupId?: string;
  /**
   * How the subnets reach AWS APIs; decides the HTTPS egress of every Lambda, DMS instance and Glue job placed here.
   * @default 'vpc-endpoints' when `apiEndpointsSecurityGroupId` is set, else 'nat'
   */
  readonly awsApiAccess?: AwsApiAccess;
  /** Interface endpoints (private DNS on) behind `apiEndpointsSecurityGroupId`, e.g. `['secretsmanager', 'sts']`. */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /**
   * S3's prefix list (`aws_vpc_endpoint.prefix_list_id` of the gateway endpoint); with `vpc-endpoints` access,
   * consumers get 443 egress to it.
   * @default looked up by name (`data aws_prefix_list`, `com.amazonaws.<region>.s3`)
   */
  readonly s3PrefixListId?: string;
}

/** The network's `awsApiAccess`, with its default. */
export function awsApiAccess(network: NetworkRef): AwsApiAccess {
  return network.awsApiAccess ?? (network.apiEndpointsSecurityGroupId ? 'vpc-endpoints' : 'nat');
}

/**
 * The id of S3's AWS-managed prefix list in the stack's region: the network's `s3PrefixListId`, else one
 * `data aws_prefix_list` per stack. Security groups allow traffic to a gateway endpoint by this prefix list
 * ("Gateway endpoints for Amazon S3": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
 */
export function s3PrefixListId(scope: Construct, network: NetworkRef): string {
  return network.s3PrefixListId ?? s3PrefixList(scope).id;
}

/** The stack's one lookup of S3's prefix list (`data aws_prefix_list`, name `com.amazonaws.<region>.s3`). */
export function s3PrefixList(scope: Construct): DataAwsPrefixList {
  const stack = MigrationStack.of(scope);
  const existing = stack.node.tryFindChild('s3-prefix-list') as DataAwsPrefixList | undefined;
  return existing ?? new DataAwsPrefixList(stack, 's3-prefix-list', { name: `com.amazonaws.${stack.region}.s3` });
}

/**
 * Fails at synth when an availability zone names another region than the stack's (`eu-west-2a` in an
 * `eu-central-1` stack passes synth otherwise and fails at apply). `zones` maps the prop that holds each zone
 * (e.g. `availabilityZones[1]`) to the zone. Zone names are the region's name plus a letter, or plus `-<zone>` for
 * Local and Wavelength Zones ("Regions and Zones": https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
 */
export function requireZonesInRegion(scope: Construct, zones: ReadonlyArray<readonly [prop: string, zone: string | undefined]>): void {
  const region = MigrationStack.of(scope).region;
  if (!isResolved(region)) return;
  for (const [prop, zone] of zones) {
    if (zone === undefined || !isResolved(zone)) continue;
    const inRegion = zone.startsWith(region) && /^([a-z]|-[a-z0-9-]+)$/.test(zone.slice(region.length));
    check(
      inRegion,
      scope,
      `${prop} "${zone}" is not an availability zone of the stack's region ${region} (MigrationStack region). Use a zone of ${region} (e.g. ${region}a), or create the stack in the zone's region.`,
    );
  }
}

/** A plan-time condition on a resource (`lifecycle.precondition`). */
export interface PlanCondition {
  readonly condition: string;
  readonly errorMessage: string;
}

/**
 * Checks at synth that subnets span >= `minZones` availability zones (where the AZs are known), and returns one
 * plan-time precondition per subnet that it does not map public IPs on launch. Put them on the resource that places
 * the module in those subnets (`lifecycle: { precondition }`, e.g. its subnet group): the plan then fails before
 * anything is created in a public subnet, and the subnet lookups are used by that resource (a lookup that nothing
 * references is an unused declaration to tflint). Both checks fail with the subnet and the fix.
 */
export function requirePrivateSubnets(scope: Construct, subnets: readonly SubnetRef[], minZones = 2): PlanCondition[] {
  check(
    subnets.length >= minZones,
    scope,
    `needs private subnets in at least ${minZones} availability zones; got ${subnets.length} subnet(s). Pass one private subnet per AZ.`,
  );
  requireZonesInRegion(scope, subnets.map((s, i) => [`network.privateSubnets[${i}].availabilityZone`, s.availabilityZone] as const));
  const zones = subnets.map((s) => s.availabilityZone);
  if (zones.every((z) => z !== undefined && isResolved(z))) {
    const distinct = new Set(zones);
    check(
      distinct.size >= minZones,
      scope,
      `subnets must span >= ${minZones} availability zones; got ${[...distinct].join(', ')}. Add a private subnet in another AZ.`,
    );
  }
  return subnets.map((subnet, i) => {
    const lookup = new DataAwsSubnet(scope, `private-subnet-check-${i}`, { id: subnet.id });
    return {
      condition: `\${data.aws_subnet.${lookup.friendlyUniqueId}.map_public_ip_on_launch == false}`,
      errorMessage: `${scope.node.path}: subnet \${data.aws_subnet.${lookup.friendlyUniqueId}.id} maps public IPs on launch; pass private subnets only.`,
    };
  });
}
