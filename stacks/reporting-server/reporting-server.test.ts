import { describeProjectBasics, list, synthProject } from '../../test/helpers/example-project';
import { register } from './index';

const stacks = synthProject(register);

describe('example project reporting-server', () => {
  describeProjectBasics('reporting-server', stacks);

  test('production runs a multi-AZ replication instance', () => {
    const prod = stacks.get('reporting-server-production')!;
    expect(list(prod, 'aws_dms_replication_instance').map((i) => i.multi_az)).toEqual([true]);
  });

  test('outputs carry handles, never secret values', () => {
    for (const out of stacks.values()) {
      const text = JSON.stringify(out.output);
      expect(text).not.toMatch(/"password"\s*:\s*"(?!<password>)/);
      expect(Object.keys(out.output)).toContain('replication_task_arn');
    }
  });
});

describe('reporting-server specifics', () => {
  const out = stacks.get('reporting-server-production')!;

  test('the target database is alarmed on the DMS topic, by instance identifier', () => {
    const topic = list(out, 'aws_cloudwatch_metric_alarm').find((a) => a.namespace === 'AWS/DMS')!.alarm_actions[0];
    const db = list(out, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/RDS');
    expect(db.map((a) => a.metric_name).sort()).toEqual(['CPUUtilization', 'DatabaseConnections', 'FreeStorageSpace', 'FreeableMemory', 'MaximumUsedTransactionIDs']);
    for (const a of db) expect(a).toMatchObject({ alarm_actions: [topic], dimensions: { DBInstanceIdentifier: list(out, 'aws_db_instance')[0].identifier } });
  });

  test('a full-load task reloaded daily by the scheduler', () => {
    expect(list(out, 'aws_dms_replication_task')[0]).toMatchObject({ migration_type: 'full-load', start_replication_task: false });
    expect(list(out, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(30 6 * * ? *)', schedule_expression_timezone: 'Europe/London' });
    expect(list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!.extra_connection_attributes).toBeUndefined();
  });
});
