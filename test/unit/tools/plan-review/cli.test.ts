import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, writeReviews } from '../../../../tools/plan-review/cli';
import { staleOutput, SynthError, synthesizeRef } from '../../../../tools/plan-review/synth';
import { loadStacks } from '../../../../tools/policy-check/tf';
import { FIXTURES } from './helpers';

const REPO = path.resolve(__dirname, '../../../..');
const tmpRoot = path.join(REPO, '.build', 'tmp');

describe('npm run review', () => {
  let dir: string;
  beforeEach(() => {
    fs.mkdirSync(tmpRoot, { recursive: true });
    dir = fs.mkdtempSync(path.join(tmpRoot, 'plan-review-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes one report per stack and a summary', () => {
    const { files, warnings } = writeReviews(loadStacks(path.join(FIXTURES, 'head')), loadStacks(path.join(FIXTURES, 'base')), dir, 'base');
    expect(files.map((f) => path.basename(f))).toEqual(['SUMMARY.md', 'shop-staging.md']);
    expect(warnings).toEqual([
      expect.stringMatching(/^shop-staging: RENAME of aws_db_instance.db \(shop-staging-db -> shop-staging-orders-db\): /),
      expect.stringMatching(/^shop-staging: MOVED stateful aws_s3_bucket.raw -> aws_s3_bucket.landing: /),
    ]);
    expect(fs.readFileSync(path.join(dir, 'shop-staging.md'), 'utf8')).toContain('## Changes since `base`');
  });

  test('with --strict-removals, reports a stack that exists only in the base as removed, with its alerts', () => {
    const base = loadStacks(path.join(FIXTURES, 'base'));
    const renamed = [{ ...base[0], name: 'shop-old' }];
    const { warnings, removedStacks } = writeReviews(loadStacks(path.join(FIXTURES, 'head')), renamed, dir, 'base', { strictRemovals: true });
    expect(fs.readFileSync(path.join(dir, 'shop-old.md'), 'utf8')).toContain('This stack was **removed**');
    expect(fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8')).toContain('| [shop-old](shop-old.md) |');
    expect(warnings.filter((w) => w.startsWith('shop-old: REMOVAL')).length).toBeGreaterThan(1);
    expect(removedStacks).toEqual([]);
  });

  test('collapses stacks the head removed into one summary line (a fork\'s first review against the template)', () => {
    const [shop] = loadStacks(path.join(FIXTURES, 'base'));
    const head = loadStacks(path.join(FIXTURES, 'head'));
    // The template's main has the fork's stack plus two examples the fork deleted.
    const base = [shop, { ...shop, name: 'example-b-staging' }, { ...shop, name: 'example-a-production' }];
    const { files, warnings, removedStacks } = writeReviews(head, base, dir, 'main');
    expect(removedStacks).toEqual(['example-a-production', 'example-b-staging']);
    expect(files.map((f) => path.basename(f))).toEqual(['SUMMARY.md', 'shop-staging.md']);
    const removedWarnings = warnings.filter((w) => w.includes('example-'));
    expect(removedWarnings).toEqual([expect.stringMatching(/^2 stack\(s\) of the base are not in this revision and are not reviewed: example-a-production \(\d+ resources\), example-b-staging \(\d+ resources\)\. .*--strict-removals/)]);
    const summary = fs.readFileSync(path.join(dir, 'SUMMARY.md'), 'utf8');
    expect(summary).toContain(`> [!NOTE]\n> ${removedWarnings[0]}`);
    expect(summary).not.toContain('[example-a-production](');
    expect(summary.match(/\[!CAUTION\]/g)).toHaveLength(warnings.length - 1); // the head stack's own alerts only
  });

  test('parses its options', () => {
    expect(parseArgs(['--out', 'r', '--base', 'main'])).toMatchObject({ out: 'r', base: 'main', synth: false, strictRemovals: false });
    expect(parseArgs(['--base', 'main', '--strict-removals'])).toMatchObject({ strictRemovals: true });
    expect(() => parseArgs(['--base'])).toThrow('--base needs a value');
    expect(() => parseArgs(['--base', 'main', '--base-dir', 'x'])).toThrow('give --base or --base-dir, not both');
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown argument --frobnicate/);
  });

  describe('--base synthesizes another revision in a temporary worktree', () => {
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
    // A stand-in project: main.ts writes one stack whose content depends on the revision.
    const mainTs = (bucket: string) =>
      [
        "import * as fs from 'node:fs';",
        "const out = process.env.CDKTF_OUTDIR ?? 'cdktf.out';",
        "fs.mkdirSync(`${out}/stacks/demo`, { recursive: true });",
        `fs.writeFileSync(\`\${out}/stacks/demo/cdk.tf.json\`, JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: '${bucket}' } } } }));`,
      ].join('\n');

    test('synthesizes the ref, then removes the worktree and the temporary folder', () => {
      git(dir, 'init', '-q');
      fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
      fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      fs.writeFileSync(path.join(dir, 'main.ts'), mainTs('old-name'));
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'one');
      fs.writeFileSync(path.join(dir, 'main.ts'), mainTs('new-name'));
      git(dir, 'commit', '-qam', 'two');

      const base = synthesizeRef(dir, 'HEAD~1');
      try {
        const stacks = loadStacks(base.outdir);
        expect(stacks.map((s) => s.json.resource)).toEqual([{ aws_s3_bucket: { b: { bucket: 'old-name' } } }]);
        expect(base.commit).toMatch(/^[0-9a-f]{40}$/);
        // Only the main working tree is left.
        expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
      } finally {
        base.cleanup();
      }
      expect(fs.existsSync(base.outdir)).toBe(false);
    });

    test('fails when the ref does not exist', () => {
      git(dir, 'init', '-q');
      expect(() => synthesizeRef(dir, 'no-such-branch')).toThrow(SynthError);
      expect(() => synthesizeRef(dir, 'no-such-branch')).toThrow(/--base no-such-branch: not a commit, branch or tag/);
    });
  });
});

describe('staleOutput', () => {
  let project: string;
  const at = (file: string, seconds: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, '{}');
    fs.utimesSync(file, seconds, seconds);
  };
  beforeEach(() => {
    fs.mkdirSync(tmpRoot, { recursive: true });
    project = fs.mkdtempSync(path.join(tmpRoot, 'stale-'));
    at(path.join(project, 'main.ts'), 1_000);
    at(path.join(project, 'modules', 'core', 'stack.ts'), 1_000);
    at(path.join(project, 'cdktf.out', 'stacks', 'a', 'cdk.tf.json'), 2_000);
    at(path.join(project, 'cdktf.out', 'stacks', 'b', 'cdk.tf.json'), 2_000);
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test('an output newer than every input is current', () => {
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBeUndefined();
  });

  test('a module changed after the synth makes the output stale, naming the file', () => {
    at(path.join(project, 'modules', 'core', 'stack.ts'), 3_000);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBe(`${path.join('modules', 'core', 'stack.ts')} changed after cdktf.out was synthesized`);
  });

  test('a project test edited after the synth does not make the output stale (synth never reads tests)', () => {
    at(path.join(project, 'stacks', 'shop', 'shop.test.ts'), 3_000);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBeUndefined();
    at(path.join(project, 'stacks', 'shop', 'config.ts'), 3_000);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBe(`${path.join('stacks', 'shop', 'config.ts')} changed after cdktf.out was synthesized`);
  });

  test('the oldest stack counts: one stack left from an earlier synth is stale', () => {
    at(path.join(project, 'cdktf.out', 'stacks', 'b', 'cdk.tf.json'), 500);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toMatch(/changed after cdktf.out was synthesized/);
  });

  test('a Lambda or the lock file counts too; node_modules does not', () => {
    at(path.join(project, 'lambdas', 'node_modules', 'x.js'), 9_000);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBeUndefined();
    at(path.join(project, 'package-lock.json'), 9_000);
    expect(staleOutput(project, path.join(project, 'cdktf.out'))).toBe('package-lock.json changed after cdktf.out was synthesized');
  });
});
