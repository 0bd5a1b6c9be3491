import { Connections } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import {
  DmsEndpointOverrides,
  DmsMigration,
  GenericDmsEndpoint,
  KinesisTargetEndpoint,
  MySqlSourceEndpoint,
  PostgresSourceEndpoint,
  PostgresTargetEndpoint,
  S3TargetEndpoint,
  TableMappings,
} from '../../../modules/dms-migration';
import { all, network, newStack, one, PG_SECRET, statements, synth, TARGET_NET } from './helpers';

// A fork reaches provider arguments the kit does not type, without editing the module: the `overrides` prop (typed by
// the provider's DmsEndpointConfig / DmsS3EndpointConfig), the provider resource on `endpoint` (its typed setters),
// and GenericDmsEndpoint for engines the kit does not type.

const BUCKET = { bucketName: 'demo-lake', bucketArn: 'arn:aws:s3:::demo-lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/lake' };
const SOURCE = { component: 'old', serverName: 'old.db', databaseName: 'app', secret: PG_SECRET };
const KMS = 'arn:aws:kms:eu-west-2:123456789012:key/endpoint';

describe('overrides on typed endpoints', () => {
  test('an untyped argument and an untyped PostgreSQL setting reach the resource; the module\'s settings stay', () => {
    const stack = newStack();
    new PostgresSourceEndpoint(stack, 'src', { ...SOURCE, slotName: 'dms_slot', overrides: { kmsKeyArn: KMS, tags: { owner: 'fork' }, postgresSettings: { databaseMode: 'default' } } });
    const ep = one(synth(stack), 'aws_dms_endpoint');
    expect(ep.kms_key_arn).toBe(KMS);
    expect(ep.tags).toEqual({ owner: 'fork' });
    // Merged key by key over the module's block, not in place of it.
    expect(ep.postgres_settings).toEqual({ database_mode: 'default', slot_name: 'dms_slot', plugin_name: 'test-decoding', heartbeat_enable: true, heartbeat_frequency: 5, fail_tasks_on_lob_truncation: true });
    expect(ep.secrets_manager_arn).toBe(PG_SECRET.secretArn);
  });

  test('the provider resource is public: its typed setters apply after the module', () => {
    const stack = newStack();
    const ep = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'h', secret: PG_SECRET });
    ep.endpoint.putTimeouts({ create: '20m' });
    expect(one(synth(stack), 'aws_dms_endpoint').timeouts).toEqual({ create: '20m' });
  });

  test('S3 target: an untyped S3 argument; Kinesis: an untyped Kinesis setting', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET, overrides: { cannedAclForObjects: 'bucket-owner-full-control', addTrailingPaddingCharacter: true } });
    new KinesisTargetEndpoint(stack, 'k', { component: 'changes', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes' }, overrides: { kinesisSettings: { messageFormat: 'json-unformatted' } } });
    const out = synth(stack);
    expect(one(out, 'aws_dms_s3_endpoint')).toMatchObject({ canned_acl_for_objects: 'bucket-owner-full-control', add_trailing_padding_character: true, data_format: 'parquet' });
    expect(one(out, 'aws_dms_endpoint').kinesis_settings).toMatchObject({ message_format: 'json-unformatted', stream_arn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes', use_large_integer_value: true });
  });

  // What the types already keep out, a cast (or plain JavaScript) can pass: the synth check refuses it.
  const owned = (o: object) => o as DmsEndpointOverrides;
  test.each([
    [owned({ sslMode: 'none' }), 'test/src: overrides.sslMode is set by this construct; use sslMode instead.'],
    [owned({ endpointId: 'x' }), 'test/src: overrides.endpointId is set by this construct; use component (the physical name derives from it) instead.'],
    [{ certificateArn: 'arn:aws:dms:eu-west-2:123456789012:cert:X' }, 'test/src: overrides.certificateArn is set by this construct; use certificateArn (e.g. DmsCertificate.certificateArn) instead.'],
    [{ extraConnectionAttributes: 'a=b' }, 'test/src: overrides.extraConnectionAttributes is set by this construct; use extraConnectionAttributes instead.'],
    [{ postgresSettings: { slotName: 'other' } }, 'test/src: overrides.postgresSettings.slotName is set by this construct; use slotName instead.'],
    [{ postgresSettings: { heartbeatFrequency: 1 } }, 'test/src: overrides.postgresSettings.heartbeatFrequency is set by this construct; use heartbeatFrequencyMinutes instead.'],
    [owned({ secretsManagerArn: 'arn' }), 'test/src: overrides.secretsManagerArn is set by this construct; use secret instead.'],
  ])('fails when overrides set a key the module owns: %j', (overrides, message) => {
    expect(() => new PostgresSourceEndpoint(newStack(), 'src', { ...SOURCE, overrides })).toThrow(message);
  });

  test.each([
    [{ password: 'hunter2' }, 'password'],
    [{ kafkaSettings: { broker: 'b:9092', saslPassword: 'hunter2' } }, 'kafkaSettings.saslPassword'],
    [{ kafkaSettings: { broker: 'b:9092', sslClientKeyPassword: 'hunter2' } }, 'kafkaSettings.sslClientKeyPassword'],
    [{ redisSettings: { authType: 'auth-token', port: 6379, serverName: 'r', authPassword: 'hunter2' } }, 'redisSettings.authPassword'],
  ])('fails when overrides carry a secret (%#): it would be written to cdktf.out and the state', (overrides, path) => {
    expect(() => new PostgresSourceEndpoint(newStack(), 'src', { ...SOURCE, overrides: overrides as DmsEndpointOverrides })).toThrow(
      `test/src: overrides.${path} is a secret: as a resource argument it would be written in clear text to cdktf.out and to the Terraform state.`,
    );
  });

  test('fails when S3 target overrides set a typed S3 setting', () => {
    expect(() => new S3TargetEndpoint(newStack(), 's3', { component: 'lake', bucket: BUCKET, overrides: { dataFormat: 'csv' } })).toThrow('test/s3: overrides.dataFormat is set by this construct; use format instead.');
    expect(() => new S3TargetEndpoint(newStack(), 's3', { component: 'lake', bucket: BUCKET, overrides: { rowGroupLength: 5 } })).toThrow('test/s3: overrides.rowGroupLength is set by this construct; use parquet.rowGroupLength instead.');
  });

  test('fails when Kinesis overrides replace the stream', () => {
    expect(
      () =>
        new KinesisTargetEndpoint(newStack(), 'k', {
          component: 'changes',
          stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes' },
          overrides: { kinesisSettings: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/other' } },
        }),
    ).toThrow('test/k: overrides.kinesisSettings.streamArn is set by this construct; use stream instead.');
  });
});

describe('GenericDmsEndpoint: any engine with a login secret', () => {
  test('a MongoDB source: login secret with its access role, TLS require, engine settings from overrides and the typed setter', () => {
    const stack = newStack();
    const db = new Connections(stack, { securityGroupId: 'sg-mongo', description: 'mongodb catalog' });
    const ep = new GenericDmsEndpoint(stack, 'mongo', {
      component: 'catalog',
      engineName: 'mongodb',
      endpointType: 'source',
      serverName: 'mongo.internal',
      port: 27017,
      databaseName: 'catalog',
      secret: PG_SECRET,
      connections: { connections: db },
      overrides: { mongodbSettings: { authMechanism: 'scram-sha-1', nestingLevel: 'one' } },
    });
    ep.endpoint.putTimeouts({ delete: '30m' });
    const out = synth(stack);
    const resource = one(out, 'aws_dms_endpoint');
    expect(resource).toMatchObject({
      endpoint_id: 'demo-staging-catalog-source',
      engine_name: 'mongodb',
      endpoint_type: 'source',
      ssl_mode: 'require',
      secrets_manager_arn: PG_SECRET.secretArn,
      secrets_manager_access_role_arn: expect.stringContaining('aws_iam_role'),
      mongodb_settings: { auth_mechanism: 'scram-sha-1', nesting_level: 'one' },
      timeouts: { delete: '30m' },
    });
    expect(resource).not.toHaveProperty('password');
    expect(statements(out)).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PG_SECRET.secretArn })]));
    expect(ep.port).toBe(27017);
  });

  test('DmsMigration takes kind "custom" for source and target (Db2 into SAP ASE), and opens the path on the port', () => {
    const stack = newStack();
    const roles = new DmsAccountRoles(stack, 'roles', { mode: 'create' });
    const db2 = new Connections(stack, { securityGroupId: 'sg-db2', description: 'db2 ledger' });
    const migration = new DmsMigration(stack, 'm', {
      network,
      accountRoles: roles,
      source: { kind: 'custom', engineName: 'db2', serverName: 'db2.internal', port: 50000, databaseName: 'LEDGER', secret: PG_SECRET, connections: { connections: db2 } },
      target: { kind: 'custom', engineName: 'sybase', serverName: 'ase.internal', port: 5000, databaseName: 'ledger', secret: PG_SECRET, egressCidr: TARGET_NET },
      migrationType: 'full-load',
      tableMappings: new TableMappings().include({ schema: 'LEDGER' }),
    });
    const out = synth(stack);
    const endpoints = all(out, 'aws_dms_endpoint');
    expect(endpoints.map((e) => [e.engine_name, e.endpoint_type])).toEqual([
      ['db2', 'source'],
      ['sybase', 'target'],
    ]);
    expect(migration.target.targetKind).toBe('database');
    const rule = all(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-db2');
    expect(rule).toMatchObject({ from_port: 50000, to_port: 50000 });
    // The SAP ASE target is reached through its network (no security group here): egress on its port.
    const egress = all(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4 === TARGET_NET);
    expect(egress).toEqual([expect.objectContaining({ from_port: 5000, to_port: 5000, ip_protocol: 'tcp' })]);
    expect(one(out, 'aws_dms_replication_task').migration_type).toBe('full-load');
  });

  test.each([
    [{ engineName: 'postgres', endpointType: 'source' as const }, 'test/g: engineName "postgres" as a source has a typed endpoint with its own checks; use PostgresSourceEndpoint (kind "postgres"), whose overrides reach any argument it does not type.'],
    [{ engineName: 'sqlserver', endpointType: 'source' as const }, 'use SqlServerSourceEndpoint (kind "sqlserver")'],
    [{ engineName: 's3', endpointType: 'target' as const }, 'use S3TargetEndpoint (kind "s3")'],
    [{ engineName: 'dynamodb', endpointType: 'target' as const }, 'test/g: engineName "dynamodb" is not an engine that logs in with a Secrets Manager secret'],
    [{ engineName: 'mysql', endpointType: 'target' as const }, 'use MySqlTargetEndpoint (kind "mysql")'],
    [{ engineName: 'redshift', endpointType: 'target' as const }, 'test/g: engineName "redshift": DMS does not support SSL connections to Redshift target endpoints'],
    [{ engineName: 'oracle', endpointType: 'target' as const }, 'test/g: engineName "oracle": DMS Oracle endpoints take only the SSL modes none and verify-ca'],
    [{ engineName: 'db2', endpointType: 'both' as 'source' }, 'test/g: endpointType "both" must be \'source\' or \'target\'.'],
  ])('fails when %j', (bad, message) => {
    expect(() => new GenericDmsEndpoint(newStack(), 'g', { component: 'x', serverName: 'h', port: 1, secret: PG_SECRET, ...bad })).toThrow(message);
  });

  test('fails when a generic endpoint gets a secret argument or an owned key, like the typed ones', () => {
    const make = (overrides: object) => () =>
      new GenericDmsEndpoint(newStack(), 'g', { component: 'x', engineName: 'sybase', endpointType: 'source', serverName: 'h', port: 5000, secret: PG_SECRET, overrides: overrides as DmsEndpointOverrides });
    expect(make({ password: 'p' })).toThrow('test/g: overrides.password is a secret');
    expect(make({ username: 'u' })).toThrow('test/g: overrides.username is set by this construct; use secret (DMS reads the login from the Secrets Manager secret) instead.');
  });

  test('fails when a generic endpoint turns TLS off, like the typed ones', () => {
    expect(() => new GenericDmsEndpoint(newStack(), 'g', { component: 'x', engineName: 'sybase', endpointType: 'source', serverName: 'h', port: 5000, secret: PG_SECRET, sslMode: 'none' as 'require' })).toThrow(
      `test/g: sslMode "none" would send the login and the data in clear text`,
    );
  });
});

test('PostgresTargetEndpoint overrides reach the target too', () => {
  const stack = newStack();
  new PostgresTargetEndpoint(stack, 't', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET, maxFileSizeKb: 1024, overrides: { postgresSettings: { afterConnectScript: 'SET search_path = app' } } });
  expect(one(synth(stack), 'aws_dms_endpoint').postgres_settings).toEqual({ max_file_size: 1024, after_connect_script: 'SET search_path = app' });
});
