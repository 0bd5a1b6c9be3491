import { PrivatePostgres } from '../../../modules/private-postgres';
import { S3ToPostgresPipeline, S3ToPostgresPipelineProps } from '../../../modules/s3-to-postgres-pipeline';
import { copyOptions, resolveDialect, sqlLiteral } from '../../../lambdas/s3-to-postgres/dialect';
import { CsvRecordCounter, parseHeader } from '../../../lambdas/s3-to-postgres/csv';
import { resolveRoutes } from '../../../lambdas/s3-to-postgres/routes';
import { synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

type Route = S3ToPostgresPipelineProps['routes'][number];

function build(csv: unknown) {
  const stack = testStack({ production: false });
  const database = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app' });
  const routes = [
    { prefix: 'people/', table: 'public.people', mode: 'replace' },
    { prefix: 'partner/', table: 'public.partner', mode: 'append', csv },
  ] as unknown as Route[];
  new S3ToPostgresPipeline(stack, 'pipeline', { database, network: TWO_AZ_NETWORK, routes });
  return synthJson(stack);
}

const loaderEnv = (json: ReturnType<typeof synthJson>) => {
  const fn = Object.values(json.resource.aws_lambda_function as Record<string, any>).find((f) => f.environment?.variables?.TABLE_ROUTES);
  return JSON.parse(fn.environment.variables.TABLE_ROUTES);
};

describe('S3ToPostgresPipeline: CSV dialects per route (csv)', () => {
  test('a valid dialect reaches the Lambda in TABLE_ROUTES; routes without one stay as they were', () => {
    const json = build({ delimiter: ';', quote: "'", nullMarker: '\\N', encoding: 'WIN1252' });
    expect(loaderEnv(json)).toEqual([
      { prefix: 'people/', table: 'public.people', mode: 'replace' },
      { prefix: 'partner/', table: 'public.partner', mode: 'append', csv: { delimiter: ';', quote: "'", nullMarker: '\\N', encoding: 'WIN1252' } },
    ]);
  });

  test.each([
    [{ delimiter: ';;' }, /route 1 \(prefix "partner\/"\): csv\.delimiter ";;" must be one ASCII character/],
    [{ delimiter: '\n' }, /csv\.delimiter "\\n" must be one ASCII character other than a letter, digit, CR or LF/],
    [{ delimiter: 'x' }, /csv\.delimiter "x" must be one ASCII character other than a letter, digit/],
    [{ delimiter: '§' }, /csv\.delimiter "§" must be one ASCII character/],
    [{ delimiter: '"' }, /route 1 \(prefix "partner\/"\): csv\.delimiter and csv\.quote are both "\\""/],
    [{ delimiter: '|', quote: '|' }, /csv\.delimiter and csv\.quote are both "\|"/],
    [{ quote: '' }, /csv\.quote "" must be one ASCII character/],
    [{ nullMarker: 'a;b', delimiter: ';' }, /csv\.nullMarker "a;b" contains the delimiter ";"/],
    [{ nullMarker: 'N"A' }, /csv\.nullMarker "N\\"A" contains the quote/],
    [{ nullMarker: 'x\ny' }, /csv\.nullMarker "x\\ny" must be a string of at most 64 characters without control characters/],
    [{ nullMarker: 7 }, /csv\.nullMarker 7 must be a string/],
    [{ encoding: 'windows-1252' }, /csv\.encoding "windows-1252" is not a Postgres client encoding name; use one of UTF8, LATIN1/],
    [{ encoding: 'utf-8' }, /csv\.encoding "utf-8" is not a Postgres client encoding name \(did you mean "UTF8"\?\)/],
    [{ encoding: 'SQL_ASCII' }, /csv\.encoding "SQL_ASCII" is not supported: it means "no encoding"/],
    [{ encoding: 'LATIN10' }, /csv\.encoding "LATIN10" is not supported: the loader cannot decode its header line/],
    [{ encoding: 'SJIS', quote: '|' }, /csv\.quote "\|" can be the second byte of a SJIS character/],
    [{ delimiter: ';', separator: ';' }, /unknown csv field\(s\) separator; csv has delimiter, quote, nullMarker and encoding/],
    ['semicolon', /route 1 \(prefix "partner\/"\): csv must be an object/],
  ])('csv %j fails at synth naming the route and the field', (csv, message) => {
    expect(() => build(csv)).toThrow(/^test\/pipeline: invalid routes: /);
    expect(() => build(csv)).toThrow(message);
  });

  test('the Lambda applies the same rules at cold start', () => {
    expect(() => resolveRoutes([{ prefix: 'p/', table: 't', mode: 'append', csv: { delimiter: ',', quote: ',' } }])).toThrow(/csv\.delimiter and csv\.quote are both ","/);
    expect(resolveRoutes([{ prefix: 'p/', table: 't', mode: 'append', csv: { encoding: 'LATIN1' } }])[0].csv).toEqual({ encoding: 'LATIN1' });
  });

  test('COPY options: defaults leave COPY as before; every literal is quoted safely', () => {
    expect(copyOptions(resolveDialect(undefined), false)).toBe('(FORMAT csv)');
    expect(copyOptions(resolveDialect({}), true)).toBe('(FORMAT csv, HEADER true)');
    expect(copyOptions(resolveDialect({ delimiter: '\t', quote: "'", nullMarker: '\\N', encoding: 'WIN1252' }), true)).toBe(
      "(FORMAT csv, HEADER true, DELIMITER '\t', QUOTE '''', NULL E'\\\\N', ENCODING 'WIN1252')",
    );
    expect(sqlLiteral("it's")).toBe("'it''s'");
  });

  test('the header parser and the record counter honour the quote and delimiter, and decode the header in its encoding', () => {
    const dialect = resolveDialect({ delimiter: ';', quote: "'", encoding: 'WIN1252' });
    // "prénom" and "montant €" in Windows-1252 bytes (é = 0xE9, € = 0x80); a quoted name holding the delimiter.
    const header = Buffer.concat([Buffer.from("id;'pr"), Buffer.from([0xe9]), Buffer.from("nom';'montant "), Buffer.from([0x80]), Buffer.from("';'a;b'\n1;x;2;3\n")]);
    expect(parseHeader(header, true, dialect)).toEqual({ columns: ['id', 'prénom', 'montant €', 'a;b'], end: 30 });
    // The same bytes read as UTF8 are not text: named as an encoding problem on line 1, not a column mismatch.
    expect(() => parseHeader(header, true, resolveDialect({ delimiter: ';', quote: "'" }))).toThrow(/the header line is not valid UTF8 text/);

    const counter = new CsvRecordCounter(2, "'");
    counter.resume();
    counter.write(Buffer.from("1;'two\nlines';\"\n2;'x';\"\n"));
    counter.end();
    return new Promise<void>((resolve) =>
      counter.on('end', () => {
        // With ' as quote, the line break inside '...' is data and " is an ordinary character: 2 records.
        expect(counter.records).toBe(2);
        resolve();
      }),
    );
  });
});
