import { copyOptions, dialectProblems, resolveDialect, sqlLiteral } from '../../../lambdas/s3-to-postgres/dialect';
import { decodeS3Key, matchRoute, quoteIdent, resolveRoutes, routeProblems, splitTableName } from '../../../lambdas/s3-to-postgres/routes';

/**
 * Routes decide which table a file lands in and whether it erases the table first: a wrong match or a missed
 * conflict loses rows. Checked here without synth (the module runs the same routeProblems at synth).
 */
const ok = { table: 't', mode: 'append' };

describe('splitTableName and quoteIdent', () => {
  test.each([
    ['people', { schema: 'public', name: 'people' }],
    ['sales.orders', { schema: 'sales', name: 'orders' }],
    ['_x$1.T2', { schema: '_x$1', name: 'T2' }],
    ['a.b.c', undefined],
    ['1abc', undefined],
    ['sales.', undefined],
    ['"x"', undefined],
    ['x-y', undefined],
    ['a'.repeat(63), { schema: 'public', name: 'a'.repeat(63) }],
    ['a'.repeat(64), undefined],
    ['ok\n', undefined],
  ])('%j -> %j', (table, expected) => {
    expect(splitTableName(table)).toEqual(expected);
  });

  test('quoteIdent doubles every embedded quote', () => {
    expect(quoteIdent('a"b"c')).toBe('"a""b""c"');
  });
});

