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

export function runTofu(stack: SynthStack, toolchain: ToolchainStatus, workDir: string): TofuResult {
  const dataDir = path.join(workDir, stack.name, 'tofu-data');
  fs.mkdirSync(dataDir, { recursive: true });
  // No CLI configuration of the user's (credentials helpers, registry mirrors) and no plugin cache: only the mirror.
  const env = { TF_DATA_DIR: dataDir, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  const init = run(toolchain.tools.tofu.path, ['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${toolchain.providerMirror}`], {
    cwd: stackDir(stack),
    env,
  });
  if (init.status !== 0) {
    const output = `${init.stdout}\n${init.stderr}`;
    if (!toolchain.providerAws.installed && PROVIDER_NOT_IN_MIRROR.test(output)) return { state: 'blocked', diagnostics: [] };
    return { state: 'error', diagnostics: [{ severity: 'error', message: `tofu init: ${firstLines(init.stderr || init.stdout, 6)}` }] };
  }
  const validate = run(toolchain.tools.tofu.path, ['validate', '-json', '-no-color'], { cwd: stackDir(stack), env });
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
  return { state: diagnostics.some((d) => d.severity === 'error') ? 'error' : 'ok', diagnostics };
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
