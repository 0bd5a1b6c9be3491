import { Connections, Testing } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsMigration, DmsReplicationInstance, DmsReplicationTask, KafkaTargetEndpoint, KafkaTargetEndpointProps, MySqlSourceEndpoint, TableMappings } from '../../../modules/dms-migration';
import { checkStack } from '../../../tools/policy-check/engine';
import { all, network, newStack, one, PG_SECRET, SOURCE_NET, synth } from './helpers';

const MSK = {
  bootstrapBrokersTls: 'b-1.orders.kafka.eu-west-2.amazonaws.com:9094,b-2.orders.kafka.eu-west-2.amazonaws.com:9094',
  bootstrapBrokersSaslScram: 'b-1.orders.kafka.eu-west-2.amazonaws.com:9096,b-2.orders.kafka.eu-west-2.amazonaws.com:9096',
};
const SCRAM_SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:AmazonMSK_dms-AbCdEf';
const KEY_SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:kafka-client-key-AbCdEf';
const CERT = (name: string) => `arn:aws:dms:eu-west-2:123456789012:cert:${name}`;
const base: KafkaTargetEndpointProps = { component: 'orders', brokers: ['kafka-1.corp.internal:9093', 'kafka-2.corp.internal:9093'] };
/** `${jsondecode(data.aws_secretsmanager_secret_version.<id>.secret_string).<key>}`: read at plan time. */
const fromSecret = (key: string) => new RegExp(`^\\$\\{jsondecode\\(data\\.aws_secretsmanager_secret_version\\.[\\w-]+\\.secret_string\\)\\.${key}\\}$`);

