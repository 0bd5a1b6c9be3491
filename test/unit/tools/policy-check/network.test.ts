import { findingsOf, messagesOf, Resources } from './helpers';

const group = (attrs: Record<string, unknown> = {}): Resources => ({ aws_security_group: { db: { name: 'db', description: 'Postgres demo-staging-db', vpc_id: 'v', ...attrs } } });

describe('VPC-DEFAULT-SG', () => {
  const vpc = { aws_vpc: { main: { cidr_block: '10.0.0.0/16' } } };
  test('passes a VPC whose default group is adopted with no rules', () => {
    expect(findingsOf('VPC-DEFAULT-SG', { ...vpc, aws_default_security_group: { d: { vpc_id: '${aws_vpc.main.id}' } } })).toEqual([]);
  });

  test.each([
    ['the default group is not adopted', vpc, /aws_vpc.main: the default security group is not adopted/],
    ['another VPC adopts it', { ...vpc, aws_default_security_group: { d: { vpc_id: '${aws_vpc.other.id}' } } }, /is not adopted/],
    ['the adopted group keeps an ingress rule', { ...vpc, aws_default_security_group: { d: { vpc_id: '${aws_vpc.main.id}', ingress: [{ self: true, protocol: '-1', from_port: 0, to_port: 0 }] } } }, /aws_default_security_group.d keeps 1 ingress rule/],
    ['the adopted group keeps an egress rule', { ...vpc, aws_default_security_group: { d: { vpc_id: '${aws_vpc.main.id}', egress: [{ cidr_blocks: ['0.0.0.0/0'], protocol: '-1', from_port: 0, to_port: 0 }] } } }, /keeps 1 egress rule/],
  ])('fails when %s', (_, resources, message) => {
    expect(messagesOf('VPC-DEFAULT-SG', resources as Resources)).toMatch(message);
  });

  test('says how to adopt the default group', () => {
    expect(findingsOf('VPC-DEFAULT-SG', vpc)[0].fix).toBe(
      'add an aws_default_security_group with vpc_id = this VPC and no ingress or egress blocks (Terraform then removes the allow-all rules)',
    );
  });
});

