import { Connections } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import {
  DmsReplicationInstance,
  DmsReplicationTask,
  KinesisTargetEndpoint,
  MySqlSourceEndpoint,
  PostgresSourceEndpoint,
  PostgresTargetEndpoint,
  S3SourceEndpoint,
  S3TargetEndpoint,
  SqlServerSourceEndpoint,
  TableMappings,
} from '../../../modules/dms-migration';
import { PrivatePostgres } from '../../../modules/private-postgres';
import { all, network, newStack, one, PG_SECRET, SOURCE_NET, statements, synth } from './helpers';

const BUCKET = { bucketName: 'demo-lake', bucketArn: 'arn:aws:s3:::demo-lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/lake' };

describe('database endpoints: secrets + TLS', () => {
  test.each([
    ['sqlserver', (s: ReturnType<typeof newStack>) => new SqlServerSourceEndpoint(s, 'e', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'ms-cdc', secret: PG_SECRET }), 1433],
    ['mysql', (s: ReturnType<typeof newStack>) => new MySqlSourceEndpoint(s, 'e', { component: 'shop', serverName: 'shop.abc.eu-west-2.rds.amazonaws.com', databaseName: 'retail', secret: PG_SECRET }), 3306],
    ['aurora', (s: ReturnType<typeof newStack>) => new MySqlSourceEndpoint(s, 'e', { component: 'shop', engine: 'aurora', serverName: 'shop.cluster', secret: PG_SECRET }), 3306],
    ['postgres', (s: ReturnType<typeof newStack>) => new PostgresSourceEndpoint(s, 'e', { component: 'old', serverName: 'old.db', databaseName: 'app', secret: PG_SECRET }), 5432],
    ['aurora-postgresql', (s: ReturnType<typeof newStack>) => new PostgresSourceEndpoint(s, 'e', { component: 'old', engine: 'aurora-postgresql', serverName: 'old.db', databaseName: 'app', secret: PG_SECRET }), 5432],
    ['postgres', (s: ReturnType<typeof newStack>) => new PostgresTargetEndpoint(s, 'e', { component: 'app', serverName: 'new.db', databaseName: 'app', secret: PG_SECRET }), 5432],
  ])('%s uses a Secrets Manager ARN + access role, TLS require, never a password, nor server details beside the secret', (engine, make, port) => {
    const stack = newStack();
    const endpoint = make(stack);
    const out = synth(stack);
    const ep = one(out, 'aws_dms_endpoint');
    expect(ep).toMatchObject({ engine_name: engine, ssl_mode: 'require', secrets_manager_arn: expect.any(String), secrets_manager_access_role_arn: expect.stringContaining('aws_iam_role') });
    expect(ep).not.toHaveProperty('password');
    expect(ep).not.toHaveProperty('username');
    // The API takes the secret or clear-text details, not both: DMS reads host and port from the secret.
    expect(ep).not.toHaveProperty('server_name');
    expect(ep).not.toHaveProperty('port');
    expect(endpoint.port).toBe(port);
    const role = one(out, 'aws_iam_role');
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal.Service).toEqual(['dms.amazonaws.com', 'dms.eu-west-2.amazonaws.com']);
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(statements(out)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PG_SECRET.secretArn }),
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: PG_SECRET.kmsKeyArn }),
      ]),
    );
  });

  test('verify-full carries the certificate', () => {
    const stack = newStack();
    new PostgresTargetEndpoint(stack, 'e', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, sslMode: 'verify-full', certificateArn: 'arn:aws:dms:eu-west-2:1:cert:X' });
    expect(one(synth(stack), 'aws_dms_endpoint')).toMatchObject({ ssl_mode: 'verify-full', certificate_arn: 'arn:aws:dms:eu-west-2:1:cert:X' });
  });

  test('fails when TLS is turned off', () => {
    expect(() => new MySqlSourceEndpoint(newStack(), 'e', { component: 'x', serverName: 'h', secret: PG_SECRET, sslMode: 'none' as 'require' })).toThrow(
      `test/e: sslMode "none" would send the login and the data in clear text; use 'require' or 'verify-full' (DMS-SSL).`,
    );
  });

  test('fails when verify-full has no certificate', () => {
    expect(() => new MySqlSourceEndpoint(newStack(), 'e', { component: 'x', serverName: 'h', secret: PG_SECRET, sslMode: 'verify-full' })).toThrow(
      "sslMode 'verify-full' needs certificateArn",
    );
  });

  test('fails when the port is out of range', () => {
    expect(() => new MySqlSourceEndpoint(newStack(), 'e', { component: 'x', serverName: 'h', secret: PG_SECRET, port: 70000 })).toThrow('port must be an integer from 1 to 65535, got 70000.');
  });
});

