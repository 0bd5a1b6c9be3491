/**
 * Configuration of the csv-to-postgres example project: one typed entry per environment.
 * A forked project edits this file (names, region, CIDRs, sizes) and nothing else to get started.
 */
import type { AlarmSubscription, NetworkRef } from '../../modules/core';
import type { PostgresEngine } from '../../modules/private-postgres';
import type { ExistingBucket, NotificationMode, PartnerWriter } from '../../modules/s3-to-postgres-pipeline';

export interface CsvToPostgresConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly databaseName: string;
  readonly instanceClass?: string;
  /** Who hears the loader's alarms (errors, throttles, dead letters); subscribed at deploy, confirmed by the recipient. */
  readonly alarmSubscriptions?: readonly AlarmSubscription[];
  /**
   * Accounts or roles outside this project that drop files into the landing bucket, each on its routed prefixes.
   * They also need an IAM policy in their own account (see modules/s3-to-postgres-pipeline/README.md).
   */
  readonly partnerWriters?: readonly PartnerWriter[];
  /**
   * Load into a database that already exists instead of creating the VPC and the database (ExistingPostgres, see
   * modules/private-postgres/README.md "Adopting an existing database"). Create the landing tables first
   * (`psql -f stacks/csv-to-postgres/sql/landing-tables.sql` as the loader): nothing runs SQL on an adopted database.
   * @default none: a new VPC and PrivatePostgres
   */
  readonly existingDatabase?: CsvToPostgresExistingDatabase;
  /**
   * Load from a landing bucket that already exists instead of creating one (modules/s3-to-postgres-pipeline README):
   * `notifications: 'eventbridge'` leaves the bucket's other notifications alone (its owner switches EventBridge
   * delivery on); partner writers are then granted in the owner's policies, so `partnerWriters` must be unset.
   * @default none: the pipeline's own bucket with S3 notifications
   */
  readonly existingLandingBucket?: ExistingBucket & { readonly notifications: NotificationMode };
  /**
   * Rotation of the loader's password: `alternating-users` moves the secret between `loader` and `loader_clone`, so
   * the loader's pooled connections stay valid across a rotation (modules/private-postgres README).
   * @default 'single-user'
   */
  readonly loaderRotationStrategy?: 'single-user' | 'alternating-users';
}

/** The parts of an existing database the loader needs; the secret holds username, password, host, port and dbname. */
export interface CsvToPostgresExistingDatabase {
  /** Private subnets (and their route tables) that reach the database. */
  readonly network: NetworkRef;
  readonly address: string;
  /** @default 5432 */
  readonly port?: number;
  /** @default 'postgres' */
  readonly engine?: PostgresEngine;
  /** The database's security group: the loader is admitted to it on the port. */
  readonly securityGroupId: string;
  /** Secret of the `loader` login, which owns the landing schema. */
  readonly loaderSecretArn: string;
  /** CMK of the secret, when not aws/secretsmanager. */
  readonly secretKmsKeyArn?: string;
  /** The database's max_connections. */
  readonly connectionBudget: number;
}

const shared = {
  project: 'csvload',
  region: 'eu-west-2',
  stateBucket: 'csvload-terraform-state',
  availabilityZones: ['eu-west-2a', 'eu-west-2b'],
  databaseName: 'landing',
} as const;

export const CONFIG: Record<'staging' | 'production', CsvToPostgresConfig> = {
  // 444455556666 stands for the partner's staging account (AWS's documentation account id): replace it.
  staging: { ...shared, environment: 'staging', production: false, vpcCidr: '10.40.0.0/16', partnerWriters: [{ principal: '444455556666', prefixes: ['events/'] }] },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.41.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    instanceClass: 'db.m7g.large',
    // SNS emails a confirmation link first: the subscription delivers once the recipient clicks it.
    alarmSubscriptions: [{ protocol: 'email', endpoint: 'data-platform-oncall@example.com' }],
    // In production only the partner's uploader role may write, and only its own folder.
    partnerWriters: [{ principal: 'arn:aws:iam::444455556666:role/csv-uploader', prefixes: ['events/partner-a/'] }],
  },
};
