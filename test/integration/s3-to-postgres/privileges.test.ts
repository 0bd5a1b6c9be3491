import type { S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { createLoader } from '../../../lambdas/s3-to-postgres/runtime';
import { captureLogger, event } from './fixtures';

/**
 * The example stack's setup: the loader logs in as an app user that owns one schema and has no CREATE on the
 * database; the ledger lives in that schema. Nothing beyond ownership is granted.
 */
describe('s3-to-postgres loader as a least-privileged schema owner', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  const user = `loader_${process.pid}`;

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_privileges');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-privileges');
    await client.query(`CREATE ROLE ${user} LOGIN PASSWORD 'loader-test-only'`);
    await client.query(`REVOKE CREATE ON DATABASE ${db.name} FROM PUBLIC`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`CREATE SCHEMA landing AUTHORIZATION ${user}`);
    await client.query(`SET ROLE ${user}; CREATE TABLE landing.people (id int PRIMARY KEY, name text NOT NULL); RESET ROLE`);
  });
  afterAll(async () => {
    await db.drop();
    const c = new Client(pgConfig('postgres'));
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${user}`);
    await c.end();
  });

  test('creates its ledger in the owned schema (no CREATE SCHEMA needed) and loads exactly once', async () => {
    const { logger } = captureLogger();
    const loader = createLoader(
      {
        ...process.env,
        PGUSER: user,
        PGPASSWORD: 'loader-test-only',
        TABLE_ROUTES: JSON.stringify([{ prefix: 'people/', table: 'landing.people', mode: 'replace' }]),
        LEDGER_TABLE: 'landing.s3_load_ledger',
      },
      { logger },
    );
    try {
      const eTag = await putObject(s3, bucket, 'people/p.csv', 'id,name\n1,Ann\n2,Bob\n');
      const first = await loader.handle(event(bucket, 'people/p.csv', eTag));
      const second = await loader.handle(event(bucket, 'people/p.csv', eTag));
      expect(first.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2, table: 'landing.people' }));
      expect(second.results[0].status).toBe('skipped');
      expect((await client.query('SELECT count(*)::int AS n FROM landing.s3_load_ledger')).rows[0].n).toBe(1);
      expect((await client.query("SELECT to_regnamespace('migration_kit') AS s")).rows[0].s).toBeNull();
    } finally {
      await loader.close();
    }
  });
});
