// Fast tests of modules/core/connections.ts beyond core.test.ts's and aws-api-egress.test.ts's: which group each rule
// opens, to whom, on which port, how often, and what a new security group starts with.
import { Construct } from 'constructs';
import { Connections, connectionDescription, IConnectable, newSecurityGroup, TerraformResource } from '../../../modules/core';
import { resources, synthJson, SynthJson, testStack } from '../../helpers/synth';

class Box extends Construct implements IConnectable {
  readonly connections: Connections;
  readonly sgRef: string;
  constructor(scope: Construct, id: string, port?: number, dependsOn?: TerraformResource[]) {
    super(scope, id);
    const sg = newSecurityGroup(this, 'sg', { name: id, description: `test ${id}`, vpcId: 'vpc-1' });
    this.sgRef = `\${aws_security_group.${sg.friendlyUniqueId}.id}`;
    this.connections = new Connections(this, { securityGroupId: sg.id, defaultPort: port, description: id, dependsOn });
  }
}

const ingress = (json: SynthJson) => resources(json, 'aws_vpc_security_group_ingress_rule');
const egress = (json: SynthJson) => resources(json, 'aws_vpc_security_group_egress_rule');
const ruleFields = (r: Record<string, unknown>) => ({
  sg: r.security_group_id,
  peer: r.referenced_security_group_id,
  protocol: r.ip_protocol,
  from: r.from_port,
  to: r.to_port,
  description: r.description,
});

describe('Connections.allowFrom', () => {
  test('opens only the given port, from the peer to this group: ingress here, egress on the peer', () => {
    const stack = testStack();
    const db = new Box(stack, 'db', 5432);
    const app = new Box(stack, 'app');
    db.connections.allowFrom(app, 6432, 'pgbouncer');
    const json = synthJson(stack);
    const description = 'From app to db: pgbouncer';
    expect(ingress(json).map(ruleFields)).toEqual([{ sg: db.sgRef, peer: app.sgRef, protocol: 'tcp', from: 6432, to: 6432, description }]);
    expect(egress(json).map(ruleFields)).toEqual([{ sg: app.sgRef, peer: db.sgRef, protocol: 'tcp', from: 6432, to: 6432, description }]);
  });

  test('the same peer on another port, or another peer on the same port, gets its own pair of rules', () => {
    const stack = testStack();
    const db = new Box(stack, 'db', 5432);
    const app = new Box(stack, 'app');
    const other = new Box(stack, 'other');
    db.connections.allowDefaultPortFrom(app);
    db.connections.allowFrom(app, 6432);
    db.connections.allowDefaultPortFrom(other);
    db.connections.allowFrom(app, 6432);
    const json = synthJson(stack);
    const pairs = [`${app.sgRef} 5432`, `${app.sgRef} 6432`, `${other.sgRef} 5432`];
    expect(ingress(json).map((r) => `${r.referenced_security_group_id} ${r.from_port}`).sort()).toEqual(pairs.sort());
    expect(egress(json).map((r) => `${r.security_group_id} ${r.from_port}`).sort()).toEqual(pairs.sort());
  });

  test('both rules wait for what either side depends on (e.g. the peering that makes a remote group referenceable)', () => {
    const stack = testStack();
    const peeringHere = new Construct(stack, 'here');
    const peeringThere = new Construct(stack, 'there');
    const gateA = newSecurityGroup(peeringHere, 'gate', { name: 'gate-a', description: 'a', vpcId: 'vpc-1' });
    const gateB = newSecurityGroup(peeringThere, 'gate', { name: 'gate-b', description: 'b', vpcId: 'vpc-1' });
    const db = new Box(stack, 'db', 5432, [gateA]);
    const app = new Box(stack, 'app', undefined, [gateB]);
    db.connections.allowDefaultPortFrom(app);
    const json = synthJson(stack);
    const waits = [`aws_security_group.${gateA.friendlyUniqueId}`, `aws_security_group.${gateB.friendlyUniqueId}`];
    expect(ingress(json)[0].depends_on).toEqual(waits);
    expect(egress(json)[0].depends_on).toEqual(waits);
  });

  test('rules between groups without dependencies wait for nothing', () => {
    const stack = testStack();
    new Box(stack, 'db', 5432).connections.allowDefaultPortFrom(new Box(stack, 'app'));
    const json = synthJson(stack);
    expect(ingress(json)[0].depends_on).toBeUndefined();
    expect(egress(json)[0].depends_on).toBeUndefined();
  });

  test('fails when admitting on the default port of a group that has none, naming it and the fix', () => {
    const stack = testStack();
    expect(() => new Box(stack, 'a').connections.allowDefaultPortFrom(new Box(stack, 'b'))).toThrow('test/a: has no default port; use allowFrom(peer, port)');
  });

  test('reports its group and default port', () => {
    const stack = testStack();
    const db = new Box(stack, 'db', 5432);
    expect(db.connections.defaultPort).toBe(5432);
    expect(db.connections.securityGroupId).toBe(db.connections.props.securityGroupId);
  });
});

