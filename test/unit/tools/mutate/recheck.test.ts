import { locateMutant } from '../../../../tools/mutate/recheck';

/** Stryker's locations: 1-based lines, 1-based columns, end exclusive. */
const at = (line: number, column: number, endLine: number, endColumn: number) => ({ start: { line, column }, end: { line: endLine, column: endColumn } });
const text = (source: string, where: { start: number; end: number } | undefined) => (where ? source.slice(where.start, where.end) : undefined);

const MEASURED = ['function f(a: number) {', '  if (a > 1) return 2;', '  return 3;', '}', ''].join('\n');

describe('locateMutant: where a measured mutant falls in today\'s file', () => {
  test('an unchanged file: the measured offsets', () => {
    expect(text(MEASURED, locateMutant(MEASURED, MEASURED, at(2, 7, 2, 12)))).toBe('a > 1');
  });

  test('lines added above: the mutant moves with its line', () => {
    const now = ['// a comment', '// another', MEASURED].join('\n');
    expect(text(now, locateMutant(MEASURED, now, at(2, 7, 2, 12)))).toBe('a > 1');
  });

  test('a mutant over several lines moves as a block', () => {
    const now = `import x from 'y';\n${MEASURED}`;
    expect(text(now, locateMutant(MEASURED, now, at(1, 23, 4, 2)))).toBe('{\n  if (a > 1) return 2;\n  return 3;\n}');
  });

  test('its line edited: not placed', () => {
    const now = MEASURED.replace('a > 1', 'a >= 1');
    expect(locateMutant(MEASURED, now, at(2, 7, 2, 12))).toBeUndefined();
  });

  test('the same line twice: the place whose neighbours match wins; without a difference, not placed', () => {
    const measured = ['a();', 'return 1;', 'b();', 'c();', 'return 1;', 'd();'].join('\n');
    const now = ['z();', 'a();', 'return 1;', 'b();', 'c();', 'return 1;', 'e();'].join('\n');
    // line 5 ("return 1;" after c()) is now line 6; line 2 (after a()) is now line 3
    expect(locateMutant(measured, now, at(5, 8, 5, 9))).toEqual({ start: now.indexOf('c();') + 5 + 7, end: now.indexOf('c();') + 5 + 8 });
    expect(locateMutant(measured, now, at(2, 8, 2, 9))).toEqual({ start: now.indexOf('a();') + 5 + 7, end: now.indexOf('a();') + 5 + 8 });
    const twins = ['x', 'return 1;', 'x', 'return 1;', 'x'].join('\n');
    expect(locateMutant(['return 1;'].join('\n'), twins, at(1, 8, 1, 9))).toBeUndefined();
  });
});
