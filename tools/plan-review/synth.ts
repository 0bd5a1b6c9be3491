/**
 * Synthesizing a revision for review: the working tree (`tsx main.ts` with CDKTF_OUTDIR), or another git revision
 * checked out in a temporary worktree that borrows this checkout's node_modules (no install), removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class SynthError extends Error {}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new SynthError(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SynthError(`\`${path.basename(command)} ${args.join(' ')}\` in ${cwd} failed (exit ${result.status}):\n${output}`);
  }
  return result.stdout;
}

/** Runs the project's main.ts in `projectDir`, writing cdktf.out to `outdir`. Returns what main.ts printed. */
export function synthesize(projectDir: string, outdir: string, tsxBin = path.join(projectDir, 'node_modules', '.bin', 'tsx')): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  return run(tsxBin, ['main.ts'], projectDir, { ...process.env, CDKTF_OUTDIR: path.resolve(outdir) }).trim();
}

/** What a synthesized output depends on: the app, its modules, stacks, Lambdas, templates and the pinned packages. */
export const SYNTH_INPUTS = ['main.ts', 'modules', 'stacks', 'lambdas', 'templates', 'package-lock.json', 'cdktf.json'];
/** Files under the inputs that synth never reads: tests (each project's own lives in stacks/<project>/). */
const NOT_SYNTH_INPUT = /\.test\.ts$/;

function newestFile(p: string): { file: string; mtimeMs: number } | undefined {
  if (!fs.existsSync(p)) return undefined;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return { file: p, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || (entry.isFile() && NOT_SYNTH_INPUT.test(entry.name))) continue;
    const found = newestFile(path.join(p, entry.name));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/**
 * Why the synthesized output in `outdir` no longer matches the code in `projectDir`, or undefined when it is newer
 * than every input (`SYNTH_INPUTS`). A review of a stale output would show yesterday's Terraform as today's.
 */
export function staleOutput(projectDir: string, outdir: string): string | undefined {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return undefined;
  const outputs = fs.readdirSync(stacksDir).map((s) => path.join(stacksDir, s, 'cdk.tf.json')).filter((f) => fs.existsSync(f));
  if (!outputs.length) return undefined;
  const oldestOutput = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs));
  const newestInput = SYNTH_INPUTS.map((p) => newestFile(path.join(projectDir, p))).filter((x) => x !== undefined).sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  if (!newestInput || newestInput.mtimeMs <= oldestOutput) return undefined;
  return `${path.relative(projectDir, newestInput.file)} changed after ${path.relative(projectDir, outdir) || outdir} was synthesized`;
}

export interface BaseSynth {
  /** cdktf output folder of the base revision. */
  readonly outdir: string;
  /** The commit the ref resolved to. */
  readonly commit: string;
  /** Removes the temporary folder. */
  cleanup(): void;
}

/**
 * Synthesizes `ref` (a branch, tag or commit) of the repository at `repoRoot` into a temporary folder: `git worktree
 * add --detach`, a symlink to this checkout's node_modules, `tsx main.ts`, then `git worktree remove`.
 */
export function synthesizeRef(repoRoot: string, ref: string): BaseSynth {
  let commit: string;
  try {
    commit = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], repoRoot).trim();
  } catch {
    throw new SynthError(`--base ${ref}: not a commit, branch or tag in ${repoRoot}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-review-'));
  const tree = path.join(tmp, 'tree');
  const outdir = path.join(tmp, 'cdktf.out');
  const cleanup = () => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repoRoot });
    fs.rmSync(tmp, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: repoRoot });
  };
  try {
    run('git', ['worktree', 'add', '--detach', tree, commit], repoRoot);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    synthesize(tree, outdir, path.join(repoRoot, 'node_modules', '.bin', 'tsx'));
    // The worktree is no longer needed; the output stays until cleanup().
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repoRoot });
    return { outdir, commit, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
