/**
 * Writes a new project folder under stacks/ from one or more example projects (see README.md here).
 * Pure file work: no cdktf, so it runs in a second and its output is what a team would have written by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_EXAMPLE = 'csv-to-postgres';
/** The project slug (`${project}-${environment}-...` names) is at most 20 characters (modules/core/naming.ts). */
const SLUG_MAX = 20;
/** As Naming's project slug: no dash at the end or two in a row (RDS and DMS identifiers refuse both). */
const NAME = /^[a-z](?:-?[a-z0-9])+$/;

export interface ScaffoldOptions {
  /** Folder name under the stacks folder, project slug and stack-name prefix, e.g. `billing`. */
  readonly name: string;
  /** Example projects (folders of `stacksDir`) to start from. @default [DEFAULT_EXAMPLE] */
  readonly from?: readonly string[];
  /** The stacks folder to write the project into (a temporary one in tests). @default <repo>/stacks */
  readonly stacksDir?: string;
  /** The folder holding the example projects. @default <repo>/stacks */
  readonly examplesDir?: string;
}

export interface ScaffoldResult {
  /** The folder written. */
  readonly dir: string;
  /** Every file written, relative to `dir`. */
  readonly files: string[];
  /** The stack names the project registers, in order. */
  readonly stacks: string[];
}

export class ScaffoldError extends Error {}

const pascal = (s: string) => s.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
const initials = (s: string) => s.split('-').map((w) => w.charAt(0)).join('');
const posix = (p: string) => p.split(path.sep).join('/');