describe('PostgreSQL source', () => {
  test('fails the task on LOB truncation (limited LOB mode would otherwise truncate with only a warning)', () => {
    const stack = newStack();
    new PostgresSourceEndpoint(stack, 'on', { component: 'a', serverName: 'a.db', databaseName: 'app', secret: PG_SECRET });
    new PostgresSourceEndpoint(stack, 'off', { component: 'b', serverName: 'b.db', databaseName: 'app', secret: PG_SECRET, failTasksOnLobTruncation: false });
    const settings = all(synth(stack), 'aws_dms_endpoint').map((e) => [e.endpoint_id, e.postgres_settings.fail_tasks_on_lob_truncation]);
    expect(Object.fromEntries(settings)).toEqual({ 'demo-staging-a-source': true, 'demo-staging-b-source': false });
  });
});

describe('RDS-managed master secrets are refused (username and password only; DMS needs host and port)', () => {
  test('fails when a PrivatePostgres master secret is handed to an endpoint, naming the construct and the fix', () => {
    const stack = newStack();
    const database = new PrivatePostgres(stack, 'db', { network, databaseName: 'ledger', engine: 'aurora-postgresql' });
    expect(() => new PostgresSourceEndpoint(stack, 'src', { component: 'old', serverName: database.address, databaseName: 'ledger', secret: { secretArn: database.masterSecretArn } })).toThrow(
      /^test\/src: secret \$\{aws_rds_cluster\.db_cluster_\w+\.master_user_secret\[0\]\.secret_arn\} is an RDS-managed master secret: it holds only username and password, and DMS takes the host and port from the endpoint's secret \(https:\/\/docs\.aws\.amazon\.com\/dms\/latest\/userguide\/security_iam_secretsmanager\.html\)\. Pass a login secret holding username, password, host and port: for a PrivatePostgres, set appUser/,
    );
  });

  test('fails when an RDS instance master secret is passed as a PostgresTargetEndpoint secret', () => {
    const stack = newStack();
    const database = new PrivatePostgres(stack, 'db', { network, databaseName: 'ledger' });
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: database.address, databaseName: 'ledger', secret: { secretArn: database.masterSecretArn } })).toThrow(
      /test\/pg: secret \$\{aws_db_instance\.db_instance_\w+\.master_user_secret\[0\]\.secret_arn\} is an RDS-managed master secret/,
    );
  });

  test('fails when a known ARN names an RDS-managed secret (rds!db-... / rds!cluster-...)', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!cluster-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0-AbCdEf';
    expect(() => new MySqlSourceEndpoint(newStack(), 'src', { component: 'shop', serverName: 'shop.cluster', secret: { secretArn: arn } })).toThrow(
      `test/src: secret ${arn} is an RDS-managed master secret`,
    );
  });
});

describe('Postgres target engine', () => {
  test.each(['postgres', 'aurora-postgresql'] as const)('follows the database it is given: %s', (engine) => {
    const stack = newStack();
    const database = new PrivatePostgres(stack, 'db', { network, databaseName: 'app', engine, appUser: { username: 'writer' } });
    new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database });
    expect(one(synth(stack), 'aws_dms_endpoint').engine_name).toBe(engine);
  });

  test('fails when engine contradicts the database', () => {
    const stack = newStack();
    const database = new PrivatePostgres(stack, 'db', { network, databaseName: 'app', engine: 'aurora-postgresql', appUser: { username: 'writer' } });
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database, engine: 'postgres' })).toThrow(
      'test/pg: engine "postgres" contradicts the database, which is aurora-postgresql; drop engine (it follows the database).',
    );
  });
});

