import { MigrationStack, NetworkRef, ServiceRole, Testing } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance, PostgresSourceEndpoint, PostgresTargetEndpoint } from '../../../modules/dms-migration';
import { GlueEtlPipeline } from '../../../modules/glue-etl-pipeline';
import { etlDatabaseOf, ExistingPostgres, ExistingPostgresProps, PostgresDatabase, PrivatePostgres } from '../../../modules/private-postgres';
import { S3ToPostgresPipeline, S3ToPostgresPipelineProps } from '../../../modules/s3-to-postgres-pipeline';
import { StreamToPostgres, StreamToPostgresProps } from '../../../modules/stream-to-postgres';
import { checkStack } from '../../../tools/policy-check/engine';

/** ExistingPostgres: a database the kit did not create, behind the PostgresDatabase interface every consumer takes. */
type Json = Record<string, any>;
const network: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
};
const APP_SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders-app-AbCdEf';
const DMS_SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:orders-dms-GhIjKl';
const KEY = 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const HOST = 'orders.abc123xyz.eu-west-2.rds.amazonaws.com';
const SG = 'sg-0a1b2c3d4e5f60718';
const BASE: ExistingPostgresProps = {
  address: HOST,
  databaseName: 'orders',
  securityGroupId: SG,
  network,
  appUser: { username: 'orders_app', secretArn: APP_SECRET },
  logins: [{ username: 'dms_writer', secretArn: DMS_SECRET }],
  secretKmsKeyArn: KEY,
  connectionBudget: 200,
};
const TABLES = [{ source: 'dmv.Person', target: 'dmv.person', keyColumns: ['person_id'], columns: [{ source: 'PersonId', target: 'person_id', type: 'varchar(40)' }] }];

