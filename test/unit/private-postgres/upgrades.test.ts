import { majorOf, parameterGroupFamily, PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { onlyResource, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

function synth(props: Partial<PrivatePostgresProps> = {}) {
  const stack = testStack();
  new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...props });
  return synthJson(stack);
}

describe('PrivatePostgres major version upgrades (issue 14 item 2)', () => {
  test.each([
    ['postgres', '16', 'postgres16', 'aws_db_parameter_group'],
    ['postgres', '17', 'postgres17', 'aws_db_parameter_group'],
    ['aurora-postgresql', '16', 'aurora-postgresql16', 'aws_rds_cluster_parameter_group'],
    ['aurora-postgresql', '17', 'aurora-postgresql17', 'aws_rds_cluster_parameter_group'],
  ] as const)('%s %s: the parameter group family follows the engine version (%s), replaced before destroy under a name prefix', (engine, engineVersion, family, type) => {
    const group = onlyResource(synth({ engine, engineVersion }), type);
    expect(group.family).toBe(family);
    // family forces a new group: with a name prefix and create_before_destroy the new group exists (under a new
    // generated name) before the instance moves to it, so the old one is never deleted while in use.
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(group.name_prefix).toMatch(/^demo-staging-db(-cluster)?-$/);
    expect(group.name).toBeUndefined();
  });

  test('no upgrade in progress: allow_major_version_upgrade stays false', () => {
    expect(onlyResource(synth(), 'aws_db_instance').allow_major_version_upgrade).toBe(false);
    expect(onlyResource(synth({ engine: 'aurora-postgresql' }), 'aws_rds_cluster').allow_major_version_upgrade).toBe(false);
  });

  test('RDS 16 -> 17: allowed with the declared previous version; the instance moves to a postgres17 group', () => {
    const json = synth({ engineVersion: '17', previousEngineVersion: '16', allowMajorVersionUpgrade: true });
    expect(onlyResource(json, 'aws_db_instance')).toMatchObject({ engine_version: '17', allow_major_version_upgrade: true });
    expect(onlyResource(json, 'aws_db_instance').parameter_group_name).toMatch(/aws_db_parameter_group\..*\.name/);
    expect(onlyResource(json, 'aws_db_parameter_group').family).toBe('postgres17');
  });

  test('Aurora 16 -> 17: the cluster carries the flag and an aurora-postgresql17 cluster parameter group', () => {
    const json = synth({ engine: 'aurora-postgresql', engineVersion: '17', previousEngineVersion: '16.6', allowMajorVersionUpgrade: true });
    expect(onlyResource(json, 'aws_rds_cluster')).toMatchObject({ engine_version: '17', allow_major_version_upgrade: true });
    expect(onlyResource(json, 'aws_rds_cluster_parameter_group').family).toBe('aurora-postgresql17');
  });

  test('a minor change with the same major needs no flag', () => {
    expect(onlyResource(synth({ engineVersion: '17', previousEngineVersion: '17.2' }), 'aws_db_instance').allow_major_version_upgrade).toBe(false);
  });

  test.each([
    ['the major changes without allowMajorVersionUpgrade', { engineVersion: '17', previousEngineVersion: '16' }, /upgrades the major version from "16" \(parameter group family postgres16 -> postgres17\): set allowMajorVersionUpgrade: true/],
    ['Aurora: the major changes without allowMajorVersionUpgrade', { engine: 'aurora-postgresql', engineVersion: '17', previousEngineVersion: '16.6' }, /aurora-postgresql16 -> aurora-postgresql17/],
    ['allowMajorVersionUpgrade has no previous version', { engineVersion: '17', allowMajorVersionUpgrade: true }, /allowMajorVersionUpgrade needs previousEngineVersion/],
    ['the version goes down a major', { engineVersion: '16', previousEngineVersion: '17', allowMajorVersionUpgrade: true }, /RDS cannot downgrade a major version/],
    ['the previous version is not a version', { engineVersion: '17', previousEngineVersion: 'latest', allowMajorVersionUpgrade: true }, /previousEngineVersion "latest" is not a PostgreSQL version/],
  ] as const)('fails when %s', (_name, props, message) => {
    expect(() => synth(props as Partial<PrivatePostgresProps>)).toThrow(message);
  });

  test('two databases in one stack may upgrade independently', () => {
    const stack = testStack();
    new PrivatePostgres(stack, 'a', { network: TWO_AZ_NETWORK, databaseName: 'a', component: 'a-db', engineVersion: '17', previousEngineVersion: '16', allowMajorVersionUpgrade: true });
    new PrivatePostgres(stack, 'b', { network: TWO_AZ_NETWORK, databaseName: 'b', component: 'b-db', engineVersion: '16' });
    const json = synthJson(stack);
    expect(resources(json, 'aws_db_parameter_group').map((g) => g.family).sort()).toEqual(['postgres16', 'postgres17']);
  });

  test('helpers', () => {
    expect(majorOf('16.6')).toBe(16);
    expect(majorOf('17')).toBe(17);
    expect(majorOf('x')).toBeNaN();
    expect(parameterGroupFamily('aurora-postgresql', '15.10')).toBe('aurora-postgresql15');
  });
});
