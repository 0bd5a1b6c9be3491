import type { KinesisStreamRecord } from 'aws-lambda';
import { loadConfig } from '../../../lambdas/stream-to-postgres/config';
import { decodeRecord, parseInstant, TableIndex } from '../../../lambdas/stream-to-postgres/records';
import { applyParams, applyStatement, schemaStatements } from '../../../lambdas/stream-to-postgres/sql';
import { isRecordError, redact } from '../../../lambdas/stream-to-postgres/store';
import { parseTableConfig, TableConfigInput } from '../../../lambdas/stream-to-postgres/table-config';

const TABLE: TableConfigInput = {
  source: 'dmv.Person',
  target: 'dmv.person',
  keyColumns: ['person_id'],
  columns: [
    { source: 'PersonId', target: 'person_id' },
    { source: "O'Brien Field", target: 'obrien', type: 'numeric(10,2)' },
  ],
};

function record(body: unknown, seq = '49590338271490256608559692538361571095921575989136588898'): KinesisStreamRecord {
  return {
    awsRegion: 'eu-west-2',
    eventID: `shardId-000000000003:${seq}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:eu-west-2:1:stream/s',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::1:role/r',
    kinesis: { approximateArrivalTimestamp: 1, data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)).toString('base64'), kinesisSchemaVersion: '1.0', partitionKey: 'k', sequenceNumber: seq },
  };
}

const meta = (over: Record<string, unknown> = {}) => ({ timestamp: '2026-11-23T10:00:00.123456Z', 'record-type': 'data', operation: 'update', 'schema-name': 'dmv', 'table-name': 'Person', ...over });

describe('parseInstant', () => {
  test.each([
    ['2026-11-23T10:00:00.123456Z', '2026-11-23T10:00:00.123456Z', Date.UTC(2026, 10, 23, 10) * 1000 + 123456],
    ['2026-11-23 10:00:00', '2026-11-23T10:00:00Z', Date.UTC(2026, 10, 23, 10) * 1000],
    ['2026-11-23T10:00:00+02:00', '2026-11-23T10:00:00+02:00', Date.UTC(2026, 10, 23, 8) * 1000],
    ['2024-02-29T00:00:00.5Z', '2024-02-29T00:00:00.5Z', Date.UTC(2024, 1, 29) * 1000 + 500000],
  ])('%s', (input, text, micros) => {
    expect(parseInstant(input)).toEqual({ text, micros });
  });

  test.each(['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-11-23T24:00:00Z', 'yesterday', '2026-11-23'])('rejects %s', (input) => {
    expect(parseInstant(input)).toBeUndefined();
  });
});

describe('decodeRecord', () => {
  const tables = new TableIndex(parseTableConfig([TABLE]));

  test('a data record becomes a change carrying its JSON verbatim and the event id', () => {
    const body = `{"data":{"PersonId":"P1","O'Brien Field":12345678901234567890.10},"metadata":${JSON.stringify(meta())}}`;
    const d = decodeRecord(record(body), 4, { tables });
    expect(d).toMatchObject({ kind: 'change', change: { index: 4, operation: 'update', commitTs: '2026-11-23T10:00:00.123456Z', json: body, changeId: expect.stringMatching(/^shardId-000000000003:/) } });
  });

  test('table names match case-insensitively when there is no exact match', () => {
    expect(decodeRecord(record({ data: { PersonId: 'P1', "O'Brien Field": null }, metadata: meta({ 'schema-name': 'DMV', 'table-name': 'PERSON' }) }), 0, { tables }).kind).toBe('change');
  });

  test('the commit timestamp of transaction details wins over the record timestamp', () => {
    const d = decodeRecord(record({ data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta({ 'commit-timestamp': '2026-11-23T09:59:59.000001Z' }) }), 0, { tables });
    expect(d).toMatchObject({ change: { commitTs: '2026-11-23T09:59:59.000001Z' } });
    // Another format: the record timestamp orders it.
    const other = decodeRecord(record({ data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta({ 'commit-timestamp': 1795000000 }) }), 0, { tables });
    expect(other).toMatchObject({ change: { commitTs: '2026-11-23T10:00:00.123456Z' } });
    const bad = decodeRecord(record({ data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta({ 'commit-timestamp': 42, timestamp: 7 }) }), 0, { tables });
    expect(bad).toMatchObject({ kind: 'poison', reason: 'metadata.timestamp is a number, expected an ISO-8601 timestamp' });
  });

  test('a delete needs only the key', () => {
    expect(decodeRecord(record({ data: { PersonId: 'P1' }, metadata: meta({ operation: 'delete' }) }), 0, { tables }).kind).toBe('change');
  });

  test('load records take the high-water mark (or -infinity) as their commit time', () => {
    const r = record({ data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta({ operation: 'load', timestamp: '2030-01-01T00:00:00Z' }) });
    expect(decodeRecord(r, 0, { tables })).toMatchObject({ change: { commitTs: '-infinity' } });
    expect(decodeRecord(r, 0, { tables, highWaterMark: parseInstant('2026-01-01T00:00:00Z') })).toMatchObject({ change: { commitTs: '2026-01-01T00:00:00Z' } });
  });

  test.each([
    ['a control record', { data: {}, metadata: meta({ 'record-type': 'control', operation: 'drop-table' }) }, { kind: 'skip', reason: 'control-record', operation: 'drop-table' }],
    ['a change at the high-water mark', { data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta({ timestamp: '2026-11-23T10:00:00.123456Z' }) }, { kind: 'skip', reason: 'before-high-water-mark' }],
  ])('skips %s', (_name, body, expected) => {
    expect(decodeRecord(record(body), 0, { tables, highWaterMark: parseInstant('2026-11-23T10:00:00.123456Z') })).toMatchObject(expected);
  });

  test.each([
    ['an unknown record type', { data: {}, metadata: meta({ 'record-type': 'heartbeat' }) }, 'metadata.record-type is "heartbeat"'],
    ['a missing table name', { data: {}, metadata: meta({ 'table-name': undefined }) }, 'metadata lacks schema-name or table-name'],
    ['a null key', { data: { PersonId: null, "O'Brien Field": 1 }, metadata: meta() }, 'key field PersonId is null'],
    ['data that is not an object', { data: [1], metadata: meta() }, 'record data is an array'],
    ['a missing non-key field on an update', { data: { PersonId: 'P1' }, metadata: meta() }, "field O'Brien Field is missing"],
  ])('poisons %s', (_name, body, reason) => {
    const d = decodeRecord(record(body), 0, { tables });
    expect(d.kind).toBe('poison');
    expect((d as { reason: string }).reason).toContain(reason);
  });

  test('poisons a non-numeric sequence number', () => {
    const d = decodeRecord(record({ data: { PersonId: 'P1', "O'Brien Field": 1 }, metadata: meta() }, 'abc'), 0, { tables });
    expect(d).toMatchObject({ kind: 'poison', reason: expect.stringContaining('sequence number') });
  });
});

describe('table config', () => {
  test.each([
    ['a target that is not schema.table', { ...TABLE, target: 'person' }, 'must be "schema.table"'],
    ['an unsupported type', { ...TABLE, columns: [{ source: 'PersonId', target: 'person_id', type: 'text; DROP TABLE x' }] }, 'must be a supported Postgres type'],
    ['repeated targets', { ...TABLE, columns: [{ source: 'A', target: 'person_id' }, { source: 'B', target: 'person_id' }] }, 'target columns repeat: person_id'],
    ['a reserved column name', { ...TABLE, columns: [...TABLE.columns, { source: 'x', target: '_cdc_ts' }] }, 'reserved _cdc_ prefix'],
    ['a key named like an audit column', { ...TABLE, keyColumns: ['operation'], columns: [{ source: 'op', target: 'operation' }] }, 'clashes with an audit-log column'],
    ['a source name that is no identifier and no target', { ...TABLE, columns: [...TABLE.columns, { source: 'Has Space' }] }, 'give it a `target` name'],
  ])('fails when %s', (_name, table, message) => {
    expect(() => parseTableConfig([table])).toThrow(message);
  });

  test('fails when two mappings share a target', () => {
    expect(() => parseTableConfig([TABLE, { ...TABLE, source: 'dmv.Other' }])).toThrow('target table dmv.person is configured twice');
  });

  test('loadConfig fails loudly on missing or broken environment', () => {
    expect(() => loadConfig({})).toThrow('TABLE_CONFIG');
    expect(() => loadConfig({ TABLE_CONFIG: '{nope' })).toThrow('TABLE_CONFIG is not valid JSON');
    expect(() => loadConfig({ TABLE_CONFIG: JSON.stringify([TABLE]), HIGH_WATER_MARK: 'soon' })).toThrow('HIGH_WATER_MARK "soon" is not an ISO-8601 timestamp');
    expect(loadConfig({ TABLE_CONFIG: JSON.stringify([TABLE]), HIGH_WATER_MARK: '2026-11-23T09:00:00Z' }).highWaterMark?.text).toBe('2026-11-23T09:00:00Z');
  });

  test('loadConfig names TABLE_CONFIG and what it must be when it is too short to be a list', () => {
    expect(() => loadConfig({ TABLE_CONFIG: '[' })).toThrow('stream-to-postgres config: TABLE_CONFIG: TABLE_CONFIG must be the JSON table mapping list');
  });

  test('loadConfig without HIGH_WATER_MARK (or with it empty) skips nothing, and indexes the mappings by source table', () => {
    for (const env of [{ TABLE_CONFIG: JSON.stringify([TABLE]) }, { TABLE_CONFIG: JSON.stringify([TABLE]), HIGH_WATER_MARK: '' }]) {
      const config = loadConfig(env);
      expect(config.highWaterMark).toBeUndefined();
      expect(config.mappings).toEqual(parseTableConfig([TABLE]));
      expect(config.tables.find('dmv.Person')).toEqual(config.mappings[0]);
    }
  });

  test('loadConfig passes table mapping problems through, naming the mapping', () => {
    expect(() => loadConfig({ TABLE_CONFIG: JSON.stringify([{ ...TABLE, keyColumns: [] }]) })).toThrow('invalid table config: [0.keyColumns]');
  });
});

describe('SQL', () => {
  const [t] = parseTableConfig([TABLE]);

  test('the apply statement guards upserts, deletes and tombstones by position and escapes source names', () => {
    const sql = applyStatement(t);
    expect(sql).toContain(`(v."O'Brien Field" #>> '{}')::numeric(10,2) AS "obrien"`);
    expect(sql).toContain(`jsonb_to_record(x.d->'data') AS v("PersonId" jsonb, "O'Brien Field" jsonb)`);
    expect(sql).toContain('WHERE (t._cdc_ts, t._cdc_seq) < (EXCLUDED._cdc_ts, EXCLUDED._cdc_seq)');
    expect(sql).toContain('(d._cdc_ts, d._cdc_seq) >= (l._cdc_ts, l._cdc_seq)');
    expect(sql).toContain('INSERT INTO "dmv"."person_audit_log"');
    expect(sql).toContain('ON CONFLICT (change_id) DO NOTHING');
    expect(applyStatement({ ...t, audit: false })).not.toContain('audit_log');
  });

  test('the audit keeps the source row image and the DMS metadata verbatim, the Kinesis position in columns', () => {
    const sql = applyStatement(t);
    expect(sql).toContain(`x.d->'data' AS _cdc_row, x.d->'metadata' AS _cdc_meta`);
    expect(sql).toContain('INSERT INTO "dmv"."person_audit_log" (change_id, operation, commit_ts, seq, "person_id", row_data, metadata)');
  });

  test('the parameters splice each record verbatim, with the Kinesis coordinates in parallel arrays', () => {
    const json = `{"data":{"PersonId":"P1","O'Brien Field":1.50},"metadata":${JSON.stringify(meta())}}`;
    const d = decodeRecord(record(json), 0, { tables: new TableIndex([t]) });
    if (d.kind !== 'change') throw new Error('expected a change');
    const [docs, ops, ts, seqs, ids] = applyParams([d.change, d.change]);
    expect(docs).toBe(`[${json},${json}]`);
    expect(ops).toEqual(['update', 'update']);
    expect(ts).toEqual(['2026-11-23T10:00:00.123456Z', '2026-11-23T10:00:00.123456Z']);
    expect(seqs[0]).toMatch(/^\d+$/);
    expect(ids[0]).toMatch(/^shardId-000000000003:/);
  });

  test('schema DDL is idempotent and keeps the position columns', () => {
    const ddl = schemaStatements(t).join(';\n');
    expect(ddl).toMatch(/CREATE TABLE IF NOT EXISTS "dmv"."person" \(/);
    expect(ddl).toContain(`ADD COLUMN IF NOT EXISTS _cdc_ts timestamptz NOT NULL DEFAULT '-infinity'`);
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS "dmv"."person_tombstones"');
    expect(ddl).toContain('change_id text PRIMARY KEY');
  });
});

