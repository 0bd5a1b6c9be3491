import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { runCheck } from '../../../lambdas/dms-apply-exceptions/check';
import { parseConfig } from '../../../lambdas/dms-apply-exceptions/config';
import { ApplyExceptionsError, countApplyExceptions, windowFor } from '../../../lambdas/dms-apply-exceptions/core';
import type { MetricDatum, MetricsSink } from '../../../lambdas/dms-apply-exceptions/metrics';
import { createLogger } from '../../../lambdas/shared/logger';
import { FakeSecretsManager } from '../../helpers/fake-secrets-manager';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

/**
 * The apply-exceptions check against a real PostgreSQL, with the control table created as DMS creates it on a
 * database target ("Control table task settings": TASK_NAME, TABLE_OWNER, TABLE_NAME, ERROR_TIME, STATEMENT, ERROR;
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.ControlTable.html).
 * What DMS does that these tests do not: write the rows itself while applying CDC (the tests insert them), and pick
 * the column types (the guide lists nvchar / timestamp; varchar and timestamp are used here).
 */
const TASK = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const OTHER = 'ZYXWVUTSRQPONMLKJIHGFEDCBA';
const DMS_DDL = (schema: string) => `CREATE TABLE ${schema}.awsdms_apply_exceptions (
  "TASK_NAME" varchar(128) NOT NULL, "TABLE_OWNER" varchar(128) NOT NULL, "TABLE_NAME" varchar(128) NOT NULL,
  "ERROR_TIME" timestamp NOT NULL, "STATEMENT" text NOT NULL, "ERROR" text NOT NULL)`;
const SECRET_ROW = 'UPDATE billing.card SET pan = 4111111111111111';

async function insert(db: Client, schema: string, rows: Array<[task: string, owner: string, table: string, at: string]>): Promise<void> {
  for (const [task, owner, table, at] of rows) {
    await db.query(`INSERT INTO ${schema}.awsdms_apply_exceptions VALUES ($1, $2, $3, $4, $5, $6)`, [task, owner, table, at, SECRET_ROW, 'RetCode: SQL_ERROR SqlState: 23505 duplicate key value']);
  }
}

/** A recording MetricsSink: a test double for CloudWatch (no API, no IAM, no namespace rules). */
class RecordingMetrics implements MetricsSink {
  readonly puts: Array<{ namespace: string; data: readonly MetricDatum[] }> = [];
  async put(namespace: string, data: readonly MetricDatum[]): Promise<void> {
    this.puts.push({ namespace, data });
  }
}

