import { SqlServerSourceFacts } from '../../modules/dms-migration';

/**
 * The playbook project: an on-premises SQL Server migrated continuously (full load + CDC) into a private
 * Postgres. One typed entry per environment; a forked project edits this file.
 */
export interface SqlServerToPostgresConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /**
   * `create` in the one stack per AWS account that owns dms-vpc-role / dms-cloudwatch-logs-role; `adopt` elsewhere.
   * Staging and production live in separate accounts here, so each creates its own.
   */
  readonly dmsAccountRoles: 'create' | 'adopt';
  readonly source: {
    /** The SQL Server's IP address, reached over the site-to-site VPN (the playbook: by IP, not by name). */
    readonly address: string;
    readonly port: number;
    readonly databaseName: string;
    /** Answers of templates/sqlserver/00-preflight-checks.sql: they choose the capture mode. */
    readonly facts: SqlServerSourceFacts;
    /**
     * ARN of a DMS source endpoint made outside this stack (e.g. by the platform team, with its secret), adopted with
     * ExistingDmsEndpoint (modules/dms-migration README, "Adopting endpoints by ARN"): no endpoint or secret is created
     * here; the replication instance still gets egress to `address` on `port`.
     * @default none: the stack creates the endpoint and the secret
     */
    readonly existingEndpointArn?: string;
  };
  readonly target: { readonly databaseName: string; readonly schema: string; readonly instanceClass?: string };
  readonly dms: {
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    readonly cdcLatencyAlarmSeconds: number;
    /**
     * Run on DMS Serverless instead of the replication instance (instanceClass, allocatedStorageGiB and the CDC
     * latency alarm then do not apply: modules/dms-migration README, "Serverless as an option of DmsMigration").
     * @default the replication instance
     */
    readonly serverless?: { readonly minCapacityUnits: number; readonly maxCapacityUnits: number };
  };
}

const shared = {
  project: 'billing',
  region: 'eu-west-2',
  stateBucket: 'billing-terraform-state',
  availabilityZones: ['eu-west-2a', 'eu-west-2b'],
  dmsAccountRoles: 'create',
  target: { databaseName: 'billing', schema: 'billing' },
} as const;

export const CONFIG: Record<'staging' | 'production', SqlServerToPostgresConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    vpcCidr: '10.60.0.0/16',
    source: {
      address: '10.200.10.25',
      port: 1433,
      databaseName: 'BillingUAT',
      // A UAT copy on Standard 2019 whose legacy tables lack primary keys: MS-CDC.
      facts: { edition: 'standard', version: 2019, continuous: true, tablesWithoutPrimaryKey: true, recoveryModel: 'FULL' },
    },
    dms: { instanceClass: 'dms.t3.medium', allocatedStorageGiB: 50, cdcLatencyAlarmSeconds: 900 },
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.61.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    source: {
      address: '10.200.20.25',
      port: 1433,
      databaseName: 'Billing',
      facts: { edition: 'enterprise', version: 2019, continuous: true, tablesWithoutPrimaryKey: true, recoveryModel: 'FULL' },
    },
    target: { ...shared.target, instanceClass: 'db.m7g.large' },
    dms: { instanceClass: 'dms.r6i.large', allocatedStorageGiB: 200, cdcLatencyAlarmSeconds: 300 },
  },
};
