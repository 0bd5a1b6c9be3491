/**
 * Typed expressions for computed columns and grouped aggregates of an ETL mapping: a small expression tree (column
 * references, literals, + - * /, comparisons, AND/OR/NOT, IS NULL, CASE WHEN, COALESCE; sum/count/min/max/avg in an
 * aggregate), type-checked at synth against the mapping's columns and rendered to Spark SQL for the transform job.
 *
 * Column references name *source* columns of the table's `columns` and see their values after the declared cast,
 * so the declared type is the reference's type. Casts and arithmetic run with ANSI semantics in the transform job:
 * an overflow or a division by zero fails the run (guard a divisor with `caseWhen`), it never becomes NULL.
 */
import type { ColumnType } from './mapping';

export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type AggregateFunction = 'sum' | 'count' | 'min' | 'max' | 'avg';

/** An expression over the source columns of one table mapping. Build it with the helpers below (`col`, `lit`, ...). */
export type Expr =
  | { readonly col: string }
  | { readonly lit: string | number | boolean | null; readonly type?: ColumnType }
  | { readonly arith: ArithmeticOperator; readonly left: Expr; readonly right: Expr }
  | { readonly compare: ComparisonOperator; readonly left: Expr; readonly right: Expr }
  | { readonly and: readonly Expr[] }
  | { readonly or: readonly Expr[] }
  | { readonly not: Expr }
  | { readonly isNull: Expr }
  | { readonly case: readonly { readonly when: Expr; readonly then: Expr }[]; readonly else?: Expr }
  | { readonly coalesce: readonly Expr[] };

/** A mapped source column (its value after the declared cast). */
export const col = (name: string): Expr => ({ col: name });
/** A literal; `type` makes it a typed literal, e.g. `lit('0.075', 'decimal(5,3)')` or `lit('2020-01-01', 'date')`. */
export const lit = (value: string | number | boolean | null, type?: ColumnType): Expr => (type ? { lit: value, type } : { lit: value });
export const add = (left: Expr, right: Expr): Expr => ({ arith: '+', left, right });
export const sub = (left: Expr, right: Expr): Expr => ({ arith: '-', left, right });
export const mul = (left: Expr, right: Expr): Expr => ({ arith: '*', left, right });
export const div = (left: Expr, right: Expr): Expr => ({ arith: '/', left, right });
export const cmp = (left: Expr, op: ComparisonOperator, right: Expr): Expr => ({ compare: op, left, right });
export const and = (...args: Expr[]): Expr => ({ and: args });
export const or = (...args: Expr[]): Expr => ({ or: args });
export const not = (arg: Expr): Expr => ({ not: arg });
export const isNull = (arg: Expr): Expr => ({ isNull: arg });
/** `CASE WHEN c1 THEN v1 ... ELSE e END` from `[[c1, v1], ...]`. */
export const caseWhen = (branches: readonly (readonly [Expr, Expr])[], otherwise?: Expr): Expr => ({
  case: branches.map(([when, then]) => ({ when, then })),
  ...(otherwise === undefined ? {} : { else: otherwise }),
});
export const coalesce = (...args: Expr[]): Expr => ({ coalesce: args });

/** A column computed from the table's source columns, loaded beside the mapped columns. */
export interface ComputedColumn {
  /** Column name in the target table. */
  readonly target: string;
  /** The value's type in the target (the expression's result is cast to it, ANSI). */
  readonly type: ColumnType;
  readonly expression: Expr;
}

export interface AggregateMeasure {
  /** Column name in the aggregate table. */
  readonly target: string;
  readonly type: ColumnType;
  readonly fn: AggregateFunction;
  /** What is aggregated. Omitted only for `count`: `count(*)`, the rows of the group. */
  readonly of?: Expr;
}

/**
 * Rows of the table grouped by key into a separate target table (e.g. order totals per customer), upserted on the
 * group key like every table. Each run recomputes every group from all rows, so the table's `mode` must be `full`.
 * Rows whose group key is NULL are left out (the key is the aggregate table's primary key).
 */
export interface AggregateTable {
  /** Target table, `table` or `schema.table`; created like the others when `createTargetTables` is on. */
  readonly targetTable: string;
  /** Mapped source columns to group by; in the aggregate table they carry their mapped target names and types. */
  readonly groupBy: readonly string[];
  readonly measures: readonly AggregateMeasure[];
  /** Only rows where this boolean expression is true are aggregated. @default every row */
  readonly where?: Expr;
}

