import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance } from '../../../modules/dms-migration';
import { PrivateNetwork, VpcPeering, VpcPeeringProps } from '../../../modules/network';
import { resources, synthJson, testStack } from '../../helpers/synth';

const PEER = { vpcId: 'vpc-0source', cidr: '10.50.0.0/16', routeTableIds: ['rtb-src-a', 'rtb-src-b'] };

function build(overrides: Partial<VpcPeeringProps> = {}) {
  const stack = testStack();
  const net = new PrivateNetwork(stack, 'network', { cidr: '10.20.0.0/16', availabilityZones: ['eu-west-2a', 'eu-west-2b'] });
  const peering = new VpcPeering(stack, 'to-source', { network: net.ref, peer: PEER, cidr: '10.20.0.0/16', ...overrides });
  return { stack, net, peering };
}

describe('VpcPeering to the source VPC', () => {
  test('peers the two VPCs (auto-accepted, same account and region) with DNS resolution both ways', () => {
    const json = synthJson(build().stack);
    const [connection] = resources(json, 'aws_vpc_peering_connection');
    expect(connection).toMatchObject({ auto_accept: true });
    expect(connection.peer_vpc_id).toMatch(/^\$\{data\.aws_vpc\.to-source_peer-vpc_\w+\.id\}$/);
    expect(json.data!.aws_vpc[connection.peer_vpc_id.slice('${data.aws_vpc.'.length, -'.id}'.length)]).toEqual({ id: 'vpc-0source' });
    // Plan-time: the given CIDR is the peer's, and the peer has the DNS attributes DNS resolution needs.
    const [cidr, dns] = connection.lifecycle.precondition;
    expect(cidr.condition).toMatch(/^\$\{data\.aws_vpc\.to-source_peer-vpc_\w+\.cidr_block == "10\.50\.0\.0\/16"\}$/);
    expect(cidr.error_message).toMatch(/peer\.cidr is 10\.50\.0\.0\/16 but vpc-0source has/);
    expect(dns.condition).toMatch(/enable_dns_support && data\.aws_vpc\.to-source_peer-vpc_\w+\.enable_dns_hostnames\}$/);
    expect(connection.vpc_id).toMatch(/^\$\{aws_vpc\.network_vpc_\w+\.id\}$/);
    expect(resources(json, 'aws_vpc_peering_connection_options')[0]).toMatchObject({
      requester: { allow_remote_vpc_dns_resolution: true },
      accepter: { allow_remote_vpc_dns_resolution: true },
    });
  });

  test("routes each private route table to the peer's CIDR, and each peer route table back to this VPC", () => {
    const json = synthJson(build().stack);
    const routes = resources(json, 'aws_route');
    const toPeer = routes.filter((r) => r.destination_cidr_block === '10.50.0.0/16');
    expect(toPeer.map((r) => r.route_table_id)).toEqual([
      expect.stringMatching(/aws_route_table\.network_private-rt-0_/),
      expect.stringMatching(/aws_route_table\.network_private-rt-1_/),
    ]);
    expect(routes.filter((r) => r.destination_cidr_block === '10.20.0.0/16').map((r) => r.route_table_id)).toEqual(['rtb-src-a', 'rtb-src-b']);
    expect(routes.every((r) => /^\$\{aws_vpc_peering_connection\.to-source_connection_\w+\.id\}$/.test(r.vpc_peering_connection_id))).toBe(true);
  });

  test("this VPC's CIDR is looked up when not given", () => {
    const json = synthJson(build({ cidr: undefined }).stack);
    const back = resources(json, 'aws_route').filter((r) => r.route_table_id === 'rtb-src-a')[0];
    expect(back.destination_cidr_block).toMatch(/^\$\{data\.aws_vpc\.to-source_local-vpc_\w+\.cidr_block\}$/);
  });

  test("rules on the source's security group wait for the peering, its DNS options and the routes", () => {
    const { stack, net, peering } = build();
    const dms = new DmsReplicationInstance(stack, 'dms', { network: net.ref, accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }) });
    peering.peerConnections('sg-0source', 5432, 'PostgreSQL source').allowDefaultPortFrom(dms.placement, 'full load and CDC');
    const json = synthJson(stack);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-0source')!;
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').find((r) => r.referenced_security_group_id === 'sg-0source')!;
    for (const rule of [ingress, egress]) {
      expect(rule).toMatchObject({ from_port: 5432, to_port: 5432 });
      expect(rule.depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_vpc_peering_connection\.to-source_connection_\w+$/),
          expect.stringMatching(/^aws_vpc_peering_connection_options\.to-source_dns_\w+$/),
          expect.stringMatching(/^aws_route\.to-source_to-peer-0_\w+$/),
          expect.stringMatching(/^aws_route\.to-source_from-peer-1_\w+$/),
        ]),
      );
    }
  });

  test.each<[string, Partial<VpcPeeringProps>, RegExp]>([
    ['fails when the CIDRs overlap', { peer: { ...PEER, cidr: '10.20.128.0/17' } }, /cidr 10\.20\.0\.0\/16 overlaps peer\.cidr 10\.20\.128\.0\/17; VPC peering needs address ranges that do not overlap/],
    ['fails when the peer CIDR is malformed', { peer: { ...PEER, cidr: '10.50.0.0' } }, /peer\.cidr must be an IPv4 CIDR like 10\.50\.0\.0\/16; got "10\.50\.0\.0"/],
    ['fails when the peer has no route tables', { peer: { ...PEER, routeTableIds: [] } }, /peer\.routeTableIds is empty/],
  ])('%s', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });

  test('fails when the network has no route tables', () => {
    const stack = testStack();
    const network = { vpcId: 'vpc-1', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }] };
    expect(() => new VpcPeering(stack, 'p', { network, peer: PEER })).toThrow(/network\.privateRouteTableIds is empty/);
  });
});
