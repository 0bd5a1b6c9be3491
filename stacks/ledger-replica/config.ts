import { ServerlessV2Capacity } from '../../modules/private-postgres';
import { TableConfigInput } from '../../modules/stream-to-postgres';

/**
 * The ledger-replica project: the vehicle-registration (DMV) ledger of the ledger-migration document, now kept in
 * a PostgreSQL system of record, replicated into Aurora PostgreSQL. A consistent export to S3 is bulk-loaded by
 * DMS, then DMS CDC -> Kinesis -> Lambda keeps live tables and `<table>_audit_log` tables up to date until
 * cut-over. One typed entry per environment; a forked project edits this file.
 */
export interface LedgerReplicaConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /** `create` in the one stack per account that owns dms-vpc-role / dms-cloudwatch-logs-role; `adopt` elsewhere. */
  readonly dmsAccountRoles: 'create' | 'adopt';
  readonly source: {
    /** Host of the system-of-record Postgres (reachable from this VPC: peering or Transit Gateway). */
    readonly host: string;
    /** CIDR of the source's VPC: the replication instance gets egress to it on 5432. */
    readonly cidr: string;
    readonly databaseName: string;
    /**
     * Existing Secrets Manager secret of the DMS login on the source: JSON `username`, `password`, `host` (= `host`
     * above) and `port` (DMS connects to the host and port in the secret). Not an RDS-managed master secret.
     */
    readonly secretArn: string;
    /**
     * The customer managed key encrypting that secret. The system of record is in another account: a cross-account
     * secret must use a customer managed key, DMS's access role gets kms:Decrypt on it via Secrets Manager, and the
     * owning account must allow that role in the secret's resource policy and the key policy (see
     * modules/dms-migration/README.md). Without it, the plan fails when the secret is in another account.
     */
    readonly secretKmsKeyArn?: string;
    /**
     * The logical replication slot templates/postgres/cdc-start-slot.sql created on the source before the export
     * (DMS reads it; PostgreSQLSettings.SlotName).
     */
    readonly slotName: string;
    /**
     * The slot's LSN that runbook printed (`cdc_start_position`): the CDC task starts there. PostgreSQL sources
     * support no custom CDC start time, so the stream cannot start at a time.
     */
    readonly cdcStartPosition: string;
  };
  /**
   * The Aurora target: `readerCount` readers spread over the zones (default: one in production), or Serverless v2
   * capacity instead of `instanceClass` (modules/private-postgres README, "Aurora: readers, Serverless v2").
   */
  readonly target: { readonly databaseName: string; readonly instanceClass?: string; readonly readerCount?: number; readonly serverlessV2?: ServerlessV2Capacity };
  readonly dms: { readonly instanceClass: string; readonly allocatedStorageGiB: number };
  /**
   * The `high_water_mark` templates/postgres/cdc-start-slot.sql printed with the slot (UTC): earlier than every change
   * the slot decodes, so the consumer skips none of them; the export, taken after the slot, covers everything before.
   */
  readonly highWaterMark: string;
  readonly stream: {
    readonly capacity: { readonly mode: 'on-demand' } | { readonly mode: 'provisioned'; readonly shardCount: number };
    readonly batchSize: number;
    readonly reservedConcurrency: number;
  };
  readonly tables: readonly TableConfigInput[];
}

