import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsMigration, DmsMigrationProps, DmsReplicationInstance, DmsTaskResumer, DmsReplicationTask, SqlServerSourceEndpoint, PostgresTargetEndpoint, TableMappings } from '../../../modules/dms-migration';
import { all, network, newStack, one, PG_SECRET, SOURCE_NET, statements, synth, TARGET_NET } from './helpers';

/**
 * Running replications: CDC start points through DmsMigration, and the resume after an apply. The provider stops a
 * running task to modify it (ModifyReplicationTask: "The task must be stopped before you can modify it") and starts it
 * again only with start_replication_task, which this kit leaves off.
 */
function migration(over: Partial<DmsMigrationProps> = {}, source: DmsMigrationProps['source'] = { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Billing', mode: 'ms-cdc' }) {
  const stack = newStack();
  const m = new DmsMigration(stack, 'm', {
    component: 'billing',
    network,
    accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
    source,
    target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET },
    tableMappings: new TableMappings().include({ schema: 'dbo' }),
    ...over,
  });
  return { stack, m };
}

describe('DmsMigration CDC start points (passed to the task, with its synth checks)', () => {
  test('cdcStartPosition reaches the task', () => {
    const { stack } = migration({ migrationType: 'cdc', cdcStartPosition: '2026-11-20T06:00:00' });
    expect(one(synth(stack), 'aws_dms_replication_task')).toMatchObject({ migration_type: 'cdc', cdc_start_position: '2026-11-20T06:00:00' });
  });

  test('cdcStartTime reaches the task', () => {
    const { stack } = migration({ migrationType: 'cdc', cdcStartTime: '1763618400' });
    expect(one(synth(stack), 'aws_dms_replication_task')).toMatchObject({ cdc_start_time: '1763618400' });
  });

  test('fails when a PostgreSQL source gets a CDC start time', () => {
    const pg = { kind: 'postgres' as const, serverName: 'ledger.db', databaseName: 'dmv', secret: PG_SECRET, slotName: 'dms_ledger', egressCidr: SOURCE_NET };
    expect(() => migration({ migrationType: 'cdc', cdcStartTime: '2026-11-20T00:00:00Z' }, pg)).toThrow('does not support a custom CDC start time');
  });

  test('fails when both a start position and a start time are set', () => {
    expect(() => migration({ migrationType: 'cdc', cdcStartPosition: '2026-11-20T06:00:00', cdcStartTime: '1763618400' })).toThrow('cdcStartPosition and cdcStartTime are both set');
  });
});

describe('DmsTaskResumer (resume-processing after an apply)', () => {
  test('a CDC migration gets the resumer: the runner Lambda, invoked by Terraform after the task with {"action":"resume"}', () => {
    const { stack, m } = migration();
    const out = synth(stack);
    expect(m.resumer).toBeDefined();
    const fn = all(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-billing-resumer')!;
    expect(fn).toMatchObject({ reserved_concurrent_executions: 1, timeout: 300 });
    expect(fn.environment.variables.REPLICATION_TASK_ARN).toContain('aws_dms_replication_task.');
    const inv = one(out, 'aws_lambda_invocation');
    expect(JSON.parse(inv.input)).toEqual({ action: 'resume' });
    expect(inv.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_dms_replication_task\./), expect.stringMatching(/^aws_iam_role_policy\./)]));
    expect(Object.keys(inv.triggers).sort()).toEqual(['mappings', 'settings']);
    expect(inv.triggers.settings).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('a change of settings changes the trigger (the resume runs again after that apply); the same settings do not', () => {
    const trigger = (commitRate?: number) => one(synth(migration({ settings: { commitRate } }).stack), 'aws_lambda_invocation').triggers;
    expect(trigger(10000)).toEqual(trigger(10000));
    expect(trigger(20000).settings).not.toEqual(trigger(10000).settings);
    expect(trigger(20000).mappings).toEqual(trigger(10000).mappings);
  });

  test('least privilege: StartReplicationTask on this task only; DescribeReplicationTasks (no resource type) on *', () => {
    const { stack } = migration();
    const st = statements(synth(stack));
    expect(st.find((s) => s.Sid === 'ResumeTask')).toMatchObject({ Action: 'dms:StartReplicationTask', Resource: expect.stringMatching(/^\$\{aws_dms_replication_task\..*\.replication_task_arn\}$/) });
    expect(st.filter((s) => [s.Action].flat().includes('dms:StartReplicationTask')).every((s) => s.Resource !== '*')).toBe(true);
  });

  test('resumeAfterApply: false keeps the function (resume by hand) without the invocation', () => {
    const { stack } = migration({ resume: { resumeAfterApply: false } });
    const out = synth(stack);
    expect(all(out, 'aws_lambda_invocation')).toHaveLength(0);
    expect(all(out, 'aws_lambda_function').map((f) => f.function_name)).toContain('demo-staging-billing-resumer');
  });

  test('resume: false and full-load tasks get no resumer', () => {
    expect(migration({ resume: false }).m.resumer).toBeUndefined();
    expect(migration({}, { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Billing', mode: 'full-load-only' }).m.resumer).toBeUndefined();
  });

  test('fails when resume is asked for a full-load task', () => {
    expect(() => migration({ resume: {} }, { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Billing', mode: 'full-load-only' })).toThrow('resume is set on a full-load task');
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'r', serverAddress: '10.1.2.3', databaseName: 'R', mode: 'full-load-only', secret: PG_SECRET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    const task = new DmsReplicationTask(stack, 'task', { component: 'r', instance, source, target, tableMappings: new TableMappings().include({ schema: 'dbo' }) });
    expect(() => new DmsTaskResumer(stack, 'resumer', { component: 'r-resumer', task })).toThrow('is a full-load task; resume-processing would reload');
  });
});

describe('endpoint changes under a running task', () => {
  test('pauseRunningTasks sets the provider\'s pause_replication_tasks on the endpoint; off by default', () => {
    const { stack } = migration({ target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET, pauseRunningTasks: true } });
    const endpoints = all(synth(stack), 'aws_dms_endpoint');
    expect(endpoints.find((e) => e.endpoint_type === 'target')!.pause_replication_tasks).toBe(true);
    expect(endpoints.find((e) => e.endpoint_type === 'source')!.pause_replication_tasks).toBeUndefined();
  });
});
