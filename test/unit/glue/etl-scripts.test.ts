import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MigrationStack, Testing } from '../../../modules/core';
import { GLUE_TEMPLATES_DIR } from '../../../modules/glue-common';
import { buildPlan, GlueEtlPipeline, TableMapping } from '../../../modules/glue-etl-pipeline';

const ETL_DIR = path.join(GLUE_TEMPLATES_DIR, 'etl');
const SCRIPTS = ['extract.py', 'transform.py', 'load.py', 'etl_common.py'];

const ORDERS: TableMapping = {
  sourceTable: 'shop.orders',
  targetTable: 'shop.customer_order',
  keyColumn: 'order_id',
  columns: [
    { source: 'order_id', target: 'id', type: 'bigint' },
    { source: 'Total', target: 'total_amount', type: 'decimal(12,2)' },
  ],
  exclude: ['internal_notes'],
};

/** Runs Python with etl_common importable; `code` prints one JSON value. */
function python(code: string, input?: unknown): any {
  const out = execFileSync('python3', ['-c', code], {
    cwd: ETL_DIR,
    input: input === undefined ? '' : JSON.stringify(input),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/**
 * DML (and OFFSET paging) written in a Python script: the string literals of its code (comments and docstrings left
 * out) joined in order, an expression between two literals standing as `{}`, so that f-strings (`f"UPDATE {t} SET"`),
 * concatenation (`"UPDATE " + t + " SET"`) and implicit concatenation across lines read as the statement they make.
 */
function sqlInPython(source: string): string[] {
  const code = source.replace(/"""[\s\S]*?"""|'''[\s\S]*?'''/g, '').replace(/#.*$/gm, '');
  const literals = [...code.matchAll(/[rRbBfFuU]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g)].map((m) => m[1].slice(1, -1));
  const joined = literals.join(' {} ');
  const checks: Array<[string, RegExp]> = [
    ['INSERT INTO', /\bINSERT\s+(?:IGNORE\s+)?INTO\b/i],
    ['UPDATE … SET', /\bUPDATE\b[^;]{0,120}?\bSET\b/i],
    ['DELETE FROM', /\bDELETE\s+FROM\b/i],
    ['MERGE INTO', /\bMERGE\s+INTO\b/i],
    ['REPLACE INTO', /\bREPLACE\s+INTO\b/i],
    ['OFFSET', /\bOFFSET\b/i],
  ];
  return checks.filter(([, re]) => re.test(joined)).map(([name]) => name);
}

describe('Glue ETL scripts', () => {
  test.each(SCRIPTS)('%s compiles', (script) => {
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pyc-')), 'out.pyc');
    expect(() =>
      execFileSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', path.join(ETL_DIR, script), target]),
    ).not.toThrow();
  });

  test('no script paginates with OFFSET or writes a DML statement of its own (every statement comes from the plan)', () => {
    for (const script of SCRIPTS) {
      const text = fs.readFileSync(path.join(ETL_DIR, script), 'utf8');
      expect({ script, found: sqlInPython(text) }).toEqual({ script, found: [] });
    }
  });

  test.each([
    ['an f-string UPDATE', 'sql = f"UPDATE {t} SET total = {row.total} WHERE id = {row.id}"', 'UPDATE … SET'],
    ['a concatenated UPDATE', `sql = "UPDATE " + table + " SET note = '" + value + "'"`, 'UPDATE … SET'],
    ['a concatenated UPDATE across lines', 'sql = ("UPDATE "\n       + table\n       + " SET x = 1")', 'UPDATE … SET'],
    ['MERGE INTO', "stmt.execute('MERGE INTO ' + target + ' USING src ON (a = b)')", 'MERGE INTO'],
    ['INSERT INTO', 'cur.execute(f"INSERT INTO {t} VALUES ({v})")', 'INSERT INTO'],
    ['INSERT IGNORE INTO', 'q = "insert ignore into t values (1)"', 'INSERT INTO'],
    ['REPLACE INTO', 'q = "REPLACE INTO t VALUES (1)"', 'REPLACE INTO'],
    ['DELETE FROM', 'q = "DELETE FROM " + t', 'DELETE FROM'],
    ['OFFSET paging', 'q = f"SELECT * FROM t LIMIT 10 OFFSET {n}"', 'OFFSET'],
  ])('the check finds %s in script code', (_name, code, found) => {
    expect(sqlInPython(code)).toEqual([found]);
  });

  test('the check reads string literals only: Python calls named update/set/merge, comments and docstrings are not SQL', () => {
    const code = [
      '"""Never UPDATE t SET x row by row; never MERGE INTO from data."""',
      'props.update(set(keys))  # UPDATE t SET x = 1 would be wrong here',
      'merged = merge_into(a, b)',
      "log('updated rows, set aside: %d', n)",
    ].join('\n');
    expect(sqlInPython(code)).toEqual([]);
  });

  test('every argument a script reads is set on its job (getResolvedOptions fails on a missing one)', () => {
    const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
    new GlueEtlPipeline(stack, 'etl', {
      network: { vpcId: 'vpc-1', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }] },
      source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: 'arn:aws:secretsmanager:eu-west-2:1:secret:s', securityGroupId: 'sg-s' },
      target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: 'arn:aws:secretsmanager:eu-west-2:1:secret:t', securityGroupId: 'sg-t' },
      tables: [ORDERS],
    });
    const jobs = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_glue_job) as any[];
    for (const name of ['extract', 'transform', 'load']) {
      const text = fs.readFileSync(path.join(ETL_DIR, `${name}.py`), 'utf8');
      const list = /getResolvedOptions\(\s*sys\.argv,\s*\[([^\]]*)\]/s.exec(text)![1];
      const wanted = [...list.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).filter((a) => a !== 'JOB_NAME');
      const job = jobs.find((j) => j.name === `demo-staging-etl-${name}`);
      // Exactly as written: getResolvedOptions adds a required argparse option `--<name>` per name, and argparse does
      // not treat '-' and '_' as the same (a hyphenated `--run-id` never satisfies `run_id`).
      const given = Object.keys(job.default_arguments).map((k) => k.replace(/^--/, ''));
      expect(wanted.filter((a) => !given.includes(a))).toEqual([]);
    }
  });
});