/** Type classes the checker reasons in: every numeric type is `numeric`; `null` is an untyped NULL literal. */
type TypeClass = 'numeric' | 'string' | 'boolean' | 'date' | 'timestamp' | 'null';

export function typeClass(type: ColumnType): Exclude<TypeClass, 'null'> {
  if (type === 'int' || type === 'bigint' || type === 'double' || type.startsWith('decimal(')) return 'numeric';
  return type as 'string' | 'boolean' | 'date' | 'timestamp';
}

/** An expression problem: thrown with the table and the path into the expression, caught as a MappingError. */
export class ExpressionError extends Error {}

/** What the checker knows of a table: its mapped source columns (lower-cased name -> name and declared type). */
export interface ExpressionScope {
  readonly table: string;
  readonly columns: ReadonlyMap<string, { readonly name: string; readonly type: ColumnType }>;
  /** Source columns listed in `exclude` (never extracted), for a better message. */
  readonly excluded: ReadonlySet<string>;
}

const LITERAL_NUMBER = /^-?\d+(\.\d+)?$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ARITH = new Set(['+', '-', '*', '/']);
const COMPARE = new Set(['=', '<>', '<', '<=', '>', '>=']);

function same(a: TypeClass, b: TypeClass): TypeClass | undefined {
  if (a === 'null') return b;
  if (b === 'null' || a === b) return a;
  return undefined;
}

/** Type-checks `e` in `scope`; returns its type class. `where` names the spot for messages, e.g. `computed "total"`. */
export function checkExpression(e: Expr, scope: ExpressionScope, where: string): TypeClass {
  const bad = (message: string): never => {
    throw new ExpressionError(`${scope.table}: ${where}: ${message}`);
  };
  if (e === null || typeof e !== 'object') return bad(`${JSON.stringify(e)} is not an expression; build one with col(), lit(), add(), caseWhen(), ...`);
  if ('col' in e) {
    if (typeof e.col !== 'string' || !IDENT.test(e.col)) bad(`column reference ${JSON.stringify(e.col)} must be a plain identifier.`);
    const c = scope.columns.get(e.col.toLowerCase());
    if (c) return typeClass(c.type);
    if (scope.excluded.has(e.col.toLowerCase())) {
      return bad(`column "${e.col}" of ${scope.table} is in exclude (never extracted); map it in columns to compute with it.`);
    }
    return bad(`unknown column "${e.col}" in table ${scope.table}; expressions use the source names of the mapped columns (${[...scope.columns.values()].map((x) => x.name).join(', ')}).`);
  }
  if ('lit' in e) {
    const v = e.lit;
    if (e.type !== undefined) {
      if (v === null) return typeClass(e.type);
      if (typeof v !== 'string' && typeof v !== 'number') bad(`a typed literal (${e.type}) takes a string or number, got ${JSON.stringify(v)}.`);
      return typeClass(e.type);
    }
    if (v === null) return 'null';
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'number') {
      if (!LITERAL_NUMBER.test(String(v))) bad(`number ${v} cannot be written exactly; pass it as lit('<digits>', 'decimal(p,s)').`);
      return 'numeric';
    }
    return bad(`literal ${JSON.stringify(v)} must be a string, number, boolean or null.`);
  }
  if ('arith' in e) {
    if (!ARITH.has(e.arith)) bad(`operator ${JSON.stringify(e.arith)} must be one of + - * /.`);
    const l = checkExpression(e.left, scope, where);
    const r = checkExpression(e.right, scope, where);
    for (const t of [l, r]) if (t !== 'numeric' && t !== 'null') bad(`${e.arith} needs numeric operands, got ${l} ${e.arith} ${r}.`);
    return 'numeric';
  }
  if ('compare' in e) {
    if (!COMPARE.has(e.compare)) bad(`comparison ${JSON.stringify(e.compare)} must be one of = <> < <= > >=.`);
    const l = checkExpression(e.left, scope, where);
    const r = checkExpression(e.right, scope, where);
    if (same(l, r) === undefined) bad(`cannot compare ${l} ${e.compare} ${r}; both sides need the same type.`);
    return 'boolean';
  }
  if ('and' in e || 'or' in e) {
    const args = 'and' in e ? e.and : (e as { or: readonly Expr[] }).or;
    const name = 'and' in e ? 'and' : 'or';
    if (!Array.isArray(args) || args.length < 2) bad(`${name}() needs at least two conditions.`);
    for (const a of args) if (checkExpression(a, scope, where) !== 'boolean') bad(`${name}() takes boolean conditions only.`);
    return 'boolean';
  }
  if ('not' in e) {
    if (checkExpression(e.not, scope, where) !== 'boolean') bad('not() takes a boolean condition.');
    return 'boolean';
  }
  if ('isNull' in e) {
    checkExpression(e.isNull, scope, where);
    return 'boolean';
  }
  if ('case' in e) {
    if (!Array.isArray(e.case) || e.case.length === 0) bad('caseWhen() needs at least one [condition, value] branch.');
    let result: TypeClass = 'null';
    for (const b of e.case) {
      if (checkExpression(b.when, scope, where) !== 'boolean') bad('every caseWhen() condition must be boolean (a comparison, and/or/not, isNull).');
      const t = checkExpression(b.then, scope, where);
      result = same(result, t) ?? bad(`caseWhen() branches have different types (${result} and ${t}).`);
    }
    if (e.else !== undefined) {
      const t = checkExpression(e.else, scope, where);
      result = same(result, t) ?? bad(`caseWhen() else has type ${t}, the branches ${result}.`);
    }
    return result;
  }
  if ('coalesce' in e) {
    if (!Array.isArray(e.coalesce) || e.coalesce.length < 2) bad('coalesce() needs at least two arguments.');
    let result: TypeClass = 'null';
    for (const a of e.coalesce) {
      const t = checkExpression(a, scope, where);
      result = same(result, t) ?? bad(`coalesce() arguments have different types (${result} and ${t}).`);
    }
    return result;
  }
  return bad(`${JSON.stringify(e)} is not an expression; build one with col(), lit(), add(), caseWhen(), ...`);
}

