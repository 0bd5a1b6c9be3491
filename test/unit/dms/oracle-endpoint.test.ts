import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsMigration, OracleSourceEndpoint, OracleSourceEndpointProps, TableMappings } from '../../../modules/dms-migration';
import { Testing } from '../../../modules/core';
import { checkStack } from '../../../tools/policy-check/engine';
import { all, network, newStack, one, PG_SECRET, statements, synth, TARGET_NET } from './helpers';

/**
 * Synth-level tests of the Oracle source endpoint. No Oracle database (or DMS) runs here: these check what Terraform
 * is given, not that DMS connects, reads the redo, or accepts the wallet.
 */
const WALLET = 'arn:aws:dms:eu-west-2:123456789012:cert:ORACLEWALLET';
const base = (over: Partial<OracleSourceEndpointProps> = {}): OracleSourceEndpointProps => ({
  component: 'erp',
  serverAddress: '10.20.30.50',
  databaseName: 'ERP',
  certificateArn: WALLET,
  secret: PG_SECRET,
  ...over,
});

describe('OracleSourceEndpoint', () => {
  test('engine oracle, port 1521, the login secret + access role, no password or server details, TLS verify-ca with the wallet', () => {
    const stack = newStack();
    const ep = new OracleSourceEndpoint(stack, 'src', base());
    const out = synth(stack);
    const e = one(out, 'aws_dms_endpoint');
    expect(e).toMatchObject({
      engine_name: 'oracle',
      endpoint_type: 'source',
      database_name: 'ERP',
      ssl_mode: 'verify-ca',
      certificate_arn: WALLET,
      secrets_manager_arn: PG_SECRET.secretArn,
      secrets_manager_access_role_arn: expect.stringContaining('aws_iam_role'),
    });
    for (const k of ['password', 'username', 'server_name', 'port']) expect(e).not.toHaveProperty(k);
    // LogMiner is DMS's default: no capture attributes.
    expect(e.extra_connection_attributes).toBeUndefined();
    expect(ep.port).toBe(1521);
    expect(ep.oracleCaptureMode).toBe('logminer');
    expect(statements(out)).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PG_SECRET.secretArn })]));
  });

  test('binary-reader emits useLogminerReader=N;useBfile=Y; extra attributes are appended', () => {
    const stack = newStack();
    new OracleSourceEndpoint(stack, 'src', base({ mode: 'binary-reader', facts: { continuous: true, container: 'pdb' }, extraConnectionAttributes: 'exposeViews=true' }));
    expect(one(synth(stack), 'aws_dms_endpoint').extra_connection_attributes).toBe('useLogminerReader=N;useBfile=Y;exposeViews=true;');
  });

  test('binary-reader on RDS for Oracle 12.1: the path-prefix attributes from databaseName', () => {
    const stack = newStack();
    new OracleSourceEndpoint(stack, 'src', base({ serverAddress: 'erp.abc.eu-west-2.rds.amazonaws.com', databaseName: 'ORCL', mode: 'binary-reader', facts: { continuous: true, hosting: 'rds', version: '12.1.0.2.v7' } }));
    expect(one(synth(stack), 'aws_dms_endpoint').extra_connection_attributes).toBe(
      'useLogminerReader=N;useBfile=Y;accessAlternateDirectly=false;useAlternateFolderForOnline=true;oraclePathPrefix=/rdsdbdata/db/ORCL_A/;usePathPrefix=/rdsdbdata/log/;replacePathPrefix=true;',
    );
  });

  test('without a secret: an empty KMS-encrypted secret whose put command carries host and port 1521', () => {
    const stack = newStack();
    const ep = new OracleSourceEndpoint(stack, 'src', base({ secret: undefined }));
    const out = synth(stack);
    expect(one(out, 'aws_secretsmanager_secret').kms_key_id).toContain('aws_kms_key');
    expect(all(out, 'aws_secretsmanager_secret_version')).toHaveLength(0);
    expect(ep.createdSecret!.putSecretValueCommand).toContain('"host":"10.20.30.50","port":1521}');
  });

  test.each<[string, Partial<OracleSourceEndpointProps>, string]>([
    ['sslMode require (DMS Oracle: none or verify-ca only)', { sslMode: 'require' as 'verify-ca' }, `sslMode "require": DMS Oracle endpoints support only the SSL modes none and verify-ca`],
    ['sslMode none', { sslMode: 'none' as 'verify-ca' }, "Use sslMode 'verify-ca' (the default) with certificateArn."],
    ['no certificateArn', { certificateArn: '' }, 'certificateArn is not set: Oracle TLS (verify-ca) needs the Oracle wallet imported as a DMS certificate'],
    ['a certificateArn that is not a DMS certificate', { certificateArn: 'arn:aws:acm:eu-west-2:123456789012:certificate/x' }, 'is not a DMS certificate ARN'],
    ['an unknown mode', { mode: 'xstream' as 'logminer' }, 'mode "xstream" is not one of logminer, binary-reader.'],
    ['LogMiner on a PDB', { facts: { continuous: true, container: 'pdb' } }, "mode 'logminer' is impossible: LogMiner does not support connections to a pluggable database"],
    ['Binary Reader on ASM', { mode: 'binary-reader', facts: { continuous: true, asm: true } }, 'SecretsManagerOracleAsmSecretId'],
    ['archivedLogsOnly with LogMiner', { options: { archivedLogsOnly: true } }, 'options.archivedLogsOnly is a Binary Reader setting'],
  ])('fails at synth when %s, naming the construct and prop', (_name, over, message) => {
    expect(() => new OracleSourceEndpoint(newStack(), 'src', base(over))).toThrow(`test/src: `);
    expect(() => new OracleSourceEndpoint(newStack(), 'src', base(over))).toThrow(message);
  });
});

