import type { ClientBase } from 'pg';
import { LoadError, LoadTarget } from './errors';
import { quoteIdent, ResolvedRoute } from './routes';
import { mapHeader, tableColumns } from './table';

/**
 * Upsert mode: the file is copied (streamed, or imported server-side by aws_s3) into a temporary staging table, then
 * merged into the target with `INSERT ... ON CONFLICT (key) DO UPDATE`, all inside the load's one transaction, so
 * the ledger row commits with the merge or not at all.
 */
export interface UpsertPlan {
  /** Where COPY (or aws_s3.table_import_from_s3) writes: the session's temporary staging table. */
  readonly staging: string;
  /** Target columns the file provides, in file order (the table's own spelling). */
  readonly columns: readonly string[];
  /** The merge key (route `key`, else the table's primary key). */
  readonly key: readonly string[];
  /** COPY's column list (quoted, file order): the target columns, plus the delete marker column where the file has it. */
  readonly copyList: string;
  /** Rows whose marker column holds this value delete their key. */
  readonly deleteMarker?: { readonly column: string; readonly value: string };
}

export interface UpsertCounts {
  /** Rows whose key was new. */
  readonly inserted: number;
  /** Rows whose key existed (updated; or left as they were when the file has only key columns). */
  readonly updated: number;
  /** Rows of the file marked as deletes (`deleteMarker`) whose key was in the table. */
  readonly deleted?: number;
}

/** The staging table: dropped at COMMIT or ROLLBACK (ON COMMIT DROP), so it never outlives the load. */
const STAGING = 'pg_temp.s3_upsert_staging';
/** Numbers the staged rows in file order (data rows, header excluded), so a duplicate is named by position, not value. */
const RECORD_COLUMN = 'migration_kit_record';

const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
const fail = (target: LoadTarget, reason: string) => new LoadError(target, reason, false);

