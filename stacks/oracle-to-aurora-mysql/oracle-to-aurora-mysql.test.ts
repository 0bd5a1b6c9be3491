import { describeProjectBasics, list, ProjectOut, synthProject } from '../../test/helpers/example-project';
import { checkStack } from '../../tools/policy-check/engine';
import { CONFIG } from './config';
import { register } from './index';
import { OracleToAuroraMysqlStack } from './stack';

const stacks = synthProject(register);

/** The endpoint of one engine (a stack has one Oracle, one Aurora MySQL and one Kafka endpoint). */
const endpoint = (out: ProjectOut, engine: string) => {
  const found = list(out, 'aws_dms_endpoint').filter((e) => e.engine_name === engine);
  expect(found).toHaveLength(1);
  return found[0];
};
/** The task that writes to the endpoint of `engine`. */
const taskInto = (out: ProjectOut, engine: string) => {
  const address = Object.entries(out.resource.aws_dms_endpoint).find(([, e]) => e.engine_name === engine)![0];
  return list(out, 'aws_dms_replication_task').find((t) => t.target_endpoint_arn === `\${aws_dms_endpoint.${address}.endpoint_arn}`)!;
};

/** Every [path, value] of a JSON document whose key names a password or secret value. */
function secretFields(node: unknown, path = ''): Array<[string, unknown]> {
  if (Array.isArray(node)) return node.flatMap((v, i) => secretFields(v, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => [
    ...(/password|secret_string/i.test(k) ? [[`${path}.${k}`, v] as [string, unknown]] : []),
    ...secretFields(v, `${path}.${k}`),
  ]);
}

describe('example project oracle-to-aurora-mysql', () => {
  describeProjectBasics('oracle-to-aurora-mysql', stacks);

  test('production runs multi-AZ replication instances (the migration and the stream)', () => {
    const prod = stacks.get('oracle-to-aurora-mysql-production')!;
    expect(list(prod, 'aws_dms_replication_instance').map((i) => i.multi_az)).toEqual([true, true]);
  });

  test('no secret value anywhere in the synthesized JSON: password fields are plan-time reads, logins are secret ARNs', () => {
    for (const out of stacks.values()) {
      const fields = secretFields(out);
      // The SASL password is the only password argument, and it is an expression Terraform resolves at plan.
      expect(fields.map(([p]) => p)).toEqual([expect.stringMatching(/^\.resource\.aws_dms_endpoint\.stream_target_endpoint_\w+\.kafka_settings\.sasl_password$/)]);
      for (const [, value] of fields) expect(value).toMatch(/^\$\{jsondecode\(data\.aws_secretsmanager_secret_version\.[\w-]+\.secret_string\)\.password\}$/);
      for (const e of list(out, 'aws_dms_endpoint')) expect(e).not.toHaveProperty('password');
      expect(JSON.stringify(out)).not.toMatch(/"password"\s*:\s*"(?!<password>)/);
    }
  });
});

describe('oracle-to-aurora-mysql: the Oracle source', () => {
  test.each([
    ['oracle-to-aurora-mysql-staging', /LogMiner does not support connections to a pluggable database/],
    ['oracle-to-aurora-mysql-production', /several tasks on the source/],
  ])('%s: the picker chooses Binary Reader from the facts, and the endpoint carries its attributes', (name, reason) => {
    const out = stacks.get(name)!;
    expect(out.output.oracle_capture_mode.value).toBe('binary-reader');
    expect((out.output.oracle_capture_mode as { description?: string }).description).toMatch(reason);
    // Binary Reader's attributes, then the stream's guard against silent LOB truncation (see stack.ts).
    expect(endpoint(out, 'oracle').extra_connection_attributes).toBe('useLogminerReader=N;useBfile=Y;failTasksOnLobTruncation=true;');
  });

  test('TLS verify-ca with the wallet certificate from config; login from a created secret, never server or port', () => {
    const out = stacks.get('oracle-to-aurora-mysql-staging')!;
    const oracle = endpoint(out, 'oracle');
    expect(oracle).toMatchObject({ endpoint_type: 'source', ssl_mode: 'verify-ca', certificate_arn: CONFIG.staging.source.walletCertificateArn, database_name: 'ERPUAT' });
    expect(oracle).not.toHaveProperty('server_name');
    expect(oracle).not.toHaveProperty('port');
    expect(oracle.secrets_manager_arn).toMatch(/^\$\{aws_secretsmanager_secret\.migration_source_login_secret_\w+\.arn\}$/);
    expect(out.output.source_secret_put_command.value).toContain('"host":"10.210.10.40","port":2484}');
  });

  test('one Oracle endpoint, read by both tasks; both replication instances get egress to the listener only', () => {
    const out = stacks.get('oracle-to-aurora-mysql-staging')!;
    const tasks = list(out, 'aws_dms_replication_task');
    expect(tasks).toHaveLength(2);
    expect(new Set(tasks.map((t) => t.source_endpoint_arn)).size).toBe(1);
    const egress = list(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4 === '10.210.10.40/32');
    expect(egress).toHaveLength(2);
    for (const r of egress) expect(r).toMatchObject({ from_port: 2484, to_port: 2484, ip_protocol: 'tcp' });
    expect(new Set(egress.map((r) => r.security_group_id)).size).toBe(2);
  });

  test('the on-premises login is waived from rotation with the reason, and only it', () => {
    const waived = checkStack('staging', stacks.get('oracle-to-aurora-mysql-staging')!).findings.filter((f) => f.waived);
    expect(waived.map((f) => f.rule).sort()).toEqual(['SECRETS-ROTATION']);
    expect(waived.find((f) => f.rule === 'SECRETS-ROTATION')!.waived).toMatch(/on-premises ERP database/);
  });
});

describe('oracle-to-aurora-mysql: the Aurora MySQL migration', () => {
  const out = stacks.get('oracle-to-aurora-mysql-staging')!;

  test('engine aurora, verify-full with the RDS CA certificate, the DMS login secret, every table into one database', () => {
    expect(endpoint(out, 'aurora')).toMatchObject({
      endpoint_type: 'target',
      ssl_mode: 'verify-full',
      certificate_arn: CONFIG.staging.target.caCertificateArn,
      secrets_manager_arn: CONFIG.staging.target.secretArn,
      database_name: 'erp',
      extra_connection_attributes: 'targetDbType=SPECIFIC_DATABASE;initstmt=SET FOREIGN_KEY_CHECKS=0;',
    });
    expect(list(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === CONFIG.staging.target.securityGroupId)).toMatchObject({ from_port: 3306, to_port: 3306 });
  });

  test('full load + CDC with validation on, full LOB mode and truncate before load; MLOG$ tables left out, names lower case', () => {
    const task = taskInto(out, 'aurora');
    expect(task.migration_type).toBe('full-load-and-cdc');
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: true, LimitedSizeLobMode: false });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('TRUNCATE_BEFORE_LOAD');
    const rules = JSON.parse(task.table_mappings).rules as Array<Record<string, any>>;
    expect(rules.filter((r) => r['rule-type'] === 'selection').map((r) => [r['rule-action'], r['object-locator']['table-name']])).toEqual([
      ['include', '%'],
      ['exclude', 'MLOG$%'],
    ]);
    expect(rules.filter((r) => r['rule-action'] === 'convert-lowercase').length).toBeGreaterThan(0);
  });

  test('alarms on CDC latency and instance health to one alerts topic', () => {
    expect(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toEqual(expect.arrayContaining(['CDCLatencySource', 'CDCLatencyTarget', 'FreeStorageSpace']));
    expect(list(out, 'aws_sns_topic')).toHaveLength(1);
    expect(new Set(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_actions[0]))).toEqual(new Set([out.output.alerts_topic_arn.value]));
  });
});

