/**
 * Table routes: which key prefix loads into which table, and how. Pure and dependency-free, so the
 * infrastructure module validates routes at synth with exactly the rules the Lambda applies at cold start.
 */
import { CsvDialect, dialectProblems } from './dialect';

export type LoadMode = 'replace' | 'append' | 'upsert';

export interface TableRoute {
  /** Key prefix, e.g. `people/`. The empty prefix matches every key. Longest matching prefix wins. */
  readonly prefix: string;
  /** Target table, `schema.table` or `table` (schema `public`). Identifiers are taken literally (case-sensitive). */
  readonly table: string;
  /**
   * `replace`: the file becomes the table's whole content. `append`: the file's rows are added. `upsert`: the file's
   * rows are merged by key (new keys inserted, existing keys updated; rows not in the file stay).
   */
  readonly mode: LoadMode;
  /**
   * Upsert only: the columns rows merge by (a unique constraint or index of the table must cover exactly them).
   * @default the table's primary key, looked up at load time
   */
  readonly key?: readonly string[];
  /**
   * Upsert only: a file-only column (not in the table) whose value `value` marks a row as a delete of its key, e.g.
   * `{ column: 'op', value: 'D' }`. Other rows merge as usual. @default none: upsert never deletes
   */
  readonly deleteMarker?: { readonly column: string; readonly value: string };
  /** The file's CSV dialect (delimiter, quote, null marker, encoding); COPY's CSV defaults in UTF-8 when absent. */
  readonly csv?: CsvDialect;
}

/** A route with its table split into schema and name. */
export interface ResolvedRoute extends TableRoute {
  readonly schema: string;
  readonly name: string;
  /** `schema.table`, the canonical form used in logs, locks and the ledger. */
  readonly qualified: string;
}

/** Unquoted Postgres identifiers: a letter or underscore, then letters, digits, `_` or `$`; at most 63 bytes. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Splits `schema.table` (or `table`, meaning `public.table`); undefined when it is not two plain identifiers. */
export function splitTableName(table: string): { schema: string; name: string } | undefined {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) return undefined;
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { schema: 'public', name: parts[0] };
}

/** Double-quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Problems with a route's `key`: upsert only; a non-empty list of distinct plain identifiers. */
function keyProblems(route: Record<string, unknown>, where: string): string[] {
  if (route.key === undefined) return [];
  if (route.mode !== 'upsert') return [`${where}: key is only for mode "upsert" (mode is ${JSON.stringify(route.mode)}); remove it or use mode "upsert".`];
  const key = route.key;
  if (!Array.isArray(key) || key.length === 0) {
    return [`${where}: key must be a non-empty list of column names, e.g. ["id"] (or leave it out to use the table's primary key).`];
  }
  const bad = key.filter((k) => typeof k !== 'string' || !IDENTIFIER.test(k));
  if (bad.length) return [`${where}: key column(s) ${bad.map((k) => JSON.stringify(k)).join(', ')} must be plain identifiers (letters, digits, _ and $, starting with a letter or _).`];
  const repeated = key.filter((k, i) => key.indexOf(k) !== i);
  if (repeated.length) return [`${where}: key column(s) ${repeated.map((k) => JSON.stringify(k)).join(', ')} repeat; list each column once.`];
  return [];
}

/** Problems with a route's `deleteMarker`: upsert only; `{ column: <identifier, not a key column>, value: <non-empty string> }`. */
function deleteMarkerProblems(route: Record<string, unknown>, where: string): string[] {
  const marker = route.deleteMarker as Record<string, unknown> | undefined;
  if (marker === undefined) return [];
  if (route.mode !== 'upsert') return [`${where}: deleteMarker is only for mode "upsert" (mode is ${JSON.stringify(route.mode)}); remove it or use mode "upsert".`];
  const example = 'e.g. {"column":"op","value":"D"}';
  if (marker === null || typeof marker !== 'object' || Array.isArray(marker)) return [`${where}: deleteMarker must be {column, value}, ${example}.`];
  const problems: string[] = [];
  const extra = Object.keys(marker).filter((k) => k !== 'column' && k !== 'value');
  if (extra.length) problems.push(`${where}: deleteMarker has unknown field(s) ${extra.join(', ')}; it has column and value, ${example}.`);
  if (typeof marker.column !== 'string' || !IDENTIFIER.test(marker.column)) {
    problems.push(`${where}: deleteMarker.column ${JSON.stringify(marker.column)} must be a plain identifier (the file column that marks deletes), ${example}.`);
  } else if (Array.isArray(route.key) && route.key.includes(marker.column)) {
    problems.push(`${where}: deleteMarker.column "${marker.column}" is a key column; the marker is a separate, file-only column.`);
  }
  if (typeof marker.value !== 'string' || marker.value === '') problems.push(`${where}: deleteMarker.value must be a non-empty string (the marker column's value for a delete), ${example}.`);
  return problems;
}

