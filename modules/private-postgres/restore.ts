import { Construct } from 'constructs';
import { check, isResolved } from '../core';

/** A point in time of an existing database's automated backups to restore (within its backup retention). */
export interface PostgresPointInTime {
  /** RDS: identifier of the source DB instance, e.g. `billing-prod-db`. */
  readonly sourceDbInstanceIdentifier?: string;
  /** Aurora: identifier of the source DB cluster, e.g. `billing-prod-db`. */
  readonly sourceClusterIdentifier?: string;
  /** UTC time to restore to, RFC 3339 (`2026-12-01T22:15:00Z`); before the source's latest restorable time. */
  readonly restoreTime?: string;
  /** Restore to the latest restorable time (about five minutes ago) instead of `restoreTime`. */
  readonly useLatestRestorableTime?: boolean;
}

/**
 * Where a restored database comes from: a snapshot (RDS: DB snapshot; Aurora: DB cluster snapshot; name or, when
 * shared from another account, ARN) or a point in time of an existing database.
 */
export type PostgresRestoreSource =
  | {
      readonly snapshotIdentifier: string;
      /** RDS only, required: the key that encrypts the snapshot (see `RestoreSettings.kmsKeyArn`). */
      readonly kmsKeyArn?: string;
    }
  | {
      readonly pointInTime: PostgresPointInTime;
      /** RDS only, required: the key that encrypts the source instance. */
      readonly kmsKeyArn?: string;
    };

/** What a restore changes on the instance or cluster. */
export interface RestoreSettings {
  /** `snapshot_identifier` of aws_db_instance / aws_rds_cluster. */
  readonly snapshotIdentifier?: string;
  /** `restore_to_point_in_time` of aws_db_instance. */
  readonly instancePointInTime?: { sourceDbInstanceIdentifier: string; restoreTime?: string; useLatestRestorableTime?: boolean };
  /** `restore_to_point_in_time` of aws_rds_cluster (always a full copy: a copy-on-write clone depends on its source). */
  readonly clusterPointInTime?: { sourceClusterIdentifier: string; restoreToTime?: string; useLatestRestorableTime?: boolean; restoreType: 'full-copy' };
  /**
   * RDS: the storage key of the restored instance. RDS restores an instance under its snapshot's or source's key
   * (RestoreDBInstanceFromDBSnapshot and RestoreDBInstanceToPointInTime take no KmsKeyId), so the module's own key would
   * plan a replacement after the restore. Aurora restores re-encrypt under the module's key (KmsKeyId of
   * RestoreDBClusterFromSnapshot / RestoreDBClusterToPointInTime): undefined.
   */
  readonly kmsKeyArn?: string;
}

/**
 * Terraform reads the restore arguments only when it creates the database: ignoring later changes to them means that
 * adding, changing or removing `restoreFrom` on a deployed database never replaces it (both arguments force a new
 * resource in the AWS provider). A restore therefore always creates a new database (a new `component`).
 */
export const RESTORE_ARGUMENTS_CREATE_ONLY = ['snapshot_identifier', 'restore_to_point_in_time'];

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const SNAPSHOT = /^(arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:[A-Za-z0-9:-]+|[A-Za-z][A-Za-z0-9:-]{0,254})$/;

/** Synth-time checks of `restoreFrom` and the settings it maps to. */
export function resolveRestore(scope: Construct, engine: 'postgres' | 'aurora-postgresql', source: PostgresRestoreSource | undefined): RestoreSettings | undefined {
  if (source === undefined) return undefined;
  const aurora = engine === 'aurora-postgresql';
  const fromSnapshot = 'snapshotIdentifier' in source && source.snapshotIdentifier !== undefined;
  const fromTime = 'pointInTime' in source && source.pointInTime !== undefined;
  check(fromSnapshot !== fromTime, scope, 'restoreFrom takes exactly one of snapshotIdentifier or pointInTime.');
  const kmsKeyArn = source.kmsKeyArn;
  if (aurora) {
    check(kmsKeyArn === undefined, scope, 'restoreFrom.kmsKeyArn applies to RDS only: an Aurora restore re-encrypts the cluster under the module\'s key. Remove it.');
  } else {
    check(
      kmsKeyArn !== undefined && (!isResolved(kmsKeyArn) || /^arn:[a-z-]+:kms:/.test(kmsKeyArn)),
      scope,
      `restoreFrom.kmsKeyArn must be the ARN of the KMS key that encrypts the ${fromSnapshot ? 'snapshot' : 'source instance'} (got ${kmsKeyArn === undefined ? 'none' : `"${kmsKeyArn}"`}): RDS restores an instance under its source's key. Find it with aws rds describe-db-${fromSnapshot ? 'snapshots' : 'instances'} --query "*[].KmsKeyId", and keep that key until the restored database is gone.`,
    );
  }
  if (fromSnapshot) {
    const id = (source as { snapshotIdentifier: string }).snapshotIdentifier;
    check(!isResolved(id) || SNAPSHOT.test(id), scope, `restoreFrom.snapshotIdentifier "${id}" is not a ${aurora ? 'DB cluster' : 'DB'} snapshot name or ARN (e.g. "billing-prod-db-before-cutover" or "rds:billing-prod-db-2026-12-01-03-10").`);
    return { snapshotIdentifier: id, kmsKeyArn };
  }
  const pit = (source as { pointInTime: PostgresPointInTime }).pointInTime;
  const latest = pit.useLatestRestorableTime === true;
  check(latest !== (pit.restoreTime !== undefined), scope, 'restoreFrom.pointInTime takes exactly one of restoreTime or useLatestRestorableTime: true.');
  if (pit.restoreTime !== undefined && isResolved(pit.restoreTime)) {
    check(RFC3339_UTC.test(pit.restoreTime) && !Number.isNaN(Date.parse(pit.restoreTime)), scope, `restoreFrom.pointInTime.restoreTime "${pit.restoreTime}" must be a UTC time in RFC 3339, e.g. "2026-12-01T22:15:00Z".`);
  }
  if (aurora) {
    check(pit.sourceDbInstanceIdentifier === undefined && !!pit.sourceClusterIdentifier, scope, 'restoreFrom.pointInTime for Aurora takes sourceClusterIdentifier (the source DB cluster), not sourceDbInstanceIdentifier.');
    return {
      clusterPointInTime: { sourceClusterIdentifier: pit.sourceClusterIdentifier!, restoreToTime: pit.restoreTime, useLatestRestorableTime: latest || undefined, restoreType: 'full-copy' },
    };
  }
  check(pit.sourceClusterIdentifier === undefined && !!pit.sourceDbInstanceIdentifier, scope, 'restoreFrom.pointInTime for RDS takes sourceDbInstanceIdentifier (the source DB instance), not sourceClusterIdentifier.');
  return {
    instancePointInTime: { sourceDbInstanceIdentifier: pit.sourceDbInstanceIdentifier!, restoreTime: pit.restoreTime, useLatestRestorableTime: latest || undefined },
    kmsKeyArn,
  };
}
