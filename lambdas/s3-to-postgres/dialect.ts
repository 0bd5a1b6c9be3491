/**
 * CSV dialects per route (delimiter, quote, null marker, source encoding). Pure and dependency-free like routes.ts:
 * the infrastructure module validates dialects at synth with exactly the rules the Lambda applies at cold start.
 *
 * The rules are COPY's (https://www.postgresql.org/docs/current/sql-copy.html): DELIMITER and QUOTE are single
 * one-byte characters, different from each other, never CR or LF; the NULL string holds neither CR/LF, the delimiter
 * nor the quote; ENCODING is one of Postgres's client encodings ("Character Set Support", table "PostgreSQL Character
 * Sets": https://www.postgresql.org/docs/current/multibyte.html). The server converts the file from that encoding.
 */
export interface CsvDialect {
  /** One ASCII character other than a letter, digit, CR or LF (tab allowed). @default "," */
  readonly delimiter?: string;
  /** One ASCII character, not the delimiter; a quote inside a quoted value is written twice. @default '"' */
  readonly quote?: string;
  /** The unquoted value that means NULL, e.g. `\N` or `NULL`. @default "" (COPY CSV's unquoted empty string) */
  readonly nullMarker?: string;
  /** Postgres client encoding name of the file, e.g. `UTF8`, `WIN1252`, `LATIN1`. @default "UTF8" */
  readonly encoding?: string;
}

/** A dialect with its defaults filled in. */
export interface ResolvedDialect {
  readonly delimiter: string;
  readonly quote: string;
  readonly nullMarker: string;
  readonly encoding: string;
  /** True when nothing differs from COPY's CSV defaults in UTF-8 (the fast path: no options, no decoding work). */
  readonly plain: boolean;
}

/**
 * Postgres client encodings (names as in "PostgreSQL Character Sets") the loader can decode the header line of, with
 * the WHATWG label Node's TextDecoder knows them by. LATIN1 is decoded as true ISO 8859-1 (see `decodeHeaderText`).
 */
export const ENCODINGS: Readonly<Record<string, string>> = {
  UTF8: 'utf-8',
  LATIN1: 'iso-8859-1',
  LATIN2: 'iso-8859-2',
  LATIN3: 'iso-8859-3',
  LATIN4: 'iso-8859-4',
  LATIN5: 'iso-8859-9',
  LATIN6: 'iso-8859-10',
  LATIN7: 'iso-8859-13',
  LATIN8: 'iso-8859-14',
  LATIN9: 'iso-8859-15',
  ISO_8859_5: 'iso-8859-5',
  ISO_8859_6: 'iso-8859-6',
  ISO_8859_7: 'iso-8859-7',
  ISO_8859_8: 'iso-8859-8',
  WIN866: 'ibm866',
  WIN874: 'windows-874',
  WIN1250: 'windows-1250',
  WIN1251: 'windows-1251',
  WIN1252: 'windows-1252',
  WIN1253: 'windows-1253',
  WIN1254: 'windows-1254',
  WIN1255: 'windows-1255',
  WIN1256: 'windows-1256',
  WIN1257: 'windows-1257',
  WIN1258: 'windows-1258',
  KOI8R: 'koi8-r',
  KOI8U: 'koi8-u',
  EUC_CN: 'gbk',
  EUC_JP: 'euc-jp',
  EUC_KR: 'euc-kr',
  GBK: 'gbk',
  GB18030: 'gb18030',
  BIG5: 'big5',
  SJIS: 'shift_jis',
  UHC: 'euc-kr',
};

/** Postgres encodings the loader refuses, and why (the rest of the documented list). */
const REFUSED_ENCODINGS: Readonly<Record<string, string>> = {
  SQL_ASCII: 'it means "no encoding": the server would store the bytes unchecked; name the file\'s real encoding',
  MULE_INTERNAL: 'it is an Emacs-internal encoding no export tool writes',
  EUC_TW: 'the loader cannot decode its header line (no decoder for it in Node)',
  EUC_JIS_2004: 'the loader cannot decode its header line (no decoder for it in Node)',
  SHIFT_JIS_2004: 'the loader cannot decode its header line (no decoder for it in Node)',
  JOHAB: 'the loader cannot decode its header line (no decoder for it in Node)',
  LATIN10: 'the loader cannot decode its header line (no ISO 8859-16 decoder in Node)',
};

/** Encodings whose multi-byte characters may hold bytes from 0x40 up (a quote there could be part of a character). */
const HIGH_TRAIL_BYTES = new Set(['SJIS', 'BIG5', 'GBK', 'UHC', 'GB18030']);

const isDelimiterChar = (s: string) => s.length === 1 && (s === '\t' || (s >= ' ' && s <= '~' && !/[A-Za-z0-9]/.test(s)));

