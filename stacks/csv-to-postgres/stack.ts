import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { CsvToPostgresConfig } from './config';

/** A private Postgres in a private VPC: the landing database CSV files are loaded into. */
export class CsvToPostgresStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly database: PrivatePostgres;

  constructor(scope: Construct, id: string, config: CsvToPostgresConfig) {
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
      instanceClass: config.instanceClass,
      appUser: { username: 'loader', schemas: ['landing'] },
    });

    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
    new TerraformOutput(this, 'database_security_group_id', { value: this.database.securityGroup.id });
    new TerraformOutput(this, 'database_master_secret_arn', { value: this.database.masterSecretArn });
    new TerraformOutput(this, 'database_app_secret_arn', { value: this.database.clientSecretArn });
  }
}
