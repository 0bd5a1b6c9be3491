import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { ObjectIdentity, ObjectRef, ObjectSource, OpenResult } from '../../../lambdas/s3-to-postgres/source';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { count, event, loaderFor } from './fixtures';

/**
 * An in-memory versioned bucket: the versionId path of the loader, which s3rver (unversioned) cannot exercise.
 * It keeps the ObjectSource contract as S3ObjectSource gets it from S3: a ref with a versionId reads that version or
 * is missing (NoSuchVersion); a ref without one reads the current version only if its ETag matches the event's
 * (GetObject If-Match: 412 PreconditionFailed otherwise, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html);
 * `openRange` returns only the first `bytes` bytes (Range: bytes=0-N), with that length as the size.
 * What S3 does that this does not: delete markers, a Range that cannot be satisfied (416), ETags of multipart
 * uploads, eventual listing, throttling and network errors other than those a test scripts into a body.
 */
class VersionedSource implements ObjectSource {
  readonly objects = new Map<string, { versionId: string; body: Buffer | (() => Readable); eTag: string }[]>();
  private next = 1;

  put(key: string, body: string | (() => Readable)): { versionId: string; eTag: string } {
    const versionId = `v${this.next++}`;
    const eTag = createHash('md5').update(typeof body === 'string' ? body : versionId).digest('hex');
    this.objects.set(key, [...(this.objects.get(key) ?? []), { versionId, eTag, body: typeof body === 'string' ? Buffer.from(body) : body }]);
    return { versionId, eTag };
  }

  private find(ref: ObjectRef) {
    const versions = this.objects.get(ref.key) ?? [];
    return ref.versionId ? versions.find((v) => v.versionId === ref.versionId) : versions[versions.length - 1];
  }

  async open(ref: ObjectRef, bytes?: number): Promise<OpenResult> {
    const v = this.find(ref);
    if (!v) return { status: 'missing' };
    if (!ref.versionId && ref.eTag && ref.eTag !== v.eTag) return { status: 'superseded', current: v.eTag };
    if (typeof v.body === 'function') {
      const stream = v.body();
      return { status: 'ok', object: { body: bytes === undefined ? stream : Readable.from(firstBytes(stream, bytes)), eTag: v.eTag, versionId: v.versionId } };
    }
    const content = bytes === undefined ? v.body : v.body.subarray(0, bytes);
    return { status: 'ok', object: { body: Readable.from([content], { objectMode: false }), eTag: v.eTag, versionId: v.versionId, size: content.length } };
  }

  async openRange(ref: ObjectRef, bytes: number): Promise<OpenResult> {
    return this.open(ref, bytes);
  }

  async head(ref: ObjectRef): Promise<ObjectIdentity | undefined> {
    const v = this.find({ ...ref, versionId: undefined });
    return v && { eTag: v.eTag, versionId: v.versionId, size: Buffer.isBuffer(v.body) ? v.body.length : undefined };
  }
}

/** The first `limit` bytes of a stream, as a ranged GET returns them. */
async function* firstBytes(stream: Readable, limit: number): AsyncGenerator<Buffer> {
  let left = limit;
  for await (const chunk of stream) {
    if (left <= 0) break;
    const b = Buffer.from(chunk as Buffer);
    yield b.subarray(0, left);
    left -= b.length;
  }
  stream.destroy();
}

const readAll = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