describe('SQL Server source', () => {
  test('creates an empty KMS-encrypted secret when none is given (no value in Terraform)', () => {
    const stack = newStack();
    const ep = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'ms-replication' });
    const out = synth(stack);
    const secret = one(out, 'aws_secretsmanager_secret');
    expect(secret.kms_key_id).toContain('aws_kms_key');
    expect(out.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(one(out, 'aws_dms_endpoint').secrets_manager_arn).toContain('aws_secretsmanager_secret');
    // No facts: a self-managed server and a login without sysadmin (the runbook's option B).
    expect(one(out, 'aws_dms_endpoint').extra_connection_attributes).toBe('enableNonSysadminWrapper=true;safeguardPolicy=RELY_ON_SQL_SERVER_REPLICATION_AGENT;');
    expect(ep.createdSecret!.putSecretValueCommand).toBe(
      `aws secretsmanager put-secret-value --secret-id demo-staging-legacy-login --secret-string '{"username":"<login>","password":"<password>","host":"10.20.30.40","port":1433}'`,
    );
  });

  test.each([
    ['ms-cdc', 'enableNonSysadminWrapper=true;ignoreMsReplicationEnablement=true;'],
    ['ms-replication', 'enableNonSysadminWrapper=true;safeguardPolicy=RELY_ON_SQL_SERVER_REPLICATION_AGENT;'],
    ['full-load-only', undefined],
  ] as const)('mode %s sets its extra connection attributes (login without sysadmin)', (mode, attrs) => {
    const stack = newStack();
    new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode, secret: PG_SECRET });
    expect(one(synth(stack), 'aws_dms_endpoint').extra_connection_attributes).toBe(attrs);
  });

  test('a sysadmin login or an RDS source reads the log without the wrapper', () => {
    const stack = newStack();
    const facts = { edition: 'enterprise', continuous: true, tablesWithoutPrimaryKey: false } as const;
    new SqlServerSourceEndpoint(stack, 'a', { component: 'a', serverAddress: '10.0.0.1', databaseName: 'B', mode: 'ms-cdc', secret: PG_SECRET, facts: { ...facts, sysadmin: true } });
    new SqlServerSourceEndpoint(stack, 'b', { component: 'b', serverAddress: 'b.rds.amazonaws.com', databaseName: 'B', mode: 'ms-cdc', secret: PG_SECRET, facts: { ...facts, hosting: 'rds' } });
    expect(all(synth(stack), 'aws_dms_endpoint').map((e) => e.extra_connection_attributes)).toEqual(['ignoreMsReplicationEnablement=true;', 'ignoreMsReplicationEnablement=true;']);
  });

  test('fails when readBackupOnly is asked for an RDS source (DMS guide: it does not work there, and needs sysadmin)', () => {
    expect(
      () =>
        new SqlServerSourceEndpoint(newStack(), 'src', {
          component: 'l',
          serverAddress: 'b.rds.amazonaws.com',
          databaseName: 'B',
          mode: 'ms-cdc',
          options: { readBackupOnly: true },
          facts: { edition: 'standard', hosting: 'rds', continuous: true, tablesWithoutPrimaryKey: true },
        }),
    ).toThrow('test/src: options.readBackupOnly does not work on a rds source');
  });

  test('fails when readBackupOnly is asked for a login without sysadmin', () => {
    expect(() => new SqlServerSourceEndpoint(newStack(), 'src', { component: 'l', serverAddress: '10.0.0.1', databaseName: 'B', mode: 'ms-cdc', options: { readBackupOnly: true } })).toThrow(
      'test/src: options.readBackupOnly requires a sysadmin DMS login',
    );
  });

  test('user attributes are appended to the mode attributes', () => {
    const stack = newStack();
    new SqlServerSourceEndpoint(stack, 'src', { component: 'l', serverAddress: '10.0.0.1', databaseName: 'B', mode: 'ms-cdc', secret: PG_SECRET, extraConnectionAttributes: 'multiSubnetFailover=true;' });
    expect(one(synth(stack), 'aws_dms_endpoint').extra_connection_attributes).toBe('enableNonSysadminWrapper=true;ignoreMsReplicationEnablement=true;multiSubnetFailover=true;');
  });

  test('fails when an on-premises source is given by name (playbook: by IP)', () => {
    expect(() => new SqlServerSourceEndpoint(newStack(), 'src', { component: 'l', serverAddress: 'sql01.corp.local', databaseName: 'B', mode: 'ms-cdc' })).toThrow(
      'test/src: serverAddress "sql01.corp.local" is a name; an on-premises source is reached by IP over the VPN',
    );
  });

  test('accepts a host name for an RDS source (it goes into the secret, not beside it)', () => {
    const stack = newStack();
    const ep = new SqlServerSourceEndpoint(stack, 'src', {
      component: 'l',
      serverAddress: 'billing.abc.eu-west-2.rds.amazonaws.com',
      databaseName: 'B',
      mode: 'ms-cdc',
      facts: { edition: 'standard', hosting: 'rds', continuous: true, tablesWithoutPrimaryKey: true },
    });
    expect(ep.serverName).toBe('billing.abc.eu-west-2.rds.amazonaws.com');
    expect(ep.createdSecret!.putSecretValueCommand).toContain(`"host":"billing.abc.eu-west-2.rds.amazonaws.com","port":1433}`);
    expect(one(synth(stack), 'aws_dms_endpoint')).not.toHaveProperty('server_name');
  });

  test('fails when the mode is impossible for the facts (CDC on Express)', () => {
    expect(
      () =>
        new SqlServerSourceEndpoint(newStack(), 'src', {
          component: 'l',
          serverAddress: '10.0.0.1',
          databaseName: 'B',
          mode: 'ms-cdc',
          facts: { edition: 'express', continuous: true, tablesWithoutPrimaryKey: false },
        }),
    ).toThrow("test/src: mode 'ms-cdc' is impossible: SQL Server Express has no CDC");
  });

  test('fails when the mode is not one of the three', () => {
    expect(() => new SqlServerSourceEndpoint(newStack(), 'src', { component: 'l', serverAddress: '10.0.0.1', databaseName: 'B', mode: 'cdc' as 'ms-cdc' })).toThrow(
      'test/src: mode "cdc" is not one of ms-cdc, ms-replication, full-load-only.',
    );
  });

  test('fails when DMS is asked to set up CDC without sysadmin', () => {
    expect(
      () =>
        new SqlServerSourceEndpoint(newStack(), 'src', {
          component: 'l',
          serverAddress: '10.0.0.1',
          databaseName: 'B',
          mode: 'ms-cdc',
          options: { setUpMsCdcForTables: true },
          facts: { edition: 'enterprise', continuous: true, tablesWithoutPrimaryKey: true, sysadmin: false },
        }),
    ).toThrow('options.setUpMsCdcForTables lets DMS enable MS-CDC itself, which needs a sysadmin login');
  });
});

