import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

const SOURCE = ['modules', 'stacks', 'lambdas', 'tools'].flatMap(tsFiles).concat(['main.ts']);
/** The kit's own code; stacks/ (example projects, which a fork edits into its own) is left out of the marker check. */
const KIT_CODE = ['modules', 'lambdas', 'tools'].flatMap(tsFiles).concat(['main.ts']);
const UNFINISHED = /\bTODO\b|\bFIXME\b|not implemented/i;

describe('repository conventions', () => {
  test('only modules/core/cdktf.ts imports cdktf (a switch to its fork is a one-file change)', () => {
    const offenders = SOURCE.filter((f) => f !== path.join('modules', 'core', 'cdktf.ts'))
      .filter((f) => /from ['"]cdktf(\/[^'"]*)?['"]|require\(['"]cdktf/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('@cdktf/provider-aws is imported by deep path only (the root import costs 5x synth time and 6x memory)', () => {
    const offenders = [...SOURCE, ...tsFiles('test')].filter((f) => /from ['"]@cdktf\/provider-aws['"]/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('every module has an index.ts and a README.md', () => {
    const modules = fs.readdirSync(path.join(ROOT, 'modules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const missing = modules.flatMap((m) => ['index.ts', 'README.md'].filter((f) => !fs.existsSync(path.join(ROOT, 'modules', m, f))).map((f) => `modules/${m}/${f}`));
    expect(missing).toEqual([]);
  });

  test('every example project has a typed config and registers its stacks', () => {
    const projects = fs.readdirSync(path.join(ROOT, 'stacks'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(projects.length).toBeGreaterThan(0);
    const missing = projects.flatMap((p) => ['config.ts', 'index.ts'].filter((f) => !fs.existsSync(path.join(ROOT, 'stacks', p, f))).map((f) => `stacks/${p}/${f}`));
    expect(missing).toEqual([]);
  });

  // Only the kit's shipped code (modules/, lambdas/, tools/, main.ts) must be free of TODO/FIXME/"not implemented":
  // stacks/ holds a forked project's own code, where work-in-progress markers are the project's business.
  test('no unfinished markers in shipped code (modules/, lambdas/, tools/, main.ts; stacks/ is the project\'s own)', () => {
    expect(KIT_CODE.some((f) => f.startsWith(`stacks${path.sep}`))).toBe(false);
    expect(KIT_CODE.some((f) => f.startsWith(`modules${path.sep}`))).toBe(true);
    const offenders = KIT_CODE.filter((f) => UNFINISHED.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the unfinished-marker pattern catches TODO, FIXME and "not implemented" but not words that contain them', () => {
    expect(['// TODO: x', '/* FIXME */', "throw new Error('Not implemented')"].every((t) => UNFINISHED.test(t))).toBe(true);
    expect(['TODOS', 'todoList', 'unfixmeable'].some((t) => UNFINISHED.test(t))).toBe(false);
  });
});
