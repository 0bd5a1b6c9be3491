import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { runPsqlScript } from '../../helpers/psql-script';

const TEMPLATES = path.resolve(__dirname, '../../../templates/postgres');
const read = (name: string) => fs.readFileSync(path.join(TEMPLATES, name), 'utf8');

describe('templates/postgres runbooks against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const owner = `app_owner_${process.pid}`;
  const writer = `dms_writer_${process.pid}`;
  const vars = { app_owner: owner, migration_user: writer, target_schema: 'billing' };

  beforeAll(async () => {
    db = await createTestDatabase('templates');
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    for (const role of [writer, owner]) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  async function as(role: string, sql: string) {
    await db.client.query(`SET ROLE ${role}`);
    try {
      return await db.client.query(sql);
    } finally {
      await db.client.query('RESET ROLE');
    }
  }

  test('target schema and migration user: idempotent, and the user reads/writes tables the owner creates later', async () => {
    for (let run = 0; run < 2; run++) {
      await runPsqlScript(db.client, read('target-schema.sql'), vars);
      await runPsqlScript(db.client, read('migration-user.sql'), vars);
    }
    const schemaOwner = await db.client.query("SELECT nspowner::regrole::text AS o FROM pg_namespace WHERE nspname = 'billing'");
    expect(schemaOwner.rows[0].o).toBe(owner);
    await as(owner, 'CREATE TABLE billing.invoice (id serial PRIMARY KEY, amount numeric NOT NULL)');
    await as(writer, 'INSERT INTO billing.invoice (id, amount) VALUES (41, 10.5), (42, 7)');
    await as(writer, 'TRUNCATE billing.invoice');
    await as(writer, 'INSERT INTO billing.invoice (id, amount) VALUES (41, 10.5), (42, 7)');
    // DMS creates its control tables in the target schema.
    await as(writer, 'CREATE TABLE billing.awsdms_apply_exceptions (task_name text)');
    await expect(as(writer, 'CREATE TABLE public.intruder (x int)')).rejects.toThrow(/permission denied for schema public/);
  });

  test('cut-over moves sequences past the data, drops DMS control tables and takes writes away', async () => {
    await runPsqlScript(db.client, read('cutover.sql'), vars);
    const next = await as(owner, "SELECT nextval('billing.invoice_id_seq')::int AS n");
    expect(next.rows[0].n).toBe(43);
    const control = await db.client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'billing' AND tablename LIKE 'awsdms%'");
    expect(control.rows[0].n).toBe(0);
    await expect(as(writer, 'INSERT INTO billing.invoice (id, amount) VALUES (99, 1)')).rejects.toThrow(/permission denied for table invoice/);
    expect((await as(writer, 'SELECT count(*)::int AS n FROM billing.invoice')).rows[0].n).toBe(2);
  });

  test('fails when a variable the runbook needs is not given', async () => {
    await expect(runPsqlScript(db.client, read('migration-user.sql'), { target_schema: 'billing' })).rejects.toThrow(/psql variable migration_user is not set/);
  });
});
