/**
 * `npm run verify -- [--dir cdktf.out] [--stack <name>]... [--require-validate]`
 *
 * Reads every synthesized stack with the real toolchain that `npm run toolchain` installed: OpenTofu (`init` offline
 * against the provider mirror without the S3 backend, then `validate -json`), tflint and checkov (with the skips in
 * `checkov-skips.ts`). Prints one table (stack x tool) and the findings, and exits non-zero on any error, tflint
 * issue, unskipped checkov finding, stale or reasonless skip. When the AWS provider is not in the mirror, validate
 * is reported as blocked (with the reason); `--require-validate` (or VERIFY_REQUIRE_VALIDATE=1) makes that an error.
 * Exit 0 clean, 1 findings, 2 nothing to verify or no toolchain.
 */
import * as path from 'node:path';
import { loadStacks, SynthStack } from '../policy-check/tf';
import { CHECKOV_SKIPS } from './checkov-skips';
import { runCheckov, runTflint, runTofu, TflintResult, tofuCanary, TofuResult } from './runners';
import { applySkips, Finding } from './skips';
import { readToolchain, ToolchainMissing } from './toolchain';

interface Options {
  dir: string;
  stacks: string[];
  requireValidate: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { dir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', stacks: [], requireValidate: process.env.VERIFY_REQUIRE_VALIDATE === '1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dir') options.dir = argv[++i];
    else if (arg === '--stack') options.stacks.push(argv[++i]);
    else if (arg === '--require-validate') options.requireValidate = true;
    else {
      process.stderr.write(`verify: unknown argument ${arg}. Usage: npm run verify -- [--dir cdktf.out] [--stack <name>]... [--require-validate]\n`);
      process.exit(2);
    }
  }
  return options;
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function count(diags: { severity: string }[], severity: string): number {
  return diags.filter((d) => d.severity === severity).length;
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  let toolchain;
  try {
    toolchain = readToolchain();
  } catch (e) {
    if (e instanceof ToolchainMissing) {
      process.stderr.write(`verify: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let stacks: SynthStack[] = loadStacks(options.dir);
  const unknown = options.stacks.filter((s) => !stacks.some((x) => x.name === s));
  if (unknown.length) {
    process.stderr.write(`verify: no synthesized stack named ${unknown.join(', ')} in ${options.dir}\n`);
    return 2;
  }
  if (options.stacks.length) stacks = stacks.filter((s) => options.stacks.includes(s.name));
  if (!stacks.length) {
    process.stderr.write(`verify: no stacks in ${path.resolve(options.dir)}/stacks/*/cdk.tf.json. Run \`npm run synth\` first.\n`);
    return 2;
  }

  const workDir = path.resolve('.build', 'verify');
  const tflintConfig = path.join(__dirname, 'tflint.hcl');
  const started = Date.now();
  process.stderr.write(`verify: tofu canary (a planted unknown argument must fail validate)\n`);
  const canary = tofuCanary(stacks[0], toolchain, workDir);
  const tofu = new Map<string, TofuResult>();
  const tflint = new Map<string, TflintResult>();
  for (const stack of stacks) {
    process.stderr.write(`verify: ${stack.name}: tofu, tflint\n`);
    tofu.set(stack.name, runTofu(stack, toolchain, workDir));
    tflint.set(stack.name, runTflint(stack, toolchain, tflintConfig));
  }
  process.stderr.write(`verify: checkov over ${stacks.length} stack(s)\n`);
  const checkov = runCheckov(stacks, toolchain, workDir);
  const outcome = applySkips(checkov.findings, CHECKOV_SKIPS, options.stacks.length === 0);

  const rows = [['stack', 'tofu validate (err/warn)', 'tflint (err/warn)', 'checkov (failed/skipped)']];
  let failures = 0;
  for (const stack of stacks) {
    const t = tofu.get(stack.name)!;
    const l = tflint.get(stack.name)!;
    const failed = outcome.failed.filter((f) => f.stack === stack.name).length;
    const skipped = outcome.skipped.filter((s) => s.finding.stack === stack.name).length;
    const tofuCell =
      t.state === 'blocked'
        ? 'blocked: no AWS provider'
        : `${count(t.diagnostics, 'error')}/${count(t.diagnostics, 'warning')}${t.providerVersion ? ` (provider ${t.providerVersion})` : ''}`;
    rows.push([stack.name, tofuCell, `${count(l.diagnostics, 'error')}/${count(l.diagnostics, 'warning')}`, `${failed}/${skipped}`]);
    failures += count(t.diagnostics, 'error') + l.diagnostics.length + failed + (t.state === 'blocked' && options.requireValidate ? 1 : 0);
  }
  const out: string[] = [pad(rows), ''];

  for (const stack of stacks) {
    for (const d of tofu.get(stack.name)!.diagnostics) out.push(`TOFU ${d.severity.toUpperCase()}  ${stack.name}  ${d.message}`);
    for (const d of tflint.get(stack.name)!.diagnostics) out.push(`TFLINT ${d.severity.toUpperCase()}  ${stack.name}  ${d.message}`);
  }
  const byCheck = (a: Finding, b: Finding) => a.checkId.localeCompare(b.checkId) || a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address);
  for (const f of [...outcome.failed].sort(byCheck)) out.push(`CHECKOV ${f.checkId}  ${f.stack}  ${f.address}  ${f.checkName} -> fix it, or skip it with a reason in tools/verify/checkov-skips.ts`);
  for (const s of outcome.stale) out.push(`STALE SKIP ${s.check} (${s.reason.slice(0, 60)}...) matches no finding: remove it from tools/verify/checkov-skips.ts`);
  for (const i of outcome.invalid) out.push(`INVALID SKIP ${i.problem}`);
  if (checkov.parsingErrors) out.push(`CHECKOV could not parse ${checkov.parsingErrors} file(s)`);
  failures += outcome.stale.length + outcome.invalid.length + checkov.parsingErrors;
  if (canary) {
    out.push(`TOFU CANARY  ${canary}`);
    failures += 1;
  }

  const blocked = stacks.filter((s) => tofu.get(s.name)!.state === 'blocked').length;
  if (blocked) {
    out.push(
      `validate did not run on ${blocked} stack(s): ${toolchain.providerAws.note ?? 'terraform-provider-aws is not in the mirror'}.` +
        ` tofu init still parsed each configuration.${options.requireValidate ? ' --require-validate: counted as a failure.' : ''}`,
    );
  }
  out.push(
    `tools: ${toolchain.tools.tofu.version}; ${toolchain.tools.tflint.version}` +
      `${toolchain.tools.tflint.rulesetAws ? ` (tflint-ruleset-aws ${toolchain.tools.tflint.rulesetAws})` : ''}; ${toolchain.tools.checkov.version}` +
      (toolchain.providerAws.installed ? `; terraform-provider-aws built from commit ${toolchain.providerAws.commit} (mirrored as ${toolchain.providerAws.version})` : '') +
      (!toolchain.providerAws.installed && toolchain.providerAws.substitute
        ? `; terraform-provider-aws ${toolchain.providerAws.substitute.version} from ${toolchain.providerAws.substitute.path} in place of the pinned ${toolchain.providerAws.version}` +
          ` (${toolchain.providerAws.note}): validate reads each stack with that provider's schema`
        : ''),
  );
  out.push(
    `verify: ${stacks.length} stack(s), checkov ${checkov.passed} passed / ${outcome.failed.length} failed / ${outcome.skipped.length} skipped, ` +
      `${Math.round((Date.now() - started) / 1000)} s -> ${failures ? 'FAIL' : 'PASS'}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return failures ? 1 : 0;
}

process.exitCode = main();
