import * as path from 'node:path';
import { NodejsLambda } from '../../../modules/core';
import { ExistingNetwork, ExistingNetworkProps } from '../../../modules/network';
import { resources, SynthJson, synthJson, testStack } from '../../helpers/synth';

const FIXTURE = path.resolve(__dirname, '../../helpers/fixture-lambda');

const BASE: ExistingNetworkProps = {
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  awsApiAccess: 'vpc-endpoints',
};

function build(props: Partial<ExistingNetworkProps>, withLambda = true, region = 'eu-west-2') {
  const stack = testStack({ region });
  const network = new ExistingNetwork(stack, 'network', { ...BASE, ...props });
  if (withLambda) new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'loader', description: 'test', network: network.ref });
  return { network, json: synthJson(stack) };
}

const vpcLookup = (json: SynthJson) => Object.values(json.data!.aws_vpc)[0];
const preconditions = (json: SynthJson): Array<{ condition: string; error_message: string }> => vpcLookup(json).lifecycle?.precondition ?? [];
const endpoints = (json: SynthJson) => resources(json, 'aws_vpc_endpoint');

describe('ExistingNetwork: endpoints created on request', () => {
  test('createEndpoints: interface endpoints with private DNS in the given subnets, behind a new group that admits the modules on 443', () => {
    const { json } = build({ createEndpoints: ['secretsmanager', 'sts', 'logs'], createS3GatewayEndpoint: true });
    const iface = endpoints(json).filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(iface.map((e) => e.service_name).sort()).toEqual(['com.amazonaws.eu-west-2.logs', 'com.amazonaws.eu-west-2.secretsmanager', 'com.amazonaws.eu-west-2.sts']);
    for (const e of iface) {
      expect(e).toMatchObject({ private_dns_enabled: true, subnet_ids: ['subnet-a', 'subnet-b'], vpc_id: expect.stringMatching(/^\$\{data\.aws_vpc\.network_vpc_\w+\.id\}$/) });
      expect(e.security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.network_endpoints-sg_\w+\.id\}$/)]);
    }
    const sg = iface[0].security_group_ids[0];
    const admitted = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === sg);
    expect(admitted).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, referenced_security_group_id: expect.stringMatching(/aws_security_group\.fn_sg_/) })]);
    // The Lambda's HTTPS egress goes to the endpoints and to S3's gateway endpoint, not to the internet.
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(egress.filter((r) => r.cidr_ipv4 === '0.0.0.0/0')).toEqual([]);
    expect(egress.map((r) => r.referenced_security_group_id ?? r.prefix_list_id).sort()).toEqual(
      [sg, expect.stringMatching(/^\$\{aws_vpc_endpoint\.network_s3-gateway_\w+\.prefix_list_id\}$/)].sort(),
    );
  });

  test('createS3GatewayEndpoint: a gateway endpoint on the route tables of the subnets (looked up per subnet)', () => {
    const { json, network } = build({ createS3GatewayEndpoint: true });
    const [s3] = endpoints(json);
    expect(s3).toMatchObject({ service_name: 'com.amazonaws.eu-west-2.s3', vpc_endpoint_type: 'Gateway' });
    expect(s3.route_table_ids).toEqual([
      expect.stringMatching(/^\$\{data\.aws_route_table\.network_route-table-0_\w+\.route_table_id\}$/),
      expect.stringMatching(/^\$\{data\.aws_route_table\.network_route-table-1_\w+\.route_table_id\}$/),
    ]);
    expect(Object.values(json.data!.aws_route_table).map((r) => r.subnet_id)).toEqual(['subnet-a', 'subnet-b']);
    expect(network.ref.s3GatewayEndpointId).toBeDefined();
  });

  test('privateRouteTableIds are used instead of the per-subnet lookup (subnets on the main route table)', () => {
    const { json } = build({ createS3GatewayEndpoint: true, privateRouteTableIds: ['rtb-1', 'rtb-2'] });
    expect(Object.values(json.data!.aws_route_table).map((r) => r.route_table_id)).toEqual(['rtb-1', 'rtb-2']);
  });

  test('created endpoints join the given endpoints security group instead of a new one', () => {
    const { json } = build({ interfaceEndpoints: ['secretsmanager'], apiEndpointsSecurityGroupId: 'sg-endpoints', createEndpoints: ['kms'], createS3GatewayEndpoint: true });
    expect(resources(json, 'aws_security_group').map((g) => g.name)).not.toContain('demo-staging-aws-api-endpoints');
    expect(endpoints(json).find((e) => e.service_name.endsWith('.kms'))!.security_group_ids).toEqual(['sg-endpoints']);
  });
});

