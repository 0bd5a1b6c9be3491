import { Construct } from 'constructs';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { check, INTERFACE_ENDPOINT_SERVICES, InterfaceEndpointService, MigrationStack, NetworkRef, newSecurityGroup, requireZonesInRegion, ServiceRole, SubnetRef } from '../core';

export interface PrivateNetworkProps {
  /** VPC CIDR, e.g. `10.20.0.0/16`. Subnets are carved as /20s in order. */
  readonly cidr: string;
  /** Availability zones of the stack's region, at least two (e.g. `['eu-west-2a', 'eu-west-2b']`). One private subnet per zone. */
  readonly availabilityZones: readonly string[];
  /**
   * Interface endpoints for AWS APIs the private workloads call, e.g. `['secretsmanager', 'logs', 'sts']`; see
   * modules/network/README.md for what each module calls. S3 always gets a gateway endpoint. The network has no NAT,
   * so modules' HTTPS egress is scoped to these endpoints and S3.
   * @default ['secretsmanager', 'sts']
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointService[];
  /** @default true: VPC flow logs to CloudWatch */
  readonly flowLogs?: boolean;
}

/**
 * A private VPC for example projects and greenfield migrations: private subnets only (no internet gateway, no
 * public IPs), an S3 gateway endpoint on their route tables, interface endpoints for AWS APIs, and flow logs.
 * Projects with an existing VPC skip this and pass a `NetworkRef` of their own subnets.
 */
export class PrivateNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly routeTables: RouteTable[];
  readonly s3Endpoint: VpcEndpoint;
  /** Pass this to modules: `new PrivatePostgres(this, 'db', { network: net.ref, ... })`. */
  readonly ref: NetworkRef;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    check(props.availabilityZones.length >= 2, this, `availabilityZones must list at least 2 zones; got ${props.availabilityZones.length}.`);
    check(new Set(props.availabilityZones).size === props.availabilityZones.length, this, 'availabilityZones must not repeat a zone.');
    requireZonesInRegion(this, props.availabilityZones.map((z, i) => [`availabilityZones[${i}]`, z] as const));
    const match = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(props.cidr);
    check(match !== null, this, `cidr must be a /16 like 10.20.0.0/16; got ${props.cidr}.`);
    const [, a, b] = match!;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: stack.naming.name('vpc') },
    });
    // The VPC's default security group allows all traffic between its members and all egress. Nothing here uses it:
    // adopted with no rules, Terraform removes them, so a resource launched without a group gets no network at all
    // (AWS Security Hub control EC2.2: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2).
    new DefaultSecurityGroup(this, 'default-sg', {
      vpcId: this.vpc.id,
      tags: { Name: stack.naming.name('vpc-default-unused') },
    });
    this.subnets = [];
    this.routeTables = [];
    props.availabilityZones.forEach((az, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        cidrBlock: `${a}.${b}.${i * 16}.0/20`,
        availabilityZone: az,
        mapPublicIpOnLaunch: false,
        tags: { Name: stack.naming.name(`private-${az}`), tier: 'private' },
      });
      const rt = new RouteTable(this, `private-rt-${i}`, { vpcId: this.vpc.id, tags: { Name: stack.naming.name(`private-${az}`) } });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: subnet.id, routeTableId: rt.id });
      this.subnets.push(subnet);
      this.routeTables.push(rt);
    });
    this.s3Endpoint = new VpcEndpoint(this, 's3-gateway', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${stack.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: this.routeTables.map((r) => r.id),
      tags: { Name: stack.naming.name('s3-gateway') },
    });

    const services = props.interfaceEndpoints ?? ['secretsmanager', 'sts'];
    for (const service of services) {
      check(
        INTERFACE_ENDPOINT_SERVICES.includes(service),
        this,
        `interfaceEndpoints: "${service}" is not one of ${INTERFACE_ENDPOINT_SERVICES.join(', ')} (S3 always has a gateway endpoint).`,
      );
    }
    let apiEndpointsSecurityGroupId: string | undefined;
    if (services.length) {
      const sg = newSecurityGroup(this, 'endpoints-sg', {
        name: stack.naming.name('aws-api-endpoints', 'securityGroup'),
        description: 'Interface endpoints for AWS APIs; clients are admitted by security group',
        vpcId: this.vpc.id,
      });
      apiEndpointsSecurityGroupId = sg.id;
      for (const service of services) {
        new VpcEndpoint(this, `endpoint-${service}`, {
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${stack.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: this.subnets.map((s) => s.id),
          securityGroupIds: [sg.id],
          tags: { Name: stack.naming.name(`${service}-endpoint`) },
        });
      }
    }

    if (props.flowLogs ?? true) {
      const logs = new CloudwatchLogGroup(this, 'flow-logs', {
        name: `/vpc/${stack.naming.name('vpc')}/flow-logs`,
        retentionInDays: stack.production ? 365 : 30,
      });
      const role = new ServiceRole(this, 'flow-logs-role', {
        name: stack.naming.name('vpc-flow-logs', 'iamRole'),
        servicePrincipal: 'vpc-flow-logs.amazonaws.com',
        description: 'Writes VPC flow logs to CloudWatch Logs',
        // Confused-deputy protection: ServiceRole pins aws:SourceAccount; aws:SourceArn limits the role to flow logs
        // of this account and region. The flow log's own ID is not known before the flow log exists (it needs this
        // role), so the ARN ends in a wildcard, as the VPC guide allows
        // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
        trustConditions: { ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ec2:${stack.region}:${stack.accountId}:vpc-flow-log/*` } },
      });
      role.addToPolicy({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logs.arn, `${logs.arn}:*`],
      });
      new FlowLog(this, 'flow-log', { vpcId: this.vpc.id, trafficType: 'REJECT', logDestination: logs.arn, iamRoleArn: role.arn });
    }

    const subnets: SubnetRef[] = this.subnets.map((s, i) => ({ id: s.id, availabilityZone: props.availabilityZones[i] }));
    this.ref = {
      vpcId: this.vpc.id,
      privateSubnets: subnets,
      privateRouteTableIds: this.routeTables.map((r) => r.id),
      s3GatewayEndpointId: this.s3Endpoint.id,
      apiEndpointsSecurityGroupId,
      // No internet gateway, no NAT: AWS APIs are reachable only through the endpoints, so egress is scoped to them.
      awsApiAccess: 'vpc-endpoints',
      interfaceEndpoints: services,
      s3PrefixListId: this.s3Endpoint.prefixListId,
    };
  }
}
