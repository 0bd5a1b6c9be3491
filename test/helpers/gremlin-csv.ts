/**
 * A strict reader of Neptune's Gremlin load data format, written from the page, independent of
 * modules/neptune-graph-migration/mapping.ts (which writes the files):
 * https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html
 * Used by test/unit/neptune/bulk-load-format.test.ts (the export files must pass it, and it must refuse what the page
 * forbids) and by the loader double of test/integration/neptune-bulk-load/loader-server.ts (a load of files that break
 * a rule fails there as it fails in Neptune).
 *
 * Rules (the page, sections "System column headers", "Property column headers", "Specifying the cardinality of a
 * column", "Gremlin data types", "Row format"):
 * - UTF-8, RFC 4180; one comma-separated header row of system and property column headers.
 * - Vertex files: `~id` required, `~label` optional (several labels separated by `;`). Edge files: `~id`, `~from`,
 *   `~to` required, `~label` (a single label). Each system column at most once; labels are case sensitive.
 * - Property headers `name:type`; type names are not case sensitive; a colon in a name is escaped `\:`; spaces,
 *   commas, carriage returns and newlines are not allowed in column headers.
 * - `name:type[]` is an array column; edge properties hold a single value only (an array type is an error).
 * - `name:type(cardinality)`, `single` or `set`, default `set`; in edge files cardinality is always single and any
 *   other cardinality is an error.
 * - Types: Bool (true/false), Byte, Short, Int, Long (their signed ranges), Float, Double, String, Date
 *   (yyyy-MM-dd, yyyy-MM-ddTHH:mm, yyyy-MM-ddTHH:mm:ss, yyyy-MM-ddTHH:mm:ssZ). In an array, elements are separated by
 *   `;`, and a `;` inside an element is escaped `\;`.
 * - An empty field means the row has no value for that column.
 */

export type Kind = 'vertex' | 'edge';
export interface Column {
  readonly name: string;
  readonly type: string;
  readonly array: boolean;
  readonly cardinality: 'single' | 'set';
}
export interface Parsed {
  readonly system: string[];
  readonly columns: (Column | string)[];
  readonly records: Record<string, unknown>[];
}

const TYPES = new Map(['Bool', 'Boolean', 'Byte', 'Short', 'Int', 'Long', 'Float', 'Double', 'String', 'Date'].map((t) => [t.toLowerCase(), t]));
const RANGES: Record<string, [bigint, bigint]> = {
  Byte: [-128n, 127n],
  Short: [-32768n, 32767n],
  Int: [-(2n ** 31n), 2n ** 31n - 1n],
  Long: [-(2n ** 63n), 2n ** 63n - 1n],
};
const DATE_FORMATS = [/^\d{4}-\d{2}-\d{2}$/, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/];
const FLOAT = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?Infinity|[+-]?INF|NaN)$/;

/** RFC 4180 records (fields may be quoted; "" inside quotes is a quote; CRLF or LF ends a record). */
function rfc4180(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
      continue;
    }
    if (c === '"' && atStart) (quoted = true), (atStart = false), i++;
    else if (c === '"') throw new Error(`a quote inside an unquoted field (record ${rows.length + 1}): RFC 4180 requires the field to be quoted`);
    else if (c === ',') row.push(field), (field = ''), (atStart = true), i++;
    else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) row.push(field), rows.push(row), (row = []), (field = ''), (atStart = true), (i += c === '\r' ? 2 : 1);
    else if (c === '\r') throw new Error('a bare carriage return outside quotes');
    else (field += c), (atStart = false), i++;
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

