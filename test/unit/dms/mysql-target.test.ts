import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connections } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsMigration, DmsReplicationInstance, DmsReplicationTask, MySqlSourceEndpoint, MySqlTargetEndpoint, MySqlTargetEndpointProps, TableMappings } from '../../../modules/dms-migration';
import { all, network, newStack, one, PG_SECRET, SOURCE_NET, statements, synth, TARGET_NET } from './helpers';

const MYSQL_SECRET = { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:mysql-AbCdEf', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/mysql' };
const base: MySqlTargetEndpointProps = { component: 'shop', serverName: 'shop.abc.eu-west-2.rds.amazonaws.com', databaseName: 'retail', secret: MYSQL_SECRET };

describe('MySqlTargetEndpoint', () => {
  test('a MySQL target logs in with a Secrets Manager secret over TLS, writes into databaseName, with foreign key checks off for the load', () => {
    const stack = newStack();
    const target = new MySqlTargetEndpoint(stack, 't', base);
    const out = synth(stack);
    const ep = one(out, 'aws_dms_endpoint');
    expect(ep).toMatchObject({
      endpoint_type: 'target',
      engine_name: 'mysql',
      ssl_mode: 'require',
      database_name: 'retail',
      secrets_manager_arn: MYSQL_SECRET.secretArn,
      secrets_manager_access_role_arn: expect.stringContaining('aws_iam_role'),
      extra_connection_attributes: 'targetDbType=SPECIFIC_DATABASE;initstmt=SET FOREIGN_KEY_CHECKS=0;',
    });
    // Settings go into extra connection attributes: provider 5.100.0 (npm run verify) has no mysql_settings block.
    expect(ep).not.toHaveProperty('mysql_settings');
    expect(ep).not.toHaveProperty('password');
    expect(ep).not.toHaveProperty('server_name');
    expect(target).toMatchObject({ targetKind: 'database', endpointType: 'target', port: 3306, targetDbType: 'specific-database' });
    expect(statements(out)).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: MYSQL_SECRET.secretArn })]));
  });

  test('Aurora MySQL with every typed setting, verify-full with the CA certificate', () => {
    const stack = newStack();
    new MySqlTargetEndpoint(stack, 't', {
      ...base,
      engine: 'aurora',
      targetDbType: 'multiple-databases',
      parallelLoadThreads: 4,
      maxFileSizeKiB: 512,
      afterConnectScript: "SET character_set_connection='utf8mb4'",
      extraConnectionAttributes: 'CleanSrcMetadataOnMismatch=false',
      sslMode: 'verify-full',
      certificateArn: 'arn:aws:dms:eu-west-2:123456789012:cert:RDSCA',
    });
    expect(one(synth(stack), 'aws_dms_endpoint')).toMatchObject({
      engine_name: 'aurora',
      ssl_mode: 'verify-full',
      certificate_arn: 'arn:aws:dms:eu-west-2:123456789012:cert:RDSCA',
      extra_connection_attributes:
        "targetDbType=MULTIPLE_DATABASES;parallelLoadThreads=4;maxFileSize=512;initstmt=SET FOREIGN_KEY_CHECKS=0;afterConnectScript=SET character_set_connection='utf8mb4';CleanSrcMetadataOnMismatch=false;",
    });
  });

  test('without databaseName the schemas become databases; foreign key checks stay on when asked', () => {
    const stack = newStack();
    const t = new MySqlTargetEndpoint(stack, 't', { ...base, databaseName: undefined, disableForeignKeyChecks: false });
    expect(t.targetDbType).toBe('multiple-databases');
    const ep = one(synth(stack), 'aws_dms_endpoint');
    expect(ep.extra_connection_attributes).toBe('targetDbType=MULTIPLE_DATABASES;');
    expect(ep).not.toHaveProperty('database_name');
  });

  test.each([
    ['targetDbType specific-database without a database', { databaseName: undefined, targetDbType: 'specific-database' as const }, "test/t: targetDbType 'specific-database' writes every source schema into one database, and databaseName names none. Pass databaseName, or targetDbType 'multiple-databases'"],
    ['parallelLoadThreads above 5', { parallelLoadThreads: 6 }, 'test/t: parallelLoadThreads 6 is outside 1-5, the range AWS documents for MySQL targets'],
    ['parallelLoadThreads not an integer', { parallelLoadThreads: 1.5 }, 'parallelLoadThreads 1.5 is outside 1-5'],
    ['maxFileSizeKiB 0', { maxFileSizeKiB: 0 }, 'test/t: maxFileSizeKiB 0 is outside 1-1048576 KB'],
    ['maxFileSizeKiB above 1 GiB', { maxFileSizeKiB: 1048577 }, 'maxFileSizeKiB 1048577 is outside 1-1048576 KB'],
    ['afterConnectScript with two statements', { afterConnectScript: 'SET a=1; SET b=2' }, 'test/t: afterConnectScript "SET a=1; SET b=2" is empty or contains ";"'],
    ['extraConnectionAttributes repeating a typed setting', { extraConnectionAttributes: 'parallelLoadThreads=3;initstmt=SET x=1' }, 'test/t: extraConnectionAttributes sets parallelLoadThreads, initstmt, which this endpoint sets from its typed props'],
    ['an engine that is not MySQL-compatible', { engine: 'postgres' as 'mysql' }, 'test/t: engine "postgres" is not a MySQL-compatible DMS target engine'],
    ['TLS off', { sslMode: 'none' as 'require' }, `test/t: sslMode "none" would send the login and the data in clear text`],
    ['an RDS-managed master secret', { secret: { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-1234-AbCdEf' } }, 'is an RDS-managed master secret'],
  ])('fails when %s', (_name, extra, message) => {
    expect(() => new MySqlTargetEndpoint(newStack(), 't', { ...base, ...extra })).toThrow(message);
  });

  test('a task admits the replication instance on the MySQL port by the target security group', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'old', serverName: 'old.db', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new MySqlTargetEndpoint(stack, 'tgt', { ...base, port: 3307, connections: { connections: new Connections(stack, { securityGroupId: 'sg-mysql', description: 'mysql' }) } });
    new DmsReplicationTask(stack, 'task', { component: 't', instance, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }) });
    const ingress = all(synth(stack), 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-mysql');
    expect(ingress).toMatchObject({ from_port: 3307, to_port: 3307, ip_protocol: 'tcp', referenced_security_group_id: expect.stringContaining('aws_security_group') });
  });
});