describe('ExistingNetwork: plan-time checks of what the VPC must provide', () => {
  test("vpc-endpoints without createS3GatewayEndpoint: the VPC's S3 gateway endpoint must be on each subnet's route table", () => {
    const { json, network } = build({});
    const lookup = Object.entries(json.data!.aws_vpc_endpoint).find(([name]) => name.startsWith('network_existing-s3-gateway_'))!;
    expect(lookup[1]).toEqual({
      vpc_id: 'vpc-0a1b2c3d4e5f60001',
      service_name: 'com.amazonaws.eu-west-2.s3',
      filter: [{ name: 'vpc-endpoint-type', values: ['Gateway'] }],
    });
    const s3 = preconditions(json).filter((p) => p.condition.includes('existing-s3-gateway'));
    expect(s3).toHaveLength(2);
    expect(s3[0].condition).toBe(`\${contains(data.aws_vpc_endpoint.${lookup[0]}.route_table_ids, data.aws_route_table.${Object.keys(json.data!.aws_route_table)[0]}.route_table_id)}`);
    expect(s3[0].error_message).toMatch(/of subnet-a has no route to the S3 gateway endpoint .*, and awsApiAccess is 'vpc-endpoints' \(no NAT\)\. Set createS3GatewayEndpoint: true/);
    // Modules (Neptune, Postgres s3Import) then know the VPC has one and do not add another; egress uses its prefix list.
    expect(network.ref.s3GatewayEndpointId).toBeDefined();
    const s3Egress = resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.prefix_list_id);
    expect(s3Egress.map((r) => r.prefix_list_id)).toEqual([`\${data.aws_vpc_endpoint.${lookup[0]}.prefix_list_id}`]);
  });

  test('existing interface endpoints are looked up and must be available, with private DNS, in the endpoints group', () => {
    const { json } = build({ interfaceEndpoints: ['secretsmanager', 'sts'], apiEndpointsSecurityGroupId: 'sg-endpoints', createS3GatewayEndpoint: true });
    const lookups = Object.entries(json.data!.aws_vpc_endpoint).filter(([name]) => !name.includes('s3-gateway')).map(([, v]) => v);
    expect(lookups).toEqual([
      { vpc_id: 'vpc-0a1b2c3d4e5f60001', service_name: 'com.amazonaws.eu-west-2.secretsmanager' },
      { vpc_id: 'vpc-0a1b2c3d4e5f60001', service_name: 'com.amazonaws.eu-west-2.sts' },
    ]);
    const sts = preconditions(json).find((p) => p.condition.includes('existing-sts'))!;
    expect(sts.condition).toMatch(/\.state == "available" && data\.aws_vpc_endpoint\.network_existing-sts_\w+\.private_dns_enabled && contains\(data\.aws_vpc_endpoint\.network_existing-sts_\w+\.security_group_ids, "sg-endpoints"\)/);
    expect(sts.error_message).toMatch(/the sts endpoint .* must be available, with private DNS on, in security group sg-endpoints .* add "sts" to createEndpoints\.$/);
    // Private DNS of any interface endpoint needs the VPC's two DNS attributes.
    expect(vpcLookup(json).lifecycle.postcondition).toEqual([
      { condition: '${self.enable_dns_support && self.enable_dns_hostnames}', error_message: expect.stringMatching(/need enableDnsSupport and enableDnsHostnames on vpc-0a1b2c3d4e5f60001/) },
    ]);
  });

  test("awsApiAccess 'nat': each route table needs a 0.0.0.0/0 route to a NAT or transit gateway; egress stays 0.0.0.0/0:443", () => {
    const { json } = build({ awsApiAccess: 'nat' });
    const nat = preconditions(json).filter((p) => p.condition.includes('nat_gateway_id'));
    expect(nat).toHaveLength(2);
    expect(nat[1].condition).toMatch(
      /^\$\{anytrue\(\[for r in data\.aws_route_table\.network_route-table-1_\w+\.routes : r\.cidr_block == "0\.0\.0\.0\/0" && \(coalesce\(r\.nat_gateway_id, "-"\) != "-" \|\| coalesce\(r\.transit_gateway_id, "-"\) != "-"\)\]\)\}$/,
    );
    expect(nat[1].error_message).toMatch(/awsApiAccess is 'nat' but route table .* of subnet-b has no 0\.0\.0\.0\/0 route to a NAT or transit gateway/);
    expect(preconditions(json).some((p) => p.condition.includes('s3-gateway'))).toBe(false);
    expect(resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4 === '0.0.0.0/0')).toHaveLength(1);
  });

  test('each subnet must be in the VPC and the zone given', () => {
    const { json } = build({ createS3GatewayEndpoint: true });
    const [first] = preconditions(json);
    expect(first.condition).toMatch(/^\$\{data\.aws_subnet\.network_subnet-0_\w+\.vpc_id == "vpc-0a1b2c3d4e5f60001" && data\.aws_subnet\.network_subnet-0_\w+\.availability_zone == "eu-west-2a"\}$/);
  });

  test("modules are placed through the checked VPC lookup, so a failed check stops the plan before their resources", () => {
    const { json } = build({ createS3GatewayEndpoint: true });
    const lambdaSg = resources(json, 'aws_security_group').find((g) => g.name === 'demo-staging-loader-fn')!;
    expect(lambdaSg.vpc_id).toMatch(/^\$\{data\.aws_vpc\.network_vpc_\w+\.id\}$/);
  });
});