describe('the versioned-source double keeps the S3 contract', () => {
  test('openRange returns only the first bytes, as a Range GET does; open returns the whole object', async () => {
    const source = new VersionedSource();
    const v = source.put('people/p.csv', 'id,name\n1,Ann\n2,Bob\n');
    const ranged = await source.openRange({ bucket: 'b', key: 'people/p.csv', versionId: v.versionId }, 8);
    expect(ranged.status).toBe('ok');
    if (ranged.status !== 'ok') return;
    expect(ranged.object.size).toBe(8);
    expect(await readAll(ranged.object.body)).toBe('id,name\n');
    const streamed = source.put('people/s.csv', () => Readable.from([Buffer.from('id,na'), Buffer.from('me\n1,Ann\n')], { objectMode: false }));
    const part = await source.openRange({ bucket: 'b', key: 'people/s.csv', versionId: streamed.versionId }, 8);
    expect(part.status === 'ok' && (await readAll(part.object.body))).toBe('id,name\n');
    const whole = await source.open({ bucket: 'b', key: 'people/p.csv', versionId: v.versionId });
    expect(whole.status === 'ok' && (await readAll(whole.object.body))).toBe('id,name\n1,Ann\n2,Bob\n');
  });

  test('an unversioned ref reads the current object only if its ETag matches (If-Match), ranged or not', async () => {
    const source = new VersionedSource();
    const old = source.put('people/p.csv', 'id,name\n1,Old\n');
    const now = source.put('people/p.csv', 'id,name\n2,New\n');
    for (const open of [(r: ObjectRef) => source.open(r), (r: ObjectRef) => source.openRange(r, 4)]) {
      expect(await open({ bucket: 'b', key: 'people/p.csv', eTag: old.eTag })).toEqual({ status: 'superseded', current: now.eTag });
      expect(await open({ bucket: 'b', key: 'people/p.csv', eTag: now.eTag })).toMatchObject({ status: 'ok', object: { eTag: now.eTag } });
      expect(await open({ bucket: 'b', key: 'people/p.csv', versionId: old.versionId, eTag: old.eTag })).toMatchObject({ status: 'ok', object: { eTag: old.eTag } });
      expect(await open({ bucket: 'b', key: 'people/p.csv', versionId: 'v404' })).toEqual({ status: 'missing' });
    }
  });
});