/** The DMV ledger tables, normalized as in the document's Glue job; QLDB's revision metadata becomes the audit log. */
const TABLES: readonly TableConfigInput[] = [
  {
    source: 'dmv.person',
    target: 'dmv.person',
    keyColumns: ['person_id'],
    columns: [
      { source: 'person_id', type: 'varchar(40)' },
      { source: 'first_name', type: 'varchar(100)' },
      { source: 'last_name', type: 'varchar(100)' },
      { source: 'dob', type: 'date' },
      { source: 'gov_id', type: 'varchar(40)' },
      { source: 'gov_id_type', type: 'varchar(40)' },
      { source: 'address', type: 'varchar(500)' },
    ],
  },
  {
    source: 'dmv.vehicle',
    target: 'dmv.vehicle',
    keyColumns: ['vin'],
    columns: [
      { source: 'vin', type: 'varchar(17)' },
      { source: 'type', type: 'varchar(40)' },
      { source: 'year', type: 'smallint' },
      { source: 'make', type: 'varchar(60)' },
      { source: 'model', type: 'varchar(60)' },
      { source: 'color', type: 'varchar(40)' },
    ],
  },
  {
    source: 'dmv.vehicle_registration',
    target: 'dmv.vehicle_registration',
    keyColumns: ['vin'],
    columns: [
      { source: 'vin', type: 'varchar(17)' },
      { source: 'license_plate_num', type: 'varchar(20)' },
      { source: 'state', type: 'varchar(40)' },
      { source: 'city', type: 'varchar(60)' },
      { source: 'pending_penalty_amt', type: 'numeric(12,2)' },
      { source: 'valid_from_dt', type: 'date' },
      { source: 'valid_to_dt', type: 'date' },
      { source: 'primary_owner', type: 'varchar(40)' },
      { source: 'secondary_owners', type: 'jsonb' },
    ],
  },
  {
    source: 'dmv.drivers_license',
    target: 'dmv.drivers_license',
    keyColumns: ['license_plate_num'],
    columns: [
      { source: 'license_plate_num', type: 'varchar(20)' },
      { source: 'person_id', type: 'varchar(40)' },
      { source: 'license_type', type: 'varchar(20)' },
      { source: 'valid_from_dt', type: 'date' },
      { source: 'valid_to_dt', type: 'date' },
    ],
  },
];

const shared = {
  project: 'ledger',
  region: 'us-east-1',
  stateBucket: 'ledger-terraform-state',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  dmsAccountRoles: 'create',
  target: { databaseName: 'ledger' },
  tables: TABLES,
} as const;

export const CONFIG: Record<'staging' | 'production', LedgerReplicaConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    vpcCidr: '10.70.0.0/16',
    source: {
      host: 'ledger-uat.cluster-abc123.us-east-1.rds.amazonaws.com',
      cidr: '10.20.0.0/16',
      databaseName: 'dmv',
      secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ledger-uat-dms-login-AbCdEf',
      secretKmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
      // Printed by templates/postgres/cdc-start-slot.sql (-v slot_name=dms_ledger_uat), with highWaterMark below.
      slotName: 'dms_ledger_uat',
      cdcStartPosition: '1A/6B0C3D28',
    },
    dms: { instanceClass: 'dms.t3.medium', allocatedStorageGiB: 50 },
    highWaterMark: '2026-11-20T00:00:00.000000Z',
    // 2 consumers against an on-demand stream (at least 4 shards) drain half its shards at a time: enough for staging's
    // trickle, not for a load test. The throttles and retention-risk alarms (6 h of the 24 h retention) say when to
    // raise it (see "Alarms and sizing" in modules/stream-to-postgres/README.md).
    stream: { capacity: { mode: 'on-demand' }, batchSize: 500, reservedConcurrency: 2 },
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.71.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    source: {
      host: 'ledger.cluster-def456.us-east-1.rds.amazonaws.com',
      cidr: '10.21.0.0/16',
      databaseName: 'dmv',
      secretArn: 'arn:aws:secretsmanager:us-east-1:222222222222:secret:ledger-dms-login-GhIjKl',
      secretKmsKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      // Printed by templates/postgres/cdc-start-slot.sql (-v slot_name=dms_ledger), with highWaterMark below.
      slotName: 'dms_ledger',
      cdcStartPosition: '3F2/1C00A0B8',
    },
    target: { ...shared.target, instanceClass: 'db.r7g.large' },
    dms: { instanceClass: 'dms.r6i.large', allocatedStorageGiB: 200 },
    highWaterMark: '2026-12-01T02:00:00.000000Z',
    stream: { capacity: { mode: 'provisioned', shardCount: 4 }, batchSize: 1000, reservedConcurrency: 8 },
  },
};