describe('routeProblems: each problem is a sentence naming the route', () => {
  test.each([
    [{ ...ok }, []],
    [{ ...ok, prefix: 7 }, ['route 0: prefix must be a string (use "" to match every key).']],
    [{ ...ok, prefix: '//in/' }, ['route 0: prefix "//in/" starts with "/"; S3 keys have no leading slash (use "in/").']],
    [{ ...ok, prefix: 'in/*.csv' }, ['route 0: prefix "in/*.csv" contains "*"; prefixes are literal, not globs.']],
    [{ ...ok, prefix: 'p'.repeat(1025) }, ['route 0: prefix is longer than the 1024-byte S3 key limit (UTF-8).']],
    [{ ...ok, prefix: 'é'.repeat(513) }, ['route 0: prefix is longer than the 1024-byte S3 key limit (UTF-8).']],
    [{ ...ok, prefix: 'p'.repeat(1024) }, []],
    [{ ...ok, prefix: 'é'.repeat(512) }, []],
    [{ ...ok, table: 'a.b.c' }, ['route 0: table "a.b.c" must be "schema.table" or "table" made of plain identifiers (letters, digits, _ and $, starting with a letter or _).']],
    [{ ...ok, table: 5 }, ['route 0: table 5 must be "schema.table" or "table" made of plain identifiers (letters, digits, _ and $, starting with a letter or _).']],
    [{ ...ok, mode: undefined }, ['route 0: mode undefined must be "replace", "append" or "upsert".']],
    [{ ...ok, key: ['id'] }, ['route 0: key is only for mode "upsert" (mode is "append"); remove it or use mode "upsert".']],
    [{ ...ok, mode: 'upsert', key: [] }, ['route 0: key must be a non-empty list of column names, e.g. ["id"] (or leave it out to use the table\'s primary key).']],
    [{ ...ok, mode: 'upsert', key: ['a b', 'c'] }, ['route 0: key column(s) "a b" must be plain identifiers (letters, digits, _ and $, starting with a letter or _).']],
    [{ ...ok, mode: 'upsert', key: [['id']] }, ['route 0: key column(s) ["id"] must be plain identifiers (letters, digits, _ and $, starting with a letter or _).']],
    [{ ...ok, mode: 'upsert', key: ['a', 'b', 'a', 'b'] }, ['route 0: key column(s) "a", "b" repeat; list each column once.']],
    [{ ...ok, deleteMarker: { column: 'op', value: 'D' } }, ['route 0: deleteMarker is only for mode "upsert" (mode is "append"); remove it or use mode "upsert".']],
    [{ ...ok, mode: 'upsert', deleteMarker: null }, ['route 0: deleteMarker must be {column, value}, e.g. {"column":"op","value":"D"}.']],
    [{ ...ok, mode: 'upsert', deleteMarker: ['op', 'D'] }, ['route 0: deleteMarker must be {column, value}, e.g. {"column":"op","value":"D"}.']],
    [
      { ...ok, mode: 'upsert', deleteMarker: { column: 'op', value: 'D', a: 1, b: 2 } },
      ['route 0: deleteMarker has unknown field(s) a, b; it has column and value, e.g. {"column":"op","value":"D"}.'],
    ],
    [{ ...ok, mode: 'upsert', deleteMarker: { value: 'D' } }, ['route 0: deleteMarker.column undefined must be a plain identifier (the file column that marks deletes), e.g. {"column":"op","value":"D"}.']],
    [
      { ...ok, mode: 'upsert', key: ['id', 'op'], deleteMarker: { column: 'op', value: 'D' } },
      ['route 0: deleteMarker.column "op" is a key column; the marker is a separate, file-only column.'],
    ],
    [{ ...ok, mode: 'upsert', deleteMarker: { column: 'op', value: 1 } }, ['route 0: deleteMarker.value must be a non-empty string (the marker column\'s value for a delete), e.g. {"column":"op","value":"D"}.']],
    [{ ...ok, mode: 'upsert', deleteMarker: { column: 'op', value: '' } }, ['route 0: deleteMarker.value must be a non-empty string (the marker column\'s value for a delete), e.g. {"column":"op","value":"D"}.']],
    [{ ...ok, mode: 'upsert', deleteMarker: 'D' }, ['route 0: deleteMarker must be {column, value}, e.g. {"column":"op","value":"D"}.']],
    [{ ...ok, csv: { delimiter: 'x' } }, [expect.stringMatching(/^route 0 \(prefix "p\/"\): csv\.delimiter "x" must be one ASCII character/)]],
    [{ ...ok, size: 1, when: 2 }, ['route 0: unknown field(s) size, when; a route has prefix, table and mode.']],
  ])('%j', (fields, expected) => {
    expect(routeProblems([{ prefix: 'p/', ...fields }])).toEqual(expected);
  });

  test('a route that is not an object is reported, not thrown on', () => {
    expect(routeProblems([null])).toEqual([
      'route 0: prefix must be a string (use "" to match every key).',
      'route 0: table undefined must be "schema.table" or "table" made of plain identifiers (letters, digits, _ and $, starting with a letter or _).',
      'route 0: mode undefined must be "replace", "append" or "upsert".',
    ]);
  });

  test('routes that are not a list are refused as such', () => {
    for (const routes of [{ prefix: 'p/', table: 't', mode: 'append' }, 'p/=t', undefined]) expect(routeProblems(routes)).toEqual(['routes must be a list of {prefix, table, mode}.']);
  });

  test('an empty list is refused with an example', () => {
    expect(routeProblems([])).toEqual(['at least one route is needed, e.g. {"prefix":"people/","table":"public.people","mode":"replace"}.']);
  });

  test('a repeated prefix names the route it repeats (one file, one table)', () => {
    expect(routeProblems([{ prefix: 'a/', ...ok }, { prefix: 'b/', ...ok }, { prefix: 'a/', ...ok, table: 'u' }])).toEqual([
      'route 2: prefix "a/" repeats route 0; each prefix routes to one table.',
    ]);
  });

  test('problems of every route are listed, numbered by position', () => {
    expect(routeProblems([{ prefix: 'a/', ...ok }, { prefix: '/b', ...ok, mode: 'merge' }])).toEqual([
      'route 1: prefix "/b" starts with "/"; S3 keys have no leading slash (use "b").',
      'route 1: mode "merge" must be "replace", "append" or "upsert".',
    ]);
  });

  test('fails when two prefixes replace one table (as written with or without "public.")', () => {
    expect(
      routeProblems([
        { prefix: 'a/', table: 'people', mode: 'replace' },
        { prefix: 'b/', table: 'public.people', mode: 'replace' },
        { prefix: 'c/', table: 'other.people', mode: 'replace' },
      ]),
    ).toEqual(['prefixes "a/" and "b/" both replace public.people: each file would erase the other\'s rows. Use one prefix, or mode "append".']);
  });

  test('fails when one table is both replaced and appended to, in either order', () => {
    const message = 'public.people is both replaced (prefix "r/") and appended to (prefix "a/"): a replace would erase appended rows. Pick one mode per table.';
    expect(routeProblems([{ prefix: 'r/', table: 'people', mode: 'replace' }, { prefix: 'a/', table: 'public.people', mode: 'append' }])).toEqual([message]);
    expect(routeProblems([{ prefix: 'a/', table: 'people', mode: 'append' }, { prefix: 'r/', table: 'people', mode: 'replace' }])).toEqual([message]);
  });

  test('fails when one table is both replaced and upserted into, in either order', () => {
    const message = 'public.orders is both replaced (prefix "r/") and upserted into (prefix "u/"): a replace would erase upserted rows. Pick one mode per table.';
    expect(routeProblems([{ prefix: 'r/', table: 'orders', mode: 'replace' }, { prefix: 'u/', table: 'public.orders', mode: 'upsert' }])).toEqual([message]);
    expect(routeProblems([{ prefix: 'u/', table: 'orders', mode: 'upsert' }, { prefix: 'r/', table: 'orders', mode: 'replace' }])).toEqual([message]);
  });

  test('the cross-route checks skip routes whose table is invalid (reported once, above)', () => {
    expect(routeProblems([{ prefix: 'r/', table: 'a.b.c', mode: 'replace' }, { prefix: 'a/', table: 'a.b.c', mode: 'append' }])).toHaveLength(2);
    expect(routeProblems([{ prefix: 'r/', table: 7, mode: 'replace' }, { prefix: 'u/', table: 7, mode: 'upsert' }])).toHaveLength(2);
  });

  test('different tables in replace, append and upsert are fine', () => {
    expect(
      routeProblems([
        { prefix: 'r/', table: 'a', mode: 'replace' },
        { prefix: 'p/', table: 'b', mode: 'append' },
        { prefix: 'u/', table: 'c', mode: 'upsert' },
      ]),
    ).toEqual([]);
  });
});

