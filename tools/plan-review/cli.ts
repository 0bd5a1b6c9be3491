/**
 * `npm run review -- [--dir cdktf.out] [--out review.out] [--base <git ref> | --base-dir <cdktf.out of the base>] [--synth] [--strict-removals]`
 *
 * Writes `<out>/<stack>.md` per stack and `<out>/SUMMARY.md`: resources by type, the policy check, data flows, a
 * Mermaid diagram and, with a base, what changed (stateful replacements flagged). Stacks of the base that the head
 * no longer has are listed in one summary line, unless `--strict-removals` asks for a report (and alerts) on each.
 * Synthesizes the working tree first when `--synth` is given or the folder holds no stacks. Exit 0 when the reports
 * are written, 2 otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack } from '../policy-check/engine';
import { loadStacks, StackIndex, SynthStack } from '../policy-check/tf';
import { diffStack } from './diff';
import { removedStacksLine, RemovedStackRow, renderStackReport, renderSummary, SummaryRow } from './report';
import { staleOutput, SynthError, synthesize, synthesizeRef } from './synth';

export interface ReviewOptions {
  dir: string;
  out: string;
  base?: string;
  baseDir?: string;
  synth: boolean;
  /** Review every stack the head removed, one report and CAUTION alerts each (default: one summary line for all). */
  strictRemovals: boolean;
}

export function parseArgs(argv: string[]): ReviewOptions {
  const options: ReviewOptions = { dir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', out: 'review.out', synth: false, strictRemovals: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SynthError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--dir') options.dir = value();
    else if (arg === '--out') options.out = value();
    else if (arg === '--base') options.base = value();
    else if (arg === '--base-dir') options.baseDir = value();
    else if (arg === '--synth') options.synth = true;
    else if (arg === '--strict-removals') options.strictRemovals = true;
    else throw new SynthError(`unknown argument ${arg}. Usage: npm run review -- [--dir cdktf.out] [--out review.out] [--base <git ref> | --base-dir <dir>] [--synth] [--strict-removals]`);
  }
  if (options.base && options.baseDir) throw new SynthError('give --base or --base-dir, not both');
  return options;
}

export interface ReviewResult {
  /** SUMMARY.md first, then one report per stack. */
  readonly files: string[];
  /** Stateful replacements, removals, moves, region or state changes, prefixed with the stack name. */
  readonly warnings: string[];
  /** Stacks of the base the head no longer has, summarised in one line (empty with `strictRemovals`). */
  readonly removedStacks: string[];
}

export interface WriteReviewOptions {
  /** Report each stack the head removed, with its CAUTION alerts. @default false: one summary line for all of them */
  readonly strictRemovals?: boolean;
}

/** Writes the reports. */
export function writeReviews(head: SynthStack[], base: SynthStack[] | undefined, out: string, baseRef?: string, options: WriteReviewOptions = {}): ReviewResult {
  fs.mkdirSync(out, { recursive: true });
  // A fork's first review against the template shows every example it deleted as removed; those were never
  // deployed by the fork, so they are one line in the summary unless asked for one by one.
  const removed: RemovedStackRow[] = options.strictRemovals
    ? []
    : (base ?? [])
        .filter((b) => !head.some((h) => h.name === b.name))
        .map((b) => ({ name: b.name, resources: new StackIndex(b.name, b.json).resources.filter((r) => !r.data).length }))
        .sort((a, b) => a.name.localeCompare(b.name));
  const names = [...new Set([...head.map((s) => s.name), ...(base ?? []).map((s) => s.name)])].filter((n) => !removed.some((r) => r.name === n)).sort();
  const rows: SummaryRow[] = [];
  const files: string[] = [];
  for (const name of names) {
    const h = head.find((s) => s.name === name);
    const b = base?.find((s) => s.name === name);
    // A removed stack is reported from its base revision.
    const json = (h ?? b)!.json;
    const index = new StackIndex(name, json);
    const policy = checkStack(name, json);
    const diff = base ? diffStack(name, b?.json, h?.json) : undefined;
    const file = path.join(out, `${name}.md`);
    fs.writeFileSync(file, renderStackReport({ name, index, policy, diff, baseRef }));
    files.push(file);
    rows.push({ name, policy, diff, resources: index.resources.filter((r) => !r.data).length });
  }
  const summary = path.join(out, 'SUMMARY.md');
  fs.writeFileSync(summary, renderSummary(rows, baseRef, removed));
  const warnings = rows.flatMap((r) => (r.diff?.warnings ?? []).map((w) => `${r.name}: ${w}`));
  if (removed.length) warnings.push(removedStacksLine(removed));
  return { files: [summary, ...files], warnings, removedStacks: removed.map((r) => r.name) };
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  const repoRoot = process.cwd();
  let head = loadStacks(options.dir);
  const stale = head.length && !options.synth ? staleOutput(repoRoot, options.dir) : undefined;
  if (options.synth || !head.length || stale) {
    process.stderr.write(`plan-review: synthesizing the working tree into ${options.dir}${stale ? ` (${stale})` : ''}\n`);
    process.stderr.write(`${synthesize(repoRoot, options.dir)}\n`);
    head = loadStacks(options.dir);
  }
  if (!head.length) {
    process.stderr.write(`plan-review: no stacks in ${options.dir}/stacks; does main.ts register any?\n`);
    return 2;
  }
  let base: SynthStack[] | undefined;
  let baseRef: string | undefined;
  if (options.base) {
    process.stderr.write(`plan-review: synthesizing ${options.base} in a temporary worktree\n`);
    const synth = synthesizeRef(repoRoot, options.base);
    try {
      base = loadStacks(synth.outdir);
      baseRef = `${options.base} (${synth.commit.slice(0, 10)})`;
    } finally {
      synth.cleanup();
    }
  } else if (options.baseDir) {
    base = loadStacks(options.baseDir);
    baseRef = options.baseDir;
    if (!base.length) {
      process.stderr.write(`plan-review: no stacks in ${options.baseDir}/stacks\n`);
      return 2;
    }
  }
  const { files, warnings } = writeReviews(head, base, options.out, baseRef, { strictRemovals: options.strictRemovals });
  for (const w of warnings) process.stdout.write(`WARNING ${w}\n`);
  process.stdout.write(`plan-review: wrote ${files.length} report(s) to ${options.out}/ (start with ${files[0]})\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    process.stderr.write(`plan-review: ${e.message}\n`);
    process.exitCode = 2;
  }
}
