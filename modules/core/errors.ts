import { Construct } from 'constructs';
import { Token } from './cdktf';

/**
 * A configuration mistake found at synth. The message names the construct path, the bad value and the fix,
 * so `npm run synth` fails before anything reaches Terraform.
 */
export class ValidationError extends Error {
  constructor(scope: Construct | string, message: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    super(`${path}: ${message}`);
    this.name = 'ValidationError';
  }
}

/** True when a value is known at synth (not a Terraform token to be resolved at plan). */
export function isResolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return !Token.isUnresolved(value);
  if (typeof value === 'number') return !Token.isUnresolved(value);
  if (Array.isArray(value)) return !Token.isUnresolved(value);
  return true;
}

/** Throws a ValidationError when `condition` is false. */
export function check(condition: boolean, scope: Construct | string, message: string): asserts condition {
  if (!condition) throw new ValidationError(scope, message);
}

/** Validates an integer prop (skipped when the value is a token). */
export function checkRange(
  scope: Construct,
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  hint = '',
): void {
  if (value === undefined || !isResolved(value)) return;
  check(
    Number.isInteger(value) && value >= min && value <= max,
    scope,
    `${name} must be an integer from ${min} to ${max}, got ${value}.${hint ? ' ' + hint : ''}`,
  );
}

/** A dotted-quad IPv4 address (each octet 0-255). */
export const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * A CIDR such as 10.20.0.0/16: IPv4 (the egress rules the modules add are IPv4) and a network address, as the
 * provider's `cidr_ipv4` takes it (`aws_vpc_security_group_egress_rule` refuses 10.20.30.40/16 at validate: "must be a
 * valid IPv4 CIDR that represents a network address", checked with OpenTofu and provider 5.100.0).
 */
export function checkCidr(scope: Construct, prop: string, cidr: string): void {
  if (!isResolved(cidr)) return;
  const [address, bits, extra] = cidr.split('/');
  check(extra === undefined && IPV4.test(address) && /^\d{1,2}$/.test(bits ?? '') && Number(bits) <= 32, scope, `${prop} must be an IPv4 CIDR such as 10.20.0.0/16; got "${cidr}".`);
  const octets = address.split('.').map(Number);
  const value = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - Number(bits));
  const network = value - (value % size);
  const networkAddress = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
  check(network === value, scope, `${prop} "${cidr}" is not a network address (its host bits are set); use ${networkAddress}/${bits}, or ${address}/32 for the one server.`);
}
