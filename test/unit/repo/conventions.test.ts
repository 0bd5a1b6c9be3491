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

  test('no unfinished markers in shipped code', () => {
    const offenders = SOURCE.filter((f) => /\bTODO\b|\bFIXME\b|not implemented/i.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
