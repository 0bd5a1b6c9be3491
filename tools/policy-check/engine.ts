/**
 * Runs the rules over stacks and applies the stack's waivers (`locals.policy_waivers`, written by MigrationStack):
 * `{ "RULE-ID": "reason" }` waives a rule for the whole stack, `{ "RULE-ID:<resource address>": "reason" }` for one
 * resource. A waived violation is reported with its reason, never hidden. Unknown rules or resources in a waiver,
 * and waivers without a reason, are errors.
 */
import { Rule, WaiverHint } from './rule';
import { RULES, RULE_IDS } from './rules';
import { policyWaiversOf, StackIndex, TfJson } from './tf';

export interface Finding {
  readonly rule: string;
  readonly stack: string;
  readonly address: string;
  /** Construct path, when recorded. */
  readonly path?: string;
  readonly message: string;
  readonly fix: string;
  /** The waiver's reason, when the finding is waived. */
  readonly waived?: string;
  /** Set where the module refuses the fix for this resource: the waiver to use instead (already in `fix`). */
  readonly waiverHint?: WaiverHint & { readonly key: string; readonly call: string };
}

/** The stack-relative construct path of a resource (`migration/task/task`), from its recorded path. */
function constructPath(path: string | undefined, stack: string): string | undefined {
  if (!path) return undefined;
  return path.startsWith(`${stack}/`) ? path.slice(stack.length + 1) : path;
}

/** The waivePolicy call for a resource the module refuses to fix; the reason is quoted for a TS string. */
export function waiverCall(rule: string, stack: string, address: string, path: string | undefined, reason: string): string {
  const where = constructPath(path, stack);
  const target = where ? `<the construct at ${where}>` : `<the resource ${address}>`;
  return `this.waivePolicy('${rule}', ${target}, '${reason.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`;
}

export interface RuleTally {
  readonly rule: string;
  readonly summary: string;
  /** Resources the rule looked at. */
  checked: number;
  failed: number;
  waived: number;
  /** Production-only rule skipped in a non-production stack. */
  readonly skipped: boolean;
}

export interface StackResult {
  readonly stack: string;
  readonly production: boolean;
  /** Resources checked (data sources excluded). */
  readonly resourceCount: number;
  readonly findings: Finding[];
  readonly waiverErrors: string[];
  /** Waivers that matched no violation (stale: delete them). */
  readonly unusedWaivers: string[];
  readonly tallies: RuleTally[];
}

const MIN_REASON = 10;

interface Waivers {
  readonly byKey: Map<string, string>;
  readonly errors: string[];
}

function readWaivers(stack: StackIndex): Waivers {
  const raw = policyWaiversOf(stack.json);
  const byKey = new Map<string, string>();
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { byKey, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { byKey, errors: ['policy_waivers must be an object { "RULE-ID": "reason" }'] };
  }
  for (const [key, reason] of Object.entries(raw)) {
    const sep = key.indexOf(':');
    const rule = sep < 0 ? key : key.slice(0, sep);
    const address = sep < 0 ? undefined : key.slice(sep + 1);
    if (!RULE_IDS.has(rule)) {
      errors.push(`waiver "${key}": unknown rule id "${rule}" (waivers name one rule of POLICY_RULES.md; there are no global waivers)`);
      continue;
    }
    if (address !== undefined && !stack.get(address)) {
      errors.push(`waiver "${key}": no resource ${address} in stack ${stack.name}`);
      continue;
    }
    if (typeof reason !== 'string' || reason.trim().length < MIN_REASON) {
      errors.push(`waiver "${key}": the reason must say why, in at least a sentence (got ${JSON.stringify(reason)})`);
      continue;
    }
    byKey.set(key, reason.trim());
  }
  return { byKey, errors };
}

