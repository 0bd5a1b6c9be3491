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