function parseHeader(field: string, kind: Kind): Column | string {
  if (field.startsWith('~')) {
    const allowed = kind === 'vertex' ? ['~id', '~label'] : ['~id', '~from', '~to', '~label'];
    if (!allowed.includes(field)) throw new Error(`system column ${field} is not allowed in a ${kind} file (allowed: ${allowed.join(', ')})`);
    return field;
  }
  if (/[ ,\r\n]/.test(field)) throw new Error(`column header ${JSON.stringify(field)} holds a space, comma, carriage return or newline`);
  // name:type, name:type[], name:type(cardinality); the name's own colons are escaped \:
  const m = /^((?:[^:\\]|\\:|\\(?!:))+):([A-Za-z]+)(\((single|set)\))?(\[\])?$/.exec(field);
  if (!m) throw new Error(`column header ${JSON.stringify(field)} is not name:type, name:type[] or name:type(cardinality) (a colon in the name must be escaped \\:)`);
  const type = TYPES.get(m[2].toLowerCase());
  if (!type) throw new Error(`column header ${JSON.stringify(field)}: ${m[2]} is not a Neptune type`);
  const array = m[5] !== undefined;
  const cardinality = (m[4] as 'single' | 'set' | undefined) ?? (kind === 'edge' ? 'single' : 'set');
  if (kind === 'edge' && array) throw new Error(`edge column ${field}: edge properties hold a single value (no array types)`);
  if (kind === 'edge' && m[4] !== undefined && m[4] !== 'single') throw new Error(`edge column ${field}: cardinality in edge files is always single`);
  if (array && cardinality === 'single') throw new Error(`column ${field}: an array column with single cardinality cannot hold its values`);
  return { name: m[1].replace(/\\:/g, ':'), type: type === 'Boolean' ? 'Bool' : type, array, cardinality };
}

function parseValue(type: string, text: string, where: string): unknown {
  if (type === 'String') return text;
  if (type === 'Bool') {
    if (text !== 'true' && text !== 'false') throw new Error(`${where}: ${JSON.stringify(text)} is not a Bool (true or false)`);
    return text === 'true';
  }
  if (type in RANGES) {
    if (!/^[+-]?\d+$/.test(text)) throw new Error(`${where}: ${JSON.stringify(text)} is not a whole number`);
    const n = BigInt(text);
    const [lo, hi] = RANGES[type];
    if (n < lo || n > hi) throw new Error(`${where}: ${text} is out of range for ${type}`);
    return n;
  }
  if (type === 'Float' || type === 'Double') {
    if (!FLOAT.test(text)) throw new Error(`${where}: ${JSON.stringify(text)} is not a ${type}`);
    return Number(text);
  }
  if (!DATE_FORMATS.some((f) => f.test(text))) throw new Error(`${where}: ${JSON.stringify(text)} is not one of the Date formats`);
  return text;
}

/** Splits an array field on unescaped `;` and unescapes `\;`. */
function arrayItems(text: string): string[] {
  return text.split(/(?<!\\);/).map((s) => s.replace(/\\;/g, ';'));
}

/** Reads a Neptune Gremlin load file strictly; throws the first rule it breaks. */
export function readGremlinCsv(text: string, kind: Kind): Parsed {
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) throw new Error('not valid UTF-8 text');
  const [header, ...rows] = rfc4180(text);
  if (!header) throw new Error('no header row (the file is empty)');
  const columns = header.map((f) => parseHeader(f, kind));
  const system = columns.filter((c): c is string => typeof c === 'string');
  const seen = new Set<string>();
  for (const s of system) {
    if (seen.has(s)) throw new Error(`system column ${s} appears twice`);
    seen.add(s);
  }
  const required = kind === 'vertex' ? ['~id'] : ['~id', '~from', '~to'];
  for (const r of required) if (!seen.has(r)) throw new Error(`${kind} files require ${r}`);
  const names = columns.filter((c): c is Column => typeof c !== 'string').map((c) => c.name);
  if (new Set(names).size !== names.length) throw new Error('a property column appears twice');
  const records = rows.map((fields, r) => {
    if (fields.length !== columns.length) throw new Error(`record ${r + 1} has ${fields.length} fields, the header ${columns.length}`);
    const record: Record<string, unknown> = {};
    fields.forEach((text, i) => {
      const column = columns[i];
      if (typeof column === 'string') {
        if (column === '~id' && text === '') throw new Error(`record ${r + 1}: ~id is empty`);
        if (kind === 'edge' && column === '~label' && text.includes(';')) throw new Error(`record ${r + 1}: an edge has a single label`);
        record[column] = column === '~label' && kind === 'vertex' ? text.split(';') : text;
      } else if (text !== '') {
        const where = `record ${r + 1}, column ${column.name}`;
        record[column.name] = column.array ? arrayItems(text).map((t) => parseValue(column.type, t, where)) : parseValue(column.type, text, where);
      }
    });
    return record;
  });
  return { system, columns, records };
}