describe('ExistingNetwork: synth-time errors', () => {
  test.each<[string, Partial<ExistingNetworkProps>, string | RegExp]>([
    [
      'fails when a subnet zone is in another region',
      { privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-central-1a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }] },
      'privateSubnets[0].availabilityZone "eu-central-1a" is not an availability zone of the stack\'s region eu-west-2',
    ],
    ['fails when a subnet has no zone', { privateSubnets: [{ id: 'subnet-a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }] }, /privateSubnets\[0\] \(subnet-a\) needs its availabilityZone/],
    ['fails when an endpoint is both existing and to create', { interfaceEndpoints: ['sts'], apiEndpointsSecurityGroupId: 'sg-e', createEndpoints: ['sts'] }, /sts is in both interfaceEndpoints \(exists\) and createEndpoints/],
    ['fails when existing endpoints come without their security group', { interfaceEndpoints: ['sts'] }, /interfaceEndpoints \(sts\) needs apiEndpointsSecurityGroupId/],
    ['fails when s3 is asked for as an interface endpoint', { createEndpoints: ['s3' as never] }, /createEndpoints: "s3" is not one of .* \(S3 uses a gateway endpoint: createS3GatewayEndpoint\)/],
    [
      'fails when createEndpoints would put two subnets of one zone in an endpoint',
      { privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }, { id: 'subnet-c', availabilityZone: 'eu-west-2a' }], createEndpoints: ['sts'] },
      /an endpoint takes one subnet per availability zone; got zones eu-west-2a, eu-west-2a/,
    ],
    ['fails when privateRouteTableIds does not match the subnets', { privateRouteTableIds: ['rtb-1'] }, /one route table per subnet of privateSubnets \(2\); got 1/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props, false)).toThrow(message);
  });
});