describe('resolveRoutes', () => {
  test('fails listing every problem in one error', () => {
    expect(() => resolveRoutes([{ prefix: '/x', table: 't', mode: 'copy' }])).toThrow(
      'invalid table routes: route 0: prefix "/x" starts with "/"; S3 keys have no leading slash (use "x"). route 0: mode "copy" must be "replace", "append" or "upsert".',
    );
  });

  test('copies key, marker and dialect so later changes to the input cannot re-route a load', () => {
    const input = { prefix: 'o/', table: 'orders', mode: 'upsert' as const, key: ['id'], deleteMarker: { column: 'op', value: 'D' }, csv: { delimiter: ';' } };
    const [r] = resolveRoutes([input]);
    input.key.push('x');
    input.deleteMarker.value = 'X';
    input.csv.delimiter = '|';
    expect(r).toEqual({
      prefix: 'o/',
      table: 'orders',
      mode: 'upsert',
      key: ['id'],
      deleteMarker: { column: 'op', value: 'D' },
      csv: { delimiter: ';' },
      schema: 'public',
      name: 'orders',
      qualified: 'public.orders',
    });
  });

  test('a route without key, marker or dialect carries none of them', () => {
    expect(Object.keys(resolveRoutes([{ prefix: 'p/', table: 's.t', mode: 'replace' }])[0]).sort()).toEqual(['mode', 'name', 'prefix', 'qualified', 'schema', 'table']);
  });
});

