import { App, MigrationStack, Testing } from '../../../modules/core';
import { register as registerLab } from '../../../stacks/mysql-to-s3-lab';
import { register as registerReporting } from '../../../stacks/reporting-server';
import { register as registerPlaybook } from '../../../stacks/sqlserver-to-postgres';
import { checkStack } from '../../../tools/policy-check/engine';
import { TfJson } from '../../../tools/policy-check/tf';

type Out = TfJson & { resource: Record<string, Record<string, Record<string, any>>>; output: Record<string, { value: unknown }> };

const synthesized = new Map<unknown, Map<string, Out>>();

/** Synthesizes a project's stacks once per file (they are the slowest part of the suite). */
function synthProject(register: (app: App) => MigrationStack[]): Map<string, Out> {
  const cached = synthesized.get(register);
  if (cached) return cached;
  const stacks = register(Testing.app());
  const out = new Map(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Out]));
  synthesized.set(register, out);
  return out;
}

const list = (out: Out, type: string) => Object.values(out.resource[type] ?? {});

describe.each([
  ['sqlserver-to-postgres', registerPlaybook],
  ['reporting-server', registerReporting],
  ['mysql-to-s3-lab', registerLab],
])('example project %s', (project, register) => {
  const stacks = synthProject(register);

  test('registers a staging and a production stack with an S3 backend', () => {
    expect([...stacks.keys()]).toEqual([`${project}-staging`, `${project}-production`]);
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
    const prod = stacks.get(`${project}-production`)!;
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

describe('sqlserver-to-postgres specifics', () => {
  const out = synthProject(registerPlaybook).get('sqlserver-to-postgres-staging')!;

  test('picks MS-CDC for a source whose tables lack primary keys, and sets its attributes', () => {
    expect(out.output.sqlserver_mode.value).toBe('ms-cdc');
    const source = list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!;
    // A self-managed source, login without sysadmin: DMS reads the log through templates/sqlserver/non-sysadmin-wrapper.sql.
    expect(source).toMatchObject({ ssl_mode: 'require', extra_connection_attributes: 'enableNonSysadminWrapper=true;ignoreMsReplicationEnablement=true;' });
    // DMS reads the server from the secret: the address is in the operator's put command, not beside the secret.
    expect(source).not.toHaveProperty('server_name');
    expect(out.output.source_secret_put_command.value).toContain('"host":"10.200.10.25","port":1433}');
  });

  test('the DMS security group is admitted to Postgres on 5432 (the step the playbook left manual)', () => {
    const dmsSg = Object.entries(out.resource.aws_security_group).find(([, sg]) => String(sg.name).endsWith('-billing-dms'))![0];
    const rule = list(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.referenced_security_group_id === `\${aws_security_group.${dmsSg}.id}` && r.from_port === 5432);
    expect(rule).toBeDefined();
  });

  test('a full load + CDC task into the app user with validation on', () => {
    const task = list(out, 'aws_dms_replication_task')[0];
    expect(task.migration_type).toBe('full-load-and-cdc');
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.ControlTablesSettings.ControlSchema).toBe('billing');
    const target = list(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target')!;
    expect(target.secrets_manager_arn).toContain('aws_secretsmanager_secret.database_app-user-secret');
  });
});

describe('reporting-server specifics', () => {
  const out = synthProject(registerReporting).get('reporting-server-production')!;

  test('a full-load task reloaded daily by the scheduler', () => {
    expect(list(out, 'aws_dms_replication_task')[0]).toMatchObject({ migration_type: 'full-load', start_replication_task: false });
    expect(list(out, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(30 6 * * ? *)', schedule_expression_timezone: 'Europe/London' });
    expect(list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!.extra_connection_attributes).toBeUndefined();
  });
});

describe('mysql-to-s3-lab specifics', () => {
  const out = synthProject(registerLab).get('mysql-to-s3-lab-staging')!;

  test('masks email and phone and drops the street address', () => {
    const rules = JSON.parse(list(out, 'aws_dms_replication_task')[0].table_mappings).rules as Array<Record<string, any>>;
    const on = (column: string) => rules.filter((r) => r['object-locator']['column-name'] === column).map((r) => r['rule-action']);
    expect(on('email')).toEqual(['data-masking-hash-mask']);
    expect(on('phone')).toEqual(['data-masking-digits-mask']);
    expect(rules.find((r) => r['rule-action'] === 'data-masking-digits-mask')!.value).toBe('#');
    expect(on('address')).toEqual(['remove-column']);
  });

  test('writes date-partitioned Parquet with a CDC folder under SSE-KMS', () => {
    expect(list(out, 'aws_dms_s3_endpoint')[0]).toMatchObject({ data_format: 'parquet', cdc_path: 'cdc', bucket_folder: 'raw/retail', date_partition_enabled: true, encryption_mode: 'SSE_KMS' });
  });

  test('reaches the source by its security group on 3306, TLS required', () => {
    expect(list(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-0a1b2c3d4e5f60031')).toMatchObject({ from_port: 3306, to_port: 3306 });
    expect(list(out, 'aws_dms_endpoint')[0]).toMatchObject({ engine_name: 'mysql', ssl_mode: 'require' });
  });

  test('alarms on CDC latency and instance health', () => {
    expect(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toEqual(expect.arrayContaining(['CDCLatencySource', 'CDCLatencyTarget', 'FreeStorageSpace']));
  });
});
