/**
 * The declared column mapping of an ETL pipeline, validated at synth, and the SQL the Glue scripts run, generated
 * here from the validated mapping (so it is unit-tested; the scripts only substitute run-time placeholders).
 */
import type { GlueJdbcEngine } from '../glue-common';
import {
  AggregateTable,
  checkExpression,
  checkResultType,
  ComputedColumn,
  ExpressionError,
  ExpressionScope,
  renderCast,
  renderSpark,
  sparkName,
} from './expressions';

/** Spark SQL types a column can be cast to in the transform step. */
export type ColumnType = 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp' | `decimal(${number},${number})`;

export interface ColumnMapping {
  /** Column name in the source table. */
  readonly source: string;
  /** Column name in the target table. @default `source` */
  readonly target?: string;
  /** Spark type the value is cast to (ANSI casts: a value that does not fit fails the run, it never becomes NULL). */
  readonly type: ColumnType;
}

export interface TableMapping {
  /** Source table, `table` or `schema.table` (MySQL: `database.table`). */
  readonly sourceTable: string;
  /** Target table, `table` or `schema.table`. It must exist, with a unique key on the key column's target name. */
  readonly targetTable: string;
  /**
   * Unique, integer (int/bigint) source column used for keyset pagination (`WHERE key > last ORDER BY key LIMIT n`)
   * and, under its target name, as the upsert key. It must be one of `columns`.
   */
  readonly keyColumn: string;
  /** Columns migrated: renamed and cast. Every source column must be here or in `exclude`. */
  readonly columns: readonly ColumnMapping[];
  /** Source columns deliberately not migrated (never extracted). A column in neither list fails the run. */
  readonly exclude?: readonly string[];
  /**
   * `full`: every run reads the whole table. `append`: each run reads only keys above the last key the load
   * committed (a watermark kept in S3, advanced after the upsert commits) - for insert-only tables (events,
   * ledgers): rows updated in place below the watermark are not picked up again.
   * @default 'full'
   */
  readonly mode?: TableMode;
  /**
   * Columns computed from the mapped source columns (arithmetic, comparisons, CASE WHEN, COALESCE), type-checked at
   * synth and evaluated by the transform job; loaded beside the mapped columns. See expressions.ts.
   * @default none
   */
  readonly computed?: readonly ComputedColumn[];
  /** The rows grouped by key into separate target tables (sum/count/min/max/avg). Needs `mode: 'full'`. @default none */
  readonly aggregates?: readonly AggregateTable[];
}

export type TableMode = 'full' | 'append';

/** The per-table plan the three scripts read (written to S3 as JSON). */
export interface TablePlan {
  readonly sourceTable: string;
  readonly targetTable: string;
  /** Folder-safe name used in S3 keys, e.g. `shop.orders`. */
  readonly slug: string;
  readonly keyColumn: string;
  /** Reads no rows, only the source's column list: the drift check runs on it before any data is copied. */
  readonly probeSql: string;
  /** Keyset page query of the mapped columns only; placeholders `{after}` (last key, an integer) and `{limit}`. */
  readonly extractSql: string;
  readonly columns: readonly { readonly source: string; readonly target: string; readonly type: ColumnType }[];
  readonly exclude: readonly string[];
  readonly mode: TableMode;
  /** Where `append` tables keep their committed watermark (`{"lastKey": ...}`). */
  readonly watermarkKey: string;
  /** Staging table; placeholder `{suffix}` (8 hex characters from the run ID). */
  readonly stageTable: string;
  /** Placeholder `{stage}` (the staging table). */
  readonly createStageSql: string;
  readonly dropStageSql: string;
  /** One set-based, idempotent upsert from the staging table into the target. */
  readonly upsertSql: string;
  /** `CREATE TABLE IF NOT EXISTS` for the target, when the pipeline creates target tables. */
  readonly createTargetSql?: string;
  /** Computed columns: Spark SQL over the extracted columns (named by source name, after the declared cast). */
  readonly computed: readonly { readonly target: string; readonly type: ColumnType; readonly sql: string }[];
  /** Aggregate tables the transform job computes from this table's rows and the load job upserts. */
  readonly aggregates: readonly AggregatePlan[];
}

