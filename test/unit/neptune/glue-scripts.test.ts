/**
 * The Glue scripts cannot run here (no Spark, no Neptune), so: every script must compile, and the parts that do not
 * need Spark (upsert planning, the Gremlin traversal, retries, the incremental watermark protocol) run as Python
 * unit tests against the mapping compiled by the TypeScript compiler. The whole jobs run under PySpark against
 * Gremlin Server in `npm run test:glue` (test/glue-harness/test_graph.py).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileMapping } from '../../../modules/neptune-graph-migration';
import { productMapping } from './fixtures';

const TEMPLATES = path.resolve(__dirname, '../../../templates/glue/neptune');
const SCRIPTS = fs.readdirSync(TEMPLATES).filter((f) => f.endsWith('.py')).sort();

test('the Neptune Glue scripts are the expected set', () => {
  expect(SCRIPTS).toEqual(['direct.py', 'export.py', 'glue_source.py', 'incremental.py', 'neptune_mapping.py', 'neptune_writer.py']);
});

test.each(SCRIPTS)('%s compiles', (script) => {
  const source = fs.readFileSync(path.join(TEMPLATES, script), 'utf8');
  const result = spawnSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), sys.argv[1], "exec")', script], { input: source, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('writer and incremental-protocol unit tests pass (python3 -m unittest)', () => {
  const mapping = compileMapping({
    vertices: productMapping.vertices,
    edges: productMapping.edges!.map((e) => ({ ...e, watermarkColumn: 'updated_at' })),
  });
  const result = spawnSync('python3', ['-m', 'unittest', '-v', 'test_neptune_writer'], {
    cwd: path.join(__dirname, 'python'),
    env: { ...process.env, NEPTUNE_TEMPLATES: TEMPLATES, GRAPH_MAPPING: JSON.stringify(mapping), PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  // Every test method written in the file ran and passed: "Ran 0 tests" (an import that finds no TestCase, a
  // renamed class) or a skipped test would otherwise still end in OK.
  const written = [...fs.readFileSync(path.join(__dirname, 'python', 'test_neptune_writer.py'), 'utf8').matchAll(/^ {4}def (test_\w+)\(self/gm)].map((m) => m[1]).sort();
  expect(written.length).toBeGreaterThan(0);
  const passed = [...result.stderr.matchAll(/^(test_\w+) \(.*\) \.\.\. ok$/gm)].map((m) => m[1]).sort();
  expect(passed).toEqual(written);
  expect(result.stderr).toMatch(new RegExp(`\nRan ${written.length} tests? in [\\d.]+s\n`));
  expect(result.stderr).toMatch(/\nOK\n?$/);
});

test('the job arguments the scripts read are the ones the construct passes', () => {
  const moduleSource = fs.readFileSync(path.resolve(__dirname, '../../../modules/neptune-graph-migration/neptune-graph-migration.ts'), 'utf8');
  const passed = new Set([...moduleSource.matchAll(/'--([a-z_]+)'/g)].map((m) => m[1]));
  for (const script of ['export.py', 'direct.py', 'incremental.py']) {
    const text = fs.readFileSync(path.join(TEMPLATES, script), 'utf8');
    const options = /getResolvedOptions\(sys\.argv, \[([^\]]+)\]/.exec(text)![1];
    const read = [...options.matchAll(/"([A-Za-z_]+)"/g)].map((m) => m[1]).filter((o) => o !== 'JOB_NAME');
    expect(read.filter((o) => !passed.has(o))).toEqual([]);
  }
});

test('incremental.py reads from the lookback window start (>=), with no bookmark keys on the non-monotonic watermark', () => {
  // Code only: the docstring explains what the script avoids. The rule itself (nw.in_window, nw.window_start) is run
  // by the Python unit tests above, including a row committed late with an earlier stamp.
  const code = fs
    .readFileSync(path.join(TEMPLATES, 'incremental.py'), 'utf8')
    .replace(/"""[\s\S]*?"""/g, '')
    .replace(/#.*$/gm, '');
  expect(code).toMatch(/F\.col\(column\) >= F\.lit\(start\)/);
  expect(code).not.toMatch(/F\.col\(column\) > F\.lit/);
  expect(code).not.toMatch(/jobBookmarkKeys/);
  expect(code).toMatch(/lookback_seconds=int\(ARGS\["lookback_seconds"\]\)/);
});