/** Every problem with a route list, as readable sentences (empty when the list is valid). */
export function routeProblems(routes: unknown): string[] {
  if (!Array.isArray(routes)) return ['routes must be a list of {prefix, table, mode}.'];
  if (routes.length === 0) return ['at least one route is needed, e.g. {"prefix":"people/","table":"public.people","mode":"replace"}.'];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  routes.forEach((r: unknown, i) => {
    const route = (r ?? {}) as Record<string, unknown>;
    const where = `route ${i}`;
    if (typeof route.prefix !== 'string') {
      problems.push(`${where}: prefix must be a string (use "" to match every key).`);
    } else {
      if (route.prefix.startsWith('/')) problems.push(`${where}: prefix "${route.prefix}" starts with "/"; S3 keys have no leading slash (use "${route.prefix.replace(/^\/+/, '')}").`);
      if (route.prefix.includes('*')) problems.push(`${where}: prefix "${route.prefix}" contains "*"; prefixes are literal, not globs.`);
      // S3: a key name is "a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long"
      // (S3 User Guide, "Naming Amazon S3 objects"): bytes, not characters.
      if (Buffer.byteLength(route.prefix, 'utf8') > 1024) problems.push(`${where}: prefix is longer than the 1024-byte S3 key limit (UTF-8).`);
      const other = seen.get(route.prefix);
      if (other !== undefined) problems.push(`${where}: prefix "${route.prefix}" repeats route ${other}; each prefix routes to one table.`);
      else seen.set(route.prefix, i);
    }
    if (typeof route.table !== 'string' || !splitTableName(route.table)) {
      problems.push(`${where}: table ${JSON.stringify(route.table)} must be "schema.table" or "table" made of plain identifiers (letters, digits, _ and $, starting with a letter or _).`);
    }
    if (route.mode !== 'replace' && route.mode !== 'append' && route.mode !== 'upsert') {
      problems.push(`${where}: mode ${JSON.stringify(route.mode)} must be "replace", "append" or "upsert".`);
    }
    problems.push(...keyProblems(route, where), ...deleteMarkerProblems(route, where));
    problems.push(...dialectProblems(route.csv, `${where} (prefix ${JSON.stringify(route.prefix)})`));
    const extra = Object.keys(route).filter((k) => !['prefix', 'table', 'mode', 'key', 'deleteMarker', 'csv'].includes(k));
    if (extra.length) problems.push(`${where}: unknown field(s) ${extra.join(', ')}; a route has prefix, table and mode.`);
  });
  // Two replace routes into one table would let one file erase the other's rows.
  const replaceTargets = new Map<string, string>();
  for (const r of routes as TableRoute[]) {
    const split = typeof r?.table === 'string' ? splitTableName(r.table) : undefined;
    if (!split) continue;
    const q = `${split.schema}.${split.name}`;
    if (r.mode === 'replace') {
      const prior = replaceTargets.get(q);
      if (prior !== undefined) problems.push(`prefixes "${prior}" and "${r.prefix}" both replace ${q}: each file would erase the other's rows. Use one prefix, or mode "append".`);
      else replaceTargets.set(q, r.prefix);
    }
  }
  for (const r of routes as TableRoute[]) {
    const split = typeof r?.table === 'string' ? splitTableName(r.table) : undefined;
    if (!split || r.mode !== 'append') continue;
    const q = `${split.schema}.${split.name}`;
    if (replaceTargets.has(q)) problems.push(`${q} is both replaced (prefix "${replaceTargets.get(q)}") and appended to (prefix "${r.prefix}"): a replace would erase appended rows. Pick one mode per table.`);
  }
  // Upsert merges into the rows a replace would erase; upsert beside append is allowed (an appended row whose key
  // exists is rejected by the table's unique constraint, as for any append).
  for (const r of routes as TableRoute[]) {
    const split = typeof r?.table === 'string' ? splitTableName(r.table) : undefined;
    if (!split || r.mode !== 'upsert') continue;
    const q = `${split.schema}.${split.name}`;
    if (replaceTargets.has(q)) problems.push(`${q} is both replaced (prefix "${replaceTargets.get(q)}") and upserted into (prefix "${r.prefix}"): a replace would erase upserted rows. Pick one mode per table.`);
  }
  return problems;
}

/** Validates and resolves routes; throws one error listing every problem. */
export function resolveRoutes(routes: unknown): ResolvedRoute[] {
  const problems = routeProblems(routes);
  if (problems.length) throw new Error(`invalid table routes: ${problems.join(' ')}`);
  return (routes as TableRoute[]).map((r) => {
    const { schema, name } = splitTableName(r.table)!;
    return { prefix: r.prefix, table: r.table, mode: r.mode, ...(r.key ? { key: [...r.key] } : {}), ...(r.deleteMarker ? { deleteMarker: { column: r.deleteMarker.column, value: r.deleteMarker.value } } : {}), ...(r.csv ? { csv: { ...r.csv } } : {}), schema, name, qualified: `${schema}.${name}` };
  });
}

/** The route whose prefix is the longest one the key starts with, or undefined. */
export function matchRoute<R extends TableRoute>(routes: readonly R[], key: string): R | undefined {
  let best: R | undefined;
  for (const r of routes) {
    if (key.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

/** Decodes a key as S3 puts it in events: URL-encoded, with `+` for space. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