describe('Postgres target from a database object', () => {
  const db = (stack: ReturnType<typeof newStack>) => ({
    address: 'app.abc.eu-west-2.rds.amazonaws.com',
    port: 5432,
    databaseName: 'app',
    masterSecretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:master',
    secretKmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/db',
    appUserSecretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:app',
    connections: new Connections(stack, { securityGroupId: 'sg-db', defaultPort: 5432, description: 'postgres app' }),
  });

  test('admits the replication instance on the DB port by security group (the rule the playbook left manual)', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 's', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database: db(stack), useAppUserSecret: true });
    new DmsReplicationTask(stack, 'task', { component: 't', instance, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }) });
    const out = synth(stack);
    const ingress = all(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-db');
    expect(ingress).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp', referenced_security_group_id: expect.stringContaining('aws_security_group') });
    expect(ingress).not.toHaveProperty('cidr_ipv4');
    const pg = all(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'postgres')!;
    expect(pg).toMatchObject({ database_name: 'app', secrets_manager_arn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:app' });
    expect(pg).not.toHaveProperty('server_name');
  });

  test('logs in with the app-user secret by default (the master secret is RDS-managed: no host or port in it)', () => {
    const stack = newStack();
    new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database: db(stack) });
    const out = synth(stack);
    expect(one(out, 'aws_dms_endpoint').secrets_manager_arn).toBe('arn:aws:secretsmanager:eu-west-2:123456789012:secret:app');
    const read = statements(out).filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(read.map((s) => s.Resource)).toEqual(['arn:aws:secretsmanager:eu-west-2:123456789012:secret:app']);
  });

  test('fails when the database has no app user: DMS would get the RDS-managed master secret', () => {
    const stack = newStack();
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database: { ...db(stack), appUserSecretArn: undefined } })).toThrow(
      `test/pg: the database has no app-user secret, and the database's master secret is RDS-managed: it holds only username and password, and DMS takes the host and port from the endpoint's secret (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html); set appUser (authentication "password") on the PrivatePostgres so DMS logs in with the app-user secret, or pass secret: a login secret with username, password, host and port.`,
    );
  });

  test('fails when useAppUserSecret: false asks for the master secret', () => {
    const stack = newStack();
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database: db(stack), useAppUserSecret: false })).toThrow(
      "test/pg: useAppUserSecret: false would have DMS log in with the master secret, but the database's master secret is RDS-managed",
    );
  });

  test('fails when the master secret is passed as secret', () => {
    const stack = newStack();
    const database = db(stack);
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database, secret: { secretArn: database.masterSecretArn } })).toThrow(
      "test/pg: secret is the database's master secret is RDS-managed",
    );
  });

  test('fails when the app-user secret is asked but the database has none', () => {
    const stack = newStack();
    expect(() => new PostgresTargetEndpoint(stack, 'pg', { component: 'app', database: { ...db(stack), appUserSecretArn: undefined }, useAppUserSecret: true })).toThrow(
      'test/pg: useAppUserSecret is set but the database has no app user',
    );
  });

  test('fails when neither a database nor server details are given', () => {
    expect(() => new PostgresTargetEndpoint(newStack(), 'pg', { component: 'app' })).toThrow('test/pg: pass database (a PrivatePostgres), or serverName, databaseName and secret.');
  });
});

