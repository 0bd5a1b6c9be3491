import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { BuildOptions, buildSync } from 'esbuild';

/** Repository root (two levels above modules/core). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface LambdaBundle {
  /** Absolute path of the deterministic zip (index.js + index.js.map). */
  readonly zipPath: string;
  /** base64(SHA-256(zip)): the value Lambda reports as CodeSha256; changes exactly when the bundle does. */
  readonly sha256Base64: string;
  /** Size of the zip in bytes. */
  readonly sizeBytes: number;
}

/**
 * How every Lambda is bundled (Node 22, CommonJS, minified). pg's optional native binding is never used; the AWS
 * SDK is bundled at the exact pinned version. The benchmarks build their child processes with the same options.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  external: ['pg-native'],
  legalComments: 'none',
  logLevel: 'silent',
  // Module paths stay as the checkout sees them: resolving symlinks would write the target's path into the source
  // map (a review worktree whose node_modules links to the main checkout), changing every zip hash for no change.
  preserveSymlinks: true,
} as const satisfies BuildOptions;

const cache = new Map<string, LambdaBundle>();

let crcTable: Uint32Array | undefined;
function crc32(buf: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < buf.length; i++) crc = crcTable[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zip with fixed timestamps and file order, so the same bundle always gives the same bytes (and the same
 * `source_code_hash`): a rebuild on another machine shows no diff in review.
 */
export function deterministicZip(files: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1; // 1980-01-01
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = Buffer.from(file.name, 'utf8');
    const compressed = deflateRawSync(file.data, { level: 9 });
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * The zip of one handler as built in the checkout at `root`: index.js and its source map, whose paths are relative
 * to `outDir`. The same code gives the same bytes whatever the checkout's path, or symlinks in it.
 */
export function buildLambdaZip(root: string, entry: string, outDir: string): Buffer {
  const result = buildSync({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [entry],
    sourcemap: 'external',
    sourcesContent: true,
    outfile: path.join(outDir, 'index.js'),
    write: false,
    absWorkingDir: root,
  });
  return deterministicZip(result.outputFiles.map((f) => ({ name: path.basename(f.path), data: Buffer.from(f.contents) })));
}

/**
 * Bundles `lambdas/<name>/handler.ts` (or `<dir>/handler.ts` when `name` is an absolute folder) with esbuild (Node 22, CommonJS, minified, source map with sources)
 * into `.build/lambdas/<name>/<hash>.zip`. Bundling happens once per process and Lambda name.
 */
export function bundleLambda(name: string): LambdaBundle {
  const cached = cache.get(name);
  if (cached) return cached;
  const entry = path.isAbsolute(name) ? path.join(name, 'handler.ts') : path.join(REPO_ROOT, 'lambdas', name, 'handler.ts');
  if (!fs.existsSync(entry)) {
    throw new Error(`Lambda "${name}": ${path.relative(REPO_ROOT, entry)} does not exist. Each Lambda lives in lambdas/<name>/handler.ts.`);
  }
  const outDir = path.join(REPO_ROOT, '.build', 'lambdas', path.basename(name));
  const zip = buildLambdaZip(REPO_ROOT, entry, outDir);
  const sha256 = createHash('sha256').update(zip).digest();
  const zipPath = path.join(outDir, `${sha256.toString('hex').slice(0, 16)}.zip`);
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(zipPath)) fs.writeFileSync(zipPath, zip);
  const bundle = { zipPath, sha256Base64: sha256.toString('base64'), sizeBytes: zip.length };
  cache.set(name, bundle);
  return bundle;
}
