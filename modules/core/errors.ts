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
