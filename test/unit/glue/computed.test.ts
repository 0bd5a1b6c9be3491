import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Connections, MigrationStack, Testing } from '../../../modules/core';
import { GLUE_TEMPLATES_DIR } from '../../../modules/glue-common';
import {
  add,
  and,
  buildPlan,
  caseWhen,
  checkPostLoadSql,
  cmp,
  coalesce,
  col,
  div,
  GlueEtlPipeline,
  isNull,
  lit,
  MappingError,
  mul,
  not,
  or,
  sub,
  TableMapping,
  validateMappings,
} from '../../../modules/glue-etl-pipeline';

const ORDERS: TableMapping = {
  sourceTable: 'shop.orders',
  targetTable: 'sales.customer_order',
  keyColumn: 'order_id',
  columns: [
    { source: 'order_id', target: 'id', type: 'bigint' },
    { source: 'customer_id', type: 'bigint' },
    { source: 'qty', type: 'int' },
    { source: 'price', target: 'unit_price', type: 'decimal(10,2)' },
    { source: 'discount', type: 'decimal(10,2)' },
    { source: 'status', type: 'string' },
    { source: 'ordered_at', type: 'timestamp' },
  ],
  exclude: ['internal_notes'],
};
const TOTAL = sub(mul(col('qty'), col('price')), coalesce(col('discount'), lit(0)));

const withTable = (override: Partial<TableMapping>): TableMapping[] => [{ ...ORDERS, ...override }];
const plan = (tables: TableMapping[], postLoadSql?: string[]) => buildPlan('mysql', 'postgresql', tables, { createTargetTables: true, postLoadSql });

