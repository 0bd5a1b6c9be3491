import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A fork deletes the example projects it does not need (README, "What a forked project edits"): that must not break
 * `npm test`. So a project's tests live in its own folder (stacks/<project>/<project>.test.ts) and nothing outside
 * stacks/<project>/ imports it; only stacks/index.ts finds the projects, by reading the folder.
 */
const ROOT = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|cts|js|mjs)$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

/** `stacks/<project>` a file imports by relative path, for each import that resolves into another project's folder. */
export function foreignProjectImports(file: string, text: string): string[] {
  const own = /^stacks\/([^/]+)\//.exec(file.split(path.sep).join('/'))?.[1];
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)) {
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1])).split(path.sep).join('/');
    const project = /^stacks\/([^/]+)/.exec(target)?.[1];
    if (project && project !== own && project !== 'index') found.push(`${file} imports ${m[1]} (stacks/${project})`);
  }
  return found;
}

const projects = fs
  .readdirSync(path.join(ROOT, 'stacks'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('each project\'s tests follow the project', () => {
  test('no file outside stacks/<project>/ imports stacks/<project>/ (deleting a project breaks nothing)', () => {
    const files = ['test', 'tools', 'modules', 'lambdas', 'stacks'].flatMap(tsFiles).concat(['main.ts', 'jest.config.js']);
    expect(files.flatMap((f) => foreignProjectImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8')))).toEqual([]);
  });

  test('fails when a test outside the project imports it', () => {
    expect(foreignProjectImports('test/unit/dms/stacks.test.ts', "import { register } from '../../../" + "stacks/reporting-server';" /* split: this file must not match itself */)).toEqual([
      "test/unit/dms/stacks.test.ts imports ../../../stacks/reporting-server (stacks/reporting-server)",
    ]);
    expect(foreignProjectImports('stacks/a/a.test.ts', "import { CONFIG } from '../b/config';")).toEqual(['stacks/a/a.test.ts imports ../b/config (stacks/b)']);
    expect(foreignProjectImports('stacks/a/a.test.ts', "import { CONFIG } from './config';\nimport { App } from '../../modules/core';")).toEqual([]);
    expect(foreignProjectImports('main.ts', "import { registerExampleProjects } from './stacks';")).toEqual([]);
  });

  test.each(projects)('stacks/%s has its own test', (project) => {
    expect(fs.existsSync(path.join(ROOT, 'stacks', project, `${project}.test.ts`))).toBe(true);
  });
});
