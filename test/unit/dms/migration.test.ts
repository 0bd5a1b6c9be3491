import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import {
  DmsMigration,
  DmsMonitoring,
  DmsReplicationInstance,
  DmsReplicationTask,
  DmsScheduledFullLoad,
  DmsServerlessReplication,
  MySqlSourceEndpoint,
  PostgresSourceEndpoint,
  PostgresTargetEndpoint,
  S3SourceEndpoint,
  S3TargetEndpoint,
  SqlServerSourceEndpoint,
  TableMappings,
} from '../../../modules/dms-migration';
import { all, network, newStack, one, PG_SECRET, SOURCE_NET, statements, synth, TARGET_NET } from './helpers';

const BUCKET = { bucketName: 'demo-lake', bucketArn: 'arn:aws:s3:::demo-lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/lake' };
const dbo = () => new TableMappings().include({ schema: 'dbo' });

function parts(production = false, mode: 'ms-cdc' | 'ms-replication' | 'full-load-only' = 'ms-cdc') {
  const stack = newStack(production);
  const roles = new DmsAccountRoles(stack, 'roles', { mode: 'create' });
  const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
  const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode, secret: PG_SECRET });
  const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
  return { stack, roles, instance, source, target };
}

describe('DmsAccountRoles', () => {
  test('create: fixed-name roles with the AWS service-role policies and an IAM propagation wait', () => {
    const { stack } = parts();
    const out = synth(stack);
    const names = all(out, 'aws_iam_role').map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['dms-vpc-role', 'dms-cloudwatch-logs-role']));
    expect(all(out, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toEqual(
      expect.arrayContaining([expect.stringContaining(':iam::aws:policy/service-role/AmazonDMSVPCManagementRole'), expect.stringContaining('AmazonDMSCloudWatchLogsRole')]),
    );
    const wait = Object.entries(out.resource.terraform_data)[0];
    expect(wait[1].provisioner).toEqual([{ 'local-exec': { command: 'sleep 30' } }]);
    // The subnet group and the instance wait for the roles.
    expect(one(out, 'aws_dms_replication_subnet_group').depends_on).toContain(`terraform_data.${wait[0]}`);
    expect(one(out, 'aws_dms_replication_instance').depends_on).toContain(`terraform_data.${wait[0]}`);
  });

  test('adopt: looks the roles up instead of creating them', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const out = synth(stack);
    expect(all(out, 'aws_iam_role').map((r) => r.name)).not.toContain('dms-vpc-role');
    expect(Object.values(out.data!.aws_iam_role).map((r) => r.name).sort()).toEqual(['dms-cloudwatch-logs-role', 'dms-vpc-role']);
    // DMS waits for a terraform_data that reads both lookups: a missing role fails the plan before any DMS resource.
    const adopted = Object.entries(out.resource.terraform_data as Record<string, any>);
    expect(adopted).toHaveLength(1);
    expect([...adopted[0][1].triggers_replace].sort()).toEqual(Object.keys(out.data!.aws_iam_role).sort().map((name) => `\${data.aws_iam_role.${name}.arn}`));
    expect(adopted[0][1].provisioner).toBeUndefined();
    expect(one(out, 'aws_dms_replication_instance').depends_on).toContain(`terraform_data.${adopted[0][0]}`);
  });

  test('fails when the propagation wait is out of range', () => {
    expect(() => new DmsAccountRoles(newStack(), 'roles', { mode: 'create', propagationWaitSeconds: 900 })).toThrow('propagationWaitSeconds must be an integer from 0 to 300, got 900.');
  });
});

