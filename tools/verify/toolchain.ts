/**
 * Where `tools/toolchain/install.sh` put the real toolchain, read from the status file it writes. The folder is
 * outside the repository (a cache keyed by version), so a fresh clone on a warm machine reuses it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ToolchainStatus {
  readonly cache: string;
  readonly tools: {
    readonly tofu: { readonly path: string; readonly version: string };
    readonly tflint: { readonly path: string; readonly version: string; readonly rulesetAws: string | null };
    readonly checkov: { readonly path: string; readonly version: string };
  };
  readonly providerMirror: string;
  readonly providerAws: {
    readonly version: string;
    readonly commit: string;
    readonly installed: boolean;
    readonly note: string | null;
    /** A released provider from a local filesystem mirror, used for validate when the pinned one cannot be built. */
    readonly substitute?: { readonly version: string; readonly path: string } | null;
  };
}

/** The same folder the install script uses: $KIT_TOOLCHAIN_DIR, else ${XDG_CACHE_HOME:-~/.cache}/aws-data-migration-kit/toolchain. */
export function toolchainDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KIT_TOOLCHAIN_DIR) return env.KIT_TOOLCHAIN_DIR;
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'aws-data-migration-kit', 'toolchain');
}

export class ToolchainMissing extends Error {}

export function readToolchain(dir = toolchainDir()): ToolchainStatus {
  const file = path.join(dir, 'status.json');
  if (!fs.existsSync(file)) {
    throw new ToolchainMissing(`no toolchain in ${dir} (no status.json). Install it first: npm run toolchain (cold: ~10 min, then cached)`);
  }
  const status = JSON.parse(fs.readFileSync(file, 'utf8')) as ToolchainStatus;
  for (const [name, tool] of Object.entries(status.tools)) {
    if (!fs.existsSync(tool.path)) throw new ToolchainMissing(`${name} is listed in ${file} but ${tool.path} is missing: run npm run toolchain again`);
  }
  return status;
}
