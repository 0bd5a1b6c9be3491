import { Client, Pool } from 'pg';
import { PgChangeStore } from '../../../lambdas/stream-to-postgres/store';
import { parseTableConfig } from '../../../lambdas/stream-to-postgres/table-config';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

/**
 * The ledger-replica setup: the consumer and the DMS full load log in as the PrivatePostgres app user, which owns
 * the target schema (created by the bootstrap) and has no CREATE on the database. Schema setup must work with
 * nothing beyond that ownership.
 */
describe('stream-to-postgres schema setup as a least-privileged schema owner', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const user = `replica_${process.pid}`;
  const mappings = parseTableConfig([
    { source: 'dmv.Person', target: 'dmv.person', keyColumns: ['person_id'], columns: [{ source: 'PersonId', target: 'person_id' }, { source: 'Name', target: 'name' }] },
  ]);

  beforeAll(async () => {
    db = await createTestDatabase('stream_privileges');
    await db.client.query(`CREATE ROLE ${user} LOGIN PASSWORD 'replica-test-only'`);
    await db.client.query(`REVOKE CREATE ON DATABASE ${db.name} FROM PUBLIC`);
    await db.client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    // What the bootstrap does for appUser.schemas.
    await db.client.query(`CREATE SCHEMA dmv AUTHORIZATION ${user}`);
  });
  afterAll(async () => {
    await db.drop();
    const c = new Client(pgConfig('postgres'));
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${user}`);
    await c.end();
  });

  test('creates the live, tombstone and audit tables in the owned schema without CREATE on the database, twice', async () => {
    // PostgreSQL checks CREATE on the database before IF NOT EXISTS: a plain CREATE SCHEMA IF NOT EXISTS fails here.
    const pool = new Pool({ ...pgConfig(db.name), user, password: 'replica-test-only', max: 1 });
    try {
      const store = new PgChangeStore(pool, mappings);
      expect(await store.ensureSchema()).toEqual(['dmv.person']);
      expect(await store.ensureSchema()).toEqual(['dmv.person']);
      const owners = await db.client.query(
        "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'dmv' AND c.relkind = 'r' ORDER BY 1",
      );
      expect(owners.rows).toEqual([
        { relname: 'person', owner: user },
        { relname: 'person_audit_log', owner: user },
        { relname: 'person_tombstones', owner: user },
      ]);
    } finally {
      await pool.end();
    }
  });

  test('fails with a clear error when the login neither owns nor may create the schema', async () => {
    const other = parseTableConfig([{ source: 'x.T', target: 'elsewhere.t', keyColumns: ['id'], columns: [{ source: 'Id', target: 'id' }] }]);
    const pool = new Pool({ ...pgConfig(db.name), user, password: 'replica-test-only', max: 1 });
    try {
      await expect(new PgChangeStore(pool, other).ensureSchema()).rejects.toThrow(/permission denied for database/);
    } finally {
      await pool.end();
    }
  });
});