function newStack(): MigrationStack {
  return new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
}
const synth = (stack: MigrationStack): Json => JSON.parse(Testing.synth(stack));
const all = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});
/** Statements of the inline policies of the role whose Terraform key starts with `prefix`. */
function statementsOf(out: Json, prefix: string): Json[] {
  const keys = Object.keys(out.resource.aws_iam_role).filter((k) => k.startsWith(prefix));
  expect(keys).toHaveLength(1);
  return all(out, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${keys[0]}.id}`).flatMap((p) => JSON.parse(p.policy).Statement);
}
/** The ingress rules on the adopted database's group. */
const ingressOnDb = (out: Json): Json[] => all(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === SG);

describe('ExistingPostgres', () => {
  test('a PrivatePostgres and an ExistingPostgres are both a PostgresDatabase', () => {
    const stack = newStack();
    const dbs: PostgresDatabase[] = [new PrivatePostgres(stack, 'new', { network, databaseName: 'app' }), new ExistingPostgres(stack, 'old', BASE)];
    expect(dbs.map((d) => [d.engine, d.port])).toEqual([['postgres', 5432], ['postgres', 5432]]);
    const old = dbs[1];
    expect([old.address, old.databaseName, old.connections.securityGroupId, old.appUserSecretArn, old.masterSecretArn]).toEqual([HOST, 'orders', SG, APP_SECRET, undefined]);
    expect(old.loginSecret('dms_writer')).toEqual({ secretArn: DMS_SECRET, kmsKeyArn: KEY });
  });

  test.each([
    ['a security group name', { securityGroupId: 'orders-db' }, /securityGroupId "orders-db" is not a security group id/],
    ['a secret name', { appUser: { username: 'app', secretArn: 'orders-app' } }, /appUser.secretArn "orders-app" is not a Secrets Manager secret ARN/],
    ['a key alias', { secretKmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:alias/orders' }, /an alias ARN cannot be granted kms:Decrypt/],
    ['no connection budget', { connectionBudget: 0 }, /connectionBudget 0 must be a positive integer: the database's max_connections/],
    ['a login twice', { logins: [{ username: 'orders_app', secretArn: DMS_SECRET }] }, /logins\[0\].username "orders_app" is given twice/],
    ['a port out of range', { port: 70000 }, /port 70000 must be an integer from 1 to 65535/],
  ])('fails at synth on %s', (_label, over, message) => {
    expect(() => new ExistingPostgres(newStack(), 'db', { ...BASE, ...over } as ExistingPostgresProps)).toThrow(message);
  });

  test('features that need the bootstrap fail at synth, saying why and what to do instead', () => {
    const db = new ExistingPostgres(newStack(), 'db', BASE);
    expect(() => db.addSchemaFile('stacks/x/sql/orders.sql')).toThrow(
      /test\/db: schema file "stacks\/x\/sql\/orders.sql": an ExistingPostgres has no deploy-time bootstrap .* Apply the file yourself before deploying \(psql -h orders\.abc123xyz/,
    );
    expect(() => db.enableS3Import('arn:aws:s3:::landing')).toThrow(/server-side aws_s3 import .* Use strategy "stream"/);
    expect(() => db.grantSecretRead(new ServiceRole(db, 'r', { name: 'r', servicePrincipal: 'lambda.amazonaws.com', description: 'r' }), 'master')).toThrow(
      /an ExistingPostgres has no master secret/,
    );
    expect(() => db.loginSecret('nobody')).toThrow(/no login "nobody" on this database; its logins are orders_app, dms_writer/);
  });
});

describe('consumers on an ExistingPostgres', () => {
  test('DMS Postgres target: endpoint values from the database, the app secret by default, a login by name, the given key', () => {
    const stack = newStack();
    const db = new ExistingPostgres(stack, 'db', { ...BASE, engine: 'aurora-postgresql', port: 5433 });
    const byDefault = new PostgresTargetEndpoint(stack, 'pg', { component: 'orders', database: db });
    new PostgresTargetEndpoint(stack, 'pg-dms', { component: 'orders-dms', database: db, secret: db.loginSecret('dms_writer') });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: new DmsAccountRoles(stack, 'dms-roles', { mode: 'adopt' }) });
    byDefault.bind(instance);
    const out = synth(stack);
    // The replication instance is admitted on the database's port by an ingress rule on the given group.
    expect(ingressOnDb(out)).toEqual([expect.objectContaining({ from_port: 5433, to_port: 5433, ip_protocol: 'tcp' })]);
    const endpoints = all(out, 'aws_dms_endpoint');
    expect(endpoints.filter((e) => e.endpoint_type === 'target').map((e) => [e.engine_name, e.database_name, e.secrets_manager_arn]).sort()).toEqual([
      ['aurora-postgresql', 'orders', APP_SECRET],
      ['aurora-postgresql', 'orders', DMS_SECRET],
    ]);
    const decrypts = all(out, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement).filter((s: Json) => [s.Action].flat().includes('kms:Decrypt'));
    expect(decrypts.length).toBeGreaterThan(0);
    for (const s of decrypts) expect([s.Resource].flat()).toContain(KEY);
  });

  function stream(over: Partial<StreamToPostgresProps> = {}) {
    const stack = newStack();
    const db = new ExistingPostgres(stack, 'db', BASE);
    const roles = new DmsAccountRoles(stack, 'dms-roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new PostgresSourceEndpoint(stack, 'source', { component: 'ledger', serverName: 'ledger.internal', databaseName: 'ledger', secret: { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:src-AbCdEf' }, slotName: 'dms_ledger', egressCidr: '10.40.0.0/16' });
    new StreamToPostgres(stack, 'cdc', { network, database: db, tables: TABLES, changeSource: { instance, source, cdcStartPosition: '1A/6B0C3D28' }, highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {}, ...over });
    return synth(stack);
  }

  test('stream consumer and its full load: endpoint values, ingress on the given group, secret grants with the given key', () => {
    const out = stream();
    const consumer = all(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-cdc-stream-consumer')!;
    expect(consumer.environment.variables).toMatchObject({ PGHOST: HOST, PGPORT: '5432', PGDATABASE: 'orders', DB_SECRET_ARN: APP_SECRET });
    const statements = statementsOf(out, 'cdc_consumer_role');
    expect(statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map((s) => [s.Resource].flat())).toEqual([[APP_SECRET]]);
    expect(statements.find((s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().includes(KEY))).toMatchObject({
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } },
    });
    // The consumer and the replication instance (full load into the database) are admitted on 5432 by group.
    const ingress = ingressOnDb(out);
    expect(ingress.length).toBeGreaterThanOrEqual(2);
    for (const r of ingress) expect(r).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp', referenced_security_group_id: expect.stringContaining('aws_security_group') });
    expect(all(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target' && e.engine_name === 'postgres')!.secrets_manager_arn).toBe(APP_SECRET);
    // Nothing of the database itself is created.
    expect(out.resource.aws_db_instance).toBeUndefined();
  });

  test('stream consumer: a login by name; the master user is refused', () => {
    const consumer = all(stream({ databaseLogin: 'dms_writer', fullLoad: undefined, highWaterMark: undefined }), 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-cdc-stream-consumer')!;
    expect(consumer.environment.variables.DB_SECRET_ARN).toBe(DMS_SECRET);
    expect(() => stream({ useAppUserSecret: false, fullLoad: undefined, highWaterMark: undefined })).toThrow(/the database has no master secret \(an ExistingPostgres\)/);
  });

  test('Glue ETL target: etlDatabaseOf gives the connection the endpoint, the secret and key, and admits Glue on the given group', () => {
    const stack = newStack();
    const db = new ExistingPostgres(stack, 'db', BASE);
    new GlueEtlPipeline(stack, 'etl', {
      network,
      source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:mysql-AbCdEf', securityGroupId: 'sg-0123456789abcdef0' },
      target: etlDatabaseOf(db),
      tables: [{ sourceTable: 'shop.orders', targetTable: 'shop.customer_order', keyColumn: 'order_id', columns: [{ source: 'order_id', target: 'id', type: 'bigint' }] }],
    });
    const out = synth(stack);
    const target = all(out, 'aws_glue_connection').find((c) => JSON.stringify(c).includes(HOST))!;
    expect(target.connection_properties).toMatchObject({ JDBC_CONNECTION_URL: `jdbc:postgresql://${HOST}:5432/orders`, SECRET_ID: APP_SECRET });
    expect(ingressOnDb(out)).toEqual([expect.objectContaining({ from_port: 5432, to_port: 5432 })]);
    const decrypts = all(out, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement).filter((s: Json) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().includes(KEY));
    expect(decrypts.length).toBeGreaterThan(0);
    expect(() => etlDatabaseOf(db, 'master')).toThrow(/etlDatabaseOf\(orders\): the database has no master secret \(an ExistingPostgres\)/);
    expect(etlDatabaseOf(db, 'dms_writer').secretArn).toBe(DMS_SECRET);
  });

  test('etlDatabaseOf on a PrivatePostgres: the app user when it has one, else the master secret, with the database key', () => {
    const stack = newStack();
    const plain = new PrivatePostgres(stack, 'plain', { network, databaseName: 'plain', component: 'plain-db' });
    const withApp = new PrivatePostgres(stack, 'app', { network, databaseName: 'app', component: 'app-db', appUser: { username: 'writer' } });
    expect(etlDatabaseOf(plain)).toMatchObject({ host: plain.address, port: 5432, secretArn: plain.masterSecretArn, secretKmsKeyArn: plain.secretKmsKeyArn, connectionBudget: plain.connectionBudget });
    expect(etlDatabaseOf(withApp).secretArn).toBe(withApp.appUserSecretArn);
    expect(() => etlDatabaseOf(plain, 'app')).toThrow(/etlDatabaseOf\(plain\): the database has no app user secret/);
  });
});

