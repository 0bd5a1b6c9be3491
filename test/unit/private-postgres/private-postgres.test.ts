import { Construct } from 'constructs';
import { Connections, IConnectable, newSecurityGroup, ServiceRole, TerraformOutput } from '../../../modules/core';
import { estimateMaxConnections, PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { PrivateNetwork } from '../../../modules/network';
import { onlyResource, policyStatements, resources, synthJson, SynthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

function build(props: Partial<PrivatePostgresProps> = {}, production = false) {
  const stack = testStack({ production });
  const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...props });
  return { stack, db, json: () => synthJson(stack) };
}

describe('PrivatePostgres defaults', () => {
  test('the subnet group is gated at plan time on every subnet mapping no public IPs', () => {
    const json = build().json();
    const lookups = Object.keys(json.data!.aws_subnet);
    expect(lookups).toHaveLength(2);
    expect(onlyResource(json, 'aws_db_subnet_group').lifecycle.precondition.map((p: { condition: string }) => p.condition)).toEqual(lookups.map((name) => `\${data.aws_subnet.${name}.map_public_ip_on_launch == false}`));
  });

  test('private, encrypted, TLS-only, RDS-managed password, IAM auth, logs exported', () => {
    const json = build().json();
    const instance = onlyResource(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      engine: 'postgres',
      engine_version: '17',
      publicly_accessible: false,
      storage_encrypted: true,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      copy_tags_to_snapshot: true,
      auto_minor_version_upgrade: true,
      backup_retention_period: 7,
      port: 5432,
    });
    expect(instance.password).toBeUndefined();
    expect(instance.kms_key_id).toMatch(/aws_kms_key\.db_key/);
    expect(instance.db_subnet_group_name).toMatch(/aws_db_subnet_group/);
    expect(instance.parameter_group_name).toMatch(/aws_db_parameter_group/);
    const pg = onlyResource(json, 'aws_db_parameter_group');
    expect(pg.family).toBe('postgres17');
    expect(pg.lifecycle).toEqual({ create_before_destroy: true });
    expect(pg.parameter).toContainEqual({ name: 'rds.force_ssl', value: '1', apply_method: 'immediate' });
    expect(pg.parameter.map((p: any) => p.name)).not.toContain('rds.logical_replication');
    expect(onlyResource(json, 'aws_db_subnet_group').subnet_ids).toEqual(['subnet-aaaa', 'subnet-bbbb']);
  });

  test('its security group has no rules until something is admitted', () => {
    const json = build().json();
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    const sg = onlyResource(json, 'aws_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.description).toMatch(/clients admitted by security group/);
  });

  test('non-production preset: single AZ, no deletion protection, no final snapshot, still private and encrypted', () => {
    const instance = onlyResource(build().json(), 'aws_db_instance');
    expect(instance).toMatchObject({ multi_az: false, deletion_protection: false, skip_final_snapshot: true, monitoring_interval: 0, instance_class: 'db.t4g.medium' });
  });

  test('production preset: multi-AZ, deletion protection, final snapshot, 14-day backups, enhanced monitoring', () => {
    const json = build({}, true).json();
    const instance = onlyResource(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'demo-prod-db-final',
      backup_retention_period: 14,
      monitoring_interval: 60,
      performance_insights_enabled: true,
      instance_class: 'db.m7g.large',
    });
    const role = resources(json, 'aws_iam_role').find((r) => r.name === 'demo-prod-db-monitoring')!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Service).toBe('monitoring.rds.amazonaws.com');
    expect(resources(json, 'aws_cloudwatch_log_group').map((g) => g.retention_in_days)).toEqual([365, 365]);
  });

  test('logical replication for DMS sources is a static parameter', () => {
    const pg = onlyResource(build({ logicalReplication: true }).json(), 'aws_db_parameter_group');
    expect(pg.parameter).toContainEqual({ name: 'rds.logical_replication', value: '1', apply_method: 'pending-reboot' });
  });
});

