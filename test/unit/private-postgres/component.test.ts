import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { resources, synthJson, SynthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

/** Every physical name or identifier in a synthesized stack, as `type.attribute = value`. */
function physicalNames(json: SynthJson): Array<{ where: string; value: string }> {
  const attributes = ['identifier', 'cluster_identifier', 'name', 'name_prefix', 'function_name', 'alarm_name', 'final_snapshot_identifier'];
  const out: Array<{ where: string; value: string }> = [];
  for (const [type, byId] of Object.entries(json.resource)) {
    // Inline policy names are scoped to their role, not the account.
    if (type === 'aws_iam_role_policy') continue;
    // Cluster instances share the DB instance identifier namespace.
    const namespace = type === 'aws_rds_cluster_instance' ? 'aws_db_instance' : type;
    for (const [id, r] of Object.entries(byId)) {
      const own = new Set<string>();
      for (const a of attributes) {
        // Only literal names: references (`${aws_...}`) point at a name counted where it is defined.
        if (typeof r[a] === 'string' && !r[a].startsWith('${')) own.add(`${a === 'final_snapshot_identifier' ? 'snapshot' : namespace}:${r[a]}`);
      }
      if (typeof r.tags?.Name === 'string') own.add(`${namespace}:${r.tags.Name}`);
      for (const value of own) out.push({ where: `${type}.${id}`, value });
    }
  }
  return out;
}

function duplicates(names: Array<{ where: string; value: string }>): string[] {
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const n of names) {
    if (seen.has(n.value)) dups.push(`${n.value} (${seen.get(n.value)} and ${n.where})`);
    else seen.set(n.value, n.where);
  }
  return dups;
}

const FULL: Partial<PrivatePostgresProps> = { appUser: { username: 'loader', schemas: ['landing'] } };

describe('PrivatePostgres component (issue 20: two databases in one stack)', () => {
  test('the default component keeps today\'s names (no change planned for existing stacks)', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...FULL });
    db.enableS3Import('arn:aws:s3:::landing');
    const json = synthJson(stack);
    const names = new Set(physicalNames(json).map((n) => n.value));
    for (const expected of [
      'aws_db_instance:demo-staging-db',
      'aws_kms_alias:alias/demo-staging-db',
      'aws_security_group:demo-staging-db',
      'aws_db_subnet_group:demo-staging-db',
      'aws_db_parameter_group:demo-staging-db-',
      'aws_secretsmanager_secret:demo-staging-db/loader',
      'aws_lambda_function:demo-staging-db-bootstrap',
      'aws_lambda_function:demo-staging-db-secret-rotation',
      'aws_iam_role:demo-staging-db-s3-import',
      'aws_vpc_endpoint:demo-staging-db-s3-gateway',
      'aws_cloudwatch_log_group:/aws/rds/instance/demo-staging-db/postgresql',
    ]) {
      expect(names).toContain(expected);
    }
    expect(db.component).toBe('db');
  });

  test('Aurora: default cluster, instance and parameter group names are unchanged', () => {
    const stack = testStack({ production: true });
    new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', engine: 'aurora-postgresql' });
    const names = physicalNames(synthJson(stack)).map((n) => n.value);
    expect(names).toEqual(expect.arrayContaining([
      'aws_rds_cluster:demo-prod-db',
      'aws_db_instance:demo-prod-db-0',
      'aws_db_instance:demo-prod-db-1',
      'aws_rds_cluster_parameter_group:demo-prod-db-cluster-',
      'snapshot:demo-prod-db-final',
      'aws_iam_role:demo-prod-db-monitoring',
    ]));
  });

  test.each([
    ['postgres', false],
    ['postgres', true],
    ['aurora-postgresql', true],
  ] as const)('two %s databases (production %s) in one stack synthesize with no physical name in common', (engine, production) => {
    const stack = testStack({ production });
    const catalog = new PrivatePostgres(stack, 'catalog', { network: TWO_AZ_NETWORK, databaseName: 'catalog', engine, component: 'catalog-db', ...FULL });
    catalog.enableS3Import('arn:aws:s3:::landing');
    // One S3 gateway endpoint per route table: the second database uses the first one's (README, "Two databases").
    const network = { ...TWO_AZ_NETWORK, s3GatewayEndpointId: catalog.s3GatewayEndpoint!.id };
    const orders = new PrivatePostgres(stack, 'orders', { network, databaseName: 'orders', engine, component: 'orders-db', ...FULL });
    orders.enableS3Import('arn:aws:s3:::landing');
    const json = synthJson(stack);
    const names = physicalNames(json);
    expect(duplicates(names)).toEqual([]);
    const env = production ? 'prod' : 'staging';
    expect(catalog.identifier).toBe(`demo-${env}-catalog-db`);
    expect(orders.identifier).toBe(`demo-${env}-orders-db`);
    expect(names.map((n) => n.value)).toEqual(expect.arrayContaining([`aws_lambda_function:demo-${env}-orders-db-bootstrap`, `aws_kms_alias:alias/demo-${env}-catalog-db`]));
  });

  test('the same two databases without a component collide (what the component prop fixes)', () => {
    const stack = testStack();
    new PrivatePostgres(stack, 'catalog', { network: TWO_AZ_NETWORK, databaseName: 'catalog' });
    new PrivatePostgres(stack, 'orders', { network: TWO_AZ_NETWORK, databaseName: 'orders' });
    const collisions = duplicates(physicalNames(synthJson(stack))).map((d) => d.split(' ')[0]);
    expect(collisions).toEqual(expect.arrayContaining(['aws_db_instance:demo-staging-db', 'aws_kms_alias:alias/demo-staging-db', 'aws_security_group:demo-staging-db', 'aws_db_subnet_group:demo-staging-db']));
  });

  test('long names are cut to each service limit by Naming, and Aurora instances stay distinct', () => {
    const stack = testStack({ project: 'a-very-long-project1', environment: 'integration-eu-west' });
    const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', engine: 'aurora-postgresql', multiAz: true, component: 'customer-orders-reporting-replica-db' });
    const json = synthJson(stack);
    expect(db.identifier.length).toBeLessThanOrEqual(63);
    const instances = resources(json, 'aws_rds_cluster_instance').map((i) => i.identifier as string);
    expect(instances).toHaveLength(2);
    expect(new Set(instances).size).toBe(2);
    for (const id of instances) expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,62}$/);
    expect(instances).not.toContain(db.identifier);
  });

  test.each(['DB', 'catalog_db', '-db', 'db-', 'a--b', '9db', 'x'.repeat(41)])('fails when component is "%s"', (component) => {
    const stack = testStack();
    expect(() => new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', component })).toThrow(/component ".*" must be lower-case letters, digits and single dashes/);
  });
});
