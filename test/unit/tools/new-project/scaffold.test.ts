import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listExamples, scaffold } from '../../../../tools/new-project/scaffold';

const REPO = path.resolve(__dirname, '../../../..');
const tmpRoot = path.join(REPO, '.build', 'tmp');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const EXAMPLES = ['sqlserver-to-postgres', 'csv-to-postgres'];

/** A temporary stacks folder inside the checkout (jest's TMPDIR); `examples` are copied in to be taken as existing projects. */
function stacksCopy(examples: string[]): string {
  fs.mkdirSync(tmpRoot, { recursive: true });
  const dir = path.join(fs.mkdtempSync(path.join(tmpRoot, 'new-project-')), 'stacks');
  fs.mkdirSync(dir, { recursive: true });
  for (const e of examples) fs.cpSync(path.join(REPO, 'stacks', e), path.join(dir, e), { recursive: true });
  return dir;
}

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(TSX, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('npm run new-project', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(path.dirname(d), { recursive: true, force: true })));

  describe('a project from two examples', () => {
    const stacksDir = stacksCopy([]);
    made.push(stacksDir);
    const result = scaffold({ name: 'acme', from: EXAMPLES, stacksDir });
    const outdir = path.join(path.dirname(stacksDir), 'cdktf.out');

    test('writes config, stack, index and a test, each example a part with its own stacks and slug', () => {
      expect(result.files).toEqual(
        expect.arrayContaining(['config.ts', 'stack.ts', 'index.ts', 'acme.test.ts', 'csv-to-postgres/config.ts', 'csv-to-postgres/stack.ts', 'sqlserver-to-postgres/stack.ts']),
      );
      expect(result.stacks).toEqual(['acme-sqlserver-to-postgres-staging', 'acme-sqlserver-to-postgres-production', 'acme-csv-to-postgres-staging', 'acme-csv-to-postgres-production']);
      const config = fs.readFileSync(path.join(result.dir, 'csv-to-postgres', 'config.ts'), 'utf8');
      expect(config).toContain("project: 'acme-ctp'");
      expect(config).toContain("stateBucket: 'acme-terraform-state'");
      // Only the project slug changes: a database that happens to share the old slug keeps its name.
      expect(fs.readFileSync(path.join(result.dir, 'sqlserver-to-postgres', 'config.ts'), 'utf8')).toMatch(/project: 'acme-stp'[\s\S]*target: \{ databaseName: 'billing'/);
      expect(fs.readFileSync(path.join(result.dir, 'csv-to-postgres', 'stack.ts'), 'utf8')).toContain(`from '${path.relative(path.join(result.dir, 'csv-to-postgres'), path.join(REPO, 'modules'))}/core'`);
      // The examples' own tests stay with the examples.
      expect(result.files.filter((f) => f.endsWith('.test.ts'))).toEqual(['acme.test.ts']);
    });

    test('is registered by stacks/index.ts discovery (a folder with an index.ts)', () => {
      expect(listExamples(stacksDir)).toEqual(['acme']);
    });

    test('type-checks, synthesizes and passes the policy check', () => {
      const tsconfig = path.join(path.dirname(stacksDir), 'tsconfig.json');
      fs.writeFileSync(tsconfig, JSON.stringify({ extends: path.join(REPO, 'tsconfig.json'), compilerOptions: { incremental: false }, exclude: [], include: [`${result.dir}/**/*.ts`] }));
      const tsc = spawnSync(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', tsconfig], { cwd: REPO, encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');

      const synth = run(
        ['-e', `const { App } = require(${JSON.stringify(path.join(REPO, 'modules', 'core'))}); const app = new App({ outdir: ${JSON.stringify(outdir)} }); require(${JSON.stringify(result.dir)}).register(app); app.synth();`],
      );
      expect(synth.stderr).toBe('');
      expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([...result.stacks].sort());

      const check = run([path.join(REPO, 'tools', 'policy-check', 'cli.ts'), '--dir', outdir]);
      expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    }, 120_000);

    test('its test synthesizes the stacks and runs the policy check on each', () => {
      const text = fs.readFileSync(path.join(result.dir, 'acme.test.ts'), 'utf8');
      expect(text).toContain("import { register } from './index';");
      expect(text).toContain('checkStack(id, out)');
      expect(text).toContain(JSON.stringify(result.stacks));
    });
  });

  test('one example: its files renamed to the project (classes, slug, state bucket, stack names)', () => {
    const stacksDir = stacksCopy([]);
    made.push(stacksDir);
    const result = scaffold({ name: 'partner-drop', from: ['csv-to-postgres'], stacksDir });
    expect(result.files).toEqual(['config.ts', 'index.ts', 'partner-drop.test.ts', 'stack.ts']);
    expect(result.stacks).toEqual(['partner-drop-staging', 'partner-drop-production']);
    const index = fs.readFileSync(path.join(result.dir, 'index.ts'), 'utf8');
    expect(index).toContain("new PartnerDropStack(app, 'partner-drop-staging', CONFIG.staging)");
    expect(fs.readFileSync(path.join(result.dir, 'config.ts'), 'utf8')).toMatch(/project: 'partner-drop',[\s\S]*stateBucket: 'partner-drop-terraform-state'/);
  });

  test('fails when the project exists, naming the folder', () => {
    const stacksDir = stacksCopy(['csv-to-postgres']);
    made.push(stacksDir);
    expect(() => scaffold({ name: 'csv-to-postgres', from: ['csv-to-postgres'], stacksDir })).toThrow(/stacks\/csv-to-postgres already exists: pick another name, or delete that folder first/);
  });

  test('fails when an example is unknown, listing the ones there are, and writes nothing', () => {
    const stacksDir = stacksCopy([]);
    made.push(stacksDir);
    const examplesDir = stacksCopy(['csv-to-postgres']);
    made.push(examplesDir);
    expect(() => scaffold({ name: 'acme', from: ['csv-to-postgres', 'oracle-to-redshift'], stacksDir })).toThrow('unknown example "oracle-to-redshift": the examples in');
    expect(() => scaffold({ name: 'acme', from: ['oracle-to-redshift'], stacksDir, examplesDir })).toThrow(/are csv-to-postgres\.$/);
    expect(fs.existsSync(path.join(stacksDir, 'acme'))).toBe(false);
  });

  test('fails when the name is not a project slug', () => {
    expect(() => scaffold({ name: 'Acme_Corp', stacksDir: stacksCopy([]) })).toThrow('project name "Acme_Corp" must be lower-case letters, digits and single dashes');
  });

  test.each(['billing--eu', 'billing-', 'b'])('fails when the name %s is one Naming refuses (two dashes, a dash at the end, one character)', (name) => {
    expect(() => scaffold({ name, stacksDir: stacksCopy([]) })).toThrow(`project name "${name}" must be lower-case letters, digits and single dashes`);
  });

  test('the CLI exits 1 with the message on stderr', () => {
    const stacksDir = stacksCopy([]);
    made.push(stacksDir);
    const cli = run([path.join(REPO, 'tools', 'new-project', 'cli.ts'), 'acme', '--from', 'nope', '--stacks-dir', stacksDir]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^new-project: unknown example "nope"/);
  });
});
