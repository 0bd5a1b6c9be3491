import type { Client, QueryResult } from 'pg';

/**
 * Runs a psql script through node-postgres, supporting what the runbooks in templates/ use: `\set` (ignored:
 * every statement stops on error here), `:'var'` (literal), `:"var"` (identifier), `;` and `\gexec` (run the
 * query, then every cell of its result as a statement). `DBNAME` is set like psql does.
 * Returns the result of every statement psql would print, in order (a `\gexec` query's own result is not printed;
 * the statements it generates are).
 */
export async function runPsqlScript(db: Client, script: string, vars: Record<string, string>): Promise<QueryResult[]> {
  const printed: QueryResult[] = [];
  const { rows } = await db.query<{ d: string }>('SELECT current_database() AS d');
  const all: Record<string, string> = { DBNAME: rows[0].d, ...vars };
  const value = (name: string) => {
    if (!(name in all)) throw new Error(`psql variable ${name} is not set`);
    return all[name];
  };
  const text = script
    .split('\n')
    .filter((line) => !/^\s*--/.test(line) && !/^\s*\\set\b/.test(line))
    .join('\n')
    .replace(/:'(\w+)'/g, (_m, n: string) => `'${value(n).replace(/'/g, "''")}'`)
    .replace(/:"(\w+)"/g, (_m, n: string) => `"${value(n).replace(/"/g, '""')}"`);
  // Statements end at ';' or '\gexec' (the runbooks use no dollar quoting or semicolons inside literals).
  const pattern = /([\s\S]*?)(;|\\gexec)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text))) {
    consumed = pattern.lastIndex;
    const sql = match[1].trim();
    if (!sql) continue;
    if (match[2] === ';') {
      printed.push(await db.query(sql));
      continue;
    }
    const result = await db.query({ text: sql, rowMode: 'array' });
    for (const row of result.rows as unknown[][]) {
      for (const cell of row) if (cell !== null) printed.push(await db.query(String(cell)));
    }
  }
  if (text.slice(consumed).trim()) throw new Error(`unterminated statement at the end of the script: ${text.slice(consumed).trim().slice(0, 80)}`);
  return printed;
}
