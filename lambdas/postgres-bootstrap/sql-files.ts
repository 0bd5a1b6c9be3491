/**
 * Schema files: SQL a project declares (the tables a pipeline loads into), checked at synth by
 * modules/private-postgres and again by the bootstrap before it runs anything (one check, two callers).
 */

/** Largest schema file accepted, in bytes (UTF-8). */
export const MAX_SCHEMA_FILE_BYTES = 256 * 1024;

/**
 * Largest total of schema files per database. They travel in the bootstrap's invocation payload, and a synchronous
 * Lambda invocation takes at most 6 MB of request payload
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); the rest of the plan and JSON escaping
 * need room too.
 */
export const MAX_SCHEMA_FILES_TOTAL_BYTES = 2 * 1024 * 1024;

export interface SqlStatement {
  /** The statement's text, without the terminating semicolon, trimmed. */
  readonly text: string;
  /** 1-based line of the statement's first character in the file. */
  readonly line: number;
}

/**
 * Splits a SQL file into statements at top-level semicolons, the way psql does: semicolons inside '...' and E'...'
 * strings, "..." identifiers, $tag$...$tag$ bodies, -- and (nested) /* *\/ comments do not split. Comment-only
 * pieces are dropped. Unterminated strings, identifiers, bodies or comments are reported as problems.
 */
export function splitSqlStatements(sql: string): { statements: SqlStatement[]; problems: string[] } {
  const statements: SqlStatement[] = [];
  const problems: string[] = [];
  let hasCode = false;
  let codeStart = -1;
  let line = 1;
  let i = 0;
  const lineAt = (pos: number) => {
    let n = 1;
    for (let k = 0; k < pos; k++) if (sql.charCodeAt(k) === 10) n++;
    return n;
  };
  const flush = (end: number) => {
    if (hasCode) statements.push({ text: sql.slice(codeStart, end).trim(), line: lineAt(codeStart) });
    hasCode = false;
    codeStart = -1;
  };
  const code = (pos: number) => {
    if (!hasCode) {
      hasCode = true;
      codeStart = pos;
    }
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '\n') line++;
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      let depth = 1;
      const at = line;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === '\n') line++;
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) problems.push(`unterminated /* comment starting on line ${at}`);
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    code(i);
    if (c === ';') {
      flush(i);
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      // E'...' strings take backslash escapes; others double the quote to escape it.
      const backslash = c === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[A-Za-z0-9_$]/.test(sql[i - 2]));
      const at = line;
      i++;
      let closed = false;
      while (i < sql.length) {
        if (sql[i] === '\n') line++;
        if (backslash && sql[i] === '\\') {
          i += 2;
          continue;
        }
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        i++;
      }
      if (!closed) problems.push(`unterminated ${c === "'" ? 'string' : 'quoted identifier'} starting on line ${at}`);
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      // A $n parameter or an identifier character before the $ (e.g. a$b) is not a dollar quote.
      if (tag && !(i > 0 && /[A-Za-z0-9_]/.test(sql[i - 1]))) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const at = line;
        if (end === -1) {
          problems.push(`unterminated ${tag[0]} body starting on line ${at}`);
          i = sql.length;
        } else {
          for (let k = i; k < end + tag[0].length; k++) if (sql.charCodeAt(k) === 10) line++;
          i = end + tag[0].length;
        }
        continue;
      }
    }
    i++;
  }
  if (hasCode) flush(sql.length);
  return { statements, problems };
}

/**
 * Statements a schema file may not contain: transaction control (the bootstrap runs each run in one transaction, so
 * a COMMIT inside a file would make a failure half-applied), statements that cannot run inside a transaction block,
 * role switches (a file runs as its owner and may not leave it), and psql meta-commands (not SQL).
 */
const FORBIDDEN: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b/i, why: 'transaction control: the bootstrap applies every file inside its own transaction' },
  { pattern: /^SET\s+(SESSION\s+|LOCAL\s+)?TRANSACTION\b/i, why: 'transaction control: the bootstrap applies every file inside its own transaction' },
  { pattern: /^(CREATE|DROP)\s+(DATABASE|TABLESPACE)\b/i, why: 'cannot run inside a transaction block' },
  { pattern: /^(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b.*)\s+CONCURRENTLY\b/is, why: 'CONCURRENTLY cannot run inside a transaction block; create the index without it' },
  { pattern: /^(VACUUM|ALTER\s+SYSTEM|CREATE\s+SUBSCRIPTION|ALTER\s+SUBSCRIPTION|DROP\s+SUBSCRIPTION)\b/i, why: 'cannot run inside a transaction block' },
  { pattern: /^(SET|RESET)\s+(SESSION\s+|LOCAL\s+)?(ROLE|SESSION\s+AUTHORIZATION)\b|^RESET\s+ALL\b/i, why: 'a file runs as its owner and may not switch roles' },
  { pattern: /^\\/, why: 'psql meta-commands are not SQL (the bootstrap is not psql)' },
];

/** First line of a statement, shortened, for messages. */
export function statementPreview(text: string): string {
  const first = text.split('\n')[0].trim();
  return first.length > 80 ? `${first.slice(0, 77)}...` : first;
}

/** What is wrong with a schema file; empty when it may be applied. */
export function schemaFileProblems(name: string, sql: string): string[] {
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > MAX_SCHEMA_FILE_BYTES) return [`${name} is ${bytes} bytes; the limit is ${MAX_SCHEMA_FILE_BYTES} (split it into several files)`];
  const { statements, problems } = splitSqlStatements(sql);
  const out = problems.map((p) => `${name}: ${p}`);
  if (!statements.length && !problems.length) out.push(`${name} has no SQL statement (empty or comments only)`);
  for (const [index, s] of statements.entries()) {
    const rule = FORBIDDEN.find((f) => f.pattern.test(s.text));
    if (rule) out.push(`${name} statement ${index + 1} (line ${s.line}: ${statementPreview(s.text)}): ${rule.why}`);
  }
  return out;
}
