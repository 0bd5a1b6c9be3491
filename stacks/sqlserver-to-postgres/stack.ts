import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsMigration, ExistingDmsEndpoint, pickSqlServerMode, SqlServerSourceEndpoint, TableMappings } from '../../modules/dms-migration';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { SqlServerToPostgresConfig } from './config';

/** The DMS migration user on the target; it owns the target schema (templates/postgres/target-schema.sql rules apply). */
const MIGRATION_USER = 'dms_writer';

/**
 * The playbook's continuous migration: on-premises SQL Server -> private Postgres with DMS full load + CDC.
 * The mode (MS-CDC or MS-Replication) is picked from the source's facts by the playbook's rules.
 */
export class SqlServerToPostgresStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly database: PrivatePostgres;
  readonly migration: DmsMigration;

  constructor(scope: Construct, id: string, config: SqlServerToPostgresConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    this.network = new PrivateNetwork(this, 'network', {
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      // monitoring: the DMS apply-exceptions check publishes its count with PutMetricData from the VPC.
      interfaceEndpoints: ['secretsmanager', 'sts', 'logs', 'monitoring'],
    });
    this.database = new PrivatePostgres(this, 'database', {
      network: this.network.ref,
      databaseName: config.target.databaseName,
      instanceClass: config.target.instanceClass,
      appUser: { username: MIGRATION_USER, schemas: [config.target.schema] },
    });
    const roles = new DmsAccountRoles(this, 'dms-account-roles', { mode: config.dmsAccountRoles });
    const mode = pickSqlServerMode(config.source.facts).mode;
    const serverless = config.dms.serverless;
    this.migration = new DmsMigration(this, 'migration', {
      component: 'billing',
      network: this.network.ref,
      accountRoles: roles,
      ...(serverless
        ? { compute: { kind: 'serverless' as const, ...serverless } }
        : { instance: { instanceClass: config.dms.instanceClass, allocatedStorageGiB: config.dms.allocatedStorageGiB } }),
      source: config.source.existingEndpointArn
        ? {
            kind: 'existing',
            endpoint: new ExistingDmsEndpoint(this, 'source-endpoint', {
              endpointArn: config.source.existingEndpointArn,
              endpointType: 'source',
              engineName: 'sqlserver',
              sqlServerMode: mode,
              network: { cidr: `${config.source.address}/32`, port: config.source.port },
            }),
          }
        : {
            kind: 'sqlserver',
            serverAddress: config.source.address,
            port: config.source.port,
            databaseName: config.source.databaseName,
            mode,
            facts: config.source.facts,
          },
      target: { kind: 'postgres', database: this.database, useAppUserSecret: true },
      migrationType: 'full-load-and-cdc',
      tableMappings: new TableMappings()
        .include({ schema: 'dbo' })
        .exclude({ schema: 'dbo', table: 'sysdiagrams' })
        .renameSchema('dbo', config.target.schema)
        .lowercase(),
      // Full LOB mode (the default) until templates/sqlserver/00-preflight-checks.sql (section 8) has measured the
      // largest LOB: limited LOB mode would truncate larger ones with only a warning in the task log.
      settings: { targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD', controlSchema: config.target.schema },
      monitoring: serverless ? {} : { cdcLatencySeconds: config.dms.cdcLatencyAlarmSeconds },
    });

    // An adopted endpoint (source.existingEndpointArn) keeps its secret where it was made: none to waive or output.
    const source = this.migration.source instanceof SqlServerSourceEndpoint ? this.migration.source : undefined;
    if (source?.createdSecret) {
      // Only the on-premises login is waived; the target login is rotated by modules/private-postgres.
      this.waivePolicy('SECRETS-ROTATION', source.createdSecret.secret, 'The SQL Server login DMS reads lives on the on-premises server, so AWS cannot rotate it: the DBA rotates it on the source and puts the new value (modules/dms-migration README, "Credentials").');
    }
    new TerraformOutput(this, 'sqlserver_mode', { value: mode, description: 'Capture mode picked from the source facts: run templates/sqlserver/ for it' });
    if (this.migration.serverless) {
      new TerraformOutput(this, 'replication_config_arn', { value: this.migration.serverless.replicationConfigArn });
      new TerraformOutput(this, 'dms_security_group_id', {
        value: this.migration.serverless.connections.securityGroupId,
        description: 'Admit the private subnets of this VPC on the on-premises firewall (SQL Server port)',
      });
    } else {
      new TerraformOutput(this, 'replication_task_arn', { value: this.migration.task.replicationTaskArn });
      new TerraformOutput(this, 'replication_instance_arn', { value: this.migration.instance.replicationInstanceArn });
      new TerraformOutput(this, 'dms_security_group_id', {
        value: this.migration.instance.connections.securityGroupId,
        description: 'Admit the private subnets of this VPC on the on-premises firewall (SQL Server port)',
      });
    }
    if (source) new TerraformOutput(this, 'source_secret_arn', { value: source.secret.secretArn });
    if (source?.createdSecret) {
      new TerraformOutput(this, 'source_secret_put_command', { value: source.createdSecret.putSecretValueCommand, description: 'Run once with the DMS login created by templates/sqlserver/login-*.sql' });
    }
    new TerraformOutput(this, 'private_route_table_ids', { value: this.network.routeTables.map((r) => r.id), description: 'Propagate the site-to-site VPN routes to these' });
    new TerraformOutput(this, 'alerts_topic_arn', { value: this.migration.monitoring!.topicArn });
    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
  }
}