describe('matchRoute', () => {
  const routes = resolveRoutes([
    { prefix: 'a/', table: 'short', mode: 'append' },
    { prefix: 'a/b/', table: 'long', mode: 'append' },
    { prefix: 'a/b', table: 'middle', mode: 'append' },
  ]);

  test('the longest matching prefix wins whatever the route order', () => {
    expect(matchRoute(routes, 'a/b/x.csv')?.name).toBe('long');
    expect(matchRoute([...routes].reverse(), 'a/b/x.csv')?.name).toBe('long');
    expect(matchRoute(routes, 'a/bx.csv')?.name).toBe('middle');
    expect(matchRoute(routes, 'a/x.csv')?.name).toBe('short');
  });

  test('no route for a key no prefix starts', () => {
    expect(matchRoute(routes, 'b/a/x.csv')).toBeUndefined();
    expect(matchRoute(routes, 'x/a/b/y.csv')).toBeUndefined();
  });

  test('decodeS3Key turns every + into a space', () => {
    expect(decodeS3Key('a+b+c%2B')).toBe('a b c+');
  });
});

describe('dialectProblems', () => {
  const where = 'route 0';
  test.each([
    [{}, []],
    [{ delimiter: '\t', quote: "'", nullMarker: '\\N', encoding: 'WIN1252' }, []],
    [{ delimiter: ' ' }, []],
    [{ delimiter: '~' }, []],
    [{ delimiter: '\u007f' }, [expect.stringMatching(/^route 0: csv\.delimiter "\u007f" must be one ASCII character/)]],
    [{ delimiter: 'A' }, [expect.stringMatching(/csv\.delimiter "A" must be/)]],
    [{ delimiter: '0' }, [expect.stringMatching(/csv\.delimiter "0" must be/)]],
    [{ delimiter: 1 }, [expect.stringMatching(/csv\.delimiter 1 must be/)]],
    [{ quote: 'ab' }, ['route 0: csv.quote "ab" must be one ASCII character other than a letter, digit, CR or LF (COPY takes a single one-byte character), e.g. ";" or "\\t".']],
    [{ quote: ',' }, ['route 0: csv.delimiter and csv.quote are both ","; COPY needs them different (the default quote is \'"\').']],
    [{ nullMarker: 'N'.repeat(64) }, []],
    [{ nullMarker: 'N'.repeat(65) }, [expect.stringMatching(/csv\.nullMarker "N+" must be a string of at most 64 characters/)]],
    [{ nullMarker: 'a\tb' }, [expect.stringMatching(/csv\.nullMarker "a\\tb" must be a string/)]],
    [{ nullMarker: 'a\u007fb' }, [expect.stringMatching(/csv\.nullMarker "a\u007fb" must be a string/)]],
    [{ nullMarker: 'a,b' }, ['route 0: csv.nullMarker "a,b" contains the delimiter ","; COPY refuses that.']],
    [{ nullMarker: '"' }, ['route 0: csv.nullMarker "\\"" contains the quote "\\""; COPY refuses that.']],
    [{ delimiter: 'x', nullMarker: 'x' }, [expect.stringMatching(/csv\.delimiter "x" must be/)]],
    [{ quote: 'x', nullMarker: 'x"' }, [expect.stringMatching(/csv\.quote "x" must be/)]],
    [{ encoding: 'UTF8', quote: '|' }, []],
    [{ encoding: 'SJIS', quote: '?' }, []],
    [{ encoding: 'BIG5', quote: '@' }, ['route 0: csv.quote "@" can be the second byte of a BIG5 character; use a quote below "@" in ASCII, e.g. \'"\' or "\'".']],
    [{ encoding: 'GBK', quote: '|' }, [expect.stringMatching(/csv\.quote "\|" can be the second byte of a GBK character/)]],
    [{ encoding: 'UHC', quote: '|' }, [expect.stringMatching(/UHC character/)]],
    [{ encoding: 'GB18030', quote: '|' }, [expect.stringMatching(/GB18030 character/)]],
    [{ encoding: 'shift-jis_2004' }, ['route 0: csv.encoding "shift-jis_2004" is not supported: the loader cannot decode its header line (no decoder for it in Node).']],
    [{ encoding: 'mule_internal' }, ['route 0: csv.encoding "mule_internal" is not supported: it is an Emacs-internal encoding no export tool writes.']],
    [{ encoding: 'Win-1252' }, [expect.stringMatching(/^route 0: csv\.encoding "Win-1252" is not a Postgres client encoding name \(did you mean "WIN1252"\?\); use one of UTF8, LATIN1, .*, UHC \(upper case/)]],
    [{ encoding: 'ebcdic' }, [expect.stringMatching(/^route 0: csv\.encoding "ebcdic" is not a Postgres client encoding name; use one of/)]],
    [{ encoding: 8 }, [expect.stringMatching(/^route 0: csv\.encoding 8 is not a Postgres client encoding name; use one of/)]],
    [{ sep: ';', quoteChar: "'" }, ['route 0: unknown csv field(s) sep, quoteChar; csv has delimiter, quote, nullMarker and encoding.']],
  ])('%j', (csv, expected) => {
    expect(dialectProblems(csv, where)).toEqual(expected);
  });

  test.each([[null], [[';']], [';']])('fails when csv is %j, not an object', (csv) => {
    expect(dialectProblems(csv, where)).toEqual(['route 0: csv must be an object like {"delimiter":";","quote":"\\"","nullMarker":"","encoding":"UTF8"}.']);
  });

  test('refuses each encoding it cannot decode, saying why', () => {
    for (const name of ['SQL_ASCII', 'MULE_INTERNAL', 'EUC_TW', 'EUC_JIS_2004', 'SHIFT_JIS_2004', 'JOHAB', 'LATIN10']) {
      expect(dialectProblems({ encoding: name }, where)).toEqual([expect.stringMatching(new RegExp(`^route 0: csv\\.encoding "${name}" is not supported: .+\\.$`))]);
    }
  });
});

describe('resolveDialect, sqlLiteral, copyOptions', () => {
  test('only the defaults are plain; each differing field makes the dialect non-plain', () => {
    expect(resolveDialect(undefined)).toEqual({ delimiter: ',', quote: '"', nullMarker: '', encoding: 'UTF8', plain: true });
    expect(resolveDialect({ delimiter: ',', quote: '"', nullMarker: '', encoding: 'UTF8' }).plain).toBe(true);
    for (const d of [{ delimiter: ';' }, { quote: "'" }, { nullMarker: 'NULL' }, { encoding: 'LATIN1' }]) expect(resolveDialect(d).plain).toBe(false);
  });

  test('sqlLiteral doubles quotes and every backslash, marking backslash strings as E-strings', () => {
    expect(sqlLiteral('plain')).toBe("'plain'");
    expect(sqlLiteral("a'b'c")).toBe("'a''b''c'");
    expect(sqlLiteral("\\N'\\x")).toBe("E'\\\\N''\\\\x'");
  });

  test('copyOptions names each option that differs from COPY default, and only those', () => {
    const base = resolveDialect(undefined);
    expect(copyOptions({ ...base, delimiter: ';' }, false)).toBe("(FORMAT csv, DELIMITER ';')");
    expect(copyOptions({ ...base, quote: "'" }, false)).toBe("(FORMAT csv, QUOTE '''')");
    expect(copyOptions({ ...base, nullMarker: 'NULL' }, false)).toBe("(FORMAT csv, NULL 'NULL')");
    expect(copyOptions({ ...base, encoding: 'LATIN1' }, false)).toBe("(FORMAT csv, ENCODING 'LATIN1')");
  });
});