describe('PrivatePostgres parameter apply methods (RDS accepts immediate only for dynamic parameters)', () => {
  const parameterNamed = (json: ReturnType<typeof synthJson>, type: string, name: string) =>
    onlyResource(json, type).parameter.find((p: any) => p.name === name);

  test.each(['shared_buffers', 'max_replication_slots', 'max_wal_senders', 'max_worker_processes', 'max_connections', 'shared_preload_libraries'])(
    'static parameter %s given as a plain value is applied at the next reboot',
    (name) => {
      const json = build({ parameters: { [name]: '16' } }).json();
      expect(parameterNamed(json, 'aws_db_parameter_group', name)).toEqual({ name, value: '16', apply_method: 'pending-reboot' });
    },
  );

  test('a plain caller parameter defaults to pending-reboot even when it is dynamic; the caller can choose immediate', () => {
    const json = build({ parameters: { work_mem: '65536', maintenance_work_mem: { value: '262144', applyMethod: 'immediate' }, temp_buffers: { value: '2048' } } }).json();
    expect(parameterNamed(json, 'aws_db_parameter_group', 'work_mem')).toEqual({ name: 'work_mem', value: '65536', apply_method: 'pending-reboot' });
    expect(parameterNamed(json, 'aws_db_parameter_group', 'maintenance_work_mem')).toEqual({ name: 'maintenance_work_mem', value: '262144', apply_method: 'immediate' });
    expect(parameterNamed(json, 'aws_db_parameter_group', 'temp_buffers')).toEqual({ name: 'temp_buffers', value: '2048', apply_method: 'pending-reboot' });
  });

  test.each([
    ['rds.force_ssl', '1'],
    ['log_connections', '1'],
    ['log_disconnections', '1'],
    ['log_lock_waits', '1'],
    ['log_min_duration_statement', '5000'],
    ['log_statement', 'ddl'],
  ])('module default %s (dynamic in the RDS parameter list) stays immediate', (name, value) => {
    const json = build().json();
    expect(parameterNamed(json, 'aws_db_parameter_group', name)).toEqual({ name, value, apply_method: 'immediate' });
  });

  test('a caller may override a module logging default; it then follows the caller default', () => {
    const json = build({ parameters: { log_min_duration_statement: '1000' } }).json();
    const all = onlyResource(json, 'aws_db_parameter_group').parameter.filter((p: any) => p.name === 'log_min_duration_statement');
    expect(all).toEqual([{ name: 'log_min_duration_statement', value: '1000', apply_method: 'pending-reboot' }]);
  });

  test('Aurora: the cluster parameter group follows the same rules', () => {
    const json = build({ engine: 'aurora-postgresql', logicalReplication: true, parameters: { max_wal_senders: '20', work_mem: { value: '8192', applyMethod: 'immediate' } } }).json();
    const type = 'aws_rds_cluster_parameter_group';
    expect(parameterNamed(json, type, 'max_wal_senders')).toEqual({ name: 'max_wal_senders', value: '20', apply_method: 'pending-reboot' });
    expect(parameterNamed(json, type, 'work_mem')).toEqual({ name: 'work_mem', value: '8192', apply_method: 'immediate' });
    expect(parameterNamed(json, type, 'rds.logical_replication')).toEqual({ name: 'rds.logical_replication', value: '1', apply_method: 'pending-reboot' });
    expect(parameterNamed(json, type, 'rds.force_ssl')).toEqual({ name: 'rds.force_ssl', value: '1', apply_method: 'immediate' });
  });

  test.each(['shared_buffers', 'max_replication_slots', 'max_wal_senders', 'max_worker_processes'])('fails when static parameter %s asks for immediate', (name) => {
    expect(() => build({ parameters: { [name]: { value: '10', applyMethod: 'immediate' } } })).toThrow(
      new RegExp(`^test/db: parameter ${name.replace('.', '\\.')} is static: RDS refuses applyMethod "immediate" for it\\. Pass it as a plain value`),
    );
  });

  test('fails when the apply method is not one RDS knows', () => {
    expect(() => build({ parameters: { work_mem: { value: '1', applyMethod: 'later' as never } } })).toThrow(/parameter work_mem: applyMethod "later" is not one of "immediate", "pending-reboot"/);
  });
});

