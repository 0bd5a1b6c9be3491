/**
 * Runs the real tools over synthesized stacks and reads what they print: OpenTofu (`init` offline against the
 * provider mirror, without the S3 backend, then `validate -json`), tflint (`--format json`) and checkov
 * (`--framework terraform_json -o json`). Nothing here judges a resource itself: the tools do.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SynthStack } from '../policy-check/tf';
import type { Finding } from './skips';
import type { ToolchainStatus } from './toolchain';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface TofuResult {
  /** `ok` when init and validate ran; `blocked` when the AWS provider is not in the mirror (validate cannot run). */
  readonly state: 'ok' | 'blocked' | 'error';
  readonly diagnostics: Diagnostic[];
  /** The provider version validate ran with when it is not the one the stack pins (a substitute from a local mirror). */
  readonly providerVersion?: string;
}

export interface TflintResult {
  readonly diagnostics: Diagnostic[];
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Run {
  const r = spawnSync(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${path.basename(command)} could not start: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function stackDir(stack: SynthStack): string {
  return path.dirname(stack.file);
}

/** A line or two of a tool's output, for a message. */
function firstLines(text: string, n = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, n).join(' | ');
}

const PROVIDER_NOT_IN_MIRROR = /was not found in any of the search locations|Failed to query available provider packages/;

/**
 * The configuration validate reads when the pinned provider is not installed but a substitute is: the stack's JSON
 * with only `required_providers.aws.version` set to the substitute's version (init would refuse it otherwise), beside
 * a link to the stack's assets. Nothing else changes, so every resource and argument is read as synthesized.
 */
export function substituteProviderInput(json: SynthStack['json'], version: string): SynthStack['json'] {
  const terraform = (json.terraform ?? {}) as Record<string, unknown>;
  const providers = (terraform.required_providers ?? {}) as Record<string, Record<string, unknown>>;
  if (!providers.aws) throw new Error('the stack declares no aws provider in terraform.required_providers');
  return { ...json, terraform: { ...terraform, required_providers: { ...providers, aws: { ...providers.aws, version } } } };
}

export function runTofu(stack: SynthStack, toolchain: ToolchainStatus, workDir: string): TofuResult {
  const dataDir = path.join(workDir, stack.name, 'tofu-data');
  fs.mkdirSync(dataDir, { recursive: true });
  const substitute = !toolchain.providerAws.installed ? toolchain.providerAws.substitute ?? undefined : undefined;
  let cwd = stackDir(stack);
  if (substitute) {
    cwd = path.join(workDir, stack.name, 'tofu-input');
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.mkdirSync(cwd, { recursive: true });
    fs.writeFileSync(path.join(cwd, 'cdk.tf.json'), JSON.stringify(substituteProviderInput(stack.json, substitute.version), null, 2));
    const assets = path.join(stackDir(stack), 'assets');
    if (fs.existsSync(assets)) fs.symlinkSync(assets, path.join(cwd, 'assets'));
  }
  // No CLI configuration of the user's (credentials helpers, registry mirrors) and no plugin cache: only the mirror.
  const env = { TF_DATA_DIR: dataDir, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  const init = run(toolchain.tools.tofu.path, ['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${toolchain.providerMirror}`], {
    cwd,
    env,
  });
  if (init.status !== 0) {
    const output = `${init.stdout}\n${init.stderr}`;
    if (!toolchain.providerAws.installed && PROVIDER_NOT_IN_MIRROR.test(output)) return { state: 'blocked', diagnostics: [] };
    return { state: 'error', diagnostics: [{ severity: 'error', message: `tofu init: ${firstLines(init.stderr || init.stdout, 6)}` }] };
  }
  const validate = run(toolchain.tools.tofu.path, ['validate', '-json', '-no-color'], { cwd, env });
  let parsed: { diagnostics?: { severity: string; summary: string; detail?: string; address?: string }[] };
  try {
    parsed = JSON.parse(validate.stdout);
  } catch {
    return { state: 'error', diagnostics: [{ severity: 'error', message: `tofu validate printed no JSON: ${firstLines(validate.stderr || validate.stdout)}` }] };
  }
  const diagnostics = (parsed.diagnostics ?? []).map((d) => ({
    severity: d.severity === 'error' ? ('error' as const) : ('warning' as const),
    message: `${d.address ? `${d.address}: ` : ''}${d.summary}${d.detail ? `: ${firstLines(d.detail, 2)}` : ''}`,
  }));
  return { state: diagnostics.some((d) => d.severity === 'error') ? 'error' : 'ok', diagnostics, providerVersion: substitute?.version };
}

/**
 * Proves validate can fail before its silence is trusted: a copy of `stack` with one argument the provider does not
 * have (`kit_verify_canary` on its first resource) must be reported. Returns the problem, or null when validate
 * caught the planted argument (or could not run: then the stacks are reported as blocked anyway).
 */
export function tofuCanary(stack: SynthStack, toolchain: ToolchainStatus, workDir: string): string | null {
  const resources = (stack.json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const type = Object.keys(resources).sort()[0];
  if (!type) return null;
  const name = Object.keys(resources[type]).sort()[0];
  const planted = JSON.parse(JSON.stringify(stack.json)) as SynthStack['json'];
  (planted.resource as Record<string, Record<string, Record<string, unknown>>>)[type][name].kit_verify_canary = 'planted by verify';
  const canaryDir = path.join(workDir, '_canary');
  fs.rmSync(canaryDir, { recursive: true, force: true });
  fs.mkdirSync(canaryDir, { recursive: true });
  fs.writeFileSync(path.join(canaryDir, 'cdk.tf.json'), JSON.stringify(planted));
  const result = runTofu({ ...stack, name: '_canary', file: path.join(canaryDir, 'cdk.tf.json'), json: planted }, toolchain, workDir);
  if (result.state === 'blocked') return null;
  const caught = result.diagnostics.some((d) => d.severity === 'error' && d.message.includes('kit_verify_canary'));
  return caught ? null : `validate did not report an argument planted in ${type}.${name} (kit_verify_canary): its silence on the stacks proves nothing`;
}

export function runTflint(stack: SynthStack, toolchain: ToolchainStatus, config: string): TflintResult {
  const r = run(toolchain.tools.tflint.path, [`--chdir=${stackDir(stack)}`, `--config=${path.resolve(config)}`, '--format=json', '--no-color'], {});
  let parsed: {
    issues?: { rule: { name: string; severity: string }; message: string; range?: { filename?: string; start?: { line?: number } } }[];
    errors?: { message: string; severity?: string }[];
  };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    return { diagnostics: [{ severity: 'error', message: `tflint printed no JSON (exit ${r.status}): ${firstLines(r.stderr || r.stdout)}` }] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const e of parsed.errors ?? []) diagnostics.push({ severity: 'error', message: `tflint: ${e.message}` });
  for (const i of parsed.issues ?? []) {
    const where = i.range?.start?.line ? ` (${path.basename(i.range.filename ?? '')}:${i.range.start.line})` : '';
    diagnostics.push({ severity: i.rule.severity === 'error' ? 'error' : 'warning', message: `${i.rule.name}: ${i.message}${where}` });
  }
  return { diagnostics };
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: { check_id: string; check_name: string; resource: string; file_abs_path?: string; file_path: string }[] };
  summary: { passed: number; failed: number; parsing_errors: number };
}

export interface CheckovResult {
  readonly findings: Finding[];
  readonly passed: number;
  readonly parsingErrors: number;
}

/**
 * checkov's terraform_json runner names a resource `resource.<name>` (graph checks: `<type>.<name>`); cdktf names are
 * unique per stack, so the type is looked up in the stack's JSON to give Terraform's address.
 */
export function addressOf(resource: string, stack: SynthStack): string {
  const [head, ...rest] = resource.split('.');
  const name = rest.join('.');
  if (head !== 'resource' && head !== 'data') return resource;
  const blocks = (head === 'resource' ? stack.json.resource : stack.json.data) ?? {};
  const types = Object.keys(blocks).filter((type) => name in blocks[type]);
  return types.length === 1 ? `${head === 'data' ? 'data.' : ''}${types[0]}.${name}` : resource;
}

/**
 * checkov 3.3.30's terraform_json parser reads every attribute of the `terraform` block as a block and rejects the
 * whole file ("this method receives only dicts") when it meets `required_version`, a plain string that Terraform's
 * JSON syntax allows. No AWS check reads the `terraform` block, so checkov gets a copy without that one attribute.
 */
export function checkovInput(json: SynthStack['json']): SynthStack['json'] {
  const terraform = json.terraform as Record<string, unknown> | undefined;
  if (!terraform || !('required_version' in terraform)) return json;
  const { required_version: _ignored, ...rest } = terraform;
  return { ...json, terraform: rest };
}

export function runCheckov(stacks: SynthStack[], toolchain: ToolchainStatus, workDir: string): CheckovResult {
  const args = ['--framework', 'terraform_json', '-o', 'json', '--quiet', '--compact', '--skip-download'];
  const byFile = new Map<string, SynthStack>();
  for (const s of stacks) {
    const copy = path.join(workDir, s.name, 'checkov', 'cdk.tf.json');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.writeFileSync(copy, JSON.stringify(checkovInput(s.json), null, 2));
    byFile.set(path.resolve(copy), s);
    args.push('-f', copy);
  }
  // No network: no guideline download (BC_SKIP_MAPPING), no version check, no Prisma Cloud.
  const r = run(toolchain.tools.checkov.path, args, { env: { BC_SKIP_MAPPING: 'TRUE', CHECKOV_VERSION_CHECK: 'false', LOG_LEVEL: 'ERROR' } });
  let parsed: CheckovReport | CheckovReport[];
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`checkov printed no JSON (exit ${r.status}): ${firstLines(r.stderr || r.stdout)}`);
  }
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((x) => x && x.results);
  const findings: Finding[] = [];
  let passed = 0;
  let parsingErrors = 0;
  for (const report of reports) {
    passed += report.summary.passed;
    parsingErrors += report.summary.parsing_errors;
    for (const f of report.results.failed_checks) {
      const file = path.resolve(f.file_abs_path ?? f.file_path);
      const stack = byFile.get(file) ?? stacks.find((s) => file.endsWith(path.join(s.name, 'checkov', 'cdk.tf.json')));
      if (!stack) throw new Error(`checkov reported ${f.check_id} on ${f.file_path}, which is not one of the stacks it was given`);
      findings.push({ checkId: f.check_id, checkName: f.check_name, stack: stack.name, address: addressOf(f.resource, stack) });
    }
  }
  return { findings, passed, parsingErrors };
}