/** One aggregate table: computed by `selectSql` over the view `etl_rows`, loaded through its own staging table. */
export interface AggregatePlan {
  readonly targetTable: string;
  /** Folder-safe name used in S3 keys (the target table, lower-cased). */
  readonly slug: string;
  /** Target names of the group key (the aggregate table's primary key). */
  readonly keyColumns: readonly string[];
  readonly columns: readonly { readonly target: string; readonly type: ColumnType }[];
  /** Spark SQL over the temporary view `etl_rows` (the table's extracted columns by source name, cast). */
  readonly selectSql: string;
  readonly stageTable: string;
  readonly createStageSql: string;
  readonly dropStageSql: string;
  readonly upsertSql: string;
  readonly createTargetSql?: string;
}

export interface EtlPlan {
  readonly version: 1;
  readonly sourceEngine: GlueJdbcEngine;
  readonly targetEngine: GlueJdbcEngine;
  readonly tables: readonly TablePlan[];
  /** Statements run in the target, in one transaction, after every table loaded (validated: see checkPostLoadSql). */
  readonly postLoadSql: readonly string[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Key prefix of the committed watermarks of `append` tables in the data bucket. */
export const WATERMARK_PREFIX = 'state/watermarks/';
/** Postgres truncates identifiers at 63 bytes; MySQL allows 64. The stricter limit keeps mappings portable. */
const MAX_IDENTIFIER = 63;
const STAGE_SUFFIX = '__stg_{suffix}';
const STAGE_SUFFIX_LENGTH = '__stg_'.length + 8;
const SIMPLE_TYPES = new Set(['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp']);
const KEY_TYPES = new Set(['int', 'bigint']);

/** A mapping problem, with the table and what to change. Thrown as a ValidationError by the pipeline. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

function fail(message: string): never {
  throw new MappingError(message);
}

function checkIdentifier(what: string, name: string): void {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    // A column that is really an expression ("qty * price") is a computed column: say where that feature is.
    const hint = / column$/.test(what)
      ? ' To compute a value from other columns (arithmetic, CASE WHEN, COALESCE), declare it under `computed`: ' +
        "{ target: 'total', type: 'decimal(12,2)', expression: mul(col('qty'), col('price')) }; to sum or count per key, use " +
        '`aggregates` (modules/glue-etl-pipeline/README.md, "Computed columns and aggregates").'
      : '';
    fail(`${what} "${name}" must be a plain identifier (letters, digits, underscores; not starting with a digit).${hint}`);
  }
  if (name.length > MAX_IDENTIFIER) fail(`${what} "${name}" is ${name.length} characters; the limit is ${MAX_IDENTIFIER}.`);
}

function splitTable(what: string, name: string): { schema?: string; table: string } {
  const parts = typeof name === 'string' ? name.split('.') : [];
  if (parts.length < 1 || parts.length > 2) fail(`${what} "${name}" must be "table" or "schema.table".`);
  for (const p of parts) {
    if (!IDENTIFIER.test(p)) fail(`${what} "${name}" must be a plain identifier or schema.table (letters, digits, underscores; not starting with a digit).`);
    checkIdentifier(what, p);
  }
  return parts.length === 2 ? { schema: parts[0], table: parts[1] } : { table: parts[0] };
}

/** Validates a column type, returning it unchanged. */
export function checkColumnType(table: string, column: string, type: string): ColumnType {
  if (SIMPLE_TYPES.has(type)) return type as ColumnType;
  const m = /^decimal\((\d+),(\d+)\)$/.exec(typeof type === 'string' ? type : '');
  if (!m) {
    fail(
      `${table}: column "${column}" has type "${type}"; use one of string, int, bigint, double, boolean, date, timestamp, decimal(p,s).`,
    );
  }
  const [p, s] = [Number(m[1]), Number(m[2])];
  if (p < 1 || p > 38 || s > p) fail(`${table}: column "${column}" has type ${type}; decimal precision must be 1-38 and scale 0-precision.`);
  return type as ColumnType;
}

/**
 * Validates the mapping of every table: identifiers, types, duplicates (case-insensitive: both engines fold or
 * compare names case-insensitively by default), the key column, and source/target table uniqueness.
 */
export function validateMappings(tables: readonly TableMapping[]): void {
  if (!Array.isArray(tables) || tables.length === 0) fail('tables must list at least one table mapping.');
  const sources = new Set<string>();
  const targets = new Set<string>();
  for (const t of tables) {
    splitTable('sourceTable', t.sourceTable);
    const target = splitTable('targetTable', t.targetTable);
    if (target.table.length + STAGE_SUFFIX_LENGTH > MAX_IDENTIFIER) {
      fail(
        `${t.targetTable}: target table name must be at most ${MAX_IDENTIFIER - STAGE_SUFFIX_LENGTH} characters so its staging table ` +
          `(<name>__stg_<run>) fits in ${MAX_IDENTIFIER}.`,
      );
    }
    const sourceKey = t.sourceTable.toLowerCase();
    if (sources.has(sourceKey)) fail(`sourceTable ${t.sourceTable} is mapped twice; map each source table once.`);
    sources.add(sourceKey);
    const targetKey = t.targetTable.toLowerCase();
    if (targets.has(targetKey)) fail(`targetTable ${t.targetTable} is the target of two mappings; loads would overwrite each other.`);
    targets.add(targetKey);

    if (!Array.isArray(t.columns) || t.columns.length === 0) fail(`${t.sourceTable}: columns must list at least the key column.`);
    const seenSource = new Map<string, string>();
    const seenTarget = new Map<string, string>();
    for (const c of t.columns) {
      checkIdentifier(`${t.sourceTable}: source column`, c.source);
      const targetName = c.target ?? c.source;
      checkIdentifier(`${t.sourceTable}: target column`, targetName);
      checkColumnType(t.sourceTable, c.source, c.type);
      const s = c.source.toLowerCase();
      if (seenSource.has(s)) fail(`${t.sourceTable}: source column "${c.source}" is mapped twice.`);
      seenSource.set(s, c.source);
      const tg = targetName.toLowerCase();
      if (seenTarget.has(tg)) {
        fail(`${t.sourceTable}: target column "${targetName}" is produced by both "${seenTarget.get(tg)}" and "${c.source}".`);
      }
      seenTarget.set(tg, c.source);
    }
    const exclude: readonly string[] = t.exclude ?? [];
    for (const e of exclude) {
      checkIdentifier(`${t.sourceTable}: excluded column`, e);
      if (seenSource.has(e.toLowerCase())) fail(`${t.sourceTable}: column "${e}" is both mapped and excluded; keep it in one list.`);
    }
    if (new Set(exclude.map((e) => e.toLowerCase())).size !== exclude.length) {
      fail(`${t.sourceTable}: exclude lists a column twice.`);
    }
    if (t.mode !== undefined && t.mode !== 'full' && t.mode !== 'append') {
      fail(`${t.sourceTable}: mode "${t.mode}" must be "full" or "append".`);
    }
    checkIdentifier(`${t.sourceTable}: keyColumn`, t.keyColumn);
    const columns: readonly ColumnMapping[] = t.columns;
    const key = columns.find((c) => c.source.toLowerCase() === t.keyColumn.toLowerCase());
    if (!key) fail(`${t.sourceTable}: keyColumn "${t.keyColumn}" must be one of the mapped columns (it is the upsert key in the target).`);
    if (!KEY_TYPES.has(key.type)) {
      fail(
        `${t.sourceTable}: keyColumn "${t.keyColumn}" has type ${key.type}; keyset pagination needs an integer key (int or bigint).`,
      );
    }
    validateComputedAndAggregates(t, targets);
  }
}

/** Quotes a validated identifier (or schema.table) for the engine: backticks for MySQL, double quotes for Postgres. */
export function quoteName(engine: GlueJdbcEngine, name: string): string {
  const q = engine === 'mysql' ? '`' : '"';
  return name
    .split('.')
    .map((p) => `${q}${p}${q}`)
    .join('.');
}

/**
 * A MySQL date with a zero month or day (`2024-00-15`, `2024-03-00`; stored when sql_mode lacks NO_ZERO_IN_DATE,
 * https://mariadb.com/docs/server/ref/mdb/sql-modes/NO_ZERO_IN_DATE) names no day: Connector/J cannot read it at all
 * (`IllegalArgumentException: MONTH`, whatever `zeroDateTimeBehavior` says), so one such value failed the whole
 * extract. Policy: columns mapped to `date` or `timestamp` are read as NULL when their month or day is 0, as
 * `zeroDateTimeBehavior=CONVERT_TO_NULL` already does for the all-zero date (etl_common.jdbc_properties). MONTH() and
 * DAYOFMONTH() return 0 for such a part (https://mariadb.com/kb/en/month/, https://mariadb.com/kb/en/dayofmonth/;
 * MySQL's Date and Time Functions page says the same); the column keeps its name and type.
 */
function extractColumn(engine: GlueJdbcEngine, column: ColumnMapping): string {
  const name = quoteName(engine, column.source);
  if (engine !== 'mysql' || (column.type !== 'date' && column.type !== 'timestamp')) return name;
  return `CASE WHEN MONTH(${name}) = 0 OR DAYOFMONTH(${name}) = 0 THEN NULL ELSE ${name} END AS ${name}`;
}

/**
 * Keyset page query: no OFFSET, so every page is an index range scan on the key. Only mapped columns are selected:
 * excluded columns (e.g. password hashes) never leave the source. MySQL date and timestamp columns with a zero month
 * or day are read as NULL (extractColumn).
 */
export function extractSql(engine: GlueJdbcEngine, table: TableMapping): string {
  const key = quoteName(engine, table.keyColumn);
  const columns = table.columns.map((c) => extractColumn(engine, c)).join(', ');
  return `SELECT ${columns} FROM ${quoteName(engine, table.sourceTable)} WHERE ${key} > {after} ORDER BY ${key} LIMIT {limit}`;
}

/** The source's full column list without reading a row (for the schema drift check). */
export function probeSql(engine: GlueJdbcEngine, table: TableMapping): string {
  return `SELECT * FROM ${quoteName(engine, table.sourceTable)} WHERE 1 = 0`;
}

function stageTableName(engine: GlueJdbcEngine, targetTable: string): string {
  const { schema, table } = splitTable('targetTable', targetTable);
  return quoteName(engine, schema ? `${schema}.${table}` : table).replace(
    new RegExp(`${engine === 'mysql' ? '`' : '"'}$`),
    `${STAGE_SUFFIX}${engine === 'mysql' ? '`' : '"'}`,
  );
}

/** The key column's name in the target. */
function targetKey(table: TableMapping): string {
  const key = table.columns.find((c) => c.source.toLowerCase() === table.keyColumn.toLowerCase())!;
  return key.target ?? key.source;
}

/**
 * The set-based upsert from the staging table. Postgres: `INSERT ... ON CONFLICT (key) DO UPDATE`, skipping rows
 * whose values did not change (a re-run writes nothing). MySQL: `INSERT ... SELECT ... ON DUPLICATE KEY UPDATE`.
 * Running it twice with the same staging data leaves the target unchanged: the load is idempotent.
 */
export function upsertSql(engine: GlueJdbcEngine, table: TableMapping): string {
  const target = quoteName(engine, table.targetTable);
  const cols = table.columns.map((c) => c.target ?? c.source);
  const keyTarget = targetKey(table);
  const q = (n: string) => quoteName(engine, n);
  const list = cols.map(q).join(', ');
  const rest = cols.filter((c) => c.toLowerCase() !== keyTarget.toLowerCase());
  if (engine === 'postgresql') {
    const base = `INSERT INTO ${target} AS t (${list}) SELECT ${list} FROM {stage}`;
    if (rest.length === 0) return `${base} ON CONFLICT (${q(keyTarget)}) DO NOTHING`;
    const set = rest.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ');
    const changed = `(${rest.map((c) => `t.${q(c)}`).join(', ')}) IS DISTINCT FROM (${rest.map((c) => `EXCLUDED.${q(c)}`).join(', ')})`;
    // A one-column row constructor is just a parenthesised value in Postgres; both forms compare NULL-safely.
    return `${base} ON CONFLICT (${q(keyTarget)}) DO UPDATE SET ${set} WHERE ${changed}`;
  }
  const selected = cols.map((c) => `s.${q(c)}`).join(', ');
  const base = `INSERT INTO ${target} (${list}) SELECT ${selected} FROM (SELECT ${list} FROM {stage}) AS s`;
  const updates = (rest.length ? rest : [keyTarget]).map((c) => `${q(c)} = s.${q(c)}`).join(', ');
  return `${base} ON DUPLICATE KEY UPDATE ${updates}`;
}

/** A staging table shaped exactly like the target (types, defaults), so the upsert needs no casts. */
export function createStageSql(engine: GlueJdbcEngine, table: TableMapping): string {
  const target = quoteName(engine, table.targetTable);
  return engine === 'postgresql'
    ? `CREATE UNLOGGED TABLE {stage} (LIKE ${target} INCLUDING DEFAULTS)`
    : `CREATE TABLE {stage} LIKE ${target}`;
}

const TARGET_TYPES: Record<GlueJdbcEngine, Record<string, string>> = {
  postgresql: {
    string: 'text',
    int: 'integer',
    bigint: 'bigint',
    double: 'double precision',
    boolean: 'boolean',
    date: 'date',
    // Spark timestamps are instants; timestamptz keeps them so whatever the session time zone.
    timestamp: 'timestamptz',
  },
  mysql: {
    string: 'LONGTEXT',
    int: 'INT',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'DATETIME(6)',
  },
};

/** The target column type for a mapped Spark type. */
export function targetColumnType(engine: GlueJdbcEngine, type: ColumnType): string {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) return engine === 'postgresql' ? `numeric(${decimal[1]},${decimal[2]})` : `DECIMAL(${decimal[1]},${decimal[2]})`;
  return TARGET_TYPES[engine][type];
}

/**
 * A target table for greenfield loads: the mapped columns with their types, the key column as primary key.
 * `IF NOT EXISTS`: an existing table is never altered.
 */
export function createTargetSql(engine: GlueJdbcEngine, table: TableMapping): string {
  const keyTarget = targetKey(table);
  const columns = table.columns.map((c) => {
    const name = c.target ?? c.source;
    const notNull = name.toLowerCase() === keyTarget.toLowerCase() ? ' NOT NULL' : '';
    return `${quoteName(engine, name)} ${targetColumnType(engine, c.type)}${notNull}`;
  });
  return `CREATE TABLE IF NOT EXISTS ${quoteName(engine, table.targetTable)} (${columns.join(', ')}, PRIMARY KEY (${quoteName(engine, keyTarget)}))`;
}

/** A name usable as an S3 folder: the source table as written, lower-cased. */
export function tableSlug(table: TableMapping): string {
  return table.sourceTable.toLowerCase();
}

export interface BuildPlanOptions {
  /** Add `createTargetSql` to every table (the load creates missing target tables). @default false */
  readonly createTargetTables?: boolean;
  /** Idempotent statements run in the target after the load (see checkPostLoadSql). @default none */
  readonly postLoadSql?: readonly string[];
}

/** Validates the mappings and builds the plan the Glue scripts execute. */
export function buildPlan(
  sourceEngine: GlueJdbcEngine,
  targetEngine: GlueJdbcEngine,
  tables: readonly TableMapping[],
  options: BuildPlanOptions = {},
): EtlPlan {
  validateMappings(tables);
  const postLoadSql = checkPostLoadSql(options.postLoadSql ?? []);
  return {
    version: 1,
    sourceEngine,
    targetEngine,
    postLoadSql,
    tables: tables.map((t) => ({
      sourceTable: t.sourceTable,
      targetTable: t.targetTable,
      slug: tableSlug(t),
      keyColumn: t.keyColumn,
      probeSql: probeSql(sourceEngine, t),
      extractSql: extractSql(sourceEngine, t),
      columns: t.columns.map((c) => ({ source: c.source, target: c.target ?? c.source, type: c.type })),
      exclude: [...(t.exclude ?? [])],
      mode: t.mode ?? 'full',
      watermarkKey: `${WATERMARK_PREFIX}${tableSlug(t)}.json`,
      stageTable: stageTableName(targetEngine, t.targetTable),
      createStageSql: createStageSql(targetEngine, t),
      dropStageSql: 'DROP TABLE IF EXISTS {stage}',
      // Computed columns are loaded like mapped ones: the upsert and the created table include them.
      upsertSql: upsertSql(targetEngine, withComputed(t)),
      ...(options.createTargetTables ? { createTargetSql: createTargetSql(targetEngine, withComputed(t)) } : {}),
      computed: computedPlan(t),
      aggregates: (t.aggregates ?? []).map((a) => aggregatePlan(targetEngine, t, a, options.createTargetTables ?? false)),
    })),
  };
}

// ---- Computed columns, aggregate tables, post-load SQL (expressions.ts holds the expression tree) ----

const AGGREGATE_FUNCTIONS = new Set(['sum', 'count', 'min', 'max', 'avg']);

function scopeOf(t: TableMapping): ExpressionScope {
  return {
    table: t.sourceTable,
    columns: new Map(t.columns.map((c) => [c.source.toLowerCase(), { name: c.source, type: c.type }])),
    excluded: new Set((t.exclude ?? []).map((e) => e.toLowerCase())),
  };
}

function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ExpressionError) fail(e.message);
    throw e;
  }
}

