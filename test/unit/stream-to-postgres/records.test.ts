import type { KinesisStreamRecord } from 'aws-lambda';
import { decodeRecord, parseInstant, TableIndex } from '../../../lambdas/stream-to-postgres/records';
import { parseTableConfig, TableConfigInput } from '../../../lambdas/stream-to-postgres/table-config';

/**
 * Decoding of DMS Kinesis records, case by case: every way a record becomes a change, a skip or a poison record,
 * and the reason it gives (the consumer logs it and stops the batch there). consumer-core.test.ts has the main paths.
 */

const TABLE: TableConfigInput = {
  source: 'dmv.Person',
  target: 'dmv.person',
  keyColumns: ['person_id'],
  columns: [
    { source: 'PersonId', target: 'person_id' },
    { source: 'Name', target: 'name', nullable: false },
    { source: 'Note', target: 'note' },
  ],
};
const SEQ = '49590338271490256608559692538361571095921575989136588898';

function kinesis(data: Buffer | string, over: { seq?: string; eventID?: string } = {}): KinesisStreamRecord {
  const seq = over.seq ?? SEQ;
  return {
    awsRegion: 'eu-west-2',
    eventID: over.eventID ?? `shardId-000000000003:${seq}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:eu-west-2:1:stream/s',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::1:role/r',
    kinesis: { approximateArrivalTimestamp: 1, data: Buffer.from(data).toString('base64'), kinesisSchemaVersion: '1.0', partitionKey: 'k', sequenceNumber: seq },
  };
}

const meta = (over: Record<string, unknown> = {}) => ({ timestamp: '2026-11-23T10:00:00.123456Z', 'record-type': 'data', operation: 'update', 'schema-name': 'dmv', 'table-name': 'Person', ...over });
const row = { PersonId: 'P1', Name: 'Ada', Note: null };

const tables = new TableIndex(parseTableConfig([TABLE]));
const ignoring = new TableIndex(parseTableConfig([{ ...TABLE, unmappedFields: 'ignore' }]));
const decode = (body: unknown, options: Partial<Parameters<typeof decodeRecord>[2]> = {}, over: { seq?: string; eventID?: string } = {}) =>
  decodeRecord(kinesis(typeof body === 'string' ? body : JSON.stringify(body), over), 7, { tables, ...options });

describe('parseInstant: DMS timestamps to microseconds', () => {
  const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;

  test.each([
    ['a negative offset is added back to get UTC', '2026-11-23T10:00:00-05:00', '2026-11-23T10:00:00-05:00', at(2026, 11, 23, 15)],
    ['an offset without a colon', '2026-11-23T10:00:00+0530', '2026-11-23T10:00:00+0530', at(2026, 11, 23, 4, 30)],
    ['an offset of hours only', '2026-11-23T10:00:00+05', '2026-11-23T10:00:00+05', at(2026, 11, 23, 5)],
    ['a space before the zone', '2026-11-23 10:00:00 +01:00', '2026-11-23T10:00:00+01:00', at(2026, 11, 23, 9)],
    ['nanoseconds are cut to microseconds', '2026-11-23T10:00:00.123456789Z', '2026-11-23T10:00:00.123456Z', at(2026, 11, 23, 10) + 123456],
    ['the last second of the year', '2026-12-31T23:59:59Z', '2026-12-31T23:59:59Z', at(2026, 12, 31, 23, 59, 59)],
    ['the first day of the year', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', at(2026, 1, 1)],
    ['the 31st of a 31-day month', '2026-01-31T00:00:00Z', '2026-01-31T00:00:00Z', at(2026, 1, 31)],
    ['29 February of a year divisible by 400', '2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z', at(2000, 2, 29)],
    ['29 February of a leap year', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z', at(2024, 2, 29)],
    ['28 February of a common year', '2026-02-28T00:00:00Z', '2026-02-28T00:00:00Z', at(2026, 2, 28)],
    ['the 29th of another month in a common year', '2026-03-29T00:00:00Z', '2026-03-29T00:00:00Z', at(2026, 3, 29)],
  ])('reads %s', (_name, input, text, micros) => {
    expect(parseInstant(input)).toEqual({ text, micros });
  });

  test.each([
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['minute 60', '2026-11-23T10:60:00Z'],
    ['second 60', '2026-11-23T10:00:60Z'],
    ['29 February of a century not divisible by 400', '1900-02-29T00:00:00Z'],
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['text before the timestamp', 'x2026-11-23T10:00:00Z'],
    ['text after the zone', '2026-11-23T10:00:00Zx'],
    ['a fraction of more than nine digits', '2026-11-23T10:00:00.1234567890Z'],
  ])('rejects %s', (_name, input) => {
    expect(parseInstant(input)).toBeUndefined();
  });
});

describe('TableIndex', () => {
  test('finds a mapping by its exact source name before trying the case-insensitive one', () => {
    const [a] = parseTableConfig([TABLE]);
    const [b] = parseTableConfig([{ ...TABLE, source: 'dmv.PERSON' }]);
    const index = new TableIndex([a, b]);
    expect(index.find('dmv.Person')).toBe(a);
    expect(index.find('dmv.PERSON')).toBe(b);
    expect(index.find('DMV.person')).toBe(b);
    expect(index.find('dmv.other')).toBeUndefined();
  });
});

describe('decodeRecord: poison records say what is wrong without quoting record data', () => {
  test.each<[string, unknown, string, string | undefined]>([
    ['a record that is an array', [1], 'record is an array, not a DMS JSON object with data and metadata', undefined],
    ['a record that is null', 'null', 'record is null, not a DMS JSON object with data and metadata', undefined],
    ['a record that is a string', '"text"', 'record is a string, not a DMS JSON object with data and metadata', undefined],
    ['a record without metadata', { data: row }, 'record has no metadata object (missing)', undefined],
    ['metadata that is an array', { data: row, metadata: [] }, 'record has no metadata object (an array)', undefined],
    ['a record type that is not a string', { data: row, metadata: meta({ 'record-type': 3 }) }, 'metadata.record-type is a number, expected "data" or "control"', 'dmv.Person'],
    ['a missing record type', { data: row, metadata: meta({ 'record-type': undefined }) }, 'metadata.record-type is missing, expected "data" or "control"', 'dmv.Person'],
    ['an unknown operation', { data: row, metadata: meta({ operation: 'truncate' }) }, 'metadata.operation is "truncate", expected load, insert, update or delete', 'dmv.Person'],
    ['a missing operation', { data: row, metadata: meta({ operation: undefined }) }, 'metadata.operation is missing, expected load, insert, update or delete', 'dmv.Person'],
    ['a schema name that is not a string', { data: row, metadata: meta({ 'schema-name': 5 }) }, 'metadata lacks schema-name or table-name', undefined],
    ['a table not in the config', { data: row, metadata: meta({ 'table-name': 'Car' }) }, 'table dmv.Car is not in the table config', 'dmv.Car'],
    ['a timestamp that is no timestamp', { data: row, metadata: meta({ timestamp: 'soon' }) }, 'metadata.timestamp is "soon", expected an ISO-8601 timestamp', 'dmv.Person'],
    ['a missing timestamp', { data: row, metadata: meta({ timestamp: undefined }) }, 'metadata.timestamp is missing, expected an ISO-8601 timestamp', 'dmv.Person'],
    ['data that is null', { data: null, metadata: meta() }, 'record data is null, expected an object of column values', 'dmv.Person'],
    ['missing data', { metadata: meta() }, 'record data is missing, expected an object of column values', 'dmv.Person'],
    ['a delete without its key', { data: { Name: 'Ada' }, metadata: meta({ operation: 'delete' }) }, 'field PersonId is missing', 'dmv.Person'],
    ['an insert with a NOT NULL column null', { data: { ...row, Name: null }, metadata: meta({ operation: 'insert' }) }, 'field Name is null but column name is NOT NULL', 'dmv.Person'],
    ['fields no column maps', { data: { ...row, Extra: 1, Other: 2 }, metadata: meta() }, 'fields not in the table config: Extra, Other (map them, or set unmappedFields: ignore)', 'dmv.Person'],
  ])('poisons %s', (_name, body, reason, table) => {
    expect(decode(body)).toEqual({ kind: 'poison', index: 7, reason, table });
  });

  test('poisons data that is not UTF-8', () => {
    expect(decodeRecord(kinesis(Buffer.from([0x7b, 0xff, 0x7d])), 2, { tables })).toEqual({ kind: 'poison', index: 2, reason: 'record data is not valid UTF-8', table: undefined });
  });

  test('poisons data that is not JSON, giving the position and length but not the text', () => {
    expect(decode('{secret}')).toEqual({ kind: 'poison', index: 7, reason: 'record data is not JSON (syntax error at position 1, 8 characters)', table: undefined });
    // A position of more than one digit is given whole.
    expect(decode('{"data": {"a": 1}, oops}')).toMatchObject({ reason: 'record data is not JSON (syntax error at position 19, 24 characters)' });
    // Truncated JSON: V8 gives no position.
    expect(decode('{"data":')).toMatchObject({ reason: 'record data is not JSON (syntax error, 8 characters)' });
  });

  test('poisons a sequence number that is not numeric, quoting it', () => {
    expect(decode({ data: row, metadata: meta() }, {}, { seq: '12a' })).toEqual({ kind: 'poison', index: 7, reason: 'Kinesis sequence number "12a" is not numeric', table: 'dmv.Person' });
    expect(decode({ data: row, metadata: meta() }, {}, { seq: `${SEQ}x` }).kind).toBe('poison');
    expect(decode({ data: row, metadata: meta() }, {}, { seq: `x${SEQ}` }).kind).toBe('poison');
  });
});

describe('decodeRecord: changes and skips', () => {
  test('a control record is skipped with its table and operation', () => {
    expect(decode({ data: {}, metadata: meta({ 'record-type': 'control', operation: 'create-table' }) })).toEqual({ kind: 'skip', index: 7, reason: 'control-record', table: 'dmv.Person', operation: 'create-table' });
    expect(decode({ data: {}, metadata: meta({ 'record-type': 'control', operation: 1, 'table-name': undefined }) })).toEqual({ kind: 'skip', index: 7, reason: 'control-record', table: undefined, operation: undefined });
  });

  test('a change after the high-water mark is applied; one at or before it is skipped with its table and operation', () => {
    const highWaterMark = parseInstant('2026-11-23T10:00:00.123456Z');
    expect(decode({ data: row, metadata: meta({ timestamp: '2026-11-23T10:00:00.123457Z' }) }, { highWaterMark })).toMatchObject({ kind: 'change' });
    expect(decode({ data: row, metadata: meta({ timestamp: '2026-11-23T10:00:00.123455Z', operation: 'insert' }) }, { highWaterMark })).toEqual({
      kind: 'skip',
      index: 7,
      reason: 'before-high-water-mark',
      table: 'dmv.Person',
      operation: 'insert',
    });
  });

  test('a change carries its position, key, table, operation, commit time and JSON text', () => {
    const body = JSON.stringify({ data: row, metadata: meta({ operation: 'insert' }) });
    const d = decode(body);
    expect(d).toEqual({
      kind: 'change',
      change: { index: 7, sequenceNumber: SEQ, changeId: `shardId-000000000003:${SEQ}`, table: tables.find('dmv.Person'), operation: 'insert', commitTs: '2026-11-23T10:00:00.123456Z', json: body },
    });
  });

  test('a record without an event ID gets one from its sequence number', () => {
    expect(decode({ data: row, metadata: meta() }, {}, { eventID: '' })).toMatchObject({ change: { changeId: `shardId-unknown:${SEQ}` } });
  });

  test('a delete may omit non-key fields and carry null in a NOT NULL column', () => {
    expect(decode({ data: { PersonId: 'P1' }, metadata: meta({ operation: 'delete' }) }).kind).toBe('change');
    expect(decode({ data: { PersonId: 'P1', Name: null, Note: null }, metadata: meta({ operation: 'delete' }) }).kind).toBe('change');
  });

  test('a null in a nullable column is a value, not a missing field', () => {
    expect(decode({ data: { PersonId: 'P1', Name: 'Ada', Note: null }, metadata: meta({ operation: 'insert' }) }).kind).toBe('change');
  });

  test('unmapped fields are dropped when the mapping says ignore', () => {
    expect(decodeRecord(kinesis(JSON.stringify({ data: { ...row, Extra: 1 }, metadata: meta() })), 0, { tables: ignoring }).kind).toBe('change');
  });
});
