import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import type { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { event, loaderFor } from './fixtures';

/** Windows-1252 bytes of a string (the characters used here: ASCII, é, ü, €). */
function win1252(text: string): Buffer {
  const special: Record<string, number> = { '€': 0x80 };
  return Buffer.from([...text].map((ch) => special[ch] ?? (ch.charCodeAt(0) <= 0xff ? ch.charCodeAt(0) : 0x3f)));
}

/** CSV dialects per route (delimiter, quote, null marker, source encoding) against real Postgres and the S3 API. */
describe('s3-to-postgres loader: CSV dialects per route (stream strategy, real Postgres + S3 API)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;

  const ROUTES = [
    { prefix: 'semi/', table: 'public.items', mode: 'append', csv: { delimiter: ';', quote: "'" } },
    { prefix: 'nulls/', table: 'public.items', mode: 'append', csv: { nullMarker: 'NULL' } },
    { prefix: 'tabs/', table: 'public.items', mode: 'append', csv: { delimiter: '\t', nullMarker: '\\N' } },
    { prefix: 'win/', table: 'public.items', mode: 'append', csv: { delimiter: ';', encoding: 'WIN1252' } },
    { prefix: 'utf8/', table: 'public.items', mode: 'append', csv: { delimiter: ';', encoding: 'UTF8' } },
  ];

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_dialects');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-dialects');
    ({ loader } = loaderFor({ TABLE_ROUTES: JSON.stringify(ROUTES) }));
  });
  afterAll(async () => {
    await loader.close();
    await db.drop();
  });
  beforeEach(async () => {
    await client.query('DROP TABLE IF EXISTS public.items');
    await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
    await client.query('CREATE TABLE public.items (id int PRIMARY KEY, "prénom" text, label text, price numeric(8,2))');
    await client.query("INSERT INTO items VALUES (99, 'seed', 'seed', 1)");
  });

  const items = async () => (await client.query('SELECT id, "prénom", label, price::text FROM items ORDER BY id')).rows;
  const ledgerRows = async () => (await client.query('SELECT count(*)::int AS n FROM migration_kit.s3_load_ledger')).rows[0].n as number;
  async function load(key: string, body: string | Buffer) {
    const eTag = await putObject(s3, bucket, key, body);
    return loader.handle(event(bucket, key, eTag));
  }
  async function expectRejected(key: string, body: string | Buffer, pattern: RegExp) {
    const before = await items();
    const ledgerBefore = await ledgerRows();
    const err = (await load(key, body).catch((e: Error) => e)) as Error & { retryable?: boolean };
    expect(err).toBeInstanceOf(Error);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`s3://${bucket}/${key} -> public.items: rejected`);
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('the table is unchanged');
    expect(await items()).toEqual(before);
    expect(await ledgerRows()).toBe(ledgerBefore);
  }

  test("a ';'-delimited, '-quoted file: quoted delimiters, doubled quotes, line breaks and \" as plain text load as written", async () => {
    const body = "id;'prénom';label;price\n1;'Dupont; Jean';'it''s \"fine\"';1.50\n2;Ann;'two\nlines';\n3;'';x;2\n";
    const out = await load('semi/a.csv', body);
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 3, mode: 'append' }));
    expect(await items()).toEqual([
      { id: 1, prénom: 'Dupont; Jean', label: 'it\'s "fine"', price: '1.50' },
      { id: 2, prénom: 'Ann', label: 'two\nlines', price: null },
      { id: 3, prénom: '', label: 'x', price: '2.00' },
      { id: 99, prénom: 'seed', label: 'seed', price: '1.00' },
    ]);
  });

  test('a bad row in a dialect file is rejected with its file line (line numbers count the quoted line break)', async () => {
    await expectRejected('semi/bad.csv', "id;label\n1;a\n2;'b\nc'\nx;d\n", /rejected at line 5, column id/);
  });

  test('an unterminated quote with the dialect quote is rejected (the counter follows the dialect, not ")', async () => {
    await expectRejected('semi/open.csv', "id;label\n1;'never closed\n2;b\n", /unterminated quoted field starting at line 2/);
  });

  test('nullMarker: the unquoted marker is NULL, the quoted marker and the unquoted empty string are text', async () => {
    await load('nulls/a.csv', 'id,prénom,label,price\n1,NULL,"NULL",NULL\n2,,x,3\n');
    expect(await items()).toEqual([
      { id: 1, prénom: null, label: 'NULL', price: null },
      { id: 2, prénom: '', label: 'x', price: '3.00' },
      { id: 99, prénom: 'seed', label: 'seed', price: '1.00' },
    ]);
  });

  test('tab-delimited with \\N as NULL (a backslash in the marker reaches COPY intact)', async () => {
    await load('tabs/a.tsv', 'id\tprénom\tlabel\tprice\n1\t\\N\tx y\t\\N\n');
    expect((await items())[0]).toEqual({ id: 1, prénom: null, label: 'x y', price: null });
  });

  test('a WIN1252 file (é, ü, €) is converted by the server: the header maps "prénom", the values equal the UTF-8 text', async () => {
    const text = 'id;prénom;label;price\n1;Zoé;Müller € 5;5.00\n2;Renée;€;\n';
    const out = await load('win/a.csv', win1252(text));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2 }));
    expect(await items()).toEqual([
      { id: 1, prénom: 'Zoé', label: 'Müller € 5', price: '5.00' },
      { id: 2, prénom: 'Renée', label: '€', price: null },
      { id: 99, prénom: 'seed', label: 'seed', price: '1.00' },
    ]);
  });

  test('a gzip-compressed WIN1252 file: decompressed, then converted', async () => {
    await load('win/b.csv.gz', gzipSync(win1252('id;label\n7;Café €\n')));
    expect((await items())[0]).toEqual({ id: 7, prénom: null, label: 'Café €', price: null });
  });

  test('wrong encoding: a WIN1252 file routed as UTF8 is rejected naming the line and the invalid bytes; nothing written', async () => {
    await expectRejected('utf8/a.csv', win1252('id;label\n1;ok\n2;Zoé\n'), /rejected at line 3.*invalid byte sequence for encoding "UTF8": 0xe9/);
  });

  test('wrong encoding in the header: named as an encoding problem on line 1, not as a column mismatch', async () => {
    await expectRejected('utf8/b.csv', win1252('id;prénom\n1;x\n'), /rejected: the header line is not valid UTF8 text; check the route's csv\.encoding/);
  });

  test('a byte WIN1252 does not define (0x81) is refused by the server with its line', async () => {
    await expectRejected('win/c.csv', Buffer.concat([Buffer.from('id;label\n1;a'), Buffer.from([0x81]), Buffer.from('\n')]), /rejected at line 2.*0x81.*WIN1252/);
  });
});
