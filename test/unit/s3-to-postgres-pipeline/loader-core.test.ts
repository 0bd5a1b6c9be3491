import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../../lambdas/s3-to-postgres/config';
import { CsvFormatError, CsvRecordCounter, parseHeader } from '../../../lambdas/s3-to-postgres/csv';
import { LoadError, toLoadError } from '../../../lambdas/s3-to-postgres/errors';
import { ledgerDdl } from '../../../lambdas/s3-to-postgres/ledger';
import { eventObjects } from '../../../lambdas/s3-to-postgres/events';
import { beginTransaction, loadObject } from '../../../lambdas/s3-to-postgres/load';
import { decodeS3Key, matchRoute, resolveRoutes, routeProblems } from '../../../lambdas/s3-to-postgres/routes';
import { mapHeader, TableColumn } from '../../../lambdas/s3-to-postgres/table';

/** Runs `text` through the counter in chunks of `size` bytes (1 = every chunk boundary is exercised). */
async function countRecords(text: string | Buffer, size: number): Promise<{ records: number; bytes: number; out: Buffer }> {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  const counter = new CsvRecordCounter(2);
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks, { objectMode: false }),
    counter,
    new Writable({
      write(chunk, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { records: counter.records, bytes: counter.bytes, out: Buffer.concat(out) };
}

describe('CsvRecordCounter', () => {
  test.each([
    ['plain LF rows', 'a,b\nc,d\n', 2],
    ['no final line break', 'a,b\nc,d', 2],
    ['CRLF rows', 'a,b\r\nc,d\r\n', 2],
    ['CR-only rows', 'a,b\rc,d\r', 2],
    ['quoted line breaks are data', '1,"x\ny"\n2,"p\r\nq"\n', 2],
    ['escaped quotes inside quotes', '1,"say ""hi""\nthere"\n2,x\n', 2],
    ['blank lines are records (Postgres sees them too)', 'a\n\nb\n', 3],
    ['a quoted \\. is data', '"\\."\nx\n', 2],
    ['\\. inside a longer value is data', '\\.x\n', 1],
    ['empty input', '', 0],
  ])('%s', async (_label, text, expected) => {
    for (const size of [1, 2, 3, 7, 1024]) {
      const { records, out, bytes } = await countRecords(text, size);
      expect(records).toBe(expected);
      expect(out.toString()).toBe(text); // bytes pass through unchanged
      expect(bytes).toBe(Buffer.byteLength(text));
    }
  });

  test('rejects a line "\\." alone with its file line, at any chunk boundary', async () => {
    for (const size of [1, 2, 5, 100]) {
      await expect(countRecords('a\nb\n\\.\nc\n', size)).rejects.toThrow(/line 4 is "\\\." alone/);
      await expect(countRecords('a\r\n\\.', size)).rejects.toThrow(/line 3 is "\\\." alone/);
    }
  });

  test('rejects an unterminated quote naming the line it opened on', async () => {
    const err = await countRecords('a\nb,"open\nstill\n', 4).catch((e) => e);
    expect(err).toBeInstanceOf(CsvFormatError);
    expect(err.message).toBe('unterminated quoted field starting at line 3');
    expect(err.line).toBe(3);
  });
});

describe('parseHeader', () => {
  test('parses quoted names with commas, quotes and line breaks; trims unquoted names; strips a BOM', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' id ,"a,b","say ""x""","two\nlines"\r\n1,2,3,4\n')]);
    const h = parseHeader(buf, false)!;
    expect(h.columns).toEqual(['id', 'a,b', 'say "x"', 'two\nlines']);
    expect(buf.subarray(h.end).toString()).toBe('1,2,3,4\n');
  });

  test('needs more bytes for an incomplete header (or a CR that may be followed by LF)', () => {
    expect(parseHeader(Buffer.from('id,na'), false)).toBeUndefined();
    expect(parseHeader(Buffer.from('id,name\r'), false)).toBeUndefined();
    expect(parseHeader(Buffer.from('id,name\r'), true)).toEqual({ columns: ['id', 'name'], end: 8 });
    expect(parseHeader(Buffer.from('id,name'), true)).toEqual({ columns: ['id', 'name'], end: 7 });
  });

  test('fails on an unterminated quoted name', () => {
    expect(() => parseHeader(Buffer.from('"id,name'), true)).toThrow(/unterminated quoted name/);
  });
});

describe('mapHeader', () => {
  const cols: TableColumn[] = [
    { name: 'id', required: true, generated: false },
    { name: 'Name', required: true, generated: false },
    { name: 'note', required: false, generated: false },
    { name: 'total', required: false, generated: true },
  ];

  test('maps by name in file order, exact first, then case-insensitively', () => {
    expect(mapHeader(['name', 'ID', 'note'], cols)).toEqual({ ok: true, columns: ['Name', 'id', 'note'] });
  });

  test('lists every problem by name', () => {
    const m = mapHeader(['id', 'extra', 'id', '', 'total'], cols);
    expect(m).toEqual({
      ok: false,
      problem:
        'empty column name(s) at position 4; extra column(s) "extra" not in the table; missing column(s) "Name" that the table requires; duplicate column(s) "id"; generated column(s) "total" cannot be loaded; remove them from the file',
    });
  });
});

