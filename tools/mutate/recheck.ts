/**
 * `npm run mutate:recheck -- <mutation.json> <test files, comma-separated> [path filter]`
 *
 * Re-tests the mutants a Stryker run left alive (Survived, NoCoverage) against the tests of today's tree, one at a
 * time: applies the mutant's exact replacement (location and text from the JSON report) to the source file, runs Jest
 * on the given test files, restores the file, and prints KILLED or survives with Jest's summary. This gives the "after"
 * figure of a round without a second full Stryker run.
 *
 * When the file changed since the run, each mutant is moved to where its lines are now (`locateMutant`): the lines it
 * spans must appear unchanged in today's file, once, or, if several times, one place must match more of the lines
 * around it than any other. A mutant whose lines were edited or cannot be placed is listed as `moved?` and not tested.
 * Run it in a clean copy (`git archive HEAD | tar -x`), never in a working tree with edits of your own, because it
 * rewrites source files while it runs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Position { line: number; column: number }
interface Mutant { status: string; mutatorName: string; replacement?: string; location: { start: Position; end: Position } }
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }

function lineStartsOf(lines: readonly string[]): number[] {
  const starts = [0];
  for (const line of lines) starts.push(starts[starts.length - 1] + line.length + 1);
  return starts;
}

/**
 * Where a mutant measured in `measured` falls in `current`: offsets [start, end) of the text it replaces, or undefined
 * when its lines are not in `current` unchanged or cannot be placed unambiguously (see the file comment).
 */
export function locateMutant(measured: string, current: string, loc: { start: Position; end: Position }): { start: number; end: number } | undefined {
  const before = measured.split('\n');
  const now = current.split('\n');
  const span = before.slice(loc.start.line - 1, loc.end.line);
  if (span.length === 0 || span.length !== loc.end.line - loc.start.line + 1) return undefined;
  let at: number | undefined;
  if (measured === current) at = loc.start.line - 1;
  else {
    const hits: number[] = [];
    for (let i = 0; i + span.length <= now.length; i++) if (span.every((l, k) => now[i + k] === l)) hits.push(i);
    if (hits.length === 1) at = hits[0];
    else if (hits.length > 1) {
      // Several places hold the same lines (a closing brace, a repeated call): take the one whose neighbours, up to 20
      // lines each way, match the measured neighbours for longest; a tie is ambiguous.
      const context = (i: number): number => {
        let n = 0;
        for (let d = 1; d <= 20; d++) {
          const up = before[loc.start.line - 1 - d] !== undefined && before[loc.start.line - 1 - d] === now[i - d];
          const down = before[loc.end.line - 1 + d] !== undefined && before[loc.end.line - 1 + d] === now[i + span.length - 1 + d];
          if (!up && !down) break;
          n += Number(up) + Number(down);
        }
        return n;
      };
      const scored = hits.map((i) => ({ i, n: context(i) })).sort((x, y) => y.n - x.n);
      if (scored[0].n > scored[1].n) at = scored[0].i;
    }
  }
  if (at === undefined) return undefined;
  const starts = lineStartsOf(now);
  return { start: starts[at] + loc.start.column - 1, end: starts[at + span.length - 1] + loc.end.column - 1 };
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
  let unplaced = 0;
  for (const [reported, data] of Object.entries(report.files)) {
    if (!reported.includes(filter)) continue;
    // Reports name files by absolute path in the copy Stryker ran in: find the same relative path here.
    const rel = path.isAbsolute(reported) ? relativeInRepo(reported) : reported;
    const file = path.resolve(rel);
    const original = fs.readFileSync(file, 'utf8');
    if (original !== data.source) console.log(`!! ${rel}: changed since the run; each mutant is placed by its lines`);
    try {
      for (const m of data.mutants) {
        if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
        const measuredText = (() => {
          const starts = lineStartsOf(data.source.split('\n'));
          return data.source.slice(starts[m.location.start.line - 1] + m.location.start.column - 1, starts[m.location.end.line - 1] + m.location.end.column - 1);
        })();
        const where = locateMutant(data.source, original, m.location);
        const label = `${rel}:${m.location.start.line}\t${m.status}\t${m.mutatorName}\t${JSON.stringify(measuredText.slice(0, 60))} -> ${JSON.stringify((m.replacement ?? '').slice(0, 60))}`;
        if (!where) {
          unplaced++;
          console.log(`moved?\t${label}\t(its lines changed or are ambiguous in today's file: not tested)`);
          continue;
        }
        fs.writeFileSync(file, original.slice(0, where.start) + (m.replacement ?? '') + original.slice(where.end));
        const run = spawnSync('npx', ['jest', '--silent', ...tests], { encoding: 'utf8' });
        const summary = `${run.stdout}${run.stderr}`.split('\n').find((l) => l.startsWith('Tests:')) ?? '(no summary)';
        const verdict = run.status === 0 ? 'survives' : 'KILLED';
        if (run.status === 0) alive++;
        else killed++;
        console.log(`${verdict}\t${label}\t${summary}`);
      }
    } finally {
      fs.writeFileSync(file, original);
    }
  }
  console.log(`killed ${killed}, still alive ${alive}${unplaced ? `, not placed ${unplaced}` : ''}`);
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

if (require.main === module) main();