describe('s3-to-postgres loader: versions, faults and concurrency', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  const bucket = 'versioned-bucket';

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_faults');
    client = db.client;
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    await client.query('DROP SCHEMA IF EXISTS archive CASCADE; DROP TABLE IF EXISTS public.people, public.events');
    await client.query('CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL); CREATE TABLE public.events (kind text NOT NULL, n int)');
    await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
  });

  test('versioned objects: each version loads once, identified by (bucket, key, versionId)', async () => {
    const source = new VersionedSource();
    const { loader } = loaderFor({}, source);
    try {
      const v1 = source.put('events/p.csv', 'kind,n\na,1\n');
      const v2 = source.put('events/p.csv', 'kind,n\na,1\n'); // same bytes, new version: loads again (append)
      expect((await loader.handle(event(bucket, 'events/p.csv', v1.eTag, v1.versionId))).results[0].status).toBe('loaded');
      expect((await loader.handle(event(bucket, 'events/p.csv', v1.eTag, v1.versionId))).results[0]).toEqual(
        expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^duplicate/) }),
      );
      expect((await loader.handle(event(bucket, 'events/p.csv', v2.eTag, v2.versionId))).results[0]).toEqual(
        expect.objectContaining({ status: 'loaded', versionId: v2.versionId }),
      );
      expect(await count(client, 'events')).toBe(2);
      const ledger = await client.query('SELECT object_id, version_id FROM migration_kit.s3_load_ledger ORDER BY loaded_at');
      expect(ledger.rows).toEqual([
        { object_id: `version:${v1.versionId}`, version_id: v1.versionId },
        { object_id: `version:${v2.versionId}`, version_id: v2.versionId },
      ]);
    } finally {
      await loader.close();
    }
  });

  test('versioned objects, replace mode: a late delivery of an older version never overwrites the newer one', async () => {
    const source = new VersionedSource();
    const { loader } = loaderFor({}, source);
    try {
      const v1 = source.put('people/p.csv', 'id,name\n1,Old\n');
      const v2 = source.put('people/p.csv', 'id,name\n2,New\n');
      expect((await loader.handle(event(bucket, 'people/p.csv', v2.eTag, v2.versionId))).results[0].status).toBe('loaded');
      const late = await loader.handle(event(bucket, 'people/p.csv', v1.eTag, v1.versionId));
      expect(late.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^superseded/) }));
      expect((await client.query('SELECT id, name FROM people')).rows).toEqual([{ id: 2, name: 'New' }]);
    } finally {
      await loader.close();
    }
  });

  test('versioned objects: the event version is read, not the latest one', async () => {
    const source = new VersionedSource();
    const { loader } = loaderFor({}, source);
    try {
      const v1 = source.put('events/e.csv', 'kind,n\nfirst,1\n');
      source.put('events/e.csv', 'kind,n\nsecond,2\nsecond,3\n');
      await loader.handle(event(bucket, 'events/e.csv', v1.eTag, v1.versionId));
      expect((await client.query('SELECT kind FROM events')).rows).toEqual([{ kind: 'first' }]);
    } finally {
      await loader.close();
    }
  });

  test('an event without a version whose ETag is no longer current is skipped as superseded; the table is unchanged', async () => {
    const source = new VersionedSource();
    const { loader } = loaderFor({}, source);
    try {
      const old = source.put('people/q.csv', 'id,name\n1,Old\n');
      source.put('people/q.csv', 'id,name\n2,New\n');
      const out = await loader.handle(event(bucket, 'people/q.csv', old.eTag));
      expect(out.results[0]).toEqual(expect.objectContaining({ status: 'skipped', reason: expect.stringMatching(/^superseded/) }));
      expect(await count(client, 'people')).toBe(0);
    } finally {
      await loader.close();
    }
  });

  test('versioned objects: a version deleted before the read fails as missing, non-retryable', async () => {
    const source = new VersionedSource();
    const { loader } = loaderFor({}, source);
    try {
      const err = await loader.handle(event(bucket, 'people/none.csv', 'abc', 'v404')).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'ObjectMissingError', retryable: false });
      expect((err as Error).message).toContain('version v404 no longer exists');
    } finally {
      await loader.close();
    }
  });

  test('#15 Postgres unreachable: a retryable error naming the object; the ledger is not marked; a later retry loads exactly once', async () => {
    const source = new VersionedSource();
    const v = source.put('people/retry.csv', 'id,name\n1,One\n2,Two\n');
    const down = loaderFor({ PGPORT: '1', PGHOST: '127.0.0.1' }, source).loader;
    const err = await down.handle(event(bucket, 'people/retry.csv', v.eTag, v.versionId)).catch((e: Error) => e);
    await down.close();
    expect(err).toMatchObject({ name: 'LoadRetryableError', retryable: true });
    expect((err as Error).message).toMatch(/^s3:\/\/versioned-bucket\/people\/retry\.csv: database unavailable: \[ECONNREFUSED\]/);
    expect(await count(client, 'people')).toBe(0);

    const up = loaderFor({}, source).loader;
    try {
      await up.handle(event(bucket, 'people/retry.csv', v.eTag, v.versionId));
      await up.handle(event(bucket, 'people/retry.csv', v.eTag, v.versionId));
      expect(await count(client, 'people')).toBe(2);
      expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(1);
    } finally {
      await up.close();
    }
  });

  test('#15 neighbour: the connection dies mid-COPY: retryable, the table and the ledger unchanged, the retry loads once', async () => {
    await client.query("INSERT INTO people VALUES (99, 'before')");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowBody = () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('id,name\n1,One\n');
          await gate;
          yield Buffer.from('2,Two\n');
        })(),
        { objectMode: false },
      );
    const source = new VersionedSource();
    const v = source.put('people/cut.csv', slowBody);
    const { loader } = loaderFor({}, source);
    try {
      const pending = loader.handle(event(bucket, 'people/cut.csv', v.eTag, v.versionId)).catch((e: Error) => e);
      for (let i = 0; i < 200; i++) {
        const { rowCount } = await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY %' AND pid <> pg_backend_pid()");
        if (rowCount) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      release();
      const err = await pending;
      expect(err).toMatchObject({ name: 'LoadRetryableError', retryable: true });
      expect((err as Error).message).toContain('people/cut.csv -> public.people');
      expect((await client.query('SELECT id, name FROM people')).rows).toEqual([{ id: 99, name: 'before' }]);
      expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(0);
      // The container's pool reconnects: the retry of the same event loads the file once.
      const again = await loader.handle(event(bucket, 'people/cut.csv', v.eTag, v.versionId));
      expect(again.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 2 }));
      expect((await client.query('SELECT id FROM people ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      release();
      await loader.close();
    }
  });

  test('an S3 read that fails mid-file rolls back: retryable, table unchanged', async () => {
    await client.query("INSERT INTO people VALUES (99, 'before')");
    const source = new VersionedSource();
    const v = source.put('people/broken.csv', () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('id,name\n1,One\n');
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        })(),
        { objectMode: false },
      ),
    );
    const { loader } = loaderFor({}, source);
    try {
      const err = await loader.handle(event(bucket, 'people/broken.csv', v.eTag, v.versionId)).catch((e: Error) => e);
      expect(err).toMatchObject({ retryable: true });
      expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
    } finally {
      await loader.close();
    }
  });

  test('concurrent deliveries of one object load it once; concurrent loads of one table serialize', async () => {
    const source = new VersionedSource();
    const dup = source.put('events/dup.csv', 'kind,n\n' + Array.from({ length: 2000 }, (_, i) => `d,${i}`).join('\n') + '\n');
    const others = Array.from({ length: 4 }, (_, i) => ({ key: `events/part-${i}.csv`, ...source.put(`events/part-${i}.csv`, `kind,n\np${i},1\np${i},2\n`) }));
    const loaders = Array.from({ length: 6 }, () => loaderFor({}, source).loader);
    try {
      const results = await Promise.all([
        loaders[0].handle(event(bucket, 'events/dup.csv', dup.eTag, dup.versionId)),
        loaders[1].handle(event(bucket, 'events/dup.csv', dup.eTag, dup.versionId)),
        ...others.map((o, i) => loaders[i + 2].handle(event(bucket, o.key, o.eTag, o.versionId))),
      ]);
      const statuses = results.map((r) => r.results[0].status);
      expect(statuses.slice(0, 2).sort()).toEqual(['loaded', 'skipped']);
      expect(statuses.slice(2)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);
      expect(await count(client, 'events')).toBe(2000 + 4 * 2);
      expect(await count(client, 'migration_kit.s3_load_ledger')).toBe(5);
    } finally {
      await Promise.all(loaders.map((l) => l.close()));
    }
  });

  test('a load waits while another load of the same table is in its transaction; a load of another table does not', async () => {
    // Load A takes its table (events) and then stalls reading its object, inside its transaction. An append B to the
    // same table must wait for A (README "How a file is loaded", step 1), although nothing else in B conflicts with A:
    // an append takes no lock TRUNCATE would, and a new object has no ledger row to collide on. A replace C of
    // another table loads meanwhile. Deterministic both ways: either B completes while A is stalled (the table lock is
    // gone) or Postgres shows a backend waiting on a lock.
    const source = new VersionedSource();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const aReads = new Promise<void>((resolve) => (reading = resolve));
    const a = source.put('events/a.csv', () => {
      reading();
      return Readable.from(
        (async function* () {
          await gate;
          yield Buffer.from('kind,n\na,1\na,2\n');
        })(),
        { objectMode: false },
      );
    });
    const b = source.put('events/b.csv', 'kind,n\nb,1\n');
    const c = source.put('people/c.csv', 'id,name\n1,C\n');
    const loaders = [loaderFor({}, source).loader, loaderFor({}, source).loader, loaderFor({}, source).loader];
    try {
      const loadA = loaders[0].handle(event(bucket, 'events/a.csv', a.eTag, a.versionId));
      await aReads;
      let bDone = false;
      const loadB = loaders[1].handle(event(bucket, 'events/b.csv', b.eTag, b.versionId)).finally(() => (bDone = true));
      const other = await loaders[2].handle(event(bucket, 'people/c.csv', c.eTag, c.versionId));
      expect(other.results[0]).toEqual(expect.objectContaining({ status: 'loaded', table: 'public.people', rows: 1 }));
      const waiting = async (): Promise<number> =>
        (await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n as number;
      const deadline = Date.now() + 15_000;
      while (!bDone && (await waiting()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(bDone).toBe(false); // B did not load into events while A held it
      expect(await waiting()).toBe(1);
      expect(await count(client, 'events')).toBe(0);
      release();
      const [outA, outB] = await Promise.all([loadA, loadB]);
      expect([outA.results[0].status, outB.results[0].status]).toEqual(['loaded', 'loaded']);
      expect((await client.query('SELECT kind, n FROM events ORDER BY kind, n')).rows).toEqual([
        { kind: 'a', n: 1 },
        { kind: 'a', n: 2 },
        { kind: 'b', n: 1 },
      ]);
    } finally {
      release();
      await Promise.all(loaders.map((l) => l.close()));
    }
  });

  test('a reader holding the table past the lock timeout makes a replace fail retryably, leaving everything as it was', async () => {
    await client.query("INSERT INTO people VALUES (99, 'before')");
    const source = new VersionedSource();
    const v = source.put('people/blocked.csv', 'id,name\n1,One\n');
    const reader = new Client(pgConfig(db.name));
    await reader.connect();
    const { loader } = loaderFor({ LOCK_TIMEOUT_MS: '300' }, source);
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM people'); // ACCESS SHARE until COMMIT: TRUNCATE must wait
      const err = await loader.handle(event(bucket, 'people/blocked.csv', v.eTag, v.versionId)).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'LoadRetryableError', retryable: true });
      expect((err as Error).message).toMatch(/people\/blocked\.csv -> public\.people: the table is locked by another session beyond the lock timeout/);
      await reader.query('COMMIT');
      expect((await client.query('SELECT id FROM people')).rows).toEqual([{ id: 99 }]);
      // Once the reader is gone, the retry loads.
      const again = await loader.handle(event(bucket, 'people/blocked.csv', v.eTag, v.versionId));
      expect(again.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 1 }));
    } finally {
      await reader.end();
      await loader.close();
    }
  });

  test('an idle connection the server closed between invocations is replaced without failing the next load', async () => {
    const source = new VersionedSource();
    const { loader, lines } = loaderFor({}, source);
    try {
      const a = source.put('events/a.csv', 'kind,n\na,1\n');
      await loader.handle(event(bucket, 'events/a.csv', a.eTag, a.versionId));
      const killed = await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' AND pid <> pg_backend_pid()");
      expect(killed.rowCount).toBeGreaterThan(0);
      const b = source.put('events/b.csv', 'kind,n\nb,2\n');
      const out = await loader.handle(event(bucket, 'events/b.csv', b.eTag, b.versionId));
      expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', rows: 1 }));
      expect(await count(client, 'events')).toBe(2);
      expect(lines.every((l) => JSON.parse(l).level !== 'error')).toBe(true);
    } finally {
      await loader.close();
    }
  });

  test('two files replacing one table at the same time: the table ends as exactly one of them, never a mix', async () => {
    const source = new VersionedSource();
    const fileA = source.put('people/a.csv', 'id,name\n' + Array.from({ length: 3000 }, (_, i) => `${i},a`).join('\n') + '\n');
    const fileB = source.put('people/b.csv', 'id,name\n' + Array.from({ length: 2000 }, (_, i) => `${i},b`).join('\n') + '\n');
    const loaders = [loaderFor({}, source).loader, loaderFor({}, source).loader];
    try {
      const results = await Promise.all([
        loaders[0].handle(event(bucket, 'people/a.csv', fileA.eTag, fileA.versionId)),
        loaders[1].handle(event(bucket, 'people/b.csv', fileB.eTag, fileB.versionId)),
      ]);
      expect(results.map((r) => r.results[0].status)).toEqual(['loaded', 'loaded']);
      const { rows } = await client.query('SELECT name, count(*)::int AS n FROM people GROUP BY name');
      expect([[{ name: 'a', n: 3000 }], [{ name: 'b', n: 2000 }]]).toContainEqual(rows);
    } finally {
      await Promise.all(loaders.map((l) => l.close()));
    }
  });
});
