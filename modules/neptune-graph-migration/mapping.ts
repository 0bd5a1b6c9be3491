/**
 * The relational-to-graph mapping: which tables become vertices (with id templates and typed properties) and
 * which foreign keys or join tables become edges. Validated and compiled at synth; the compiled JSON is the one
 * description the Glue jobs (templates/glue/neptune) read, and the functions below are the reference for the
 * Neptune bulk-load CSV they write (templates/glue/neptune/neptune_mapping.py mirrors them and a test checks both
 * produce the same bytes).
 *
 * Pure TypeScript: no cdktf, no AWS. Imports only the error type from core.
 */
import { ValidationError } from '../core/errors';

/** Neptune Gremlin CSV property types (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html). */
export const GREMLIN_TYPES = ['String', 'Bool', 'Byte', 'Short', 'Int', 'Long', 'Float', 'Double', 'Date'] as const;
export type GremlinType = (typeof GREMLIN_TYPES)[number];

export interface PropertyMapping {
  /** Source column. */
  readonly column: string;
  /**
   * Property name in the graph. No spaces, commas or line breaks (Neptune CSV headers cannot hold them).
   * @default the column name
   */
  readonly name?: string;
  readonly type: GremlinType;
  /**
   * A multi-valued vertex property (`Type[]`, set cardinality). The source value is an array, or a string split on
   * `separator`. Edge properties are single-valued in Neptune, so `multi` is refused on edges.
   * @default false (single cardinality: a reload replaces the value)
   */
  readonly multi?: boolean;
  /** @default ',' */
  readonly separator?: string;
}

export interface VertexMapping {
  /** Vertex label, e.g. `Product`. */
  readonly label: string;
  /** Source table, e.g. `product`. */
  readonly table: string;
  /**
   * Vertex id template over the table's columns, e.g. `product-{id}`. The literal prefix must differ from every
   * other vertex's, so ids from two tables can never collide (Neptune vertex ids share one space).
   */
  readonly id: string;
  readonly properties?: readonly PropertyMapping[];
  /**
   * Column whose value only grows when a row changes (an update timestamp or version): enables the incremental
   * job for this table (rows `> last watermark` and `<= new watermark`).
   */
  readonly watermarkColumn?: string;
}

/** One end of an edge: a mapped vertex and, for each placeholder of its id template, the column holding it. */
export interface EdgeEndpoint {
  /** Label of a mapped vertex. */
  readonly vertex: string;
  /**
   * Placeholder of the vertex id template -> column of the edge's table, e.g. `{ id: 'supplier_id' }`.
   * @default the same column names (only when the edge table is the vertex's own table)
   */
  readonly columns?: Readonly<Record<string, string>>;
}

export interface EdgeMapping {
  /** Edge label, e.g. `SUPPLIED_BY`. */
  readonly label: string;
  /**
   * Table whose rows become edges: the table holding the foreign key (a vertex table), or a join table.
   */
  readonly table: string;
  readonly from: EdgeEndpoint;
  readonly to: EdgeEndpoint;
  /**
   * Edge id template over the table's columns and `{~from}` / `{~to}` (the endpoint vertex ids).
   * @default `<label>:{~from}->{~to}` (one edge of this label per vertex pair; give a join table's own key to allow more)
   */
  readonly id?: string;
  readonly properties?: readonly PropertyMapping[];
  /** See VertexMapping.watermarkColumn. */
  readonly watermarkColumn?: string;
}

export interface GraphMapping {
  readonly vertices: readonly VertexMapping[];
  readonly edges?: readonly EdgeMapping[];
}

/** A compiled id template: literals and references, concatenated in order. */
export type IdPart =
  | { readonly literal: string }
  | { readonly column: string }
  | { readonly endpoint: 'from' | 'to' };

export interface CompiledProperty {
  readonly name: string;
  readonly column: string;
  readonly type: GremlinType;
  readonly multi: boolean;
  readonly separator: string;
}