describe('routes', () => {
  const routes = resolveRoutes([
    { prefix: 'people/', table: 'people', mode: 'replace' },
    { prefix: 'people/archive/', table: 'archive.people', mode: 'append' },
    { prefix: '', table: 'catch_all', mode: 'append' },
  ]);

  test('the longest matching prefix wins; the empty prefix catches the rest', () => {
    expect(matchRoute(routes, 'people/archive/x.csv')?.qualified).toBe('archive.people');
    expect(matchRoute(routes, 'people/x.csv')?.qualified).toBe('public.people');
    expect(matchRoute(routes, 'other.csv')?.qualified).toBe('public.catch_all');
  });

  test('keys are decoded as S3 encodes them in events', () => {
    expect(decodeS3Key('dir/a+b%2Bc%C3%BC.csv')).toBe('dir/a b+cü.csv');
  });

  test('problems are sentences naming the route', () => {
    expect(routeProblems([{ prefix: 'x/', table: 't', mode: 'append', extra: 1 }])).toEqual(['route 0: unknown field(s) extra; a route has prefix, table and mode.']);
    expect(routeProblems('nope')).toEqual(['routes must be a list of {prefix, table, mode}.']);
  });
});

describe('toLoadError', () => {
  const target = { bucket: 'b', key: 'k.csv', table: 'public.t' };

  test('a COPY data error names the file line and column and redacts the value', () => {
    const e = toLoadError(
      { code: '22P02', message: 'invalid input syntax for type integer: "secret-value"', where: 'COPY t, line 4, column age: "secret-value"' },
      target,
      1,
    );
    expect(e.message).toBe(
      's3://b/k.csv -> public.t: rejected at line 5, column age: invalid input syntax for type integer: <value redacted> [22P02]; nothing was loaded, the table is unchanged',
    );
    expect(e.retryable).toBe(false);
  });

  test('connection errors are retryable', () => {
    const e = toLoadError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }), target);
    expect(e).toBeInstanceOf(LoadError);
    expect(e.name).toBe('LoadRetryableError');
    expect(e.message).toMatch(/database unavailable: \[ECONNREFUSED\] connect ECONNREFUSED/);
  });
});

