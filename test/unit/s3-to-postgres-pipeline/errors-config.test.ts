import { loadConfig } from '../../../lambdas/s3-to-postgres/config';
import { CsvFormatError, GzipFormatError } from '../../../lambdas/s3-to-postgres/csv';
import { LoadError, ObjectMissingError, toLoadError } from '../../../lambdas/s3-to-postgres/errors';
import { DEFAULT_LEDGER, ledgerDdl, ledgerTableDdl, objectId } from '../../../lambdas/s3-to-postgres/ledger';
import { mapHeader, TableColumn } from '../../../lambdas/s3-to-postgres/table';

/**
 * What a failed load reports (retry or not, which line, never row values), the loader's configuration, the ledger's
 * identity of an object (a wrong one loads a file twice or skips a new one) and the header-to-table mapping.
 */
const target = { bucket: 'b', key: 'k.csv', table: 'public.t' };

describe('LoadError and ObjectMissingError', () => {
  test('a rejection says nothing was loaded and the table is unchanged; a retryable failure says it may be retried', () => {
    const rejected = new LoadError({ bucket: 'b', key: 'k' }, 'rejected: x', false);
    expect(rejected.message).toBe('s3://b/k: rejected: x; nothing was loaded, the table is unchanged');
    expect(rejected.name).toBe('LoadRejectedError');
    expect(rejected.details).toEqual({});
    const retry = new LoadError(target, 'database unavailable', true);
    expect(retry.message).toBe('s3://b/k.csv -> public.t: database unavailable (retryable; nothing was loaded)');
    expect(retry.name).toBe('LoadRetryableError');
  });

  test('a missing object is not retryable and names the version when there is one', () => {
    const e = new ObjectMissingError(target, 'v7');
    expect(e.message).toBe('s3://b/k.csv -> public.t: the object version v7 no longer exists (deleted before it was read); retrying will not help; nothing was loaded, the table is unchanged');
    expect(e.retryable).toBe(false);
    expect(e.name).toBe('ObjectMissingError');
    expect(new ObjectMissingError(target).reason).toBe('the object no longer exists (deleted before it was read); retrying will not help');
  });
});

