import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const TOPIC = 'arn:aws:sns:eu-west-2:111122223333:demo-alerts';

function alarmsOf(props: Partial<PrivatePostgresProps> = {}, production = false, alarmProps: Record<string, unknown> = {}) {
  const stack = testStack({ production });
  const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...props });
  db.addAlarms({ topicArn: TOPIC, ...alarmProps });
  const alarms = resources(synthJson(stack), 'aws_cloudwatch_metric_alarm');
  return { db, alarms, byMetric: new Map(alarms.map((a) => [a.metric_name as string, a])) };
}

describe('PrivatePostgres.addAlarms (issue 14 item 4: watch the target)', () => {
  test('RDS: CPU, free storage, freeable memory, connections and transaction IDs on DBInstanceIdentifier, to the topic', () => {
    const { db, alarms, byMetric } = alarmsOf({ allocatedStorageGiB: 100, instanceClass: 'db.m7g.large' }, true);
    expect([...byMetric.keys()].sort()).toEqual(['CPUUtilization', 'DatabaseConnections', 'FreeStorageSpace', 'FreeableMemory', 'MaximumUsedTransactionIDs']);
    for (const a of alarms) {
      expect(a).toMatchObject({ namespace: 'AWS/RDS', dimensions: { DBInstanceIdentifier: 'demo-prod-db' }, alarm_actions: [TOPIC], ok_actions: [TOPIC], period: 300, evaluation_periods: 3, datapoints_to_alarm: 2 });
      expect(a.alarm_name).toMatch(/^demo-prod-db-/);
    }
    expect(byMetric.get('CPUUtilization')).toMatchObject({ statistic: 'Average', comparison_operator: 'GreaterThanThreshold', threshold: 80 });
    // 5 % of 100 GiB, in bytes (the metric's unit).
    expect(byMetric.get('FreeStorageSpace')).toMatchObject({ statistic: 'Minimum', comparison_operator: 'LessThanThreshold', threshold: 5 * 1024 ** 3 });
    // 10 % of db.m7g.large's 8 GiB.
    expect(byMetric.get('FreeableMemory')).toMatchObject({ statistic: 'Minimum', comparison_operator: 'LessThanThreshold', threshold: Math.round(8 * 1024 * 0.1) * 1024 ** 2 });
    expect(byMetric.get('DatabaseConnections')).toMatchObject({ statistic: 'Maximum', comparison_operator: 'GreaterThanThreshold', threshold: Math.floor(db.connectionBudget * 0.8) });
    expect(byMetric.get('MaximumUsedTransactionIDs')).toMatchObject({ statistic: 'Maximum', comparison_operator: 'GreaterThanThreshold', threshold: 1_000_000_000 });
    expect(byMetric.has('ReplicaLag')).toBe(false);
  });

  test('the connections threshold follows the connection budget of the instance class', () => {
    const small = alarmsOf({ instanceClass: 'db.t4g.medium' });
    const big = alarmsOf({ instanceClass: 'db.r7g.2xlarge' });
    expect(small.byMetric.get('DatabaseConnections')!.threshold).toBe(Math.floor(small.db.connectionBudget * 0.8));
    expect(big.byMetric.get('DatabaseConnections')!.threshold).toBe(Math.floor(big.db.connectionBudget * 0.8));
    expect(big.db.connectionBudget).toBeGreaterThan(small.db.connectionBudget);
  });

  test('thresholds are props', () => {
    const { byMetric } = alarmsOf({}, false, { cpuPercent: 90, freeStorageGiB: 7, freeableMemoryMiB: 512, connectionsPercent: 50, maximumUsedTransactionIds: 500_000_000 });
    expect(byMetric.get('CPUUtilization')!.threshold).toBe(90);
    expect(byMetric.get('FreeStorageSpace')!.threshold).toBe(7 * 1024 ** 3);
    expect(byMetric.get('FreeableMemory')!.threshold).toBe(512 * 1024 ** 2);
    expect(byMetric.get('MaximumUsedTransactionIDs')!.threshold).toBe(500_000_000);
  });

  test('Aurora with a reader: writer metrics on DBClusterIdentifier + Role WRITER, FreeLocalStorage instead of FreeStorageSpace, AuroraReplicaLag on READER', () => {
    const { alarms, byMetric } = alarmsOf({ engine: 'aurora-postgresql' }, true);
    expect([...byMetric.keys()].sort()).toEqual(['AuroraReplicaLag', 'CPUUtilization', 'DatabaseConnections', 'FreeLocalStorage', 'FreeableMemory', 'MaximumUsedTransactionIDs']);
    for (const a of alarms.filter((x) => x.metric_name !== 'AuroraReplicaLag')) expect(a.dimensions).toEqual({ DBClusterIdentifier: 'demo-prod-db', Role: 'WRITER' });
    expect(byMetric.get('AuroraReplicaLag')).toMatchObject({ dimensions: { DBClusterIdentifier: 'demo-prod-db', Role: 'READER' }, statistic: 'Maximum', comparison_operator: 'GreaterThanThreshold', threshold: 1000, alarm_actions: [TOPIC] });
    expect(byMetric.get('FreeLocalStorage')).toMatchObject({ statistic: 'Minimum', comparison_operator: 'LessThanThreshold', threshold: 2 * 1024 ** 3 });
  });

  test('Aurora without readers has no lag alarm', () => {
    const { byMetric } = alarmsOf({ engine: 'aurora-postgresql' });
    expect(byMetric.has('AuroraReplicaLag')).toBe(false);
  });

  test('two databases in one stack get distinct alarm names', () => {
    const stack = testStack();
    new PrivatePostgres(stack, 'a', { network: TWO_AZ_NETWORK, databaseName: 'a', component: 'a-db' }).addAlarms({ topicArn: TOPIC });
    new PrivatePostgres(stack, 'b', { network: TWO_AZ_NETWORK, databaseName: 'b', component: 'b-db' }).addAlarms({ topicArn: TOPIC });
    const names = resources(synthJson(stack), 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name);
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
  });

  test.each([
    [{}, { cpuPercent: 120 }, /cpuPercent must be an integer from 1 to 100/],
    [{}, { topicArn: 'alerts' }, /topicArn "alerts" is not an SNS topic ARN/],
    [{}, { freeLocalStorageGiB: 2 }, /freeLocalStorageGiB applies to Aurora only/],
    [{ engine: 'aurora-postgresql' }, { freeStorageGiB: 2 }, /freeStorageGiB applies to RDS only/],
    [{}, { replicaLagMilliseconds: 500 }, /replicaLagMilliseconds needs Aurora readers/],
    [{}, { maximumUsedTransactionIds: 2_100_000_000 }, /maximumUsedTransactionIds must be an integer from 1000000 to 2000000000/],
  ] as const)('fails when props %j get alarm props %j', (props, alarmProps, message) => {
    expect(() => alarmsOf(props as Partial<PrivatePostgresProps>, false, alarmProps)).toThrow(message);
  });

  test('fails when called twice', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app' });
    db.addAlarms({ topicArn: TOPIC });
    expect(() => db.addAlarms({ topicArn: TOPIC })).toThrow(/addAlarms was already called/);
  });
});
