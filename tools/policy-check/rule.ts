/**
 * The shape of a policy rule and the small assertions rules are built from. A rule is a pure function of one
 * resource and its stack: it returns what is wrong and how to fix it, or nothing.
 */
import { isLiteral, isSet, isToken, literalNumber, literalString, show, StackIndex, TfResource } from './tf';

export interface Violation {
  /** What is wrong, naming the attribute and the value found. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

export interface RuleContext {
  readonly stack: StackIndex;
  /** Production-only rules (marked `(prod)` in POLICY_RULES.md) run only when this is true. */
  readonly production: boolean;
}

export interface Rule {
  /** As in POLICY_RULES.md, e.g. `RDS-ENCRYPT`. */
  readonly id: string;
  /** One line: what the rule demands. */
  readonly summary: string;
  /** Resource types checked; `*` for every resource. Data sources are never checked directly. */
  readonly types: readonly string[];
  readonly productionOnly?: boolean;
  check(resource: TfResource, ctx: RuleContext): Violation[];
  /**
   * Where the kit's module itself refuses the fix for this resource (e.g. DMS-TASK-VALIDATION on a task that masks
   * columns: dms-migration turns validation off and refuses `validation: true`), why; the finding then names the
   * `waivePolicy` call to use instead of a fix nobody can apply. Undefined where the fix can be applied.
   */
  moduleRefusesFix?(resource: TfResource, violation: Violation, ctx: RuleContext): WaiverHint | undefined;
  /** Checks on the stack outside its resources (provider, backend, locals, variables, data sources). */
  checkStack?(ctx: RuleContext): StackViolation[];
}

/** Why the module refuses a rule's fix for one resource, and a reason to start the waiver from. */
export interface WaiverHint {
  /** What the module does instead, and why (DMS guide or provider behaviour). */
  readonly because: string;
  /** A starting reason for the waiver (the reviewer reads it; edit it to the case). */
  readonly reason: string;
}

/** A violation outside the resources: `address` is `provider.aws`, `terraform.backend.s3`, `locals`, `variable.x`... */
export interface StackViolation extends Violation {
  readonly address: string;
}

/** How a found value reads in a message. */
export function found(value: unknown): string {
  if (value === undefined || value === null) return 'absent';
  if (isToken(value)) return `an expression resolved only at plan (${show(value)})`;
  return show(value);
}

const v = (message: string, fix: string): Violation => ({ message, fix });

/** The attribute must be the literal boolean `expected` (absent and tokens fail). */
export function mustBe(attrs: Record<string, unknown>, attr: string, expected: boolean, fix: string, label = attr): Violation | undefined {
  return isLiteral(attrs[attr], expected) ? undefined : v(`${label} is ${found(attrs[attr])}; must be the literal ${expected}`, fix);
}

/** The attribute must be present and non-empty; a token counts as set. */
export function mustBeSet(attrs: Record<string, unknown>, attr: string, fix: string, label = attr): Violation | undefined {
  return isSet(attrs[attr]) ? undefined : v(`${label} is not set`, fix);
}

/** The attribute must be a literal number >= `min` (and <= `max` when given). */
export function mustBeAtLeast(attrs: Record<string, unknown>, attr: string, min: number, fix: string, label = attr): Violation | undefined {
  const n = literalNumber(attrs[attr]);
  return n !== undefined && n >= min ? undefined : v(`${label} is ${found(attrs[attr])}; must be a literal number >= ${min}`, fix);
}

/** The attribute must be one of the literal strings (compared case-sensitively, as AWS does). */
export function mustBeOneOf(attrs: Record<string, unknown>, attr: string, allowed: readonly string[], fix: string, label = attr): Violation | undefined {
  const s = literalString(attrs[attr]);
  return s !== undefined && allowed.includes(s) ? undefined : v(`${label} is ${found(attrs[attr])}; must be ${allowed.map((a) => `"${a}"`).join(' or ')}`, fix);
}

/** Collects the defined violations. */
export function all(...found: Array<Violation | undefined | Violation[]>): Violation[] {
  return found.flat().filter((x): x is Violation => x !== undefined);
}

export { v as violation };
