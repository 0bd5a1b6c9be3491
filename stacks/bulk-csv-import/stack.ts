import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { S3ToPostgresPipeline } from '../../modules/s3-to-postgres-pipeline';
import { BulkCsvImportConfig } from './config';

/**
 * The playbook's S3 -> Postgres load path, as a stack a fork can copy: nightly CSV exports too large to stream
 * through a Lambda within 15 minutes land in an encrypted bucket, and Postgres imports them itself with the `aws_s3`
 * extension (`aws_s3.table_import_from_s3`), reading S3 through an IAM role associated with the database for the
 * `s3Import` feature (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.S3Import.Reference.html). What
 * the playbook did by hand is declared here: the bucket and its notification, `CREATE EXTENSION aws_s3 CASCADE`
 * (the database's bootstrap), the role with GetObject/ListBucket on the routed prefixes and its association, the
 * S3 gateway endpoint and egress rule, and the loader's grants on aws_s3/aws_commons.
 *
 * Routes: `customers/` upserts warehouse.customers by its primary key, `order-lines/` upserts warehouse.order_lines
 * by (order_id, line_no), `price-list/` replaces warehouse.price_list. Each file is one transaction with the ledger
 * (exactly once), as with the stream strategy. Tables: sql/warehouse-tables.sql, created at deploy as `loader`.
 */
export class BulkCsvImportStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly database: PrivatePostgres;
  readonly pipeline: S3ToPostgresPipeline;

  constructor(scope: Construct, id: string, config: BulkCsvImportConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    this.network = new PrivateNetwork(this, 'network', { cidr: config.vpcCidr, availabilityZones: config.availabilityZones });
    this.database = new PrivatePostgres(this, 'database', {
      network: this.network.ref,
      databaseName: config.databaseName,
      engine: config.engine,
      instanceClass: config.instanceClass,
      // The loader owns the warehouse schema: its tables, the ledger, and (server-side) the aws_s3 grants.
      appUser: { username: 'loader', schemas: ['warehouse'] },
    });

    this.pipeline = new S3ToPostgresPipeline(this, 'pipeline', {
      database: this.database,
      // Postgres reads the object: the Lambda checks the header (a ranged GET), the ledger and the version, and runs
      // the import inside the load's transaction. The module calls database.enableS3Import for the routed prefixes.
      strategy: 'server-side',
      routes: [
        { prefix: 'customers/', table: 'warehouse.customers', mode: 'upsert' },
        { prefix: 'order-lines/', table: 'warehouse.order_lines', mode: 'upsert', key: ['order_id', 'line_no'] },
        { prefix: 'price-list/', table: 'warehouse.price_list', mode: 'replace' },
      ],
      databaseUser: 'loader',
      schemaFiles: ['stacks/bulk-csv-import/sql/warehouse-tables.sql'],
      ledgerTable: 'warehouse.s3_load_ledger',
      alarmSubscriptions: config.alarmSubscriptions,
    });

    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
    new TerraformOutput(this, 'database_app_secret_arn', { value: this.database.clientSecretArn });
    new TerraformOutput(this, 'landing_bucket_name', { value: this.pipeline.bucketName });
    new TerraformOutput(this, 'loader_function_name', { value: this.pipeline.loader.functionName });
    new TerraformOutput(this, 'loader_dead_letter_queue_url', { value: this.pipeline.deadLetterQueue.url });
    new TerraformOutput(this, 'loader_alarm_topic_arn', { value: this.pipeline.alarmTopicArn });
  }
}
