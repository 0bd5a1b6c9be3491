/**
 * Security-group facts shared by the rules and the report: which groups a resource sits in, and every ingress
 * permission (from a group, a CIDR or a prefix list) however it was written (inline block, aws_security_group_rule,
 * aws_vpc_security_group_ingress_rule).
 */
import { Attrs, blocks, block, refsIn, StackIndex, TfResource } from './tf';

export interface IngressPermission {
  /** The rule resource (or the group, for inline rules). */
  readonly rule: TfResource;
  /** Address of the group receiving traffic, or the raw value when it is not a group of this stack. */
  readonly to: string;
  /** Address of the source group, or undefined when the source is a CIDR / prefix list. */
  readonly fromGroup?: string;
  readonly cidrs: string[];
  readonly prefixLists: string[];
  readonly self: boolean;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly description?: unknown;
}

const groupAddress = (value: unknown): string | undefined =>
  refsIn(value).find((r) => r.type === 'aws_security_group')?.address ?? (typeof value === 'string' && value ? value : undefined);

const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : undefined);
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : typeof x === 'string' && x ? [x] : []);

/** Every ingress permission in the stack. */
export function ingressPermissions(stack: StackIndex): IngressPermission[] {
  const out: IngressPermission[] = [];
  for (const sg of stack.ofType('aws_security_group')) {
    for (const rule of blocks(sg.attrs.ingress)) {
      const groups = strings(rule.security_groups);
      const base = {
        rule: sg,
        to: sg.address,
        cidrs: [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)],
        prefixLists: strings(rule.prefix_list_ids),
        self: rule.self === true || rule.self === 'true',
        protocol: String(rule.protocol ?? ''),
        fromPort: num(rule.from_port),
        toPort: num(rule.to_port),
        description: rule.description,
      };
      if (groups.length === 0) out.push(base);
      for (const g of groups) out.push({ ...base, fromGroup: groupAddress(g) });
    }
  }
  for (const r of stack.ofType('aws_security_group_rule')) {
    if (r.attrs.type !== 'ingress') continue;
    out.push({
      rule: r,
      to: groupAddress(r.attrs.security_group_id) ?? '?',
      fromGroup: groupAddress(r.attrs.source_security_group_id),
      cidrs: [...strings(r.attrs.cidr_blocks), ...strings(r.attrs.ipv6_cidr_blocks)],
      prefixLists: strings(r.attrs.prefix_list_ids),
      self: r.attrs.self === true || r.attrs.self === 'true',
      protocol: String(r.attrs.protocol ?? ''),
      fromPort: num(r.attrs.from_port),
      toPort: num(r.attrs.to_port),
      description: r.attrs.description,
    });
  }
  for (const r of stack.ofType('aws_vpc_security_group_ingress_rule')) {
    out.push({
      rule: r,
      to: groupAddress(r.attrs.security_group_id) ?? '?',
      fromGroup: groupAddress(r.attrs.referenced_security_group_id),
      cidrs: [...strings(r.attrs.cidr_ipv4), ...strings(r.attrs.cidr_ipv6)],
      prefixLists: strings(r.attrs.prefix_list_id),
      self: false,
      protocol: String(r.attrs.ip_protocol ?? ''),
      fromPort: num(r.attrs.from_port),
      toPort: num(r.attrs.to_port),
      description: r.attrs.description,
    });
  }
  return out;
}

/** Addresses of the security groups a resource is placed in (Lambda, RDS, DMS, Neptune, Glue connection, endpoints...). */
export function securityGroupsOf(resource: TfResource): string[] {
  const a = resource.attrs;
  const candidates: unknown[] = [
    a.vpc_security_group_ids,
    a.security_group_ids,
    block(a.vpc_config)?.security_group_ids,
    (block(a.physical_connection_requirements) as Attrs | undefined)?.security_group_id_list,
    block(a.network_configuration)?.security_groups,
    block(a.compute_config)?.vpc_security_group_ids,
  ];
  return [...new Set(candidates.flatMap((c) => refsIn(c).filter((r) => r.type === 'aws_security_group').map((r) => r.address)))];
}

/** For each security group address, the resources placed in it (its "owners"). */
export function groupOwners(stack: StackIndex): Map<string, TfResource[]> {
  const owners = new Map<string, TfResource[]>();
  for (const r of stack.resources) {
    if (r.data) continue;
    for (const sg of securityGroupsOf(r)) owners.set(sg, [...(owners.get(sg) ?? []), r]);
  }
  return owners;
}
