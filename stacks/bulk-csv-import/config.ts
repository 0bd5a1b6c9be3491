/**
 * Configuration of the bulk-csv-import example project: one typed entry per environment.
 * A forked project edits this file (names, region, CIDRs, engine, sizes) and nothing else to get started.
 */
import type { AlarmSubscription } from '../../modules/core';
import type { PostgresEngine } from '../../modules/private-postgres';

export interface BulkCsvImportConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly databaseName: string;
  /** `postgres` (RDS for PostgreSQL) or `aurora-postgresql`: both have the aws_s3 extension and the s3Import feature. */
  readonly engine: PostgresEngine;
  readonly instanceClass?: string;
  /** Who hears the loader's alarms (errors, throttles, dead letters); subscribed at deploy, confirmed by the recipient. */
  readonly alarmSubscriptions?: readonly AlarmSubscription[];
}

const shared = {
  project: 'bulkcsv',
  region: 'eu-west-2',
  stateBucket: 'bulkcsv-terraform-state',
  availabilityZones: ['eu-west-2a', 'eu-west-2b'],
  databaseName: 'warehouse',
} as const;

export const CONFIG: Record<'staging' | 'production', BulkCsvImportConfig> = {
  staging: { ...shared, environment: 'staging', production: false, vpcCidr: '10.50.0.0/16', engine: 'postgres' },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.51.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    engine: 'aurora-postgresql',
    instanceClass: 'db.r7g.large',
    // SNS emails a confirmation link first: the subscription delivers once the recipient clicks it.
    alarmSubscriptions: [{ protocol: 'email', endpoint: 'data-platform-oncall@example.com' }],
  },
};
