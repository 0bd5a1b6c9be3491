import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { event, loaderFor, PEOPLE_DDL } from './fixtures';

/**
 * gzip input for the stream strategy against real Postgres and the S3 API (s3rver). The gzip bytes come from
 * node:zlib, which writes the format the gzip tool does (RFC 1952).
 */
describe('s3-to-postgres loader: gzip input (stream strategy, real Postgres + S3 API)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;

  const SEED = 'id,name,born,score,note\n1,Ada,1815-12-10,99.50,seed\n2,Grace,1906-12-09,98.00,seed\n';
  // Quoted commas, a line break inside quotes, NULL vs empty string, non-ASCII.
  const BODY = 'id,name,born,score,note\n10,"Lovelace, Ada",1815-12-10,1.5,"line one\nline two"\n11,"Zoë 🚀",,,""\n12,Plain,2000-01-01,-2,\n';
  const EXPECTED = [
    { id: 10, name: 'Lovelace, Ada', born: '1815-12-10', score: '1.50', note: 'line one\nline two' },
    { id: 11, name: 'Zoë 🚀', born: null, score: null, note: '' },
    { id: 12, name: 'Plain', born: '2000-01-01', score: '-2.00', note: null },
  ];

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_gzip');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-gzip');
    ({ loader } = loaderFor());
  });
  afterAll(async () => {
    await loader.close();
    await db.drop();
  });
  beforeEach(async () => {
    await client.query('DROP SCHEMA IF EXISTS archive CASCADE; DROP TABLE IF EXISTS public.people, public.events');
    await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
    await client.query(PEOPLE_DDL);
    const eTag = await putObject(s3, bucket, 'people/seed.csv', SEED);
    await loader.handle(event(bucket, 'people/seed.csv', eTag));
  });

  const snapshot = async () => (await client.query('SELECT id, name, born::text, score::text, note FROM people ORDER BY id')).rows;
  const ledger = async () =>
    (await client.query('SELECT object_key, row_count::int AS rows, byte_count::int AS bytes FROM migration_kit.s3_load_ledger')).rows;

  async function putGzip(key: string, body: Buffer, contentEncoding?: string): Promise<string> {
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentEncoding: contentEncoding }));
    return (out.ETag ?? '').replace(/"/g, '');
  }

  test('a .csv.gz object is decompressed on the way: rows loaded, header mapped, ledger bytes = the compressed size', async () => {
    const gz = gzipSync(Buffer.from(BODY));
    const eTag = await putGzip('people/2024/day.csv.gz', gz);
    const out = await loader.handle(event(bucket, 'people/2024/day.csv.gz', eTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 3, table: 'public.people' }));
    expect(await snapshot()).toEqual(EXPECTED);
    expect((await ledger()).find((r) => r.object_key === 'people/2024/day.csv.gz')).toEqual({ object_key: 'people/2024/day.csv.gz', rows: 3, bytes: gz.length });
  });

  test('an object stored with Content-Encoding: gzip (key without .gz) is decompressed too', async () => {
    const eTag = await putGzip('people/encoded.csv', gzipSync(Buffer.from(BODY)), 'gzip');
    const out = await loader.handle(event(bucket, 'people/encoded.csv', eTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 3 }));
    expect(await snapshot()).toEqual(EXPECTED);
  });

  test('a bad row inside a gzip file is rejected with its file line, as for a plain file', async () => {
    const before = await snapshot();
    const eTag = await putGzip('people/bad-row.csv.gz', gzipSync(Buffer.from('id,name\n20,Ann\nx,Bob\n')));
    const err = await loader.handle(event(bucket, 'people/bad-row.csv.gz', eTag)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/people\/bad-row\.csv\.gz -> public\.people: rejected at line 3, column id/);
    expect(await snapshot()).toEqual(before);
  });

  test.each([
    ['truncated (the last half cut off)', (gz: Buffer) => gz.subarray(0, Math.floor(gz.length / 2)), /unexpected end of file/],
    ['truncated (only the 8-byte trailer missing)', (gz: Buffer) => gz.subarray(0, gz.length - 8), /unexpected end of file/],
    ['corrupt (a byte of the compressed data flipped)', (gz: Buffer) => Buffer.concat([gz.subarray(0, 20), Buffer.from([gz[20] ^ 0xff]), gz.subarray(21)]), /gzip data is invalid/],
    ['not gzip at all (a plain CSV named .csv.gz)', () => Buffer.from(BODY), /incorrect header check/],
  ])('a %s gzip fails the whole file: non-retryable, names the object and the reason, table and ledger unchanged', async (_what, mangle, reason) => {
    // Many rows, so the truncated half holds complete rows that COPY would otherwise have taken.
    const big = 'id,name\n' + Array.from({ length: 5000 }, (_, i) => `${100 + i},name ${i}`).join('\n') + '\n';
    const before = await snapshot();
    const ledgerBefore = await ledger();
    const key = 'people/broken.csv.gz';
    const eTag = await putGzip(key, mangle(gzipSync(Buffer.from(big))));
    const err = (await loader.handle(event(bucket, key, eTag)).catch((e: Error) => e)) as Error & { retryable?: boolean };
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('LoadRejectedError');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`s3://${bucket}/${key} -> public.people: rejected: the gzip data is invalid`);
    expect(err.message).toMatch(reason);
    expect(err.message).toContain('the table is unchanged');
    expect(await snapshot()).toEqual(before);
    expect(await ledger()).toEqual(ledgerBefore);
  });
});
