import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import type { Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { bootstrapServerSideLogin, clearLedger, event, loaderFor } from './fixtures';

/** Upsert routes over every way a key can be given (primary key, composite unique constraint) or be missing. */
const UPSERT_ROUTES = [
  { prefix: 'people/', table: 'public.people', mode: 'upsert' }, // key: the primary key, found at load time
  { prefix: 'lines/', table: 'sales.lines', mode: 'upsert', key: ['order_id', 'line'] }, // a composite unique constraint
  { prefix: 'nopk/', table: 'public.nopk', mode: 'upsert' }, // no primary key, no key: refused
  { prefix: 'nouniq/', table: 'public.nouniq', mode: 'upsert', key: ['code'] }, // key without a unique constraint: refused
  { prefix: 'badkey/', table: 'public.people', mode: 'upsert', key: ['person_id'] }, // a key column the table lacks: refused
  { prefix: 'people-cdc/', table: 'public.people', mode: 'upsert', deleteMarker: { column: 'op', value: 'D' } }, // op = D deletes
  { prefix: 'people-soft/', table: 'public.people', mode: 'upsert', deleteMarker: { column: 'note', value: 'gone' } }, // a table column: refused
];

const TABLES = `
  DROP SCHEMA IF EXISTS sales CASCADE; DROP TABLE IF EXISTS public.people, public.nopk, public.nouniq;
  CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL, score int, note text, created date NOT NULL DEFAULT '2000-01-01');
  INSERT INTO public.people (id, name, score, note) VALUES (1, 'Ann', 10, 'kept'), (2, 'Bob', 20, 'kept too');
  CREATE SCHEMA sales;
  CREATE TABLE sales.lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id int NOT NULL, line int, qty int NOT NULL,
                            UNIQUE (order_id, line));
  INSERT INTO sales.lines (order_id, line, qty) VALUES (1, 1, 5), (1, 2, 6);
  CREATE TABLE public.nopk (code text, v int);
  CREATE TABLE public.nouniq (id int PRIMARY KEY, code text, v int);`;

describe('s3-to-postgres loader: upsert mode (real Postgres + S3 API, both strategies)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let mirror: string;
  let dropLogin: () => Promise<void>;
  const loaders: Record<string, { loader: Loader; lines: string[] }> = {};
  const appUser = `loader_up_${process.pid}`;
  const appPassword = 'loader-upsert-1';

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_upsert');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-upsert');
    ({ mirror, cleanup: dropLogin } = await bootstrapServerSideLogin(client, appUser, appPassword, 's3pg-upsert-'));
    for (const strategy of ['stream', 'server-side']) {
      loaders[strategy] = loaderFor({ TABLE_ROUTES: JSON.stringify(UPSERT_ROUTES), LOAD_STRATEGY: strategy, PGUSER: appUser, PGPASSWORD: appPassword });
    }
  });
  afterAll(async () => {
    for (const l of Object.values(loaders)) await l.loader.close();
    await db.drop();
    await dropLogin();
  });
  beforeEach(async () => {
    await client.query(TABLES);
    // What upsert needs on a target it does not own: SELECT (the staging table copies its definition; the key
    // lookup), INSERT and UPDATE (ON CONFLICT DO UPDATE). TEMPORARY on the database is PUBLIC's by default.
    await client.query(`GRANT USAGE ON SCHEMA sales TO ${appUser}; GRANT DELETE ON public.people TO ${appUser}; GRANT SELECT, INSERT, UPDATE ON public.people, sales.lines, public.nopk, public.nouniq TO ${appUser}`);
    await clearLedger(client);
    for (const l of Object.values(loaders)) l.lines.length = 0;
  });

  async function put(key: string, body: string): Promise<string> {
    const file = path.join(mirror, bucket, key);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    for (let d = path.dirname(file); d.startsWith(mirror); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    fs.writeFileSync(file, body, { mode: 0o644 });
    return putObject(s3, bucket, key, body);
  }
  const people = async () => (await client.query('SELECT id, name, score, note, created::text FROM people ORDER BY id')).rows;
  const lines = async () => (await client.query('SELECT id::int, order_id, line, qty FROM sales.lines ORDER BY id')).rows;
  const ledger = async () => (await client.query('SELECT object_key, load_mode, row_count::int FROM migration_kit.s3_load_ledger ORDER BY loaded_at')).rows;
  const snapshot = async () => JSON.stringify([await people(), await lines(), await ledger()]);

  describe.each(['stream', 'server-side'])('strategy %s', (strategy) => {
    const handle = (key: string, eTag: string) => loaders[strategy].loader.handle(event(bucket, key, eTag));
    const load = async (key: string, body: string) => handle(key, await put(`${key}`, body));
    const rejected = async (key: string, body: string) => {
      const before = await snapshot();
      const err = await load(key, body).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err).toMatchObject({ retryable: false });
      expect(await snapshot()).toBe(before); // table and ledger untouched
      return err!;
    };

    test('inserts new keys and updates existing ones by the primary key; columns the file lacks keep their values', async () => {
      const out = await load(`people/${strategy}-1.csv`, 'name,id,score\nBobby,2,21\nCy,3,30\n');
      expect(out.results).toEqual([expect.objectContaining({ status: 'loaded', table: 'public.people', mode: 'upsert', rows: 2 })]);
      expect(await people()).toEqual([
        { id: 1, name: 'Ann', score: 10, note: 'kept', created: '2000-01-01' },
        { id: 2, name: 'Bobby', score: 21, note: 'kept too', created: '2000-01-01' },
        { id: 3, name: 'Cy', score: 30, note: null, created: '2000-01-01' },
      ]);
      expect(await ledger()).toEqual([{ object_key: `people/${strategy}-1.csv`, load_mode: 'upsert', row_count: 2 }]);
      const logged = loaders[strategy].lines.map((l) => JSON.parse(l)).find((l) => l.message === 'loaded');
      expect(logged).toMatchObject({ rows: 2, inserted: 1, updated: 1 });
    });

    test('a second file updates again; a re-sent event for the same object is a ledger no-op', async () => {
      const first = `people/${strategy}-a.csv`;
      const eTag = await put(first, 'id,name,score\n1,Ann,11\n4,Dee,40\n');
      await handle(first, eTag);
      // NOT NULL columns without default (name) are required in every file, as Postgres checks the row to insert
      // before it finds the conflict.
      await load(`people/${strategy}-b.csv`, 'id,score,name\n1,12,Ann\n4,41,Dee\n');
      const after = await people();
      expect(after).toEqual([
        { id: 1, name: 'Ann', score: 12, note: 'kept', created: '2000-01-01' },
        { id: 2, name: 'Bob', score: 20, note: 'kept too', created: '2000-01-01' },
        { id: 4, name: 'Dee', score: 41, note: null, created: '2000-01-01' },
      ]);
      // The first file's event again: loading it would set scores back to 11 and 40.
      const again = await handle(first, eTag);
      expect(again.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^duplicate/) }));
      expect(await people()).toEqual(after);
      expect((await ledger()).map((r) => r.object_key)).toEqual([first, `people/${strategy}-b.csv`]);
    });

    test('fails when the file holds a key twice: names object, table, key and rows, never the values; table and ledger unchanged', async () => {
      const key = `people/${strategy}-dup.csv`;
      const err = await rejected(key, 'id,name\n5,Eve-secret\n2,Bob-secret\n5,Fay-secret\n');
      expect(err.message).toContain(`s3://${bucket}/${key} -> public.people: rejected: duplicate upsert key ("id" of public.people) in the file: data rows 1 and 3`);
      expect(err.message).toContain('1 key(s) appear more than once');
      expect(err.message).toContain('the table is unchanged');
      const logs = loaders[strategy].lines.join('\n');
      expect(logs).toContain('duplicate upsert key');
      for (const secret of ['Eve-secret', 'Fay-secret', 'Bob-secret']) {
        expect(err.message).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });

    test('a composite key on a unique constraint: updates match on both columns, identities of updated rows stay', async () => {
      const out = await load(`lines/${strategy}-1.csv`, 'order_id,line,qty\n1,2,60\n2,1,7\n1,3,8\n');
      expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 3 }));
      expect(await lines()).toEqual([
        { id: 1, order_id: 1, line: 1, qty: 5 },
        { id: 2, order_id: 1, line: 2, qty: 60 },
        { id: expect.any(Number), order_id: 2, line: 1, qty: 7 },
        { id: expect.any(Number), order_id: 1, line: 3, qty: 8 },
      ]);
    });

    test('fails when a composite key repeats, or a key column is empty (a unique index lets NULLs through)', async () => {
      const dup = await rejected(`lines/${strategy}-dup.csv`, 'order_id,line,qty\n1,1,1\n2,1,2\n1,2,3\n2,1,4\n');
      expect(dup.message).toMatch(/duplicate upsert key \("order_id", "line" of sales\.lines\) in the file: data rows 2 and 4/);
      const empty = await rejected(`lines/${strategy}-null.csv`, 'order_id,line,qty\n3,1,1\n3,,2\n');
      expect(empty.message).toMatch(/data row 2 \(counting rows after the header\) has an empty upsert key column \(key "order_id", "line" of sales\.lines\)/);
    });

    test('fails clearly for a table without primary key and a route without key; and for a key no unique constraint covers', async () => {
      const nopk = await rejected(`nopk/${strategy}.csv`, 'code,v\na,1\n');
      expect(nopk.message).toContain(`s3://${bucket}/nopk/${strategy}.csv -> public.nopk: failed: upsert into public.nopk needs a key, and the table has no primary key and the route names no key`);
      const nouniq = await rejected(`nouniq/${strategy}.csv`, 'id,code,v\n1,a,1\n');
      expect(nouniq.message).toMatch(/upsert into public\.nouniq merges by \("code"\), but no primary key, unique constraint or unique index .* covers exactly those columns/);
      expect(await client.query('SELECT count(*)::int AS n FROM nopk UNION ALL SELECT count(*)::int FROM nouniq').then((r) => r.rows)).toEqual([{ n: 0 }, { n: 0 }]);
    });

    test("fails naming the route's key when a key column is not a column of the table", async () => {
      const err = await rejected(`badkey/${strategy}.csv`, 'id,name\n1,Ann\n');
      expect(err.message).toContain(`-> public.people: failed: upsert key column(s) "person_id" are not columns of public.people; fix the route's key`);
    });

    test('deleteMarker: rows marked "D" delete their key (empty non-key fields allowed), the others merge, in one transaction', async () => {
      const out = await load(`people-cdc/${strategy}.csv`, 'op,id,name,score\nD,1,,\nU,2,Bobby,21\n,5,Eve,50\nD,9,,\n');
      expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', table: 'public.people', mode: 'upsert', rows: 4 }));
      expect(await people()).toEqual([
        { id: 2, name: 'Bobby', score: 21, note: 'kept too', created: '2000-01-01' },
        { id: 5, name: 'Eve', score: 50, note: null, created: '2000-01-01' },
      ]);
      const logged = loaders[strategy].lines.map((l) => JSON.parse(l)).find((l) => l.message === 'loaded');
      expect(logged).toMatchObject({ rows: 4, inserted: 1, updated: 1, deleted: 1 });
      // A key both deleted and upserted in one file is a duplicate key: rejected, nothing deleted.
      const both = await rejected(`people-cdc/${strategy}-both.csv`, 'op,id,name\nD,2,\nU,2,Bob\n');
      expect(both.message).toMatch(/duplicate upsert key \("id" of public\.people\) in the file: data rows 1 and 2/);
    });

    test('deleteMarker: fails when the header lacks the marker, or the marker is a column of the table', async () => {
      const missing = await rejected(`people-cdc/${strategy}-nomarker.csv`, 'id,name\n1,Ann\n');
      expect(missing.message).toMatch(/rejected: the header lacks the route's delete marker column "op"/);
      const soft = await rejected(`people-soft/${strategy}.csv`, 'id,name,note\n1,Ann,gone\n');
      expect(soft.message).toMatch(/failed: the route's deleteMarker column "note" is a column of public\.people; the marker is a file-only column/);
    });

    test('fails when the header lacks a key column, or a value is refused (with its line); nothing merged', async () => {
      const nokey = await rejected(`lines/${strategy}-nokey.csv`, 'order_id,qty\n1,9\n');
      expect(nokey.message).toMatch(/rejected: the header lacks the upsert key column\(s\) "line" of sales\.lines/);
      const bad = await rejected(`people/${strategy}-bad.csv`, 'id,name,score\n2,Bobby,21\n7,Gus,lots\n');
      expect(bad.message).toMatch(/rejected at line 3, column score/);
    });
  });
});