describe('DmsReplicationInstance', () => {
  test('a long component gives an instance id within 63 characters, while the subnet group keeps its 255', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'create' });
    const component = `reporting-${'x'.repeat(70)}`;
    new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, component });
    const out = synth(stack);
    const id = one(out, 'aws_dms_replication_instance').replication_instance_id as string;
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    expect(one(out, 'aws_dms_replication_subnet_group').replication_subnet_group_id).toBe(`demo-staging-${component}`);
  });

  test('private, encrypted with a CMK, engine >= 3.5.4, private subnet group with a plan-time check', () => {
    const { stack } = parts();
    const out = synth(stack);
    expect(one(out, 'aws_dms_replication_instance')).toMatchObject({
      publicly_accessible: false,
      multi_az: false,
      engine_version: '3.5.4',
      kms_key_arn: expect.stringContaining('aws_kms_key'),
      replication_subnet_group_id: expect.stringContaining('aws_dms_replication_subnet_group'),
      auto_minor_version_upgrade: true,
    });
    expect(one(out, 'aws_dms_replication_subnet_group').subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    // The subnet group cannot be created in a subnet that maps public IPs: the check gates it at plan time.
    const lookups = Object.keys(out.data!.aws_subnet);
    expect(lookups).toHaveLength(2);
    expect(one(out, 'aws_dms_replication_subnet_group').lifecycle.precondition.map((p: { condition: string }) => p.condition)).toEqual(
      lookups.map((name) => `\${data.aws_subnet.${name}.map_public_ip_on_launch == false}`),
    );
  });

  test('multi-AZ in production', () => {
    const { stack } = parts(true);
    expect(one(synth(stack), 'aws_dms_replication_instance').multi_az).toBe(true);
  });

  test('fails when production asks for a single AZ', () => {
    const stack = newStack(true);
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    expect(() => new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, multiAz: false })).toThrow('multiAz is false in a production stack');
  });

  test('fails when subnets are in one AZ', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const oneAz = { vpcId: 'v', privateSubnets: [{ id: 'a', availabilityZone: 'eu-west-2a' }, { id: 'b', availabilityZone: 'eu-west-2a' }] };
    expect(() => new DmsReplicationInstance(stack, 'dms', { network: oneAz, accountRoles: roles })).toThrow('subnets must span >= 2 availability zones; got eu-west-2a.');
  });

  test('fails when the engine is end of life', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    expect(() => new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, engineVersion: '3.5.2' })).toThrow('engineVersion 3.5.2 is end of life');
  });

  test('fails when the instance class is not a DMS class', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    expect(() => new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, instanceClass: 't3.medium' })).toThrow('instanceClass "t3.medium" is not a DMS class');
  });

  test('reuses an existing instance by reference', () => {
    const stack = newStack();
    const instance = DmsReplicationInstance.fromExisting(stack, 'shared', { replicationInstanceArn: 'arn:aws:dms:eu-west-2:1:rep:X', replicationInstanceId: 'shared-dms', securityGroupId: 'sg-dms', engineVersion: '3.5.4' });
    const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'B', mode: 'ms-cdc', secret: PG_SECRET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    new DmsReplicationTask(stack, 'task', { component: 't', instance, source, target, tableMappings: dbo() });
    const out = synth(stack);
    expect(out.resource.aws_dms_replication_instance).toBeUndefined();
    expect(one(out, 'aws_dms_replication_task').replication_instance_arn).toBe('arn:aws:dms:eu-west-2:1:rep:X');
    // The adopted instance's group gets the egress rules: to the SQL Server by address, to the target's network.
    const egress = all(out, 'aws_vpc_security_group_egress_rule').map((r) => [r.security_group_id, r.cidr_ipv4, r.from_port]);
    expect(egress.sort()).toEqual([['sg-dms', '10.20.30.40/32', 1433], ['sg-dms', TARGET_NET, 5432]]);
  });
});