describe('PrivatePostgres Aurora variant', () => {
  test('cluster with TLS cluster parameters, managed password, one writer outside production', () => {
    const json = build({ engine: 'aurora-postgresql', engineVersion: '16' }).json();
    const cluster = onlyResource(json, 'aws_rds_cluster');
    expect(cluster).toMatchObject({ engine: 'aurora-postgresql', storage_encrypted: true, manage_master_user_password: true, iam_database_authentication_enabled: true, backup_retention_period: 7 });
    expect(onlyResource(json, 'aws_rds_cluster_parameter_group')).toMatchObject({ family: 'aurora-postgresql16' });
    expect(resources(json, 'aws_rds_cluster_instance')).toHaveLength(1);
    expect(resources(json, 'aws_db_instance')).toHaveLength(0);
  });

  test('production: writer and reader, deletion protection', () => {
    const json = build({ engine: 'aurora-postgresql' }, true).json();
    expect(onlyResource(json, 'aws_rds_cluster')).toMatchObject({ deletion_protection: true, skip_final_snapshot: false });
    expect(resources(json, 'aws_rds_cluster_instance')).toHaveLength(2);
  });
});

class Client extends Construct implements IConnectable {
  readonly connections: Connections;
  readonly role: ServiceRole;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const sg = newSecurityGroup(this, 'sg', { name: id, description: id, vpcId: 'vpc-1' });
    this.connections = new Connections(this, { securityGroupId: sg.id, description: id });
    this.role = new ServiceRole(this, 'role', { name: id, servicePrincipal: 'lambda.amazonaws.com', description: id });
  }
  get grantPrincipal() {
    return this.role;
  }
}

describe('PrivatePostgres handles', () => {
  test('connections admit a client on 5432 by security group', () => {
    const { stack, db, json } = build();
    const client = new Client(stack, 'loader');
    db.connections.allowDefaultPortFrom(client);
    new TerraformOutput(stack, 'sg', { value: db.securityGroupId });
    const out = json();
    const rule = onlyResource(out, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(rule.referenced_security_group_id).toMatch(/loader_sg/);
    expect(rule.security_group_id).toMatch(/db_sg/);
    expect(out.output!.sg.value).toBe(rule.security_group_id);
  });

  test('grantSecretRead and grantConnect write scoped statements', () => {
    const { stack, db, json } = build();
    const client = new Client(stack, 'loader');
    db.grantSecretRead(client);
    db.grantConnect(client, 'reporting');
    const statements = policyStatements(json());
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: expect.stringMatching(/master_user_secret\[0\]\.secret_arn/) }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: expect.stringMatching(/aws_kms_key\.db_key/) }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'rds-db:connect', Resource: expect.stringMatching(/:dbuser:\$\{aws_db_instance\.db_instance_\w+\.resource_id\}\/reporting$/) }));
  });

  test('an app user gets a KMS-encrypted secret written write-only, with no literal password', () => {
    const { db, json } = build({ appUser: { username: 'loader' } });
    const out = json();
    const secret = onlyResource(out, 'aws_secretsmanager_secret');
    expect(secret.kms_key_id).toMatch(/aws_kms_key/);
    const version = onlyResource(out, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(/data\.aws_secretsmanager_random_password/);
    expect(db.clientSecretArn).toBe(db.appUserSecretArn);
  });

  test('enableS3Import: role trusted by RDS for this database, associated as s3Import, gateway endpoint added', () => {
    const { db, json } = build();
    db.enableS3Import('arn:aws:s3:::landing', undefined, ['people/']);
    const out = json();
    expect(onlyResource(out, 'aws_db_instance_role_association')).toMatchObject({ feature_name: 's3Import' });
    const role = resources(out, 'aws_iam_role').find((r) => r.name === 'demo-staging-db-s3-import')!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal.Service).toBe('rds.amazonaws.com');
    expect(trust.Condition.StringEquals['aws:SourceArn']).toMatch(/aws_db_instance\.db_instance/);
    expect(policyStatements(out)).toContainEqual({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: 'arn:aws:s3:::landing/people/*' });
    expect(onlyResource(out, 'aws_vpc_endpoint')).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-aaaa', 'rtb-bbbb'] });
  });

  test('enableS3Import skips the endpoint when the network has one', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: { ...TWO_AZ_NETWORK, s3GatewayEndpointId: 'vpce-1' }, databaseName: 'app' });
    db.enableS3Import('arn:aws:s3:::landing');
    expect(resources(synthJson(stack), 'aws_vpc_endpoint')).toHaveLength(0);
  });

  test('enableS3Import lets the database security group reach S3 on 443 through the created endpoint\'s prefix list', () => {
    const { db, json } = build();
    db.enableS3Import('arn:aws:s3:::landing');
    db.enableS3Import('arn:aws:s3:::other');
    const egress = resources(json(), 'aws_vpc_security_group_egress_rule').filter((r) => r.prefix_list_id !== undefined);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443, description: expect.stringMatching(/^HTTPS to S3/) });
    expect(egress[0].security_group_id).toMatch(/^\$\{aws_security_group\.db_sg_\w+\.id\}$/);
    expect(egress[0].prefix_list_id).toMatch(/^\$\{aws_vpc_endpoint\.db_s3-gateway_\w+\.prefix_list_id\}$/);
    expect(egress[0].cidr_ipv4).toBeUndefined();
  });

  test('enableS3Import with the network\'s own endpoint uses the region\'s S3 managed prefix list', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: { ...TWO_AZ_NETWORK, s3GatewayEndpointId: 'vpce-1' }, databaseName: 'app' });
    db.enableS3Import('arn:aws:s3:::landing');
    const out = synthJson(stack);
    const list = Object.entries(out.data!.aws_ec2_managed_prefix_list);
    expect(list).toHaveLength(1);
    expect(list[0][1]).toMatchObject({ name: 'com.amazonaws.eu-west-2.s3' });
    const egress = resources(out, 'aws_vpc_security_group_egress_rule').find((r) => r.prefix_list_id !== undefined)!;
    expect(egress).toMatchObject({ from_port: 443, to_port: 443, prefix_list_id: `\${data.aws_ec2_managed_prefix_list.${list[0][0]}.id}` });
    expect(egress.security_group_id).toMatch(/aws_security_group\.db_sg/);
  });

  test('without S3 import the database security group has no S3 egress', () => {
    expect(resources(build().json(), 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
  });

  test('connection budget follows the instance class', () => {
    expect(estimateMaxConnections('db.t4g.micro')).toBe(101);
    expect(estimateMaxConnections('db.r7g.large')).toBeGreaterThan(estimateMaxConnections('db.m7g.large'));
    expect(estimateMaxConnections('db.r7g.16xlarge')).toBe(5000);
    expect(build().db.connectionBudget).toBe(estimateMaxConnections('db.t4g.medium'));
  });
});

