import type { ClientBase } from 'pg';

export interface TableColumn {
  readonly name: string;
  /** True when the file must provide the column: NOT NULL without a default, identity or generation expression. */
  readonly required: boolean;
  /** Generated columns cannot be written. */
  readonly generated: boolean;
}

/** The table's columns in table order, or undefined when the table (or view) does not exist. */
export async function tableColumns(client: ClientBase, schema: string, name: string): Promise<TableColumn[] | undefined> {
  const { rows } = await client.query<{ attname: string; attnotnull: boolean; atthasdef: boolean; attidentity: string; attgenerated: string }>(
    `SELECT a.attname, a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, name],
  );
  if (rows.length === 0) return undefined;
  return rows.map((r) => ({
    name: r.attname,
    generated: r.attgenerated !== '',
    required: r.attnotnull && r.attgenerated === '' && !r.atthasdef && r.attidentity === '',
  }));
}

export type HeaderMapping = { readonly ok: true; readonly columns: string[] } | { readonly ok: false; readonly problem: string };

const list = (names: string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * Maps header names to table columns by name (exact, else case-insensitive when unambiguous), so columns may come
 * in any order. Rejects, by name: extra columns, missing required columns, duplicates, blanks and generated columns.
 * Columns that are nullable or have a default (or identity) may be left out of the file: Postgres fills them. A renamed
 * header still fails, as an extra column.
 */
export function mapHeader(header: readonly string[], columns: readonly TableColumn[]): HeaderMapping {
  const problems: string[] = [];
  const blanks = header.map((h, i) => (h === '' ? i + 1 : 0)).filter(Boolean);
  if (blanks.length) problems.push(`empty column name(s) at position ${blanks.join(', ')}`);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const byLower = new Map<string, TableColumn[]>();
  for (const c of columns) byLower.set(c.name.toLowerCase(), [...(byLower.get(c.name.toLowerCase()) ?? []), c]);

  const mapped: string[] = [];
  const extra: string[] = [];
  const generated: string[] = [];
  const used = new Set<string>();
  const duplicates: string[] = [];
  for (const h of header) {
    if (h === '') continue;
    const lower = byLower.get(h.toLowerCase());
    const col = byName.get(h) ?? (lower?.length === 1 ? lower[0] : undefined);
    if (!col) {
      extra.push(h);
      continue;
    }
    if (col.generated) generated.push(h);
    if (used.has(col.name)) duplicates.push(h);
    used.add(col.name);
    mapped.push(col.name);
  }
  const missing = columns.filter((c) => c.required && !used.has(c.name)).map((c) => c.name);
  if (extra.length) problems.push(`extra column(s) ${list(extra)} not in the table`);
  if (missing.length) problems.push(`missing column(s) ${list(missing)} that the table requires`);
  if (duplicates.length) problems.push(`duplicate column(s) ${list(duplicates)}`);
  if (generated.length) problems.push(`generated column(s) ${list(generated)} cannot be loaded; remove them from the file`);
  return problems.length ? { ok: false, problem: problems.join('; ') } : { ok: true, columns: mapped };
}