describe('Connections.allowInternally', () => {
  test('admits the group to itself on every protocol, in and out, once', () => {
    const stack = testStack();
    const glue = new Box(stack, 'glue');
    glue.connections.allowInternally('Glue workers talk to each other');
    glue.connections.allowInternally('again');
    const json = synthJson(stack);
    const self = { sg: glue.sgRef, peer: glue.sgRef, protocol: '-1', from: undefined, to: undefined, description: 'Glue workers talk to each other' };
    expect(ingress(json).map(ruleFields)).toEqual([self]);
    expect(egress(json).map(ruleFields)).toEqual([self]);
  });
});

describe('Connections egress', () => {
  test('allowEgressToPrefixList: one egress rule to the prefix list on the port, returned again for the same id', () => {
    const stack = testStack();
    const fn = new Box(stack, 'fn');
    const rule = fn.connections.allowEgressToPrefixList('s3', 'pl-1234', 443, 'x'.repeat(300));
    expect(fn.connections.allowEgressToPrefixList('s3', 'pl-5678', 8443, 'other')).toBe(rule);
    const [only, ...more] = egress(synthJson(stack));
    expect(more).toEqual([]);
    expect(only).toMatchObject({ security_group_id: fn.sgRef, prefix_list_id: 'pl-1234', ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'x'.repeat(255) });
    expect(only.cidr_ipv4).toBeUndefined();
  });

  test('allowHttpsEgress: 443 to anywhere, egress only, once, with the reason cut to 255 characters', () => {
    const stack = testStack();
    const fn = new Box(stack, 'fn');
    fn.connections.allowHttpsEgress('y'.repeat(300));
    fn.connections.allowHttpsEgress('again');
    const json = synthJson(stack);
    expect(ingress(json)).toEqual([]);
    expect(egress(json)).toEqual([
      expect.objectContaining({ security_group_id: fn.sgRef, cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'y'.repeat(255) }),
    ]);
  });

  test('allowHttpsEgress without a reason says it goes through a NAT gateway', () => {
    const stack = testStack();
    new Box(stack, 'fn').connections.allowHttpsEgress();
    expect(egress(synthJson(stack))[0].description).toBe('HTTPS to AWS APIs through a NAT gateway');
  });
});

describe('connectionDescription', () => {
  test('names the client, then the server, then the purpose when there is one', () => {
    expect(connectionDescription('Lambda a', 'PostgreSQL b')).toBe('From Lambda a to PostgreSQL b');
    expect(connectionDescription('Lambda a', 'PostgreSQL b', '')).toBe('From Lambda a to PostgreSQL b');
    expect(connectionDescription('Lambda a', 'PostgreSQL b', 'loads CSV files')).toBe('From Lambda a to PostgreSQL b: loads CSV files');
  });

  test('is cut to the 255 characters a security-group rule description allows', () => {
    const long = connectionDescription('Lambda a', 'PostgreSQL b', 'x'.repeat(300));
    expect(long).toHaveLength(255);
    expect(long).toBe(`From Lambda a to PostgreSQL b: ${'x'.repeat(255 - 'From Lambda a to PostgreSQL b: '.length)}`);
  });
});

describe('newSecurityGroup', () => {
  test('a group with no inline rules, named and tagged, whose rules are revoked before it is deleted', () => {
    const stack = testStack();
    newSecurityGroup(stack, 'sg', { name: 'demo-staging-db', description: 'PostgreSQL demo-staging-db', vpcId: 'vpc-1' });
    const [sg] = resources(synthJson(stack), 'aws_security_group');
    expect(sg).toEqual({ name: 'demo-staging-db', description: 'PostgreSQL demo-staging-db', vpc_id: 'vpc-1', revoke_rules_on_delete: true, tags: { Name: 'demo-staging-db' } });
  });

  test('carries the plan-time preconditions it is given', () => {
    const stack = testStack();
    const preconditions = [{ condition: '${1 == 1}', errorMessage: 'one' }];
    newSecurityGroup(stack, 'sg', { name: 'a', description: 'a', vpcId: 'vpc-1', preconditions });
    newSecurityGroup(stack, 'none', { name: 'b', description: 'b', vpcId: 'vpc-1', preconditions: [] });
    const groups = resources(synthJson(stack), 'aws_security_group');
    const withChecks = groups.find((g) => g.name === 'a')!;
    const without = groups.find((g) => g.name === 'b')!;
    expect(withChecks.lifecycle).toEqual({ precondition: [{ condition: '${1 == 1}', error_message: 'one' }] });
    expect(without.lifecycle).toBeUndefined();
  });
});