describe('PrivatePostgres validation', () => {
  test.each<[string, Partial<PrivatePostgresProps>, RegExp]>([
    ['the database name is not an identifier', { databaseName: 'My-DB' }, /databaseName "My-DB" must be lower-case/],
    ['the engine version is not a supported major', { engineVersion: '11.22' }, /engineVersion "11.22" is not a supported PostgreSQL major/],
    ['backups are shorter than 7 days', { backupRetentionDays: 3 }, /backupRetentionDays must be an integer from 7 to 35, got 3/],
    ['the monitoring interval is not allowed', { enhancedMonitoringIntervalSeconds: 7 }, /enhancedMonitoringIntervalSeconds must be one of/],
    ['rds.force_ssl is overridden', { parameters: { 'rds.force_ssl': '0' } }, /parameter rds.force_ssl is managed by the module/],
    ['the app user is a reserved name', { appUser: { username: 'postgres' } }, /appUser.username "postgres"/],
    ['subnets share one AZ', { network: { vpcId: 'v', privateSubnets: [{ id: 'a', availabilityZone: 'eu-west-2a' }, { id: 'b', availabilityZone: 'eu-west-2a' }] } }, /subnets must span >= 2 availability zones/],
    ['autoscaling ceiling is below the storage', { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 }, /maxAllocatedStorageGiB must be >= allocatedStorageGiB/],
  ])('fails when %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('fails when production turns off multi-AZ or deletion protection', () => {
    expect(() => build({ multiAz: false }, true)).toThrow(/multiAz cannot be false in production/);
    expect(() => build({ deletionProtection: false }, true)).toThrow(/deletionProtection cannot be false in production/);
  });

  test('fails when S3 import has no route to S3', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: { vpcId: 'v', privateSubnets: TWO_AZ_NETWORK.privateSubnets }, databaseName: 'app' });
    expect(() => db.enableS3Import('arn:aws:s3:::b')).toThrow(/enableS3Import needs a route to S3/);
  });

  test('the error names the construct path', () => {
    expect(() => build({ databaseName: 'X' })).toThrow(/^test\/db: /);
  });
});