function validateComputedAndAggregates(t: TableMapping, targets: Set<string>): void {
  const scope = scopeOf(t);
  const targetNames = new Map(t.columns.map((c) => [(c.target ?? c.source).toLowerCase(), `mapped column "${c.source}"`]));
  const computed: readonly ComputedColumn[] = t.computed ?? [];
  if (!Array.isArray(computed)) fail(`${t.sourceTable}: computed must be a list of { target, type, expression }.`);
  for (const c of computed) {
    checkIdentifier(`${t.sourceTable}: computed target`, c.target);
    checkColumnType(t.sourceTable, c.target, c.type);
    const clash = targetNames.get(c.target.toLowerCase());
    if (clash) fail(`${t.sourceTable}: computed column "${c.target}" has the target name of ${clash}; give it another name.`);
    targetNames.set(c.target.toLowerCase(), `computed column "${c.target}"`);
    const where = `computed "${c.target}"`;
    checked(() => checkResultType(checkExpression(c.expression, scope, where), c.type, scope, where));
  }
  const aggregates: readonly AggregateTable[] = t.aggregates ?? [];
  if (!Array.isArray(aggregates)) fail(`${t.sourceTable}: aggregates must be a list of { targetTable, groupBy, measures }.`);
  if (aggregates.length > 0 && (t.mode ?? 'full') !== 'full') {
    fail(
      `${t.sourceTable}: aggregates need mode 'full' (an append run reads only the new rows, so its sums would replace the totals); ` +
        'use mode full, or aggregate in the target with postLoadSql (e.g. a view).',
    );
  }
  for (const a of aggregates) {
    const target = splitTable(`${t.sourceTable}: aggregate targetTable`, a.targetTable);
    if (target.table.length + STAGE_SUFFIX_LENGTH > MAX_IDENTIFIER) {
      fail(`${a.targetTable}: aggregate table name must be at most ${MAX_IDENTIFIER - STAGE_SUFFIX_LENGTH} characters (staging table suffix).`);
    }
    if (targets.has(a.targetTable.toLowerCase())) fail(`targetTable ${a.targetTable} is the target of two mappings or aggregates; loads would overwrite each other.`);
    targets.add(a.targetTable.toLowerCase());
    const what = `aggregate ${a.targetTable}`;
    if (!Array.isArray(a.groupBy) || a.groupBy.length === 0) fail(`${t.sourceTable}: ${what}: groupBy must name at least one mapped column (the aggregate table's key).`);
    const names = new Map<string, string>();
    for (const g of a.groupBy) {
      const c = typeof g === 'string' ? scope.columns.get(g.toLowerCase()) : undefined;
      if (!c) checked(() => checkExpression({ col: g }, scope, `${what}: groupBy`)); // throws the unknown-column message
      const name = aggregateKeyTarget(t, g);
      if (names.has(name.toLowerCase())) fail(`${t.sourceTable}: ${what}: groupBy lists "${g}" twice.`);
      names.set(name.toLowerCase(), `group key "${g}"`);
    }
    if (!Array.isArray(a.measures) || a.measures.length === 0) fail(`${t.sourceTable}: ${what}: measures must list at least one { target, type, fn }.`);
    for (const m of a.measures) {
      checkIdentifier(`${t.sourceTable}: ${what}: measure target`, m.target);
      checkColumnType(t.sourceTable, m.target, m.type);
      if (names.has(m.target.toLowerCase())) fail(`${t.sourceTable}: ${what}: measure "${m.target}" has the name of ${names.get(m.target.toLowerCase())}.`);
      names.set(m.target.toLowerCase(), `measure "${m.target}"`);
      const where = `${what}: measure "${m.target}"`;
      if (!AGGREGATE_FUNCTIONS.has(m.fn)) fail(`${t.sourceTable}: ${where}: fn "${m.fn}" must be one of sum, count, min, max, avg.`);
      if (m.fn === 'count') {
        if (m.type !== 'int' && m.type !== 'bigint') fail(`${t.sourceTable}: ${where}: count needs type bigint or int, not ${m.type}.`);
        if (m.of !== undefined) checked(() => checkExpression(m.of!, scope, where));
        continue;
      }
      if (m.of === undefined) fail(`${t.sourceTable}: ${where}: ${m.fn} needs \`of\` (the expression to aggregate).`);
      const k = checked(() => checkExpression(m.of!, scope, where));
      if ((m.fn === 'sum' || m.fn === 'avg') && k !== 'numeric') fail(`${t.sourceTable}: ${where}: ${m.fn} needs a numeric expression, got ${k}.`);
      checked(() => checkResultType(m.fn === 'sum' || m.fn === 'avg' ? 'numeric' : k, m.type, scope, where));
    }
    if (a.where !== undefined && checked(() => checkExpression(a.where!, scope, `${what}: where`)) !== 'boolean') {
      fail(`${t.sourceTable}: ${what}: where must be a boolean condition (a comparison, and/or/not, isNull).`);
    }
  }
}

