import { Transform, TransformCallback } from 'node:stream';
import { ENCODINGS, resolveDialect, ResolvedDialect } from './dialect';

/**
 * Streaming CSV helpers with Postgres's CSV rules (quote `"` unless the route's dialect says otherwise, a quote inside
 * quotes written twice, records end at LF, CRLF or CR outside quotes). Nothing here keeps more than the current
 * chunk: memory stays flat with file size.
 */
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** A CSV problem found before Postgres saw the data. `line` counts CSV records, the header being line 1. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** The object is not valid gzip (truncated, corrupt, or not gzip at all): the file's fault, retrying cannot help. */
export class GzipFormatError extends Error {
  constructor(zlibMessage: string) {
    super(`the gzip data is invalid (${zlibMessage}): the object is truncated, corrupt or not gzip; upload the complete .gz file again`);
    this.name = 'GzipFormatError';
  }
}

export interface ParsedHeader {
  /** Column names in file order (quoted names unquoted, unquoted names trimmed). */
  readonly columns: string[];
  /** Byte offset just past the header's line terminator (where the data starts). */
  readonly end: number;
}

/** Length of a UTF-8 byte-order mark at the start of `buf` (0 or 3): spreadsheet exports often start with one. */
export function bomLength(buf: Buffer): number {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/** The default dialect: `,` and `"` in UTF-8. */
const DEFAULT_DIALECT = resolveDialect(undefined);

/**
 * Decodes header bytes in the file's encoding (a Postgres encoding name), refusing bytes that are not valid there
 * (a Windows-1252 file routed as UTF8) instead of replacing them, so a wrong encoding is named, not a "column mismatch".
 */
export function decodeHeaderText(bytes: Buffer, encoding: string): string {
  // WHATWG's "iso-8859-1" label is windows-1252; Postgres's LATIN1 is true ISO 8859-1 (0x80-0x9F are C1 controls).
  if (encoding === 'LATIN1') return bytes.toString('latin1');
  if (encoding === 'WIN1252') return decodeWin1252(bytes);
  try {
    return new TextDecoder(ENCODINGS[encoding] ?? 'utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CsvFormatError(`the header line is not valid ${encoding} text; check the route's csv.encoding (the file's real encoding, e.g. WIN1252)`, 1);
  }
}

/** Windows-1252 at 0x80-0x9F (undefined bytes, which Postgres refuses too, as ''); Latin-1 elsewhere. */
const WIN1252_HIGH = '€\u0000‚ƒ„…†‡ˆ‰Š‹Œ\u0000Ž\u0000\u0000‘’“”•–—˜™š›œ\u0000žŸ';

/**
 * Node 20's TextDecoder decodes "windows-1252" as Latin-1 (0x80 -> U+0080, not €), so the table is here.
 */
function decodeWin1252(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b < 0x80 || b > 0x9f) out += String.fromCharCode(b);
    else {
      const ch = WIN1252_HIGH[b - 0x80];
      if (ch === '\u0000') throw new CsvFormatError(`the header line is not valid WIN1252 text (byte 0x${b.toString(16)} is undefined there); check the route's csv.encoding`, 1);
      out += ch;
    }
  }
  return out;
}

/**
 * Parses the first record of `buf` as the header, with the dialect's quote and delimiter, decoding names from its
 * encoding. Returns undefined when the record is not complete yet (more bytes are needed), unless `final` says `buf`
 * is the whole file.
 */
export function parseHeader(buf: Buffer, final: boolean, dialect: ResolvedDialect = DEFAULT_DIALECT): ParsedHeader | undefined {
  // A UTF-8 byte-order mark is only one in a UTF-8 file (in WIN1252 the same bytes are "ï»¿").
  const start = dialect.encoding === 'UTF8' ? bomLength(buf) : 0;
  const quote = dialect.quote.charCodeAt(0);
  let inQuotes = false;
  let i = start;
  for (; i < buf.length; i++) {
    const c = buf[i];
    if (c === quote) inQuotes = !inQuotes;
    else if (!inQuotes && (c === LF || c === CR)) break;
  }
  if (i === buf.length && !final) return undefined;
  if (inQuotes) throw new CsvFormatError('the header has an unterminated quoted name', 1);
  let end = i;
  if (i < buf.length) {
    end = i + 1;
    if (buf[i] === CR) {
      if (i + 1 < buf.length) end = buf[i + 1] === LF ? i + 2 : i + 1;
      else if (!final) return undefined; // CR at the chunk end: an LF may follow
    }
  }
  return { columns: splitFields(decodeHeaderText(buf.subarray(start, i), dialect.encoding), dialect.delimiter, dialect.quote), end };
}

function splitFields(line: string, delimiter = ',', quote = '"'): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === quote) {
        if (line[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === quote) {
      inQuotes = true;
      quoted = true;
    } else if (ch === delimiter) {
      fields.push(quoted ? field : field.trim());
      field = '';
      quoted = false;
    } else field += ch;
  }
  fields.push(quoted ? field : field.trim());
  return fields;
}

