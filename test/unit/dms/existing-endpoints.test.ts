import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connections } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import * as dms from '../../../modules/dms-migration';
import { DmsMigration, ExistingDmsEndpoint, TableMappings } from '../../../modules/dms-migration';
import { all, network, newStack, one, synth } from './helpers';

const SRC_ARN = 'arn:aws:dms:eu-west-2:123456789012:endpoint:SRCABCDEFGHIJKLMNOP';
const TGT_ARN = 'arn:aws:dms:eu-west-2:123456789012:endpoint:TGTABCDEFGHIJKLMNOP';

describe('ExistingDmsEndpoint (endpoints adopted by ARN)', () => {
  function adopted(over: { migrationType?: 'full-load' | 'full-load-and-cdc'; targetEngine?: 'postgres' | 's3' } = {}) {
    const stack = newStack();
    const source = new ExistingDmsEndpoint(stack, 'src', { endpointArn: SRC_ARN, endpointType: 'source', engineName: 'sqlserver', sqlServerMode: 'ms-cdc', network: { cidr: '10.20.30.40/32', port: 1433 } });
    const db = { connections: new Connections(stack, { securityGroupId: 'sg-db', description: 'PostgreSQL app' }) };
    const target = new ExistingDmsEndpoint(stack, 'tgt', { endpointArn: TGT_ARN, endpointType: 'target', engineName: over.targetEngine ?? 'postgres', network: over.targetEngine === 's3' ? undefined : { connections: db, port: 5432 } });
    const m = new DmsMigration(stack, 'm', {
      component: 'billing',
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'existing', endpoint: source },
      target: { kind: 'existing', endpoint: target },
      migrationType: over.migrationType,
      tableMappings: new TableMappings().include({ schema: 'dbo' }),
    });
    return { stack, m };
  }

  test('the task uses the ARNs; no endpoint is created; the network path is opened (egress to the source IP, ingress on the database)', () => {
    const { stack } = adopted();
    const out = synth(stack);
    expect(out.resource.aws_dms_endpoint).toBeUndefined();
    const task = one(out, 'aws_dms_replication_task');
    expect(task).toMatchObject({ source_endpoint_arn: SRC_ARN, target_endpoint_arn: TGT_ARN, migration_type: 'full-load-and-cdc' });
    expect(JSON.parse(task.replication_task_settings).ValidationSettings.EnableValidation).toBe(true);
    expect(all(out, 'aws_vpc_security_group_egress_rule').some((r) => r.cidr_ipv4 === '10.20.30.40/32' && r.from_port === 1433)).toBe(true);
    expect(all(out, 'aws_vpc_security_group_ingress_rule').some((r) => r.security_group_id === 'sg-db' && r.from_port === 5432 && /adopted endpoint/.test(r.description))).toBe(true);
  });

  test('an adopted S3 target gets the S3 defaults (validation off, limited LOBs)', () => {
    const settings = JSON.parse(one(synth(adopted({ targetEngine: 's3' }).stack), 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true });
  });

  test('the SQL Server mode of an adopted source still decides the migration types', () => {
    expect(() => adopted({ migrationType: 'full-load' })).toThrow("migrationType 'full-load' with a 'ms-cdc' source leaves the change capture unused");
  });

  test('an adopted Kafka target: targetKind kafka, streaming defaults (validation off, limited LOBs, no preparation), topic rules accepted, brokers admitted', () => {
    const stack = newStack();
    const msk = { connections: new Connections(stack, { securityGroupId: 'sg-msk', description: 'MSK erp' }) };
    const kafka = new ExistingDmsEndpoint(stack, 'kafka', { endpointArn: TGT_ARN, endpointType: 'target', engineName: 'kafka', network: { connections: msk, port: 9096 } });
    expect(kafka.targetKind).toBe('kafka');
    new DmsMigration(stack, 'm', {
      component: 'erp-stream',
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'existing', endpoint: new ExistingDmsEndpoint(stack, 'ora', { endpointArn: SRC_ARN, endpointType: 'source', engineName: 'oracle', network: { cidr: '10.20.30.41/32', port: 2484 } }) },
      target: { kind: 'existing', endpoint: kafka },
      tableMappings: new TableMappings().include({ schema: 'ERP' }).mapToKafkaTopic({ schema: 'ERP', table: 'ORDERS' }, 'erp-orders'),
    });
    const out = synth(stack);
    expect(out.resource.aws_dms_endpoint).toBeUndefined();
    const task = one(out, 'aws_dms_replication_task');
    expect(task).toMatchObject({ source_endpoint_arn: SRC_ARN, target_endpoint_arn: TGT_ARN });
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
    expect(JSON.parse(task.table_mappings).rules).toContainEqual(expect.objectContaining({ 'kafka-target-topic': 'erp-orders' }));
    expect(all(out, 'aws_vpc_security_group_ingress_rule').some((r) => r.security_group_id === 'sg-msk' && r.from_port === 9096)).toBe(true);
    expect(all(out, 'aws_vpc_security_group_egress_rule').some((r) => r.cidr_ipv4 === '10.20.30.41/32' && r.from_port === 2484)).toBe(true);
  });

  test('an adopted Oracle source into a database target keeps validation on (DMS validates Oracle sources)', () => {
    const stack = newStack();
    const db = { connections: new Connections(stack, { securityGroupId: 'sg-db', description: 'Aurora MySQL erp' }) };
    new DmsMigration(stack, 'm', {
      component: 'erp',
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'existing', endpoint: new ExistingDmsEndpoint(stack, 'ora', { endpointArn: SRC_ARN, endpointType: 'source', engineName: 'oracle' }) },
      target: { kind: 'existing', endpoint: new ExistingDmsEndpoint(stack, 'aurora', { endpointArn: TGT_ARN, endpointType: 'target', engineName: 'aurora', network: { connections: db, port: 3306 } }) },
      tableMappings: new TableMappings().include({ schema: 'ERP' }),
    });
    const settings = JSON.parse(one(synth(stack), 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: true });
  });

  test.each([
    [{ engineName: 'kafka' as const }, 'engineName "kafka" with endpointType \'source\': DMS supports kafka only as a target'],
    [{ engineName: 'kinesis' as const }, 'engineName "kinesis" with endpointType \'source\': DMS supports kinesis only as a target'],
  ])('fails when a target-only engine is adopted as a source: %j', (over, message) => {
    expect(() => new ExistingDmsEndpoint(newStack(), 'e', { endpointArn: SRC_ARN, endpointType: 'source', ...over })).toThrow(message);
  });

  test.each([
    [{ endpointArn: 'arn:aws:dms:eu-west-2:123456789012:rep:XYZ' }, 'is not a DMS endpoint ARN'],
    [{ endpointType: 'target' as const, sqlServerMode: 'ms-cdc' as const }, 'sqlServerMode is for SQL Server sources'],
    [{ engineName: 'mysql' as const, slotName: 'dms' }, 'slotName is for PostgreSQL sources'],
    [{ network: { cidr: '10.0.0.1/32', port: 0 } }, 'network.port'],
  ])('fails when %j', (over, message) => {
    const stack = newStack();
    expect(() => new ExistingDmsEndpoint(stack, 'e', { endpointArn: SRC_ARN, endpointType: 'source', engineName: 'sqlserver', ...over })).toThrow(message);
  });
});

describe('modules/dms-migration README lists every endpoint', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../modules/dms-migration/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Endpoints\n'), readme.indexOf('\n## Endpoint settings\n'));
  // Every exported endpoint class (a class whose name ends in Endpoint) is a constructor of an IDmsEndpoint.
  const classes = Object.entries(dms)
    .filter(([name, value]) => typeof value === 'function' && /^[A-Z]\w*Endpoint$/.test(name) && !name.endsWith('Base'))
    .map(([name]) => name);

  test.each(classes)('the endpoints table has a row for %s', (name) => {
    expect(section).toContain(`| \`${name}\` |`);
  });

  test("the first lines and the table name the same source and target kinds (Oracle, Kafka / MSK, MySQL targets, GenericDmsEndpoint, ExistingDmsEndpoint)", () => {
    const intro = readme.slice(0, readme.indexOf('\n## '));
    for (const phrase of ['Oracle', 'Kafka / Amazon MSK', 'MySQL /\nMariaDB / Aurora MySQL', 'Kinesis', 'S3', 'GenericDmsEndpoint', 'ExistingDmsEndpoint']) expect(intro).toContain(phrase);
    expect(classes.length).toBeGreaterThanOrEqual(11);
  });
});
