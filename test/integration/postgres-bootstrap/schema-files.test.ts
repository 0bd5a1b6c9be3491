import { Client } from 'pg';
import { applyPlan, SCHEMA_FILE_LEDGER } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema, schemaFileSha256 } from '../../../lambdas/postgres-bootstrap/plan';
import { createLogger } from '../../../lambdas/shared/logger';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

const log = createLogger({ service: 'test', sink: () => undefined });

/** Schema files (the tables a pipeline loads into) applied by the bootstrap against a real Postgres. */
describe('postgres bootstrap: schema files, once per content, all or nothing', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const loader = `loader_sf_${process.pid}`;
  const passwordOf = async () => 'schema-files-pw-1';
  const ordersV1 = `-- orders loaded from S3 (replace mode)
CREATE TABLE IF NOT EXISTS landing.orders (
  id    int PRIMARY KEY,
  note  text DEFAULT 'a;b'   -- a semicolon in a string does not split
);
CREATE OR REPLACE FUNCTION landing.order_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM landing.orders; $$;
-- a side effect that shows whether the file ran again
INSERT INTO landing.runs VALUES ('orders');
`;
  const runs = 'CREATE TABLE IF NOT EXISTS landing.runs (file text NOT NULL);';
  const file = (name: string, sql: string, owner?: string) => ({ name, sql, sha256: schemaFileSha256(sql), ...(owner ? { owner } : {}) });
  const plan = (...files: ReturnType<typeof file>[]) =>
    BootstrapPlanSchema.parse({ users: [{ username: loader, secretArn: 'arn:loader', grants: [{ schema: 'landing', privilege: 'owner' }] }], schemaFiles: files });
  const runsOf = async () => (await db.client.query('SELECT file FROM landing.runs')).rows.map((r) => r.file);
  const ledger = async () =>
    (await db.client.query(`SELECT name, sha256, owner, statements FROM ${SCHEMA_FILE_LEDGER.schema}.${SCHEMA_FILE_LEDGER.table} ORDER BY name`)).rows;
  const columns = async (table: string) =>
    (await db.client.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'landing' AND table_name = $1 ORDER BY ordinal_position", [table])).rows.map(
      (r) => r.column_name,
    );

  beforeAll(async () => {
    db = await createTestDatabase('bootstrap_schema_files');
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${loader}`);
    await admin.end();
  });

  test('the first run creates the tables (owned by the file owner) and records each file with its sha256', async () => {
    const result = await applyPlan(db.client, plan(file('sql/runs.sql', runs, loader), file('sql/orders.sql', ordersV1, loader)), passwordOf, log);
    expect(result.schemaFilesApplied).toEqual(['sql/runs.sql', 'sql/orders.sql']);
    expect(result.schemaFilesSkipped).toEqual([]);
    expect(await columns('orders')).toEqual(['id', 'note']);
    expect(await runsOf()).toEqual(['orders']);
    const owner = await db.client.query("SELECT relowner::regrole::text AS o FROM pg_class WHERE oid = 'landing.orders'::regclass");
    expect(owner.rows[0].o).toBe(loader);
    expect(await ledger()).toEqual([
      { name: 'sql/orders.sql', sha256: schemaFileSha256(ordersV1), owner: loader, statements: 3 },
      { name: 'sql/runs.sql', sha256: schemaFileSha256(runs), owner: loader, statements: 1 },
    ]);
  });

  test('the second run with the same files runs none of them', async () => {
    const result = await applyPlan(db.client, plan(file('sql/runs.sql', runs, loader), file('sql/orders.sql', ordersV1, loader)), passwordOf, log);
    expect(result.schemaFilesApplied).toEqual([]);
    expect(result.schemaFilesSkipped).toEqual(['sql/runs.sql', 'sql/orders.sql']);
    expect(await runsOf()).toEqual(['orders']);
  });

  test('a changed file runs again, whole, in the run\'s transaction', async () => {
    const v2 = `${ordersV1}ALTER TABLE landing.orders ADD COLUMN IF NOT EXISTS placed_at timestamptz;\n`;
    const result = await applyPlan(db.client, plan(file('sql/runs.sql', runs, loader), file('sql/orders.sql', v2, loader)), passwordOf, log);
    expect(result.schemaFilesApplied).toEqual(['sql/orders.sql']);
    expect(result.schemaFilesSkipped).toEqual(['sql/runs.sql']);
    expect(await columns('orders')).toEqual(['id', 'note', 'placed_at']);
    expect(await runsOf()).toEqual(['orders', 'orders']);
    expect((await ledger()).find((r) => r.name === 'sql/orders.sql')).toEqual({ name: 'sql/orders.sql', sha256: schemaFileSha256(v2), owner: loader, statements: 4 });
  });

  test('a failing file names the file, the statement and its line, and leaves nothing applied (earlier files and statements included)', async () => {
    const before = { ledger: await ledger(), runs: await runsOf(), orders: await columns('orders') };
    const good = file('sql/a-good.sql', 'CREATE TABLE landing.shipments (id int);\nINSERT INTO landing.runs VALUES (\'a-good\');');
    const broken = file(
      'stacks/shop/sql/broken.sql',
      "CREATE TABLE landing.refunds (id int);\nALTER TABLE landing.orders ADD COLUMN refund_id int;\n\n-- the table is misspelled\nINSERT INTO landing.refundz VALUES (1);\n",
      loader,
    );
    const err = await applyPlan(db.client, plan(file('sql/runs.sql', runs, loader), good, broken), passwordOf, log).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `schema file stacks/shop/sql/broken.sql, statement 3 (line 5: INSERT INTO landing.refundz VALUES (1)) as ${loader} failed: relation "landing.refundz" does not exist [SQLSTATE 42P01]. ` +
        'Nothing was applied: every change of this run is rolled back.',
    );
    expect((await db.client.query("SELECT to_regclass('landing.shipments') AS s, to_regclass('landing.refunds') AS r")).rows).toEqual([{ s: null, r: null }]);
    expect({ ledger: await ledger(), runs: await runsOf(), orders: await columns('orders') }).toEqual(before);
  });

  test('a file runs as its owner: what the owner may not do fails, naming the owner', async () => {
    await db.client.query('CREATE SCHEMA IF NOT EXISTS audit');
    const err = await applyPlan(db.client, plan(file('sql/runs.sql', runs, loader), file('sql/audit.sql', 'CREATE TABLE audit.log (id int);', loader)), passwordOf, log).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toMatch(new RegExp(`^schema file sql/audit.sql, statement 1 \\(line 1: CREATE TABLE audit.log \\(id int\\)\\) as ${loader} failed: permission denied for schema audit \\[SQLSTATE 42501\\]`));
  });

  test('a file with transaction control is refused before anything runs', async () => {
    const sql = 'CREATE TABLE landing.t1 (id int);\nCOMMIT;\nCREATE TABLE landing.t2 (id int);';
    await expect(applyPlan(db.client, plan(file('sql/commit.sql', sql, loader)), passwordOf, log)).rejects.toThrow(
      'invalid plan, nothing changed: sql/commit.sql statement 2 (line 2: COMMIT): transaction control: the bootstrap applies every file inside its own transaction',
    );
    const tampered = { ...file('sql/x.sql', 'SELECT 1;', loader), sha256: schemaFileSha256('SELECT 2;') };
    await expect(applyPlan(db.client, plan(tampered), passwordOf, log)).rejects.toThrow('schema file sql/x.sql: sha256 does not match its text');
    expect((await db.client.query("SELECT to_regclass('landing.t1') AS t")).rows).toEqual([{ t: null }]);
  });
});
