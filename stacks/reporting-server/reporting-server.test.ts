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

  test('a full-load task reloaded daily by the scheduler', () => {
    expect(list(out, 'aws_dms_replication_task')[0]).toMatchObject({ migration_type: 'full-load', start_replication_task: false });
    expect(list(out, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(30 6 * * ? *)', schedule_expression_timezone: 'Europe/London' });
    expect(list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!.extra_connection_attributes).toBeUndefined();
  });
});
