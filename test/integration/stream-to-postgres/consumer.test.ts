import { Client, Pool } from 'pg';
import type { KinesisStreamRecord } from 'aws-lambda';
import { processRecords } from '../../../lambdas/stream-to-postgres/core';
import { parseInstant, TableIndex } from '../../../lambdas/stream-to-postgres/records';
import { PgChangeStore } from '../../../lambdas/stream-to-postgres/store';
import { parseTableConfig, TableConfigInput } from '../../../lambdas/stream-to-postgres/table-config';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { memoryLogger, StreamFixture } from './fixtures';

const CONFIG: TableConfigInput[] = [
  {
    source: 'dmv.Person',
    target: 'dmv.person',
    keyColumns: ['person_id'],
    columns: [
      { source: 'PersonId', target: 'person_id' },
      { source: 'FirstName', target: 'first_name' },
      { source: 'LastName', target: 'last_name' },
      { source: 'DOB', target: 'dob', type: 'date' },
      { source: 'Balance', target: 'balance', type: 'numeric(38,12)' },
      { source: 'UpdatedAt', target: 'updated_at', type: 'timestamptz' },
      { source: 'Attrs', target: 'attrs', type: 'jsonb' },
      { source: 'Visits', target: 'visits', type: 'integer' },
    ],
  },
  {
    source: 'dmv.Registration',
    target: 'dmv.vehicle_registration',
    keyColumns: ['vin', 'state'],
    audit: false,
    columns: [
      { source: 'VIN', target: 'vin' },
      { source: 'State', target: 'state' },
      { source: 'Plate', target: 'plate', nullable: false },
    ],
  },
];
const mappings = parseTableConfig(CONFIG);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PgChangeStore;
const f = new StreamFixture();

function person(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { PersonId: id, FirstName: 'Melvin', LastName: 'Parker', DOB: '1970-01-02', Balance: '10.50', UpdatedAt: '2026-11-23T10:00:00Z', Attrs: { a: 1 }, Visits: 1, ...over };
}

async function apply(records: KinesisStreamRecord[], highWaterMark?: string, s: PgChangeStore = store) {
  const { log, lines } = memoryLogger();
  const res = await processRecords(records, {
    tables: new TableIndex(mappings),
    highWaterMark: highWaterMark ? parseInstant(highWaterMark) : undefined,
    store: s,
    log,
  });
  return { ...res, lines };
}

async function people(): Promise<Array<Record<string, unknown>>> {
  return (await db.client.query('SELECT person_id, first_name, visits FROM dmv.person ORDER BY person_id')).rows;
}

