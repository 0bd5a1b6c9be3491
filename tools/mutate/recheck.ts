/**
 * `npm run mutate:recheck -- <mutation.json> <test files, comma-separated> [path filter]`
 *
 * Re-tests the mutants a Stryker run left alive (Survived, NoCoverage) against the tests of today's tree, one at a
 * time: applies the mutant's exact replacement (location and text from the JSON report) to the source file, runs Jest
 * on the given test files, restores the file, and prints KILLED or survives with Jest's summary. A file whose source
 * differs from the one the report measured is skipped (the locations would be wrong). This gives the "after" figure of
 * a round without a second full Stryker run; run it in a clean copy (`git archive HEAD | tar -x`), never in a working
 * tree with edits of your own, because it rewrites source files while it runs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Position { line: number; column: number }
interface Mutant { status: string; mutatorName: string; replacement?: string; location: { start: Position; end: Position } }
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }

function offsetOf(lineStarts: number[], p: Position): number {
  return lineStarts[p.line - 1] + p.column - 1;
}

function main(): void {
  const [reportPath, testList, filter = ''] = process.argv.slice(2);
  if (!reportPath || !testList) {
    console.error('usage: mutate:recheck <mutation.json> <test files, comma-separated> [path filter]');
    process.exit(2);
  }
  const report = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as Report;
  const tests = testList.split(',').filter(Boolean);
  let killed = 0;
  let alive = 0;
  for (const [reported, data] of Object.entries(report.files)) {
    if (!reported.includes(filter)) continue;
    // Reports name files by absolute path in the copy Stryker ran in: find the same relative path here.
    const rel = path.isAbsolute(reported) ? relativeInRepo(reported) : reported;
    const file = path.resolve(rel);
    const original = fs.readFileSync(file, 'utf8');
    if (original !== data.source) {
      console.log(`!! ${rel}: source differs from the measured one; skipped`);
      continue;
    }
    const lineStarts = [0];
    for (const line of original.split('\n')) lineStarts.push(lineStarts[lineStarts.length - 1] + line.length + 1);
    try {
      for (const m of data.mutants) {
        if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
        const a = offsetOf(lineStarts, m.location.start);
        const b = offsetOf(lineStarts, m.location.end);
        fs.writeFileSync(file, original.slice(0, a) + (m.replacement ?? '') + original.slice(b));
        const run = spawnSync('npx', ['jest', '--silent', ...tests], { encoding: 'utf8' });
        const summary = `${run.stdout}${run.stderr}`.split('\n').find((l) => l.startsWith('Tests:')) ?? '(no summary)';
        const verdict = run.status === 0 ? 'survives' : 'KILLED';
        if (run.status === 0) alive++;
        else killed++;
        console.log(`${verdict}\t${rel}:${m.location.start.line}\t${m.status}\t${m.mutatorName}\t${JSON.stringify(original.slice(a, b).slice(0, 60))} -> ${JSON.stringify((m.replacement ?? '').slice(0, 60))}\t${summary}`);
      }
    } finally {
      fs.writeFileSync(file, original);
    }
  }
  console.log(`killed ${killed}, still alive ${alive}`);
}

/** `/work/copy-x/lambdas/a.ts` -> `lambdas/a.ts`: the part from the first top-level folder of this repository. */
function relativeInRepo(abs: string): string {
  const parts = abs.split(path.sep);
  for (let i = 1; i < parts.length; i++) {
    const candidate = parts.slice(i).join(path.sep);
    if (fs.existsSync(path.resolve(candidate))) return candidate;
  }
  return abs;
}

main();