export interface CompiledVertex {
  readonly label: string;
  readonly table: string;
  readonly idTemplate: string;
  readonly id: readonly IdPart[];
  readonly properties: readonly CompiledProperty[];
  /** Bulk-load CSV header fields, e.g. `['~id', '~label', 'name:String(single)']`. */
  readonly header: readonly string[];
  readonly watermarkColumn: string | null;
  /** Folder under the export's `vertices/` prefix. */
  readonly folder: string;
  /** Every column the job must read. */
  readonly columns: readonly string[];
}

export interface CompiledEndpoint {
  readonly vertex: string;
  readonly id: readonly IdPart[];
}

export interface CompiledEdge {
  readonly label: string;
  readonly table: string;
  readonly kind: 'foreignKey' | 'joinTable';
  readonly idTemplate: string;
  readonly id: readonly IdPart[];
  readonly from: CompiledEndpoint;
  readonly to: CompiledEndpoint;
  readonly properties: readonly CompiledProperty[];
  readonly header: readonly string[];
  readonly watermarkColumn: string | null;
  /** Folder under the export's `edges/` prefix. */
  readonly folder: string;
  readonly columns: readonly string[];
}

/** The JSON handed to the Glue jobs (`--graph-mapping`). */
export interface CompiledGraphMapping {
  readonly formatVersion: 1;
  readonly vertices: readonly CompiledVertex[];
  readonly edges: readonly CompiledEdge[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

function parseTemplate(
  template: string,
  where: string,
  allowEndpoints: boolean,
): IdPart[] {
  if (typeof template !== 'string' || template.length === 0) {
    throw new ValidationError(where, 'id template is empty; write one like "product-{id}".');
  }
  const stripped = template.replace(PLACEHOLDER, '');
  if (stripped.includes('{') || stripped.includes('}')) {
    throw new ValidationError(where, `id template "${template}" has an unbalanced or nested brace; placeholders look like {column}.`);
  }
  const parts: IdPart[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index! > last) parts.push({ literal: template.slice(last, m.index) });
    const name = m[1];
    if (allowEndpoints && (name === '~from' || name === '~to')) {
      parts.push({ endpoint: name === '~from' ? 'from' : 'to' });
    } else if (IDENT.test(name)) {
      parts.push({ column: name });
    } else {
      const hint = allowEndpoints ? ' (or {~from} / {~to})' : '';
      throw new ValidationError(where, `id template "${template}" has placeholder {${name}}: placeholders must be column names${hint}.`);
    }
    last = m.index! + m[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  if (!parts.some((p) => !('literal' in p))) {
    throw new ValidationError(where, `id template "${template}" has no placeholder, so every row would get the same id; add one like {id}.`);
  }
  return parts;
}

function checkLabel(label: string, where: string): void {
  if (typeof label !== 'string' || label.trim() === '' || label !== label.trim() || /[;\r\n]/.test(label)) {
    throw new ValidationError(
      where,
      `label ${JSON.stringify(label)} must be non-empty, without surrounding spaces, semicolons or line breaks (";" separates labels in Neptune CSV).`,
    );
  }
}

function checkIdent(value: string | undefined, what: string, where: string): void {
  if (typeof value !== 'string' || !IDENT.test(value)) {
    throw new ValidationError(where, `${what} ${JSON.stringify(value)} must be a plain SQL identifier (letters, digits, underscores; not starting with a digit).`);
  }
}

function folderName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

/** Header field for a property: `name:Type(single)`, `name:Type[]` (vertex sets), `name:Type` (edges). Colons in names are escaped. */
function headerField(p: CompiledProperty, element: 'vertex' | 'edge'): string {
  const name = p.name.replace(/:/g, '\\:');
  if (element === 'edge') return `${name}:${p.type}`;
  return p.multi ? `${name}:${p.type}[]` : `${name}:${p.type}(single)`;
}

function compileProperties(props: readonly PropertyMapping[] | undefined, element: 'vertex' | 'edge', where: string): CompiledProperty[] {
  const seen = new Set<string>();
  return (props ?? []).map((p, i) => {
    const at = `${where}.properties[${i}]`;
    checkIdent(p.column, 'column', at);
    const name = p.name ?? p.column;
    if (typeof name !== 'string' || name === '' || name.startsWith('~') || /[\s,]/.test(name)) {
      throw new ValidationError(
        at,
        `property name ${JSON.stringify(name)} is not allowed: Neptune CSV headers cannot hold spaces, commas or line breaks, and names starting with "~" are reserved.`,
      );
    }
    if (seen.has(name)) throw new ValidationError(at, `property "${name}" is mapped twice; give one of them another name.`);
    seen.add(name);
    if (!(GREMLIN_TYPES as readonly string[]).includes(p.type)) {
      throw new ValidationError(at, `type ${JSON.stringify(p.type)} of property "${name}" is not a Neptune CSV type; use one of ${GREMLIN_TYPES.join(', ')}.`);
    }
    if (p.multi && element === 'edge') {
      throw new ValidationError(at, `property "${name}" is multi-valued, but Neptune edge properties hold a single value; drop multi or model it as a vertex property.`);
    }
    const separator = p.separator ?? ',';
    if (typeof separator !== 'string' || separator.length === 0) {
      throw new ValidationError(at, `separator of property "${name}" must be a non-empty string.`);
    }
    return { name, column: p.column, type: p.type, multi: p.multi ?? false, separator };
  });
}

function placeholders(parts: readonly IdPart[]): string[] {
  return parts.flatMap((p) => ('column' in p ? [p.column] : []));
}

function literalPrefix(parts: readonly IdPart[]): string {
  const first = parts[0];
  return first && 'literal' in first ? first.literal : '';
}

function uniq(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Validates a mapping and compiles it for the Glue jobs. Throws a ValidationError naming the mapping entry
 * (e.g. `mapping.edges[1] (SUPPLIED_BY)`), the bad value and the fix.
 */
export function compileMapping(mapping: GraphMapping, path = 'mapping'): CompiledGraphMapping {
  if (!mapping || !Array.isArray(mapping.vertices) || mapping.vertices.length === 0) {
    throw new ValidationError(path, 'needs at least one vertex mapping (vertices: [{ label, table, id, properties }]).');
  }
  const vertices: CompiledVertex[] = mapping.vertices.map((v, i) => {
    const where = `${path}.vertices[${i}] (${v?.label})`;
    checkLabel(v.label, where);
    checkIdent(v.table, 'table', where);
    const id = parseTemplate(v.id, where, false);
    if (literalPrefix(id) === '') {
      throw new ValidationError(where, `id template "${v.id}" must start with a literal prefix naming the vertex type, e.g. "${folderName(v.label)}-{id}", so ids from different tables cannot collide.`);
    }
    const properties = compileProperties(v.properties, 'vertex', where);
    if (v.watermarkColumn !== undefined) checkIdent(v.watermarkColumn, 'watermarkColumn', where);
    return {
      label: v.label,
      table: v.table,
      idTemplate: v.id,
      id,
      properties,
      header: ['~id', '~label', ...properties.map((p) => headerField(p, 'vertex'))],
      watermarkColumn: v.watermarkColumn ?? null,
      folder: folderName(v.label),
      columns: uniq([...placeholders(id), ...properties.map((p) => p.column), ...(v.watermarkColumn ? [v.watermarkColumn] : [])]),
    };
  });

  const byLabel = new Map<string, CompiledVertex>();
  vertices.forEach((v, i) => {
    if (byLabel.has(v.label)) throw new ValidationError(`${path}.vertices[${i}] (${v.label})`, `vertex label "${v.label}" is mapped twice; map each label from one table.`);
    byLabel.set(v.label, v);
  });
  vertices.forEach((a, i) => {
    vertices.forEach((b, j) => {
      if (j <= i) return;
      const pa = literalPrefix(a.id);
      const pb = literalPrefix(b.id);
      if (pa.startsWith(pb) || pb.startsWith(pa)) {
        throw new ValidationError(
          `${path}.vertices[${j}] (${b.label})`,
          `vertex ids "${b.idTemplate}" (${b.label}) and "${a.idTemplate}" (${a.label}) can collide: one literal prefix starts the other. Give each vertex a distinct prefix, e.g. "${folderName(b.label)}-{...}".`,
        );
      }
    });
  });
  const folders = new Set<string>();
  for (const v of vertices) {
    if (folders.has(v.folder)) throw new ValidationError(path, `vertex labels map to the same export folder "${v.folder}"; rename one label.`);
    folders.add(v.folder);
  }

  const edgeTemplates = new Map<string, string>();
  const edgeFolders = new Set<string>();
  const edges: CompiledEdge[] = (mapping.edges ?? []).map((e, i) => {
    const where = `${path}.edges[${i}] (${e?.label})`;
    checkLabel(e.label, where);
    checkIdent(e.table, 'table', where);
    const endpoint = (end: EdgeEndpoint | undefined, side: 'from' | 'to'): CompiledEndpoint => {
      const vertex = end ? byLabel.get(end.vertex) : undefined;
      if (!end || !vertex) {
        throw new ValidationError(where, `${side}.vertex ${JSON.stringify(end?.vertex)} is not a mapped vertex label; known: ${[...byLabel.keys()].join(', ')}.`);
      }
      const needed = placeholders(vertex.id);
      let columns: Readonly<Record<string, string>>;
      if (end.columns) {
        columns = end.columns;
      } else if (vertex.table === e.table) {
        columns = Object.fromEntries(needed.map((n) => [n, n]));
      } else {
        throw new ValidationError(
          where,
          `${side}.columns is required: table "${e.table}" is not ${vertex.label}'s table "${vertex.table}", so say which of its columns fill ${vertex.label}'s id "${vertex.idTemplate}", e.g. { ${needed.map((n) => `${n}: '${vertex.table}_${n}'`).join(', ')} }.`,
        );
      }
      for (const n of needed) {
        if (!(n in columns)) throw new ValidationError(where, `${side}.columns lacks placeholder "${n}" of ${vertex.label}'s id "${vertex.idTemplate}"; map it to a column of "${e.table}".`);
      }
      for (const [k, col] of Object.entries(columns)) {
        if (!needed.includes(k)) throw new ValidationError(where, `${side}.columns has "${k}", which is not a placeholder of ${vertex.label}'s id "${vertex.idTemplate}" (placeholders: ${needed.join(', ')}).`);
        checkIdent(col, `${side}.columns.${k}`, where);
      }
      const id: IdPart[] = vertex.id.map((p) => ('column' in p ? { column: columns[p.column] } : p));
      return { vertex: vertex.label, id };
    };
    const from = endpoint(e.from, 'from');
    const to = endpoint(e.to, 'to');
    const idTemplate = e.id ?? `${e.label}:{~from}->{~to}`;
    const id = parseTemplate(idTemplate, where, true);
    const previous = edgeTemplates.get(idTemplate);
    if (previous !== undefined) {
      throw new ValidationError(where, `edge id template "${idTemplate}" is also used by ${previous}; edge ids would collide. Give this edge its own id template.`);
    }
    edgeTemplates.set(idTemplate, `${path}.edges[${i}] (${e.label})`);
    const properties = compileProperties(e.properties, 'edge', where);
    if (e.watermarkColumn !== undefined) checkIdent(e.watermarkColumn, 'watermarkColumn', where);
    const kind = byLabel.get(from.vertex)!.table === e.table || byLabel.get(to.vertex)!.table === e.table ? 'foreignKey' : 'joinTable';
    let folder = folderName(`${e.label}-${e.table}`);
    for (let n = 2; edgeFolders.has(folder); n++) folder = folderName(`${e.label}-${e.table}-${n}`);
    edgeFolders.add(folder);
    return {
      label: e.label,
      table: e.table,
      kind,
      idTemplate,
      id,
      from,
      to,
      properties,
      header: ['~id', '~from', '~to', '~label', ...properties.map((p) => headerField(p, 'edge'))],
      watermarkColumn: e.watermarkColumn ?? null,
      folder,
      columns: uniq([
        ...placeholders(from.id),
        ...placeholders(to.id),
        ...placeholders(id),
        ...properties.map((p) => p.column),
        ...(e.watermarkColumn ? [e.watermarkColumn] : []),
      ]),
    };
  });
  return { formatVersion: 1, vertices, edges };
}

// ---------------------------------------------------------------------------------------------------------------
// Rows -> bulk-load CSV. The Glue export job does the same in Python (neptune_mapping.py); a test compares them.

/** A source row as read from the table: column -> value (null for SQL NULL). */
export type SourceRow = Readonly<Record<string, unknown>>;

/** A row that cannot be converted: names the table, the row (0-based position in the batch) and the column. */
export class MappingRowError extends Error {
  constructor(
    readonly table: string,
    readonly row: number,
    readonly column: string,
    reason: string,
  ) {
    super(`table ${table}, row ${row}, column ${column}: ${reason}`);
    this.name = 'MappingRowError';
  }
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  Byte: [-128n, 127n],
  Short: [-32768n, 32767n],
  Int: [-2147483648n, 2147483647n],
  Long: [-9223372036854775808n, 9223372036854775807n],
};
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatDate(value: unknown): string | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}T${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}Z`;
  }
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (DATE_ONLY.test(s)) return s;
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  // Neptune accepts yyyy-MM-dd, yyyy-MM-ddTHH:mm, yyyy-MM-ddTHH:mm:ss and yyyy-MM-ddTHH:mm:ssZ; with a zone (Z or an
  // offset), normalise to UTC with seconds: yyyy-MM-ddTHH:mmZ is not among the documented formats.
  const [, day, time, , , zone] = m;
  if (zone) {
    const iso = `${day}T${time}${m[4] ?? ''}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
    return formatDate(new Date(iso));
  }
  return `${day}T${time}${zone ?? ''}`;
}

/** One scalar value as Neptune CSV text (without CSV quoting). Throws a plain Error with the reason. */
export function formatScalar(type: GremlinType, value: unknown): string {
  switch (type) {
    case 'String':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      if (value instanceof Date) return formatDate(value)!;
      throw new Error(`a ${typeof value} is not a String`);
    case 'Bool':
      if (value === true || value === 1 || value === '1' || value === 'true' || value === 'TRUE' || value === 'True') return 'true';
      if (value === false || value === 0 || value === '0' || value === 'false' || value === 'FALSE' || value === 'False') return 'false';
      throw new Error(`${JSON.stringify(value)} is not a Bool (true/false/1/0)`);
    case 'Byte':
    case 'Short':
    case 'Int':
    case 'Long': {
      let n: bigint;
      if (typeof value === 'bigint') n = value;
      else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
      else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = BigInt(value.trim());
      else throw new Error(`${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} is not an integer`);
      const [min, max] = INT_RANGES[type];
      if (n < min || n > max) throw new Error(`${n} is out of range for ${type} (${min}..${max})`);
      return n.toString();
    }
    case 'Float':
    case 'Double':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && NUMERIC.test(value.trim())) return value.trim();
      if (typeof value === 'bigint') return value.toString();
      throw new Error(`${JSON.stringify(value)} is not a finite number`);
    case 'Date': {
      const d = formatDate(value);
      if (d === undefined) throw new Error(`${JSON.stringify(value)} is not a date (yyyy-MM-dd or yyyy-MM-ddTHH:mm[:ss][Z])`);
      return d;
    }
  }
}

