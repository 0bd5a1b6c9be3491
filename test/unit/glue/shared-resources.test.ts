/** Two GlueEtlPipelines in one stack sharing one KMS key, security configuration, security group and connections. */
import { Connections, MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import { GlueSharedResources } from '../../../modules/glue-common';
import { GlueEtlPipeline, GlueEtlPipelineProps, TableMapping } from '../../../modules/glue-etl-pipeline';
import { NeptuneGraphMigration } from '../../../modules/neptune-graph-migration';
import { checkStack } from '../../../tools/policy-check/engine';
import { productMapping } from '../neptune/fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NETWORK: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
};
const table = (name: string): TableMapping => ({
  sourceTable: `shop.${name}`,
  targetTable: `shop.${name}`,
  keyColumn: 'id',
  columns: [{ source: 'id', type: 'bigint' }, { source: 'total', type: 'decimal(12,2)' }],
});
const MYSQL_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:mysql-AbCdEf';
const PG_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:pg-GhIjKl';

/** Two pipelines (orders, customers) from the same MySQL into the same Postgres, with or without sharing. */
function build(share: boolean, override: Partial<GlueEtlPipelineProps> = {}): { stack: MigrationStack; out: Json } {
  const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
  const shared = share ? new GlueSharedResources(stack, 'glue', { network: NETWORK }) : undefined;
  const pg = { connections: new Connections(stack, { securityGroupId: 'sg-pg', defaultPort: 5432, description: 'pg' }) };
  for (const name of ['orders', 'customers']) {
    new GlueEtlPipeline(stack, name, {
      component: `etl-${name}`,
      network: NETWORK,
      shared,
      source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: MYSQL_SECRET, securityGroupId: 'sg-mysql' },
      target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: PG_SECRET, database: pg },
      tables: [table(name)],
      ...override,
    });
  }
  return { stack, out: JSON.parse(Testing.synth(stack)) };
}
const count = (out: Json, type: string): number => Object.keys(out.resource?.[type] ?? {}).length;
const all = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});

describe('GlueSharedResources', () => {
  const alone = build(false).out;
  const { out: shared } = build(true);

  test('two pipelines sharing: one key, one security configuration, one Glue group, one connection per database', () => {
    const types = ['aws_kms_key', 'aws_glue_security_configuration', 'aws_security_group', 'aws_glue_connection'];
    expect(Object.fromEntries(types.map((t) => [t, count(alone, t)]))).toEqual({ aws_kms_key: 2, aws_glue_security_configuration: 2, aws_security_group: 2, aws_glue_connection: 4 });
    expect(Object.fromEntries(types.map((t) => [t, count(shared, t)]))).toEqual({ aws_kms_key: 1, aws_glue_security_configuration: 1, aws_security_group: 1, aws_glue_connection: 2 });
  });

  test('both pipelines\' jobs use the shared configuration and connections; the database admits the one group once', () => {
    const jobs = all(shared, 'aws_glue_job');
    expect(jobs).toHaveLength(6);
    expect(new Set(jobs.map((j) => j.security_configuration))).toEqual(new Set(['demo-staging-glue-shared']));
    const extracts = jobs.filter((j) => /-extract$/.test(j.name));
    expect(extracts.map((j) => j.connections)).toEqual([['demo-staging-etl-orders-source'], ['demo-staging-etl-orders-source']]);
    expect(all(shared, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === 'sg-pg')).toHaveLength(1);
    // Each pipeline keeps its own bucket, encrypted with the shared key.
    const keyRef = `\${aws_kms_key.${Object.keys(shared.resource.aws_kms_key)[0]}.arn}`;
    const sse = all(shared, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse).toHaveLength(2);
    for (const s of sse) expect(s.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toBe(keyRef);
  });

  test('the shared stack passes every policy rule', () => {
    const result = checkStack('test', shared as never);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test('a pipeline in another VPC cannot share', () => {
    expect(() => build(true, { network: { ...NETWORK, vpcId: 'vpc-other' } })).toThrow(/shared: the shared Glue resources \(test\/glue\) are in vpc-123, this module's network is vpc-other/);
  });

  test('a component already connected to another database fails at synth', () => {
    const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
    const glue = new GlueSharedResources(stack, 'glue', { network: NETWORK });
    const db = { connections: new Connections(stack, { securityGroupId: 'sg-mysql', defaultPort: 3306, description: 'mysql' }) };
    const props = { component: 'src', engine: 'mysql' as const, host: 'a.internal', databaseName: 'shop', secretArn: MYSQL_SECRET, database: db };
    expect(glue.jdbcConnection(props)).toBe(glue.jdbcConnection({ ...props, component: 'other-name' }));
    expect(() => glue.jdbcConnection({ ...props, host: 'b.internal' })).toThrow(/component "src" is already used for another database; give mysql shop at b.internal another component/);
  });

  test('an ETL pipeline and a Neptune graph migration reading the same MySQL share its connection, the key and the group', () => {
    const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
    const glue = new GlueSharedResources(stack, 'glue', { network: NETWORK });
    const mysql = { host: 'mysql.internal', databaseName: 'shop', secretArn: MYSQL_SECRET, securityGroupId: 'sg-mysql' };
    const pg = { connections: new Connections(stack, { securityGroupId: 'sg-pg', defaultPort: 5432, description: 'pg' }) };
    const etl = new GlueEtlPipeline(stack, 'etl', {
      network: NETWORK, shared: glue, source: { engine: 'mysql', ...mysql }, tables: [table('orders')],
      target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: PG_SECRET, database: pg },
    });
    const graph = new NeptuneGraphMigration(stack, 'graph', { network: { ...NETWORK, privateRouteTableIds: ['rtb-a'] }, shared: glue, mapping: productMapping, source: mysql, directWrite: {} });
    expect(graph.sourceConnection).toBe(etl.sourceConnection);
    const out = JSON.parse(Testing.synth(stack));
    expect(count(out, 'aws_glue_security_configuration')).toBe(1);
    expect(all(out, 'aws_glue_connection').map((c) => c.connection_type).sort()).toEqual(['JDBC', 'JDBC', 'NETWORK']);
    expect(all(out, 'aws_glue_crawler')[0].jdbc_target[0].connection_name).toBe('demo-staging-etl-source');
    expect(all(out, 'aws_security_group').filter((g) => /glue/.test(g.name))).toHaveLength(1);
    expect(all(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === 'sg-mysql')).toHaveLength(1);
    const result = checkStack('test', out as never);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });
});