describe('computed columns', () => {
  test('arithmetic, COALESCE and CASE render to Spark SQL cast to the declared type, by source name', () => {
    const p = plan(
      withTable({
        computed: [
          { target: 'total', type: 'decimal(14,2)', expression: TOTAL },
          {
            target: 'size_class',
            type: 'string',
            expression: caseWhen([[cmp(col('qty'), '>=', lit(10)), lit('bulk')], [cmp(col('QTY'), '=', lit(0)), lit(null)]], lit("it's \\ odd")),
          },
          { target: 'share', type: 'double', expression: div(col('price'), add(col('qty'), lit(1.5))) },
          { target: 'flag', type: 'boolean', expression: or(and(not(isNull(col('discount'))), cmp(col('status'), '<>', lit('x'))), lit(false)) },
          { target: 'since', type: 'boolean', expression: cmp(col('ordered_at'), '>', lit('2025-01-01 00:00:00', 'timestamp')) },
        ],
      }),
    );
    expect(p.tables[0].computed).toEqual([
      { target: 'total', type: 'decimal(14,2)', sql: 'CAST(((`qty` * `price`) - coalesce(`discount`, 0)) AS DECIMAL(14,2))' },
      {
        target: 'size_class',
        type: 'string',
        sql: "CAST((CASE WHEN (`qty` >= 10) THEN 'bulk' WHEN (`qty` = 0) THEN NULL ELSE 'it\\'s \\\\ odd' END) AS STRING)",
      },
      { target: 'share', type: 'double', sql: 'CAST((`price` / (`qty` + 1.5BD)) AS DOUBLE)' },
      { target: 'flag', type: 'boolean', sql: "CAST((((NOT (`discount` IS NULL)) AND (`status` <> 'x')) OR FALSE) AS BOOLEAN)" },
      { target: 'since', type: 'boolean', sql: "CAST((`ordered_at` > CAST('2025-01-01 00:00:00' AS TIMESTAMP)) AS BOOLEAN)" },
    ]);
  });

  test('computed columns are part of the upsert and the created target table; the extract reads only source columns', () => {
    const t = plan(withTable({ computed: [{ target: 'total', type: 'decimal(14,2)', expression: TOTAL }] })).tables[0];
    expect(t.upsertSql).toContain('"total" = EXCLUDED."total"');
    expect(t.createTargetSql).toContain('"total" numeric(14,2)');
    expect(t.extractSql).not.toContain('total');
    expect(plan([ORDERS]).tables[0].computed).toEqual([]);
  });

  test.each<[string, Partial<TableMapping>, RegExp]>([
    ['an unknown column', { computed: [{ target: 't', type: 'int', expression: col('quantity') }] }, /shop\.orders: computed "t": unknown column "quantity" in table shop\.orders; .*\(order_id, customer_id, qty/],
    ['an excluded column', { computed: [{ target: 't', type: 'string', expression: col('internal_notes') }] }, /column "internal_notes" of shop\.orders is in exclude \(never extracted\)/],
    ['arithmetic on a string', { computed: [{ target: 't', type: 'int', expression: add(col('status'), lit(1)) }] }, /\+ needs numeric operands, got string \+ numeric/],
    ['a comparison of two types', { computed: [{ target: 't', type: 'boolean', expression: cmp(col('qty'), '=', lit('3')) }] }, /cannot compare numeric = string/],
    ['a CASE condition that is not boolean', { computed: [{ target: 't', type: 'int', expression: caseWhen([[col('qty'), lit(1)]]) }] }, /every caseWhen\(\) condition must be boolean/],
    ['CASE branches of two types', { computed: [{ target: 't', type: 'int', expression: caseWhen([[cmp(col('qty'), '>', lit(1)), lit(1)]], lit('x')) }] }, /caseWhen\(\) else has type string, the branches numeric/],
    ['COALESCE of two types', { computed: [{ target: 't', type: 'int', expression: coalesce(col('qty'), col('status')) }] }, /coalesce\(\) arguments have different types \(numeric and string\)/],
    ['a result that does not fit the declared type', { computed: [{ target: 't', type: 'string', expression: TOTAL }] }, /computed "t": the expression is numeric but the column is declared string/],
    ['a number that cannot be written exactly', { computed: [{ target: 't', type: 'double', expression: lit(1e21) }] }, /number 1e\+21 cannot be written exactly/],
    ['a target name taken by a mapped column', { computed: [{ target: 'UNIT_PRICE', type: 'int', expression: col('qty') }] }, /computed column "UNIT_PRICE" has the target name of mapped column "price"/],
    ['a target that is not an identifier', { computed: [{ target: 'a b', type: 'int', expression: col('qty') }] }, /computed target "a b" must be a plain identifier/],
    ['a node that is not an expression', { computed: [{ target: 't', type: 'int', expression: { sql: 'qty * 2' } as never }] }, /computed "t": \{"sql":"qty \* 2"\} is not an expression/],
  ])('fails when a computed column uses %s', (_name, override, message) => {
    expect(() => validateMappings(withTable(override))).toThrow(MappingError);
    expect(() => validateMappings(withTable(override))).toThrow(message);
  });

  test('an expression written as a column name points to computed columns', () => {
    const tables = withTable({ columns: [...ORDERS.columns, { source: 'qty * price', target: 'total', type: 'decimal(12,2)' }] });
    expect(() => validateMappings(tables)).toThrow(/source column "qty \* price" must be a plain identifier.*declare it under `computed`.*`aggregates`/);
  });
});

describe('aggregate tables', () => {
  const AGG: TableMapping['aggregates'] = [
    {
      targetTable: 'sales.customer_totals',
      groupBy: ['customer_id'],
      where: cmp(col('status'), '<>', lit('cancelled')),
      measures: [
        { target: 'order_count', type: 'bigint', fn: 'count' },
        { target: 'revenue', type: 'decimal(18,2)', fn: 'sum', of: TOTAL },
        { target: 'first_order', type: 'timestamp', fn: 'min', of: col('ordered_at') },
        { target: 'avg_price', type: 'decimal(18,6)', fn: 'avg', of: col('price') },
      ],
    },
  ];

  test('render a grouped SELECT over etl_rows, a multi-column upsert on the group key and the target table', () => {
    const a = plan(withTable({ aggregates: AGG })).tables[0].aggregates[0];
    expect(a.selectSql).toBe(
      'SELECT `customer_id` AS `customer_id`, CAST(count(*) AS BIGINT) AS `order_count`, ' +
        'CAST(sum(((`qty` * `price`) - coalesce(`discount`, 0))) AS DECIMAL(18,2)) AS `revenue`, ' +
        'CAST(min(`ordered_at`) AS TIMESTAMP) AS `first_order`, CAST(avg(`price`) AS DECIMAL(18,6)) AS `avg_price` ' +
        "FROM etl_rows WHERE `customer_id` IS NOT NULL AND (`status` <> 'cancelled') GROUP BY `customer_id`",
    );
    expect(a.keyColumns).toEqual(['customer_id']);
    expect(a.upsertSql).toBe(
      'INSERT INTO "sales"."customer_totals" AS t ("customer_id", "order_count", "revenue", "first_order", "avg_price") ' +
        'SELECT "customer_id", "order_count", "revenue", "first_order", "avg_price" FROM {stage} ON CONFLICT ("customer_id") DO UPDATE SET ' +
        '"order_count" = EXCLUDED."order_count", "revenue" = EXCLUDED."revenue", "first_order" = EXCLUDED."first_order", "avg_price" = EXCLUDED."avg_price" ' +
        'WHERE (t."order_count", t."revenue", t."first_order", t."avg_price") IS DISTINCT FROM (EXCLUDED."order_count", EXCLUDED."revenue", EXCLUDED."first_order", EXCLUDED."avg_price")',
    );
    expect(a.createTargetSql).toBe(
      'CREATE TABLE IF NOT EXISTS "sales"."customer_totals" ("customer_id" bigint NOT NULL, "order_count" bigint, "revenue" numeric(18,2), ' +
        '"first_order" timestamptz, "avg_price" numeric(18,6), PRIMARY KEY ("customer_id"))',
    );
    expect(a.stageTable).toBe('"sales"."customer_totals__stg_{suffix}"');
    const mysql = buildPlan('postgresql', 'mysql', withTable({ aggregates: AGG })).tables[0].aggregates[0];
    expect(mysql.upsertSql).toContain('ON DUPLICATE KEY UPDATE `order_count` = s.`order_count`');
    expect(mysql.createTargetSql).toBeUndefined();
  });

  test('group keys carry their mapped target names', () => {
    const a = plan(withTable({ aggregates: [{ targetTable: 'sales.by_price', groupBy: ['price', 'status'], measures: [{ target: 'n', type: 'int', fn: 'count' }] }] })).tables[0].aggregates[0];
    expect(a.selectSql).toContain('SELECT `price` AS `unit_price`, `status` AS `status`');
    expect(a.upsertSql).toContain('ON CONFLICT ("unit_price", "status")');
  });

  test('the scripts stage an aggregate under its table\'s transform prefix, in its own run-suffixed staging table', () => {
    const a = plan(withTable({ aggregates: AGG })).tables[0];
    const out = execFileSync(
      'python3',
      ['-c', 'import json, sys, etl_common as e; t = json.load(sys.stdin); a = t["aggregates"][0]\nprint(json.dumps([e.aggregate_prefix("exec-1", t, a), e.stage_name(a, "exec-1")]))'],
      { cwd: path.join(GLUE_TEMPLATES_DIR, 'etl'), input: JSON.stringify(a), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    );
    const [prefix, stage] = JSON.parse(out);
    expect(prefix).toBe('runs/exec-1/transform/shop.orders/aggregates/sales.customer_totals/');
    expect(stage).toMatch(/^"sales"\."customer_totals__stg_[0-9a-f]{8}"$/);
  });

  const measure = (m: object) => withTable({ aggregates: [{ targetTable: 'sales.t', groupBy: ['customer_id'], measures: [m as never] }] });
  test.each<[string, TableMapping[], RegExp]>([
    ['an append table', withTable({ mode: 'append', aggregates: AGG }), /aggregates need mode 'full' \(an append run reads only the new rows/],
    ['an unknown group key', withTable({ aggregates: [{ ...AGG![0], groupBy: ['region'] }] }), /aggregate sales\.customer_totals: groupBy: unknown column "region" in table shop\.orders/],
    ['no group key', withTable({ aggregates: [{ ...AGG![0], groupBy: [] }] }), /groupBy must name at least one mapped column/],
    ['the target of a mapping', withTable({ aggregates: [{ ...AGG![0], targetTable: 'SALES.customer_order' }] }), /targetTable SALES\.customer_order is the target of two mappings or aggregates/],
    ['sum of a string', measure({ target: 's', type: 'int', fn: 'sum', of: col('status') }), /measure "s": sum needs a numeric expression, got string/],
    ['sum without of', measure({ target: 's', type: 'int', fn: 'sum' }), /measure "s": sum needs `of`/],
    ['count as a decimal', measure({ target: 'n', type: 'decimal(10,2)', fn: 'count' }), /count needs type bigint or int/],
    ['max of a timestamp declared int', measure({ target: 'm', type: 'int', fn: 'max', of: col('ordered_at') }), /the expression is timestamp but the column is declared int/],
    ['an unknown function', measure({ target: 'm', type: 'int', fn: 'median', of: col('qty') }), /fn "median" must be one of sum, count, min, max, avg/],
    ['a measure named like the key', measure({ target: 'customer_id', type: 'int', fn: 'count' }), /measure "customer_id" has the name of group key "customer_id"/],
    ['a where that is not boolean', withTable({ aggregates: [{ ...AGG![0], where: col('qty') }] }), /where must be a boolean condition/],
  ])('fails on %s', (_name, tables, message) => {
    expect(() => validateMappings(tables)).toThrow(message);
  });
});

describe('post-load SQL', () => {
  test('idempotent statements pass, trimmed, in order, into the plan', () => {
    const statements = [
      ' CREATE OR REPLACE VIEW sales.big AS SELECT 1; ',
      'REFRESH MATERIALIZED VIEW sales.mv',
      'CREATE INDEX IF NOT EXISTS ix ON sales.t (a)',
      'DROP VIEW IF EXISTS sales.old',
      'ANALYZE sales.customer_order',
    ];
    expect(plan([ORDERS], statements).postLoadSql).toEqual([
      'CREATE OR REPLACE VIEW sales.big AS SELECT 1',
      'REFRESH MATERIALIZED VIEW sales.mv',
      'CREATE INDEX IF NOT EXISTS ix ON sales.t (a)',
      'DROP VIEW IF EXISTS sales.old',
      'ANALYZE sales.customer_order',
    ]);
    expect(plan([ORDERS]).postLoadSql).toEqual([]);
  });

  test.each([
    ['CREATE VIEW v AS SELECT 1', /postLoadSql\[0\] "CREATE VIEW v AS SELECT 1" is not one of the idempotent forms/],
    ['INSERT INTO t VALUES (1)', /is not one of the idempotent forms/],
    ['CREATE OR REPLACE VIEW v AS SELECT 1; DROP TABLE t', /more than one statement/],
    ['  ', /postLoadSql\[0\] is empty/],
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a)', /CONCURRENTLY cannot run inside the load's transaction/],
  ])('fails on %j', (sql, message) => {
    expect(() => checkPostLoadSql([sql])).toThrow(message);
  });

  test('a bad statement fails the synth naming the construct', () => {
    const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
    expect(
      () =>
        new GlueEtlPipeline(stack, 'etl', {
          network: { vpcId: 'vpc-1', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }] },
          source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:m-AbCdEf', securityGroupId: 'sg-m' },
          target: {
            engine: 'postgresql',
            host: 'pg.internal',
            databaseName: 'app',
            secretArn: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:p-AbCdEf',
            database: { connections: new Connections(stack, { securityGroupId: 'sg-pg', defaultPort: 5432, description: 'pg' }) },
          },
          tables: [ORDERS],
          postLoadSql: ['DELETE FROM sales.customer_order'],
        }),
    ).toThrow(/test\/etl.*mapping: postLoadSql\[0\] "DELETE FROM sales.customer_order" is not one of the idempotent forms/);
  });
});