describe('error classification', () => {
  test.each([
    [{ code: '22P02' }, true],
    [{ code: '23505' }, true],
    [{ code: '54000' }, true],
    [{ code: '08006' }, false],
    [{ code: '42P01' }, false],
    [{ code: 'ECONNRESET' }, false],
    [new Error('no code'), false],
  ])('%o is a record error: %s', (err, expected) => {
    expect(isRecordError(err)).toBe(expected);
  });

  // PostgreSQL's SQLSTATE is a class (first two characters) and a condition; only the class decides
  // (PostgreSQL documentation, Appendix A "PostgreSQL Error Codes"): 42622 name_too_long is a syntax-class error
  // whose condition happens to contain 22, and must fail the batch rather than skip the record.
  test('only the class of the SQLSTATE makes a record error: 42622 (name too long) fails the batch', () => {
    expect(isRecordError({ code: '42622' })).toBe(false);
  });

  test('logged error messages are cut to 300 characters', () => {
    expect(redact('23505', `duplicate key value violates unique constraint "${'k'.repeat(400)}"`)).toHaveLength(300);
    expect(redact('22P02', 'x'.repeat(301))).toBe('x'.repeat(300));
  });

  test('data-exception messages lose their quoted values; integrity messages keep names', () => {
    expect(redact('22P02', 'invalid input syntax for type integer: "secret-ish"')).toBe('invalid input syntax for type integer: "<redacted>"');
    expect(redact('23514', 'new row for relation "person" violates check constraint "visits_positive"')).toContain('"visits_positive"');
  });
});