/** Checks that an expression of class `actual` can be stored as `type` (same class; an untyped NULL fits any). */
export function checkResultType(actual: TypeClass, type: ColumnType, scope: ExpressionScope, where: string): void {
  if (actual !== 'null' && actual !== typeClass(type)) {
    throw new ExpressionError(`${scope.table}: ${where}: the expression is ${actual} but the column is declared ${type}; declare a ${actual} type or change the expression.`);
  }
}

/** Backtick-quoted Spark SQL identifier (names are validated identifiers). */
export const sparkName = (name: string): string => `\`${name}\``;

/** A Spark SQL string literal: backslash and quote escaped (Spark reads backslash escapes in string literals). */
function sparkString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** The Spark SQL text of a checked expression. Column references resolve by (case-insensitive) source name. */
export function renderSpark(e: Expr, scope: ExpressionScope): string {
  if ('col' in e) return sparkName(scope.columns.get(e.col.toLowerCase())!.name);
  if ('lit' in e) {
    const v = e.lit;
    if (e.type !== undefined) return v === null ? `CAST(NULL AS ${e.type.toUpperCase()})` : `CAST(${sparkString(String(v))} AS ${e.type.toUpperCase()})`;
    if (v === null) return 'NULL';
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    if (typeof v === 'number') return Number.isInteger(v) ? `${v}` : `${v}BD`; // 12.5BD: an exact decimal, not a double
    return sparkString(v);
  }
  if ('arith' in e) return `(${renderSpark(e.left, scope)} ${e.arith} ${renderSpark(e.right, scope)})`;
  if ('compare' in e) return `(${renderSpark(e.left, scope)} ${e.compare} ${renderSpark(e.right, scope)})`;
  if ('and' in e) return `(${e.and.map((a) => renderSpark(a, scope)).join(' AND ')})`;
  if ('or' in e) return `(${e.or.map((a) => renderSpark(a, scope)).join(' OR ')})`;
  if ('not' in e) return `(NOT ${renderSpark(e.not, scope)})`;
  if ('isNull' in e) return `(${renderSpark(e.isNull, scope)} IS NULL)`;
  if ('case' in e) {
    const branches = e.case.map((b) => `WHEN ${renderSpark(b.when, scope)} THEN ${renderSpark(b.then, scope)}`).join(' ');
    return `(CASE ${branches}${e.else === undefined ? '' : ` ELSE ${renderSpark(e.else, scope)}`} END)`;
  }
  return `coalesce(${e.coalesce.map((a) => renderSpark(a, scope)).join(', ')})`;
}

/** `CAST(<expression> AS <TYPE>)`: the value as the declared target type. */
export function renderCast(sql: string, type: ColumnType): string {
  return `CAST(${sql} AS ${type.toUpperCase()})`;
}
