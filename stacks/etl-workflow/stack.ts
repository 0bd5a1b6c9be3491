import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { GlueSharedResources } from '../../modules/glue-common';
import { GlueEtlPipeline } from '../../modules/glue-etl-pipeline';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { EtlWorkflowConfig } from './config';

/**
 * MySQL (existing) -> Glue extract -> transform -> load -> private Postgres, orchestrated by Step Functions.
 * The Postgres starts empty: the migration user owns `targetSchema` and, with `createTargetTables`, the load creates
 * the target tables from the mapping on its first run. A project whose application owns the schema turns that off
 * and creates the tables (with a unique key on each mapping's key column) in its migrations.
 */
export class EtlWorkflowStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly database: PrivatePostgres;
  readonly pipeline: GlueEtlPipeline;
  /** With `sharedGlue`: the Glue building blocks this stack's pipelines share. */
  readonly glue?: GlueSharedResources;

  constructor(scope: Construct, id: string, config: EtlWorkflowConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    // Glue jobs in private subnets without NAT reach AWS APIs through these endpoints (S3 via the gateway endpoint).
    this.network = new PrivateNetwork(this, 'network', {
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      interfaceEndpoints: ['secretsmanager', 'sts', 'kms', 'logs', 'glue', 'monitoring'],
    });
    this.database = new PrivatePostgres(this, 'database', {
      network: this.network.ref,
      databaseName: config.targetDatabaseName,
      instanceClass: config.instanceClass,
      appUser: { username: 'etl_loader', schemas: [config.targetSchema] },
    });
    if (config.sharedGlue) this.glue = new GlueSharedResources(this, 'glue', { network: this.network.ref });
    this.pipeline = new GlueEtlPipeline(this, 'etl', {
      network: this.network.ref,
      shared: this.glue,
      source: { engine: 'mysql', ...config.source },
      target: {
        engine: 'postgresql',
        host: this.database.address,
        port: this.database.port,
        databaseName: this.database.databaseName,
        secretArn: this.database.clientSecretArn,
        secretKmsKeyArn: this.database.secretKmsKeyArn,
        database: this.database,
        connectionBudget: this.database.connectionBudget,
      },
      tables: config.tables,
      createTargetTables: config.createTargetTables,
      postLoadSql: config.postLoadSql,
      extract: config.extract,
      load: config.load,
      loadParallelism: config.loadParallelism,
      schedule: config.schedule,
      notificationEmails: config.notificationEmails,
    });

    new TerraformOutput(this, 'state_machine_arn', { value: this.pipeline.stateMachineArn });
    new TerraformOutput(this, 'failure_topic_arn', { value: this.pipeline.failureTopicArn });
    new TerraformOutput(this, 'data_bucket', { value: this.pipeline.bucket.bucketName });
    new TerraformOutput(this, 'glue_jobs', {
      value: [this.pipeline.extractJob.jobName, this.pipeline.transformJob.jobName, this.pipeline.loadJob.jobName],
    });
    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
  }
}
