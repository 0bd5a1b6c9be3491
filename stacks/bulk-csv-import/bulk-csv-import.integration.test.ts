import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { applyPlan } from '../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema } from '../../lambdas/postgres-bootstrap/plan';
import type { Loader } from '../../lambdas/s3-to-postgres/runtime';
import { createLogger } from '../../lambdas/shared/logger';
import { Testing } from '../../modules/core';
import { CONFIG } from './config';
import { BulkCsvImportStack } from './stack';
import { withAwsS3Extension } from '../../test/helpers/aws-s3-standin';
import { createTestDatabase, pgConfig } from '../../test/helpers/pg';
import { createBucket, putObject, testS3Client } from '../../test/helpers/s3';
import { event, loaderFor } from '../../test/integration/s3-to-postgres/fixtures';

/**
 * The bulk-csv-import example as deployed: its synthesized bootstrap plan (aws_s3 extension, loader login with the
 * s3Import grants, sql/warehouse-tables.sql run as the loader) is applied to a real Postgres, and the loader runs
 * with the synthesized environment (server-side strategy, routes, ledger). The aws_s3 stand-in replaces RDS's
 * extension (test/helpers/aws-s3-standin.ts says what it does not do).
 */
describe('bulk-csv-import example: synthesized plan and loader environment against real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let s3: S3Client;
  let bucket: string;
  let mirror: string;
  let loader: Loader;
  // Roles are cluster-wide: the example's `loader` gets a name of its own here.
  const login = `loader_bulk_${process.pid}`;

  beforeAll(async () => {
    const json = JSON.parse(Testing.synth(new BulkCsvImportStack(Testing.app(), 'bulk-csv-import-staging', CONFIG.staging), true));
    const input = JSON.parse((Object.values(json.resource.aws_lambda_invocation)[0] as { input: string }).input);
    const plan = BootstrapPlanSchema.parse({
      ...input,
      users: input.users.map((u: { username: string }) => ({ ...u, username: login })),
      schemaFiles: input.schemaFiles.map((f: { owner: string }) => ({ ...f, owner: login })),
    });
    const env = (Object.values(json.resource.aws_lambda_function) as Array<{ function_name: string; environment: { variables: Record<string, string> } }>).find(
      (f) => f.function_name === 'bulkcsv-staging-csv-loader',
    )!.environment.variables;

    db = await createTestDatabase('s3pg_bulk_example');
    client = db.client;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-bulk');
    mirror = fs.mkdtempSync(path.join(process.env.IT_SERVER_READABLE_DIR!, 's3pg-bulk-'));
    fs.chmodSync(mirror, 0o755);
    await applyPlan(withAwsS3Extension(client, mirror), plan, async () => 'bulk-loader-1', createLogger({ service: 'test', sink: () => undefined }));
    loader = loaderFor({ TABLE_ROUTES: env.TABLE_ROUTES, LOAD_STRATEGY: env.LOAD_STRATEGY, LEDGER_TABLE: env.LEDGER_TABLE, PGUSER: login, PGPASSWORD: 'bulk-loader-1' }).loader;
  }, 120_000); // the synth bundles the stack's Lambdas
  afterAll(async () => {
    await loader?.close();
    await db?.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${login}`);
    await admin.end();
    fs.rmSync(mirror, { recursive: true, force: true });
  });

  async function load(key: string, body: string) {
    const file = path.join(mirror, bucket, key);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    for (let d = path.dirname(file); d.startsWith(mirror); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    fs.writeFileSync(file, body, { mode: 0o644 });
    const eTag = await putObject(s3, bucket, key, body);
    return loader.handle(event(bucket, key, eTag));
  }

  test('customers and order lines upsert, the price list is replaced, each recorded once in warehouse.s3_load_ledger', async () => {
    await load('customers/2026-12-01.csv', 'customer_id,name,email,country\n1,Ann,ann@example.com,GB\n2,Bob,,FR\n');
    await load('customers/2026-12-02.csv', 'customer_id,name,country\n2,Bob B,DE\n3,Cy,GB\n');
    expect((await client.query('SELECT customer_id::int, name, email, country FROM warehouse.customers ORDER BY 1')).rows).toEqual([
      { customer_id: 1, name: 'Ann', email: 'ann@example.com', country: 'GB' },
      { customer_id: 2, name: 'Bob B', email: null, country: 'DE' },
      { customer_id: 3, name: 'Cy', email: null, country: 'GB' },
    ]);

    await load('order-lines/2026-12-01.csv', 'order_id,line_no,sku,quantity,unit_price\n10,1,A,1,2.50\n10,2,B,2,1.00\n');
    const out = await load('order-lines/2026-12-02.csv', 'order_id,line_no,sku,quantity,unit_price\n10,2,B,5,1.00\n11,1,A,1,2.50\n');
    expect(out.results[0]).toEqual(expect.objectContaining({ status: 'loaded', table: 'warehouse.order_lines', mode: 'upsert', rows: 2 }));
    expect((await client.query('SELECT id::int, order_id::int, line_no, quantity FROM warehouse.order_lines ORDER BY id')).rows).toEqual([
      { id: 1, order_id: 10, line_no: 1, quantity: 1 },
      { id: 2, order_id: 10, line_no: 2, quantity: 5 },
      { id: expect.any(Number), order_id: 11, line_no: 1, quantity: 1 },
    ]);

    await load('price-list/v1.csv', 'sku,unit_price,valid_from\nA,2.50,2026-12-01\nB,1.00,2026-12-01\n');
    await load('price-list/v2.csv', 'sku,unit_price,valid_from\nA,2.75,2026-12-02\n');
    expect((await client.query('SELECT sku, unit_price::text FROM warehouse.price_list')).rows).toEqual([{ sku: 'A', unit_price: '2.75' }]);

    expect((await client.query('SELECT target_table, load_mode, count(*)::int AS n FROM warehouse.s3_load_ledger GROUP BY 1, 2 ORDER BY 1')).rows).toEqual([
      { target_table: 'warehouse.customers', load_mode: 'upsert', n: 2 },
      { target_table: 'warehouse.order_lines', load_mode: 'upsert', n: 2 },
      { target_table: 'warehouse.price_list', load_mode: 'replace', n: 2 },
    ]);
  });
});
