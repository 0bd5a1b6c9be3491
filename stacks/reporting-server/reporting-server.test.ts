import { Testing } from '../../modules/core';
import { checkStack } from '../../tools/policy-check/engine';
import { TfJson } from '../../tools/policy-check/tf';
import { register } from './index';

type Out = TfJson & { resource: Record<string, Record<string, Record<string, any>>>; output: Record<string, { value: unknown }> };

// Synthesized once for the file: the stacks are the slowest part of the suite.
const stacks = new Map(register(Testing.app()).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Out]));
const list = (out: Out, type: string) => Object.values(out.resource[type] ?? {});

describe('example project reporting-server', () => {
  test('registers a staging and a production stack with an S3 backend', () => {
    expect([...stacks.keys()]).toEqual(['reporting-server-staging', 'reporting-server-production']);
    for (const out of stacks.values()) expect((out as any).terraform.backend.s3.bucket).toMatch(/-terraform-state$/);
  });

  test('passes every policy rule (waivers only with a reason)', () => {
    for (const [name, out] of stacks) {
      const result = checkStack(name, out);
      expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
      expect(result.waiverErrors).toEqual([]);
      expect(result.unusedWaivers).toEqual([]);
    }
  });

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
