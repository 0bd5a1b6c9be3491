import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { count, event, loaderFor, PEOPLE_DDL } from './fixtures';

const SEED = 'id,name,born,score,note\n1,Ada,1815-12-10,99.50,seed\n2,Grace,1906-12-09,98.00,seed\n';

describe('s3-to-postgres loader (stream strategy, real Postgres + S3 API)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;
  let lines: string[];

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_loader');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-loader');
    ({ loader, lines } = loaderFor());
  });
  afterAll(async () => {
    await loader.close();
    await db.drop();
  });
  beforeEach(async () => {
    await client.query('DROP SCHEMA IF EXISTS archive CASCADE; DROP TABLE IF EXISTS public.people, public.events');
    // The loader creates its ledger once per container (cold start): empty it, do not drop it.
    await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
    await client.query(PEOPLE_DDL);
    lines.length = 0;
  });

  /** Seeds people with two rows through the loader itself, returns the table as text for before/after comparison. */
  async function seedPeople(): Promise<string> {
    const key = `people/seed-${Math.random().toString(36).slice(2)}.csv`;
    const eTag = await putObject(s3, bucket, key, SEED);
    await loader.handle(event(bucket, key, eTag));
    return snapshot();
  }
  const snapshot = async () => JSON.stringify((await client.query('SELECT id, name, born::text, score::text, note FROM people ORDER BY id')).rows);
  const ledgerRows = async () => (await client.query('SELECT count(*)::int AS n FROM migration_kit.s3_load_ledger')).rows[0].n as number;

  async function load(key: string, body: string | Buffer) {
    const eTag = await putObject(s3, bucket, key, body);
    return loader.handle(event(bucket, key, eTag));
  }

  /** Loads `body` into people over the seed and expects a rejection matching `pattern`, with people and the ledger unchanged. */
  async function expectRejected(body: string | Buffer, pattern: RegExp, key = 'people/bad.csv') {
    const before = await seedPeople();
    const ledgerBefore = await ledgerRows();
    const err = await load(key, body).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(pattern);
    expect(err!.message).toContain(`s3://${bucket}/${key} -> public.people`);
    expect(err!.message).toContain('the table is unchanged');
    expect(await snapshot()).toBe(before);
    expect(await ledgerRows()).toBe(ledgerBefore);
    return err!;
  }

  test('loads a CSV with quoted commas, line breaks, quotes, NULL vs empty string and emoji, and records it in the ledger', async () => {
    const body = 'id,name,born,score,note\n1,"Lovelace, Ada",1815-12-10,1.5,"line one\nline two"\n2,"Zoë ""Z"" 🚀",,,""\n3,Plain,2000-01-01,-2,\n';
    const out = await load('people/first.csv', body);
    expect(out.results).toEqual([expect.objectContaining({ status: 'loaded', table: 'public.people', rows: 3, mode: 'replace' })]);
    const { rows } = await client.query('SELECT id, name, born::text, score::text, note FROM people ORDER BY id');
    expect(rows).toEqual([
      { id: 1, name: 'Lovelace, Ada', born: '1815-12-10', score: '1.50', note: 'line one\nline two' },
      { id: 2, name: 'Zoë "Z" 🚀', born: null, score: null, note: '' },
      { id: 3, name: 'Plain', born: '2000-01-01', score: '-2.00', note: null },
    ]);
    const ledger = await client.query('SELECT bucket, object_key, object_id, target_table, load_mode, row_count::int FROM migration_kit.s3_load_ledger');
    expect(ledger.rows).toEqual([
      { bucket, object_key: 'people/first.csv', object_id: expect.stringMatching(/^etag:[0-9a-f]{32}$/), target_table: 'public.people', load_mode: 'replace', row_count: 3 },
    ]);
  });

  test('replace mode swaps the whole table for the file', async () => {
    await seedPeople();
    await load('people/next.csv', 'id,name\n7,Katherine\n');
    expect((await client.query('SELECT id, name FROM people')).rows).toEqual([{ id: 7, name: 'Katherine' }]);
  });

  test('#1 the same event delivered twice: the second is a no-op reported as skipped', async () => {
    const eTag = await putObject(s3, bucket, 'people/dup.csv', SEED);
    const first = await loader.handle(event(bucket, 'people/dup.csv', eTag));
    await client.query("UPDATE people SET note = 'edited after load'");
    const second = await loader.handle(event(bucket, 'people/dup.csv', eTag));
    expect(first.results[0].status).toBe('loaded');
    expect(second.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^duplicate/) }));
    expect((await client.query('SELECT DISTINCT note FROM people')).rows).toEqual([{ note: 'edited after load' }]);
    expect(await ledgerRows()).toBe(1);
  });

  test('#2 the same key overwritten with new content loads the new content; the stale event is skipped', async () => {
    const oldTag = await putObject(s3, bucket, 'people/same.csv', SEED);
    await loader.handle(event(bucket, 'people/same.csv', oldTag));
    const newTag = await putObject(s3, bucket, 'people/same.csv', 'id,name\n10,New\n');
    const out = await loader.handle(event(bucket, 'people/same.csv', newTag));
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 1 }));
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 10 }]);
    // A late redelivery of the first event must not bring the old content back.
    const late = await loader.handle(event(bucket, 'people/same.csv', oldTag));
    expect(late.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^superseded/) }));
    expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 10 }]);
  });

  test('#3 a header with an extra column is rejected naming it', async () => {
    await expectRejected('id,name,nickname\n5,Eve,evie\n', /extra column\(s\) "nickname"/);
  });

  test('#4 a header missing a required column is rejected naming it (columns with defaults may be left out)', async () => {
    await expectRejected('id,born\n5,2000-01-01\n', /missing column\(s\) "name" that the table requires/);
  });

  test('#4 neighbour: duplicate and empty header names are rejected by name and position', async () => {
    await expectRejected('id,name,name,\n5,Eve,Eve,\n', /empty column name\(s\) at position 4.*duplicate column\(s\) "name"/);
  });

  test('#5 columns in another order (and different case, quoted names) load by name', async () => {
    const out = await load('people/reordered.csv', '"NOTE",score,Name,id\nhello,3.25,Mia,42\n');
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 1 }));
    expect((await client.query('SELECT id, name, score::text, note FROM people')).rows).toEqual([{ id: 42, name: 'Mia', score: '3.25', note: 'hello' }]);
  });

  test('#6 a row with too few fields is rejected with its line number', async () => {
    await expectRejected('id,name,born\n5,Eve,2000-01-01\n6,Bob\n', /line 3\b.*missing data for column "born"/);
  });

  test('#6 a row with too many fields is rejected with its line number', async () => {
    await expectRejected('id,name\n5,Eve\n6,Bob\n7,Al,extra\n', /line 4\b.*extra data after last expected column/);
  });

  test('#6 neighbour: line numbers are file lines, also after a quoted value spanning two lines', async () => {
    await expectRejected('id,name,note\n5,Eve,ok\n6,Bob,"two\nlines"\n7,x,y,z\n', /line 5\b/);
  });

  test('#7 neighbour: an unterminated quote names the line it opened on', async () => {
    await expectRejected('id,name,note\n5,Eve,ok\n6,Bob,"two\nlines\n7,x,y\n', /unterminated quoted field starting at line 3/);
  });

  test('#6 neighbour: a blank line in the middle is a row with missing fields, rejected with its line', async () => {
    await expectRejected('id,name\n5,Eve\n\n6,Bob\n', /line 3\b.*missing data for column "name"/);
  });

  test('#7 an unterminated quote is rejected', async () => {
    await expectRejected('id,name\n5,"Eve\n6,Bob\n', /unterminated quoted field/);
  });

  test('#8 a value the column type refuses is rejected naming line and column, without echoing the value', async () => {
    const err = await expectRejected('id,name,born\n5,Eve,2000-01-01\n6,Bob,2001-02-31-SECRETVALUE\n', /line 3, column born: .*\[22/);
    expect(err.message).not.toContain('SECRETVALUE');
    expect(lines.join('\n')).not.toContain('SECRETVALUE');
  });

  test.each([
    ['integer overflow', 'id,name\n99999999999,Eve\n', /line 2, column id/, '99999999999'],
    ['text in an integer column', 'id,name\nnotanumber,Eve\n', /line 2, column id/, 'notanumber'],
    ['numeric overflow', 'id,name,score\n1,Eve,123456789\n', /line 2, column score/, '123456789'],
  ])('#8 neighbour: %s is rejected with line and column, without echoing the value', async (_label, body, pattern, value) => {
    const err = await expectRejected(body, pattern);
    // Postgres puts some values inside its message (value "99999999999" is out of range for type integer).
    expect(err.message).not.toContain(value);
    expect(lines.join('\n')).not.toContain(value);
  });

  test('#9 a duplicate primary key in the file is rejected naming the constraint', async () => {
    await expectRejected('id,name\n5,Eve\n5,Eve again\n', /constraint people_pkey.*\[23505\]/);
  });

  test('#9 a NOT NULL violation is rejected naming the column', async () => {
    await expectRejected('id,name\n5,Eve\n6,\n', /line 3.*null value in column "name".*\[23502\]/);
  });

  test('#10 invalid UTF-8 (a Windows-1252 byte) is rejected with the line', async () => {
    const body = Buffer.concat([Buffer.from('id,name\n5,Eve\n6,Caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    await expectRejected(body, /line 3.*invalid byte sequence for encoding "UTF8".*\[22021\]/);
  });

  test('#11 a zero-byte file is rejected and never empties the table', async () => {
    await expectRejected('', /the file is empty \(0 bytes\)/);
  });

  test('#11 a header-only file in replace mode is rejected and never empties the table', async () => {
    await expectRejected('id,name\n', /header but no rows; replace mode refuses to empty the table/);
  });

  test('#11 neighbour: a header-only file in append mode is an explicit no-op load of 0 rows', async () => {
    const out = await load('events/empty.csv', 'kind,n\r\n');
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 0 }));
    expect(await count(client, 'events')).toBe(0);
  });

  test('#12 an object deleted before the Lambda read it fails with a clear non-retryable error; nothing changes', async () => {
    const before = await seedPeople();
    const eTag = await putObject(s3, bucket, 'people/gone.csv', SEED);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'people/gone.csv' }));
    const err = await loader.handle(event(bucket, 'people/gone.csv', eTag)).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'ObjectMissingError', retryable: false });
    expect((err as Error).message).toMatch(/people\/gone\.csv -> public\.people: the object no longer exists .* retrying will not help/);
    expect(await snapshot()).toBe(before);
  });

  test('#13 a key that matches no route loads nothing and is reported as skipped', async () => {
    const out = await load('unrouted/file.csv', SEED);
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/no route matches/) }));
    expect(await count(client, 'people')).toBe(0);
    expect(lines.some((l) => JSON.parse(l).message === 'skipped: no route')).toBe(true);
  });

  test('#13 neighbour: the longest matching prefix wins', async () => {
    await seedPeople();
    await load('people/archive/2020.csv', 'id,name\n100,Old\n');
    expect(await count(client, 'people')).toBe(2);
    expect((await client.query('SELECT id, name FROM archive.people')).rows).toEqual([{ id: 100, name: 'Old' }]);
  });

  test('#13 neighbour: a route to a table that does not exist fails naming the table', async () => {
    const err = await load('ghost/x.csv', 'a\n1\n').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/-> public\.no_such_table: failed: table public\.no_such_table does not exist/);
  });

  test('#14 append mode adds rows and keeps existing ones; identity and generated columns are filled by Postgres', async () => {
    await load('events/a.csv', 'kind,n\nclick,1\n');
    await load('events/b.csv', 'n,kind\n2,view\n3,view\n');
    expect((await client.query('SELECT id::int, kind, n, twice FROM events ORDER BY id')).rows).toEqual([
      { id: 1, kind: 'click', n: 1, twice: 2 },
      { id: 2, kind: 'view', n: 2, twice: 4 },
      { id: 3, kind: 'view', n: 3, twice: 6 },
    ]);
  });

  test('#14 neighbour: a generated column in the file is rejected by name', async () => {
    const err = await load('events/gen.csv', 'kind,n,twice\nx,1,2\n').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/generated column\(s\) "twice" cannot be loaded/);
    expect(await count(client, 'events')).toBe(0);
  });

  test('a failure deep in a replace file leaves the previous content (truncate and COPY are one transaction)', async () => {
    const body = ['id,name', ...Array.from({ length: 5000 }, (_, i) => `${i + 10},n${i}`), 'oops,bad'].join('\n') + '\n';
    await expectRejected(body, /line 5002, column id/);
  });

  test('a line "\\." alone (end-of-data in Postgres <= 17) is rejected, not silently truncating the file', async () => {
    await expectRejected('id,name\n5,Eve\n\\.\n6,Bob\n', /line 3 is "\\\." alone/);
  });

  test('a quoted "\\." is data and loads', async () => {
    const out = await load('people/dot.csv', 'id,name\n5,"\\."\n6,Bob\n');
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2 }));
    expect((await client.query('SELECT name FROM people WHERE id = 5')).rows).toEqual([{ name: '\\.' }]);
  });

  test('CRLF line endings, a UTF-8 BOM and a last line without a line break load', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\r\n1,A\r\n2,"B\r\nB"\r\n3,C')]);
    const out = await load('people/crlf.csv', body);
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 3 }));
    expect((await client.query('SELECT name FROM people ORDER BY id')).rows.map((r) => r.name)).toEqual(['A', 'B\r\nB', 'C']);
  });

  test('keys are URL-decoded (spaces as +, unicode)', async () => {
    const key = 'people/2024 export ü+x.csv';
    const out = await load(key, SEED);
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', key, rows: 2 }));
    expect((await client.query('SELECT object_key FROM migration_kit.s3_load_ledger')).rows).toEqual([{ object_key: key }]);
  });

  test('an EventBridge "Object Created" event loads the key as spelled (not URL-decoded: a + stays a plus)', async () => {
    // Shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html. Decoding it like a notification
    // key would read "people/eb a b.csv", which does not exist.
    const key = 'people/eb a+b.csv';
    const eTag = await putObject(s3, bucket, key, SEED);
    const ev = {
      version: '0',
      id: 'e1',
      'detail-type': 'Object Created',
      source: 'aws.s3' as const,
      account: '111122223333',
      time: '2021-11-12T00:00:00Z',
      region: 'eu-west-2',
      resources: [`arn:aws:s3:::${bucket}`],
      detail: { version: '0', bucket: { name: bucket }, object: { key, size: SEED.length, etag: eTag }, reason: 'PutObject' },
    };
    const out = await loader.handle(ev);
    expect(out.results).toEqual([expect.objectContaining({ status: 'loaded', key, rows: 2 })]);
    expect((await client.query('SELECT object_key FROM migration_kit.s3_load_ledger')).rows).toEqual([{ object_key: key }]);
    // The same upload announced again (EventBridge delivers at least once) is a ledger hit.
    expect((await loader.handle(ev)).results[0]).toEqual(expect.objectContaining({ status: 'skipped' }));
    expect(await count(client, 'people')).toBe(2);
  });

  test('a file larger than one read chunk streams through with the row count verified', async () => {
    const n = 60_000;
    const body = 'id,name,note\n' + Array.from({ length: n }, (_, i) => `${i},name ${i},"multi\nline ${i}"`).join('\n') + '\n';
    const out = await load('people/big.csv', body);
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: n }));
    expect(await count(client, 'people')).toBe(n);
  });

  test('logs are structured JSON with bucket, key, table, rows and duration, and never row contents', async () => {
    await load('people/logged.csv', 'id,name,note\n1,VeryPrivateName,private-note-xyz\n');
    const entries = lines.map((l) => JSON.parse(l));
    const loaded = entries.find((e) => e.message === 'loaded');
    expect(loaded).toEqual(
      expect.objectContaining({ level: 'info', bucket, key: 'people/logged.csv', table: 'public.people', rows: 1, durationMs: expect.any(Number) }),
    );
    expect(lines.join('\n')).not.toMatch(/VeryPrivateName|private-note-xyz|postgres-test-only/);
  });

  test('an event with several records loads each, and one bad record fails the invocation without undoing the others', async () => {
    const goodTag = await putObject(s3, bucket, 'events/good.csv', 'kind,n\nok,1\n');
    const badTag = await putObject(s3, bucket, 'events/bad.csv', 'kind,n\nbad,notanumber\n');
    const ev = event(bucket, 'events/good.csv', goodTag);
    ev.Records.push(...event(bucket, 'events/bad.csv', badTag).Records);
    const err = await loader.handle(ev).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/events\/bad\.csv -> public\.events: rejected at line 2, column n/);
    expect(await count(client, 'events')).toBe(1);
    // The async retry re-sends both: the good one is a ledger hit, so it still counts once.
    await loader.handle(ev).catch(() => undefined);
    expect(await count(client, 'events')).toBe(1);
  });

  test('lambdas/s3-to-postgres/handler.ts keeps the contract: handler(event) configured from TABLE_ROUTES, the libpq variables and AWS_ENDPOINT_URL_S3', async () => {
    const saved = process.env.TABLE_ROUTES;
    process.env.TABLE_ROUTES = JSON.stringify([{ prefix: 'contract/', table: 'public.events', mode: 'append' }]);
    let mod!: typeof import('../../../lambdas/s3-to-postgres/handler');
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        mod = require('../../../lambdas/s3-to-postgres/handler');
      });
    } finally {
      process.env.TABLE_ROUTES = saved;
    }
    const eTag = await putObject(s3, bucket, 'contract/a b.csv', 'kind,n\nx,1\ny,2\n');
    const out = await mod.handler(event(bucket, 'contract/a b.csv', eTag));
    expect(out.results).toEqual([
      { status: 'loaded', bucket, key: 'contract/a b.csv', table: 'public.events', mode: 'append', rows: 2, eTag, versionId: undefined },
    ]);
    const skipped = await mod.handler(event(bucket, 'elsewhere/x.csv', eTag));
    expect(skipped.results[0]).toEqual(expect.objectContaining({ status: 'skipped', bucket, key: 'elsewhere/x.csv' }));
  });
});
