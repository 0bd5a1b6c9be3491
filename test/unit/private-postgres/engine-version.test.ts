import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { onlyResource, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

// Issue 17 "Defaults that hid problems": with auto_minor_version_upgrade on, terraform-provider-aws keeps a configured
// major ("17") while RDS runs 17.x (compareActualEngineVersion), but replaces a pinned "17.4" with the running version
// after an upgrade, so every later plan would try to set 17.4 again. test/engine-version-plan plans both against moto.
function synth(props: Partial<PrivatePostgresProps> = {}) {
  const stack = testStack();
  new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...props });
  return synthJson(stack);
}

describe('PrivatePostgres engine version with automatic minor upgrades', () => {
  test('RDS: a major with automatic minor upgrades on', () => {
    expect(onlyResource(synth(), 'aws_db_instance')).toMatchObject({ engine_version: '17', auto_minor_version_upgrade: true });
    expect(onlyResource(synth({ engineVersion: '16' }), 'aws_db_instance')).toMatchObject({ engine_version: '16', auto_minor_version_upgrade: true });
  });

  test('Aurora: the cluster and every instance carry the same major; the instances upgrade minors automatically', () => {
    const json = synth({ engine: 'aurora-postgresql', readerCount: 1 } as Partial<PrivatePostgresProps>);
    expect(onlyResource(json, 'aws_rds_cluster').engine_version).toBe('17');
    const instances = resources(json, 'aws_rds_cluster_instance');
    expect(instances.length).toBeGreaterThanOrEqual(1);
    for (const i of instances) expect(i).toMatchObject({ engine_version: '17', auto_minor_version_upgrade: true });
  });

  test.each([
    ['postgres', '17.4', '17'],
    ['postgres', '16.6', '16'],
    ['aurora-postgresql', '17.4', '17'],
    ['aurora-postgresql', '16.6', '16'],
  ] as const)('%s: fails at synth when engineVersion pins a minor (%s) and says to give the major', (engine, engineVersion, major) => {
    expect(() => synth({ engine, engineVersion })).toThrow(
      `test/db: engineVersion "${engineVersion}" pins a minor version, but RDS applies minor upgrades itself (auto_minor_version_upgrade is on): after the first one every plan would try to set "${engineVersion}" again, a downgrade. Give the major only: engineVersion: "${major}"`,
    );
  });

  test('a previous version may still be a full version (it is only compared by major)', () => {
    expect(onlyResource(synth({ engineVersion: '17', previousEngineVersion: '16.6', allowMajorVersionUpgrade: true }), 'aws_db_instance').engine_version).toBe('17');
  });
});