describe('apply-exceptions core against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const window = { from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T10:05:00Z') };

  beforeAll(async () => {
    db = await createTestDatabase('apply_exc');
  });
  afterAll(async () => {
    await db.drop();
  });

  test('an absent table is reported as such, count 0', async () => {
    expect(await countApplyExceptions(db.client, { taskId: TASK, ...window })).toEqual({ table: null, count: 0, tables: [] });
  });

  test('an empty table (created as DMS does, in public) is found through the search_path: count 0', async () => {
    await db.client.query(DMS_DDL('public'));
    expect(await countApplyExceptions(db.client, { taskId: TASK, ...window })).toEqual({ table: 'public.awsdms_apply_exceptions', count: 0, tables: [] });
  });

  test("counts this task's rows in the window, by table; other tasks and other times are left out", async () => {
    await insert(db.client, 'public', [
      [TASK, 'billing', 'invoice', '2026-12-01 10:00:00'], // window start: in
      [TASK, 'billing', 'invoice', '2026-12-01 10:04:59.999'],
      [TASK, 'billing', 'customer', '2026-12-01 10:02:00'],
      [TASK, 'billing', 'invoice', '2026-12-01 10:05:00'], // window end: out (next window)
      [TASK, 'billing', 'invoice', '2026-12-01 09:59:59'], // before: out
      [OTHER, 'billing', 'invoice', '2026-12-01 10:01:00'], // another task sharing the control schema
    ]);
    const report = await countApplyExceptions(db.client, { taskId: TASK, ...window });
    expect(report).toEqual({
      table: 'public.awsdms_apply_exceptions',
      count: 3,
      tables: [
        { owner: 'billing', name: 'invoice', count: 2 },
        { owner: 'billing', name: 'customer', count: 1 },
      ],
    });
    const next = await countApplyExceptions(db.client, { taskId: TASK, from: window.to, to: new Date(window.to.getTime() + 300_000) });
    expect(next.count).toBe(1);
  });

  test('ControlSchema: the table is read in that schema (lower-case columns are matched too)', async () => {
    await db.client.query('CREATE SCHEMA ledger');
    await db.client.query(`CREATE TABLE ledger.awsdms_apply_exceptions (task_name varchar(128), table_owner varchar(128), table_name varchar(128), error_time timestamptz, statement text, error text)`);
    await insert(db.client, 'ledger', [[TASK, 'ledger', 'entry', '2026-12-01T10:03:00Z']]);
    expect(await countApplyExceptions(db.client, { taskId: TASK, controlSchema: 'ledger', ...window })).toMatchObject({ table: 'ledger.awsdms_apply_exceptions', count: 1, tables: [{ owner: 'ledger', name: 'entry', count: 1 }] });
    expect(await countApplyExceptions(db.client, { taskId: TASK, controlSchema: 'nowhere', ...window })).toMatchObject({ table: null, count: 0 });
  });

  test('fails when a table of that name is not the DMS table (columns missing)', async () => {
    await db.client.query('CREATE SCHEMA other');
    await db.client.query('CREATE TABLE other.awsdms_apply_exceptions (id int)');
    await expect(countApplyExceptions(db.client, { taskId: TASK, controlSchema: 'other', ...window })).rejects.toThrow(ApplyExceptionsError);
    await expect(countApplyExceptions(db.client, { taskId: TASK, controlSchema: 'other', ...window })).rejects.toThrow('has no column(s) task_name, table_owner, table_name, error_time');
  });

  test('runCheck publishes the count with the window end as timestamp and logs the tables, never the statements', async () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'test', sink: (l) => lines.push(l) });
    const metrics = new RecordingMetrics();
    const config = parseConfig({ DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:x', TASK_RESOURCE_ID: TASK, METRIC_NAMESPACE: 'MigrationKit/DMS', WINDOW_SECONDS: '300', LAG_SECONDS: '120' });
    // Scheduled at 10:07: the window is [10:00, 10:05).
    const out = await runCheck(db.client, metrics, config, new Date('2026-12-01T10:07:00Z'), log);
    expect(out).toMatchObject({ count: 3, from: '2026-12-01T10:00:00.000Z', to: '2026-12-01T10:05:00.000Z' });
    expect(metrics.puts).toEqual([
      { namespace: 'MigrationKit/DMS', data: [{ metricName: 'ApplyExceptions', value: 3, unit: 'Count', timestamp: new Date('2026-12-01T10:05:00Z'), dimensions: { ReplicationTaskIdentifier: TASK } }] },
    ]);
    const logged = lines.join('\n');
    expect(logged).toContain('"name":"invoice"');
    expect(logged).not.toContain('4111111111111111');
    expect(logged).not.toContain('duplicate key');
  });

  test('windows of consecutive runs tile time', () => {
    const a = windowFor(new Date('2026-12-01T10:07:00Z'), 300, 120);
    const b = windowFor(new Date('2026-12-01T10:12:00Z'), 300, 120);
    expect(a.to).toEqual(b.from);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`moto_server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** moto_server on PATH, or in the Glue harness venv (`npm run test:glue` installs it); undefined when neither has it. */
function findMotoServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'moto_server');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aws-data-migration-kit', 'toolchain');
  const venvs = fs.existsSync(cache) ? fs.readdirSync(cache).filter((d) => d.startsWith('glue-pyspark-')) : [];
  return venvs.map((d) => path.join(cache, d, 'venv', 'bin', 'moto_server')).find((p) => fs.existsSync(p));
}
const MOTO = findMotoServer();
// Without moto (a clean machine before `npm run test:glue`), this one end-to-end test is skipped, and says so; the
// core tests above run against Postgres regardless.
const describeWithMoto = MOTO ? describe : describe.skip;

/**
 * The deployed handler: login from a Secrets Manager stand-in (FakeSecretsManager), the real Postgres, and
 * PutMetricData to moto's CloudWatch (a Query-API imitation: it does not check SigV4, IAM or the namespace condition,
 * and keeps datapoints in memory), read back with GetMetricStatistics.
 */
describeWithMoto(`dms-apply-exceptions handler end to end${MOTO ? '' : ' (skipped: no moto_server on PATH or in the Glue harness venv; run npm run test:glue once)'}`, () => {
  const role = `apply_exc_${process.pid}`;
  const password = 'Apply-Exc-Pa55word-z9';
  const secretArn = `arn:aws:secretsmanager:eu-west-2:123456789012:secret:${role}`;
  const saved = { ...process.env };
  const secrets = new FakeSecretsManager();
  let moto: ChildProcess | undefined;
  let motoUrl = '';
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase('apply_exc_handler');
    await db.client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await db.client.query(`CREATE SCHEMA dms AUTHORIZATION ${role}`);
    await db.client.query(DMS_DDL('dms'));
    await db.client.query(`GRANT SELECT ON dms.awsdms_apply_exceptions TO ${role}`);
    await insert(db.client, 'dms', [[TASK, 'billing', 'invoice', '2026-12-01 10:01:00'], [TASK, 'billing', 'invoice', '2026-12-01 10:02:00']]);
    await secrets.start();
    secrets.set(secretArn, { username: role, password, host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });
    const port = await freePort();
    moto = spawn(MOTO!, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitForPort(port, 20_000);
    motoUrl = `http://127.0.0.1:${port}/`;
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: motoUrl,
      DB_SECRET_ARN: secretArn,
      TASK_RESOURCE_ID: TASK,
      CONTROL_SCHEMA: 'dms',
      METRIC_NAMESPACE: 'MigrationKit/DMS',
    });
  }, 40_000);

  afterAll(async () => {
    process.env = { ...saved };
    moto?.kill();
    await secrets.stop();
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  test('counts through the secret login, publishes to CloudWatch (moto), never logs the password', async () => {
    const output: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    try {
      jest.resetModules();
      const { handler } = await import('../../../lambdas/dms-apply-exceptions/handler');
      const out = await handler({ scheduledTime: '2026-12-01T10:07:00Z' });
      expect(out).toMatchObject({ table: 'dms.awsdms_apply_exceptions', count: 2 });
    } finally {
      spy.mockRestore();
    }
    expect(output.join('')).not.toContain(password);
    const q = new URLSearchParams({
      Action: 'GetMetricStatistics',
      Version: '2010-08-01',
      Namespace: 'MigrationKit/DMS',
      MetricName: 'ApplyExceptions',
      'Dimensions.member.1.Name': 'ReplicationTaskIdentifier',
      'Dimensions.member.1.Value': TASK,
      StartTime: '2026-12-01T10:00:00Z',
      EndTime: '2026-12-01T10:10:00Z',
      Period: '300',
      'Statistics.member.1': 'Sum',
    });
    const res = await fetch(motoUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=test/20261201/eu-west-2/monitoring/aws4_request, SignedHeaders=host, Signature=x' },
      body: q.toString(),
    });
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xml).toMatch(/<Sum>2(\.0)?<\/Sum>/);
  });
});
