/**
 * The Postgres SQL the load job runs (generated at synth by modules/glue-etl-pipeline/mapping.ts), executed against a
 * real Postgres the way load.py does: staging table LIKE the target, bulk rows in, one upsert, drop the stage.
 * Spark's JDBC append is stood in for by a multi-row INSERT into the staging table.
 */
import { Client } from 'pg';
import { buildPlan, TableMapping, TablePlan } from '../../../modules/glue-etl-pipeline';
import { createTestDatabase } from '../../helpers/pg';

const ORDERS: TableMapping = {
  sourceTable: 'shop.orders',
  targetTable: 'shop.customer_order',
  keyColumn: 'order_id',
  columns: [
    { source: 'order_id', target: 'id', type: 'bigint' },
    { source: 'customer_id', type: 'bigint' },
    { source: 'total', target: 'total_amount', type: 'decimal(12,2)' },
    { source: 'note', type: 'string' },
  ],
};
const TAGS: TableMapping = { sourceTable: 'shop.tags', targetTable: 'shop.tag', keyColumn: 'id', columns: [{ source: 'id', type: 'int' }] };

type Row = [number, number | null, string | null, string | null];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: Client;
let orders: TablePlan;
let tags: TablePlan;

const fill = (sql: string, values: Record<string, string>) => sql.replace(/\{([a-z]+)\}/g, (_, k: string) => values[k]);

/** One load of `rows` as load.py runs it, with the given run suffix. Returns the upsert's row count. */
async function load(plan: TablePlan, rows: unknown[][], suffix = 'deadbeef'): Promise<number> {
  const stage = fill(plan.stageTable, { suffix });
  await client.query(fill(plan.dropStageSql, { stage }));
  await client.query(fill(plan.createStageSql, { stage }));
  try {
    if (rows.length) {
      const cols = plan.columns.map((c) => `"${c.target}"`).join(', ');
      const width = plan.columns.length;
      const values = rows.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
      await client.query(`INSERT INTO ${stage} (${cols}) VALUES ${values}`, rows.flat());
    }
    await client.query('BEGIN');
    const result = await client.query(fill(plan.upsertSql, { stage }));
    await client.query('COMMIT');
    await client.query(fill(plan.dropStageSql, { stage }));
    return result.rowCount ?? 0;
  } catch (e) {
    await client.query('ROLLBACK');
    await client.query(fill(plan.dropStageSql, { stage }));
    throw e;
  }
}

async function target(): Promise<Array<Record<string, unknown>>> {
  const { rows } = await client.query('SELECT id, customer_id, total_amount, note, status, xmin::text AS xmin FROM shop.customer_order ORDER BY id');
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase('glue_upsert');
  client = db.client;
  const plan = buildPlan('mysql', 'postgresql', [ORDERS, TAGS]);
  [orders, tags] = plan.tables;
  await client.query(`CREATE SCHEMA shop;
    CREATE TABLE shop.customer_order (
      id bigint PRIMARY KEY,
      customer_id bigint NOT NULL,
      total_amount numeric(12,2),
      note text,
      status text NOT NULL DEFAULT 'new'
    );
    CREATE TABLE shop.tag (id int PRIMARY KEY)`);
});

afterAll(async () => {
  await db.drop();
});

describe('generated load SQL on Postgres', () => {
  const first: Row[] = [
    [1, 10, '19.99', 'a'],
    [2, 11, '5.00', null],
    [3, 12, null, 'Zoë 🚀'],
  ];

  test('a first load inserts every row; unmapped target columns take their defaults', async () => {
    expect(await load(orders, first)).toBe(3);
    const rows = await target();
    expect(rows.map((r) => [Number(r.id), Number(r.customer_id), r.total_amount, r.note, r.status])).toEqual([
      [1, 10, '19.99', 'a', 'new'],
      [2, 11, '5.00', null, 'new'],
      [3, 12, null, 'Zoë 🚀', 'new'],
    ]);
  });

  test('loading the same rows again changes nothing: no row is even rewritten (idempotent)', async () => {
    const before = await target();
    expect(await load(orders, first, 'cafebabe')).toBe(0);
    expect(await target()).toEqual(before);
  });

  test('changed rows are updated (NULL-safe), new rows inserted, columns outside the mapping kept', async () => {
    await client.query(`UPDATE shop.customer_order SET status = 'shipped' WHERE id = 1`);
    const before = await target();
    const next: Row[] = [
      [1, 10, '19.99', 'a'], // unchanged
      [2, 11, '5.00', 'now set'], // NULL -> value
      [3, 12, '7.50', null], // NULL -> value and value -> NULL
      [4, 13, '1.00', 'new row'],
    ];
    expect(await load(orders, next)).toBe(3);
    const rows = await target();
    expect(rows.map((r) => [Number(r.id), r.total_amount, r.note, r.status])).toEqual([
      [1, '19.99', 'a', 'shipped'],
      [2, '5.00', 'now set', 'new'],
      [3, '7.50', null, 'new'],
      [4, '1.00', 'new row', 'new'],
    ]);
    expect(rows[0].xmin).toBe(before[0].xmin);
  });

  test('a failing load (NOT NULL violated in the staged rows) leaves the target untouched and no staging table', async () => {
    const before = await target();
    await expect(load(orders, [[5, null, '2.00', 'x'], [1, 99, '0.00', 'changed']])).rejects.toThrow(/null value in column "customer_id"/);
    expect(await target()).toEqual(before);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE strpos(tablename, '__stg_') > 0`);
    expect(rows[0].n).toBe(0);
  });

  test('a key repeated in one load fails the upsert as a whole; nothing is half-applied', async () => {
    const before = await target();
    await expect(load(orders, [[7, 15, '1.00', null], [7, 15, '2.00', null], [1, 10, '0.01', 'changed']])).rejects.toThrow(
      /cannot affect row a second time/,
    );
    expect(await target()).toEqual(before);
  });

  test('a retried run replaces the staging table an earlier attempt left behind', async () => {
    const stage = fill(orders.stageTable, { suffix: '0badf00d' });
    await client.query(fill(orders.createStageSql, { stage }));
    await client.query(`INSERT INTO ${stage} (id, customer_id) VALUES (999, 1)`);
    expect(await load(orders, [[6, 14, '3.00', null]], '0badf00d')).toBe(1);
    expect((await target()).map((r) => Number(r.id))).not.toContain(999);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'shop' AND strpos(tablename, '__stg_') > 0`);
    expect(rows[0].n).toBe(0);
  });

  test('a target created from the mapping takes the staged rows and the upsert', async () => {
    const [fresh] = buildPlan('mysql', 'postgresql', [{ ...ORDERS, targetTable: 'shop.order_copy' }], { createTargetTables: true }).tables;
    await client.query(fresh.createTargetSql!);
    await client.query(fresh.createTargetSql!); // IF NOT EXISTS: a second run leaves it alone
    expect(await load(fresh, [[1, 10, '19.99', 'Zoë'], [2, 11, null, null]])).toBe(2);
    expect(await load(fresh, [[1, 10, '19.99', 'Zoë'], [2, 11, '1.50', null]])).toBe(1);
    const { rows } = await client.query('SELECT id::int, total_amount FROM shop.order_copy ORDER BY id');
    expect(rows).toEqual([{ id: 1, total_amount: '19.99' }, { id: 2, total_amount: '1.50' }]);
  });

  test('a key-only table inserts missing keys and ignores existing ones', async () => {
    expect(await load(tags, [[1], [2]])).toBe(2);
    expect(await load(tags, [[2], [3]])).toBe(1);
    const { rows } = await client.query('SELECT id FROM shop.tag ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
