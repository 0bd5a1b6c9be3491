import { PeerVpc } from '../../modules/network';

/**
 * Configuration of the product-graph example project (MySQL -> Neptune with Glue): one typed entry per environment.
 * The MySQL source is reached by address with its credentials in Secrets Manager; nothing secret lives here.
 */
export interface ProductGraphConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /** MySQL host reachable from the VPC (e.g. an Aurora MySQL cluster endpoint, peered or in this VPC). */
  readonly mysqlHost: string;
  readonly mysqlDatabase: string;
  /** Security group of the MySQL server: Glue is admitted to it on 3306 by security-group reference. */
  readonly mysqlSecurityGroupId: string;
  /** Secret with `{"username", "password"}` for a read-only MySQL user. */
  readonly mysqlSecretArn: string;
  /**
   * The customer managed key encrypting that secret. The secret lives in the sales account: a cross-account secret
   * must use a customer managed key, the crawler's and jobs' roles get kms:Decrypt on it via Secrets Manager, and the
   * sales account must allow those roles in the secret's resource policy and the key policy (see
   * modules/neptune-graph-migration/README.md). Without it, the plan fails when the secret is in another account.
   */
  readonly mysqlSecretKmsKeyArn?: string;
  readonly neptuneInstanceClass: string;
  /** Glue cron for the incremental orders job. */
  readonly incrementalSchedule: string;
  /**
   * Activate the incremental trigger. False until the first bulk load into the environment's cluster has finished
   * (run the bulk-load state machine, wait for it to succeed), then true and apply.
   */
  readonly incrementalScheduleEnabled: boolean;
  /**
   * Partitioned reads of the direct job (`directWrite.readPartitions`, see modules/neptune-graph-migration/README.md).
   * @default 1 (one query per table)
   */
  readonly directReadPartitions?: number;
  /**
   * The MySQL source lives in another VPC of this account and region: a `VpcPeering` to it (modules/network README),
   * and Glue's rule on `mysqlSecurityGroupId` waits for the peering. @default none (MySQL reachable from this VPC)
   */
  readonly mysqlPeerVpc?: PeerVpc;
}

const shared = {
  project: 'prodgraph',
  region: 'eu-west-2',
  stateBucket: 'prodgraph-terraform-state',
  mysqlDatabase: 'sales',
} as const;

export const CONFIG: Record<'staging' | 'production', ProductGraphConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    vpcCidr: '10.60.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b'],
    mysqlHost: 'sales-staging.cluster-ro-example.eu-west-2.rds.amazonaws.com',
    mysqlSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
    mysqlSecretArn: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:prodgraph/staging/mysql-reader-AbCdEf',
    mysqlSecretKmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/7f8091a2-b3c4-4d5e-8f60-718293a4b5c6',
    neptuneInstanceClass: 'db.t4g.medium',
    incrementalSchedule: 'cron(0/30 * * * ? *)',
    incrementalScheduleEnabled: false,
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.61.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    mysqlHost: 'sales-prod.cluster-ro-example.eu-west-2.rds.amazonaws.com',
    mysqlSecurityGroupId: 'sg-0f1e2d3c4b5a69788',
    mysqlSecretArn: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:prodgraph/prod/mysql-reader-GhIjKl',
    mysqlSecretKmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/8091a2b3-c4d5-4e6f-9071-8293a4b5c6d7',
    neptuneInstanceClass: 'db.r6g.large',
    incrementalSchedule: 'cron(0/15 * * * ? *)',
    incrementalScheduleEnabled: false,
  },
};