describe('DmsReplicationTask', () => {
  test('CDC task: validated settings, not started by Terraform, egress to the on-premises source by IP', () => {
    const { stack, instance, source, target } = parts();
    new DmsReplicationTask(stack, 'task', { component: 'billing', instance, source, target, tableMappings: dbo().lowercase() });
    const out = synth(stack);
    const task = one(out, 'aws_dms_replication_task');
    expect(task).toMatchObject({ migration_type: 'full-load-and-cdc', start_replication_task: false, replication_task_id: 'demo-staging-billing' });
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.Logging.EnableLogging).toBe(true);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.Logging).not.toHaveProperty('CloudWatchLogGroup');
    // LOB sizes unknown: full LOB mode (limited LOB mode would truncate larger LOBs with only a warning).
    expect(settings.TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false });
    expect(JSON.parse(task.table_mappings).rules).toHaveLength(4);
    const egress = all(out, 'aws_vpc_security_group_egress_rule').find((r) => r.cidr_ipv4 === '10.20.30.40/32');
    expect(egress).toMatchObject({ from_port: 1433, to_port: 1433, description: expect.stringContaining('over the VPN') });
    expect(all(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4)).toEqual([]);
  });

  test('full-load-only source defaults to a full-load task', () => {
    const { stack, instance, source, target } = parts(false, 'full-load-only');
    new DmsReplicationTask(stack, 'task', { component: 'report', instance, source, target, tableMappings: dbo() });
    expect(one(synth(stack), 'aws_dms_replication_task')).toMatchObject({ migration_type: 'full-load', start_replication_task: false });
  });

  test('raw settings are accepted; read-only keys are dropped', () => {
    const { stack, instance, source, target } = parts();
    const raw = { Logging: { EnableLogging: true, CloudWatchLogGroup: 'dms-tasks-x', CloudWatchLogStream: 'dms-task-y' }, ValidationSettings: { EnableValidation: true }, TargetMetadata: { FullLobMode: true, LimitedSizeLobMode: false }, FullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' } };
    new DmsReplicationTask(stack, 'task', { component: 'b', instance, source, target, tableMappings: dbo().toJson(), settings: { raw: JSON.stringify(raw) } });
    const settings = JSON.parse(one(synth(stack), 'aws_dms_replication_task').replication_task_settings);
    expect(settings.Logging).toEqual({ EnableLogging: true });
  });

  test('S3 targets: validation off, tables kept (DO_NOTHING)', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET });
    new DmsReplicationTask(stack, 'task', { component: 'lake', instance, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }) });
    const settings = JSON.parse(one(synth(stack), 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
    // S3 targets do not support full LOB mode: limited is their only mode.
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 });
    expect(() => new DmsReplicationTask(stack, 'full', { component: 'lake2', instance, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }), settings: { lob: { mode: 'full' } } })).toThrow(
      'S3 targets do not support full LOB mode',
    );
  });

  test.each<[string, (p: ReturnType<typeof parts>) => void, string]>([
    ['fails when a full-load-only source gets a CDC task', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), migrationType: 'full-load-and-cdc' }), "migrationType 'full-load-and-cdc' captures changes, but the SQL Server source is in 'full-load-only' mode"],
    ['fails when a full-load task is started by Terraform (#43466)', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), startOnCreate: true }), 'startOnCreate is set on a full-load task: provider bug #43466'],
    ['fails when the mappings include nothing', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: new TableMappings().exclude({ schema: 'dbo' }) }), 'table mappings select no table'],
    ['fails when validation is off for a database target', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), settings: { validation: false } }), 'database targets need ValidationSettings.EnableValidation = true'],
    ['fails when raw settings are not JSON', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), settings: { raw: '{nope' } }), 'settings.raw is not valid JSON'],
    ['fails when raw mappings are malformed', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: '{"rules": 3}' }), 'tableMappings: table mappings JSON must be an object with a "rules" array'],
    ['fails when source and target are swapped', (p) => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.target, target: p.source, tableMappings: dbo() }), 'source is a target endpoint (postgres); pass a source endpoint.'],
  ])('%s', (_name, make, message) => {
    const p = parts(false, 'full-load-only');
    expect(() => make(p)).toThrow(message);
  });

  test('a masking task into a database defaults validation off; asking for both fails', () => {
    const p = parts(false, 'ms-cdc');
    const masked = () => dbo().mask({ schema: 'dbo', table: 'customers', column: 'ssn' }, 'hash-mask');
    new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: masked() });
    expect(JSON.parse(one(synth(p.stack), 'aws_dms_replication_task').replication_task_settings).ValidationSettings.EnableValidation).toBe(false);
    expect(() => new DmsReplicationTask(p.stack, 'task2', { component: 't2', instance: p.instance, source: p.source, target: p.target, tableMappings: masked(), settings: { validation: true } })).toThrow(
      'validation compares the masked target values with the clear source values',
    );
  });

  test('fails when a capture-mode source gets a full-load task', () => {
    const p = parts(false, 'ms-cdc');
    expect(() => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), migrationType: 'full-load' })).toThrow(
      "migrationType 'full-load' with a 'ms-cdc' source leaves the change capture unused",
    );
  });

  test('fails when masking runs on an engine older than 3.5.4', () => {
    const p = parts();
    const old = DmsReplicationInstance.fromExisting(p.stack, 'old', { replicationInstanceArn: 'arn', replicationInstanceId: 'old', securityGroupId: 'sg', engineVersion: '3.5.3' });
    expect(
      () => new DmsReplicationTask(p.stack, 'task', { component: 't', instance: old, source: p.source, target: p.target, tableMappings: dbo().mask({ schema: 'dbo', table: 'c', column: 'ssn' }, 'hash-mask') }),
    ).toThrow('table mappings mask columns, which needs replication engine 3.5.4 or later; the instance runs 3.5.3.');
  });
});

