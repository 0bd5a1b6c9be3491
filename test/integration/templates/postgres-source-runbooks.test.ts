import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestDatabase } from '../../helpers/pg';
import { runPsqlScript } from '../../helpers/psql-script';

const TEMPLATES = path.resolve(__dirname, '../../../templates/postgres');
const read = (name: string) => fs.readFileSync(path.join(TEMPLATES, name), 'utf8');

describe('templates/postgres/source-preflight.sql against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase('source_preflight');
    await db.client.query(`
      CREATE SCHEMA dmv;
      CREATE TABLE dmv.person (person_id varchar(40) PRIMARY KEY, notes text);
      CREATE TABLE dmv.plate (plate varchar(20) NOT NULL, photo bytea, tags text[]);
      CREATE UNIQUE INDEX plate_uq ON dmv.plate (plate);
      CREATE TABLE dmv.event_log (occurred_at timestamptz, payload jsonb, extra json);
      CREATE TABLE dmv.partial_unique (code text, active boolean);
      CREATE UNIQUE INDEX partial_uq ON dmv.partial_unique (code) WHERE active;
      CREATE TABLE dmv.counts (n int);
      CREATE SCHEMA other;
      CREATE TABLE other.outside (x text);
    `);
    await db.client.query(`
      INSERT INTO dmv.person VALUES ('p1', repeat('a', 100)), ('p2', repeat('b', 40000));
      INSERT INTO dmv.plate VALUES ('X1', decode(repeat('ff', 70000), 'hex'), ARRAY['a', 'b']);
      INSERT INTO dmv.event_log VALUES (now(), jsonb_build_object('k', repeat('z', 5000)), NULL);
    `);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('lists the tables DMS can neither validate nor migrate LOBs of, and sizes every LOB column', async () => {
    const [noKey, sizes] = await runPsqlScript(db.client, read('source-preflight.sql'), { schemas: 'dmv' });
    // A partial unique index does not identify rows; tables outside the selected schemas are not listed.
    expect(noKey.rows).toEqual([
      { schema_name: 'dmv', table_name: 'counts', lob_columns: '0' },
      { schema_name: 'dmv', table_name: 'event_log', lob_columns: '2' },
      { schema_name: 'dmv', table_name: 'partial_unique', lob_columns: '1' },
    ]);
    const byColumn = Object.fromEntries(sizes.rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    expect(Object.keys(byColumn).sort()).toEqual(
      ['event_log.extra', 'event_log.payload', 'partial_unique.code', 'person.notes', 'plate.photo', 'plate.tags'].sort(),
    );
    // bytea counts bytes, not its hex text: 70,000 bytes are 69 KiB.
    expect(byColumn['plate.photo']).toMatchObject({ type_name: 'bytea', largest_kib: '69', rows_over_32_kib: '1' });
    expect(byColumn['person.notes']).toMatchObject({ type_name: 'text', largest_kib: '40', rows_over_32_kib: '1' });
    expect(byColumn['event_log.payload']).toMatchObject({ type_name: 'jsonb', largest_kib: '5', rows_over_32_kib: '0' });
    expect(byColumn['event_log.extra'].largest_kib).toBeNull();
    // Largest first: the value to size LobMaxSize above.
    expect(sizes.rows[0]).toMatchObject({ table_name: 'plate', column_name: 'photo' });
  });

  test('several schemas at once', async () => {
    const [noKey] = await runPsqlScript(db.client, read('source-preflight.sql'), { schemas: 'dmv,other' });
    expect(noKey.rows.map((r) => `${r.schema_name}.${r.table_name}`)).toContain('other.outside');
  });

  test('fails when the schemas variable is not given', async () => {
    await expect(runPsqlScript(db.client, read('source-preflight.sql'), {})).rejects.toThrow(/psql variable schemas is not set/);
  });
});