describe('KafkaTargetEndpoint', () => {
  test('defaults: TLS (ssl-encryption) to the listed brokers, JSON messages with transaction details, partition value and table alter operations', () => {
    const stack = newStack();
    const t = new KafkaTargetEndpoint(stack, 't', { ...base, topic: 'orders-cdc' });
    const ep = one(synth(stack), 'aws_dms_endpoint');
    expect(ep).toMatchObject({ endpoint_type: 'target', engine_name: 'kafka' });
    expect(ep.kafka_settings).toEqual({
      broker: 'kafka-1.corp.internal:9093,kafka-2.corp.internal:9093',
      topic: 'orders-cdc',
      security_protocol: 'ssl-encryption',
      message_format: 'json',
      include_control_details: true,
      include_transaction_details: true,
      include_partition_value: true,
      partition_include_schema_table: true,
      include_table_alter_operations: true,
      include_null_and_empty: true,
    });
    expect(t).toMatchObject({ targetKind: 'kafka', engineName: 'kafka', securityProtocol: 'ssl-encryption', ports: [9093] });
  });

  test('MSK with SASL/SCRAM: the SCRAM bootstrap brokers, scram-sha-512, login read from the secret at plan time, never written into cdktf.out', () => {
    const stack = newStack();
    new KafkaTargetEndpoint(stack, 't', { component: 'orders', brokers: { cluster: MSK }, securityProtocol: 'sasl-ssl', saslSecret: { secretArn: SCRAM_SECRET } });
    const text = Testing.synth(stack);
    const out = JSON.parse(text);
    const kafka = one(out, 'aws_dms_endpoint').kafka_settings;
    expect(kafka).toMatchObject({ broker: MSK.bootstrapBrokersSaslScram, security_protocol: 'sasl-ssl', sasl_mechanism: 'scram-sha-512' });
    expect(kafka.sasl_username).toMatch(fromSecret('username'));
    expect(kafka.sasl_password).toMatch(fromSecret('password'));
    expect(Object.values(out.data.aws_secretsmanager_secret_version)).toEqual([{ secret_id: SCRAM_SECRET }]);
    // Only expressions: the policy check's NO-PLAINTEXT-SECRET finds no literal secret anywhere in the stack.
    expect(checkStack('test', out).findings.filter((f) => f.rule === 'NO-PLAINTEXT-SECRET' || f.rule.startsWith('DMS-'))).toEqual([]);
  });

  test('an endpoint holding a password (SASL, client key) encrypts its settings with a CMK created here (rotation on), or the one given; none without a password', () => {
    const stack = newStack();
    const sasl = new KafkaTargetEndpoint(stack, 'sasl', { component: 'orders', brokers: { cluster: MSK }, securityProtocol: 'sasl-ssl', saslSecret: { secretArn: SCRAM_SECRET } });
    const given = new KafkaTargetEndpoint(stack, 'given', { component: 'audit', brokers: { cluster: MSK }, securityProtocol: 'sasl-ssl', saslSecret: { secretArn: SCRAM_SECRET }, kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/abc' });
    const tls = new KafkaTargetEndpoint(stack, 'tls', { ...base, component: 'plain-tls' });
    const out = synth(stack);
    const byId = (id: string) => all(out, 'aws_dms_endpoint').find((e) => e.endpoint_id === id)!;
    const keys = Object.entries(out.resource.aws_kms_key ?? {});
    expect(keys).toHaveLength(1);
    expect(keys[0][1]).toMatchObject({ enable_key_rotation: true });
    expect(byId('demo-staging-orders-target').kms_key_arn).toBe(`\${aws_kms_key.${keys[0][0]}.arn}`);
    expect(sasl.kmsKeyArn).toBeDefined();
    expect(byId('demo-staging-audit-target').kms_key_arn).toBe('arn:aws:kms:eu-west-2:123456789012:key/abc');
    expect(given.kmsKeyArn).toBe('arn:aws:kms:eu-west-2:123456789012:key/abc');
    expect(byId('demo-staging-plain-tls-target')).not.toHaveProperty('kms_key_arn');
    expect(tls.kmsKeyArn).toBeUndefined();
  });

  test('mutual TLS: client certificate and key ARNs, the key password from Secrets Manager, a private CA', () => {
    const stack = newStack();
    new KafkaTargetEndpoint(stack, 't', {
      ...base,
      securityProtocol: 'ssl-authentication',
      clientCertificateArn: CERT('client'),
      clientKeyArn: CERT('client-key'),
      clientKeyPassword: { secretArn: KEY_SECRET, key: 'keyPassword' },
      caCertificateArn: CERT('corp-ca'),
    });
    const out = synth(stack);
    const kafka = one(out, 'aws_dms_endpoint').kafka_settings;
    expect(kafka).toMatchObject({ security_protocol: 'ssl-authentication', ssl_client_certificate_arn: CERT('client'), ssl_client_key_arn: CERT('client-key'), ssl_ca_certificate_arn: CERT('corp-ca') });
    expect(kafka.ssl_client_key_password).toMatch(fromSecret('keyPassword'));
    expect(kafka).not.toHaveProperty('sasl_password');
    expect(Object.values(out.data!.aws_secretsmanager_secret_version)).toEqual([{ secret_id: KEY_SECRET }]);
  });

  test('message settings: json-unformatted, a smaller message size, transaction details and alter operations off', () => {
    const stack = newStack();
    new KafkaTargetEndpoint(stack, 't', { ...base, messageFormat: 'json-unformatted', messageMaxBytes: 524288, includeTransactionDetails: false, includeTableAlterOperations: false });
    expect(one(synth(stack), 'aws_dms_endpoint').kafka_settings).toMatchObject({
      message_format: 'json-unformatted',
      message_max_bytes: 524288,
      include_transaction_details: false,
      include_table_alter_operations: false,
    });
  });

  test('a task admits the replication instance on the broker port by the brokers security group (MSK TLS: 9094)', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
    const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db', secret: PG_SECRET, egressCidr: SOURCE_NET });
    const target = new KafkaTargetEndpoint(stack, 'k', { component: 'orders', brokers: { cluster: MSK }, connections: { connections: new Connections(stack, { securityGroupId: 'sg-msk', description: 'msk' }) } });
    new DmsReplicationTask(stack, 'task', { component: 't', instance, source, target, tableMappings: new TableMappings().include({ schema: 'retail' }) });
    const out = synth(stack);
    expect(all(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'kafka')!.kafka_settings.broker).toBe(MSK.bootstrapBrokersTls);
    const ingress = all(out, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id === 'sg-msk');
    expect(ingress).toEqual([expect.objectContaining({ from_port: 9094, to_port: 9094, ip_protocol: 'tcp', referenced_security_group_id: expect.stringContaining('aws_security_group') })]);
  });

  test('overrides: a setting the typed props do not cover (noHexPrefix) merges into kafkaSettings; tags reach the resource', () => {
    const stack = newStack();
    const t = new KafkaTargetEndpoint(stack, 't', { ...base, topic: 'orders-cdc', overrides: { kafkaSettings: { noHexPrefix: true, includeNullAndEmpty: false }, tags: { team: 'data' } } });
    const ep = one(synth(stack), 'aws_dms_endpoint');
    // Merged key by key: the module's own settings stay, the override adds or replaces the rest.
    expect(ep.kafka_settings).toMatchObject({ broker: 'kafka-1.corp.internal:9093,kafka-2.corp.internal:9093', topic: 'orders-cdc', security_protocol: 'ssl-encryption', include_control_details: true, no_hex_prefix: true, include_null_and_empty: false });
    expect(ep.tags).toMatchObject({ team: 'data' });
    expect(t.endpoint.kafkaSettingsInput).toMatchObject({ noHexPrefix: true });
  });

  test.each([
    ['the broker list', { kafkaSettings: { broker: 'other:9092' } }, 'test/t: overrides.kafkaSettings.broker is set by this construct; use brokers instead.'],
    ['the topic', { kafkaSettings: { topic: 'x' } }, 'test/t: overrides.kafkaSettings.topic is set by this construct; use topic instead.'],
    ['the security protocol', { kafkaSettings: { securityProtocol: 'plaintext' } }, 'test/t: overrides.kafkaSettings.securityProtocol is set by this construct; use securityProtocol instead.'],
    ['the SASL user name', { kafkaSettings: { saslUsername: 'dms' } }, 'test/t: overrides.kafkaSettings.saslUsername is set by this construct; use saslSecret (usernameKey) instead.'],
    ['the CA certificate', { kafkaSettings: { sslCaCertificateArn: CERT('ca') } }, 'test/t: overrides.kafkaSettings.sslCaCertificateArn is set by this construct; use caCertificateArn instead.'],
    ['the message size', { kafkaSettings: { messageMaxBytes: 2000000 } }, 'test/t: overrides.kafkaSettings.messageMaxBytes is set by this construct; use messageMaxBytes instead.'],
    ['the engine', { engineName: 'kinesis' }, 'test/t: overrides.engineName is set by this construct; use the construct (engine kafka) instead.'],
    ['the TLS mode', { sslMode: 'none' }, 'test/t: overrides.sslMode is set by this construct; use securityProtocol instead.'],
    ['the settings key', { kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/abc' }, 'test/t: overrides.kmsKeyArn is set by this construct; use kmsKeyArn instead.'],
    ['a SASL password', { kafkaSettings: { saslPassword: 'hunter2' } }, 'test/t: overrides.kafkaSettings.saslPassword is a secret: as a resource argument it would be written in clear text to cdktf.out'],
    ['a client key password', { kafkaSettings: { sslClientKeyPassword: 'hunter2' } }, 'test/t: overrides.kafkaSettings.sslClientKeyPassword is a secret'],
    ['a top-level password', { password: 'hunter2' }, 'test/t: overrides.password is a secret'],
  ])('fails when overrides set %s', (_name, overrides, message) => {
    expect(() => new KafkaTargetEndpoint(newStack(), 't', { ...base, overrides: overrides as KafkaTargetEndpointProps['overrides'] })).toThrow(message);
  });

  test.each([
    ['plaintext', { securityProtocol: 'plaintext' as 'sasl-ssl' }, `test/t: securityProtocol "plaintext" sends the change data in clear text; use 'ssl-encryption' (TLS), 'ssl-authentication' (mutual TLS) or 'sasl-ssl' (SASL over TLS)`],
    ['a SASL password passed as a string', { securityProtocol: 'sasl-ssl' as const, saslSecret: { secretArn: SCRAM_SECRET }, saslPassword: 'hunter2' }, 'test/t: saslPassword would put the password into cdktf.out in clear text. Store it in Secrets Manager and pass saslSecret: { secretArn }.'],
    ['a client key password passed as a string', { sslClientKeyPassword: 'hunter2' }, 'test/t: sslClientKeyPassword would put the password into cdktf.out in clear text. Store it in Secrets Manager and pass clientKeyPassword: { secretArn, key }.'],
    ['sasl-ssl has no saslSecret', { securityProtocol: 'sasl-ssl' as const }, "test/t: securityProtocol 'sasl-ssl' needs saslSecret"],
    ['saslSecret is given with ssl-encryption', { saslSecret: { secretArn: SCRAM_SECRET } }, "test/t: saslSecret and saslMechanism are for securityProtocol 'sasl-ssl'; this endpoint uses 'ssl-encryption'."],
    ['sasl-ssl has a private CA', { securityProtocol: 'sasl-ssl' as const, saslSecret: { secretArn: SCRAM_SECRET }, caCertificateArn: CERT('ca') }, 'test/t: caCertificateArn is set with \'sasl-ssl\', but DMS "supports only public CA backed SASL/SSL"'],
    ['ssl-authentication lacks the client key', { securityProtocol: 'ssl-authentication' as const, clientCertificateArn: CERT('c') }, "test/t: securityProtocol 'ssl-authentication' needs clientCertificateArn and clientKeyArn"],
    ['a client certificate is given with ssl-encryption', { clientCertificateArn: CERT('c') }, "test/t: clientCertificateArn, clientKeyArn and clientKeyPassword are for securityProtocol 'ssl-authentication'"],
    ['SASL PLAIN against MSK', { brokers: { cluster: MSK }, securityProtocol: 'sasl-ssl' as const, saslSecret: { secretArn: SCRAM_SECRET }, saslMechanism: 'plain' as const }, "test/t: saslMechanism 'plain' with an MSK cluster"],
    ['a broker has no port', { brokers: ['kafka-1.corp.internal'] }, 'test/t: brokers entry "kafka-1.corp.internal" is not "host:port"'],
    ['brokers is empty', { brokers: [] }, 'test/t: brokers is empty'],
    ['the topic mixes "." and "_"', { topic: 'orders.cdc_v1' }, 'test/t: topic "orders.cdc_v1" mixes "." and "_"'],
    ['the topic has a space', { topic: 'orders cdc' }, 'test/t: topic "orders cdc" must be 1-255 letters, digits'],
    ['messageMaxBytes is above 1 MiB', { messageMaxBytes: 2000000 }, 'test/t: messageMaxBytes 2000000 is outside 1-1048576: DMS "supports a maximum message size of 1 MiB for a Kafka target"'],
    ['messageFormat is not JSON', { messageFormat: 'avro' as 'json' }, 'test/t: messageFormat "avro" is not one of json, json-unformatted'],
  ])('fails when %s', (_name, extra, message) => {
    expect(() => new KafkaTargetEndpoint(newStack(), 't', { ...base, ...(extra as Partial<KafkaTargetEndpointProps>) })).toThrow(message);
  });
});

describe('TableMappings.mapToKafkaTopic', () => {
  test('writes the object-mapping rule DMS documents for a topic per table', () => {
    const doc = new TableMappings().include({ schema: 'retail' }).mapToKafkaTopic({ schema: 'retail', table: 'orders' }, 'retail-orders').toDocument();
    expect(doc.rules[1]).toEqual({
      'rule-type': 'object-mapping',
      'rule-id': '2',
      'rule-name': '2',
      'rule-action': 'map-record-to-record',
      'kafka-target-topic': 'retail-orders',
      'object-locator': { 'schema-name': 'retail', 'table-name': 'orders' },
    });
  });

  test('fails when the topic is not a Kafka topic name', () => {
    expect(() => new TableMappings().mapToKafkaTopic({ schema: 'retail', table: 'orders' }, 'retail/orders')).toThrow('mapToKafkaTopic(retail.orders): topic "retail/orders" must be 1-255 letters');
  });
});

describe('DmsMigration with target kind kafka', () => {
  const migrate = (extra: Record<string, unknown> = {}, mappings = new TableMappings().include({ schema: 'retail' }).mapToKafkaTopic({ schema: 'retail', table: 'orders' }, 'retail-orders')) => {
    const stack = newStack();
    const m = new DmsMigration(stack, 'm', {
      network,
      accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
      source: { kind: 'mysql', serverName: 'shop.db', secret: PG_SECRET, egressCidr: SOURCE_NET },
      target: { kind: 'kafka', brokers: { cluster: MSK }, securityProtocol: 'sasl-ssl', saslSecret: { secretArn: SCRAM_SECRET }, topic: 'retail-other', connections: { connections: new Connections(stack, { securityGroupId: 'sg-msk', description: 'msk' }) } },
      tableMappings: mappings,
      ...extra,
    });
    return { stack, m };
  };

  test('one topic for the rest, one per mapped table; task settings of a streaming target (no validation, limited LOBs, no target preparation)', () => {
    const { stack, m } = migrate();
    expect(m.target).toBeInstanceOf(KafkaTargetEndpoint);
    const out = synth(stack);
    const task = one(out, 'aws_dms_replication_task');
    expect(JSON.parse(task.table_mappings).rules).toContainEqual(expect.objectContaining({ 'rule-type': 'object-mapping', 'kafka-target-topic': 'retail-orders' }));
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 });
    expect(settings.FullLoadSettings.TargetTablePrepMode).toBe('DO_NOTHING');
    expect(m.applyExceptions).toBeUndefined();
  });

  test.each([
    ['full LOB mode is asked for', { settings: { lob: { mode: 'full' } } }, 'Kafka targets take messages of at most 1 MiB'],
    ['inline LOB mode is asked for', { settings: { lob: { mode: 'inline' } } }, 'Kafka targets take messages of at most 1 MiB'],
    ['validation is turned on', { settings: { validation: true } }, 'ValidationSettings.EnableValidation is on for a Kafka target'],
    ['monitoring.applyExceptions is set', { monitoring: { applyExceptions: { periodMinutes: 10 } } }, 'monitoring.applyExceptions is set, but the target is kafka'],
  ])('fails when %s', (_name, extra, message) => {
    expect(() => migrate(extra)).toThrow(message);
  });

  test('fails when mapToKafkaTopic rules go to a target that is not Kafka', () => {
    const stack = newStack();
    expect(
      () =>
        new DmsMigration(stack, 'm', {
          network,
          accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
          source: { kind: 'mysql', serverName: 'shop.db', secret: PG_SECRET, egressCidr: SOURCE_NET },
          target: { kind: 'kinesis', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/s' } },
          tableMappings: new TableMappings().include({ schema: 'retail' }).mapToKafkaTopic({ schema: 'retail' }, 'retail'),
        }),
    ).toThrow("test/m: tableMappings send tables to Kafka topics (retail) but the target is kinesis. Use target kind 'kafka', or drop the mapToKafkaTopic rules.");
  });
});