describe('validation needs a source DMS validates (CHAP_Validating: not S3)', () => {
  function fromS3(settings?: { validation?: boolean }) {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new S3SourceEndpoint(stack, 'src', { component: 'export', bucket: BUCKET, tables: [{ owner: 'dmv', name: 'person', path: 'dmv/person', columns: [{ name: 'id', type: 'INT8', primaryKey: true }] }] });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    new DmsReplicationTask(stack, 'task', { component: 'load', instance, source, target, migrationType: 'full-load', tableMappings: new TableMappings().include({ schema: 'dmv' }), settings });
    return stack;
  }

  test('an S3 source into a database runs without validation by default', () => {
    const settings = JSON.parse(one(synth(fromS3()), 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
  });

  test('fails when validation is asked for an S3 source', () => {
    expect(() => fromS3({ validation: true })).toThrow('ValidationSettings.EnableValidation is on, but DMS data validation does not work with a s3 source');
  });
});

describe('CDC start points (DMS guide: Creating tasks for ongoing replication; API: CdcStartPosition, PostgreSQLSettings.SlotName)', () => {
  function pgParts(slotName?: string) {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new PostgresSourceEndpoint(stack, 'src', { component: 'ledger', serverName: 'ledger.db', databaseName: 'dmv', secret: PG_SECRET, slotName, egressCidr: SOURCE_NET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    const task = (over: Partial<ConstructorParameters<typeof DmsReplicationTask>[2]>) =>
      new DmsReplicationTask(stack, 'task', { component: 'ledger', instance, source, target, tableMappings: new TableMappings().include({ schema: 'dmv' }), migrationType: 'cdc', ...over });
    return { stack, task };
  }

  test('a PostgreSQL source starts from the LSN of the slot named on its endpoint (test_decoding, as the runbook creates it)', () => {
    const p = pgParts('dms_ledger');
    p.task({ cdcStartPosition: '1A/6B0C3D28' });
    const out = synth(p.stack);
    expect(one(out, 'aws_dms_replication_task')).toMatchObject({ cdc_start_position: '1A/6B0C3D28' });
    expect(one(out, 'aws_dms_replication_task')).not.toHaveProperty('cdc_start_time');
    expect(all(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'source')!.postgres_settings).toMatchObject({ slot_name: 'dms_ledger', plugin_name: 'test-decoding' });
  });

  test('fails when a PostgreSQL source is given a CDC start time (custom start times are not supported)', () => {
    expect(() => pgParts('dms_ledger').task({ cdcStartTime: '2026-11-20T00:00:00Z' })).toThrow(
      'test/task: cdcStartTime "2026-11-20T00:00:00Z" is set on a task with a PostgreSQL source, which does not support a custom CDC start time (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Task.CDC.html). Start from a native position instead: create a logical replication slot before the export (templates/postgres/cdc-start-slot.sql)',
    );
  });

  test('fails when a PostgreSQL source is given a date as its start position', () => {
    expect(() => pgParts('dms_ledger').task({ cdcStartPosition: '2026-11-20T00:00:00' })).toThrow('cdcStartPosition "2026-11-20T00:00:00" is not a PostgreSQL LSN (like 1A/6B0C3D28)');
  });

  test('fails when the PostgreSQL endpoint names no slot', () => {
    expect(() => pgParts().task({ cdcStartPosition: '1A/6B0C3D28' })).toThrow('whose endpoint names no slot: a native start position needs a logical replication slot that already exists and is named on the endpoint (slotName)');
  });

  test('fails when the slot name is not a PostgreSQL slot name', () => {
    expect(() => pgParts('DMS-Ledger')).toThrow('slotName "DMS-Ledger" is not a replication slot name');
  });

  test('other sources keep date positions and start times; never both, never on a full load', () => {
    const p = parts();
    new DmsReplicationTask(p.stack, 'a', { component: 'a', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), cdcStartTime: '2026-11-20T00:00:00Z' });
    expect(one(synth(p.stack), 'aws_dms_replication_task')).toMatchObject({ cdc_start_time: '2026-11-20T00:00:00Z' });
    expect(() => new DmsReplicationTask(p.stack, 'b', { component: 'b', instance: p.instance, source: p.source, target: p.target, tableMappings: dbo(), cdcStartTime: 'x', cdcStartPosition: 'y' })).toThrow(
      'cdcStartPosition and cdcStartTime are both set; DMS takes one or the other',
    );
    const f = parts(false, 'full-load-only');
    expect(() => new DmsReplicationTask(f.stack, 'c', { component: 'c', instance: f.instance, source: f.source, target: f.target, tableMappings: dbo(), cdcStartPosition: '2026-11-20T00:00:00' })).toThrow(
      'a CDC start point is set on a full-load task',
    );
  });
});

describe('DmsMonitoring', () => {
  test('instance and CDC latency alarms, events to an encrypted topic', () => {
    const { stack, instance, source, target } = parts();
    const task = new DmsReplicationTask(stack, 'task', { component: 'billing', instance, source, target, tableMappings: dbo() });
    new DmsMonitoring(stack, 'mon').watchTask(task, { cdcLatencySeconds: 300 });
    const out = synth(stack);
    const alarms = all(out, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(['CDCChangesDiskSource', 'CDCLatencySource', 'CDCLatencyTarget', 'CPUUtilization', 'FreeStorageSpace', 'FreeableMemory']);
    alarms.forEach((a) => expect(a).toMatchObject({ namespace: 'AWS/DMS', alarm_actions: [expect.stringContaining('aws_sns_topic')] }));
    expect(alarms.find((a) => a.metric_name === 'CDCLatencySource')).toMatchObject({ threshold: 300, dimensions: { ReplicationTaskIdentifier: expect.stringContaining('element(split(":"') } });
    expect(one(out, 'aws_sns_topic').kms_master_key_id).toContain('aws_kms_key');
    const subs = all(out, 'aws_dms_event_subscription');
    expect(subs.map((s) => [s.source_type, s.event_categories])).toEqual([
      ['replication-instance', ['failure', 'low storage', 'failover']],
      ['replication-task', ['failure', 'state change']],
    ]);
  });

  test('a second task gets its own alarms, named after the task: reordering the tasks renames nothing', () => {
    const alarmsFor = (order: string[]) => {
      const { stack, instance, source, target } = parts();
      const mon = new DmsMonitoring(stack, 'mon');
      for (const component of order) mon.watchTask(new DmsReplicationTask(stack, component, { component, instance, source, target, tableMappings: dbo() }));
      const out = synth(stack);
      return Object.fromEntries(Object.entries(out.resource.aws_cloudwatch_metric_alarm as Record<string, { alarm_name: string; alarm_description: string }>).map(([id, a]) => [id, a.alarm_name]));
    };
    const ab = alarmsFor(['billing', 'invoices']);
    expect(alarmsFor(['invoices', 'billing'])).toEqual(ab);
    expect(Object.values(ab).filter((name) => name.includes('-task-')).sort()).toEqual([
      'demo-staging-dms-task-billing-changes-disk',
      'demo-staging-dms-task-billing-latency-source',
      'demo-staging-dms-task-billing-latency-target',
      'demo-staging-dms-task-invoices-changes-disk',
      'demo-staging-dms-task-invoices-latency-source',
      'demo-staging-dms-task-invoices-latency-target',
    ]);
  });

  test('full-load tasks get failure events but no CDC latency alarms', () => {
    const { stack, instance, source, target } = parts(false, 'full-load-only');
    const task = new DmsReplicationTask(stack, 'task', { component: 'r', instance, source, target, tableMappings: dbo() });
    new DmsMonitoring(stack, 'mon', { topicArn: 'arn:aws:sns:eu-west-2:1:alerts' }).watchTask(task);
    const out = synth(stack);
    expect(all(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).not.toContain('CDCLatencySource');
    expect(out.resource.aws_sns_topic).toBeUndefined();
    expect(all(out, 'aws_dms_event_subscription').map((s) => s.sns_topic_arn)).toEqual(['arn:aws:sns:eu-west-2:1:alerts', 'arn:aws:sns:eu-west-2:1:alerts']);
  });
});

describe('DmsMonitoring subscriptions (alerts reach people without a manual step)', () => {
  test('email and https endpoints subscribe to the created topic, named after the endpoint', () => {
    const stack = newStack();
    const m = new DmsMigration(stack, 'm', {
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Billing', mode: 'ms-cdc' },
      target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET },
      tableMappings: dbo(),
      monitoring: { subscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }, { protocol: 'https', endpoint: 'https://events.example.com/sns', endpointAutoConfirms: true }] },
    });
    const out = synth(stack);
    const subs = all(out, 'aws_sns_topic_subscription');
    expect(subs.map((s) => [s.protocol, s.endpoint, s.endpoint_auto_confirms])).toEqual([
      ['email', 'oncall@example.com', undefined],
      ['https', 'https://events.example.com/sns', true],
    ]);
    const [topicId] = Object.keys(out.resource.aws_sns_topic);
    subs.forEach((s) => expect(s.topic_arn).toBe(`\${aws_sns_topic.${topicId}.arn}`));
    expect(m.monitoring).toBeDefined();
  });

  test.each([
    [[{ protocol: 'email' as const, endpoint: 'oncall' }], 'subscriptions: email endpoint "oncall" is not an email address'],
    [[{ protocol: 'https' as const, endpoint: 'http://events.example.com/sns' }], 'must be an https:// URL'],
    [[{ protocol: 'email' as const, endpoint: 'a@example.com' }, { protocol: 'email' as const, endpoint: 'a@example.com' }], 'lists email:a@example.com twice'],
  ])('fails when a subscription is wrong (%j)', (subscriptions, message) => {
    const stack = newStack();
    expect(() => new DmsMonitoring(stack, 'mon', { subscriptions })).toThrow(message);
  });

  test('fails when subscriptions come with an existing topicArn', () => {
    const stack = newStack();
    expect(() => new DmsMonitoring(stack, 'mon', { topicArn: 'arn:aws:sns:eu-west-2:1:alerts', subscriptions: [{ protocol: 'email', endpoint: 'a@example.com' }] })).toThrow(
      'subscriptions subscribe to the topic DmsMonitoring creates; with topicArn, subscribe to that topic where it is defined',
    );
  });
});

describe('DmsScheduledFullLoad', () => {
  test('EventBridge Scheduler -> runner Lambda, with retries, a DLQ, async failure destination and alarms', () => {
    const { stack, instance, source, target } = parts(false, 'full-load-only');
    const task = new DmsReplicationTask(stack, 'task', { component: 'report', instance, source, target, tableMappings: dbo() });
    new DmsScheduledFullLoad(stack, 'daily', { component: 'report-runner', task, scheduleExpression: 'cron(0 6 * * ? *)', timezone: 'Europe/London', alarmTopicArn: 'arn:aws:sns:eu-west-2:1:alerts' });
    const out = synth(stack);
    const schedule = one(out, 'aws_scheduler_schedule');
    expect(schedule).toMatchObject({
      schedule_expression: 'cron(0 6 * * ? *)',
      schedule_expression_timezone: 'Europe/London',
      flexible_time_window: { mode: 'OFF' },
      target: { retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 }, dead_letter_config: { arn: expect.stringContaining('aws_sqs_queue') } },
    });
    const fn = one(out, 'aws_lambda_function');
    // One reload at a time: a second schedule firing during a run is throttled and retried by the async queue.
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', timeout: 900, tracing_config: { mode: 'Active' }, reserved_concurrent_executions: 1 });
    expect(fn.environment.variables).toMatchObject({ REPLICATION_TASK_ARN: expect.stringContaining('aws_dms_replication_task'), ON_ALREADY_RUNNING: 'wait' });
    expect(one(out, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 1, maximum_event_age_in_seconds: 3600, destination_config: { on_failure: { destination: expect.stringContaining('aws_sqs_queue') } } });
    const st = statements(out);
    expect(st).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'StartTaskReadResults', Action: ['dms:StartReplicationTask', 'dms:DescribeTableStatistics'], Resource: expect.stringContaining('aws_dms_replication_task') }),
        expect.objectContaining({ Sid: 'InvokeRunner', Action: 'lambda:InvokeFunction' }),
      ]),
    );
    expect(st.filter((s) => s.Resource === '*').flatMap((s) => s.Action)).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dms:DescribeReplicationTasks']);
    expect(all(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors']);
  });

  test('fails when the task captures changes', () => {
    const { stack, instance, source, target } = parts(false, 'ms-cdc');
    const task = new DmsReplicationTask(stack, 'task', { component: 'b', instance, source, target, tableMappings: dbo() });
    expect(() => new DmsScheduledFullLoad(stack, 'daily', { component: 'r', task, scheduleExpression: 'rate(1 day)' })).toThrow(
      'the scheduled runner reloads full-load tasks only; task test/task is full-load-and-cdc',
    );
  });

  test('fails when the schedule expression is not one Scheduler understands', () => {
    const { stack, instance, source, target } = parts(false, 'full-load-only');
    const task = new DmsReplicationTask(stack, 'task', { component: 'r', instance, source, target, tableMappings: dbo() });
    expect(() => new DmsScheduledFullLoad(stack, 'daily', { component: 'r', task, scheduleExpression: '0 6 * * *' })).toThrow('scheduleExpression "0 6 * * *" is not an EventBridge Scheduler expression');
  });
});