describe('etl_common (pure helpers)', () => {
  const plan = buildPlan('mysql', 'postgresql', [ORDERS]);

  test('page_sql fills the generated keyset query with integers only', () => {
    const result = python(
      `import json, sys, etl_common as e
t = json.load(sys.stdin)["tables"][0]
out = {"page": e.page_sql(t, 41, 1000)}
for bad in ["41 OR 1=1", 4.5, True]:
    try:
        e.page_sql(t, bad, 1000); out[str(bad)] = "accepted"
    except e.EtlError as err:
        out[str(bad)] = str(err)
print(json.dumps(out))`,
      plan,
    );
    expect(result.page).toBe('SELECT `order_id`, `Total` FROM `shop`.`orders` WHERE `order_id` > 41 ORDER BY `order_id` LIMIT 1000');
    expect(result['41 OR 1=1']).toMatch(/keyset position must be an integer/);
    expect(result['4.5']).toMatch(/keyset position must be an integer/);
    expect(result.True).toMatch(/keyset position must be an integer/);
  });

  test('stage names are derived from the run id and checked', () => {
    const result = python(
      `import json, sys, etl_common as e
t = json.load(sys.stdin)["tables"][0]
a = e.stage_name(t, "exec-1"); b = e.stage_name(t, "exec-1"); c = e.stage_name(t, "exec-2")
try:
    e.stage_name(t, "x'; drop table y; --"); bad = "accepted"
except e.EtlError as err:
    bad = str(err)
print(json.dumps({"a": a, "same": a == b, "differs": a != c, "bad": bad,
                  "upsert": e.fill(t["upsertSql"], stage=a)}))`,
      plan,
    );
    expect(result.a).toMatch(/^"shop"\."customer_order__stg_[0-9a-f]{8}"$/);
    expect(result.same).toBe(true);
    expect(result.differs).toBe(true);
    expect(result.bad).toMatch(/run id .* must be 1-80 letters, digits/);
    expect(result.upsert).toContain(`SELECT "id", "total_amount" FROM ${result.a} ON CONFLICT ("id")`);
  });

  test('check_columns reports schema drift by name; projection maps case-insensitively in mapping order', () => {
    const result = python(
      `import json, sys, etl_common as e
t = json.load(sys.stdin)["tables"][0]
print(json.dumps({
  "ok": e.check_columns(t, ["ORDER_ID", "total", "internal_notes"]),
  "extra": e.check_columns(t, ["order_id", "Total", "internal_notes", "coupon", "ip"]),
  "missing": e.check_columns(t, ["order_id", "internal_notes"]),
  "projection": e.projection(t, ["total", "ORDER_ID", "internal_notes"]),
}))`,
      plan,
    );
    expect(result.ok).toEqual([]);
    expect(result.extra).toEqual(['shop.orders: unexpected column(s) coupon, ip; map them or add them to exclude']);
    expect(result.missing).toEqual(['shop.orders: mapped column(s) Total not found in the source']);
    expect(result.projection).toEqual([
      ['ORDER_ID', 'bigint', 'id'],
      ['total', 'decimal(12,2)', 'total_amount'],
    ]);
  });

  test('append tables start after the committed watermark, which only ever moves forward', () => {
    const appendPlan = buildPlan('mysql', 'postgresql', [{ ...ORDERS, mode: 'append' }]);
    const result = python(
      `import json, sys, etl_common as e
plan = json.load(sys.stdin)
t = plan["append"]["tables"][0]; f = plan["full"]["tables"][0]
out = {
  "first": e.start_after(t, None),
  "resume": e.start_after(t, {"lastKey": 500}),
  "fullIgnoresState": e.start_after(f, {"lastKey": 500}),
  "advance": e.advanced_watermark(t, {"lastKey": 500}, 900, "exec-2"),
  "noNewRows": e.advanced_watermark(t, {"lastKey": 500}, None, "exec-3"),
  "neverBack": e.advanced_watermark(t, {"lastKey": 500}, 400, "exec-4"),
  "fullNever": e.advanced_watermark(f, None, 900, "exec-5"),
}
try:
    e.start_after(t, {"lastKey": "500"}); out["bad"] = "accepted"
except e.EtlError as err:
    out["bad"] = str(err)
print(json.dumps(out))`,
      { append: appendPlan, full: plan },
    );
    expect(result.first).toBe(-(2 ** 63));
    expect(result.resume).toBe(500);
    expect(result.fullIgnoresState).toBe(-(2 ** 63));
    expect(result.advance).toEqual({ lastKey: 900, runId: 'exec-2' });
    expect(result.noNewRows).toBeNull();
    expect(result.neverBack).toBeNull();
    expect(result.fullNever).toBeNull();
    expect(result.bad).toMatch(/watermark state\/watermarks\/shop\.orders\.json holds '500', not an integer key/);
  });

  test('fill refuses a template with an unfilled placeholder; JDBC properties enforce TLS, batching and zero dates as NULL', () => {
    const result = python(`import json, etl_common as e
try:
    e.fill("SELECT * FROM {stage} WHERE k > {after}", stage="s"); err = "accepted"
except e.EtlError as x:
    err = str(x)
print(json.dumps({"err": err, "pg": e.jdbc_properties("postgresql", "u", "p"), "my": e.jdbc_properties("mysql", "u", "p"),
                  "prefix": e.run_prefix("extract", "exec-1", {"slug": "shop.orders"})}))`);
    expect(result.err).toMatch(/needs \['after'\]/);
    expect(result.pg).toMatchObject({ sslmode: 'require', reWriteBatchedInserts: 'true', driver: 'org.postgresql.Driver' });
    expect(result.my).toMatchObject({ sslMode: 'REQUIRED', rewriteBatchedStatements: 'true', driver: 'com.mysql.cj.jdbc.Driver' });
    // Connector/J's default fails the whole extract on the first zero date (found by test/glue-harness against MariaDB).
    expect(result.my.zeroDateTimeBehavior).toBe('CONVERT_TO_NULL');
    expect(result.pg.zeroDateTimeBehavior).toBeUndefined();
    expect(result.prefix).toBe('runs/exec-1/extract/shop.orders/');
  });
});