describe('DmsMigration with an Oracle source', () => {
  const parts = () => {
    const stack = newStack();
    return { stack, roles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }) };
  };
  const mappings = () => new TableMappings().include({ schema: 'ERP' });
  const target = { kind: 'postgres' as const, serverName: 'db', databaseName: 'app', secret: PG_SECRET, egressCidr: TARGET_NET };

  test("source kind 'oracle': an oracle endpoint, egress to the on-premises IP on 1521, validation on (DMS validates Oracle sources)", () => {
    const { stack, roles } = parts();
    const m = new DmsMigration(stack, 'm', {
      network,
      accountRoles: roles,
      source: { kind: 'oracle', serverAddress: '10.20.30.50', databaseName: 'ERP', certificateArn: WALLET, mode: 'binary-reader', facts: { continuous: true, highRedoVolume: true } },
      target,
      tableMappings: mappings(),
    });
    const out = synth(stack);
    const source = all(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'source')!;
    expect(source).toMatchObject({ engine_name: 'oracle', ssl_mode: 'verify-ca', extra_connection_attributes: 'useLogminerReader=N;useBfile=Y;' });
    expect(all(out, 'aws_vpc_security_group_egress_rule').some((r) => r.cidr_ipv4 === '10.20.30.50/32' && r.from_port === 1521)).toBe(true);
    const settings = JSON.parse(one(out, 'aws_dms_replication_task').replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    expect(m.task.migrationType).toBe('full-load-and-cdc');
  });

  test('the policy check passes the synthesized Oracle migration (DMS-SSL verify-ca with the wallet; only the on-source login rotation is left to waive)', () => {
    const { stack, roles } = parts();
    new DmsMigration(stack, 'm', {
      network,
      accountRoles: roles,
      source: { kind: 'oracle', serverAddress: '10.20.30.50', databaseName: 'ERP', certificateArn: WALLET, facts: { continuous: true } },
      target,
      tableMappings: mappings(),
    });
    const findings = checkStack('demo-staging', JSON.parse(Testing.synth(stack)) as never).findings.filter((f) => !f.waived);
    expect(findings.map((f) => `${f.rule} ${f.address.replace(/_[0-9A-F]{8}$/, '')}`)).toEqual(['SECRETS-ROTATION aws_secretsmanager_secret.m_source_login_secret']);
  });

  test('a full-load-only Oracle source with migrationType full-load', () => {
    const { stack, roles } = parts();
    const m = new DmsMigration(stack, 'm', {
      network,
      accountRoles: roles,
      source: { kind: 'oracle', serverAddress: '10.20.30.50', databaseName: 'ERP', certificateArn: WALLET, facts: { continuous: false, edition: 'express', version: '21' } },
      target,
      migrationType: 'full-load',
      tableMappings: mappings(),
    });
    expect(m.task.migrationType).toBe('full-load');
  });

  test('fails when a full-load-only Oracle source gets the default CDC task', () => {
    const { stack, roles } = parts();
    expect(
      () =>
        new DmsMigration(stack, 'm', {
          network,
          accountRoles: roles,
          source: { kind: 'oracle', serverAddress: '10.20.30.50', databaseName: 'ERP', certificateArn: WALLET, facts: { continuous: false } },
          target,
          tableMappings: mappings(),
        }),
    ).toThrow("test/m: source.facts.continuous is false (the Oracle source is set up for full loads only), but migrationType is unset (default 'full-load-and-cdc'). Set migrationType: 'full-load'");
  });

  test('fails at synth on a bad Oracle source, naming the source construct', () => {
    const { stack, roles } = parts();
    expect(
      () =>
        new DmsMigration(stack, 'm', {
          network,
          accountRoles: roles,
          source: { kind: 'oracle', serverAddress: '10.20.30.50', databaseName: 'CDB$ROOT', certificateArn: WALLET, mode: 'binary-reader', facts: { continuous: true, container: 'cdb-root' } },
          target,
          tableMappings: mappings(),
        }),
    ).toThrow("test/m/source: facts.container 'cdb-root': DMS does not support the container root CDB$ROOT as a source");
  });
});