/** The mapping with its computed columns appended as columns (for the upsert and the created target table). */
function withComputed(t: TableMapping): TableMapping {
  const computed = t.computed ?? [];
  return computed.length === 0 ? t : { ...t, columns: [...t.columns, ...computed.map((c) => ({ source: c.target, target: c.target, type: c.type }))] };
}

function computedPlan(t: TableMapping): TablePlan['computed'] {
  const scope = scopeOf(t);
  return (t.computed ?? []).map((c) => ({ target: c.target, type: c.type, sql: renderCast(renderSpark(c.expression, scope), c.type) }));
}

function mappedColumn(t: TableMapping, source: string): ColumnMapping {
  return t.columns.find((c) => c.source.toLowerCase() === source.toLowerCase())!;
}

function aggregateKeyTarget(t: TableMapping, source: string): string {
  const c = mappedColumn(t, source);
  return c.target ?? c.source;
}

/** The Spark SQL of an aggregate (over the view `etl_rows`) and the target-side SQL that loads it. */
function aggregatePlan(engine: GlueJdbcEngine, t: TableMapping, a: AggregateTable, createTargetTables: boolean): AggregatePlan {
  const scope = scopeOf(t);
  const keys = a.groupBy.map((g) => {
    const c = mappedColumn(t, g);
    return { source: c.source, target: c.target ?? c.source, type: c.type };
  });
  const measures = a.measures.map((m) => {
    const inner = m.of === undefined ? '*' : renderSpark(m.of, scope);
    return { target: m.target, type: m.type, sql: renderCast(`${m.fn}(${inner})`, m.type) };
  });
  // A NULL group key cannot be a primary-key value in the target: those rows are left out (README).
  const conditions = [...keys.map((k) => `${sparkName(k.source)} IS NOT NULL`), ...(a.where ? [renderSpark(a.where, scope)] : [])];
  const selectSql =
    `SELECT ${[...keys.map((k) => `${sparkName(k.source)} AS ${sparkName(k.target)}`), ...measures.map((m) => `${m.sql} AS ${sparkName(m.target)}`)].join(', ')} ` +
    `FROM etl_rows WHERE ${conditions.join(' AND ')} GROUP BY ${keys.map((k) => sparkName(k.source)).join(', ')}`;
  const columns = [...keys.map((k) => ({ target: k.target, type: k.type })), ...measures.map((m) => ({ target: m.target, type: m.type }))];
  const q = (n: string) => quoteName(engine, n);
  const target = q(a.targetTable);
  const list = columns.map((c) => q(c.target)).join(', ');
  const keyList = keys.map((k) => q(k.target)).join(', ');
  const rest = measures.map((m) => m.target);
  const upsert =
    engine === 'postgresql'
      ? `INSERT INTO ${target} AS t (${list}) SELECT ${list} FROM {stage} ON CONFLICT (${keyList}) DO UPDATE SET ` +
        `${rest.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ')} ` +
        `WHERE (${rest.map((c) => `t.${q(c)}`).join(', ')}) IS DISTINCT FROM (${rest.map((c) => `EXCLUDED.${q(c)}`).join(', ')})`
      : `INSERT INTO ${target} (${list}) SELECT ${columns.map((c) => `s.${q(c.target)}`).join(', ')} FROM (SELECT ${list} FROM {stage}) AS s ` +
        `ON DUPLICATE KEY UPDATE ${rest.map((c) => `${q(c)} = s.${q(c)}`).join(', ')}`;
  const createTarget =
    `CREATE TABLE IF NOT EXISTS ${target} (` +
    `${columns.map((c, i) => `${q(c.target)} ${targetColumnType(engine, c.type)}${i < keys.length ? ' NOT NULL' : ''}`).join(', ')}, ` +
    `PRIMARY KEY (${keyList}))`;
  return {
    targetTable: a.targetTable,
    slug: a.targetTable.toLowerCase(),
    keyColumns: keys.map((k) => k.target),
    columns,
    selectSql,
    stageTable: stageTableName(engine, a.targetTable),
    createStageSql: createStageSql(engine, { ...t, targetTable: a.targetTable }),
    dropStageSql: 'DROP TABLE IF EXISTS {stage}',
    upsertSql: upsert,
    ...(createTargetTables ? { createTargetSql: createTarget } : {}),
  };
}

