import { Construct } from 'constructs';
import { TerraformOutput } from '../../../modules/core';
import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { onlyResource, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const THREE_AZ_NETWORK = {
  ...TWO_AZ_NETWORK,
  privateSubnets: [...TWO_AZ_NETWORK.privateSubnets, { id: 'subnet-cccc', availabilityZone: 'eu-west-2c' }],
};

function build(props: Partial<PrivatePostgresProps> = {}, production = false) {
  const stack = testStack({ production });
  const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', engine: 'aurora-postgresql', ...props });
  return { stack, db, json: () => synthJson(stack) };
}

describe('PrivatePostgres Aurora depth (issue 14 item 9)', () => {
  test('defaults keep today\'s topology: one writer outside production, writer and one reader in production', () => {
    expect(resources(build().json(), 'aws_rds_cluster_instance')).toHaveLength(1);
    expect(resources(build({}, true).json(), 'aws_rds_cluster_instance')).toHaveLength(2);
  });

  test('readerCount: readers spread round-robin over the private subnets\' zones, AZ set at creation only', () => {
    const { json } = build({ network: THREE_AZ_NETWORK, readerCount: 3 }, true);
    const instances = resources(json(), 'aws_rds_cluster_instance');
    expect(instances.map((i) => [i.identifier, i.availability_zone])).toEqual([
      ['demo-prod-db-0', 'eu-west-2a'],
      ['demo-prod-db-1', 'eu-west-2b'],
      ['demo-prod-db-2', 'eu-west-2c'],
      ['demo-prod-db-3', 'eu-west-2a'],
    ]);
    for (const i of instances) expect(i.lifecycle).toEqual({ ignore_changes: ['availability_zone'] });
  });

  test('Serverless v2: scaling configuration on the cluster, db.serverless instances, connection budget from the maximum capacity', () => {
    const { db, json } = build({ serverlessV2: { minCapacity: 0.5, maxCapacity: 16 }, readerCount: 1 }, true);
    const out = json();
    expect(onlyResource(out, 'aws_rds_cluster').serverlessv2_scaling_configuration).toEqual({ min_capacity: 0.5, max_capacity: 16 });
    expect(resources(out, 'aws_rds_cluster_instance').map((i) => i.instance_class)).toEqual(['db.serverless', 'db.serverless']);
    expect(db.instanceClass).toBe('db.serverless');
    // LEAST(DBInstanceClassMemory / 9531392, 5000) with 16 ACU x 2 GiB, as for provisioned classes (90 % usable).
    expect(db.connectionBudget).toBe(Math.floor((16 * 2 * 1024 ** 3 * 0.9) / 9531392));
    expect(build({ serverlessV2: { minCapacity: 1, maxCapacity: 128 } }).db.connectionBudget).toBe(5000);
  });

  test('provisioned clusters have no scaling configuration', () => {
    expect(onlyResource(build().json(), 'aws_rds_cluster').serverlessv2_scaling_configuration).toBeUndefined();
  });

  test('readerEndpoint: a handle on the cluster\'s reader endpoint that consumers (and outputs) can use', () => {
    const { stack, db, json } = build({ readerCount: 1 });
    new TerraformOutput(stack as Construct, 'reader', { value: db.readerEndpoint });
    const out = json();
    const [clusterId] = Object.keys(out.resource.aws_rds_cluster);
    expect(out.output!.reader.value).toBe(`\${aws_rds_cluster.${clusterId}.reader_endpoint}:5432`);
    expect(db.readerAddress).toMatch(/TOKEN/);
    expect(db.readerEndpoint).not.toBe(db.endpoint);
  });

  test('RDS has no reader endpoint', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app' });
    expect(db.readerEndpoint).toBeUndefined();
    expect(db.readerAddress).toBeUndefined();
  });

  test.each([
    ['RDS gets readers', { engine: 'postgres', readerCount: 1 }, false, /readerCount applies to Aurora only/],
    ['RDS gets Serverless v2', { engine: 'postgres', serverlessV2: { minCapacity: 1, maxCapacity: 4 } }, false, /serverlessV2 applies to Aurora only/],
    ['more than 15 readers', { readerCount: 16 }, false, /readerCount must be an integer from 0 to 15/],
    ['production has no reader', { readerCount: 0 }, true, /readerCount cannot be 0 in production/],
    ['Serverless v2 with a provisioned class', { instanceClass: 'db.r7g.large', serverlessV2: { minCapacity: 1, maxCapacity: 4 } }, false, /instanceClass "db.r7g.large" conflicts with serverlessV2/],
    ['capacity not in half steps', { serverlessV2: { minCapacity: 0.75, maxCapacity: 4 } }, false, /minCapacity must be 0 to 256 ACU in steps of 0.5/],
    ['maximum above 256', { serverlessV2: { minCapacity: 1, maxCapacity: 512 } }, false, /maxCapacity must be 1 to 256 ACU/],
    ['maximum below minimum', { serverlessV2: { minCapacity: 8, maxCapacity: 4 } }, false, /maxCapacity \(4\) must be >= minCapacity \(8\)/],
    ['production pauses', { serverlessV2: { minCapacity: 0, maxCapacity: 4 } }, true, /minCapacity 0 \(automatic pause\) is refused in production/],
  ] as const)('fails when %s', (_name, props, production, message) => {
    expect(() => build(props as Partial<PrivatePostgresProps>, production)).toThrow(message);
  });

  test('non-production may pause (minimum 0)', () => {
    expect(onlyResource(build({ serverlessV2: { minCapacity: 0, maxCapacity: 2 } }).json(), 'aws_rds_cluster').serverlessv2_scaling_configuration).toEqual({ min_capacity: 0, max_capacity: 2 });
  });

  test('alarms watch the readers\' lag when readerCount adds readers', () => {
    const { db, json } = build({ readerCount: 2 });
    db.addAlarms({ topicArn: 'arn:aws:sns:eu-west-2:111122223333:alerts' });
    expect(resources(json(), 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toContain('AuroraReplicaLag');
  });
});