/** Checks one stack. */
export function checkStack(name: string, json: TfJson, rules: readonly Rule[] = RULES): StackResult {
  const stack = new StackIndex(name, json);
  const production = stack.production;
  const waivers = readWaivers(stack);
  const used = new Set<string>();
  const findings: Finding[] = [];
  const tallies: RuleTally[] = [];
  const resources = stack.resources.filter((r) => !r.data);
  for (const rule of rules) {
    const skipped = rule.productionOnly === true && !production;
    const tally: RuleTally = { rule: rule.id, summary: rule.summary, checked: 0, failed: 0, waived: 0, skipped };
    tallies.push(tally);
    if (skipped) continue;
    for (const resource of resources) {
      if (!rule.types.includes('*') && !rule.types.includes(resource.type)) continue;
      tally.checked++;
      for (const v of rule.check(resource, { stack, production })) {
        const key = [`${rule.id}:${resource.address}`, rule.id].find((k) => waivers.byKey.has(k));
        if (key) {
          used.add(key);
          tally.waived++;
        } else {
          tally.failed++;
        }
        const hint = rule.moduleRefusesFix?.(resource, v, { stack, production });
        const waiverKey = `${rule.id}:${resource.address}`;
        const waiverHint = hint ? { ...hint, key: waiverKey, call: waiverCall(rule.id, name, resource.address, resource.path, hint.reason) } : undefined;
        const fix = !waiverHint
          ? v.fix
          : key
            ? `${v.fix} (the module refuses that fix here: ${waiverHint.because}; already waived by "${key}")`
            : `${v.fix}. But the module refuses that fix here: ${waiverHint.because}. Waive it in the stack instead: ${waiverHint.call} (waiver key "${waiverKey}")`;
        findings.push({ rule: rule.id, stack: name, address: resource.address, path: resource.path, ...v, fix, waived: key ? waivers.byKey.get(key) : undefined, waiverHint });
      }
    }
    if (rule.checkStack) {
      tally.checked++;
      for (const v of rule.checkStack({ stack, production })) {
        const waived = waivers.byKey.has(rule.id);
        if (waived) used.add(rule.id);
        tally[waived ? 'waived' : 'failed']++;
        findings.push({ rule: rule.id, stack: name, ...v, waived: waived ? waivers.byKey.get(rule.id) : undefined });
      }
    }
  }
  return {
    stack: name,
    production,
    resourceCount: resources.length,
    findings,
    waiverErrors: waivers.errors,
    unusedWaivers: [...waivers.byKey.keys()].filter((k) => !used.has(k)),
    tallies,
  };
}

/** Unwaived violations plus waiver errors: what makes the check fail. */
export function failureCount(results: readonly StackResult[]): number {
  return results.reduce((n, r) => n + r.findings.filter((f) => !f.waived).length + r.waiverErrors.length, 0);
}

/** One line per finding: `RULE-ID  stack  address  what is wrong -> how to fix`. */
export function formatFinding(f: Finding): string {
  const line = `${f.rule}  ${f.stack}  ${f.address}  ${f.message} -> ${f.fix}`;
  return f.waived ? `WAIVED ${line} [waiver: ${f.waived}]` : line;
}

/** The console report: failures first, then waived findings, waiver problems and a summary line. */
export function formatResults(results: readonly StackResult[]): string {
  const lines: string[] = [];
  const all = results.flatMap((r) => r.findings);
  const failed = all.filter((f) => !f.waived);
  const waived = all.filter((f) => f.waived);
  lines.push(...failed.map(formatFinding));
  if (waived.length) lines.push('', ...waived.map(formatFinding));
  for (const r of results) {
    for (const e of r.waiverErrors) lines.push(`WAIVER-ERROR  ${r.stack}  ${e}`);
    for (const k of r.unusedWaivers) lines.push(`note: ${r.stack}: waiver "${k}" matched no violation; remove it`);
  }
  const resources = results.reduce((n, r) => n + r.resourceCount, 0);
  const errors = results.reduce((n, r) => n + r.waiverErrors.length, 0);
  lines.push(
    '',
    `policy-check: ${results.length} stack(s), ${resources} resource(s), ${failed.length} violation(s), ${waived.length} waived, ${errors} waiver error(s)` +
      (failed.length + errors ? ' -> FAIL' : ' -> OK'),
  );
  return lines.join('\n').replace(/^\n+/, '');
}
