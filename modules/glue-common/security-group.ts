import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Connections, MigrationStack, NetworkRef, newSecurityGroup, requirePrivateSubnets } from '../core';
import { GlueSecurityGroupProps, IGlueSecurityGroup } from './props';

/**
 * The security group Glue places a job's network interfaces in. Spark driver and executors talk to each other
 * through it, so it carries the self-referencing rule Glue requires; it has HTTPS egress for S3 (gateway
 * endpoint) and AWS APIs, and is admitted to the VPC's interface endpoints. Databases admit it with
 * `db.connections.allowDefaultPortFrom(glueSecurityGroup)`.
 */
export class GlueSecurityGroup extends Construct implements IGlueSecurityGroup {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  readonly network: NetworkRef;

  constructor(scope: Construct, id: string, props: GlueSecurityGroupProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    // Glue places its workers in the connection's subnet; the checks sit on this security group, which every
    // connection and job of the module uses.
    const privateSubnetChecks = requirePrivateSubnets(this, props.network.privateSubnets, 1);
    this.network = props.network;
    const name = stack.naming.name(props.component, 'securityGroup');
    this.securityGroup = newSecurityGroup(this, 'sg', {
      name,
      description: props.description ?? `Glue jobs ${name}: self-referencing rule for Spark workers`,
      vpcId: props.network.vpcId,
      preconditions: privateSubnetChecks,
    });
    this.connections = new Connections(this, { securityGroupId: this.securityGroup.id, description: `Glue jobs ${name}` });
    this.connections.allowInternally(`From Glue jobs ${name} to the same group: Spark driver and executors exchange data (Glue requires a self-referencing rule)`);
    this.connections.allowAwsApiEgress(props.network, `Glue ${name} to AWS APIs (S3, Glue, Logs, KMS)`);
  }

  get securityGroupId(): string {
    return this.securityGroup.id;
  }
}
