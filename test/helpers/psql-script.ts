import type { Client, QueryResult } from 'pg';

/**
 * Runs a psql script through node-postgres the way `psql -f` runs it (https://www.postgresql.org/docs/current/app-psql.html),
 * for what the runbooks in templates/ use:
 * - statements end at `;` outside quotes, comments and dollar quoting; `\gexec` runs the query, then every non-null
 *   cell of its result as a statement;
 * - variables come from `vars` (like `-v name=value`) and from `\set name value` / `\unset name` as the script
 *   reaches them; `:name`, `:'name'` (literal) and `:"name"` (identifier) are replaced outside quotes and comments,
 *   never in `::`; an unset variable is left as written (psql sends `:'name'` to the server, which fails on it);
 *   `DBNAME` is set like psql does;
 * - ON_ERROR_STOP: off by default, so a failing statement is recorded and the script goes on (psql exits 0);
 *   on (`\set ON_ERROR_STOP on` or the `ON_ERROR_STOP` var), the first failure ends the script (psql exits 3).
 * Each statement runs on its own (autocommit) unless the script opens a transaction.
 *
 * What psql does that this does not: other meta-commands (refused here, not ignored), `\if`, backquote expansion,
 * output formatting, and closing the session at the end (a transaction the script leaves open stays open on `db`).
 */
export interface PsqlRun {
  /** The result of every statement psql would print, in order (a `\gexec` query's own result is not printed). */
  readonly printed: QueryResult[];
  /** Statements that failed and what the server said, in order. */
  readonly errors: Array<{ readonly statement: string; readonly message: string }>;
  /** psql's exit status: 0, or 3 when ON_ERROR_STOP ended the script. */
  readonly exitCode: 0 | 3;
}

export class PsqlScriptError extends Error {
  constructor(
    message: string,
    readonly run: PsqlRun,
  ) {
    super(message);
    this.name = 'PsqlScriptError';
  }
}

/** psql's boolean variable values (ParseVariableBool): on/off, true/false, yes/no, 1/0, case-insensitive. */
function psqlBool(name: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(v)) return true;
  if (['off', 'false', 'no', '0'].includes(v)) return false;
  throw new Error(`unrecognized value "${value}" for "${name}": Boolean expected`);
}

/** The arguments of a `\set` line: words, with '...' quoted words unquoted ('' is a quote), joined as psql does. */
function setArguments(rest: string): string[] {
  const args: string[] = [];
  const re = /'((?:[^']|'')*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest))) args.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]);
  return args;
}

export async function runPsql(db: Client, script: string, vars: Record<string, string> = {}): Promise<PsqlRun> {
  const { rows } = await db.query<{ d: string }>('SELECT current_database() AS d');
  const variables = new Map<string, string>([['DBNAME', rows[0].d]]);
  /** psql's substitute hook for booleans: an empty value means on; a value that is not a boolean is refused. */
  const setVariable = (name: string, value: string) => {
    const v = name === 'ON_ERROR_STOP' && value === '' ? 'on' : value;
    if (name === 'ON_ERROR_STOP') psqlBool(name, v);
    variables.set(name, v);
  };
  for (const [name, value] of Object.entries(vars)) setVariable(name, value);
  const printed: QueryResult[] = [];
  const errors: PsqlRun['errors'][number][] = [];
  const unset = new Set<string>();

  /** Runs one statement; false when ON_ERROR_STOP ends the script. */
  const execute = async (sql: string, gexec: boolean): Promise<boolean> => {
    const statements: string[] = [];
    try {
      if (!gexec) {
        printed.push(await db.query(sql));
        return true;
      }
      const result = await db.query({ text: sql, rowMode: 'array' });
      for (const row of result.rows as unknown[][]) for (const cell of row) if (cell !== null) statements.push(String(cell));
    } catch (err) {
      return failed(sql, err);
    }
    for (const statement of statements) if (!(await execute(statement, false))) return false;
    return true;
  };
  const failed = (statement: string, err: unknown): boolean => {
    const names = [...unset].filter((n) => new RegExp(`:['"]?${n}\\b`).test(statement));
    const hint = names.length ? ` (psql variable ${names.join(', ')} is not set, so psql sent ${names.map((n) => `:${n}`).join(', ')} as written)` : '';
    errors.push({ statement, message: `${(err as Error).message}${hint}` });
    return !psqlBool('ON_ERROR_STOP', variables.get('ON_ERROR_STOP'));
  };

  let buffer = '';
  let i = 0;
  const n = script.length;
  const finish = (exitCode: 0 | 3): PsqlRun => ({ printed, errors, exitCode });
  while (i < n) {
    const c = script[i];
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      buffer += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && !(script[j] === c && script[j + 1] !== c)) j += script[j] === c ? 2 : 1;
      buffer += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(script.slice(i));
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? n : end + tag[0].length;
        buffer += script.slice(i, stop);
        i = stop;
        continue;
      }
    }
    if (c === ':' && next === ':') {
      buffer += '::';
      i += 2;
      continue;
    }
    if (c === ':') {
      const v = /^:(?:'(\w+)'|"(\w+)"|(\w+))/.exec(script.slice(i));
      if (v) {
        const name = v[1] ?? v[2] ?? v[3];
        const value = variables.get(name);
        if (value === undefined) {
          unset.add(name);
          buffer += v[0];
        } else if (v[1] !== undefined) buffer += `'${value.replace(/'/g, "''")}'`;
        else if (v[2] !== undefined) buffer += `"${value.replace(/"/g, '""')}"`;
        else buffer += value;
        i += v[0].length;
        continue;
      }
    }
    if (c === ';') {
      const sql = buffer.trim();
      buffer = '';
      i += 1;
      if (sql && !(await execute(sql, false))) return finish(3);
      continue;
    }
    if (c === '\\') {
      const end = script.indexOf('\n', i);
      const line = script.slice(i, end < 0 ? n : end);
      i = end < 0 ? n : end;
      const [command, ...rest] = line.slice(1).split(/\s+/);
      const args = setArguments(rest.join(' '));
      if (command === 'gexec') {
        const sql = buffer.trim();
        buffer = '';
        if (sql && !(await execute(sql, true))) return finish(3);
      } else if (command === 'set') {
        if (args.length === 0) throw new Error('\\set without a name lists the variables; the runner does not print them');
        setVariable(args[0], args.slice(1).join(''));
      } else if (command === 'unset') {
        if (args[0] === 'ON_ERROR_STOP') setVariable(args[0], 'off');
        else variables.delete(args[0]);
      } else {
        throw new Error(`psql meta-command \\${command} is not supported by the test runner`);
      }
      continue;
    }
    buffer += c;
    i += 1;
  }
  if (buffer.trim()) throw new Error(`unterminated statement at the end of the script: ${buffer.trim().slice(0, 80)}`);
  return finish(0);
}

/**
 * Runs the script like `psql -f`; rejects when psql would exit non-zero (ON_ERROR_STOP ended the script), with the
 * server's message. Errors psql would print and pass over (ON_ERROR_STOP off) do not reject: see `runPsql`.
 */
export async function runPsqlScript(db: Client, script: string, vars: Record<string, string>): Promise<QueryResult[]> {
  const run = await runPsql(db, script, vars);
  if (run.exitCode !== 0) {
    const last = run.errors[run.errors.length - 1];
    throw new PsqlScriptError(`psql stopped (ON_ERROR_STOP): ${last.message}\nin: ${last.statement.slice(0, 200)}`, run);
  }
  return run.printed;
}
