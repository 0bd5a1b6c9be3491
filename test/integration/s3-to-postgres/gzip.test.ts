import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { bootstrapServerSideLogin, clearLedger, count, event, loaderFor, PEOPLE_DDL } from './fixtures';

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
    await clearLedger(client);
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

/**
 * The server-side strategy with gzip and a dialect: Postgres imports through the aws_s3 stand-in (test/helpers/aws-s3-standin.ts,
 * which decompresses only objects marked Content-Encoding gzip, as RDS does); the loader's header probe is gunzipped.
 */
describe('s3-to-postgres loader: gzip and dialects with the server-side strategy (aws_s3 stand-in)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;
  let mirror: string;
  let dropLogin: () => Promise<void>;
  const appUser = `loader_gz_${process.pid}`;
  const appPassword = 'loader-gzip-1';
  const ROUTES = [
    { prefix: 'people/', table: 'public.people', mode: 'append' },
    { prefix: 'win/', table: 'public.people', mode: 'append', csv: { delimiter: ';', quote: "'", nullMarker: '-', encoding: 'WIN1252' } },
  ];

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_gzip_server_side');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-gzip-ss');
    ({ mirror, cleanup: dropLogin } = await bootstrapServerSideLogin(client, appUser, appPassword, 's3pg-gz-mirror-'));
    loader = loaderFor({ LOAD_STRATEGY: 'server-side', PGUSER: appUser, PGPASSWORD: appPassword, TABLE_ROUTES: JSON.stringify(ROUTES) }).loader;
  });
  afterAll(async () => {
    await loader.close();
    await db.drop();
    await dropLogin();
  });
  beforeEach(async () => {
    await client.query('DROP TABLE IF EXISTS public.people');
    await client.query("CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL, note text); INSERT INTO people VALUES (99, 'before', NULL)");
    await client.query(`GRANT INSERT, TRUNCATE ON public.people TO ${appUser}`);
    await clearLedger(client);
  });

  /** Puts the object in S3 and in the stand-in's mirror (with its Content-Encoding as a sidecar, see the stand-in). */
  async function put(key: string, body: Buffer, contentEncoding?: string): Promise<string> {
    const file = path.join(mirror, bucket, key);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    for (let d = path.dirname(file); d.startsWith(mirror); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    fs.writeFileSync(file, body, { mode: 0o644 });
    if (contentEncoding) fs.writeFileSync(`${file}.content-encoding`, contentEncoding, { mode: 0o644 });
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentEncoding: contentEncoding }));
    return (out.ETag ?? '').replace(/"/g, '');
  }
  const people = async () => (await client.query('SELECT id, name, note FROM people ORDER BY id')).rows;

  test('an object with Content-Encoding gzip is imported decompressed; the header probe (first 64 KiB) is gunzipped to check the header', async () => {
    // Larger than the 64 KiB probe once compressed? No: the probe holds a prefix of the gzip stream either way; many
    // rows make the decompressed prefix partial, which the probe must accept.
    const rows = Array.from({ length: 20000 }, (_, i) => `${i + 1},name ${i},${(i * 7919) % 100003}`).join('\n');
    const gz = gzipSync(Buffer.from(`note,name,id\n${rows}\n`));
    expect(gz.length).toBeGreaterThan(64 * 1024); // the probe holds only a prefix of the gzip stream
    const eTag = await put('people/big.csv.gz', gz, 'gzip');
    const out = await loader.handle(event(bucket, 'people/big.csv.gz', eTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 20000, table: 'public.people' }));
    expect(await count(client, 'people')).toBe(20001);
    expect((await client.query('SELECT byte_count::int AS b FROM migration_kit.s3_load_ledger')).rows).toEqual([{ b: gz.length }]);
  });

  test('the header check reads through gzip: an extra column is rejected before any write', async () => {
    const eTag = await put('people/extra.csv.gz', gzipSync(Buffer.from('id,name,nickname\n1,Ann,A\n')), 'gzip');
    const err = await loader.handle(event(bucket, 'people/extra.csv.gz', eTag)).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/people\/extra\.csv\.gz -> public\.people: rejected: header does not match .*extra column\(s\) "nickname"/);
    expect(await people()).toEqual([{ id: 99, name: 'before', note: null }]);
  });

  test('a .gz key without Content-Encoding gzip fails non-retryable, saying to set the metadata or use the stream strategy; table unchanged', async () => {
    const eTag = await put('people/plain-meta.csv.gz', gzipSync(Buffer.from('id,name\n1,Ann\n')));
    const err = (await loader.handle(event(bucket, 'people/plain-meta.csv.gz', eTag)).catch((e: Error) => e)) as Error & { retryable?: boolean };
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/people\/plain-meta\.csv\.gz -> public\.people: failed: the key ends in \.gz but the object has no Content-Encoding: gzip metadata.*strategy "stream"/);
    expect(await people()).toEqual([{ id: 99, name: 'before', note: null }]);
    expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(0);
  });

  test('a truncated gzip small enough to be probed whole is rejected by the probe; table unchanged, no ledger row', async () => {
    const gz = gzipSync(Buffer.from('id,name\n1,Ann\n2,Bob\n'));
    const eTag = await put('people/cut.csv.gz', gz.subarray(0, gz.length - 6), 'gzip');
    const err = (await loader.handle(event(bucket, 'people/cut.csv.gz', eTag)).catch((e: Error) => e)) as Error & { retryable?: boolean };
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/people\/cut\.csv\.gz -> public\.people: rejected: the gzip data is invalid \(unexpected end of file\)/);
    expect(await people()).toEqual([{ id: 99, name: 'before', note: null }]);
    expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(0);
  });

  test("the route's dialect reaches aws_s3's options: ';' and ' with a null marker, WIN1252 converted by the server", async () => {
    const text = Buffer.from([...`id;name;note\n1;'Zoé; R';-\n2;Müller;'-'\n`].map((c) => c.charCodeAt(0)));
    const eTag = await put('win/a.csv', text);
    const out = await loader.handle(event(bucket, 'win/a.csv', eTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2 }));
    expect(await people()).toEqual([
      { id: 1, name: 'Zoé; R', note: null },
      { id: 2, name: 'Müller', note: '-' },
      { id: 99, name: 'before', note: null },
    ]);
  });
});