describe('S3ToPostgresPipeline on an ExistingPostgres', () => {
  const ROUTES = [{ prefix: 'people/', table: 'public.people', mode: 'replace' as const }];
  function pipeline(over: Partial<S3ToPostgresPipelineProps> = {}, db: Partial<ExistingPostgresProps> = {}) {
    const stack = newStack();
    const database = new ExistingPostgres(stack, 'db', { ...BASE, ...db });
    new S3ToPostgresPipeline(stack, 'pipeline', { database, routes: ROUTES, ...over });
    return synth(stack);
  }

  test('the loader runs in the database network, reads the app secret with the given key, and is admitted on the given group', () => {
    const out = pipeline({}, { port: 5433 });
    const loader = all(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-csv-loader')!;
    expect(loader.environment.variables).toMatchObject({ PGHOST: HOST, PGPORT: '5433', PGDATABASE: 'orders', DB_SECRET_ARN: APP_SECRET });
    expect(loader.vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(ingressOnDb(out)).toEqual([expect.objectContaining({ from_port: 5433, to_port: 5433, ip_protocol: 'tcp' })]);
    const statements = statementsOf(out, 'pipeline_loader_role');
    expect(statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map((s) => [s.Resource].flat())).toEqual([[APP_SECRET]]);
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().includes(KEY))).toBe(true);
    // Budget 200: min(10, 200 / 4) loads at once.
    expect(loader.reserved_concurrent_executions).toBe(10);
    const result = checkStack('test', out as any);
    expect(result.findings.filter((f) => !f.waived)).toEqual([]);
  });

  test('a login by name', () => {
    const loader = all(pipeline({ databaseUser: 'dms_writer' }), 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-csv-loader')!;
    expect(loader.environment.variables.DB_SECRET_ARN).toBe(DMS_SECRET);
  });

  test.each([
    ['schema files', { schemaFiles: ['test/unit/private-postgres/sql/existing-people.sql'] }, /schema file .* an ExistingPostgres has no deploy-time bootstrap .* Apply the file yourself before deploying/],
    ['the server-side import', { strategy: 'server-side' as const }, /the server-side aws_s3 import needs an IAM role associated with the database .* Use strategy "stream"/],
    ['the master user', { databaseUser: 'master' }, /pipeline: databaseUser "master": the database has no master secret \(an ExistingPostgres\)/],
    ['more loads than connections', { reservedConcurrency: 20 }, /reservedConcurrency 20 exceeds the database connection budget \(12\); each load holds one connection/],
  ])('fails at synth on %s', (_label, over, message) => {
    expect(() => pipeline(over as Partial<S3ToPostgresPipelineProps>, { connectionBudget: 12 })).toThrow(message);
  });
});