describe('templates/postgres/cdc-start-slot.sql: the export-then-stream handover on a real Postgres (wal_level=logical)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const slot = `dms_handover_${process.pid}`;

  beforeAll(async () => {
    db = await createTestDatabase('cdc_start_slot');
    await db.client.query(`
      CREATE SCHEMA dmv;
      CREATE TABLE dmv.person (person_id text PRIMARY KEY, name text, written_at timestamptz NOT NULL DEFAULT clock_timestamp());
      INSERT INTO dmv.person (person_id, name) VALUES ('p1', 'before the slot'), ('p2', 'before the slot');
    `);
  });
  afterAll(async () => {
    // A database with a logical slot cannot be dropped.
    await db.client.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    await db.drop();
  });

  test('the slot decodes exactly what commits after its LSN; the high-water mark precedes all of it', async () => {
    const [created, info] = await runPsqlScript(db.client, read('cdc-start-slot.sql'), { slot_name: slot });
    const { slot_name, cdc_start_position, high_water_mark } = created.rows[0];
    expect(slot_name).toBe(slot);
    // The value for changeSource.cdcStartPosition: an LSN as DMS and pg_lsn write it.
    expect(cdc_start_position).toMatch(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/);
    expect(high_water_mark).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(info.rows).toEqual([
      { slot_name: slot, plugin: 'test_decoding', slot_type: 'logical', database: db.name, active: false, restart_lsn: expect.any(String), confirmed_flush_lsn: cdc_start_position },
    ]);

    // After the slot: changes (what DMS streams from cdc_start_position), then the export's snapshot. Commits wait
    // for their WAL flush, as on RDS (the test server runs synchronous_commit=off, and decoding reads flushed WAL only).
    await db.client.query('SET synchronous_commit = on');
    await db.client.query(`INSERT INTO dmv.person (person_id, name) VALUES ('p3', 'after the slot')`);
    await db.client.query(`UPDATE dmv.person SET name = 'changed after the slot', written_at = clock_timestamp() WHERE person_id = 'p1'`);
    const exported = await db.client.query('SELECT person_id, name FROM dmv.person ORDER BY person_id');
    await db.client.query(`DELETE FROM dmv.person WHERE person_id = 'p2'`);

    const changes = await db.client.query<{ lsn: string; data: string; after_start: boolean }>(
      `SELECT lsn::text, data, lsn >= $2::pg_lsn AS after_start FROM pg_logical_slot_peek_changes($1, NULL, NULL) WHERE data LIKE 'table %'`,
      [slot, cdc_start_position],
    );
    expect(changes.rows.every((c) => c.after_start)).toBe(true);
    expect(changes.rows.map((c) => c.data.replace(/ written_at\[[^\]]*\]:'[^']*'/, ''))).toEqual([
      "table dmv.person: INSERT: person_id[text]:'p3' name[text]:'after the slot'",
      "table dmv.person: UPDATE: person_id[text]:'p1' name[text]:'changed after the slot'",
      "table dmv.person: DELETE: person_id[text]:'p2'",
    ]);
    // The rows written before the slot reach the target only through the export; the export already has p3 and the
    // new p1, which the stream applies again (idempotent upserts), and still has p2, which the stream deletes.
    expect(exported.rows).toEqual([
      { person_id: 'p1', name: 'changed after the slot' },
      { person_id: 'p2', name: 'before the slot' },
      { person_id: 'p3', name: 'after the slot' },
    ]);
    // Everything the slot decodes was written after the high-water mark: the consumer skips none of it.
    const after = await db.client.query(`SELECT bool_and(written_at > $1::timestamptz) AS ok FROM dmv.person WHERE person_id IN ('p1', 'p3')`, [high_water_mark]);
    expect(after.rows[0].ok).toBe(true);
  });

  test('fails when the slot already exists (its position is unknown: never reuse one)', async () => {
    await expect(runPsqlScript(db.client, read('cdc-start-slot.sql'), { slot_name: slot })).rejects.toThrow(new RegExp(`replication slot "${slot}" already exists`));
  });
});

describe('templates/postgres/row-counts.sql (the check of a load DMS cannot validate) against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase('row_counts');
    await db.client.query(`
      CREATE SCHEMA dmv;
      CREATE TABLE dmv.person (id int PRIMARY KEY);
      CREATE TABLE dmv."Vehicle" (vin text);
      CREATE TABLE dmv.empty (x int);
      INSERT INTO dmv.person SELECT generate_series(1, 1234);
      INSERT INTO dmv."Vehicle" VALUES ('a'), ('b'), ('c');
    `);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('one row per table with its count, names as given (case kept), sorted for a diff', async () => {
    const [counts] = await runPsqlScript(db.client, read('row-counts.sql'), { tables: 'dmv.person, dmv.Vehicle,dmv.empty' });
    expect(counts.rows).toEqual([
      { table_name: 'dmv.Vehicle', row_count: '3' },
      { table_name: 'dmv.empty', row_count: '0' },
      { table_name: 'dmv.person', row_count: '1234' },
    ]);
  });

  test('a load that lost rows shows up as a different count', async () => {
    const [before] = await runPsqlScript(db.client, read('row-counts.sql'), { tables: 'dmv.person' });
    await db.client.query('DELETE FROM dmv.person WHERE id > 1230');
    const [after] = await runPsqlScript(db.client, read('row-counts.sql'), { tables: 'dmv.person' });
    expect(after.rows).not.toEqual(before.rows);
    expect(after.rows[0].row_count).toBe('1230');
  });

  test('fails when a table does not exist (a typo must not pass as an empty table)', async () => {
    await expect(runPsqlScript(db.client, read('row-counts.sql'), { tables: 'dmv.person,dmv.vehicle' })).rejects.toThrow(/relation "dmv\.vehicle" does not exist/);
  });
});