/** Every problem with a route's `csv` object, each starting with `where` and naming the field. */
export function dialectProblems(csv: unknown, where: string): string[] {
  if (csv === undefined) return [];
  if (csv === null || typeof csv !== 'object' || Array.isArray(csv)) {
    return [`${where}: csv must be an object like {"delimiter":";","quote":"\\"","nullMarker":"","encoding":"UTF8"}.`];
  }
  const d = csv as Record<string, unknown>;
  const problems: string[] = [];
  const extra = Object.keys(d).filter((k) => !['delimiter', 'quote', 'nullMarker', 'encoding'].includes(k));
  if (extra.length) problems.push(`${where}: unknown csv field(s) ${extra.join(', ')}; csv has delimiter, quote, nullMarker and encoding.`);
  const chr = (field: 'delimiter' | 'quote'): string | undefined => {
    const v = d[field];
    if (v === undefined) return field === 'delimiter' ? ',' : '"';
    if (typeof v !== 'string' || !isDelimiterChar(v)) {
      problems.push(
        `${where}: csv.${field} ${JSON.stringify(v)} must be one ASCII character other than a letter, digit, CR or LF (COPY takes a single one-byte character), e.g. ";" or "\\t".`,
      );
      return undefined;
    }
    return v;
  };
  const delimiter = chr('delimiter');
  const quote = chr('quote');
  if (delimiter !== undefined && quote !== undefined && delimiter === quote) {
    problems.push(`${where}: csv.delimiter and csv.quote are both ${JSON.stringify(delimiter)}; COPY needs them different (the default quote is '"').`);
  }
  const nullMarker = d.nullMarker;
  if (nullMarker !== undefined) {
    if (typeof nullMarker !== 'string' || nullMarker.length > 64 || /[\x00-\x1f\x7f]/.test(nullMarker)) {
      problems.push(`${where}: csv.nullMarker ${JSON.stringify(nullMarker)} must be a string of at most 64 characters without control characters (CR, LF, tab), e.g. "\\\\N" or "NULL".`);
    } else {
      if (delimiter !== undefined && nullMarker.includes(delimiter)) {
        problems.push(`${where}: csv.nullMarker ${JSON.stringify(nullMarker)} contains the delimiter ${JSON.stringify(delimiter)}; COPY refuses that.`);
      }
      if (quote !== undefined && nullMarker.includes(quote)) {
        problems.push(`${where}: csv.nullMarker ${JSON.stringify(nullMarker)} contains the quote ${JSON.stringify(quote)}; COPY refuses that.`);
      }
    }
  }
  const encoding = d.encoding;
  if (encoding !== undefined) {
    if (typeof encoding !== 'string' || !(encoding in ENCODINGS)) {
      const name = typeof encoding === 'string' ? encoding.toUpperCase().replace(/-/g, '_') : '';
      const why = REFUSED_ENCODINGS[name];
      const hint = typeof encoding === 'string' && ENCODINGS[encoding.toUpperCase().replace(/[-_]/g, '')] ? ` (did you mean "${encoding.toUpperCase().replace(/[-_]/g, '')}"?)` : '';
      problems.push(
        why
          ? `${where}: csv.encoding "${encoding}" is not supported: ${why}.`
          : `${where}: csv.encoding ${JSON.stringify(encoding)} is not a Postgres client encoding name${hint}; use one of ${Object.keys(ENCODINGS).join(', ')} (upper case, as in Postgres's "Character Set Support").`,
      );
    } else if (quote !== undefined && HIGH_TRAIL_BYTES.has(encoding) && quote.charCodeAt(0) >= 0x40) {
      problems.push(`${where}: csv.quote ${JSON.stringify(quote)} can be the second byte of a ${encoding} character; use a quote below "@" in ASCII, e.g. '"' or "'".`);
    }
  }
  return problems;
}

/** Fills in the defaults (the dialect is assumed valid: routeProblems ran first). */
export function resolveDialect(csv: CsvDialect | undefined): ResolvedDialect {
  const delimiter = csv?.delimiter ?? ',';
  const quote = csv?.quote ?? '"';
  const nullMarker = csv?.nullMarker ?? '';
  const encoding = csv?.encoding ?? 'UTF8';
  return { delimiter, quote, nullMarker, encoding, plain: delimiter === ',' && quote === '"' && nullMarker === '' && encoding === 'UTF8' };
}

/** A SQL string literal: `'...'` with quotes doubled; `E'...'` with backslashes doubled too when there are any. */
export function sqlLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

/**
 * COPY's option list for the dialect, e.g. `(FORMAT csv, DELIMITER ';', QUOTE '''', ENCODING 'WIN1252')`. Options
 * equal to COPY's defaults are left out, so the default dialect gives `(FORMAT csv)` (or `(FORMAT csv, HEADER true)`).
 */
export function copyOptions(d: ResolvedDialect, header: boolean): string {
  const opts = ['FORMAT csv'];
  if (header) opts.push('HEADER true');
  if (d.delimiter !== ',') opts.push(`DELIMITER ${sqlLiteral(d.delimiter)}`);
  if (d.quote !== '"') opts.push(`QUOTE ${sqlLiteral(d.quote)}`);
  if (d.nullMarker !== '') opts.push(`NULL ${sqlLiteral(d.nullMarker)}`);
  if (d.encoding !== 'UTF8') opts.push(`ENCODING ${sqlLiteral(d.encoding)}`);
  return `(${opts.join(', ')})`;
}
