import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { bootstrapServerSideLogin, clearLedger, count, event, loaderFor } from './fixtures';

describe('s3-to-postgres loader: server-side strategy (aws_s3.table_import_from_s3)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;
  let mirror: string;
  let dropLogin: () => Promise<void>;
  const appUser = `loader_ss_${process.pid}`;
  const appPassword = 'loader-server-side-1';

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_server_side');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-server-side');
    ({ mirror, cleanup: dropLogin } = await bootstrapServerSideLogin(client, appUser, appPassword, 's3pg-mirror-'));
    loader = loaderFor({ LOAD_STRATEGY: 'server-side', PGUSER: appUser, PGPASSWORD: appPassword }).loader;
  });
  afterAll(async () => {
    await loader.close();
    await db.drop();
    await dropLogin();
  });
  beforeEach(async () => {
    await client.query('DROP SCHEMA IF EXISTS archive CASCADE; DROP TABLE IF EXISTS public.people, public.events');
    await client.query("CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL, note text); INSERT INTO people VALUES (99, 'before', NULL)");
    // The loader's grants on a replace-mode target (templates/postgres/s3-import.sql, step 3).
    await client.query(`GRANT INSERT, TRUNCATE ON public.people TO ${appUser}`);
    await clearLedger(client);
  });

  async function put(key: string, body: string): Promise<string> {
    const file = path.join(mirror, bucket, key);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    for (let d = path.dirname(file); d.startsWith(mirror); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    fs.writeFileSync(file, body, { mode: 0o644 });
    return putObject(s3, bucket, key, body);
  }

  test('imports with the header mapped by name, in one transaction with the ledger; a duplicate is skipped', async () => {
    const eTag = await put('people/big.csv', 'note,name,id\nhi,Ann,1\n,Bob,2\n');
    const out = await loader.handle(event(bucket, 'people/big.csv', eTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2, table: 'public.people' }));
    expect((await client.query('SELECT id, name, note FROM people ORDER BY id')).rows).toEqual([
      { id: 1, name: 'Ann', note: 'hi' },
      { id: 2, name: 'Bob', note: null },
    ]);
    const again = await loader.handle(event(bucket, 'people/big.csv', eTag));
    expect(again.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^duplicate/) }));
    expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(1);
  });

  test('a bad row rolls back the truncate: rejected with the line, table unchanged', async () => {
    const eTag = await put('people/bad.csv', 'id,name\n1,Ann\nx,Bob\n');
    const err = await loader.handle(event(bucket, 'people/bad.csv', eTag)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/people\/bad\.csv -> public\.people: rejected at line 3, column id/);
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
    expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(0);
  });

  test('the header is checked before any write (read with a ranged GET)', async () => {
    const eTag = await put('people/extra.csv', 'id,name,nickname\n1,Ann,A\n');
    const err = await loader.handle(event(bucket, 'people/extra.csv', eTag)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/extra column\(s\) "nickname"/);
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
  });

  test('a header-only file in replace mode is rejected; the table keeps its rows', async () => {
    const eTag = await put('people/empty.csv', 'id,name\n');
    const err = await loader.handle(event(bucket, 'people/empty.csv', eTag)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/header but no rows/);
    expect(await count(client, 'people')).toBe(1);
  });

  test('an event for content that has since been overwritten is skipped as superseded (aws_s3 reads only the current object)', async () => {
    const oldTag = await put('people/moving.csv', 'id,name\n1,Old\n');
    await put('people/moving.csv', 'id,name\n2,New\n');
    const out = await loader.handle(event(bucket, 'people/moving.csv', oldTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^superseded/) }));
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
  });

  test('an object deleted before the import fails as missing, non-retryable; the table keeps its rows', async () => {
    const eTag = await put('people/gone.csv', 'id,name\n1,Ann\n');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'people/gone.csv' }));
    const err = await loader.handle(event(bucket, 'people/gone.csv', eTag)).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'ObjectMissingError', retryable: false });
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
  });
});