async function auditCount(id?: string): Promise<number> {
  const q = id ? await db.client.query('SELECT count(*)::int AS n FROM dmv.person_audit_log WHERE person_id = $1', [id]) : await db.client.query('SELECT count(*)::int AS n FROM dmv.person_audit_log');
  return q.rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase('stream_consumer');
  pool = new Pool({ ...pgConfig(db.name), max: 2, options: '-c TimeZone=UTC' });
  store = new PgChangeStore(pool, mappings);
  expect(await store.ensureSchema()).toEqual(['dmv.person', 'dmv.vehicle_registration']);
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

beforeEach(async () => {
  await db.client.query('TRUNCATE dmv.person, dmv.person_audit_log, dmv.person_tombstones, dmv.vehicle_registration, dmv.vehicle_registration_tombstones');
});

describe('schema', () => {
  test('ensureSchema is idempotent and creates live, tombstone and audit tables', async () => {
    await store.ensureSchema();
    const { rows } = await db.client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'dmv' ORDER BY 1`);
    expect(rows.map((r) => r.table_name)).toEqual(['person', 'person_audit_log', 'person_tombstones', 'vehicle_registration', 'vehicle_registration_tombstones']);
  });

  test('fails when an existing live table has no unique index on the key columns', async () => {
    await db.client.query('CREATE TABLE public.nokey (id text, v text)');
    const s = new PgChangeStore(pool, parseTableConfig([{ source: 'src.nokey', target: 'public.nokey', keyColumns: ['id'], columns: [{ source: 'id' }, { source: 'v' }] }]));
    await expect(s.ensureSchema()).rejects.toThrow('public.nokey has no primary key or unique index on exactly (id)');
  });
});

describe('applying changes', () => {
  test('inserts, updates and deletes in one batch land as the source ends, with one audit row per change', async () => {
    const res = await apply([
      f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00.000001Z'),
      f.change('insert', 'dmv.Person', person('P2'), '2026-11-23T10:00:00.000002Z'),
      f.change('update', 'dmv.Person', person('P1', { FirstName: 'MelVIN', Visits: 2 }), '2026-11-23T10:00:01Z'),
      f.change('delete', 'dmv.Person', { PersonId: 'P2' }, '2026-11-23T10:00:02Z'),
      f.change('insert', 'dmv.Registration', { VIN: 'V1', State: 'WA', Plate: 'ABC' }, '2026-11-23T10:00:03Z'),
    ]);
    expect(res.batchItemFailures).toEqual([]);
    expect(await people()).toEqual([{ person_id: 'P1', first_name: 'MelVIN', visits: 2 }]);
    const audit = await db.client.query(`SELECT person_id, operation, metadata->>'transaction-id' AS tx, seq::text AS seq, split_part(change_id, ':', 1) AS shard, row_data->>'FirstName' AS first_name FROM dmv.person_audit_log ORDER BY commit_ts, seq`);
    expect(audit.rows.map((r) => [r.person_id, r.operation, r.first_name])).toEqual([
      ['P1', 'insert', 'Melvin'],
      ['P2', 'insert', 'Melvin'],
      ['P1', 'update', 'MelVIN'],
      ['P2', 'delete', null],
    ]);
    expect(audit.rows[0].tx).toBe('8589934593');
    expect(audit.rows[0].seq).toMatch(/^\d{50,}$/);
    expect(audit.rows[0].shard).toBe('shardId-000000000000');
    expect((await db.client.query('SELECT vin, state, plate FROM dmv.vehicle_registration')).rows).toEqual([{ vin: 'V1', state: 'WA', plate: 'ABC' }]);
  });

  test('a record delivered twice is applied once (bad input 1)', async () => {
    const batch = [
      f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'),
      f.change('update', 'dmv.Person', person('P1', { Visits: 5 }), '2026-11-23T10:00:01Z'),
    ];
    await apply(batch);
    await db.client.query(`UPDATE dmv.person SET first_name = 'changed by someone'`);
    const again = await apply(batch);
    expect(again.batchItemFailures).toEqual([]);
    // A redelivery is a no-op: it neither re-writes the row nor adds audit rows.
    expect(await people()).toEqual([{ person_id: 'P1', first_name: 'changed by someone', visits: 5 }]);
    expect(await auditCount()).toBe(2);
    // Also when the duplicate sits in the same batch.
    const dup = f.change('update', 'dmv.Person', person('P1', { Visits: 6 }), '2026-11-23T10:00:02Z');
    expect((await apply([dup, dup])).batchItemFailures).toEqual([]);
    expect(await auditCount()).toBe(3);
    expect((await people())[0].visits).toBe(6);
  });

  test('an older change arriving after a newer one is ignored (bad input 2), across and within batches', async () => {
    const newer = f.change('update', 'dmv.Person', person('P1', { Visits: 9 }), '2026-11-23T10:00:05Z');
    const older = f.change('update', 'dmv.Person', person('P1', { Visits: 3 }), '2026-11-23T10:00:01Z');
    await apply([newer]);
    await apply([older]);
    expect((await people())[0].visits).toBe(9);
    // Within one batch: the newest position wins whatever the order in the batch.
    await apply([
      f.change('update', 'dmv.Person', person('P2', { Visits: 20 }), '2026-11-23T11:00:00Z'),
      f.change('update', 'dmv.Person', person('P2', { Visits: 10 }), '2026-11-23T10:59:00Z'),
    ]);
    expect((await people())[1]).toEqual({ person_id: 'P2', first_name: 'Melvin', visits: 20 });
    // Both older changes are still history: audited once each.
    expect(await auditCount('P1')).toBe(2);
  });

  test('two changes with the same commit time and transaction are ordered by sequence number', async () => {
    await apply([
      f.change('insert', 'dmv.Person', person('P1', { Visits: 1 }), '2026-11-23T10:00:00Z'),
      f.change('update', 'dmv.Person', person('P1', { Visits: 2 }), '2026-11-23T10:00:00Z'),
    ]);
    expect((await people())[0].visits).toBe(2);
  });

  test('delete of a missing row is no error; delete then re-insert respects order (bad input 3)', async () => {
    expect((await apply([f.change('delete', 'dmv.Person', { PersonId: 'GHOST' }, '2026-11-23T10:00:00Z')])).batchItemFailures).toEqual([]);
    expect(await people()).toEqual([]);
    await apply([
      f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:01Z'),
      f.change('delete', 'dmv.Person', person('P1'), '2026-11-23T10:00:02Z'),
      f.change('insert', 'dmv.Person', person('P1', { FirstName: 'Again' }), '2026-11-23T10:00:03Z'),
    ]);
    expect(await people()).toEqual([{ person_id: 'P1', first_name: 'Again', visits: 1 }]);
    // Across batches, then a redelivered stale insert after the final delete does not resurrect the row.
    const staleInsert = f.change('insert', 'dmv.Person', person('P1', { FirstName: 'Stale' }), '2026-11-23T10:00:04Z');
    await apply([f.change('delete', 'dmv.Person', { PersonId: 'P1' }, '2026-11-23T10:00:05Z')]);
    expect(await people()).toEqual([]);
    await apply([staleInsert]);
    expect(await people()).toEqual([]);
    const tomb = await db.client.query(`SELECT person_id, _cdc_ts FROM dmv.person_tombstones ORDER BY person_id`);
    expect(tomb.rows.map((r) => r.person_id)).toEqual(['GHOST', 'P1']);
    expect(tomb.rows[1]._cdc_ts.toISOString()).toBe('2026-11-23T10:00:05.000Z');
  });

  test('composite keys: rows are identified by all key columns', async () => {
    await apply([
      f.change('insert', 'dmv.Registration', { VIN: 'V1', State: 'WA', Plate: 'A' }, '2026-11-23T10:00:00Z'),
      f.change('insert', 'dmv.Registration', { VIN: 'V1', State: 'OR', Plate: 'B' }, '2026-11-23T10:00:00Z'),
      f.change('update', 'dmv.Registration', { VIN: 'V1', State: 'WA', Plate: 'C' }, '2026-11-23T10:00:01Z'),
      f.change('delete', 'dmv.Registration', { VIN: 'V1', State: 'OR' }, '2026-11-23T10:00:02Z'),
    ]);
    expect((await db.client.query('SELECT vin, state, plate FROM dmv.vehicle_registration')).rows).toEqual([{ vin: 'V1', state: 'WA', plate: 'C' }]);
  });

  test('DMS control records are not applied as data, and are logged (bad input 5)', async () => {
    const res = await apply([
      f.control('create-table', 'dmv.Person'),
      f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'),
      f.control('drop-table', 'dmv.Person'),
      f.control('truncate-table', 'dmv.Unknown'),
    ]);
    expect(res.batchItemFailures).toEqual([]);
    expect(await people()).toHaveLength(1);
    const skipped = res.lines.filter((l) => l.message === 'skipped a DMS control record');
    expect(skipped.map((l) => l.operation)).toEqual(['create-table', 'drop-table', 'truncate-table']);
    expect(res.lines.find((l) => l.message === 'batch applied')).toMatchObject({ changes: 1, skipped: { 'control-record': 3 } });
  });
});

describe('values are preserved exactly (bad input 7)', () => {
  test('NULL vs empty string, numeric precision, time zones, emoji, jsonb', async () => {
    const big = '12345678901234567890123456.123456789012';
    await apply([
      f.raw(
        `{"data":{"PersonId":"E1","FirstName":"","LastName":null,"DOB":null,"Balance":${big},"UpdatedAt":"2026-03-29T01:30:00.123456+02:00","Attrs":{"n":0.1000,"deep":[1,{"x":null}]},"Visits":2147483647},` +
          `"metadata":{"timestamp":"2026-11-23T10:00:00.000001Z","record-type":"data","operation":"insert","schema-name":"dmv","table-name":"Person","transaction-id":"0A001B00C4D50000"}}`,
      ),
      f.change('insert', 'dmv.Person', person('E2', { FirstName: 'Zoë 🚀 "quoted" \\ back', LastName: '', Balance: '-0.000000000001', UpdatedAt: '2026-01-01 00:00:00' }), '2026-11-23T10:00:01Z'),
    ]);
    const { rows } = await db.client.query(
      `SELECT person_id, first_name, last_name, dob, balance::text AS balance, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc, attrs::text AS attrs, visits FROM dmv.person ORDER BY person_id`,
    );
    expect(rows[0]).toEqual({ person_id: 'E1', first_name: '', last_name: null, dob: null, balance: big, utc: '2026-03-28 23:30:00.123456', attrs: '{"n": 0.1000, "deep": [1, {"x": null}]}', visits: 2147483647 });
    expect(rows[1]).toMatchObject({ first_name: 'Zoë 🚀 "quoted" \\ back', last_name: '', balance: '-0.000000000001', utc: '2026-01-01 00:00:00.000000' });
    // The audit row image keeps the number's digits and the NULL/empty distinction.
    const audit = await db.client.query(`SELECT row_data->>'Balance' AS balance, row_data->'LastName' AS ln, row_data ? 'FirstName' AS has_fn, metadata->>'transaction-id' AS tx FROM dmv.person_audit_log WHERE person_id = 'E1'`);
    expect(audit.rows[0]).toEqual({ balance: big, ln: null, has_fn: true, tx: '0A001B00C4D50000' });
  });
});

describe('poison records (bad input 4)', () => {
  const cases: Array<[string, (f: StreamFixture) => KinesisStreamRecord, string]> = [
    ['bad JSON', (x) => x.raw('{"data": {"PersonId": "P9-secret"'), 'record data is not JSON (syntax error'],
    ['invalid UTF-8', (x) => x.raw(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])), 'not valid UTF-8'],
    ['an unknown table', (x) => x.change('insert', 'dmv.Unknown', { id: 1 }, '2026-11-23T10:00:00Z'), 'table dmv.Unknown is not in the table config'],
    ['an unknown operation', (x) => x.change('merge' as 'insert', 'dmv.Person', person('P9'), '2026-11-23T10:00:00Z'), 'metadata.operation is "merge"'],
    ['a missing key field', (x) => x.change('update', 'dmv.Person', { FirstName: 'x' }, '2026-11-23T10:00:00Z'), 'field PersonId is missing'],
    ['an unmapped field (schema drift)', (x) => x.change('update', 'dmv.Person', person('P9', { NewColumn: 1 }), '2026-11-23T10:00:00Z'), 'fields not in the table config: NewColumn'],
    ['a bad timestamp', (x) => x.change('update', 'dmv.Person', person('P9'), 'yesterday'), 'metadata.timestamp is "yesterday"'],
    ['no metadata', (x) => x.raw('{"data":{}}'), 'record has no metadata object'],
    ['a JSON array', (x) => x.raw('[1,2]'), 'record is an array'],
    ['a NOT NULL column sent as null', (x) => x.change('insert', 'dmv.Registration', { VIN: 'V', State: 'S', Plate: null }, '2026-11-23T10:00:00Z'), 'field Plate is null but column plate is NOT NULL'],
  ];

  test.each(cases)('%s: earlier records committed, its sequence number returned, later ones left for the retry', async (_name, make, reason) => {
    const good1 = f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z');
    const good2 = f.change('insert', 'dmv.Person', person('P2'), '2026-11-23T10:00:01Z');
    const bad = make(f);
    const after = f.change('insert', 'dmv.Person', person('P3'), '2026-11-23T10:00:02Z');
    const res = await apply([good1, good2, bad, after]);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
    expect((await people()).map((p) => p.person_id)).toEqual(['P1', 'P2']);
    const line = res.lines.find((l) => l.level === 'error')!;
    expect(line).toMatchObject({ sequenceNumber: bad.kinesis.sequenceNumber, changes: 2 });
    expect(String(line.reason)).toContain(reason);
    expect(JSON.stringify(res.lines)).not.toContain('P9-secret');
    // The retry (Lambda restarts from the failed record) re-applies nothing twice.
    const retry = await apply([bad, after]);
    expect(retry.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
    expect(await auditCount()).toBe(2);
  });

  test.each([
    ['text in an integer column', { Visits: 'many' }, '22P02'],
    ['integer overflow', { Visits: 2147483648 }, '22003'],
    ['an impossible date', { DOB: '2026-02-30' }, '22008'],
    ['a numeric beyond the column precision', { Balance: '1e40' }, '22003'],
  ])('a value the column type refuses (%s) is found by the database and bisected out', async (_name, over, code) => {
    const batch = [0, 1, 2, 3, 4, 5, 6].map((i) => f.change('insert', 'dmv.Person', person(`P${i}`), `2026-11-23T10:00:0${i}Z`));
    batch[4] = f.change('insert', 'dmv.Person', person('P4', over), '2026-11-23T10:00:04Z');
    const res = await apply(batch);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: batch[4].kinesis.sequenceNumber }]);
    expect((await people()).map((p) => p.person_id)).toEqual(['P0', 'P1', 'P2', 'P3']);
    expect(await auditCount()).toBe(4);
    const line = res.lines.find((l) => l.level === 'error')!;
    expect(line).toMatchObject({ code, target: 'dmv.person', operation: 'insert' });
    // The offending value is not logged.
    expect(JSON.stringify(res.lines)).not.toMatch(/many|2147483648|2026-02-30|1e40/);
  });

  test('a bad value superseded later in the same batch still stops the batch at its own position', async () => {
    const batch = [
      f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'),
      f.change('update', 'dmv.Person', person('P1', { Visits: 'x' }), '2026-11-23T10:00:01Z'),
      f.change('update', 'dmv.Person', person('P1', { Visits: 3 }), '2026-11-23T10:00:02Z'),
    ];
    const res = await apply(batch);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: batch[1].kinesis.sequenceNumber }]);
    expect((await people())[0].visits).toBe(1);
  });

  test('a constraint the table enforces but the config does not know about is bisected out (23xxx)', async () => {
    await db.client.query('ALTER TABLE dmv.person ADD CONSTRAINT visits_positive CHECK (visits >= 0)');
    try {
      const batch = [
        f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'),
        f.change('insert', 'dmv.Person', person('P2', { Visits: -1 }), '2026-11-23T10:00:01Z'),
      ];
      const res = await apply(batch);
      expect(res.batchItemFailures).toEqual([{ itemIdentifier: batch[1].kinesis.sequenceNumber }]);
      expect(res.lines.find((l) => l.level === 'error')).toMatchObject({ code: '23514' });
      expect((await people()).map((p) => p.person_id)).toEqual(['P1']);
    } finally {
      await db.client.query('ALTER TABLE dmv.person DROP CONSTRAINT visits_positive');
    }
  });
});

describe('database unavailable (bad input 6)', () => {
  test('the batch throws as a whole, nothing is applied, and the retry applies it exactly once', async () => {
    const deadPool = new Pool({ ...pgConfig(db.name), port: 1, connectionTimeoutMillis: 2000 });
    const dead = new PgChangeStore(deadPool, mappings);
    const batch = [f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'), f.change('insert', 'dmv.Person', person('P2'), '2026-11-23T10:00:01Z')];
    await expect(apply(batch, undefined, dead)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await deadPool.end();
    expect(await people()).toEqual([]);
    expect((await apply(batch)).batchItemFailures).toEqual([]);
    expect((await apply(batch)).batchItemFailures).toEqual([]);
    expect(await people()).toHaveLength(2);
    expect(await auditCount()).toBe(2);
  });

  test('a connection killed mid-batch rolls the whole batch back and throws', async () => {
    const killer = new Client(pgConfig(db.name));
    await killer.connect();
    const lockPool = new Pool({ ...pgConfig(db.name), max: 1 });
    const s = new PgChangeStore(lockPool, mappings);
    try {
      // Hold a lock the batch's second table needs, then terminate the batch's backend while it waits.
      await killer.query('BEGIN');
      await killer.query('LOCK TABLE dmv.vehicle_registration IN ACCESS EXCLUSIVE MODE');
      const run = apply(
        [f.change('insert', 'dmv.Person', person('P1'), '2026-11-23T10:00:00Z'), f.change('insert', 'dmv.Registration', { VIN: 'V', State: 'S', Plate: 'P' }, '2026-11-23T10:00:01Z')],
        undefined,
        s,
      );
      for (let i = 0; i < 100; i++) {
        const w = await db.client.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (w.rows.length) {
          await db.client.query('SELECT pg_terminate_backend($1)', [w.rows[0].pid]);
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await expect(run).rejects.toThrow(/terminat/i);
      await killer.query('ROLLBACK');
      expect(await people()).toEqual([]);
      expect(await auditCount()).toBe(0);
    } finally {
      await killer.end();
      await lockPool.end();
    }
  });
});

describe('full load and high-water mark', () => {
  const HWM = '2026-11-23T09:00:00Z';

  test('changes committed at or before the high-water mark are skipped; later ones apply', async () => {
    const res = await apply(
      [
        f.change('insert', 'dmv.Person', person('P1', { Visits: 1 }), '2026-11-23T08:59:59.999999Z'),
        f.change('update', 'dmv.Person', person('P1', { Visits: 2 }), '2026-11-23T09:00:00Z'),
        f.change('update', 'dmv.Person', person('P1', { Visits: 3 }), '2026-11-23T09:00:00.000001Z'),
      ],
      HWM,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(await people()).toEqual([{ person_id: 'P1', first_name: 'Melvin', visits: 3 }]);
    expect(res.lines.find((l) => l.message === 'batch applied')).toMatchObject({ skipped: { 'before-high-water-mark': 2 } });
    expect(await auditCount()).toBe(1);
  });

  test('rows written by the DMS full load (default position) are overwritten by any streamed change', async () => {
    // What the DMS S3-source task does: plain INSERTs into the live table, bookkeeping columns left to defaults.
    await db.client.query(`INSERT INTO dmv.person (person_id, first_name, visits) VALUES ('P1', 'FromExport', 1), ('P2', 'FromExport', 1)`);
    await apply([f.change('update', 'dmv.Person', person('P1', { Visits: 7 }), '2026-11-23T09:30:00Z'), f.change('delete', 'dmv.Person', { PersonId: 'P2' }, '2026-11-23T09:30:01Z')], HWM);
    expect(await people()).toEqual([{ person_id: 'P1', first_name: 'Melvin', visits: 7 }]);
  });

  test('full-load records in the stream lose against changes after the high-water mark, whatever their order', async () => {
    await apply([f.change('update', 'dmv.Person', person('P1', { Visits: 5 }), '2026-11-23T09:10:00Z')], HWM);
    // DMS sends the load record late (its own timestamp is later, but it describes the state at the export).
    await apply([f.change('load', 'dmv.Person', person('P1', { Visits: 1 }), '2026-11-23T09:20:00Z'), f.change('load', 'dmv.Person', person('P2', { Visits: 1 }), '2026-11-23T09:20:00Z')], HWM);
    expect(await people()).toEqual([
      { person_id: 'P1', first_name: 'Melvin', visits: 5 },
      { person_id: 'P2', first_name: 'Melvin', visits: 1 },
    ]);
    const ops = await db.client.query(`SELECT operation, commit_ts FROM dmv.person_audit_log WHERE person_id = 'P2'`);
    expect(ops.rows[0].operation).toBe('load');
    expect(ops.rows[0].commit_ts.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });
});

describe('batching', () => {
  test('a 5,000-record batch over few keys ends in the source state with one statement per table', async () => {
    const records: KinesisStreamRecord[] = [];
    const expected = new Map<string, number | null>();
    let t = Date.parse('2026-11-23T12:00:00Z');
    for (let i = 0; i < 5000; i++) {
      const id = `K${i % 97}`;
      t += 1;
      const ts = new Date(t).toISOString();
      if (i % 13 === 0) {
        records.push(f.change('delete', 'dmv.Person', { PersonId: id }, ts));
        expected.set(id, null);
      } else {
        records.push(f.change(expected.get(id) ? 'update' : 'insert', 'dmv.Person', person(id, { Visits: i }), ts));
        expected.set(id, i);
      }
    }
    const queries: string[] = [];
    const original = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      queries.push(String((args[0] as { text?: string })?.text ?? args[0]));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    let res;
    try {
      res = await apply(records);
    } finally {
      spy.mockRestore();
    }
    expect(res.batchItemFailures).toEqual([]);
    expect(queries.filter((q) => q.includes('jsonb_array_elements'))).toHaveLength(1);
    const want = [...expected].filter(([, v]) => v !== null).map(([id, v]) => ({ person_id: id, visits: v })).sort((a, b) => a.person_id.localeCompare(b.person_id));
    const got = (await db.client.query('SELECT person_id, visits FROM dmv.person ORDER BY person_id COLLATE "C"')).rows;
    expect(got).toEqual(want.sort((a, b) => (a.person_id < b.person_id ? -1 : 1)));
    expect(await auditCount()).toBe(5000);
  });
});