describe('PrivatePostgres bootstrap', () => {
  test('an app user and S3 import are applied at deploy time by the bootstrap Lambda, admitted to the database', () => {
    const { db, json } = build({ appUser: { username: 'loader', schemas: ['landing'] } });
    db.enableS3Import('arn:aws:s3:::landing');
    const out = json();
    const invocation = onlyResource(out, 'aws_lambda_invocation');
    const plan = JSON.parse(invocation.input);
    expect(plan).toEqual({
      users: [{ username: 'loader', secretArn: expect.stringMatching(/aws_secretsmanager_secret\.db_app-user-secret/), iam: false, schemas: ['landing'] }],
      extensions: ['aws_s3'],
    });
    expect(invocation.triggers.plan).toBe(invocation.input);
    const fn = resources(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-db-bootstrap')!;
    expect(fn.environment.variables.DB_SECRET_ARN).toMatch(/master_user_secret\[0\]\.secret_arn/);
    expect(fn.reserved_concurrent_executions).toBe(1);
    expect(fn.vpc_config).toBeDefined();
    const ingress = resources(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.from_port === 5432)!;
    expect(ingress.referenced_security_group_id).toMatch(/bootstrap_function_sg/);
    expect(JSON.stringify(out)).not.toMatch(/"password"\s*:/);
  });

  test('no bootstrap is created when nothing needs one', () => {
    expect(resources(build().json(), 'aws_lambda_function')).toHaveLength(0);
  });
});

describe('PrivatePostgres app secret rotation', () => {
  test('the app secret rotates every 30 days through a VPC Lambda invoked only by Secrets Manager for that secret', () => {
    const out = build({ appUser: { username: 'loader' } }).json();
    const rotation = onlyResource(out, 'aws_secretsmanager_secret_rotation');
    expect(rotation).toMatchObject({ rotation_rules: { automatically_after_days: 30 }, rotate_immediately: false });
    expect(rotation.depends_on.join(' ')).toMatch(/aws_lambda_invocation\.db_bootstrap_apply/);
    const fn = resources(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-db-secret-rotation')!;
    expect(fn.environment.variables).toMatchObject({ PGDATABASE: 'app', PGSSLMODE: 'verify-full' });
    expect(fn.environment.variables.PGHOST).toMatch(/aws_db_instance\.db_instance_\w+\.address/);
    const permission = onlyResource(out, 'aws_lambda_permission');
    expect(permission.principal).toBe('secretsmanager.amazonaws.com');
    expect(permission.source_arn).toMatch(/aws_secretsmanager_secret\.db_app-user-secret/);
    expect(permission.source_account).toMatch(/aws_caller_identity/);
    expect(policyStatements(out)).toContainEqual(expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: expect.stringMatching(/aws_secretsmanager_secret\.db_app-user-secret/),
    }));
  });

  test('the rotation Lambda\'s rules read from the Lambda to the database, on both sides (not "To secret rotation Lambda")', () => {
    const out = build({ appUser: { username: 'loader' } }).json();
    const rules = [...resources(out, 'aws_vpc_security_group_ingress_rule'), ...resources(out, 'aws_vpc_security_group_egress_rule')].filter(
      (r) => r.from_port === 5432 && [r.security_group_id, r.referenced_security_group_id].some((g) => /app-user-rotation_sg/.test(g)),
    );
    expect(rules.map((r) => r.description)).toEqual([
      'From Lambda demo-staging-db-secret-rotation to PostgreSQL demo-staging-db: rotates the password of loader',
      'From Lambda demo-staging-db-secret-rotation to PostgreSQL demo-staging-db: rotates the password of loader',
    ]);
  });

  test('the rotation role holds exactly what single-user rotation needs, each on its own resource', () => {
    const out = build({ appUser: { username: 'loader' } }).json();
    /** The `${type.name}` of the only resource of `type` whose name starts with `prefix`. */
    const ref = (type: string, prefix: string) => {
      const names = Object.keys(out.resource[type] ?? {}).filter((n) => n.startsWith(prefix));
      expect(names).toHaveLength(1);
      return `${type}.${names[0]}`;
    };
    const policy = resources(out, 'aws_iam_role_policy').find((p) => p.role === `\${${ref('aws_iam_role', 'db_app-user-rotation_role')}.id}`)!;
    const key = `\${${ref('aws_kms_key', 'db_key')}.arn}`;
    // Secrets Manager's single-user rotation function needs these on the secret, GetRandomPassword on "*" and the
    // key for the new version (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html).
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${${ref('aws_cloudwatch_log_group', 'db_app-user-rotation_logs')}.arn}:*` },
        { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        {
          Sid: 'VpcNetworkInterfaces',
          Effect: 'Allow',
          Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          Resource: '*',
        },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: `\${${ref('aws_db_instance', 'db_instance')}.master_user_secret[0].secret_arn}` },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
          Resource: `\${${ref('aws_secretsmanager_secret', 'db_app-user-secret')}.arn}`,
        },
        { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
        { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: key },
      ],
    });
    expect(resources(out, 'aws_iam_role_policy_attachment')).toHaveLength(0);
  });

  test('the rotation Lambda has reserved concurrency of at least 10 (Secrets Manager: lower values can throttle rotation)', () => {
    const out = build({ appUser: { username: 'loader' } }).json();
    const fn = resources(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-db-secret-rotation')!;
    expect(fn.reserved_concurrent_executions).toBeGreaterThanOrEqual(10);
  });

  test('rotation can be turned off for clients that cannot take a password change', () => {
    const out = build({ appUser: { username: 'dms_writer', rotation: false } }).json();
    expect(resources(out, 'aws_secretsmanager_secret_rotation')).toHaveLength(0);
    expect(resources(out, 'aws_secretsmanager_secret')).toHaveLength(1);
  });

  test('fails when the rotation period is out of range', () => {
    expect(() => build({ appUser: { username: 'loader', rotationDays: 0 } })).toThrow(/appUser.rotationDays must be an integer from 1 to 365/);
  });
});

describe('PrivatePostgres first-apply ordering (depends_on of apply-time calls into the VPC)', () => {
  /** `type.name` references of the resources of `type` matching `match`, as depends_on spells them. */
  const refs = (json: SynthJson, type: string, match: (r: Record<string, any>, name: string) => boolean = () => true) =>
    Object.entries(json.resource[type] ?? {})
      .filter(([name, r]) => match(r, name))
      .map(([name]) => `${type}.${name}`);
  const under = (path: string) => (_r: Record<string, any>, name: string) => name.startsWith(path);

  function stackWithNetwork(dbProps: Partial<PrivatePostgresProps> = {}) {
    const stack = testStack();
    const net = new PrivateNetwork(stack, 'network', { cidr: '10.40.0.0/16', availabilityZones: ['eu-west-2a', 'eu-west-2b'] });
    const db = new PrivatePostgres(stack, 'db', { network: net.ref, databaseName: 'app', appUser: { username: 'loader', schemas: ['landing'] }, ...dbProps });
    return { stack, db };
  }

  test('the bootstrap invocation waits for its policy, both sides of its security-group path, the VPC endpoints and the secret version it reads', () => {
    const { stack } = stackWithNetwork();
    const out = synthJson(stack);
    const dependsOn: string[] = onlyResource(out, 'aws_lambda_invocation').depends_on;
    const expected = [
      ...refs(out, 'aws_lambda_function', under('db_bootstrap_function')),
      ...refs(out, 'aws_iam_role_policy', under('db_bootstrap_function_role')),
      // its own rules: HTTPS egress, egress to the database, ingress on the API endpoints' group
      ...refs(out, 'aws_vpc_security_group_egress_rule', under('db_bootstrap_function')),
      ...refs(out, 'aws_vpc_security_group_ingress_rule', under('db_bootstrap_function')),
      // the database's ingress admitting it
      ...refs(out, 'aws_vpc_security_group_ingress_rule', (r) => /bootstrap_function_sg/.test(r.referenced_security_group_id) && /db_sg/.test(r.security_group_id)),
      // Secrets Manager and STS interface endpoints and the S3 gateway of the network
      ...refs(out, 'aws_vpc_endpoint'),
      ...refs(out, 'aws_secretsmanager_secret_version'),
    ];
    expect(refs(out, 'aws_vpc_endpoint')).toHaveLength(3);
    expect(refs(out, 'aws_vpc_security_group_egress_rule', under('db_bootstrap_function')).length).toBeGreaterThanOrEqual(2);
    expect(dependsOn).toEqual(expect.arrayContaining(expected));
    // The waited-for policy is the one with addUser's grant on the app user's secret.
    const [policyRef] = refs(out, 'aws_iam_role_policy', under('db_bootstrap_function_role'));
    const policy = out.resource.aws_iam_role_policy[policyRef.split('.')[1]];
    expect(JSON.parse(policy.policy).Statement).toContainEqual(expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: expect.stringMatching(/aws_secretsmanager_secret\.db_app-user-secret/) }));
  });

  test('grants, rules and endpoints added after the bootstrap exists are waited for too', () => {
    const stack = testStack();
    const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', appUser: { username: 'loader' } });
    db.bootstrap.addExtension('pgcrypto');
    db.enableS3Import('arn:aws:s3:::landing'); // adds a gateway endpoint and the database's S3 egress after the bootstrap
    const out = synthJson(stack);
    const dependsOn: string[] = onlyResource(out, 'aws_lambda_invocation').depends_on;
    expect(dependsOn).toEqual(expect.arrayContaining([
      ...refs(out, 'aws_vpc_endpoint', under('db_s3-gateway')),
      ...refs(out, 'aws_vpc_security_group_egress_rule', (r) => r.prefix_list_id !== undefined),
    ]));
    expect(refs(out, 'aws_vpc_endpoint', under('db_s3-gateway'))).toHaveLength(1);
  });

  test('the rotation set-up (which runs testSecret) waits for the function\'s permission, policy, rules, endpoints, the secret version and the bootstrap', () => {
    const { stack } = stackWithNetwork();
    const out = synthJson(stack);
    const dependsOn: string[] = onlyResource(out, 'aws_secretsmanager_secret_rotation').depends_on;
    const expected = [
      ...refs(out, 'aws_lambda_permission'),
      ...refs(out, 'aws_lambda_invocation'),
      ...refs(out, 'aws_iam_role_policy', under('db_app-user-rotation_role')),
      ...refs(out, 'aws_vpc_security_group_egress_rule', under('db_app-user-rotation')),
      ...refs(out, 'aws_vpc_security_group_ingress_rule', under('db_app-user-rotation')),
      ...refs(out, 'aws_vpc_security_group_ingress_rule', (r) => /app-user-rotation_sg/.test(r.referenced_security_group_id) && /db_sg/.test(r.security_group_id)),
      ...refs(out, 'aws_vpc_endpoint'),
      ...refs(out, 'aws_secretsmanager_secret_version'),
    ];
    expect(refs(out, 'aws_iam_role_policy', under('db_app-user-rotation_role'))).toHaveLength(1);
    expect(refs(out, 'aws_vpc_security_group_ingress_rule', (r) => /app-user-rotation_sg/.test(r.referenced_security_group_id) && /db_sg/.test(r.security_group_id))).toHaveLength(1);
    expect(dependsOn).toEqual(expect.arrayContaining(expected));
  });

  test('Aurora: the bootstrap still waits for the cluster instances', () => {
    const { stack } = stackWithNetwork({ engine: 'aurora-postgresql' });
    const out = synthJson(stack);
    expect(onlyResource(out, 'aws_lambda_invocation').depends_on).toEqual(expect.arrayContaining(refs(out, 'aws_rds_cluster_instance')));
  });

  test('depends_on names each resource once and never the resource itself', () => {
    const { stack } = stackWithNetwork();
    const out = synthJson(stack);
    for (const [type, self] of [['aws_lambda_invocation', onlyResource(out, 'aws_lambda_invocation')], ['aws_secretsmanager_secret_rotation', onlyResource(out, 'aws_secretsmanager_secret_rotation')]] as const) {
      const list: string[] = self.depends_on;
      expect(new Set(list).size).toBe(list.length);
      expect(list.some((d) => d.startsWith(`${type}.`))).toBe(false);
    }
  });
});