function formatProperty(p: CompiledProperty, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (!p.multi) return formatScalar(p.type, value);
  const items = Array.isArray(value)
    ? value.filter((v) => v !== null && v !== undefined)
    : typeof value === 'string'
      ? value.split(p.separator).map((s) => s.trim()).filter((s) => s !== '')
      : [value];
  // A semicolon inside an array element is escaped with a backslash (Neptune CSV).
  return items.map((v) => formatScalar(p.type, v).replace(/;/g, '\\;')).join(';');
}

/** RFC 4180 field quoting: quote when the field holds a comma, quote, CR/LF or surrounding spaces; double inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

function idText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return formatDate(value);
  return undefined;
}

/** Renders an id; returns undefined when a referenced column is NULL. */
function renderId(parts: readonly IdPart[], row: SourceRow, ends?: { from: string; to: string }): { id?: string; nullColumn?: string } {
  let out = '';
  for (const p of parts) {
    if ('literal' in p) out += p.literal;
    else if ('endpoint' in p) out += ends![p.endpoint];
    else {
      const text = idText(row[p.column]);
      if (text === undefined) return { nullColumn: p.column };
      out += text;
    }
  }
  return { id: out };
}

function requireColumns(table: string, index: number, row: SourceRow, columns: readonly string[]): void {
  for (const c of columns) {
    if (!(c in row)) throw new MappingRowError(table, index, c, 'column is missing from the row (check the table schema and the mapping)');
  }
}