/**
 * Statement forms a post-load step may use: each gives the same result when run again (the load runs them after every
 * run, including retries). Postgres runs them in one transaction; MySQL commits each DDL statement by itself.
 */
const POST_LOAD_FORMS: readonly RegExp[] = [
  /^CREATE\s+OR\s+REPLACE\s+(VIEW|FUNCTION|PROCEDURE)\s/i,
  /^CREATE\s+(TABLE|SCHEMA|MATERIALIZED\s+VIEW|(UNIQUE\s+)?INDEX)\s+IF\s+NOT\s+EXISTS\s/i,
  /^REFRESH\s+MATERIALIZED\s+VIEW\s/i,
  /^DROP\s+(VIEW|TABLE|MATERIALIZED\s+VIEW|INDEX|FUNCTION)\s+IF\s+EXISTS\s/i,
  /^ANALYZE(\s|$)/i,
];

/** Validates the post-load statements (one statement each, an idempotent form); returns them trimmed. */
export function checkPostLoadSql(statements: readonly string[]): string[] {
  if (!Array.isArray(statements)) fail('postLoadSql must be a list of SQL statements.');
  return statements.map((raw, i) => {
    const sql = typeof raw === 'string' ? raw.trim().replace(/;\s*$/, '') : '';
    const what = `postLoadSql[${i}]`;
    if (!sql) fail(`${what} is empty; give one SQL statement.`);
    if (sql.includes(';')) fail(`${what} holds more than one statement (";"); give each statement its own entry.`);
    if (/CONCURRENTLY/i.test(sql) && /^CREATE/i.test(sql)) fail(`${what}: CREATE INDEX CONCURRENTLY cannot run inside the load's transaction; drop CONCURRENTLY.`);
    if (!POST_LOAD_FORMS.some((f) => f.test(sql))) {
      fail(
        `${what} "${sql.slice(0, 60)}" is not one of the idempotent forms (CREATE OR REPLACE VIEW/FUNCTION, CREATE ... IF NOT EXISTS, ` +
          'REFRESH MATERIALIZED VIEW, DROP ... IF EXISTS, ANALYZE): it runs after every load and every retry, so running it again must change nothing.',
      );
    }
    return sql;
  });
}
