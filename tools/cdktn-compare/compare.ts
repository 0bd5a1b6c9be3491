/**
 * `npm run compare:cdktn`: synthesizes every example stack twice from the same snapshot of the working tree, once
 * with cdktf + @cdktf/provider-aws (the project's dependencies) and once with CDK Terrain (`cdktn` +
 * `@cdktn/provider-aws`, installed by install.sh into a cache outside the repository; module resolution redirected
 * by redirect.cjs, no source file changed), then compares the two outdirs (diff.ts). Prints every difference, grouped
 * under its explanation (README.md) or its kind; exits 1 on any unexplained difference, 2 when a step fails.
 *
 * Usage: tsx tools/cdktn-compare/compare.ts [--rev <git revision>] [--keep]
 *   --rev   synthesize a committed revision (git archive) instead of the working tree, e.g. --rev HEAD
 *   --keep  leave the temp folder (both outdirs) for inspection
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classify, compareOutdirs, formatReport, Versions } from './diff';

const repo = path.resolve(__dirname, '..', '..');
const keep = process.argv.includes('--keep');
const revIndex = process.argv.indexOf('--rev');
const rev = revIndex > 0 ? process.argv[revIndex + 1] : undefined;

/**
 * What the project declares it runs on, for cdktn's target-version validation (cdktn checks features such as
 * write-only attributes against it; cdktf 0.21 has no such check). Write-only attributes (secret_string_wo) need
 * Terraform >= 1.11 ("Use temporary write-only arguments", developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only)
 * and OpenTofu >= 1.11. Passed to both synths through CDKTF_CONTEXT_JSON, which both Apps read as context.
 */
const TARGET_VERSIONS = { terraform: '>=1.11.0', opentofu: '>=1.11.0' };

function fail(message: string): never {
  process.stderr.write(`compare:cdktn: ${message}\n`);
  process.exit(2);
}

const readPackage = (dir: string): { version: string; cdktf?: { provider?: { version?: string } }; cdktn?: { provider?: { version?: string } } } =>
  JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

/**
 * A copy of the sources, so both synths read the same files even while someone edits the tree: the working tree's
 * tracked and untracked-not-ignored files, or a committed revision's tree with --rev.
 */
function snapshot(into: string): string {
  fs.mkdirSync(into, { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(into, 'node_modules'), 'dir');
  if (rev !== undefined) {
    if (!rev || rev.startsWith('-')) fail('--rev needs a git revision, e.g. --rev HEAD');
    const archive = path.join(into, '..', 'src.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', archive, rev], { cwd: repo });
    execFileSync('tar', ['-xf', archive, '-C', into]);
    return `revision ${rev} (${execFileSync('git', ['rev-parse', '--short', rev], { cwd: repo, encoding: 'utf8' }).trim()})`;
  }
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  let copied = 0;
  for (const file of files) {
    const from = path.join(repo, file);
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(from, path.join(into, file));
    copied++;
  }
  return `working tree (${copied} files)`;
}

function synth(label: string, cwd: string, outdir: string, nodeArgs: string[], env: Record<string, string>): number {
  const started = Date.now();
  const run = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', 'main.ts'], {
    cwd,
    env: {
      ...process.env,
      ...env,
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ targetVersions: TARGET_VERSIONS }),
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) fail(`${label} synth failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${label}: ${run.stdout.trim().split('\n').pop()?.replace(/:.*$/, '')} in ${seconds.toFixed(1)} s\n`);
  return seconds;
}

function main(): void {
  const cache = execFileSync('bash', [path.join(__dirname, 'install.sh'), '--print-dir'], { encoding: 'utf8' }).trim();
  const modules = path.join(cache, 'node_modules');
  if (!fs.existsSync(path.join(cache, '.complete'))) fail(`cdktn is not installed in ${cache}: run bash tools/cdktn-compare/install.sh`);

  const cdktnProvider = readPackage(path.join(modules, '@cdktn', 'provider-aws'));
  const cdktfProvider = readPackage(path.join(repo, 'node_modules', '@cdktf', 'provider-aws'));
  const versions: Versions = {
    cdktf: readPackage(path.join(repo, 'node_modules', 'cdktf')).version,
    cdktn: readPackage(path.join(modules, 'cdktn')).version,
    providerAwsBefore: cdktfProvider.cdktf?.provider?.version ?? fail('@cdktf/provider-aws has no cdktf.provider.version'),
    providerAwsAfter: (cdktnProvider.cdktn ?? cdktnProvider.cdktf)?.provider?.version ?? fail('@cdktn/provider-aws has no provider version'),
  };
  process.stdout.write(
    `cdktf ${versions.cdktf} + @cdktf/provider-aws ${cdktfProvider.version} (AWS provider ${versions.providerAwsBefore})\n` +
      `cdktn ${versions.cdktn} + @cdktn/provider-aws ${cdktnProvider.version} (AWS provider ${versions.providerAwsAfter}), from ${cache}\n`,
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktn-compare-'));
  try {
    const src = path.join(tmp, 'src');
    process.stdout.write(`sources: ${snapshot(src)}\n`);
    const redirectLog = path.join(tmp, 'redirect.json');
    synth('cdktf', src, path.join(tmp, 'cdktf.out'), [], {});
    synth('cdktn', src, path.join(tmp, 'cdktn.out'), ['--require', path.join(__dirname, 'redirect.cjs')], {
      KIT_CDKTN_MODULES: modules,
      KIT_CDKTN_REDIRECT_LOG: redirectLog,
    });
    // The redirect must have served every request, and nothing may have loaded the original packages.
    const redirect = JSON.parse(fs.readFileSync(redirectLog, 'utf8')) as { redirected: Record<string, number>; leaked: string[] };
    process.stdout.write(`redirected requests: ${JSON.stringify(redirect.redirected)}\n`);
    if (!redirect.redirected.cdktf || !redirect.redirected['@cdktf/provider-aws']) fail('the cdktn synth did not load cdktn and its provider');
    if (redirect.leaked.length) fail(`the cdktn synth also loaded the original packages:\n  ${redirect.leaked.join('\n  ')}`);

    const { stacks, differences } = compareOutdirs(path.join(tmp, 'cdktf.out'), path.join(tmp, 'cdktn.out'));
    if (stacks.length === 0) fail('no stacks were synthesized');
    const classified = classify(differences, versions);
    process.stdout.write(`compared ${stacks.length} stacks, manifest.json and every asset\n${formatReport(classified)}\n`);
    if (classified.unexplained.size > 0) {
      process.stdout.write('FAIL: unexplained differences (explain each in tools/cdktn-compare/README.md and diff.ts, or fix the cause)\n');
      process.exitCode = 1;
    } else {
      process.stdout.write('OK: every difference is explained\n');
    }
  } finally {
    if (keep) process.stdout.write(`kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