/**
 * Passes bytes through unchanged while counting CSV records, so the row count Postgres reports can be checked
 * against the file. Rejects a record that is exactly `\.` (Postgres <= 17 reads it as end-of-data and would
 * silently drop the rest) and a quote left open at the end of the file. Line numbers are physical lines of the
 * file, like the ones Postgres reports (a quoted value spanning lines counts each line).
 */
export class CsvRecordCounter extends Transform {
  /** Records seen so far (data records only: the header was stripped before). */
  records = 0;
  /** Bytes seen so far. */
  bytes = 0;
  private lineBreaks = 0;
  private inQuotes = false;
  private afterCr = false;
  private recLen = 0;
  private recLine = 0;
  private b0 = 0;
  private b1 = 0;
  private quoteOpenedAt = 0;

  /**
   * @param firstLine the file line number of the first byte passed through (2 after a one-line header).
   * @param quote the dialect's quote character (one byte: dialects are validated).
   */
  constructor(
    private readonly firstLine = 2,
    quote = '"',
  ) {
    // A 1 MiB buffer on each side lets S3 reads and COPY writes overlap instead of taking turns; still bounded.
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    this.quote = quote.charCodeAt(0);
  }

  private readonly quote: number;

  /** The file line number at the current position. */
  get line(): number {
    return this.firstLine + this.lineBreaks;
  }

  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.scan(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  _flush(cb: TransformCallback): void {
    if (this.inQuotes) {
      cb(new CsvFormatError(`unterminated quoted field starting at line ${this.quoteOpenedAt}`, this.quoteOpenedAt));
      return;
    }
    try {
      if (this.recLen > 0) this.endRecord();
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb();
  }

  private endRecord(): void {
    if (this.recLen === 2 && this.b0 === BACKSLASH && this.b1 === DOT) {
      throw new CsvFormatError(
        `line ${this.recLine} is "\\." alone, which Postgres reads as end of data; quote it ("\\.") to load it as a value`,
        this.recLine,
      );
    }
    this.records++;
    this.recLen = 0;
  }

  private scan(buf: Buffer): void {
    const n = buf.length;
    let inQuotes = this.inQuotes;
    let afterCr = this.afterCr;
    const quote = this.quote;
    for (let i = 0; i < n; i++) {
      const c = buf[i];
      if (c === LF) {
        if (afterCr) afterCr = false;
        else {
          this.lineBreaks++;
          if (inQuotes) this.recLen++;
          else this.endRecord();
        }
        continue;
      }
      afterCr = false;
      if (c === CR) {
        afterCr = true;
        this.lineBreaks++;
        if (inQuotes) this.recLen++;
        else this.endRecord();
        continue;
      }
      if (this.recLen === 0) {
        this.recLine = this.firstLine + this.lineBreaks;
        this.b0 = c;
      } else if (this.recLen === 1) this.b1 = c;
      if (c === quote) {
        inQuotes = !inQuotes;
        if (inQuotes) this.quoteOpenedAt = this.firstLine + this.lineBreaks;
      }
      this.recLen++;
    }
    this.inQuotes = inQuotes;
    this.afterCr = afterCr;
  }
}