/** Examples available in a stacks folder: its sub-folders with an index.ts. */
export function listExamples(stacksDir: string): string[] {
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(stacksDir, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
}

/** Non-test source files of an example, relative to its folder (sub-folders included). */
function exampleFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

/** Relative imports that leave the example's folder are re-pointed from the new location; the rest stay. */
function rewriteImports(text: string, fromFile: string, toFile: string, exampleDir: string): string {
  return text.replace(/(from\s+|import\s*\(\s*|require\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g, (all, lead: string, quote: string, spec: string) => {
    const target = path.resolve(path.dirname(fromFile), spec);
    if (target === exampleDir || target.startsWith(exampleDir + path.sep)) return all;
    let rel = posix(path.relative(path.dirname(toFile), target));
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
}

function relImport(fromDir: string, target: string): string {
  const rel = posix(path.relative(fromDir, target));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Copies one example into `dest`, renaming its stacks, project slug and (with `className`) its classes. */
function copyExample(example: string, exampleDir: string, dest: string, opts: { stackPrefix: string; slug: string; stateBucket: string; className?: string }): { files: string[]; stacks: string[] } {
  const files = exampleFiles(exampleDir);
  const index = fs.readFileSync(path.join(exampleDir, 'index.ts'), 'utf8');
  const config = fs.existsSync(path.join(exampleDir, 'config.ts')) ? fs.readFileSync(path.join(exampleDir, 'config.ts'), 'utf8') : '';
  const oldSlug = /\bproject:\s*'([a-z][a-z0-9-]*)'/.exec(config)?.[1];
  const oldClass = /new\s+(\w+)Stack\s*\(/.exec(index)?.[1];
  const stacks: string[] = [];
  for (const file of files) {
    const from = path.join(exampleDir, file);
    const to = path.join(dest, file);
    let text = rewriteImports(fs.readFileSync(from, 'utf8'), from, to, exampleDir);
    if (file === 'index.ts') {
      // Stack names are global in the App: `'<example>-staging'` becomes `'<prefix>-staging'`.
      text = text.replace(new RegExp(`'${example}-([a-z0-9-]+)'`, 'g'), (_m, env: string) => {
        stacks.push(`${opts.stackPrefix}-${env}`);
        return `'${opts.stackPrefix}-${env}'`;
      });
    }
    if (file === 'config.ts' && oldSlug) {
      // Physical names are `${project}-${environment}-...`: the copy gets its own slug and the project's state bucket.
      text = text.replace(`'${oldSlug}-terraform-state'`, `'${opts.stateBucket}'`).replace(new RegExp(`(\\bproject:\\s*)'${oldSlug}'`, 'g'), `$1'${opts.slug}'`);
    }
    if (opts.className && oldClass) {
      text = text.replace(new RegExp(`\\b${oldClass}(Stack|Config)\\b`, 'g'), `${opts.className}$1`);
    }
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
  }
  if (!stacks.length) throw new ScaffoldError(`stacks/${example}/index.ts names no stack '${example}-<environment>': cannot rename its stacks; copy it by hand.`);
  return { files, stacks };
}

function testFile(name: string, dir: string, from: readonly string[], stacks: string[]): string {
  return `/**
 * Tests of the ${name} project (scaffolded from ${from.join(', ')} by \`npm run new-project\`): every stack synthesizes,
 * runs its construct validations and passes the policy check. Add assertions on what this project must guarantee
 * (the tables it loads, who may reach the database, its alarms): see the examples' own tests for the style.
 */
import { Testing } from '${relImport(dir, path.join(REPO_ROOT, 'modules', 'core'))}';
import { checkStack } from '${relImport(dir, path.join(REPO_ROOT, 'tools', 'policy-check', 'engine'))}';
import { TfJson } from '${relImport(dir, path.join(REPO_ROOT, 'tools', 'policy-check', 'tf'))}';
import { register } from './index';

const stacks = register(Testing.app()).map((s) => [s.node.id, JSON.parse(Testing.synth(s, true)) as TfJson] as const);

describe('project ${name}', () => {
  test('registers its stacks', () => {
    expect(stacks.map(([id]) => id)).toEqual(${JSON.stringify(stacks)});
  });

  test.each(stacks)('%s passes every policy rule (waivers only with a reason)', (id, out) => {
    const result = checkStack(id, out);
    expect(result.findings.filter((f) => !f.waived).map((f) => \`\${f.rule} \${f.address}: \${f.message}\`)).toEqual([]);
    expect(result.waiverErrors).toEqual([]);
  });
});
`;
}

/** Writes `<stacksDir>/<name>/` from the examples; refuses an existing name or an unknown example. */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const stacksDir = path.resolve(options.stacksDir ?? path.join(REPO_ROOT, 'stacks'));
  const examplesDir = path.resolve(options.examplesDir ?? path.join(REPO_ROOT, 'stacks'));
  const from = [...new Set(options.from?.length ? options.from : [DEFAULT_EXAMPLE])];
  const { name } = options;
  if (!NAME.test(name) || name.length > SLUG_MAX) {
    throw new ScaffoldError(`project name "${name}" must be lower-case letters, digits and single dashes, start with a letter, end with a letter or digit and be at most ${SLUG_MAX} characters (it becomes the project slug, e.g. "billing").`);
  }
  const dir = path.join(stacksDir, name);
  if (fs.existsSync(dir)) throw new ScaffoldError(`${posix(path.relative(process.cwd(), dir)) || dir} already exists: pick another name, or delete that folder first.`);
  const examples = listExamples(examplesDir);
  const unknown = from.filter((e) => !examples.includes(e));
  if (unknown.length) {
    throw new ScaffoldError(`unknown example ${unknown.map((u) => `"${u}"`).join(', ')}: the examples in ${posix(path.relative(process.cwd(), examplesDir)) || examplesDir} are ${examples.join(', ') || '(none)'}.`);
  }
  const stateBucket = `${name}-terraform-state`;
  const written: string[] = [];
  const stacks: string[] = [];
  try {
    if (from.length === 1) {
      const copied = copyExample(from[0], path.join(examplesDir, from[0]), dir, { stackPrefix: name, slug: name, stateBucket, className: pascal(name) });
      written.push(...copied.files);
      stacks.push(...copied.stacks);
    } else {
      // Each example becomes a part (a sub-folder) with its own stacks and slug; the project's files compose them.
      const slugs = from.map((e) => `${name}-${initials(e)}`);
      const long = slugs.filter((s) => s.length > SLUG_MAX);
      if (long.length) throw new ScaffoldError(`project slugs ${long.join(', ')} would exceed ${SLUG_MAX} characters: pick a shorter project name.`);
      if (new Set(slugs).size !== slugs.length) throw new ScaffoldError(`examples ${from.join(', ')} would share a project slug (${slugs.join(', ')}): scaffold from fewer examples and copy the rest by hand.`);
      from.forEach((example, i) => {
        const copied = copyExample(example, path.join(examplesDir, example), path.join(dir, example), { stackPrefix: `${name}-${example}`, slug: slugs[i], stateBucket });
        written.push(...copied.files.map((f) => path.join(example, f)));
        stacks.push(...copied.stacks);
      });
      const id = (e: string) => pascal(e).replace(/^\d/, '_$&');
      const header = `// Project ${name}, scaffolded from ${from.join(', ')} by \`npm run new-project\`. Each part is a sub-folder with its own\n// stacks and project slug (${slugs.join(', ')}); move shared pieces (network, database) into one stack when you merge them.\n`;
      const files: Record<string, string> = {
        'config.ts': `${header}${from.map((e) => `export { CONFIG as ${id(e)}Config } from './${e}/config';`).join('\n')}\n`,
        'stack.ts': `${header}${from.map((e) => `export * from './${e}/stack';`).join('\n')}\n`,
        'index.ts': `${header}import { App, MigrationStack } from '${relImport(dir, path.join(REPO_ROOT, 'modules', 'core'))}';\n${from
          .map((e) => `import { register as register${id(e)} } from './${e}';`)
          .join('\n')}\n\nexport function register(app: App): MigrationStack[] {\n  return [${from.map((e) => `...register${id(e)}(app)`).join(', ')}];\n}\n`,
      };
      for (const [file, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, file), text);
        written.push(file);
      }
    }
    const test = `${name}.test.ts`;
    fs.writeFileSync(path.join(dir, test), testFile(name, dir, from, stacks));
    written.push(test);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true }); // never leave half a project behind
    throw e;
  }
  return { dir, files: written.map(posix).sort(), stacks };
}