describe('loadConfig', () => {
  test('parses routes, strategy and ledger', () => {
    const c = loadConfig({ TABLE_ROUTES: '[{"prefix":"p/","table":"t","mode":"append"}]', LOAD_STRATEGY: 'server-side', AWS_REGION: 'eu-west-2' });
    expect(c).toMatchObject({ strategy: 'server-side', region: 'eu-west-2', ledger: { schema: 'migration_kit', name: 's3_load_ledger' } });
    expect(c.routes[0]).toMatchObject({ schema: 'public', name: 't', qualified: 'public.t' });
  });

  test.each([
    [{}, /TABLE_ROUTES is required/],
    [{ TABLE_ROUTES: '{' }, /TABLE_ROUTES is not valid JSON/],
    [{ TABLE_ROUTES: '[{"prefix":"p/","table":"t","mode":"merge"}]' }, /invalid table routes: route 0: mode "merge"/],
    [{ TABLE_ROUTES: '[]', LOAD_STRATEGY: 'bulk' }, /LOAD_STRATEGY/],
    [{ TABLE_ROUTES: '[{"prefix":"p/","table":"t","mode":"append"}]', LEDGER_TABLE: 'ledger' }, /LEDGER_TABLE "ledger" must be schema\.table/],
  ])('fails when the environment is %j', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});

describe('templates/postgres/s3-import.sql', () => {
  test('creates the same ledger as the loader does, quoted identifiers included', () => {
    // Comments and layout aside, the text must match: quotes stay, since "Migration_Kit" and migration_kit differ.
    const normalize = (sql: string) => sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
    const template = normalize(fs.readFileSync(path.join(__dirname, '../../../templates/postgres/s3-import.sql'), 'utf8'));
    expect(template).toContain(normalize(ledgerDdl()));
  });
});

describe('loadObject before any I/O', () => {
  test('fails naming the raw key when the event key is not valid URL encoding', async () => {
    const deps = { routes: resolveRoutes([{ prefix: '', table: 't', mode: 'append' }]) } as unknown as Parameters<typeof loadObject>[0];
    await expect(loadObject(deps, { bucket: 'b', rawKey: 'bad%E0%A4%A.csv' })).rejects.toThrow(
      's3://b/bad%E0%A4%A.csv: the event key is not valid URL encoding; nothing was loaded, the table is unchanged',
    );
  });
});

describe('beginTransaction', () => {
  /**
   * A pool whose clients fail BEGIN with the given errors, in order (undefined = success).
   * What pg's Pool and a server do that this does not: run any statement, hand out a broken client again before it
   * errors, time out on connect, or emit 'error' on an idle client (the real-Postgres tests in test/integration do).
   */
  function fakePool(errors: Array<Error | undefined>) {
    const released: unknown[] = [];
    let n = 0;
    const pool = {
      connect: async () => {
        const err = errors[n++];
        return {
          on() {},
          off() {},
          query: async () => {
            if (err) throw err;
          },
          release: (destroy?: unknown) => released.push(destroy),
          id: n,
        };
      },
    };
    return { pool: pool as unknown as Parameters<typeof beginTransaction>[0], released, connects: () => n };
  }
  const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

  test('retries once on a fresh connection when the pooled one is dead', async () => {
    const { pool, released, connects } = fakePool([reset(), undefined]);
    const client = (await beginTransaction(pool, () => undefined)) as unknown as { id: number };
    expect(client.id).toBe(2);
    expect(connects()).toBe(2);
    expect(released).toEqual([true]);
  });

  test('gives up after the second connection error, and never retries other errors', async () => {
    await expect(beginTransaction(fakePool([reset(), reset(), undefined]).pool, () => undefined)).rejects.toThrow('ECONNRESET');
    const denied = Object.assign(new Error('permission denied'), { code: '42501' });
    const second = fakePool([denied, undefined]);
    await expect(beginTransaction(second.pool, () => undefined)).rejects.toThrow('permission denied');
    expect(second.connects()).toBe(1);
  });
});

describe('eventObjects: S3 event notifications and EventBridge events', () => {
  // Shapes from https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html (records,
  // URL-encoded keys) and https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (detail, raw keys).
  const eventBridge = (key: string, detailType = 'Object Created') => ({
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': detailType,
    source: 'aws.s3' as const,
    account: '111122223333',
    time: '2021-11-12T00:00:00Z',
    region: 'ca-central-1',
    resources: ['arn:aws:s3:::drop'],
    detail: {
      version: '0',
      bucket: { name: 'drop' },
      object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PutObject',
    },
  });

  test('an EventBridge event gives its one object with the key as is (a + stays a plus), its version and ETag', () => {
    expect(eventObjects(eventBridge('people/a+b c%41.csv'))).toEqual([
      { bucket: 'drop', rawKey: 'people/a+b c%41.csv', keyEncoding: 'none', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', eTag: 'b1946ac92492d2347c6235b4d2611184' },
    ]);
  });

  test('S3 notification records keep their URL-encoded keys for loadObject to decode', () => {
    const objects = eventObjects({ Records: [{ s3: { bucket: { name: 'drop' }, object: { key: 'people/a%2Bb+c.csv', eTag: 'e1', versionId: 'v1' } } }] } as any);
    expect(objects).toEqual([{ bucket: 'drop', rawKey: 'people/a%2Bb+c.csv', keyEncoding: 'url', versionId: 'v1', eTag: 'e1' }]);
    expect(decodeS3Key(objects[0].rawKey)).toBe('people/a+b c.csv');
  });

  test('an aws.s3 event other than Object Created is refused, naming it', () => {
    expect(() => eventObjects(eventBridge('people/x.csv', 'Object Deleted'))).toThrow('unexpected EventBridge event "Object Deleted" from aws.s3');
  });

  test('loadObject takes an EventBridge key literally: a key that is not valid URL encoding is not an error', async () => {
    // "%zz" would fail decodeURIComponent; with keyEncoding "none" it is routed (here to no route) as spelled.
    const logger = { warn: () => undefined } as any;
    const out = await loadObject({ routes: resolveRoutes([{ prefix: 'people/', table: 'people', mode: 'append' }]), logger } as any, {
      bucket: 'drop',
      rawKey: 'other/100%zz.csv',
      keyEncoding: 'none',
    });
    expect(out).toEqual(expect.objectContaining({ status: 'skipped', key: 'other/100%zz.csv' }));
  });

  test('a key no route matches is skipped with a reason naming every prefix, logged as a warning with the object', async () => {
    const warnings: Array<[string, Record<string, unknown>]> = [];
    const logger = { warn: (message: string, fields: Record<string, unknown>) => warnings.push([message, fields]) } as any;
    const routes = resolveRoutes([
      { prefix: 'people/', table: 'people', mode: 'append' },
      { prefix: 'orders/', table: 'orders', mode: 'append' },
    ]);
    const out = await loadObject({ routes, logger } as any, { bucket: 'drop', rawKey: 'other/x.csv', keyEncoding: 'none' });
    const reason = 'no route matches the key (prefixes: "people/", "orders/")';
    expect(out).toEqual({ status: 'skipped', bucket: 'drop', key: 'other/x.csv', reason });
    expect(warnings).toEqual([['skipped: no route', { bucket: 'drop', key: 'other/x.csv', reason }]]);
  });
});