describe('DmsServerlessReplication', () => {
  test('replication config with DCUs, CMK, multi-AZ in production, settings validated', () => {
    const stack = newStack(true);
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    new DmsServerlessReplication(stack, 'sls', { component: 'big', network, accountRoles: roles, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }), maxCapacityUnits: 64 });
    const cfg = one(synth(stack), 'aws_dms_replication_config');
    expect(cfg).toMatchObject({ replication_type: 'full-load-and-cdc', start_replication: false, compute_config: { max_capacity_units: 64, min_capacity_units: 1, multi_az: true, kms_key_id: expect.stringContaining('aws_kms_key') } });
    expect(JSON.parse(cfg.replication_settings).ValidationSettings.EnableValidation).toBe(true);
  });

  test('fails when capacity is not a DMS capacity', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });
    expect(() => new DmsServerlessReplication(stack, 'sls', { component: 'big', network, accountRoles: roles, source, target, tableMappings: dbo(), maxCapacityUnits: 10 })).toThrow(
      'maxCapacityUnits 10 is not a DMS capacity: use one of 1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384.',
    );
  });
});

describe('DmsMigration (composed)', () => {
  test('one construct: instance, endpoints, task, monitoring and schedule', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const m = new DmsMigration(stack, 'reporting', {
      component: 'reporting',
      network,
      accountRoles: roles,
      source: { kind: 'sqlserver', serverAddress: '10.1.2.3', databaseName: 'Reports', mode: 'full-load-only' },
      target: { kind: 'postgres', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET },
      tableMappings: dbo(),
      schedule: { scheduleExpression: 'cron(30 5 * * ? *)' },
    });
    const out = synth(stack);
    expect(m.task.migrationType).toBe('full-load');
    expect(all(out, 'aws_dms_endpoint').map((e) => e.endpoint_id).sort()).toEqual(['demo-staging-reporting-source', 'demo-staging-reporting-target']);
    expect(one(out, 'aws_scheduler_schedule').schedule_expression).toBe('cron(30 5 * * ? *)');
    expect(all(out, 'aws_cloudwatch_metric_alarm').length).toBeGreaterThanOrEqual(5);
    expect(all(out, 'aws_iam_role').map((r) => r.name)).toEqual(expect.arrayContaining(['demo-staging-reporting-source-secret', 'demo-staging-reporting-target-secret']));
  });
});