describe('toLoadError: retry or not, where, and no row values', () => {
  test('a LoadError passes through unchanged', () => {
    const e = new LoadError(target, 'x', true);
    expect(toLoadError(e, target)).toBe(e);
  });

  test('a CSV problem is a rejection carrying its file line', () => {
    const e = toLoadError(new CsvFormatError('unterminated quoted field starting at line 9', 9), target);
    expect(e.reason).toBe('rejected: unterminated quoted field starting at line 9');
    expect(e.retryable).toBe(false);
    expect(e.details).toEqual({ line: 9 });
  });

  test('invalid gzip is a rejection, not retried', () => {
    const e = toLoadError(new GzipFormatError('incorrect header check'), target);
    expect(e.reason).toMatch(/^rejected: the gzip data is invalid \(incorrect header check\)/);
    expect(e.retryable).toBe(false);
  });

  test('a dropped connection without a code is retryable, without an empty code', () => {
    const e = toLoadError(new Error('Connection terminated unexpectedly'), target);
    expect(e.reason).toBe('database unavailable: Connection terminated unexpectedly');
    expect(e.retryable).toBe(true);
    expect(e.details).toEqual({ code: undefined });
  });

  test('a lock timeout (55P03) is retryable and says the table is locked', () => {
    const e = toLoadError({ code: '55P03', message: 'canceling statement due to lock timeout' }, target);
    expect(e.reason).toBe('the table is locked by another session beyond the lock timeout: canceling statement due to lock timeout [55P03]');
    expect(e.retryable).toBe(true);
    expect(e.details).toEqual({ code: '55P03' });
  });

  test('a setup error (class 42) fails, not rejected, and is not retried', () => {
    const e = toLoadError({ code: '42501', message: 'permission denied for table t' }, target);
    expect(e.reason).toBe('failed: permission denied for table t [42501]');
    expect(e.retryable).toBe(false);
    expect(e.details).toEqual({ line: undefined, column: undefined, code: '42501' });
  });

  test('an integrity error names the constraint and the column Postgres reports', () => {
    const e = toLoadError({ code: '23502', message: 'null value in column "age" violates not-null constraint', column: 'age', constraint: 'age_nn' }, target);
    expect(e.reason).toBe('rejected at column age, constraint age_nn: null value in column "age" violates not-null constraint [23502]');
    const u = toLoadError({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', constraint: 't_pkey', where: 'COPY t, line 3' }, target, 0);
    expect(u.reason).toBe('rejected at line 3, constraint t_pkey: duplicate key value violates unique constraint "t_pkey" [23505]');
    expect(u.details).toEqual({ line: 3, column: undefined, code: '23505' });
  });

  test('the column in COPY context wins over the error field, and the line counts the header lines', () => {
    const e = toLoadError({ code: '22001', message: 'value too long for type character varying(3)', column: 'other', where: 'COPY t, line 10, column name: "abcdef"' }, target, 2);
    expect(e.details).toEqual({ line: 12, column: 'name', code: '22001' });
    expect(e.reason).toBe('rejected at line 12, column name: value too long for type character varying(3) [22001]');
  });

  test('a value spanning lines at the end of a message is redacted whole', () => {
    const e = toLoadError({ code: '22P02', message: 'invalid input syntax for type integer: "12\nsecret"' }, target);
    expect(e.reason).toBe('rejected: invalid input syntax for type integer: <value redacted> [22P02]');
  });

  test('a data error redacts a value Postgres quotes inside its message, and keeps column and encoding names', () => {
    // Messages as Postgres words them (integer input, float input, encoding conversion); the loader integration test
    // test/integration/s3-to-postgres/loader.test.ts "#8 neighbour" gets the first one from a real server.
    expect(toLoadError({ code: '22003', message: 'value "99999999999" is out of range for type integer' }, target).reason).toBe(
      'rejected: value <value redacted> is out of range for type integer [22003]',
    );
    expect(toLoadError({ code: '22003', message: '"1e400" is out of range for type double precision' }, target).reason).toBe(
      'rejected: <value redacted> is out of range for type double precision [22003]',
    );
    expect(toLoadError({ code: '22P04', message: 'missing data for column "born"' }, target).reason).toBe('rejected: missing data for column "born" [22P04]');
    expect(toLoadError({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0xe9 0x0a' }, target).reason).toBe(
      'rejected: invalid byte sequence for encoding "UTF8": 0xe9 0x0a [22021]',
    );
  });

  test('a quoted name in the middle of a message that is not a data error is kept', () => {
    const e = toLoadError({ code: '23514', message: 'new row for relation "people" violates check constraint "age_ok"' }, target);
    expect(e.reason).toBe('rejected: new row for relation "people" violates check constraint "age_ok" [23514]');
  });

  test('anything that is not a Postgres error code may pass on the next attempt', () => {
    expect(toLoadError({ code: 'ERR_STREAM_PREMATURE_CLOSE', message: 'Premature close' }, target)).toMatchObject({ reason: 'failed: Premature close', retryable: true });
    expect(toLoadError({ code: '2201x', message: 'odd' }, target)).toMatchObject({ reason: 'failed: odd', retryable: true });
    expect(toLoadError('boom', target)).toMatchObject({ reason: 'failed: boom', retryable: true });
    expect(toLoadError(null, target)).toMatchObject({ reason: 'failed: null', retryable: true });
  });
});

describe('loadConfig', () => {
  const routes = '[{"prefix":"p/","table":"t","mode":"append"}]';

  test('defaults: stream strategy, the migration_kit ledger, us-east-1, a 60 s lock timeout', () => {
    const c = loadConfig({ TABLE_ROUTES: routes });
    expect(c).toMatchObject({ strategy: 'stream', region: 'us-east-1', lockTimeoutMs: 60_000, ledger: { schema: 'migration_kit', name: 's3_load_ledger' } });
    expect(DEFAULT_LEDGER).toEqual({ schema: 'migration_kit', name: 's3_load_ledger' });
  });

  test('reads the ledger table and the lock timeout', () => {
    expect(loadConfig({ TABLE_ROUTES: routes, LEDGER_TABLE: 'ops.loads', LOCK_TIMEOUT_MS: '100' })).toMatchObject({ ledger: { schema: 'ops', name: 'loads' }, lockTimeoutMs: 100 });
    expect(loadConfig({ TABLE_ROUTES: routes, LOCK_TIMEOUT_MS: '900000' }).lockTimeoutMs).toBe(900_000);
  });

  test.each(['99', '900001', '1.5', 'soon'])('fails when LOCK_TIMEOUT_MS is %s, naming it', (value) => {
    expect(() => loadConfig({ TABLE_ROUTES: routes, LOCK_TIMEOUT_MS: value })).toThrow(/^s3-to-postgres configuration: LOCK_TIMEOUT_MS: /);
  });

  test('names every bad variable in one error', () => {
    expect(() => loadConfig({ LOAD_STRATEGY: 'bulk' })).toThrow(
      /^s3-to-postgres configuration: TABLE_ROUTES: TABLE_ROUTES is required: JSON like \[\{"prefix":"people\/","table":"public.people","mode":"replace"\}\]; LOAD_STRATEGY: /,
    );
  });

  test.each(['a.b.c', 'ledger', '1x.y'])('fails when LEDGER_TABLE is %s', (value) => {
    expect(() => loadConfig({ TABLE_ROUTES: routes, LEDGER_TABLE: value })).toThrow(`s3-to-postgres configuration: LEDGER_TABLE "${value}" must be schema.table`);
  });
});

describe('ledger identity and DDL', () => {
  test('a versioned object is identified by its version, an unversioned one by its ETag', () => {
    expect(objectId({ eTag: 'e1', versionId: 'v1' })).toBe('version:v1');
    expect(objectId({ eTag: 'e1' })).toBe('etag:e1');
    expect(objectId({ eTag: 'e1', versionId: '' })).toBe('etag:e1');
  });

  test('a custom ledger name is quoted as given; the schema is created only by the whole DDL', () => {
    const table = ledgerTableDdl({ schema: 'Ops', name: 'my"ledger' });
    expect(table).toMatch(/^CREATE TABLE IF NOT EXISTS "Ops"\."my""ledger" \(\n/);
    expect(table).toContain('PRIMARY KEY (bucket, object_key, object_id)');
    expect(table).not.toContain('CREATE SCHEMA');
    expect(ledgerDdl({ schema: 'Ops', name: 'l' })).toBe(`CREATE SCHEMA IF NOT EXISTS "Ops";\n${ledgerTableDdl({ schema: 'Ops', name: 'l' })}`);
    expect(ledgerTableDdl()).toMatch(/^CREATE TABLE IF NOT EXISTS "migration_kit"\."s3_load_ledger"/);
  });
});

describe('mapHeader', () => {
  const col = (name: string, required = false, generated = false): TableColumn => ({ name, required, generated });

  test('an exact name wins over case-insensitive ones; an ambiguous case-insensitive name is an extra column', () => {
    const cols = [col('id'), col('Id'), col('name')];
    expect(mapHeader(['Id', 'NAME'], cols)).toEqual({ ok: true, columns: ['Id', 'name'] });
    expect(mapHeader(['ID'], cols)).toEqual({ ok: false, problem: 'extra column(s) "ID" not in the table' });
  });

  test('columns the table fills itself may be left out; required ones may not', () => {
    const cols = [col('id', true), col('note'), col('a', true), col('b', true)];
    expect(mapHeader(['id', 'a', 'b'], cols)).toEqual({ ok: true, columns: ['id', 'a', 'b'] });
    expect(mapHeader(['id'], cols)).toEqual({ ok: false, problem: 'missing column(s) "a", "b" that the table requires' });
  });

  test('names every blank position, duplicate and generated column', () => {
    expect(mapHeader(['', 'x', '', 'x', 'X', 'g'], [col('x'), col('g', false, true)])).toEqual({
      ok: false,
      problem: 'empty column name(s) at position 1, 3; duplicate column(s) "x", "X"; generated column(s) "g" cannot be loaded; remove them from the file',
    });
  });
});
