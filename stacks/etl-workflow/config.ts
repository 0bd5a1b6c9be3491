/**
 * Configuration of the etl-workflow example project (the Glue + Step Functions seed): an existing MySQL database,
 * read through a Glue JDBC connection, transformed by a declared column mapping, and upserted into a private
 * Postgres created here. One typed entry per environment; a forked project edits this file to get started.
 */
import { caseWhen, cmp, coalesce, col, lit } from '../../modules/glue-etl-pipeline';
import type { EtlJobSizing, EtlScheduleProps, TableMapping } from '../../modules/glue-etl-pipeline';

export interface EtlWorkflowConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  /**
   * The existing MySQL source. It must be reachable from the VPC's private subnets through VPC peering (security-group
   * references work across peered VPCs in one region), and its secret must hold `{"username", "password"}` for a
   * read-only user. The secret lives in the shop's account: a cross-account secret must be encrypted with a customer
   * managed key, so `secretKmsKeyArn` names it (the extract job's role gets kms:Decrypt on it via Secrets Manager), and
   * the shop's account must allow that role in the secret's resource policy and the key policy (see
   * modules/glue-etl-pipeline/README.md). Without the key, the plan fails when the secret is in another account.
   */
  readonly source: {
    readonly host: string;
    readonly port?: number;
    readonly databaseName: string;
    readonly secretArn: string;
    /** The customer managed key encrypting the secret (required when the secret is in another account). */
    readonly secretKmsKeyArn?: string;
    /** The MySQL security group: an ingress rule on it admits the Glue security group on the MySQL port. */
    readonly securityGroupId: string;
    /**
     * The Glue connection enforces TLS with host-name matching, and `host` here is not an RDS endpoint: MySQL must
     * present a certificate for exactly `host` (e.g. `mysql.prod.shop.internal`) chaining to a public CA, or to the
     * private root CA whose PEM this S3 URI names (`CUSTOM_JDBC_CERT`). See "What the database must present (TLS)" in
     * modules/glue-common/README.md. @default none (a publicly trusted certificate)
     */
    readonly tlsCaCertificateS3Uri?: string;
  };
  /** Target Postgres database and the schema the migration user owns (target tables live there). */
  readonly targetDatabaseName: string;
  readonly targetSchema: string;
  readonly instanceClass?: string;
  readonly tables: readonly TableMapping[];
  /** The load creates missing target tables from the mapping (this example's Postgres starts empty). */
  readonly createTargetTables: boolean;
  /** Idempotent statements run in the target after each load (here: a reporting view over the loaded tables). */
  readonly postLoadSql?: readonly string[];
  readonly extract?: EtlJobSizing;
  readonly load?: EtlJobSizing;
  readonly loadParallelism?: number;
  readonly schedule?: EtlScheduleProps;
  readonly notificationEmails?: readonly string[];
  /**
   * Create one `GlueSharedResources` (key, security configuration, Glue security group, one connection per database)
   * and pass it to the pipeline, so further pipelines added to this stack share them (modules/glue-common/README.md).
   * @default false (the pipeline builds its own)
   */
  readonly sharedGlue?: boolean;
}

/**
 * The shop's orders and customers, renamed and retyped on the way into Postgres, plus what the reports need: each
 * order's counted amount (cancelled orders count 0, a missing total counts 0) and the order totals per customer.
 */
const TABLES: readonly TableMapping[] = [
  {
    sourceTable: 'shop.customers',
    targetTable: 'shop.customer',
    keyColumn: 'id',
    columns: [
      { source: 'id', target: 'customer_id', type: 'bigint' },
      { source: 'email', type: 'string' },
      { source: 'full_name', target: 'name', type: 'string' },
      { source: 'created', target: 'created_at', type: 'timestamp' },
    ],
    exclude: ['password_hash', 'legacy_flags'],
  },
  {
    sourceTable: 'shop.orders',
    targetTable: 'shop.customer_order',
    keyColumn: 'order_id',
    columns: [
      { source: 'order_id', target: 'id', type: 'bigint' },
      { source: 'customer_id', type: 'bigint' },
      { source: 'total', target: 'total_amount', type: 'decimal(12,2)' },
      { source: 'status', type: 'string' },
      { source: 'ordered_at', type: 'timestamp' },
    ],
    exclude: ['internal_notes'],
    computed: [
      {
        target: 'counted_amount',
        type: 'decimal(12,2)',
        expression: caseWhen([[cmp(col('status'), '=', lit('cancelled')), lit(0)]], coalesce(col('total'), lit(0))),
      },
    ],
    aggregates: [
      {
        targetTable: 'shop.customer_order_total',
        groupBy: ['customer_id'],
        where: cmp(col('status'), '<>', lit('cancelled')),
        measures: [
          { target: 'order_count', type: 'bigint', fn: 'count' },
          { target: 'total_amount', type: 'decimal(16,2)', fn: 'sum', of: coalesce(col('total'), lit(0)) },
          { target: 'last_ordered_at', type: 'timestamp', fn: 'max', of: col('ordered_at') },
        ],
      },
    ],
  },
];

/** A reporting view over the loaded tables, replaced after every load (CREATE OR REPLACE is idempotent). */
const POST_LOAD_SQL = [
  'CREATE OR REPLACE VIEW shop.customer_summary AS SELECT c.customer_id, c.name, c.email, t.order_count, t.total_amount, ' +
    't.last_ordered_at FROM shop.customer c JOIN shop.customer_order_total t USING (customer_id)',
];

const shared = {
  project: 'etlflow',
  region: 'eu-west-2',
  stateBucket: 'etlflow-terraform-state',
  targetDatabaseName: 'shop',
  targetSchema: 'shop',
  tables: TABLES,
  createTargetTables: true,
  postLoadSql: POST_LOAD_SQL,
} as const;

export const CONFIG: Record<'staging' | 'production', EtlWorkflowConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    vpcCidr: '10.50.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b'],
    source: {
      host: 'mysql.staging.shop.internal',
      databaseName: 'shop',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:shop-staging-mysql-etl-reader-AbCdEf',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/5d6e7f80-91a2-4b3c-8d4e-5f60718293a4',
      securityGroupId: 'sg-0a1b2c3d4e5f60718',
    },
    loadParallelism: 2,
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.51.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    instanceClass: 'db.m7g.large',
    source: {
      host: 'mysql.prod.shop.internal',
      databaseName: 'shop',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:222222222222:secret:shop-prod-mysql-etl-reader-GhIjKl',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:222222222222:key/6e7f8091-a2b3-4c4d-9e5f-60718293a4b5',
      securityGroupId: 'sg-0f1e2d3c4b5a69788',
    },
    extract: { workerType: 'G.2X', numberOfWorkers: 4, timeoutMinutes: 240 },
    load: { workerType: 'G.1X', numberOfWorkers: 4, timeoutMinutes: 240 },
    loadParallelism: 8,
    schedule: { expression: 'cron(30 1 * * ? *)', timezone: 'Europe/London' },
    notificationEmails: ['data-platform-oncall@example.com'],
  },
};
