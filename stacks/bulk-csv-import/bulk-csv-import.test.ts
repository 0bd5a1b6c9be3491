import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from '../../modules/core';
import { checkStack } from '../../tools/policy-check/engine';
import { resources, SynthJson } from '../../test/helpers/synth';
import { CONFIG } from './config';
import { BulkCsvImportStack } from './stack';

const synth = (id: string, config = CONFIG.staging) => JSON.parse(Testing.synth(new BulkCsvImportStack(Testing.app(), id, config), true)) as SynthJson;
const bootstrapPlan = (json: SynthJson) => JSON.parse(Object.values(json.resource.aws_lambda_invocation as Record<string, { input: string }>)[0].input);
const loaderOf = (json: SynthJson, env: string) => resources(json, 'aws_lambda_function').find((f) => f.function_name === `bulkcsv-${env}-csv-loader`)!;

describe.each([
  ['staging', CONFIG.staging, 'aws_db_instance_role_association', 'db_instance_identifier', /^\$\{aws_db_instance\.[^}]+\.identifier\}$/],
  ['prod', CONFIG.production, 'aws_rds_cluster_role_association', 'db_cluster_identifier', /^\$\{aws_rds_cluster\.[^}]+\.cluster_identifier\}$/],
] as const)('bulk-csv-import example (%s): server-side aws_s3 import', (env, config, associationType, dbField, dbRef) => {
  const stackId = `bulk-csv-import-${env === 'prod' ? 'production' : 'staging'}`;
  const json = synth(stackId, config);

  test('the s3Import role is associated with the database (feature s3Import), trusted by RDS for this database only', () => {
    const [association] = resources(json, associationType);
    expect(association).toEqual({ [dbField]: expect.stringMatching(dbRef), feature_name: 's3Import', role_arn: expect.stringMatching(/^\$\{aws_iam_role\.database_s3-import-role_[^}]+\.arn\}$/) });
    const role = resources(json, 'aws_iam_role').find((r) => r.name === `bulkcsv-${env}-db-s3-import`)!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'rds.amazonaws.com' } });
    expect(trust.Condition.StringEquals['aws:SourceArn']).toMatch(env === 'prod' ? /aws_rds_cluster\./ : /aws_db_instance\./);
  });

  test('the role reads only the routed prefixes of the landing bucket, and may decrypt with its key', () => {
    const policy = Object.entries(json.resource.aws_iam_role_policy as Record<string, { policy: string }>).find(([k]) => k.startsWith('database_s3-import-role'))![1];
    const statements = JSON.parse(policy.policy).Statement;
    const bucket = `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket)[0]}.arn}`;
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [`${bucket}/customers/*`, `${bucket}/order-lines/*`, `${bucket}/price-list/*`] },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: expect.stringMatching(/^\$\{aws_kms_key\.pipeline_bucket-key_[^}]+\.arn\}$/) },
    ]);
  });

  test('the bootstrap creates the aws_s3 extension and grants it to the loader login only, with the warehouse tables', () => {
    const plan = bootstrapPlan(json);
    expect(plan.extensions).toEqual(['aws_s3']);
    expect(plan.users).toEqual([{ username: 'loader', secretArn: expect.stringMatching(/app-user-secret/), iam: false, schemas: ['warehouse'], s3Import: true }]);
    const sql = fs.readFileSync(path.join(__dirname, 'sql', 'warehouse-tables.sql'), 'utf8');
    expect(plan.schemaFiles).toEqual([{ name: 'stacks/bulk-csv-import/sql/warehouse-tables.sql', sql, sha256: createHash('sha256').update(sql).digest('hex'), owner: 'loader' }]);
  });

  test('the loader runs the server-side strategy as loader, with two upsert routes and one replace route', () => {
    const vars = loaderOf(json, env).environment.variables;
    expect(vars.LOAD_STRATEGY).toBe('server-side');
    expect(vars.DB_SECRET_ARN).toMatch(/app-user-secret/);
    expect(vars.LEDGER_TABLE).toBe('warehouse.s3_load_ledger');
    expect(JSON.parse(vars.TABLE_ROUTES)).toEqual([
      { prefix: 'customers/', table: 'warehouse.customers', mode: 'upsert' },
      { prefix: 'order-lines/', table: 'warehouse.order_lines', mode: 'upsert', key: ['order_id', 'line_no'] },
      { prefix: 'price-list/', table: 'warehouse.price_list', mode: 'replace' },
    ]);
  });

  test('the database reaches S3 through the network\'s gateway endpoint: its group may send 443 to S3\'s prefix list only', () => {
    const gateway = resources(json, 'aws_vpc_endpoint').find((e) => e.service_name === 'com.amazonaws.eu-west-2.s3')!;
    expect(gateway.vpc_endpoint_type).toBe('Gateway');
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => String(r.description).includes('aws_s3.table_import_from_s3'));
    expect(egress).toEqual([
      expect.objectContaining({
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        prefix_list_id: expect.stringMatching(/^\$\{data\.aws_ec2_managed_prefix_list\.[^}]+\.id\}$/),
        security_group_id: expect.stringMatching(/^\$\{aws_security_group\.database_sg_[^}]+\.id\}$/),
      }),
    ]);
    expect(Object.values(json.data?.aws_ec2_managed_prefix_list as Record<string, { name: string }>).map((d) => d.name)).toContain('com.amazonaws.eu-west-2.s3');
  });

  test('passes every policy rule', () => {
    expect(checkStack(stackId, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('bulk-csv-import example: the tables fit the routes', () => {
  test('each upsert route has a primary key or unique constraint on exactly its key in sql/warehouse-tables.sql', () => {
    const sql = fs.readFileSync(path.join(__dirname, 'sql', 'warehouse-tables.sql'), 'utf8');
    expect(sql).toMatch(/CREATE TABLE IF NOT EXISTS warehouse\.customers \(\s*customer_id\s+bigint\s+PRIMARY KEY/);
    expect(sql).toMatch(/CREATE TABLE IF NOT EXISTS warehouse\.order_lines \([^;]*UNIQUE \(order_id, line_no\)/);
  });
});