describe('DmsMigration with target kind mysql', () => {
  const migrate = (extra: Record<string, unknown> = {}) => {
    const stack = newStack();
    const m = new DmsMigration(stack, 'm', {
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'sqlserver', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'ms-cdc', secret: PG_SECRET },
      target: { kind: 'mysql', engine: 'aurora', serverName: 'aurora.cluster', databaseName: 'billing', secret: MYSQL_SECRET, egressCidr: TARGET_NET },
      tableMappings: new TableMappings().include({ schema: 'dbo' }),
      ...extra,
    });
    return { stack, m };
  };

  test('creates an Aurora MySQL target; the task validates rows, keeps full LOB mode and truncates before load like any database target', () => {
    const { stack, m } = migrate();
    expect(m.target).toBeInstanceOf(MySqlTargetEndpoint);
    const out = synth(stack);
    const target = all(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target')!;
    expect(target).toMatchObject({ engine_name: 'aurora', database_name: 'billing', extra_connection_attributes: 'targetDbType=SPECIFIC_DATABASE;initstmt=SET FOREIGN_KEY_CHECKS=0;' });
    const settings = JSON.parse(one(out, 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: true, LimitedSizeLobMode: false });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('TRUNCATE_BEFORE_LOAD');
    // The apply-exceptions check reads PostgreSQL; it is not made for a MySQL target.
    expect(m.applyExceptions).toBeUndefined();
  });

  test('fails when validation is turned off for the MySQL target (a database target)', () => {
    expect(() => migrate({ settings: { validation: false } })).toThrow('database targets need ValidationSettings.EnableValidation = true');
  });

  test('fails when monitoring.applyExceptions is asked for: the check reads PostgreSQL, and MySQL keeps the table in awsdms_control', () => {
    expect(() => migrate({ monitoring: { applyExceptions: { periodMinutes: 10 } } })).toThrow(
      'test/m: monitoring.applyExceptions is set, but the check reads awsdms_apply_exceptions with a PostgreSQL client and the target is aurora, where DMS keeps that table in the awsdms_control database. Drop applyExceptions',
    );
  });
});

describe('templates/mysql/target-user.sql', () => {
  const sql = fs.readFileSync(path.join(__dirname, '../../../templates/mysql/target-user.sql'), 'utf8');
  const code = sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');

  test('grants what the DMS guide lists for a MySQL target, and all on awsdms_control', () => {
    expect(code).toContain("'GRANT ALTER, CREATE, CREATE TEMPORARY TABLES, DROP, INDEX, INSERT, UPDATE, DELETE, SELECT ON `'");
    expect(code).toContain("'GRANT ALL PRIVILEGES ON `awsdms_control`.* TO '");
    expect(sql).toContain('https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.MySQL.html');
  });

  test('holds no password and creates the login locked, TLS only', () => {
    expect(code).not.toMatch(/IDENTIFIED\s+BY/i);
    expect(code).toContain('REQUIRE SSL ACCOUNT LOCK');
  });
});
