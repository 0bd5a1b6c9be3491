import { cases, findingsOf, messagesOf, Resources, TOKEN, withAttrs } from './helpers';

const instance = {
  replication_instance_id: 'demo-staging-dms',
  publicly_accessible: false,
  replication_subnet_group_id: '${aws_dms_replication_subnet_group.subnets.id}',
  kms_key_arn: TOKEN,
  multi_az: true,
};
const sourceEndpoint = {
  endpoint_type: 'source',
  engine_name: 'sqlserver',
  secrets_manager_arn: '${aws_secretsmanager_secret.source.arn}',
  secrets_manager_access_role_arn: '${aws_iam_role.secrets.arn}',
  ssl_mode: 'require',
};
const targetEndpoint = { ...sourceEndpoint, endpoint_type: 'target', engine_name: 'postgres', ssl_mode: 'verify-full' };
const settings = {
  Logging: { EnableLogging: true },
  ValidationSettings: { EnableValidation: true },
  TargetMetadata: { SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 64 },
  ErrorBehavior: { DataTruncationErrorPolicy: 'SUSPEND_TABLE' },
  FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' },
};
const limitedLobs = { TargetMetadata: { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 } };

function task(settingsJson: unknown = settings, target = '${aws_dms_endpoint.target.endpoint_arn}'): Resources {
  return {
    aws_dms_endpoint: { source: sourceEndpoint, target: targetEndpoint },
    aws_dms_s3_endpoint: { lake: { endpoint_type: 'target', bucket_name: 'lake' } },
    aws_dms_replication_task: {
      task: {
        migration_type: 'full-load-and-cdc',
        source_endpoint_arn: '${aws_dms_endpoint.source.endpoint_arn}',
        target_endpoint_arn: target,
        replication_task_settings: typeof settingsJson === 'string' ? settingsJson : JSON.stringify(settingsJson),
        table_mappings: '{"rules":[]}',
      },
    },
  };
}
const patch = (section: string, value: Record<string, unknown> | undefined) => {
  const copy: Record<string, unknown> = { ...settings };
  if (value === undefined) delete copy[section];
  else copy[section] = value;
  return copy;
};

