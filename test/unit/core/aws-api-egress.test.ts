import * as path from 'node:path';
import { NetworkRef, NodejsLambda } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance } from '../../../modules/dms-migration';
import { GlueSecurityGroup } from '../../../modules/glue-common';
import { PrivateNetwork } from '../../../modules/network';
import { resources, SynthJson, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const FIXTURE = path.resolve(__dirname, '../../helpers/fixture-lambda');

type Consumer = 'lambda' | 'dms' | 'glue';

/** Places one consumer of AWS APIs in `network` (or in a PrivateNetwork when `network` is 'private') and synthesizes. */
function place(consumer: Consumer, network: NetworkRef | 'private', region = 'eu-west-2'): SynthJson {
  const stack = testStack({ region });
  const ref =
    network === 'private' ? new PrivateNetwork(stack, 'network', { cidr: '10.20.0.0/16', availabilityZones: [`${region}a`, `${region}b`] }).ref : network;
  if (consumer === 'lambda') new NodejsLambda(stack, 'fn', { entry: FIXTURE, component: 'writer', description: 'test', network: ref });
  if (consumer === 'dms') new DmsReplicationInstance(stack, 'dms', { network: ref, accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }) });
  if (consumer === 'glue') new GlueSecurityGroup(stack, 'glue', { network: ref, component: 'etl' });
  return synthJson(stack);
}

const egress = (json: SynthJson) => resources(json, 'aws_vpc_security_group_egress_rule');
const https = (json: SynthJson) => egress(json).filter((r) => r.from_port === 443);
const world = (json: SynthJson) => egress(json).filter((r) => r.cidr_ipv4 === '0.0.0.0/0');

const CONSUMERS: Consumer[] = ['lambda', 'dms', 'glue'];

describe('HTTPS egress to AWS APIs follows the network (Connections.allowAwsApiEgress)', () => {
  test.each(CONSUMERS)('%s in a PrivateNetwork: 443 to the endpoints security group and the S3 gateway prefix list, never 0.0.0.0/0', (consumer) => {
    const json = place(consumer, 'private');
    expect(world(json)).toEqual([]);
    const targets = https(json).map((r) => r.referenced_security_group_id ?? r.prefix_list_id);
    expect(targets).toHaveLength(2);
    const endpointsSg = targets.find((t) => /^\$\{aws_security_group\.network_endpoints-sg_\w+\.id\}$/.test(t));
    expect(endpointsSg).toBeDefined();
    expect(targets).toContainEqual(expect.stringMatching(/^\$\{aws_vpc_endpoint\.network_s3-gateway_\w+\.prefix_list_id\}$/));
    // The endpoints admit the consumer by reference on 443.
    const admitted = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === endpointsSg);
    expect(admitted).toHaveLength(1);
    expect(admitted[0]).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
    expect(admitted[0].cidr_ipv4).toBeUndefined();
  });

  test.each(CONSUMERS)('%s in an existing VPC with an endpoints security group: scoped, with S3 by the prefix list looked up by name', (consumer) => {
    const json = place(consumer, { ...TWO_AZ_NETWORK, apiEndpointsSecurityGroupId: 'sg-endpoints' });
    expect(world(json)).toEqual([]);
    expect(https(json).find((r) => r.referenced_security_group_id === 'sg-endpoints')).toBeDefined();
    expect(https(json).find((r) => r.prefix_list_id === '${data.aws_prefix_list.s3-prefix-list.id}')?.description).toMatch(/HTTPS to S3 through the gateway endpoint/);
    expect(json.data?.aws_prefix_list['s3-prefix-list']).toEqual({ name: 'com.amazonaws.eu-west-2.s3' });
  });

  test.each(CONSUMERS)("%s behind a NAT (awsApiAccess 'nat'): 0.0.0.0/0:443, and the rule says why", (consumer) => {
    const json = place(consumer, { ...TWO_AZ_NETWORK, awsApiAccess: 'nat', apiEndpointsSecurityGroupId: 'sg-endpoints' });
    const [rule] = world(json);
    expect(rule).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' });
    expect(rule.description).toMatch(/through the VPC's NAT gateway \(public AWS endpoints have no fixed addresses a rule could name\)$/);
    // Endpoints the network has are still used (admitted), and no S3 prefix-list rule is needed.
    expect(https(json).find((r) => r.referenced_security_group_id === 'sg-endpoints')).toBeDefined();
    expect(https(json).filter((r) => r.prefix_list_id)).toEqual([]);
  });

  test('a network without an endpoints security group defaults to NAT egress', () => {
    const json = place('lambda', TWO_AZ_NETWORK);
    expect(world(json)).toHaveLength(1);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  test('fails when interfaceEndpoints are listed without their security group', () => {
    expect(() => place('lambda', { ...TWO_AZ_NETWORK, interfaceEndpoints: ['sts'] })).toThrow(
      /network.interfaceEndpoints lists sts but network.apiEndpointsSecurityGroupId is not set/,
    );
  });
});

describe('availability zones are checked against the stack region', () => {
  test('fails when PrivateNetwork is given a zone of another region, naming the zone, the region and the prop', () => {
    const stack = testStack({ region: 'eu-central-1' });
    expect(() => new PrivateNetwork(stack, 'network', { cidr: '10.20.0.0/16', availabilityZones: ['eu-central-1a', 'eu-west-2a'] })).toThrow(
      'test/network: availabilityZones[1] "eu-west-2a" is not an availability zone of the stack\'s region eu-central-1 (MigrationStack region). Use a zone of eu-central-1 (e.g. eu-central-1a), or create the stack in the zone\'s region.',
    );
  });

  test.each(CONSUMERS)('fails when %s is placed in subnets whose zone is in another region', (consumer) => {
    const network = { ...TWO_AZ_NETWORK, privateSubnets: [TWO_AZ_NETWORK.privateSubnets[0], { id: 'subnet-cccc', availabilityZone: 'eu-west-1b' }] };
    expect(() => place(consumer, network)).toThrow(/network\.privateSubnets\[1\]\.availabilityZone "eu-west-1b" is not an availability zone of the stack's region eu-west-2/);
  });

  test.each([
    ['eu-west-2', 'eu-west-2c'],
    ['us-west-2', 'us-west-2-lax-1a'], // a Local Zone
  ])('accepts %s zones like %s', (region, zone) => {
    const stack = testStack({ region });
    expect(() => new PrivateNetwork(stack, 'network', { cidr: '10.20.0.0/16', availabilityZones: [`${region}a`, zone] })).not.toThrow();
  });

  test.each([
    ['eu-west-1', 'eu-west-10a'],
    ['us-east-1', 'us-east-2a'],
  ])('rejects in %s the zone %s', (region, zone) => {
    expect(() => new PrivateNetwork(testStack({ region }), 'network', { cidr: '10.20.0.0/16', availabilityZones: [`${region}a`, zone] })).toThrow(
      `availabilityZones[1] "${zone}" is not an availability zone of the stack's region ${region}`,
    );
  });
});