/** The table's primary-key columns in key order, or [] when it has none. */
export async function primaryKey(client: ClientBase, schema: string, name: string): Promise<string[]> {
  const { rows } = await client.query<{ attname: string }>(
    `SELECT a.attname
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [schema, name],
  );
  return rows.map((r) => r.attname);
}

/**
 * True when a unique constraint or index covers exactly `key` and can arbitrate ON CONFLICT: not partial, not on
 * expressions, not deferrable (https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT).
 */
export async function hasUniqueArbiter(client: ClientBase, schema: string, name: string, key: readonly string[]): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2
        AND i.indisunique AND i.indimmediate AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL
        AND i.indnkeyatts = cardinality($3::text[])
        AND (SELECT array_agg(a.attname::text COLLATE "C" ORDER BY a.attname::text COLLATE "C")
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum
              WHERE u.ord <= i.indnkeyatts) = (SELECT array_agg(k COLLATE "C" ORDER BY k COLLATE "C") FROM unnest($3::text[]) AS k)`,
    [schema, name, [...key]],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Resolves the merge key and creates the staging table (the target's definition with defaults, only the file's
 * columns, plus a record number). Fails, naming the table and the columns, when the key cannot be used: no primary
 * key and no route `key`, a key column missing from the file or the table, or no unique constraint on exactly the key.
 */
export async function prepareUpsert(client: ClientBase, route: ResolvedRoute, target: LoadTarget, header: readonly string[]): Promise<UpsertPlan> {
  const table = await tableColumns(client, route.schema, route.name);
  if (!table) throw fail(target, `failed: table ${route.qualified} does not exist (create it before loading, or fix the route)`);
  const marker = route.deleteMarker;
  if (marker && table.some((c) => c.name === marker.column)) {
    throw fail(
      target,
      `failed: the route's deleteMarker column "${marker.column}" is a column of ${route.qualified}; the marker is a file-only column (it is not loaded): name another column, or keep a soft-delete flag as an ordinary column without deleteMarker`,
    );
  }
  if (marker && !header.includes(marker.column)) {
    throw fail(target, `rejected: the header lacks the route's delete marker column "${marker.column}" (rows whose "${marker.column}" is ${JSON.stringify(marker.value)} delete their key)`);
  }
  const data = marker ? header.filter((h) => h !== marker.column) : header;
  const mapping = mapHeader(data, table);
  if (!mapping.ok) throw fail(target, `rejected: header does not match table ${route.qualified}: ${mapping.problem}`);
  const columns = mapping.columns;
  let next = 0;
  const copyList = header.map((h) => quoteIdent(marker && h === marker.column ? h : columns[next++])).join(', ');

  const key = route.key?.length ? [...route.key] : await primaryKey(client, route.schema, route.name);
  if (key.length === 0) {
    throw fail(
      target,
      `failed: upsert into ${route.qualified} needs a key, and the table has no primary key and the route names no key: add "key": ["<column>", ...] to the route (columns of a unique constraint), or a primary key to the table`,
    );
  }
  const notInTable = key.filter((k) => !table.some((c) => c.name === k));
  if (notInTable.length) throw fail(target, `failed: upsert key column(s) ${list(notInTable)} are not columns of ${route.qualified}; fix the route's key`);
  const notInFile = key.filter((k) => !columns.includes(k));
  if (notInFile.length) {
    throw fail(target, `rejected: the header lacks the upsert key column(s) ${list(notInFile)} of ${route.qualified} (key ${list(key)}); every upsert file carries the whole key`);
  }
  if (!(await hasUniqueArbiter(client, route.schema, route.name, key))) {
    throw fail(
      target,
      `failed: upsert into ${route.qualified} merges by (${list(key)}), but no primary key, unique constraint or unique index (immediate, not partial) covers exactly those columns; ON CONFLICT needs one: ALTER TABLE ${route.qualified} ADD UNIQUE (${key.join(', ')}), or change the route's key`,
    );
  }

  const qualified = `${quoteIdent(route.schema)}.${quoteIdent(route.name)}`;
  // LIKE copies types, NOT NULL and (INCLUDING DEFAULTS) defaults: type and NOT NULL errors surface during COPY
  // with their line, as for the other modes. Columns the file lacks are dropped (the target fills them itself).
  await client.query(`CREATE TEMP TABLE s3_upsert_staging (LIKE ${qualified} INCLUDING DEFAULTS) ON COMMIT DROP`);
  const absent = table.filter((c) => !columns.includes(c.name)).map((c) => `DROP COLUMN ${quoteIdent(c.name)}`);
  // With a delete marker, a delete row may leave non-key columns empty: NOT NULL is then checked by the merge's
  // INSERT (for rows that are not deletes), without a line number.
  const relaxed = marker ? columns.filter((c) => !key.includes(c)).map((c) => `ALTER COLUMN ${quoteIdent(c)} DROP NOT NULL`) : [];
  const markerColumn = marker ? [`ADD COLUMN ${quoteIdent(marker.column)} text`] : [];
  await client.query(
    `ALTER TABLE ${STAGING} ${[...absent, ...relaxed, ...markerColumn, `ADD COLUMN ${quoteIdent(RECORD_COLUMN)} bigint GENERATED ALWAYS AS IDENTITY`].join(', ')}`,
  );
  return { staging: STAGING, columns, key, copyList, deleteMarker: marker };
}

/**
 * Checks the staged rows' keys (each key at most once, no empty key column), then merges them into the target.
 * Errors name rows by their position in the file, never by value: error messages reach the logs and the DLQ.
 */
export async function mergeUpsert(client: ClientBase, route: ResolvedRoute, target: LoadTarget, plan: UpsertPlan): Promise<UpsertCounts> {
  const keySql = plan.key.map(quoteIdent).join(', ');
  const rec = quoteIdent(RECORD_COLUMN);
  // Autovacuum never analyzes temporary tables: without statistics the key checks and the delete join are planned
  // for a tiny table. ANALYZE samples a bounded number of rows, so it stays cheap for large files.
  await client.query(`ANALYZE ${plan.staging}`);
  const nullKey = await client.query<{ rec: string | null }>(
    `SELECT min(${rec})::text AS rec FROM ${plan.staging} WHERE ${plan.key.map((k) => `${quoteIdent(k)} IS NULL`).join(' OR ')}`,
  );
  if (nullKey.rows[0]?.rec) {
    throw fail(
      target,
      `rejected: data row ${nullKey.rows[0].rec} (counting rows after the header) has an empty upsert key column (key ${list(plan.key)} of ${route.qualified}); every row needs the whole key`,
    );
  }
  const dup = await client.query<{ recs: string[]; keys: string }>(
    `SELECT (array_agg(${rec}::text ORDER BY ${rec}))[1:2] AS recs, (count(*) OVER ())::text AS keys
       FROM ${plan.staging} GROUP BY ${keySql} HAVING count(*) > 1 ORDER BY min(${rec}) LIMIT 1`,
  );
  if (dup.rows.length) {
    const { recs, keys } = dup.rows[0];
    throw fail(
      target,
      `rejected: duplicate upsert key (${list(plan.key)} of ${route.qualified}) in the file: data rows ${recs[0]} and ${recs[1]} (counting rows after the header) have the same key (values not shown: logs never carry row data); ${keys} key(s) appear more than once. Each key may appear once per file: remove the duplicates`,
    );
  }
  const cols = plan.columns.map(quoteIdent).join(', ');
  const rest = plan.columns.filter((c) => !plan.key.includes(c));
  const marker = plan.deleteMarker;
  let deleted: number | undefined;
  if (marker) {
    const m = `s.${quoteIdent(marker.column)}`;
    const del = await client.query(
      `DELETE FROM ${quoteIdent(route.schema)}.${quoteIdent(route.name)} AS t USING ${plan.staging} AS s
        WHERE ${m} = $1 AND ${plan.key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ')}`,
      [marker.value],
    );
    deleted = del.rowCount ?? 0;
  }
  // Rows marked as deletes are not merged (their key appears once in the file: checked above).
  const notDeleted = marker ? ` WHERE ${quoteIdent(marker.column)} IS DISTINCT FROM $1` : '';
  // A file with only key columns has nothing to update: existing keys stay as they are.
  const action = rest.length ? `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}` : 'DO NOTHING';
  const { rows } = await client.query<{ staged: string; inserted: string }>(
    `WITH merged AS (
       INSERT INTO ${quoteIdent(route.schema)}.${quoteIdent(route.name)} AS t (${cols})
       SELECT ${cols} FROM ${plan.staging}${notDeleted}
       ON CONFLICT (${keySql}) ${action}
       RETURNING (t.xmax = 0) AS inserted
     )
     SELECT (SELECT count(*) FROM ${plan.staging}${notDeleted})::text AS staged, count(*) FILTER (WHERE inserted)::text AS inserted FROM merged`,
    marker ? [marker.value] : [],
  );
  // xmax = 0 marks a row version this statement inserted; an updated row carries this transaction's id there.
  const inserted = Number(rows[0].inserted);
  return { inserted, updated: Number(rows[0].staged) - inserted, ...(deleted !== undefined ? { deleted } : {}) };
}
