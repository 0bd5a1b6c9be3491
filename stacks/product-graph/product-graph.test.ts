import { Testing } from '../../modules/core';
import { register } from './index';
import { CONFIG, ProductGraphConfig } from './config';
import { ProductGraphStack } from './stack';
import { crossAccountSecretReads } from '../../test/helpers/cross-account-secrets';
import { glueArgumentRuns } from '../../test/helpers/glue-arguments';
import { checkStack } from '../../tools/policy-check/engine';
import { reviewDataFlows } from '../../test/helpers/review-flows';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const stacks = register(Testing.app());
const out: Record<string, Json> = Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

describe('product-graph example project', () => {
  test('registers a staging and a production stack', () => {
    expect(Object.keys(out)).toEqual(['product-graph-staging', 'product-graph-production']);
  });

  test.each(['product-graph-staging', 'product-graph-production'])('%s passes every policy rule', (name) => {
    const result = checkStack(name, out[name] as never);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });

  test('runs all three modes against one Neptune cluster', () => {
    for (const json of Object.values(out)) {
      expect(all(json, 'aws_glue_job').map((j) => j.name.replace(/^prodgraph-(staging|prod)-graph-/, '')).sort()).toEqual(['direct', 'export', 'incremental']);
      expect(all(json, 'aws_sfn_state_machine')).toHaveLength(1);
      expect(all(json, 'aws_neptune_cluster')).toHaveLength(1);
    }
  });

  test('production gets two instances and deletion protection; staging one, small', () => {
    const prod = out['product-graph-production'];
    const staging = out['product-graph-staging'];
    expect(all(prod, 'aws_neptune_cluster_instance').map((i) => i.instance_class)).toEqual(['db.r6g.large', 'db.r6g.large']);
    expect(all(prod, 'aws_neptune_cluster')[0]).toMatchObject({ deletion_protection: true, skip_final_snapshot: false });
    expect(all(staging, 'aws_neptune_cluster_instance').map((i) => i.instance_class)).toEqual(['db.t4g.medium']);
  });

  test('reuses the PrivateNetwork S3 gateway endpoint instead of adding a second one', () => {
    const gateways = all(out['product-graph-staging'], 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Gateway');
    expect(gateways).toHaveLength(1);
  });

  test('outputs only non-secret handles', () => {
    const outputs = out['product-graph-staging'].output;
    expect(Object.keys(outputs).sort()).toEqual([
      'bulk_load_state_machine_arn',
      'crawler_name',
      'data_bucket',
      'direct_job_name',
      'export_job_name',
      'incremental_job_name',
      'incremental_trigger_name',
      'neptune_endpoint',
      'neptune_reader_endpoint',
      'neptune_security_group_id',
    ]);
    expect(JSON.stringify(outputs)).not.toMatch(/password|secret/i);
    expect(outputs.incremental_trigger_name.value).toMatch(/^\$\{aws_glue_trigger\.[A-Za-z0-9_-]+\.name\}$/);
  });
});

describe('product-graph: Glue arguments and secrets of other accounts', () => {
  const runs = glueArgumentRuns(Object.entries(out).map(([name, json]) => ({ name, out: json })));

  test('starts export, direct and incremental jobs, the export also from the bulk-load state machine', () => {
    expect([...new Set(runs.map((r) => r.script))].sort()).toEqual(['neptune/direct.py', 'neptune/export.py', 'neptune/incremental.py']);
    expect(runs.filter((r) => r.source.startsWith('state')).map((r) => r.script)).toContain('neptune/export.py');
  });

  test.each(runs.map((r) => [r.id, r.problems] as const))('%s: Glue resolves every argument the script reads, and the script reads every argument set', (_id, problems) => {
    expect(problems).toEqual([]);
  });

  test.each(Object.entries(out))('%s: roles reading the source account\'s secret may decrypt it, via Secrets Manager only', (_name, json) => {
    const reads = crossAccountSecretReads(json);
    expect(reads.secrets.length).toBeGreaterThan(0);
    expect(reads.problems).toEqual([]);
  });
});

describe('product-graph review data flows (plan-review)', () => {
  const graph = reviewDataFlows(register, 'product-graph-staging');

  test('a scheduled Glue trigger starts its job (with its cron, and "disabled" while it is created deactivated)', () => {
    expect(graph).toContain('prodgraph-staging-graph-incremental -> prodgraph-staging-graph-incremental: triggers cron(0/30 * * * ? *) (disabled)');
  });

  test('a crawler crawls its path through its JDBC connection, which leads on to the source database', () => {
    expect(graph).toEqual(
      expect.arrayContaining([
        'prodgraph-staging-graph-source -> prodgraph-staging-graph-source-mysql: crawls sales/%',
        'prodgraph-staging-graph-source-mysql -> mysql://sales-staging.cluster-ro-example.eu-west-2.rds.amazonaws.com:3306/sales: jdbc',
      ]),
    );
  });

  test('a Glue connection reads its SECRET_ID; the crawler role reads the same secret', () => {
    expect(graph).toEqual(
      expect.arrayContaining([
        'secretsmanager prodgraph/staging/mysql-reader -> prodgraph-staging-graph-source-mysql: credentials',
        'secretsmanager prodgraph/staging/mysql-reader -> prodgraph-staging-graph-source: reads',
      ]),
    );
  });
});

// Variants: the production configuration with one feature chosen, checked like the registered stacks.
const variant = (id: string, change: Partial<ProductGraphConfig>): Json =>
  JSON.parse(Testing.synth(new ProductGraphStack(Testing.app(), id, { ...CONFIG.production, ...change })));
const unwaived = (name: string, json: Json): string[] =>
  checkStack(name, json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`);

describe('product-graph variants', () => {
  test('partitioned-read variant: directReadPartitions 8 gives the direct job --read_hashpartitions "8" (default "1")', () => {
    const json = variant('product-graph-partitioned', { directReadPartitions: 8 });
    const direct = all(json, 'aws_glue_job').find((j) => j.name.endsWith('-graph-direct'))!;
    expect(direct.default_arguments['--read_hashpartitions']).toBe('8');
    const registered = all(out['product-graph-production'], 'aws_glue_job').find((j) => j.name.endsWith('-graph-direct'))!;
    expect(registered.default_arguments['--read_hashpartitions']).toBe('1');
    expect(unwaived('product-graph-partitioned', json)).toEqual([]);
  });

  test('peered-source variant: MySQL in a peer VPC is reached through VpcPeering (routes both ways, rules wait for it)', () => {
    const peer = { vpcId: 'vpc-0a1b2c3d4e5f60009', cidr: '10.50.0.0/16', routeTableIds: ['rtb-0a1b2c3d4e5f60091', 'rtb-0a1b2c3d4e5f60092'] };
    const json = variant('product-graph-peered', { mysqlPeerVpc: peer });
    const [id] = Object.keys(json.resource.aws_vpc_peering_connection);
    expect(Object.keys(json.resource.aws_vpc_peering_connection)).toHaveLength(1);
    expect(json.resource.aws_vpc_peering_connection[id]).toMatchObject({ auto_accept: true });
    const routes = all(json, 'aws_route').filter((r) => String(r.vpc_peering_connection_id).includes(`aws_vpc_peering_connection.${id}.id`));
    // Three private route tables (one per zone) to the peer, and the peer's two database route tables back.
    expect(routes.filter((r) => r.destination_cidr_block === '10.50.0.0/16')).toHaveLength(3);
    expect(routes.filter((r) => r.destination_cidr_block === '10.61.0.0/16').map((r) => r.route_table_id).sort()).toEqual(peer.routeTableIds);
    // The ingress rule on the source's group (in the peer VPC) references Glue's group, which needs an active peering.
    const ingress = Object.values(json.resource.aws_vpc_security_group_ingress_rule as Record<string, Json>).filter(
      (r) => r.security_group_id === CONFIG.production.mysqlSecurityGroupId,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ from_port: 3306, to_port: 3306 });
    expect(ingress[0].depends_on).toEqual(expect.arrayContaining([`aws_vpc_peering_connection.${id}`]));
    expect(ingress[0].depends_on.some((d: string) => d.startsWith('aws_vpc_peering_connection_options.'))).toBe(true);
    expect(ingress[0].depends_on.filter((d: string) => d.startsWith('aws_route.'))).toHaveLength(5);
    // The registered stacks (source reachable from their VPC) have no peering.
    expect(out['product-graph-production'].resource.aws_vpc_peering_connection).toBeUndefined();
    expect(unwaived('product-graph-peered', json)).toEqual([]);
  });
});