describe('oracle-to-aurora-mysql: the MSK stream', () => {
  const out = stacks.get('oracle-to-aurora-mysql-staging')!;

  test('SASL/SCRAM over TLS to the cluster\'s SCRAM brokers, login read at plan from the AmazonMSK_ secret, 9096 admitted', () => {
    const kafka = endpoint(out, 'kafka').kafka_settings;
    expect(kafka).toMatchObject({ security_protocol: 'sasl-ssl', sasl_mechanism: 'scram-sha-512', topic: 'erp-changes' });
    expect(kafka.broker).toMatch(/^\$\{data\.aws_msk_cluster\.\w+\.bootstrap_brokers_sasl_scram\}$/);
    expect(Object.values(out.data!.aws_msk_cluster)).toEqual([{ cluster_name: 'erp-events-staging' }]);
    expect(Object.values(out.data!.aws_secretsmanager_secret_version)).toEqual([{ secret_id: CONFIG.staging.stream.scramSecretArn }]);
    // The endpoint's settings hold the SASL password (resolved at plan): encrypted with a CMK of this stack, not aws/dms.
    expect(endpoint(out, 'kafka').kms_key_arn).toMatch(/^\$\{aws_kms_key\.stream_target_key_\w+\.arn\}$/);
    const ingress = list(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === CONFIG.staging.stream.mskSecurityGroupId);
    expect(ingress).toEqual([expect.objectContaining({ from_port: 9096, to_port: 9096, ip_protocol: 'tcp' })]);
  });

  test('the overrides escape hatch sets KafkaSettings.NoHexPrefix (RAW keys without 0x) over the module\'s settings', () => {
    expect(endpoint(out, 'kafka').kafka_settings).toMatchObject({ no_hex_prefix: true, include_control_details: true, partition_include_schema_table: true });
  });

  test('a topic per table for the configured tables, the rest to the default topic; CDC only', () => {
    const task = taskInto(out, 'kafka');
    expect(task.migration_type).toBe('cdc');
    const rules = JSON.parse(task.table_mappings).rules as Array<Record<string, any>>;
    expect(rules.filter((r) => r['rule-type'] === 'selection').map((r) => r['object-locator']['table-name'])).toEqual(['ORDERS', 'ORDER_LINES', 'CUSTOMERS', 'INVOICES']);
    expect(rules.filter((r) => r['rule-type'] === 'object-mapping').map((r) => [r['object-locator']['table-name'], r['rule-action'], r['kafka-target-topic']])).toEqual([
      ['ORDERS', 'map-record-to-record', 'erp-orders'],
      ['ORDER_LINES', 'map-record-to-record', 'erp-order-lines'],
      ['CUSTOMERS', 'map-record-to-record', 'erp-customers'],
    ]);
  });

  test('streaming task settings: validation off, limited LOB mode sized by config and safe without a waiver (the source fails the task on truncation), no target preparation', () => {
    const settings = JSON.parse(taskInto(out, 'kafka').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: CONFIG.staging.stream.lobMaxSizeKiB });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
    expect(settings.ErrorBehavior.DataTruncationErrorPolicy).toBe('STOP_TASK');
    expect(checkStack('staging', out).findings.filter((f) => f.rule === 'DMS-TASK-LOB-SAFE')).toEqual([]);
  });

  test('the stream alarms to the migration\'s topic (one topic for the project)', () => {
    const streamAlarms = list(out, 'aws_cloudwatch_metric_alarm').filter((a) => JSON.stringify(a.dimensions ?? {}).includes('erp-stream'));
    expect(streamAlarms.map((a) => a.metric_name)).toEqual(expect.arrayContaining(['CDCLatencySource', 'CDCLatencyTarget']));
    for (const a of streamAlarms) expect(a.alarm_actions).toEqual([out.output.alerts_topic_arn.value]);
  });
});

describe('oracle-to-aurora-mysql: configuration mistakes fail at synth', () => {
  test('fails when the source facts admit no capture mode (NOARCHIVELOG)', () => {
    const facts = { ...CONFIG.production.source.facts, archiveLogMode: false };
    expect(() => synthProject((app) => [new OracleToAuroraMysqlStack(app, 'x', { ...CONFIG.production, source: { ...CONFIG.production.source, facts } })])).toThrow(/NOARCHIVELOG/);
  });

  test('fails when a stream topic mixes "." and "_"', () => {
    const stream = { ...CONFIG.production.stream, topics: { ORDERS: 'erp.orders_v2' } };
    expect(() => synthProject((app) => [new OracleToAuroraMysqlStack(app, 'x', { ...CONFIG.production, stream })])).toThrow(/mixes "\." and "_"/);
  });
});