describe('remaining validation messages', () => {
  const adopt = (stack: ReturnType<typeof newStack>) => new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
  const mysql = (stack: ReturnType<typeof newStack>) => new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
  const pg = (stack: ReturnType<typeof newStack>) => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET });

  test.each<[string, () => unknown, string]>([
    [
      'fails when instance storage is out of range',
      () => {
        const s = newStack();
        return new DmsReplicationInstance(s, 'dms', { network, accountRoles: adopt(s), allocatedStorageGiB: 2 });
      },
      'allocatedStorageGiB must be an integer from 5 to 6144, got 2.',
    ],
    [
      'fails when an egress CIDR is malformed',
      () => {
        const s = newStack();
        return new DmsReplicationInstance(s, 'dms', { network, accountRoles: adopt(s) }).allowEgressToCidr('10.0.0.0', 1433, 'x');
      },
      'allowEgressToCidr cidr must be an IPv4 CIDR such as 10.20.0.0/16; got "10.0.0.0".',
    ],
    ['fails when the server name is empty', () => new MySqlSourceEndpoint(newStack(), 'e', { component: 'x', serverName: '', secret: PG_SECRET }), 'serverName is empty; pass the database host name or IP address.'],
    [
      'fails when an S3 source skips more than one header row',
      () => new S3SourceEndpoint(newStack(), 'e', { component: 'x', bucket: BUCKET, ignoreHeaderRows: 2, tables: [{ owner: 'a', name: 't', path: 'p', columns: [{ name: 'id', type: 'INT4' }] }] }),
      'ignoreHeaderRows must be an integer from 0 to 1, got 2.',
    ],
    [
      'fails when the target is a source endpoint',
      () => {
        const s = newStack();
        const instance = DmsReplicationInstance.fromExisting(s, 'i', { replicationInstanceArn: 'a', replicationInstanceId: 'i', securityGroupId: 'sg' });
        return new DmsReplicationTask(s, 'task', { component: 't', instance, source: mysql(s), target: new PostgresSourceEndpoint(s, 'p', { component: 'p', serverName: 'h', databaseName: 'd', secret: PG_SECRET }), tableMappings: dbo() });
      },
      'target is a source endpoint (postgres); pass a target endpoint.',
    ],
    [
      'fails when serverless min capacity is above max',
      () => {
        const s = newStack();
        return new DmsServerlessReplication(s, 'sls', { component: 'b', network, accountRoles: adopt(s), source: mysql(s), target: pg(s), tableMappings: dbo(), minCapacityUnits: 32, maxCapacityUnits: 16 });
      },
      'minCapacityUnits 32 is above maxCapacityUnits 16.',
    ],
    [
      'fails when serverless is single-AZ in production',
      () => {
        const s = newStack(true);
        return new DmsServerlessReplication(s, 'sls', { component: 'b', network, accountRoles: adopt(s), source: mysql(s), target: pg(s), tableMappings: dbo(), multiAz: false });
      },
      'multiAz is false in a production stack; remove multiAz: false.',
    ],
    [
      'fails when serverless settings turn validation off for a database target',
      () => {
        const s = newStack();
        return new DmsServerlessReplication(s, 'sls', { component: 'b', network, accountRoles: adopt(s), source: mysql(s), target: pg(s), tableMappings: dbo(), settings: { validation: false } });
      },
      'database targets need ValidationSettings.EnableValidation = true',
    ],
    [
      'fails when serverless mappings include nothing',
      () => {
        const s = newStack();
        return new DmsServerlessReplication(s, 'sls', { component: 'b', network, accountRoles: adopt(s), source: mysql(s), target: pg(s), tableMappings: new TableMappings().exclude({ schema: 'x' }) });
      },
      'table mappings select no table: add at least one include rule.',
    ],
    [
      'fails when the runner timeout is out of range',
      () => {
        const { stack, instance, source, target } = parts(false, 'full-load-only');
        const task = new DmsReplicationTask(stack, 'task', { component: 'r', instance, source, target, tableMappings: dbo() });
        return new DmsScheduledFullLoad(stack, 'daily', { component: 'r', task, scheduleExpression: 'rate(1 day)', timeoutSeconds: 1000 });
      },
      'timeoutSeconds must be an integer from 60 to 900, got 1000.',
    ],
    [
      'fails when the CPU alarm threshold is not a percentage',
      () => {
        const { stack, instance } = parts();
        new DmsMonitoring(stack, 'mon').watchInstance(instance, { cpuPercent: 150 });
      },
      'cpuPercent must be an integer from 1 to 100, got 150.',
    ],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('a composed migration on an adopted instance makes the task wait for the account roles', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'create' });
    new DmsMigration(stack, 'm', {
      network,
      accountRoles: roles,
      replicationInstance: DmsReplicationInstance.fromExisting(stack, 'shared', { replicationInstanceArn: 'arn:aws:dms:eu-west-2:1:rep:X', replicationInstanceId: 'shared', securityGroupId: 'sg-1' }),
      source: { kind: 'mysql', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET },
      target: { kind: 'kinesis', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:1:stream/s' } },
      tableMappings: new TableMappings().include({ schema: 'retail' }),
      monitoring: false,
    });
    const out = synth(stack);
    expect(one(out, 'aws_dms_replication_task').depends_on).toEqual([expect.stringContaining('terraform_data.')]);
    expect(out.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
  });
});
