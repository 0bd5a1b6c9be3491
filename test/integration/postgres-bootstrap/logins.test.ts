import { Client } from 'pg';
import { applyPlan } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema, schemaFileSha256 } from '../../../lambdas/postgres-bootstrap/plan';
import { createLogger } from '../../../lambdas/shared/logger';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

const log = createLogger({ service: 'test', sink: () => undefined });

/**
 * Several logins on one database, each with its own password and grants, as the bootstrap creates them on RDS: the
 * master user here is a true superuser, but every check below runs as the login itself, which is not.
 */
describe('postgres bootstrap: one login per consumer, each with exactly its grants', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const suffix = `${process.pid}`;
  const loader = `loader_${suffix}`;
  const dms = `dms_${suffix}`;
  const reporting = `reporting_${suffix}`;
  const passwords: Record<string, string> = { 'arn:loader': 'loader-pw-1', 'arn:dms': 'dms-pw-1', 'arn:reporting': 'reporting-pw-1' };
  const passwordOf = async (arn: string) => passwords[arn];
  const tables = 'CREATE TABLE IF NOT EXISTS landing.people (id int PRIMARY KEY, name text NOT NULL);\nCREATE SEQUENCE IF NOT EXISTS landing.people_seq;';
  const file = { name: 'stacks/x/sql/people.sql', sql: tables, sha256: schemaFileSha256(tables), owner: loader };
  const plan = (reportingPrivilege: 'read' | 'write' = 'read') =>
    BootstrapPlanSchema.parse({
      users: [
        { username: loader, secretArn: 'arn:loader', grants: [{ schema: 'landing', privilege: 'owner' }] },
        { username: dms, secretArn: 'arn:dms', grants: [{ schema: 'landing', privilege: 'write' }] },
        { username: reporting, secretArn: 'arn:reporting', grants: [{ schema: 'landing', privilege: reportingPrivilege }] },
      ],
      schemaFiles: [file],
    });
  const clients: Client[] = [];

  async function as(username: string): Promise<Client> {
    const arn = `arn:${username.replace(`_${suffix}`, '')}`;
    const c = new Client({ ...pgConfig(db.name), user: username, password: passwords[arn] });
    await c.connect();
    clients.push(c);
    return c;
  }
  /** The SQLSTATE a statement fails with as `client`, or 'ok'. */
  async function outcome(client: Client, sql: string): Promise<string> {
    try {
      await client.query(sql);
      return 'ok';
    } catch (e) {
      return (e as { code: string }).code;
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('bootstrap_logins');
    // A schema the plan does not name, with a table: no login may read it.
    await db.client.query('CREATE SCHEMA private; CREATE TABLE private.salaries (id int); INSERT INTO private.salaries VALUES (1)');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    for (const u of [loader, dms, reporting]) await admin.query(`DROP ROLE IF EXISTS ${u}`);
    await admin.end();
  });

  test('creates each login with its own password, and the tables of the schema file owned by the schema owner', async () => {
    const result = await applyPlan(db.client, plan(), passwordOf, log);
    expect(result.usersCreated).toEqual([loader, dms, reporting]);
    expect(result.grants).toEqual([`${loader} owner landing`, `${dms} write landing`, `${reporting} read landing`]);
    const owners = await db.client.query(
      `SELECT c.relname AS name, c.relowner::regrole::text AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'landing' AND c.relkind IN ('r', 'S') ORDER BY 1`,
    );
    expect(owners.rows).toEqual([
      { name: 'people', owner: loader },
      { name: 'people_seq', owner: loader },
    ]);
    // Each password opens its own login only.
    await expect(new Client({ ...pgConfig(db.name), user: dms, password: 'loader-pw-1' }).connect()).rejects.toThrow(/password authentication failed/);
  });

  test('the owner creates, loads and drops; the writer writes but runs no DDL; the reader reads and nothing else', async () => {
    const owner = await as(loader);
    const writer = await as(dms);
    const reader = await as(reporting);
    // A table the owner creates after the bootstrap ran: default privileges give it to the others too.
    await owner.query('CREATE TABLE landing.events (id int)');

    expect(await outcome(owner, "INSERT INTO landing.people VALUES (1, 'Ann')")).toBe('ok');
    expect(await outcome(writer, "INSERT INTO landing.people VALUES (2, 'Bob')")).toBe('ok');
    expect(await outcome(writer, "UPDATE landing.people SET name = 'Bo' WHERE id = 2")).toBe('ok');
    expect(await outcome(writer, 'INSERT INTO landing.events VALUES (1)')).toBe('ok');
    expect(await outcome(writer, 'TRUNCATE landing.events')).toBe('ok');
    expect(await outcome(writer, "SELECT nextval('landing.people_seq')")).toBe('ok');
    expect(await outcome(reader, 'SELECT count(*) FROM landing.people')).toBe('ok');
    expect(await outcome(reader, 'SELECT count(*) FROM landing.events')).toBe('ok');

    // 42501 insufficient_privilege, each of them.
    expect({
      readerInsert: await outcome(reader, "INSERT INTO landing.people VALUES (3, 'Cy')"),
      readerUpdate: await outcome(reader, "UPDATE landing.people SET name = 'x'"),
      readerDelete: await outcome(reader, 'DELETE FROM landing.people'),
      readerTruncate: await outcome(reader, 'TRUNCATE landing.events'),
      readerSequence: await outcome(reader, "SELECT nextval('landing.people_seq')"),
      readerCreate: await outcome(reader, 'CREATE TABLE landing.mine (id int)'),
      readerOtherSchema: await outcome(reader, 'SELECT * FROM private.salaries'),
      writerCreate: await outcome(writer, 'CREATE TABLE landing.mine (id int)'),
      writerAlter: await outcome(writer, 'ALTER TABLE landing.people ADD COLUMN x int'),
      writerDrop: await outcome(writer, 'DROP TABLE landing.events'),
      writerOtherSchema: await outcome(writer, 'INSERT INTO private.salaries VALUES (2)'),
      ownerOtherSchema: await outcome(owner, 'SELECT * FROM private.salaries'),
    }).toEqual({
      readerInsert: '42501',
      readerUpdate: '42501',
      readerDelete: '42501',
      readerTruncate: '42501',
      readerSequence: '42501',
      readerCreate: '42501',
      readerOtherSchema: '42501',
      writerCreate: '42501',
      writerAlter: '42501',
      writerDrop: '42501',
      writerOtherSchema: '42501',
      ownerOtherSchema: '42501',
    });
    expect(await outcome(owner, 'DROP TABLE landing.events')).toBe('ok');
    expect((await db.client.query('SELECT id, name FROM landing.people ORDER BY id')).rows).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bo' },
    ]);
  });

  test('a changed grant replaces the old one: read -> write adds writes, write -> read takes them back', async () => {
    await applyPlan(db.client, plan('write'), passwordOf, log);
    const reader = await as(reporting);
    expect(await outcome(reader, "INSERT INTO landing.people VALUES (10, 'x')")).toBe('ok');
    await reader.end();

    const again = await applyPlan(db.client, plan('read'), passwordOf, log);
    expect(again.usersUpdated).toEqual([loader, dms, reporting]);
    const back = await as(reporting);
    expect(await outcome(back, "INSERT INTO landing.people VALUES (11, 'y')")).toBe('42501');
    // Also for tables the owner creates from now on.
    const owner = await as(loader);
    await owner.query('CREATE TABLE landing.later (id int)');
    expect(await outcome(back, 'INSERT INTO landing.later VALUES (1)')).toBe('42501');
    expect(await outcome(back, 'SELECT * FROM landing.later')).toBe('ok');
  });

  test('fails before changing anything when a schema has two owners or a user is granted a schema twice', async () => {
    const twoOwners = BootstrapPlanSchema.parse({
      users: [
        { username: `${loader}_a`, secretArn: 'arn:loader', grants: [{ schema: 'x', privilege: 'owner' }] },
        { username: `${loader}_b`, secretArn: 'arn:loader', grants: [{ schema: 'x', privilege: 'owner' }, { schema: 'y', privilege: 'read' }, { schema: 'y', privilege: 'write' }] },
      ],
    });
    await expect(applyPlan(db.client, twoOwners, passwordOf, log)).rejects.toThrow(
      `invalid plan, nothing changed: schema x has two owners (${loader}_a, ${loader}_b); a schema has one owner, give the other write; user ${loader}_b: schema y is granted twice; give one privilege (read, write or owner)`,
    );
    expect((await db.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${loader}_a`])).rowCount).toBe(0);
  });
});
