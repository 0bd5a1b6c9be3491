import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase } from '../../helpers/pg';
import { runPsql, runPsqlScript } from '../../helpers/psql-script';

/**
 * The runbook runner behaves as psql does (https://www.postgresql.org/docs/current/app-psql.html): ON_ERROR_STOP
 * off by default (errors are printed, the script goes on, exit 0), on: the first error ends it (exit 3); `\set`
 * takes effect where it stands in the script.
 */
describe('psql runbook runner against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('psql_runner');
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    await db.client.query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY)');
  });
  const ids = async () => (await db.client.query('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);

  test('without ON_ERROR_STOP a failing statement is reported and the script goes on, exit 0', async () => {
    const script = 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n';
    const run = await runPsql(db.client, script);
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([{ statement: 'INSERT INTO t VALUES (1)', message: expect.stringMatching(/duplicate key value violates unique constraint "t_pkey"/) }]);
    expect(await ids()).toEqual([1, 2]);
    await db.client.query('TRUNCATE t');
    await expect(runPsqlScript(db.client, script, {})).resolves.toHaveLength(2);
  });

  test.each([
    ['\\set ON_ERROR_STOP on in the script', '\\set ON_ERROR_STOP on\n', {}],
    ['\\set ON_ERROR_STOP with no value (psql takes it as on)', '\\set ON_ERROR_STOP\n', {}],
    ['-v ON_ERROR_STOP=1', '', { ON_ERROR_STOP: '1' }],
  ])('with %s the first error ends the script, exit 3; earlier statements stay committed', async (_name, prefix, vars) => {
    const script = `${prefix}INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n`;
    const run = await runPsql(db.client, script, vars);
    expect(run.exitCode).toBe(3);
    expect(run.errors).toHaveLength(1);
    expect(await ids()).toEqual([1]);
    await db.client.query('TRUNCATE t');
    await expect(runPsqlScript(db.client, script, vars)).rejects.toThrow(/psql stopped \(ON_ERROR_STOP\): duplicate key value/);
  });

  test('ON_ERROR_STOP set after a failure does not undo it; \\set ON_ERROR_STOP off lets later errors pass', async () => {
    const run = await runPsql(
      db.client,
      'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n\\set ON_ERROR_STOP on\n\\set ON_ERROR_STOP off\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (3);\n',
    );
    expect(run).toMatchObject({ exitCode: 0, errors: [expect.anything(), expect.anything()] });
    expect(await ids()).toEqual([1, 3]);
  });

  test('fails on an ON_ERROR_STOP value psql does not take as a boolean', async () => {
    await expect(runPsql(db.client, '\\set ON_ERROR_STOP maybe\n')).rejects.toThrow('unrecognized value "maybe" for "ON_ERROR_STOP": Boolean expected');
  });

  test('\\set takes effect where it stands; :name, :\'name\' and :"name" are replaced outside quotes, comments and ::', async () => {
    const run = await runPsql(
      db.client,
      [
        "SELECT :'early' AS v;", // not set yet: sent as written, and the server refuses it
        "\\set early 'it''s' set",
        '\\set n 4',
        "SELECT :'early' AS lit, :n::int + 1 AS plain, ':n' AS in_literal /* :n */, $$:n$$ AS dollar; -- :n",
        'SELECT 1 AS :"early";',
        '\\unset n',
        'SELECT :n;',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
    expect(run.printed.map((r) => r.rows)).toEqual([[{ lit: "it'sset", plain: 5, in_literal: ':n', dollar: ':n' }], [{ "it'sset": 1 }]]);
    expect(run.errors.map((e) => e.statement)).toEqual(["SELECT :'early' AS v", 'SELECT :n']);
    expect(run.errors[0].message).toMatch(/syntax error at or near ":" \(psql variable early is not set, so psql sent :early as written\)/);
  });

  test('\\gexec runs every cell of the result; with ON_ERROR_STOP a failing generated statement ends the script', async () => {
    const run = await runPsql(db.client, "\\set ON_ERROR_STOP on\nSELECT format('INSERT INTO t VALUES (%s)', g) FROM unnest(ARRAY[5, 6, 5, 7]) AS g \\gexec\nINSERT INTO t VALUES (8);\n");
    expect(run.exitCode).toBe(3);
    expect(run.errors).toEqual([{ statement: 'INSERT INTO t VALUES (5)', message: expect.stringMatching(/duplicate key/) }]);
    expect(await ids()).toEqual([5, 6]);
  });

  test('fails on a meta-command it does not implement rather than skipping it', async () => {
    await expect(runPsql(db.client, '\\i other.sql\n')).rejects.toThrow('psql meta-command \\i is not supported by the test runner');
  });

  test('every runbook in templates/postgres turns ON_ERROR_STOP on before its first statement', () => {
    const dir = path.resolve(__dirname, '../../../templates/postgres');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
      const firstCommand = fs
        .readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !l.startsWith('--'));
      expect(`${file}: ${firstCommand}`).toBe(`${file}: \\set ON_ERROR_STOP on`);
    }
  });
});
