import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bomLength, CsvFormatError, CsvRecordCounter, decodeHeaderText, GzipFormatError, parseHeader } from '../../../lambdas/s3-to-postgres/csv';
import { ENCODINGS, resolveDialect } from '../../../lambdas/s3-to-postgres/dialect';

/**
 * The loader's CSV reading before Postgres sees the data: header bytes -> column names, and the record counter whose
 * count is checked against COPY's (a mismatch means rows were lost) and whose line numbers reach the error messages.
 */

/** Runs `text` through a counter starting at file line `firstLine`, in chunks of `size` bytes. */
async function run(text: string, size: number, firstLine = 2, quote = '"'): Promise<CsvRecordCounter> {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  const counter = new CsvRecordCounter(firstLine, quote);
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    counter,
    new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    }),
  );
  return counter;
}

describe('bomLength: only the whole UTF-8 byte-order mark counts', () => {
  test.each([
    [[0xef, 0xbb, 0xbf], 3],
    [[0xef, 0xbb, 0xbf, 0x61], 3],
    [[0xef, 0xbb], 0],
    [[0x00, 0xbb, 0xbf], 0],
    [[0xef, 0x00, 0xbf], 0],
    [[0xef, 0xbb, 0x00], 0],
  ])('%j -> %i', (bytes, expected) => {
    expect(bomLength(Buffer.from(bytes))).toBe(expected);
  });
});

describe('decodeHeaderText: header names in the file encoding, wrong encodings named', () => {
  test('LATIN1 is true ISO 8859-1: 0x80-0x9F are control characters, not Windows-1252 letters', () => {
    expect(decodeHeaderText(Buffer.from([0x80, 0xe9]), 'LATIN1')).toBe('\u0080é');
  });

  test('WIN1252 decodes 0x80-0x9F by its table, at both ends of that range, and other bytes as Latin-1', () => {
    expect(decodeHeaderText(Buffer.from([0x7f, 0x80, 0x9f, 0xa0, 0xe9]), 'WIN1252')).toBe('\u007f€Ÿ\u00a0é');
  });

  test('fails on a byte WIN1252 leaves undefined, naming the byte, on line 1', () => {
    let err: unknown;
    try {
      decodeHeaderText(Buffer.from([0x61, 0x81]), 'WIN1252');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvFormatError);
    expect((err as CsvFormatError).message).toBe("the header line is not valid WIN1252 text (byte 0x81 is undefined there); check the route's csv.encoding");
    expect((err as CsvFormatError).line).toBe(1);
    expect((err as CsvFormatError).name).toBe('CsvFormatError');
  });

  test('other encodings go through their decoder (KOI8-R "имя")', () => {
    expect(decodeHeaderText(Buffer.from([0xc9, 0xcd, 0xd1]), 'KOI8R')).toBe('имя');
  });

  test.each(Object.keys(ENCODINGS))('%s has a decoder that reads an ASCII header', (encoding) => {
    expect(decodeHeaderText(Buffer.from('id,name'), encoding)).toBe('id,name');
  });

  test('fails on bytes that are not valid in the route encoding, naming the encoding, on line 1', () => {
    let err: unknown;
    try {
      decodeHeaderText(Buffer.from([0x61, 0xff]), 'UTF8');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvFormatError);
    expect((err as CsvFormatError).message).toBe("the header line is not valid UTF8 text; check the route's csv.encoding (the file's real encoding, e.g. WIN1252)");
    expect((err as CsvFormatError).line).toBe(1);
  });
});

