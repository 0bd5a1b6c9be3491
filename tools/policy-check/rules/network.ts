import { mustBeSet, Rule, violation, Violation } from '../rule';
import { ingressPermissions } from '../security-groups';
import { blocks, isSet } from '../tf';

const SG_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'];
const WORLD = new Set(['0.0.0.0/0', '::/0']);

const portText = (from?: number, to?: number) => (from === undefined ? 'all ports' : from === to ? `port ${from}` : `ports ${from}-${to}`);

export const networkRules: Rule[] = [
  {
    // Found by checkov (CKV2_AWS_12) before this project had the rule: the default group of a VPC the stack creates
    // allows all traffic between its members, and anything launched without a group lands in it.
    id: 'VPC-DEFAULT-SG',
    summary: "a VPC created in the stack has its default security group adopted with no rules",
    types: ['aws_vpc'],
    check: (vpc, { stack }) => {
      const fix = 'add an aws_default_security_group with vpc_id = this VPC and no ingress or egress blocks (Terraform then removes the allow-all rules)';
      const adopted = stack.referencing('aws_default_security_group', 'vpc_id', vpc);
      if (!adopted.length) return [violation('the default security group is not adopted, so it keeps its allow-all rules', fix)];
      return adopted.flatMap((sg) =>
        ['ingress', 'egress']
          .filter((direction) => blocks(sg.attrs[direction]).length > 0)
          .map((direction) => violation(`${sg.address} keeps ${blocks(sg.attrs[direction]).length} ${direction} rule(s)`, fix)),
      );
    },
  },
  {
    id: 'SG-NO-WORLD-INGRESS',
    summary: 'no 0.0.0.0/0 or ::/0 ingress on any port; sources are security groups',
    types: SG_TYPES,
    check: (r, { stack }) =>
      ingressPermissions(stack)
        .filter((p) => p.rule === r)
        .flatMap((p): Violation[] => {
          const fix = 'admit the client by security group (connections.allowDefaultPortFrom(peer)) instead of an address range';
          const world = p.cidrs.filter((c) => WORLD.has(c));
          if (world.length) return [violation(`ingress on ${portText(p.fromPort, p.toPort)} is open to ${world.join(' and ')}`, fix)];
          if (p.cidrs.length) return [violation(`ingress on ${portText(p.fromPort, p.toPort)} comes from CIDR ${p.cidrs.join(', ')}, not a security group`, fix)];
          if (p.prefixLists.length) return [violation(`ingress on ${portText(p.fromPort, p.toPort)} comes from prefix list ${p.prefixLists.join(', ')}, not a security group`, fix)];
          return [];
        }),
  },
  {
    id: 'SG-DESCRIBED',
    summary: 'every group and rule has a description',
    types: SG_TYPES,
    check: (r) => {
      const fix = 'describe who connects and why, e.g. "From Lambda billing-prod-loader to postgres"';
      if (r.type !== 'aws_security_group') {
        const missing = mustBeSet(r.attrs, 'description', fix);
        return missing ? [missing] : [];
      }
      const out: Violation[] = [];
      if (!isSet(r.attrs.description) || r.attrs.description === 'Managed by Terraform') {
        out.push(violation(`description is ${r.attrs.description === undefined ? 'absent (the provider writes "Managed by Terraform")' : JSON.stringify(r.attrs.description)}`, 'describe what the group protects'));
      }
      for (const direction of ['ingress', 'egress']) {
        blocks(r.attrs[direction]).forEach((rule, i) => {
          if (!isSet(rule.description)) out.push(violation(`inline ${direction} rule #${i + 1} has no description`, fix));
        });
      }
      return out;
    },
  },
];