describe('security-group rules', () => {
  describe('SG-NO-WORLD-INGRESS', () => {
    test('passes ingress by security-group reference and CIDR egress', () => {
      const resources: Resources = {
        ...group(),
        aws_vpc_security_group_ingress_rule: { in: { security_group_id: '${aws_security_group.db.id}', referenced_security_group_id: '${aws_security_group.fn.id}', ip_protocol: 'tcp', from_port: 5432, to_port: 5432, description: 'From Lambda' } },
        aws_vpc_security_group_egress_rule: { out: { security_group_id: '${aws_security_group.fn.id}', cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443, description: 'HTTPS' } },
        aws_security_group_rule: { legacy: { type: 'ingress', security_group_id: '${aws_security_group.db.id}', source_security_group_id: '${aws_security_group.fn.id}', protocol: 'tcp', from_port: 5432, to_port: 5432 } },
      };
      expect(findingsOf('SG-NO-WORLD-INGRESS', resources)).toEqual([]);
    });

    test.each([
      ['a 0.0.0.0/0 ingress rule', { aws_vpc_security_group_ingress_rule: { r: { security_group_id: '${aws_security_group.db.id}', cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 } } }, /aws_vpc_security_group_ingress_rule.r: ingress on port 5432 is open to 0.0.0.0\/0/],
      ['an ::/0 ingress on every port', { aws_vpc_security_group_ingress_rule: { r: { security_group_id: 'sg-1', cidr_ipv6: '::/0', ip_protocol: '-1' } } }, /ingress on all ports is open to ::\/0/],
      ['a VPC-CIDR ingress', { aws_security_group_rule: { r: { type: 'ingress', security_group_id: 'sg-1', cidr_blocks: ['10.0.0.0/16'], protocol: 'tcp', from_port: 5432, to_port: 5433 } } }, /ingress on ports 5432-5433 comes from CIDR 10.0.0.0\/16, not a security group/],
      ['an inline world ingress', group({ ingress: [{ cidr_blocks: ['0.0.0.0/0'], from_port: 22, to_port: 22, protocol: 'tcp', description: 'ssh' }] }), /aws_security_group.db: ingress on port 22 is open to 0.0.0.0\/0/],
      ['a prefix-list ingress', { aws_vpc_security_group_ingress_rule: { r: { security_group_id: 'sg-1', prefix_list_id: 'pl-123', ip_protocol: 'tcp', from_port: 443, to_port: 443 } } }, /comes from prefix list pl-123/],
    ])('fails on %s', (_, resources, message) => {
      expect(messagesOf('SG-NO-WORLD-INGRESS', resources as Resources)).toMatch(message);
    });

    test('a finding lands on the rule that opens the port, not on every group and rule of the stack', () => {
      const resources: Resources = {
        ...group(),
        aws_vpc_security_group_ingress_rule: {
          open: { security_group_id: '${aws_security_group.db.id}', cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 },
          peer: { security_group_id: '${aws_security_group.db.id}', referenced_security_group_id: '${aws_security_group.fn.id}', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 },
        },
      };
      expect(findingsOf('SG-NO-WORLD-INGRESS', resources).map((f) => f.address)).toEqual(['aws_vpc_security_group_ingress_rule.open']);
    });

    test('names both world ranges of one rule, and reports the world before other CIDRs of the same rule', () => {
      const resources = group({ ingress: [{ cidr_blocks: ['10.0.0.0/8', '0.0.0.0/0'], ipv6_cidr_blocks: ['::/0'], from_port: 443, to_port: 443, protocol: 'tcp', description: 'https' }] });
      expect(findingsOf('SG-NO-WORLD-INGRESS', resources).map((f) => f.message)).toEqual(['ingress on port 443 is open to 0.0.0.0/0 and ::/0']);
    });

    test('lists every CIDR and prefix list of a rule', () => {
      expect(messagesOf('SG-NO-WORLD-INGRESS', group({ ingress: [{ cidr_blocks: ['10.0.0.0/16', '10.1.0.0/16'], from_port: 22, to_port: 22, protocol: 'tcp', description: 'ssh' }] }))).toMatch(
        /comes from CIDR 10.0.0.0\/16, 10.1.0.0\/16, not a security group -> admit the client by security group/,
      );
      expect(messagesOf('SG-NO-WORLD-INGRESS', group({ ingress: [{ prefix_list_ids: ['pl-1', 'pl-2'], from_port: 443, to_port: 443, protocol: 'tcp', description: 'x' }] }))).toMatch(
        /comes from prefix list pl-1, pl-2, not a security group/,
      );
    });
  });

  describe('SG-DESCRIBED', () => {
    test('numbers inline rules per direction and reports each undescribed one', () => {
      const resources = group({
        ingress: [{ description: 'ok', security_groups: ['sg-2'], protocol: 'tcp', from_port: 1, to_port: 1 }, { security_groups: ['sg-3'], protocol: 'tcp', from_port: 2, to_port: 2 }],
        egress: [{ cidr_blocks: ['0.0.0.0/0'], protocol: '-1', from_port: 0, to_port: 0 }],
      });
      expect(findingsOf('SG-DESCRIBED', resources).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'inline ingress rule #2 has no description -> describe who connects and why, e.g. "From Lambda billing-prod-loader to postgres"',
        'inline egress rule #1 has no description -> describe who connects and why, e.g. "From Lambda billing-prod-loader to postgres"',
      ]);
    });

    test('a group without a description is told to describe what it protects', () => {
      expect(messagesOf('SG-DESCRIBED', group({ description: '' }))).toMatch(/aws_security_group.db: description is "" -> describe what the group protects/);
    });

    test('passes described groups and rules (a token description counts)', () => {
      const resources: Resources = {
        ...group({ egress: [{ description: 'HTTPS', cidr_blocks: ['0.0.0.0/0'], from_port: 443, to_port: 443, protocol: 'tcp' }] }),
        aws_vpc_security_group_ingress_rule: { in: { security_group_id: 'sg', description: '${var.why}', ip_protocol: '-1' } },
      };
      expect(findingsOf('SG-DESCRIBED', resources)).toEqual([]);
    });

    test.each([
      ['the group has no description', group({ description: undefined }), /description is absent \(the provider writes "Managed by Terraform"\)/],
      ['the group keeps the provider default', group({ description: 'Managed by Terraform' }), /description is "Managed by Terraform"/],
      ['an inline rule has none', group({ ingress: [{ security_groups: ['sg-2'], from_port: 5432, to_port: 5432, protocol: 'tcp' }] }), /inline ingress rule #1 has no description/],
      ['a rule resource has none', { aws_vpc_security_group_egress_rule: { e: { security_group_id: 'sg', ip_protocol: '-1', referenced_security_group_id: 'sg' } } }, /aws_vpc_security_group_egress_rule.e: description is not set/],
      ['a rule resource has an empty one', { aws_security_group_rule: { e: { type: 'egress', security_group_id: 'sg', protocol: '-1', description: '' } } }, /description is not set/],
    ])('fails when %s', (_, resources, message) => {
      expect(messagesOf('SG-DESCRIBED', resources as Resources)).toMatch(message);
    });
  });
});
