import { z } from 'zod';

/**
 * The table mapping shared by the stream consumer (env `TABLE_CONFIG`) and the module (which also derives the
 * DMS S3 external table definition from it), so the full load and the stream can never disagree on a column.
 */

/** Plain Postgres identifiers only: they are always double-quoted, but we refuse anything needing escapes. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Live tables get `<table>_audit_log` and `<table>_tombstones` beside them: keep those within 63 bytes. */
const TABLE_IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,51}$/;

/** Postgres types a column may be cast to (with optional length/precision and array suffix). */
const PG_TYPE =
  /^(text|citext|uuid|json|jsonb|bytea|boolean|bool|date|time|timetz|interval|smallint|integer|int|bigint|int2|int4|int8|real|float4|float8|double precision|timestamp|timestamptz|timestamp with time zone|timestamp without time zone|(varchar|character varying|char|character)(\(\d{1,5}\))?|(numeric|decimal)(\(\d{1,4}(,\s?\d{1,4})?\))?)(\[\])?$/;

const qualifiedTable = z
  .string()
  .refine((v) => {
    const parts = v.split('.');
    return parts.length === 2 && IDENT.test(parts[0]) && TABLE_IDENT.test(parts[1]);
  }, 'must be "schema.table" with plain identifiers (letters, digits, underscores; table name at most 52 characters)');

/** Columns of `<table>_audit_log` besides the key columns copied into it. */
const AUDIT_COLUMNS = ['audit_id', 'change_id', 'operation', 'commit_ts', 'seq', 'row_data', 'metadata', 'recorded_at'];

export const columnSchema = z
  .object({
    /** Field name in the DMS record's `data` (the source column). */
    source: z
      .string()
      .min(1)
      .refine((v) => Buffer.byteLength(v) <= 63 && !v.includes('\u0000'), 'must be at most 63 bytes (a Postgres identifier: fields are unpacked by name)'),
    /** Column in the target table. @default the source name */
    target: z.string().regex(IDENT, 'must be a plain identifier (letters, digits, underscores)').optional(),
    /** Postgres type the value is cast to, e.g. `numeric(12,2)`, `timestamptz`, `jsonb`. @default text */
    type: z.string().regex(PG_TYPE, 'must be a supported Postgres type, e.g. text, integer, numeric(12,2), timestamptz, jsonb').default('text'),
    /** False makes the column NOT NULL in created tables and in the DMS external table definition. @default true */
    nullable: z.boolean().default(true),
  })
  .strict();

export const tableSchema = z
  .object({
    /** Source table as DMS reports it: `schema-name.table-name` of the record metadata. */
    source: z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'must be "schema.table" as DMS reports it'),
    /** Target table in Postgres, `schema.table`. */
    target: qualifiedTable,
    /** Target column names forming the row identity (primary key of the live table). */
    keyColumns: z.array(z.string().regex(IDENT)).min(1),
    columns: z.array(columnSchema).min(1),
    /** Write every change to `<target>_audit_log`. @default true */
    audit: z.boolean().default(true),
    /**
     * What to do with a record field no column maps: `reject` makes the record a poison record (schema drift
     * stops at the first changed record instead of silently dropping data); `ignore` drops the field.
     * @default reject
     */
    unmappedFields: z.enum(['reject', 'ignore']).default('reject'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const targets = t.columns.map((c) => c.target ?? c.source);
    const dupTargets = targets.filter((c, i) => targets.indexOf(c) !== i);
    if (dupTargets.length) ctx.addIssue({ code: 'custom', path: ['columns'], message: `target columns repeat: ${[...new Set(dupTargets)].join(', ')}` });
    const sources = t.columns.map((c) => c.source);
    const dupSources = sources.filter((c, i) => sources.indexOf(c) !== i);
    if (dupSources.length) ctx.addIssue({ code: 'custom', path: ['columns'], message: `source fields repeat: ${[...new Set(dupSources)].join(', ')}` });
    targets.forEach((c, i) => {
      if (!IDENT.test(c)) ctx.addIssue({ code: 'custom', path: ['columns', i], message: `source "${c}" is not a plain identifier: give it a \`target\` name` });
      if (c.startsWith('_cdc_')) ctx.addIssue({ code: 'custom', path: ['columns', i], message: `column ${c} uses the reserved _cdc_ prefix (bookkeeping columns)` });
    });
    for (const k of t.keyColumns) {
      if (t.audit !== false && AUDIT_COLUMNS.includes(k)) {
        ctx.addIssue({ code: 'custom', path: ['keyColumns'], message: `key column ${k} clashes with an audit-log column (${AUDIT_COLUMNS.join(', ')}): rename it with \`target\`` });
      }
      if (!targets.includes(k)) ctx.addIssue({ code: 'custom', path: ['keyColumns'], message: `key column ${k} is not among the target columns (${targets.join(', ')})` });
    }
  });

export const tableConfigSchema = z
  .array(tableSchema)
  .min(1)
  .superRefine((tables, ctx) => {
    const seen = new Map<string, number>();
    tables.forEach((t, i) => {
      for (const [label, name] of [['source', t.source.toLowerCase()], ['target', t.target.toLowerCase()]] as const) {
        const key = `${label}:${name}`;
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, label], message: `${label} table ${name} is configured twice` });
        seen.set(key, i);
      }
    });
  });

export type ColumnConfigInput = z.input<typeof columnSchema>;
export type TableConfigInput = z.input<typeof tableSchema>;

/** A table mapping with defaults applied and names resolved. */
export interface TableMapping {
  readonly source: string;
  readonly targetSchema: string;
  readonly targetTable: string;
  readonly keyColumns: readonly string[];
  readonly columns: ReadonlyArray<{ readonly source: string; readonly target: string; readonly type: string; readonly nullable: boolean }>;
  readonly audit: boolean;
  readonly unmappedFields: 'reject' | 'ignore';
}

/** Validates a table mapping list; throws an Error listing every problem with its path. */
export function parseTableConfig(input: unknown): TableMapping[] {
  const result = tableConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? `[${i.path.join('.')}] ` : ''}${i.message}`);
    throw new Error(`invalid table config: ${problems.join('; ')}`);
  }
  return result.data.map((t) => {
    const [targetSchema, targetTable] = t.target.split('.');
    return {
      source: t.source,
      targetSchema,
      targetTable,
      keyColumns: t.keyColumns,
      columns: t.columns.map((c) => ({ source: c.source, target: c.target ?? c.source, type: c.type, nullable: c.nullable && !t.keyColumns.includes(c.target ?? c.source) })),
      audit: t.audit,
      unmappedFields: t.unmappedFields,
    };
  });
}

/** `"schema"."name"`: identifiers were validated as plain, quoting keeps their case. */
export function qualified(schema: string, name: string): string {
  return `"${schema}"."${name}"`;
}

export function quoteIdent(name: string): string {
  return `"${name}"`;
}