describe('S3 and Kinesis endpoints', () => {
  test('S3 target: aws_dms_s3_endpoint, parquet, CDC path, date partitions, SSE-KMS, scoped role', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET, folder: 'raw/retail/' });
    const out = synth(stack);
    expect(out.resource.aws_dms_endpoint).toBeUndefined();
    expect(one(out, 'aws_dms_s3_endpoint')).toMatchObject({
      endpoint_type: 'target',
      bucket_name: 'demo-lake',
      bucket_folder: 'raw/retail',
      data_format: 'parquet',
      parquet_version: 'parquet-2-0',
      cdc_path: 'cdc',
      date_partition_enabled: true,
      date_partition_sequence: 'YYYYMMDD',
      date_partition_delimiter: 'SLASH',
      encryption_mode: 'SSE_KMS',
      server_side_encryption_kms_key_id: BUCKET.kmsKeyArn,
      include_op_for_full_load: true,
      timestamp_column_name: 'dms_commit_ts',
    });
    expect(statements(out)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'WriteOutput', Resource: 'arn:aws:s3:::demo-lake/raw/retail/*' }),
        expect.objectContaining({ Sid: 'EncryptOutput', Resource: BUCKET.kmsKeyArn }),
      ]),
    );
  });

  test('S3 target date partitions are UTC without DatePartitionTimezone; a zone must be Area/Location (S3Settings)', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 'utc', { component: 'lake', bucket: BUCKET });
    new S3TargetEndpoint(stack, 'london', { component: 'lake2', bucket: BUCKET, datePartitioning: { timezone: 'Europe/London' } });
    const endpoints = all(synth(stack), 'aws_dms_s3_endpoint');
    const utc = endpoints.find((e) => e.endpoint_id === 'demo-staging-lake-target')!;
    const london = endpoints.find((e) => e.endpoint_id === 'demo-staging-lake2-target')!;
    expect(utc).not.toHaveProperty('date_partition_timezone');
    expect(london.date_partition_timezone).toBe('Europe/London');
    expect(() => new S3TargetEndpoint(stack, 'bad', { component: 'lake3', bucket: BUCKET, datePartitioning: { timezone: 'UTC' } })).toThrow(
      'test/bad: datePartitioning.timezone "UTC" is not in the Area/Location format DMS documents for DatePartitionTimezone',
    );
  });

  test('S3 target in CSV: header row and GZIP; partitioning can be turned off', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET, format: 'csv', datePartitioning: false });
    expect(one(synth(stack), 'aws_dms_s3_endpoint')).toMatchObject({ data_format: 'csv', add_column_name: true, compression_type: 'GZIP', date_partition_enabled: false });
  });

  test('fails when the S3 target folder is empty', () => {
    expect(() => new S3TargetEndpoint(newStack(), 's3', { component: 'lake', bucket: BUCKET, folder: '/' })).toThrow('test/s3: folder is empty');
  });

  test('S3 source carries the typed external table definition and a read-only role', () => {
    const stack = newStack();
    const ep = new S3SourceEndpoint(stack, 'src', {
      component: 'export',
      bucket: BUCKET,
      folder: 'exports',
      cdcPath: 'exports/changes',
      tables: [{ owner: 'ledger', name: 'accounts', path: 'accounts', columns: [{ name: 'id', type: 'INT8', primaryKey: true }] }],
    });
    const out = synth(stack);
    const s3 = one(out, 'aws_dms_s3_endpoint');
    expect(s3).toMatchObject({ endpoint_type: 'source', bucket_folder: 'exports', cdc_path: 'exports/changes', ignore_header_rows: 1 });
    expect(JSON.parse(s3.external_table_definition)).toEqual(JSON.parse(ep.tableDefinitionJson));
    const actions = statements(out).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).not.toContain('s3:PutObject');
  });

  test('fails when an S3 source column lacks its length', () => {
    expect(
      () => new S3SourceEndpoint(newStack(), 'src', { component: 'e', bucket: BUCKET, tables: [{ owner: 'a', name: 't', path: 'p', columns: [{ name: 'c', type: 'STRING' }] }] }),
    ).toThrow('test/src: column a.t.c is STRING and needs a length.');
  });

  test('Kinesis target: JSON records with control and transaction details, scoped role', () => {
    const stack = newStack();
    new KinesisTargetEndpoint(stack, 'k', { component: 'changes', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/k' } });
    const out = synth(stack);
    const ep = one(out, 'aws_dms_endpoint');
    expect(ep.engine_name).toBe('kinesis');
    expect(ep.kinesis_settings).toMatchObject({
      stream_arn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes',
      message_format: 'json',
      include_control_details: true,
      include_transaction_details: true,
      include_partition_value: true,
      partition_include_schema_table: true,
      include_table_alter_operations: true,
      // Without it DMS casts integers to doubles: bigint keys above 2^53 arrive rounded.
      use_large_integer_value: true,
    });
    expect(ep).not.toHaveProperty('ssl_mode');
    expect(statements(out)).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: ['kinesis:DescribeStream', 'kinesis:PutRecord', 'kinesis:PutRecords'], Resource: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes' })]),
    );
  });

  test('fails when a Kinesis target runs on an engine older than 3.5.4 (no large integers there)', () => {
    const stack = newStack();
    const old = DmsReplicationInstance.fromExisting(stack, 'old', { replicationInstanceArn: 'arn', replicationInstanceId: 'old', securityGroupId: 'sg', engineVersion: '3.5.3' });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 's', serverName: 'h', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new KinesisTargetEndpoint(stack, 'k', { component: 'changes', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes' } });
    expect(() => new DmsReplicationTask(stack, 'task', { component: 't', instance: old, source, target, migrationType: 'cdc', tableMappings: new TableMappings().include({ schema: 'retail' }) })).toThrow(
      'test/task: the Kinesis target writes integers of up to 18 digits as integers (use_large_integer_value), which needs replication engine 3.5.4 or later; the instance runs 3.5.3. Raise engineVersion.',
    );
  });
});
