/**
 * Matching checkov findings against the checked-in skips (`checkov-skips.ts`). Pure: no checkov, no files, so the
 * rules of matching are unit-tested; the verify step runs them over checkov's real output.
 */

/** One finding of checkov on one synthesized stack. `address` is Terraform's (`aws_s3_bucket.raw_1A2B3C`). */
export interface Finding {
  readonly checkId: string;
  readonly checkName: string;
  readonly stack: string;
  readonly address: string;
}

/**
 * A checkov check this project does not apply, everywhere or to some resources, with the reason.
 * `stacks` and `resources` are globs (`*` matches any run of characters) over the stack name and the resource
 * address; absent means every stack / every resource. A skip that matches no finding is reported as stale.
 */
export interface CheckovSkip {
  readonly check: string;
  readonly reason: string;
  readonly stacks?: readonly string[];
  readonly resources?: readonly string[];
}

export interface SkipOutcome {
  readonly failed: Finding[];
  readonly skipped: { finding: Finding; skip: CheckovSkip }[];
  /** Skips that matched nothing: a fixed check whose skip should go, or a glob that no longer matches. */
  readonly stale: CheckovSkip[];
  /** Skips without a reason, or with a check id that is not a checkov id. */
  readonly invalid: { skip: CheckovSkip; problem: string }[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

function matchesAny(value: string, globs: readonly string[] | undefined): boolean {
  return globs === undefined || globs.some((g) => globToRegExp(g).test(value));
}

export function skipMatches(skip: CheckovSkip, finding: Finding): boolean {
  return skip.check === finding.checkId && matchesAny(finding.stack, skip.stacks) && matchesAny(finding.address, skip.resources);
}

const CHECK_ID = /^CKV2?_AWS_\d+$/;
const MIN_REASON_CHARS = 20;

export function validateSkips(skips: readonly CheckovSkip[]): SkipOutcome['invalid'] {
  const invalid: SkipOutcome['invalid'] = [];
  for (const skip of skips) {
    if (!CHECK_ID.test(skip.check)) invalid.push({ skip, problem: `"${skip.check}" is not a checkov AWS check id (CKV_AWS_n or CKV2_AWS_n)` });
    if (skip.reason.trim().length < MIN_REASON_CHARS) {
      invalid.push({ skip, problem: `skip of ${skip.check} needs a reason of at least ${MIN_REASON_CHARS} characters that says why the check does not apply` });
    }
    for (const list of [skip.stacks, skip.resources]) {
      if (list !== undefined && list.length === 0) invalid.push({ skip, problem: `skip of ${skip.check} has an empty list: leave it out to mean "all"` });
    }
  }
  return invalid;
}

/**
 * Splits findings into failed and skipped. Stale skips are reported only when `everyStack` is true: a run over some
 * stacks cannot tell whether a skip still matches in the others.
 */
export function applySkips(findings: readonly Finding[], skips: readonly CheckovSkip[], everyStack: boolean): SkipOutcome {
  const used = new Set<CheckovSkip>();
  const failed: Finding[] = [];
  const skipped: SkipOutcome['skipped'] = [];
  for (const finding of findings) {
    const skip = skips.find((s) => skipMatches(s, finding));
    if (skip) {
      used.add(skip);
      skipped.push({ finding, skip });
    } else failed.push(finding);
  }
  const stale = everyStack ? skips.filter((s) => !used.has(s)) : [];
  return { failed, skipped, stale, invalid: validateSkips(skips) };
}