describe('DMS rules', () => {
  test.each(['DMS-PRIVATE', 'DMS-MULTI-AZ', 'DMS-CMK'])('%s passes a compliant production instance', (rule) => {
    expect(findingsOf(rule, { aws_dms_replication_instance: { dms: instance } }, { production: true })).toEqual([]);
  });

  test.each(cases([
    ['DMS-PRIVATE', { publicly_accessible: undefined }, /publicly_accessible is absent; must be the literal false/],
    ['DMS-PRIVATE', { publicly_accessible: true }, /publicly_accessible is true/],
    ['DMS-PRIVATE', { replication_subnet_group_id: undefined }, /replication_subnet_group_id is not set/],
    ['DMS-CMK', { kms_key_arn: undefined }, /kms_key_arn is not set/],
    ['DMS-MULTI-AZ', { multi_az: false }, /multi_az is false/],
  ] as const))('%s fails when %s', (rule, _, changes, message) => {
    expect(messagesOf(rule, { aws_dms_replication_instance: { dms: withAttrs(instance, changes) } }, { production: true })).toMatch(message);
  });

  test('DMS-PRIVATE says how to fix each finding', () => {
    const bad = { aws_dms_replication_instance: { dms: withAttrs(instance, { publicly_accessible: true, replication_subnet_group_id: undefined }) } };
    expect(messagesOf('DMS-PRIVATE', bad, { production: true })).toBe(
      [
        'aws_dms_replication_instance.dms: publicly_accessible is true; must be the literal false -> set publicly_accessible = false explicitly',
        'aws_dms_replication_instance.dms: replication_subnet_group_id is not set -> place the instance in a replication subnet group of private subnets',
      ].join('\n'),
    );
  });

  test('a token kms_key_arn counts as set', () => {
    expect(findingsOf('DMS-CMK', { aws_dms_replication_instance: { dms: withAttrs(instance, { kms_key_arn: '${var.key}' }) } })).toEqual([]);
  });

  test('DMS-MULTI-AZ runs only in production', () => {
    expect(findingsOf('DMS-MULTI-AZ', { aws_dms_replication_instance: { dms: withAttrs(instance, { multi_az: false }) } })).toEqual([]);
  });

  test.each(['DMS-SECRETS', 'DMS-SSL'])('%s passes database endpoints with secrets and TLS', (rule) => {
    expect(findingsOf(rule, task())).toEqual([]);
  });

  test.each(cases([
    ['DMS-SECRETS', { secrets_manager_arn: undefined }, /secrets_manager_arn is not set/],
    ['DMS-SECRETS', { secrets_manager_access_role_arn: undefined }, /secrets_manager_access_role_arn is not set/],
    ['DMS-SECRETS', { password: '${var.pw}' }, /password is set; it lands in Terraform state/],
    ['DMS-SSL', { ssl_mode: 'none' }, /ssl_mode is "none"; must be "require" or "verify-full" -> set ssl_mode = "verify-full" \(with certificate_arn\) or "require"$/],
    ['DMS-SSL', { ssl_mode: undefined }, /ssl_mode is absent/],
    ['DMS-SSL', { ssl_mode: '${var.ssl}' }, /ssl_mode is an expression resolved only at plan/],
  ] as const))('%s fails when %s', (rule, _, changes, message) => {
    const resources = task();
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, changes);
    expect(messagesOf(rule, resources)).toMatch(new RegExp(`aws_dms_endpoint.source: ${message.source}`));
  });

  test('DMS-SECRETS, DMS-SSL (Oracle) and DMS-CMK say how to fix each finding', () => {
    const resources = task();
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { password: '${var.pw}', secrets_manager_arn: undefined, secrets_manager_access_role_arn: undefined });
    expect(messagesOf('DMS-SECRETS', resources)).toBe(
      [
        'aws_dms_endpoint.source: password is set; it lands in Terraform state -> remove password; use secrets_manager_arn and secrets_manager_access_role_arn',
        'aws_dms_endpoint.source: secrets_manager_arn is not set -> set secrets_manager_arn to the secret holding the endpoint credentials',
        'aws_dms_endpoint.source: secrets_manager_access_role_arn is not set -> set secrets_manager_access_role_arn to a role DMS assumes to read the secret',
      ].join('\n'),
    );
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { engine_name: 'oracle', ssl_mode: 'require', certificate_arn: undefined });
    expect(messagesOf('DMS-SSL', resources)).toBe(
      [
        'aws_dms_endpoint.source: ssl_mode is "require"; must be "verify-ca" -> set ssl_mode = "verify-ca" with certificate_arn (Oracle endpoints support only none and verify-ca)',
        'aws_dms_endpoint.source: certificate_arn is not set -> set certificate_arn to the DMS certificate holding the Oracle wallet (aws_dms_certificate certificate_wallet)',
      ].join('\n'),
    );
    expect(messagesOf('DMS-CMK', { aws_dms_replication_instance: { dms: withAttrs(instance, { kms_key_arn: undefined }) } })).toBe(
      'aws_dms_replication_instance.dms: kms_key_arn is not set -> set kms_key_arn to a customer-managed key (newKmsKey)',
    );
  });

  test('DMS-SSL: an Oracle endpoint passes with verify-ca and its wallet certificate (DMS Oracle supports only none and verify-ca)', () => {
    const resources = task();
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { engine_name: 'oracle', ssl_mode: 'verify-ca', certificate_arn: '${aws_dms_certificate.wallet.certificate_arn}' });
    expect(findingsOf('DMS-SSL', resources)).toEqual([]);
  });

  test.each([
    [{ ssl_mode: 'require', certificate_arn: 'arn:aws:dms:eu-west-2:123456789012:cert:W' }, /ssl_mode is "require"; must be "verify-ca"/],
    [{ ssl_mode: 'verify-ca', certificate_arn: undefined }, /certificate_arn is not set/],
  ])('DMS-SSL fails an Oracle endpoint with %j', (changes, message) => {
    const resources = task();
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { engine_name: 'oracle', ...changes });
    expect(messagesOf('DMS-SSL', resources)).toMatch(message);
  });

  test('non-database endpoints need neither secrets nor ssl_mode', () => {
    const kinesis = { endpoint_type: 'target', engine_name: 'kinesis', kinesis_settings: { stream_arn: '${aws_kinesis_stream.cdc.arn}' } };
    expect(findingsOf('DMS-SECRETS', { aws_dms_endpoint: { k: kinesis } })).toEqual([]);
    expect(findingsOf('DMS-SSL', { aws_dms_endpoint: { k: kinesis } })).toEqual([]);
  });

  test.each(['DMS-TASK-LOGGING', 'DMS-TASK-VALIDATION', 'DMS-TASK-LOB-SAFE', 'DMS-TASK-NO-DROP'])('%s passes a compliant task', (rule) => {
    expect(findingsOf(rule, task())).toEqual([]);
  });

  test.each([
    ['DMS-TASK-LOGGING', 'logging is off', patch('Logging', { EnableLogging: false }), /Logging.EnableLogging is false/],
    ['DMS-TASK-LOGGING', 'the Logging section is absent', patch('Logging', undefined), /Logging.EnableLogging is absent/],
    ['DMS-TASK-LOGGING', 'settings are absent', undefined, /replication_task_settings is absent; DMS then applies defaults/],
    ['DMS-TASK-LOGGING', 'settings are a token', '${jsonencode(local.settings)}', /replication_task_settings is an expression resolved only at plan/],
    ['DMS-TASK-VALIDATION', 'validation is absent', patch('ValidationSettings', undefined), /ValidationSettings.EnableValidation is absent for a database target/],
    // DMS truncates above LobMaxSize with only a warning (CHAP_Tasks.LOBSupport): no truncation policy makes it safe.
    ['DMS-TASK-LOB-SAFE', 'limited LOB mode from a SQL Server source, even with DataTruncationErrorPolicy STOP_TASK', { ...settings, ...limitedLobs, ErrorBehavior: { DataTruncationErrorPolicy: 'STOP_TASK' } }, /limited LOB mode \(LobMaxSize 32\) truncates larger LOBs with only a warning in the task log, and the source cannot fail the task instead/],
    ['DMS-TASK-LOB-SAFE', 'TargetMetadata is absent (DMS defaults to limited LOB mode)', patch('TargetMetadata', undefined), /limited LOB mode \(LobMaxSize absent\)/],
    ['DMS-TASK-LOB-SAFE', 'inline LOB mode is set without FullLobMode', patch('TargetMetadata', { SupportLobs: true, FullLobMode: false, InlineLobMaxSize: 16, LobChunkSize: 64 }), /InlineLobMaxSize is 16 with FullLobMode false; LOBs above the inline size travel in full LOB mode, which is off/],
    ['DMS-TASK-NO-DROP', 'the prep mode is DROP_AND_CREATE', patch('FullLoadSettings', { TargetTablePrepMode: 'DROP_AND_CREATE' }), /TargetTablePrepMode is "DROP_AND_CREATE"/],
    ['DMS-TASK-NO-DROP', 'the prep mode is absent', patch('FullLoadSettings', undefined), /TargetTablePrepMode is absent \(DMS then drops and recreates target tables\)/],
  ])('%s fails when %s', (rule, _, settingsJson, message) => {
    const resources = task(settingsJson);
    if (settingsJson === undefined) delete (resources.aws_dms_replication_task.task as Record<string, unknown>).replication_task_settings;
    expect(messagesOf(rule, resources)).toMatch(message);
  });

  test('full LOB mode, inline LOB mode with FullLobMode, and no LOBs need no truncation policy', () => {
    const full = { ...patch('ErrorBehavior', undefined), TargetMetadata: { SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false } };
    expect(findingsOf('DMS-TASK-LOB-SAFE', task(full))).toEqual([]);
    expect(findingsOf('DMS-TASK-LOB-SAFE', task(patch('TargetMetadata', { SupportLobs: true, FullLobMode: true, InlineLobMaxSize: 16 })))).toEqual([]);
    expect(findingsOf('DMS-TASK-LOB-SAFE', task(patch('TargetMetadata', { SupportLobs: false })))).toEqual([]);
  });

  test('limited LOB mode passes only from a PostgreSQL source that fails the task on LOB truncation', () => {
    const resources = task({ ...settings, ...limitedLobs });
    const pg = { ...sourceEndpoint, engine_name: 'aurora-postgresql', postgres_settings: { fail_tasks_on_lob_truncation: true } };
    expect(findingsOf('DMS-TASK-LOB-SAFE', { ...resources, aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: pg } })).toEqual([]);
    const lenient = { ...pg, postgres_settings: { fail_tasks_on_lob_truncation: false } };
    expect(messagesOf('DMS-TASK-LOB-SAFE', { ...resources, aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: lenient } })).toMatch(
      /the source does not set postgres_settings.fail_tasks_on_lob_truncation/,
    );
  });

  test('limited LOB mode passes from an Oracle source whose failTasksOnLobTruncation attribute is true, and only then', () => {
    const resources = task({ ...settings, ...limitedLobs });
    const withSource = (attrs: string | undefined) => ({
      ...resources,
      aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: { ...sourceEndpoint, engine_name: 'oracle', ssl_mode: 'verify-ca', extra_connection_attributes: attrs } },
    });
    expect(findingsOf('DMS-TASK-LOB-SAFE', withSource('useLogminerReader=N;useBfile=Y;failTasksOnLobTruncation=true;'))).toEqual([]);
    expect(findingsOf('DMS-TASK-LOB-SAFE', withSource('failTasksOnLobTruncation=true'))).toEqual([]);
    for (const attrs of [undefined, 'useLogminerReader=N;useBfile=Y;', 'failTasksOnLobTruncation=false;', 'xfailTasksOnLobTruncation=true;']) {
      expect(messagesOf('DMS-TASK-LOB-SAFE', withSource(attrs))).toMatch(/the source does not set the extra connection attribute failTasksOnLobTruncation=true/);
    }
    // The attribute means nothing on another engine: a SQL Server source cannot fail the task.
    const sqlserver = { ...resources, aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: { ...sourceEndpoint, extra_connection_attributes: 'failTasksOnLobTruncation=true;' } } };
    expect(messagesOf('DMS-TASK-LOB-SAFE', sqlserver)).toMatch(/the source cannot fail the task instead/);
  });

  test('an S3 source (not one DMS validates: CHAP_Validating) must run without validation into a database', () => {
    const fromS3 = (settingsJson: unknown) => {
      const resources = task(settingsJson);
      (resources.aws_dms_replication_task.task as Record<string, unknown>).source_endpoint_arn = '${aws_dms_s3_endpoint.export.endpoint_arn}';
      return { ...resources, aws_dms_s3_endpoint: { ...resources.aws_dms_s3_endpoint, export: { endpoint_type: 'source', bucket_name: 'exports' } } };
    };
    expect(findingsOf('DMS-TASK-VALIDATION', fromS3(patch('ValidationSettings', { EnableValidation: false })))).toEqual([]);
    expect(messagesOf('DMS-TASK-VALIDATION', fromS3(settings))).toMatch(/ValidationSettings.EnableValidation is true, but DMS cannot validate a s3 source/);
  });

  test('a database source DMS cannot validate (MongoDB, an aws_dms_endpoint) must run without validation, like an S3 source', () => {
    const fromMongo = (settingsJson: unknown) => {
      const resources = task(settingsJson);
      resources.aws_dms_endpoint = { ...resources.aws_dms_endpoint, source: { ...sourceEndpoint, engine_name: 'mongodb' } };
      return resources;
    };
    expect(findingsOf('DMS-TASK-VALIDATION', fromMongo(patch('ValidationSettings', { EnableValidation: false })))).toEqual([]);
    expect(messagesOf('DMS-TASK-VALIDATION', fromMongo(settings))).toMatch(/ValidationSettings.EnableValidation is true, but DMS cannot validate a mongodb source/);
  });

  test('validation is not required for an S3 target, but is for a target outside the stack', () => {
    const noValidation = patch('ValidationSettings', undefined);
    expect(findingsOf('DMS-TASK-VALIDATION', task(noValidation, '${aws_dms_s3_endpoint.lake.endpoint_arn}'))).toEqual([]);
    expect(messagesOf('DMS-TASK-VALIDATION', task(noValidation, 'arn:aws:dms:eu-west-2:111122223333:endpoint:ABC'))).toMatch(/EnableValidation is absent/);
  });

  test('settings that are blank or not JSON are a finding of their own, naming the attribute', () => {
    expect(messagesOf('DMS-TASK-NO-DROP', task('  '))).toMatch(
      /replication_task_settings is "  "; DMS then applies defaults \(logging off, no validation, DROP_AND_CREATE\) -> set replication_task_settings to a literal JSON document \(dms-migration builds one\)/,
    );
    expect(messagesOf('DMS-TASK-VALIDATION', task('{"Logging":'))).toMatch(/replication_task_settings is not valid JSON -> set replication_task_settings to a literal JSON document so it can be reviewed/);
    expect(messagesOf('DMS-TASK-LOB-SAFE', task('${jsonencode(local.settings)}'))).toMatch(/replication_task_settings is an expression resolved only at plan/);
  });

  test('DMS-TASK-NO-DROP accepts DO_NOTHING and names the waiver that opts a task in to DROP_AND_CREATE', () => {
    expect(findingsOf('DMS-TASK-NO-DROP', task(patch('FullLoadSettings', { TargetTablePrepMode: 'DO_NOTHING' })))).toEqual([]);
    expect(messagesOf('DMS-TASK-NO-DROP', task(patch('FullLoadSettings', { TargetTablePrepMode: 'DROP_AND_CREATE' })))).toMatch(
      /TargetTablePrepMode is "DROP_AND_CREATE" -> set TargetTablePrepMode to "DO_NOTHING" or "TRUNCATE_BEFORE_LOAD", or opt this task in with the waiver "DMS-TASK-NO-DROP:aws_dms_replication_task.task"$/,
    );
  });

  test('DMS-TASK-LOB-SAFE: InlineLobMaxSize 0 is not inline LOB mode; limited LOB mode then names the source\'s missing setting', () => {
    const zeroInline = { ...settings, TargetMetadata: { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32, InlineLobMaxSize: 0 } };
    expect(messagesOf('DMS-TASK-LOB-SAFE', task(zeroInline))).toMatch(/^aws_dms_replication_task.task: limited LOB mode \(LobMaxSize 32\)/);
    expect(messagesOf('DMS-TASK-LOB-SAFE', task(patch('TargetMetadata', { SupportLobs: true, FullLobMode: false, InlineLobMaxSize: 16 })))).toMatch(
      /-> set "FullLobMode": true beside InlineLobMaxSize \(DMS guide, target metadata task settings\)$/,
    );
  });

  test('DMS-TASK-LOB-SAFE: a plain PostgreSQL source that fails the task on LOB truncation is safe; a source outside the stack is not', () => {
    const resources = task({ ...settings, ...limitedLobs });
    const pg = { ...sourceEndpoint, engine_name: 'postgres', postgres_settings: { fail_tasks_on_lob_truncation: true } };
    expect(findingsOf('DMS-TASK-LOB-SAFE', { ...resources, aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: pg } })).toEqual([]);
    // Fail-on-truncation set on an endpoint of another engine means nothing.
    const sqlserver = { ...sourceEndpoint, postgres_settings: { fail_tasks_on_lob_truncation: true } };
    expect(messagesOf('DMS-TASK-LOB-SAFE', { ...resources, aws_dms_endpoint: { ...resources.aws_dms_endpoint, source: sqlserver } })).toMatch(/the source cannot fail the task instead/);
    (resources.aws_dms_replication_task.task as Record<string, unknown>).source_endpoint_arn = 'arn:aws:dms:eu-west-2:111122223333:endpoint:SRC';
    expect(messagesOf('DMS-TASK-LOB-SAFE', resources)).toMatch(/the source cannot fail the task instead -> use full LOB mode .* waive "DMS-TASK-LOB-SAFE:aws_dms_replication_task.task"/);
  });

  test('DMS-TASK-VALIDATION: a source whose engine is an expression counts as one DMS validates', () => {
    const resources = task(patch('ValidationSettings', undefined));
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { engine_name: '${var.engine}' });
    expect(messagesOf('DMS-TASK-VALIDATION', resources)).toMatch(/EnableValidation is absent for a database target -> set "ValidationSettings": \{ "EnableValidation": true \}/);
  });

  test('DMS-TASK-VALIDATION: into a Kinesis target validation may stay off', () => {
    const resources = task(patch('ValidationSettings', undefined), '${aws_dms_endpoint.stream.endpoint_arn}');
    resources.aws_dms_endpoint.stream = { endpoint_type: 'target', engine_name: 'kinesis' };
    expect(findingsOf('DMS-TASK-VALIDATION', resources)).toEqual([]);
  });

  test('DMS-SECRETS and DMS-SSL check endpoints whose engine is an expression as databases', () => {
    const resources = task();
    resources.aws_dms_endpoint.source = withAttrs(sourceEndpoint, { engine_name: '${var.engine}', ssl_mode: 'none', secrets_manager_arn: undefined });
    expect(messagesOf('DMS-SECRETS', resources)).toMatch(/aws_dms_endpoint.source: secrets_manager_arn is not set/);
    expect(messagesOf('DMS-SSL', resources)).toMatch(/aws_dms_endpoint.source: ssl_mode is "none"/);
  });

  test('serverless replication configs need compute_config.kms_key_id and name it', () => {
    const config = { replication_type: 'full-load', replication_settings: JSON.stringify(settings), compute_config: { replication_subnet_group_id: 'x', multi_az: true } };
    expect(messagesOf('DMS-CMK', { aws_dms_replication_config: { c: config } })).toMatch(/aws_dms_replication_config.c: compute_config.kms_key_id is not set -> set compute_config.kms_key_id to a customer-managed key/);
    expect(findingsOf('DMS-MULTI-AZ', { aws_dms_replication_config: { c: config } }, { production: true })).toEqual([]);
    expect(messagesOf('DMS-TASK-NO-DROP', { aws_dms_replication_config: { c: { ...config, replication_settings: undefined } } })).toMatch(/replication_settings is absent/);
  });

  test('serverless replication configs are checked the same way', () => {
    const config = {
      replication_type: 'full-load',
      source_endpoint_arn: '${aws_dms_endpoint.source.endpoint_arn}',
      target_endpoint_arn: '${aws_dms_endpoint.target.endpoint_arn}',
      replication_settings: JSON.stringify(patch('Logging', undefined)),
      compute_config: { replication_subnet_group_id: 'x', kms_key_id: TOKEN, multi_az: false },
    };
    expect(messagesOf('DMS-TASK-LOGGING', { aws_dms_replication_config: { c: config } })).toMatch(/Logging.EnableLogging is absent/);
    expect(messagesOf('DMS-MULTI-AZ', { aws_dms_replication_config: { c: config } }, { production: true })).toBe(
      'aws_dms_replication_config.c: compute_config.multi_az is false; must be the literal true -> set compute_config.multi_az = true in production',
    );
    expect(messagesOf('DMS-MULTI-AZ', { aws_dms_replication_instance: { dms: withAttrs(instance, { multi_az: false }) } }, { production: true })).toBe(
      'aws_dms_replication_instance.dms: multi_az is false; must be the literal true -> set multi_az = true in production',
    );
    expect(findingsOf('DMS-CMK', { aws_dms_replication_config: { c: config } })).toEqual([]);
  });
});
