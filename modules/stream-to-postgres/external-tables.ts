import type { ExternalColumn, ExternalTable } from '../dms-migration';
import type { TableMapping } from '../../lambdas/stream-to-postgres/table-config';

/** Maps a configured Postgres column type to the DMS S3-source column type (external table definition). */
export function externalColumnType(pgType: string, textLength: number): Omit<ExternalColumn, 'name' | 'nullable' | 'primaryKey'> {
  const t = pgType.toLowerCase().trim();
  if (t.endsWith('[]')) return { type: 'STRING', length: textLength };
  const sized = /^(varchar|character varying|char|character)\((\d+)\)$/.exec(t);
  if (sized) return { type: 'STRING', length: Number(sized[2]) };
  const numeric = /^(numeric|decimal)(?:\((\d+)(?:,\s?(\d+))?\))?$/.exec(t);
  if (numeric) {
    if (!numeric[2]) throw new Error(`type ${pgType} has no precision; the full load needs one, e.g. numeric(18,2)`);
    return { type: 'NUMERIC', precision: Number(numeric[2]), scale: Number(numeric[3] ?? 0) };
  }
  switch (t) {
    case 'smallint':
    case 'int2':
      return { type: 'INT2' };
    case 'integer':
    case 'int':
    case 'int4':
      return { type: 'INT4' };
    case 'bigint':
    case 'int8':
      return { type: 'INT8' };
    case 'real':
    case 'float4':
      return { type: 'REAL4' };
    case 'double precision':
    case 'float8':
      return { type: 'REAL8' };
    case 'boolean':
    case 'bool':
      return { type: 'BOOLEAN' };
    case 'date':
      return { type: 'DATE' };
    case 'time':
    case 'timetz':
      return { type: 'TIME' };
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return { type: 'DATETIME' };
    case 'bytea':
      return { type: 'BLOB' };
    case 'uuid':
      return { type: 'STRING', length: 36 };
    case 'interval':
      return { type: 'STRING', length: 64 };
    default:
      // text, citext, json, jsonb, varchar/char without a length
      return { type: 'STRING', length: textLength };
  }
}

/**
 * The DMS external table definition for the export, derived from the same table config as the stream: one
 * table per target (owner = target schema, name = target table, columns = target columns in config order),
 * so the full-load task writes straight into the live tables the stream then keeps up to date.
 */
export function externalTables(mappings: readonly TableMapping[], textLength: number): ExternalTable[] {
  return mappings.map((m) => ({
    name: m.targetTable,
    owner: m.targetSchema,
    path: `${m.targetSchema}/${m.targetTable}/`,
    columns: m.columns.map((c) => ({
      name: c.target,
      ...externalColumnType(c.type, textLength),
      nullable: c.nullable,
      primaryKey: m.keyColumns.includes(c.target),
    })),
  }));
}
