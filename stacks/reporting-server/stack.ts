import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsMigration, pickSqlServerMode, SqlServerSourceEndpoint, TableMappings } from '../../modules/dms-migration';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { ReportingServerConfig } from './config';

/**
 * A SQL Server reporting server copied into Postgres every morning: a full-load-only DMS task (no source
 * set-up beyond a read-only login), reloaded daily by EventBridge Scheduler and the dms-task-runner Lambda.
 */
export class ReportingServerStack extends MigrationStack {
  readonly migration: DmsMigration;

  constructor(scope: Construct, id: string, config: ReportingServerConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    const network = new PrivateNetwork(this, 'network', {
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      interfaceEndpoints: ['secretsmanager', 'sts', 'logs'],
    });
    const database = new PrivatePostgres(this, 'database', {
      network: network.ref,
      databaseName: config.target.databaseName,
      appUser: { username: 'dms_writer', schemas: [config.target.schema] },
      ...config.target.database,
    });
    const roles = new DmsAccountRoles(this, 'dms-account-roles', { mode: config.dmsAccountRoles });
    this.migration = new DmsMigration(this, 'migration', {
      component: 'reports',
      network: network.ref,
      accountRoles: roles,
      instance: { instanceClass: config.dmsInstanceClass },
      source: {
        kind: 'sqlserver',
        serverAddress: config.source.address,
        databaseName: config.source.databaseName,
        mode: pickSqlServerMode(config.source.facts).mode,
        facts: config.source.facts,
      },
      target: { kind: 'postgres', database, useAppUserSecret: true },
      tableMappings: new TableMappings().include({ schema: config.source.schema }).renameSchema(config.source.schema, config.target.schema).lowercase(),
      // Each run replaces yesterday's copy: truncate, load, validate. LOBs in full LOB mode (the default): their sizes
      // are not measured, and limited LOB mode would truncate larger ones with only a warning.
      settings: { targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD', controlSchema: config.target.schema },
      schedule: { scheduleExpression: config.schedule.expression, timezone: config.schedule.timezone, onAlreadyRunning: 'wait' },
    });

    // The target takes the daily load: watched as closely as DMS, on the same topic (modules/private-postgres README, "Alarms").
    database.addAlarms({ topicArn: this.migration.monitoring!.topicArn });

    const source = this.migration.source as SqlServerSourceEndpoint;
    if (source.createdSecret) {
      // Only the on-premises login is waived; the target login is rotated by modules/private-postgres.
      this.waivePolicy('SECRETS-ROTATION', source.createdSecret.secret, 'The read-only SQL Server login lives on the on-premises reporting server, so AWS cannot rotate it: the DBA rotates it there and puts the new value (modules/dms-migration README, "Credentials").');
    }
    new TerraformOutput(this, 'replication_task_arn', { value: this.migration.task.replicationTaskArn });
    new TerraformOutput(this, 'runner_function_name', { value: this.migration.schedule!.runner.functionName, description: 'Invoke it to reload now' });
    new TerraformOutput(this, 'runner_dead_letter_queue_url', { value: this.migration.schedule!.deadLetterQueue.url });
    new TerraformOutput(this, 'source_secret_arn', { value: source.secret.secretArn });
    if (source.createdSecret) new TerraformOutput(this, 'source_secret_put_command', { value: source.createdSecret.putSecretValueCommand });
    new TerraformOutput(this, 'alerts_topic_arn', { value: this.migration.monitoring!.topicArn });
    new TerraformOutput(this, 'database_endpoint', { value: database.endpoint });
  }
}