describe('parseHeader: where the header ends and what it names', () => {
  test('a byte-order mark is stripped only in UTF8 files (in WIN1252 those bytes are letters)', () => {
    const buf = Buffer.from([0xef, 0xbb, 0xbf, 0x69, 0x64, 0x0a]);
    expect(parseHeader(buf, true)).toEqual({ columns: ['id'], end: 6 });
    expect(parseHeader(buf, true, resolveDialect({ encoding: 'WIN1252' }))).toEqual({ columns: ['ï»¿id'], end: 6 });
  });

  test.each([
    ['LF', 'a,b\n1', 4],
    ['CRLF', 'a,b\r\n1', 5],
    ['CR alone', 'a,b\r1', 4],
  ])('the data starts after the %s that ends the header', (_label, text, end) => {
    const h = parseHeader(Buffer.from(text), false)!;
    expect(h).toEqual({ columns: ['a', 'b'], end });
  });

  test('spaces around an unquoted name are not part of it, also around the last one; inside quotes they are', () => {
    expect(parseHeader(Buffer.from(' id , name \n1'), false)!.columns).toEqual(['id', 'name']);
    expect(parseHeader(Buffer.from('id," name "\n1'), false)!.columns).toEqual(['id', ' name ']);
  });

  test('more bytes are awaited for a header without line break, or ending in CR (an LF may follow), unless the file ends there', () => {
    expect(parseHeader(Buffer.from('a,b'), false)).toBeUndefined();
    expect(parseHeader(Buffer.from('a,b\r'), false)).toBeUndefined();
    expect(parseHeader(Buffer.from('a,b'), true)).toEqual({ columns: ['a', 'b'], end: 3 });
    expect(parseHeader(Buffer.from('a,b\r'), true)).toEqual({ columns: ['a', 'b'], end: 4 });
    expect(parseHeader(Buffer.alloc(0), true)).toEqual({ columns: [''], end: 0 });
  });

  test('a complete header line is returned before the rest of the file arrives', () => {
    expect(parseHeader(Buffer.from('a,b\n'), false)).toEqual({ columns: ['a', 'b'], end: 4 });
  });

  test('line breaks and delimiters inside a quoted name belong to the name', () => {
    expect(parseHeader(Buffer.from('"x\r\ny",z\n1'), false)).toEqual({ columns: ['x\r\ny', 'z'], end: 9 });
  });

  test('unquoted names are trimmed, quoted ones kept as written; a doubled quote is one quote', () => {
    expect(parseHeader(Buffer.from(' a ," b ", c d ,"e""f",\n'), true)!.columns).toEqual(['a', ' b ', 'c d', 'e"f', '']);
  });

  test("the route's quote and delimiter are used, the default quote is then an ordinary character", () => {
    const d = resolveDialect({ delimiter: ';', quote: "'" });
    expect(parseHeader(Buffer.from(`'a;b';"c";'d''e'\n`), true, d)!.columns).toEqual(['a;b', '"c"', "d'e"]);
  });

  test('fails on an unterminated quoted name as a CSV error on line 1', () => {
    let err: unknown;
    try {
      parseHeader(Buffer.from('id,"name\n1,2\n'), true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvFormatError);
    expect((err as CsvFormatError).line).toBe(1);
  });
});

describe('CsvRecordCounter: record counts and file line numbers', () => {
  test('line is the file line at the current position, counting CRLF once and CR alone as a break', async () => {
    for (const size of [1, 3, 64]) {
      expect((await run('a\nb\n', size)).line).toBe(4);
      expect((await run('a\r\nb\r\n', size)).line).toBe(4);
      expect((await run('a\rb\r', size)).line).toBe(4);
      expect((await run('"a\nb"\nc\n', size, 7)).line).toBe(10);
    }
  });

  test('mixed line endings: a CR followed by data, then an LF, are two breaks', async () => {
    for (const size of [1, 2, 64]) {
      const c = await run('a\rb\nc\r\nd\n', size);
      expect(c.records).toBe(4);
      expect(c.line).toBe(6);
      // A bare LF right after a CRLF is a blank line of its own.
      const blank = await run('a\r\n\nb\n', size);
      expect(blank.records).toBe(3);
      expect(blank.line).toBe(5);
    }
  });

  test('a blank line right at the start of the data is a line and a record of its own', async () => {
    for (const size of [1, 64]) {
      const c = await run('\nb\n', size);
      expect(c.records).toBe(2);
      expect(c.line).toBe(4);
    }
  });

  test('counts bytes passed through', async () => {
    const c = await run('a,b\r\nc,d\r\n', 3);
    expect(c.bytes).toBe(10);
    expect(c.records).toBe(2);
  });

  test('"\\." alone is rejected on its physical file line, after quoted line breaks and from the given first line', async () => {
    for (const size of [1, 4, 64]) {
      await expect(run('"x\ny"\n\\.\n', size)).rejects.toThrow('line 4 is "\\." alone, which Postgres reads as end of data; quote it ("\\.") to load it as a value');
      await expect(run('a\r\\.\rb\r', size, 5)).rejects.toThrow(/^line 6 is "\\\." alone/);
      const err = await run('a\n\\.', size, 3).catch((e) => e);
      expect(err).toBeInstanceOf(CsvFormatError);
      expect(err.line).toBe(4);
    }
  });

  test('two-character records other than "\\." are data', async () => {
    for (const text of ['\\x\n', 'x.\n', '..\n', '\\\\\n']) expect((await run(text, 1)).records).toBe(1);
  });

  test('an unterminated quote names the file line it opened on, counted from the given first line', async () => {
    const err = await run('a\n"b\nc\n', 2, 10).catch((e) => e);
    expect(err).toBeInstanceOf(CsvFormatError);
    expect(err.message).toBe('unterminated quoted field starting at line 11');
    expect(err.line).toBe(11);
  });

  test('the quote that opens counts, not a later closing one', async () => {
    const err = await run('"a"\n"b\n"x\n"y\n', 1).catch((e) => e);
    expect(err.line).toBe(5);
  });

  test("with the route's quote, the default quote is an ordinary character", async () => {
    expect((await run('"a\nb\n', 1, 2, "'")).records).toBe(2);
    await expect(run("'a\nb\n", 1, 2, "'")).rejects.toThrow('unterminated quoted field starting at line 2');
  });
});

test('GzipFormatError names the zlib cause and the fix', () => {
  const e = new GzipFormatError('unexpected end of file');
  expect(e.message).toBe('the gzip data is invalid (unexpected end of file): the object is truncated, corrupt or not gzip; upload the complete .gz file again');
  expect(e.name).toBe('GzipFormatError');
});
