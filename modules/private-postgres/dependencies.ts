import { Construct } from 'constructs';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Lazy, MigrationStack, NetworkRef, TerraformResource } from '../core';

/**
 * First-apply ordering for resources that call into the VPC at apply time (`aws_lambda_invocation`, and
 * `aws_secretsmanager_secret_rotation`, which runs the function's testSecret step when it is set up). Terraform only
 * orders by references; the function's policy, its security-group rules and the VPC endpoints it calls are not
 * referenced, so without explicit `depends_on` the first apply can invoke the function before it can reach anything.
 * The same pattern as stream-to-postgres's schema-setup invocation, evaluated at synth because grants, rules and
 * endpoints are added after the invocation is constructed (addUser, enableS3Import, other modules' connections).
 */

/** Terraform resources under `scope` (e.g. a role's inline policy and managed-policy attachments). */
export function resourcesUnder(scope: Construct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
}

/** Security-group rules (ingress and egress rule resources) under `scope`; `directOnly` skips nested constructs. */
export function securityRulesUnder(scope: Construct, directOnly = false): TerraformResource[] {
  const nodes = directOnly ? scope.node.children : scope.node.findAll();
  return nodes.filter((c): c is TerraformResource => c instanceof VpcSecurityGroupIngressRule || c instanceof VpcSecurityGroupEgressRule);
}

/** The instances that serve connections (an Aurora cluster answers only once its writer instance exists). */
export function databaseInstancesUnder(scope: Construct): TerraformResource[] {
  return resourcesUnder(scope).filter((r) => r.terraformResourceType === 'aws_db_instance' || r.terraformResourceType === 'aws_rds_cluster_instance');
}

/**
 * VPC endpoints in this stack that serve the network's VPC (S3 gateway, Secrets Manager and STS interface endpoints):
 * a function in the VPC reaches Secrets Manager through them. Endpoints of a network defined in another stack are
 * ordered by the stack dependency instead.
 */
export function vpcEndpointsOf(scope: Construct, network: NetworkRef, context: Resolver): TerraformResource[] {
  // Two reads of one attribute are two different tokens: compare what they resolve to.
  const vpcId = JSON.stringify(context.resolve(network.vpcId));
  return MigrationStack.of(scope)
    .node.findAll()
    .filter((c): c is VpcEndpoint => c instanceof VpcEndpoint)
    .filter((endpoint) => JSON.stringify(context.resolve(endpoint.vpcIdInput)) === vpcId);
}

/** The resolve context a lazy value is produced in (cdktf's IResolveContext). */
export interface Resolver {
  resolve(value: unknown): unknown;
}

/**
 * Sets `resource.dependsOn` to the resources `produce` returns when the stack is synthesized (deduplicated, plain
 * `type.name` references like constructor `dependsOn`).
 */
export function dependsOnAtSynth(resource: TerraformResource, produce: (context: Resolver) => readonly TerraformResource[]): void {
  resource.dependsOn = Lazy.listValue({
    produce: (context) => [...new Set(produce(context).filter((r) => r !== resource).map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`))],
  });
}
