/**
 * Counts the rows DMS wrote to its `awsdms_apply_exceptions` control table for one task in one time window, by
 * table. DMS records there every change it failed to apply during CDC ("Control table task settings",
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.ControlTable.html):
 * columns TASK_NAME (the task's resource id, the last part of its ARN), TABLE_OWNER, TABLE_NAME, ERROR_TIME,
 * STATEMENT and ERROR. The table "is always created on database targets", but only by full-load-and-CDC and CDC-only
 * tasks, in the task's `ControlSchema` (empty: the login's default schema). Nothing in CloudWatch reports these rows.
 *
 * Only table names and counts leave this function: STATEMENT and ERROR hold row data and are never read.
 */

/** The slice of a pg client this needs (a `pg.Client` or a pool). */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface CountOptions {
  /** The task's resource id (TASK_NAME). */
  readonly taskId: string;
  /** The task's ControlSchema; unset: the table is found through the login's search_path, as DMS creates it. */
  readonly controlSchema?: string;
  /** Window start (inclusive) and end (exclusive), compared with ERROR_TIME as UTC. */
  readonly from: Date;
  readonly to: Date;
}

export interface ApplyExceptionsReport {
  /** `schema.awsdms_apply_exceptions`, or null when the table does not exist (yet). */
  readonly table: string | null;
  readonly count: number;
  /** Tables with exceptions in the window, most first. */
  readonly tables: ReadonlyArray<{ readonly owner: string; readonly name: string; readonly count: number }>;
}

export class ApplyExceptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyExceptionsError';
  }
}

export const CONTROL_TABLE = 'awsdms_apply_exceptions';
const COLUMNS = ['task_name', 'table_owner', 'table_name', 'error_time'] as const;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Finds the control table: in `controlSchema`, or the one the login's search_path resolves (as DMS's own login does). */
async function locate(db: Queryable, controlSchema?: string): Promise<{ schema: string; name: string } | null> {
  const found = controlSchema
    ? await db.query<{ schema: string; name: string }>(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
        [controlSchema, CONTROL_TABLE],
      )
    : await db.query<{ schema: string; name: string }>(
        `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE c.oid = to_regclass($1)`,
        [CONTROL_TABLE],
      );
  return found.rows[0] ?? null;
}

export async function countApplyExceptions(db: Queryable, options: CountOptions): Promise<ApplyExceptionsReport> {
  if (!(options.from.getTime() < options.to.getTime())) throw new ApplyExceptionsError(`empty window: from ${options.from.toISOString()} is not before to ${options.to.toISOString()}`);
  const where = await locate(db, options.controlSchema);
  if (!where) return { table: null, count: 0, tables: [] };
  const qualified = `${quoteIdent(where.schema)}.${quoteIdent(where.name)}`;
  // DMS names the columns in upper case (the guide's table); match them case-insensitively and quote what is there.
  const cols = await db.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [where.schema, where.name]);
  const byLower = new Map(cols.rows.map((r) => [r.column_name.toLowerCase(), r.column_name]));
  const missing = COLUMNS.filter((c) => !byLower.has(c));
  if (missing.length) {
    throw new ApplyExceptionsError(`${where.schema}.${where.name} has no column(s) ${missing.join(', ')}: it is not DMS's apply-exceptions table. Nothing was counted.`);
  }
  const col = (c: (typeof COLUMNS)[number]) => quoteIdent(byLower.get(c)!);
  const rows = await db.query<{ owner: string; name: string; n: number }>(
    `SELECT ${col('table_owner')}::text AS owner, ${col('table_name')}::text AS name, count(*)::int AS n
       FROM ${qualified}
      WHERE ${col('task_name')} = $1 AND ${col('error_time')} >= $2 AND ${col('error_time')} < $3
      GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
    // ISO strings in UTC: a timestamp column takes the wall time (DMS writes UTC), a timestamptz one the instant.
    [options.taskId, options.from.toISOString(), options.to.toISOString()],
  );
  const tables = rows.rows.map((r) => ({ owner: r.owner, name: r.name, count: Number(r.n) }));
  return { table: `${where.schema}.${where.name}`, count: tables.reduce((a, t) => a + t.count, 0), tables };
}

/**
 * The window a run covers: [end - period, end) with end = the scheduled time minus a lag (rows committed a little
 * after their ERROR_TIME are still counted). Consecutive scheduled runs tile time with no gap and no overlap, and a
 * retry of a run counts the same window again (the datapoint has the same timestamp).
 */
export function windowFor(scheduledTime: Date, periodSeconds: number, lagSeconds: number): { from: Date; to: Date } {
  const to = new Date(scheduledTime.getTime() - lagSeconds * 1000);
  return { from: new Date(to.getTime() - periodSeconds * 1000), to };
}
