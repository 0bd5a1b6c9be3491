import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { PrivateNetwork } from '../../modules/network';
import { ExistingPostgres, PostgresDatabase, PrivatePostgres } from '../../modules/private-postgres';
import { S3ToPostgresPipeline } from '../../modules/s3-to-postgres-pipeline';
import { CsvToPostgresConfig } from './config';

/**
 * A private Postgres in a private VPC, and the pipeline that loads CSV files dropped in the landing bucket into it:
 * `people/*.csv` replaces landing.people, `events/*.csv` is appended to landing.events. The tables are declared in
 * sql/landing-tables.sql, created at deploy time as the `loader` login, which owns the landing schema; a `reporting`
 * login may read it and nothing else; a partner account drops files under `events/`.
 *
 * With `existingDatabase` in the config, the pipeline loads into a database that already exists (no VPC, database or
 * logins are created, and the landing tables must exist before the first file lands).
 */
export class CsvToPostgresStack extends MigrationStack {
  /** Undefined with `existingDatabase`. */
  readonly network?: PrivateNetwork;
  readonly database: PostgresDatabase;
  readonly pipeline: S3ToPostgresPipeline;

  constructor(scope: Construct, id: string, config: CsvToPostgresConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    if (config.existingDatabase) {
      this.database = this.adopt(config);
    } else {
      this.network = new PrivateNetwork(this, 'network', { cidr: config.vpcCidr, availabilityZones: config.availabilityZones });
      this.database = new PrivatePostgres(this, 'database', {
        network: this.network.ref,
        databaseName: config.databaseName,
        instanceClass: config.instanceClass,
        // The loader owns the landing schema (appUser: its secret and rotation keep their ids from before logins).
        appUser: { username: 'loader', schemas: ['landing'], rotationStrategy: config.loaderRotationStrategy },
        // One login per consumer: reporting reads the landing tables, with its own rotated secret.
        logins: [{ username: 'reporting', grants: [{ schema: 'landing', privilege: 'read' }] }],
      });
    }

    this.pipeline = new S3ToPostgresPipeline(this, 'pipeline', {
      database: this.database,
      network: this.database.network,
      existingBucket: config.existingLandingBucket && { name: config.existingLandingBucket.name, arn: config.existingLandingBucket.arn, kmsKeyArn: config.existingLandingBucket.kmsKeyArn },
      notifications: config.existingLandingBucket?.notifications,
      routes: [
        { prefix: 'people/', table: 'landing.people', mode: 'replace' },
        { prefix: 'events/', table: 'landing.events', mode: 'append' },
      ],
      databaseUser: 'loader',
      // Created by the bootstrap as the loader, which then owns (and may truncate) them; an adopted database has none.
      schemaFiles: config.existingDatabase ? undefined : ['stacks/csv-to-postgres/sql/landing-tables.sql'],
      // The loader owns the landing schema: the ledger lives there, so it needs no extra grants.
      ledgerTable: 'landing.s3_load_ledger',
      writers: config.partnerWriters,
      alarmSubscriptions: config.alarmSubscriptions,
    });

    if (this.database instanceof PrivatePostgres) {
      new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
      new TerraformOutput(this, 'database_security_group_id', { value: this.database.securityGroupId });
      new TerraformOutput(this, 'database_master_secret_arn', { value: this.database.masterSecretArn });
      new TerraformOutput(this, 'database_app_secret_arn', { value: this.database.clientSecretArn });
      new TerraformOutput(this, 'database_reporting_secret_arn', { value: this.database.login('reporting').secretArn! });
    }
    new TerraformOutput(this, 'landing_bucket_name', { value: this.pipeline.bucketName });
    new TerraformOutput(this, 'loader_function_name', { value: this.pipeline.loader.functionName });
    new TerraformOutput(this, 'loader_dead_letter_queue_url', { value: this.pipeline.deadLetterQueue.url });
    new TerraformOutput(this, 'loader_alarm_topic_arn', { value: this.pipeline.alarmTopicArn });
  }

  /** The existing database of `config.existingDatabase`, its `loader` login the app user. */
  private adopt(config: CsvToPostgresConfig): ExistingPostgres {
    const existing = config.existingDatabase!;
    return new ExistingPostgres(this, 'database', {
      network: existing.network,
      address: existing.address,
      port: existing.port,
      engine: existing.engine,
      databaseName: config.databaseName,
      securityGroupId: existing.securityGroupId,
      appUser: { username: 'loader', secretArn: existing.loaderSecretArn },
      secretKmsKeyArn: existing.secretKmsKeyArn,
      connectionBudget: existing.connectionBudget,
    });
  }
}
