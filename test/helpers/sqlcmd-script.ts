/**
 * A reader for the sqlcmd runbooks in templates/sqlserver, for tests that cannot run SQL Server here: it does what
 * sqlcmd does before the server sees the text, and no more. `$(Var)` substitution (a missing variable fails, as in
 * sqlcmd), comments removed, batches split at `GO`, `:` commands collected, and the database each statement runs
 * in followed through `USE`. Conditions that the substitution made constant (`IF N'1' = N'1'`, `IF N'rds' IN (...)`)
 * are decided, so a test sees what one choice of variables runs; every other statement (including conditions that
 * combine a constant with AND / OR) is kept as text.
 */

export interface SqlcmdChunk {
  /** The database the text runs in (`USE` seen so far; the script starts in `initialDatabase`). */
  readonly database: string;
  /** Statements, whitespace collapsed to single spaces. */
  readonly sql: string;
  /** 0-based batch number (batches end at `GO`). */
  readonly batch: number;
}

export interface SqlcmdScript {
  readonly chunks: readonly SqlcmdChunk[];
  /** sqlcmd commands (`:on error exit`, ...), in order. */
  readonly commands: readonly string[];
  /** Every statement that runs in `database`, joined by ' ; '. */
  in(database: string): string;
  /** All statements, joined. */
  readonly all: string;
}

function substitute(script: string, vars: Record<string, string>): string {
  return script.replace(/\$\((\w+)\)/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`sqlcmd variable ${name} is not defined`);
    return vars[name];
  });
}

/** Removes comments outside string literals. */
function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "'") {
      const end = findStringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated /* comment');
      out += ' ';
      i = end + 2;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string literal starting at `start` ('' is an escaped quote). */
function findStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  throw new Error(`unterminated string literal at ${text.slice(start, start + 40)}`);
}

/** Word tokens with their positions, skipping string literals. */
function words(text: string): Array<{ word: string; start: number; end: number }> {
  const out: Array<{ word: string; start: number; end: number }> = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === "'") {
      i = findStringEnd(text, i);
    } else if (/[A-Za-z_]/.test(text[i])) {
      let j = i;
      while (j < text.length && /[\w@#$]/.test(text[j])) j++;
      out.push({ word: text.slice(i, j).toUpperCase(), start: i, end: j });
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

/** End (exclusive) of the BEGIN ... END block whose BEGIN starts at `start` (CASE ... END counted too). */
function blockEnd(text: string, start: number): number {
  let depth = 0;
  for (const w of words(text.slice(start))) {
    if (w.word === 'BEGIN' || w.word === 'CASE') depth++;
    else if (w.word === 'END') {
      depth--;
      if (depth === 0) return start + w.end;
    }
  }
  throw new Error(`BEGIN without END: ${text.slice(start, start + 60)}`);
}

const LITERAL = String.raw`N?'((?:[^']|'')*)'`;
const CONSTANT_IF = new RegExp(String.raw`\bIF\s+${LITERAL}\s*(=|<>|NOT\s+IN|IN)\s*(\((?:\s*${LITERAL}\s*,?)+\)|${LITERAL})(?!\s*(?:AND|OR)\b)\s*`, 'iy');

function evaluate(left: string, op: string, right: string): boolean {
  const values = [...right.matchAll(new RegExp(LITERAL, 'g'))].map((m) => m[1]);
  switch (op.toUpperCase().replace(/\s+/g, ' ')) {
    case '=':
      return left === values[0];
    case '<>':
      return left !== values[0];
    case 'IN':
      return values.includes(left);
    default:
      return !values.includes(left);
  }
}

/** The body after a condition: a BEGIN ... END block, or one statement up to its ';'. */
function body(text: string, start: number): { inner: string; end: number } {
  const first = /\s*BEGIN\b/iy;
  first.lastIndex = start;
  if (first.exec(text)) {
    const begin = first.lastIndex - 'BEGIN'.length;
    const end = blockEnd(text, begin);
    return { inner: text.slice(begin + 5, end - 3), end };
  }
  for (let i = start; i < text.length; ) {
    if (text[i] === "'") i = findStringEnd(text, i);
    else if (text[i] === ';') return { inner: text.slice(start, i + 1), end: i + 1 };
    else i++;
  }
  return { inner: text.slice(start), end: text.length };
}

/** Replaces constant IF [... ELSE ...] constructs by the branch that runs. */
function decideConstantConditions(text: string): string {
  let out = text;
  for (let i = 0; i < out.length; ) {
    if (out[i] === "'") {
      i = findStringEnd(out, i);
      continue;
    }
    CONSTANT_IF.lastIndex = i;
    const m = /^IF\b/i.test(out.slice(i, i + 3)) && (i === 0 || /\W/.test(out[i - 1])) ? CONSTANT_IF.exec(out) : null;
    if (!m) {
      i++;
      continue;
    }
    const taken = evaluate(m[1], m[2], m[3]);
    const then = body(out, i + m[0].length);
    let end = then.end;
    let chosen = taken ? then.inner : '';
    const elseMatch = /\s*ELSE\b/iy;
    elseMatch.lastIndex = then.end;
    if (elseMatch.exec(out)) {
      const other = body(out, elseMatch.lastIndex);
      end = other.end;
      if (!taken) chosen = other.inner;
    }
    out = `${out.slice(0, i)} ${chosen} ${out.slice(end)}`;
    // The chosen branch may hold further constant conditions: look at it again.
  }
  return out;
}

const USE = /\bUSE\s+(\[[^\]]+\]|\w+)\s*;?/gi;

export function readSqlcmdScript(script: string, vars: Record<string, string>, initialDatabase = 'master'): SqlcmdScript {
  const commands: string[] = [];
  const lines = stripComments(substitute(script, vars)).split('\n');
  const batches: string[] = [''];
  for (const line of lines) {
    if (/^\s*GO\s*$/i.test(line)) batches.push('');
    else if (/^\s*:/.test(line)) commands.push(line.trim());
    else batches[batches.length - 1] += `${line}\n`;
  }
  const chunks: SqlcmdChunk[] = [];
  let database = initialDatabase;
  batches.forEach((raw, batch) => {
    const text = decideConstantConditions(raw);
    let last = 0;
    const push = (sql: string) => {
      const s = sql.replace(/\s+/g, ' ').trim();
      if (s && s !== ';') chunks.push({ database, sql: s, batch });
    };
    for (const m of text.matchAll(USE)) {
      // A USE inside a string literal (dynamic SQL) does not change the session's database.
      if (insideString(text, m.index!)) continue;
      push(text.slice(last, m.index));
      database = m[1].replace(/^\[|\]$/g, '');
      last = m.index! + m[0].length;
    }
    push(text.slice(last));
  });
  return {
    chunks,
    commands,
    in: (db: string) => chunks.filter((c) => c.database.toLowerCase() === db.toLowerCase()).map((c) => c.sql).join(' ; '),
    all: chunks.map((c) => c.sql).join(' ; '),
  };
}

function insideString(text: string, index: number): boolean {
  for (let i = 0; i < index; ) {
    if (text[i] === "'") {
      const end = findStringEnd(text, i);
      if (end > index) return true;
      i = end;
    } else i++;
  }
  return false;
}
