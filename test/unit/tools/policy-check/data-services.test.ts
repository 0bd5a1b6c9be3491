import { cases, findingsOf, messagesOf, Resources, TOKEN, withAttrs } from './helpers';

describe('Kinesis, Neptune, Glue, Step Functions and log-group rules', () => {
  describe('KINESIS-ENCRYPT', () => {
    const stream = { name: 'cdc', encryption_type: 'KMS', kms_key_id: TOKEN, retention_period: 24 };
    const kinesis = (c: Record<string, unknown> = {}): Resources => ({ aws_kinesis_stream: { cdc: withAttrs(stream, c) } });

    test('passes a KMS-encrypted stream keeping a day of data', () => {
      expect(findingsOf('KINESIS-ENCRYPT', kinesis())).toEqual([]);
    });

    test.each(cases([
      ['KINESIS-ENCRYPT', { encryption_type: 'NONE' }, /encryption_type is "NONE"; must be "KMS"/],
      ['KINESIS-ENCRYPT', { encryption_type: undefined }, /encryption_type is absent/],
      ['KINESIS-ENCRYPT', { kms_key_id: undefined }, /kms_key_id is not set/],
      ['KINESIS-ENCRYPT', { retention_period: 12 }, /retention_period is 12; must be a literal number >= 24/],
      ['KINESIS-ENCRYPT', { retention_period: undefined }, /retention_period is absent/],
    ] as const))('%s fails when %s', (rule, _, c, message) => {
      expect(messagesOf(rule, kinesis(c))).toMatch(message);
    });

    test('an unencrypted stream is told to use KMS, not also to set a key; each finding says how to fix it', () => {
      expect(findingsOf('KINESIS-ENCRYPT', kinesis({ encryption_type: 'NONE', kms_key_id: undefined })).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'encryption_type is "NONE"; must be "KMS" -> set encryption_type = "KMS" and kms_key_id',
      ]);
      expect(findingsOf('KINESIS-ENCRYPT', kinesis({ kms_key_id: '', retention_period: 23 })).map((f) => f.fix)).toEqual([
        'set kms_key_id (a CMK, or "alias/aws/kinesis")',
        'set retention_period (hours) to 24 or more',
      ]);
    });
  });

  describe('NEPTUNE-BASELINE', () => {
    const cluster = {
      cluster_identifier: 'graph',
      storage_encrypted: true,
      kms_key_arn: TOKEN,
      iam_database_authentication_enabled: true,
      backup_retention_period: 7,
      enable_cloudwatch_logs_exports: ['audit'],
      iam_roles: ['${aws_iam_role.loader.arn}'],
      deletion_protection: true,
      neptune_cluster_parameter_group_name: '${aws_neptune_cluster_parameter_group.params.name}',
    };
    const neptune = (c: Record<string, unknown> = {}, audit = '1'): Resources => ({
      aws_neptune_cluster: { graph: withAttrs(cluster, c) },
      aws_neptune_cluster_parameter_group: { params: { family: 'neptune1.4', parameter: [{ name: 'neptune_enable_audit_log', value: audit }] } },
    });

    test('passes a compliant production cluster', () => {
      expect(findingsOf('NEPTUNE-BASELINE', neptune(), { production: true })).toEqual([]);
    });

    test.each(cases([
      ['NEPTUNE-BASELINE', { storage_encrypted: undefined }, /storage_encrypted is absent/],
      ['NEPTUNE-BASELINE', { iam_database_authentication_enabled: false }, /iam_database_authentication_enabled is false/],
      ['NEPTUNE-BASELINE', { backup_retention_period: 1 }, /backup_retention_period is 1/],
      ['NEPTUNE-BASELINE', { enable_cloudwatch_logs_exports: undefined }, /enable_cloudwatch_logs_exports is absent/],
      ['NEPTUNE-BASELINE', { iam_roles: [] }, /iam_roles is not set/],
      ['NEPTUNE-BASELINE', { deletion_protection: undefined }, /deletion_protection is absent/],
      ['NEPTUNE-BASELINE', { skip_final_snapshot: true }, /skip_final_snapshot is true in production/],
      ['NEPTUNE-BASELINE', { neptune_cluster_parameter_group_name: undefined }, /audit logs are exported but no created cluster parameter group is attached/],
    ] as const))('%s fails in production when %s', (rule, _, c, message) => {
      expect(messagesOf(rule, neptune(c), { production: true })).toMatch(message);
    });

    test('fails when the parameter group does not enable audit logs', () => {
      expect(messagesOf('NEPTUNE-BASELINE', neptune({}, '0'))).toMatch(/has neptune_enable_audit_log = "0"/);
    });

    test('deletion protection is required only in production', () => {
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ deletion_protection: false }))).toEqual([]);
    });

    test('skipping the final snapshot is allowed outside production, and "true" as a string counts in production', () => {
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ skip_final_snapshot: true }))).toEqual([]);
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ skip_final_snapshot: 'true' }), { production: true }).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'skip_final_snapshot is true in production -> set skip_final_snapshot = false with a final_snapshot_identifier',
      ]);
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ skip_final_snapshot: false }), { production: true })).toEqual([]);
    });

    test('audit must be among the exported logs; the parameter may be the number 1', () => {
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ enable_cloudwatch_logs_exports: ['slowquery', 'audit'] }, 1 as never))).toEqual([]);
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ enable_cloudwatch_logs_exports: ['slowquery'] })).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'enable_cloudwatch_logs_exports is ["slowquery"] -> set enable_cloudwatch_logs_exports = ["audit"]',
      ]);
    });

    test('a cluster that exports no audit logs is told to export them, not also that its group lacks the audit flag', () => {
      // The parameter-group finding is about exported logs that stay empty; without the export it would be a second,
      // misleading finding for the same fix.
      expect(findingsOf('NEPTUNE-BASELINE', neptune({ enable_cloudwatch_logs_exports: ['slowquery'] }, '0')).map((f) => f.message)).toEqual([
        'enable_cloudwatch_logs_exports is ["slowquery"]',
      ]);
    });

    test('an attached group without neptune_enable_audit_log is named, with the fix', () => {
      const resources: Resources = { ...neptune(), aws_neptune_cluster_parameter_group: { params: { family: 'neptune1.4', parameter: [{ name: 'neptune_query_timeout', value: '1' }] } } };
      expect(findingsOf('NEPTUNE-BASELINE', resources).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'audit logs are exported but aws_neptune_cluster_parameter_group.params has neptune_enable_audit_log = absent -> attach an aws_neptune_cluster_parameter_group with neptune_enable_audit_log = 1 (else nothing is exported)',
      ]);
    });

    test('each baseline finding says how to fix it', () => {
      const fixes = findingsOf('NEPTUNE-BASELINE', neptune({ storage_encrypted: false, iam_database_authentication_enabled: false, backup_retention_period: 1, iam_roles: undefined, deletion_protection: false }), { production: true }).map((f) => f.fix);
      expect(fixes).toEqual([
        'set storage_encrypted = true with kms_key_arn',
        'set iam_database_authentication_enabled = true (requests are SigV4-signed)',
        'set backup_retention_period to 7 days or more',
        'add the bulk-load role (S3 read) to iam_roles',
        'set deletion_protection = true in production',
      ]);
    });
  });

  describe('GLUE-SECURITY-CONFIG', () => {
    const config = {
      name: 'demo-staging-glue',
      encryption_configuration: {
        s3_encryption: { s3_encryption_mode: 'SSE-KMS', kms_key_arn: TOKEN },
        cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS', kms_key_arn: TOKEN },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: 'CSE-KMS', kms_key_arn: TOKEN },
      },
    };
    const glue = (jobAttrs: Record<string, unknown>, enc = config.encryption_configuration): Resources => ({
      aws_glue_job: { job: { name: 'extract', role_arn: 'x', command: { script_location: 's3://x/y.py' }, ...jobAttrs } },
      aws_glue_security_configuration: { sec: { ...config, encryption_configuration: enc } },
    });

    test('passes a job using a full security configuration', () => {
      expect(findingsOf('GLUE-SECURITY-CONFIG', glue({ security_configuration: '${aws_glue_security_configuration.sec.name}' }))).toEqual([]);
    });

    test('fails when security_configuration is absent', () => {
      expect(messagesOf('GLUE-SECURITY-CONFIG', glue({}))).toMatch(/aws_glue_job.job: security_configuration is not set/);
    });

    test('fails when the configuration leaves CloudWatch unencrypted', () => {
      const enc = { ...config.encryption_configuration, cloudwatch_encryption: { cloudwatch_encryption_mode: 'DISABLED' } } as never;
      expect(messagesOf('GLUE-SECURITY-CONFIG', glue({ security_configuration: '${aws_glue_security_configuration.sec.name}' }, enc))).toMatch(
        /aws_glue_security_configuration.sec has cloudwatch_encryption.cloudwatch_encryption_mode = "DISABLED"/,
      );
    });

    test('names each mode left off or absent, with the block to enable', () => {
      const enc = { s3_encryption: { s3_encryption_mode: 'DISABLED' }, cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS', kms_key_arn: TOKEN } } as never;
      expect(findingsOf('GLUE-SECURITY-CONFIG', glue({ security_configuration: '${aws_glue_security_configuration.sec.name}' }, enc)).map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'aws_glue_security_configuration.sec has s3_encryption.s3_encryption_mode = "DISABLED" -> enable s3_encryption with a KMS key',
        'aws_glue_security_configuration.sec has job_bookmarks_encryption.job_bookmarks_encryption_mode = absent -> enable job_bookmarks_encryption with a KMS key',
      ]);
    });

    test('a configuration without encryption_configuration fails on all three modes', () => {
      const resources: Resources = { ...glue({ security_configuration: '${aws_glue_security_configuration.sec.name}' }), aws_glue_security_configuration: { sec: { name: 'x' } } };
      expect(findingsOf('GLUE-SECURITY-CONFIG', resources)).toHaveLength(3);
    });

    test('a configuration not created in this stack cannot be read and is not judged', () => {
      expect(findingsOf('GLUE-SECURITY-CONFIG', glue({ security_configuration: 'shared-glue-config' }))).toEqual([]);
    });

    test('says how to add a missing security configuration', () => {
      expect(findingsOf('GLUE-SECURITY-CONFIG', glue({}))[0].fix).toBe(
        'create an aws_glue_security_configuration (S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS) and set security_configuration',
      );
    });

    test('crawlers are checked too', () => {
      expect(messagesOf('GLUE-SECURITY-CONFIG', { aws_glue_crawler: { c: { name: 'c', role: 'r', database_name: 'd' } } })).toMatch(/aws_glue_crawler.c: security_configuration is not set/);
    });
  });

  describe('GLUE-CONNECTION-TLS', () => {
    const jdbc = { JDBC_CONNECTION_URL: 'jdbc:mysql://${aws_db_instance.src.address}:3306/app', JDBC_ENFORCE_SSL: 'true', SECRET_ID: '${aws_secretsmanager_secret.src.name}' };
    const connection = (props: Record<string, unknown>, type?: string): Resources => ({
      aws_glue_connection: { src: { name: 'src', ...(type ? { connection_type: type } : {}), connection_properties: props } },
    });

    test('passes a JDBC connection with TLS and a secret; ignores NETWORK connections', () => {
      expect(findingsOf('GLUE-CONNECTION-TLS', connection(jdbc))).toEqual([]);
      expect(findingsOf('GLUE-CONNECTION-TLS', connection({}, 'NETWORK'))).toEqual([]);
    });

    test.each(cases([
      ['GLUE-CONNECTION-TLS', { JDBC_ENFORCE_SSL: undefined }, /JDBC_ENFORCE_SSL is absent/],
      ['GLUE-CONNECTION-TLS', { JDBC_ENFORCE_SSL: 'false' }, /JDBC_ENFORCE_SSL is "false"/],
      ['GLUE-CONNECTION-TLS', { SECRET_ID: undefined }, /connection_properties.SECRET_ID is not set/],
      ['GLUE-CONNECTION-TLS', { PASSWORD: 'x', USERNAME: 'y' }, /connection_properties.PASSWORD is set/],
    ] as const))('%s fails when %s (connection_type absent means JDBC)', (rule, _, c, message) => {
      expect(messagesOf(rule, connection(withAttrs(jdbc, c)))).toMatch(message);
    });

    test('an explicit JDBC connection is checked; each finding says how to fix it', () => {
      const findings = findingsOf('GLUE-CONNECTION-TLS', connection({ JDBC_CONNECTION_URL: 'jdbc:postgresql://h:5432/d', PASSWORD: '' }, 'JDBC'));
      expect(findings.map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        'connection_properties.PASSWORD is set; it lands in Terraform state -> remove PASSWORD; set SECRET_ID to a Secrets Manager secret',
        'connection_properties.JDBC_ENFORCE_SSL is absent -> set JDBC_ENFORCE_SSL = "true"',
        'connection_properties.SECRET_ID is not set -> set SECRET_ID to the secret holding the JDBC credentials',
      ]);
    });
  });

  describe('SFN-LOGGING', () => {
    const machine = (logging?: Record<string, unknown>): Resources => ({ aws_sfn_state_machine: { m: { name: 'm', definition: '{}', role_arn: 'r', ...(logging ? { logging_configuration: logging } : {}) } } });

    test('passes ERROR or ALL to a log group', () => {
      expect(findingsOf('SFN-LOGGING', machine({ log_destination: '${aws_cloudwatch_log_group.sfn.arn}:*', level: 'ERROR' }))).toEqual([]);
      expect(findingsOf('SFN-LOGGING', machine({ log_destination: '${aws_cloudwatch_log_group.sfn.arn}:*', level: 'ALL', include_execution_data: false }))).toEqual([]);
    });

    test.each([
      ['logging_configuration is absent', undefined, /logging_configuration.log_destination is not set/],
      ['the level is OFF', { log_destination: 'x', level: 'OFF' }, /logging_configuration.level is "OFF"; must be "ERROR" or "ALL"/],
      ['the level is absent', { log_destination: 'x' }, /logging_configuration.level is absent/],
    ])('fails when %s', (_, logging, message) => {
      expect(messagesOf('SFN-LOGGING', machine(logging))).toMatch(message);
    });
  });

  describe('SFN-LOGGING and LOGGROUP-RETENTION fixes', () => {
    test('each finding says how to fix it', () => {
      expect(findingsOf('SFN-LOGGING', { aws_sfn_state_machine: { m: { name: 'm', definition: '{}', role_arn: 'r' } } }).map((f) => f.fix)).toEqual([
        'set logging_configuration.log_destination = "<log group arn>:*"',
        'set logging_configuration.level = "ERROR" (or "ALL")',
      ]);
      expect(findingsOf('LOGGROUP-RETENTION', { aws_cloudwatch_log_group: { g: { name: '/x' } } })[0].fix).toBe('set retention_in_days (30 in staging, 365 in production)');
    });

    test('a retention of one day passes, a negative one fails', () => {
      expect(findingsOf('LOGGROUP-RETENTION', { aws_cloudwatch_log_group: { g: { name: '/x', retention_in_days: 1 } } })).toEqual([]);
      expect(findingsOf('LOGGROUP-RETENTION', { aws_cloudwatch_log_group: { g: { name: '/x', retention_in_days: -1 } } })).toHaveLength(1);
    });
  });

  describe('LOGGROUP-RETENTION', () => {
    test('passes an explicit retention', () => {
      expect(findingsOf('LOGGROUP-RETENTION', { aws_cloudwatch_log_group: { g: { name: '/x', retention_in_days: 30 } } })).toEqual([]);
    });

    test.each([
      ['absent', undefined, /retention_in_days is absent \(logs kept forever\)/],
      ['0 (never expire)', 0, /retention_in_days is 0/],
      ['a token', '${var.days}', /retention_in_days is an expression/],
    ])('fails when retention_in_days is %s', (_, days, message) => {
      expect(messagesOf('LOGGROUP-RETENTION', { aws_cloudwatch_log_group: { g: withAttrs({ name: '/x' }, { retention_in_days: days }) } })).toMatch(message);
    });
  });
});
