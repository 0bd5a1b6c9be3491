import { escapeLabel, toMermaid } from '../../../../tools/plan-review/mermaid';
import { modelStack } from '../../../../tools/plan-review/model';
import { fixtureIndex } from './helpers';

describe('Mermaid diagram', () => {
  const text = toMermaid(modelStack(fixtureIndex('head')));
  const lines = text.split('\n');

  test('is a left-to-right flowchart with one node per main resource and generated ids', () => {
    expect(lines[0]).toBe('flowchart LR');
    expect(text).toContain('[("shop-staging-orders-db<br/><i>RDS</i>")]');
    expect(text).toContain('("shop-staging-loader<br/><i>Lambda</i>")');
    expect(text).toContain('[/"shop-staging-cdc<br/><i>Kinesis</i>"/]');
    const ids = lines.filter((l) => /^ {2}n\d+[[({>/]/.test(l)).map((l) => l.trim().split(/[[({>]/)[0]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('draws data flows solid (labels merged and quoted) and network paths dotted', () => {
    expect(text).toMatch(/ {2}n\d+ -->\|"notifies incoming\/ \*\.csv, reads"\| n\d+/);
    expect(text).toMatch(/ {2}n\d+ -\.->\|"tcp 5432"\| n\d+/);
  });

  test('every edge refers to declared nodes', () => {
    const declared = new Set(lines.map((l) => /^ {2}(n\d+)[[({>]/.exec(l)?.[1]).filter(Boolean));
    for (const l of lines.filter((x) => x.includes('->'))) {
      const [, from, to] = /^ {2}(n\d+) .*\| (n\d+)$/.exec(l)!;
      expect(declared.has(from) && declared.has(to)).toBe(true);
    }
  });

  test('escapes quotes and angle brackets in labels', () => {
    expect(escapeLabel('say "hi" <b>&')).toBe('say #quot;hi#quot; #lt;b#gt;#amp;');
    expect(escapeLabel('two\nlines')).toBe('two lines');
    // '#' starts an entity code, so it is escaped first.
    expect(escapeLabel('C# & co')).toBe('C#35; #amp; co');
  });
});