function propertyFields(table: string, index: number, props: readonly CompiledProperty[], row: SourceRow): string[] {
  return props.map((p) => {
    try {
      return formatProperty(p, row[p.column]);
    } catch (err) {
      throw new MappingRowError(table, index, p.column, `${(err as Error).message} (property ${p.name}:${p.type})`);
    }
  });
}

/** A vertex CSV record (fields before quoting). A NULL id column is an error: the row cannot become a vertex. */
export function vertexFields(v: CompiledVertex, row: SourceRow, index = 0): string[] {
  requireColumns(v.table, index, row, v.columns);
  const { id, nullColumn } = renderId(v.id, row);
  if (id === undefined) throw new MappingRowError(v.table, index, nullColumn!, `id column is NULL, so the row has no ${v.label} id`);
  return [id, v.label, ...propertyFields(v.table, index, v.properties, row)];
}

/**
 * An edge CSV record, or undefined when an endpoint column is NULL (an optional foreign key: no edge).
 */
export function edgeFields(e: CompiledEdge, row: SourceRow, index = 0): string[] | undefined {
  requireColumns(e.table, index, row, e.columns);
  const from = renderId(e.from.id, row).id;
  const to = renderId(e.to.id, row).id;
  if (from === undefined || to === undefined) return undefined;
  const { id, nullColumn } = renderId(e.id, row, { from, to });
  if (id === undefined) throw new MappingRowError(e.table, index, nullColumn!, `edge id column is NULL, so the row has no ${e.label} edge id`);
  return [id, from, to, e.label, ...propertyFields(e.table, index, e.properties, row)];
}

export interface CsvFile {
  readonly text: string;
  /** Data lines written (header excluded). */
  readonly records: number;
  /** Rows without an edge because an endpoint column was NULL. */
  readonly skipped: number;
}

/** A whole bulk-load CSV file for one vertex mapping: header + one line per row, LF line ends, UTF-8 text. */
export function vertexCsv(v: CompiledVertex, rows: readonly SourceRow[]): CsvFile {
  const lines = [csvLine(v.header), ...rows.map((r, i) => csvLine(vertexFields(v, r, i)))];
  return { text: lines.join('\n') + '\n', records: rows.length, skipped: 0 };
}

/** A whole bulk-load CSV file for one edge mapping. */
export function edgeCsv(e: CompiledEdge, rows: readonly SourceRow[]): CsvFile {
  const lines = [csvLine(e.header)];
  let skipped = 0;
  rows.forEach((r, i) => {
    const fields = edgeFields(e, r, i);
    if (fields) lines.push(csvLine(fields));
    else skipped++;
  });
  return { text: lines.join('\n') + '\n', records: lines.length - 1, skipped };
}
