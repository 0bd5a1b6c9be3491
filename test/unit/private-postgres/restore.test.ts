import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { onlyResource, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

const OLD_KEY = 'arn:aws:kms:eu-west-2:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666';

function synth(props: Partial<PrivatePostgresProps> = {}, production = false) {
  const stack = testStack({ production });
  new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', component: 'db-restored', ...props });
  return synthJson(stack);
}

describe('PrivatePostgres restoreFrom (issue 14 item 3: the rollback path)', () => {
  test('without restoreFrom nothing is restored, and the restore arguments are create-only either way', () => {
    const instance = onlyResource(synth(), 'aws_db_instance');
    expect(instance.snapshot_identifier).toBeUndefined();
    expect(instance.restore_to_point_in_time).toBeUndefined();
    expect(instance.db_name).toBe('app');
    expect(instance.lifecycle.ignore_changes).toEqual(['snapshot_identifier', 'restore_to_point_in_time']);
  });

  test('RDS from a snapshot: snapshot_identifier, the snapshot\'s key for storage, no db_name (it comes from the snapshot)', () => {
    const json = synth({ restoreFrom: { snapshotIdentifier: 'demo-prod-db-before-cutover', kmsKeyArn: OLD_KEY } }, true);
    const instance = onlyResource(json, 'aws_db_instance');
    expect(instance).toMatchObject({
      identifier: 'demo-prod-db-restored',
      snapshot_identifier: 'demo-prod-db-before-cutover',
      kms_key_id: OLD_KEY,
      storage_encrypted: true,
      manage_master_user_password: true,
      deletion_protection: true,
      multi_az: true,
      publicly_accessible: false,
    });
    expect(instance.db_name).toBeUndefined();
    expect(instance.restore_to_point_in_time).toBeUndefined();
    // The master secret and Performance Insights stay on the new database's own key.
    expect(instance.master_user_secret_kms_key_id).toMatch(/aws_kms_key\.db_key/);
    expect(instance.lifecycle.ignore_changes).toEqual(['snapshot_identifier', 'restore_to_point_in_time']);
  });

  test('RDS to a point in time of the failed database', () => {
    const instance = onlyResource(synth({ restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'demo-prod-db', restoreTime: '2026-12-01T22:15:00Z' }, kmsKeyArn: OLD_KEY } }), 'aws_db_instance');
    expect(instance.restore_to_point_in_time).toEqual({ source_db_instance_identifier: 'demo-prod-db', restore_time: '2026-12-01T22:15:00Z' });
    expect(instance.snapshot_identifier).toBeUndefined();
    expect(instance.kms_key_id).toBe(OLD_KEY);
  });

  test('RDS to the latest restorable time', () => {
    const instance = onlyResource(synth({ restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'demo-prod-db', useLatestRestorableTime: true }, kmsKeyArn: OLD_KEY } }), 'aws_db_instance');
    expect(instance.restore_to_point_in_time).toEqual({ source_db_instance_identifier: 'demo-prod-db', use_latest_restorable_time: true });
  });

  test('Aurora from a cluster snapshot, re-encrypted under the new cluster\'s key', () => {
    const cluster = onlyResource(synth({ engine: 'aurora-postgresql', restoreFrom: { snapshotIdentifier: 'arn:aws:rds:eu-west-2:111122223333:cluster-snapshot:ledger-before-cutover' } }), 'aws_rds_cluster');
    expect(cluster).toMatchObject({ snapshot_identifier: 'arn:aws:rds:eu-west-2:111122223333:cluster-snapshot:ledger-before-cutover', storage_encrypted: true });
    expect(cluster.kms_key_id).toMatch(/aws_kms_key\.db_key/);
    expect(cluster.database_name).toBeUndefined();
    expect(cluster.lifecycle.ignore_changes).toEqual(['snapshot_identifier', 'restore_to_point_in_time']);
  });

  test('Aurora to a point in time: a full copy (a copy-on-write clone would depend on the failed cluster)', () => {
    const cluster = onlyResource(synth({ engine: 'aurora-postgresql', restoreFrom: { pointInTime: { sourceClusterIdentifier: 'demo-staging-db', restoreTime: '2026-12-01T22:15:00.000Z' } } }), 'aws_rds_cluster');
    expect(cluster.restore_to_point_in_time).toEqual({ source_cluster_identifier: 'demo-staging-db', restore_to_time: '2026-12-01T22:15:00.000Z', restore_type: 'full-copy' });
  });

  test.each([
    ['both sources are given', { restoreFrom: { snapshotIdentifier: 's1', pointInTime: { sourceDbInstanceIdentifier: 'x', useLatestRestorableTime: true }, kmsKeyArn: OLD_KEY } }, /exactly one of snapshotIdentifier or pointInTime/],
    ['RDS has no source key', { restoreFrom: { snapshotIdentifier: 's1' } }, /restoreFrom.kmsKeyArn must be the ARN of the KMS key that encrypts the snapshot \(got none\)/],
    ['the key is not an ARN', { restoreFrom: { snapshotIdentifier: 's1', kmsKeyArn: 'alias/db' } }, /got "alias\/db"/],
    ['Aurora is given a key', { engine: 'aurora-postgresql', restoreFrom: { snapshotIdentifier: 's1', kmsKeyArn: OLD_KEY } }, /kmsKeyArn applies to RDS only/],
    ['the snapshot name is not one', { restoreFrom: { snapshotIdentifier: 'my snapshot', kmsKeyArn: OLD_KEY } }, /snapshotIdentifier "my snapshot" is not a DB snapshot name or ARN/],
    ['a point in time has both a time and latest', { restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'x', restoreTime: '2026-12-01T22:15:00Z', useLatestRestorableTime: true }, kmsKeyArn: OLD_KEY } }, /exactly one of restoreTime or useLatestRestorableTime/],
    ['a point in time has neither', { restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'x' }, kmsKeyArn: OLD_KEY } }, /exactly one of restoreTime or useLatestRestorableTime/],
    ['the time is not UTC RFC 3339', { restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'x', restoreTime: '2026-12-01 22:15' }, kmsKeyArn: OLD_KEY } }, /restoreTime "2026-12-01 22:15" must be a UTC time in RFC 3339/],
    ['RDS is given a cluster', { restoreFrom: { pointInTime: { sourceClusterIdentifier: 'x', useLatestRestorableTime: true }, kmsKeyArn: OLD_KEY } }, /for RDS takes sourceDbInstanceIdentifier/],
    ['Aurora is given an instance', { engine: 'aurora-postgresql', restoreFrom: { pointInTime: { sourceDbInstanceIdentifier: 'x', useLatestRestorableTime: true } } }, /for Aurora takes sourceClusterIdentifier/],
  ] as const)('fails when %s', (_name, props, message) => {
    expect(() => synth(props as unknown as Partial<PrivatePostgresProps>)).toThrow(message);
  });
});
