import { Construct } from 'constructs';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { check, isResolved } from './errors';

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
