import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { PrivateNetwork, VpcPeering } from '../../modules/network';
import { NeptuneGraphMigration } from '../../modules/neptune-graph-migration';
import { ProductGraphConfig } from './config';
import { PRODUCT_GRAPH } from './mapping';

/**
 * MySQL -> Neptune for the product graph: a private VPC (with the endpoints Glue needs), a Neptune cluster, a
 * crawler over the MySQL source, and the three migration modes: bulk export + load (state machine), direct upserts,
 * and scheduled incremental upserts of changed orders and products.
 */
export class ProductGraphStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly migration: NeptuneGraphMigration;
  /** With `mysqlPeerVpc`: the peering to the source's VPC. */
  readonly peering?: VpcPeering;

  constructor(scope: Construct, id: string, config: ProductGraphConfig) {
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
      interfaceEndpoints: ['secretsmanager', 'sts', 'kms', 'logs', 'glue', 'monitoring'],
    });
    // A source in another VPC: peer with it; the rule admitting Glue on the source's group waits for the peering.
    if (config.mysqlPeerVpc) {
      this.peering = new VpcPeering(this, 'to-source', { network: this.network.ref, peer: config.mysqlPeerVpc, cidr: config.vpcCidr });
    }
    const sourceAccess = this.peering
      ? { database: { connections: this.peering.peerConnections(config.mysqlSecurityGroupId, 3306, `MySQL ${config.mysqlDatabase}`) } }
      : { securityGroupId: config.mysqlSecurityGroupId };
    this.migration = new NeptuneGraphMigration(this, 'graph', {
      network: this.network.ref,
      mapping: PRODUCT_GRAPH,
      source: {
        host: config.mysqlHost,
        databaseName: config.mysqlDatabase,
        secretArn: config.mysqlSecretArn,
        secretKmsKeyArn: config.mysqlSecretKmsKeyArn,
        ...sourceAccess,
      },
      neptune: { instanceClass: config.neptuneInstanceClass },
      bulkLoad: { parallelism: 'HIGH' },
      // The VPC has no NAT: the direct and incremental jobs install gremlinpython offline from the wheels vendored in
      // templates/glue/python-modules (uploaded to the data bucket; see the module README).
      directWrite: { batchSize: 100, readPartitions: config.directReadPartitions },
      // The trigger stays deactivated until incrementalScheduleEnabled is set, after the first bulk load.
      incremental: { schedule: config.incrementalSchedule, scheduleEnabled: config.incrementalScheduleEnabled, batchSize: 100 },
    });

    const m = this.migration;
    new TerraformOutput(this, 'neptune_endpoint', { value: m.neptune.endpoint });
    new TerraformOutput(this, 'neptune_reader_endpoint', { value: m.neptune.readerEndpoint });
    new TerraformOutput(this, 'neptune_security_group_id', { value: m.neptune.securityGroup.id });
    new TerraformOutput(this, 'bulk_load_state_machine_arn', { value: m.stateMachine!.arn });
    new TerraformOutput(this, 'export_job_name', { value: m.exportJob!.jobName });
    new TerraformOutput(this, 'direct_job_name', { value: m.directJob!.jobName });
    new TerraformOutput(this, 'incremental_job_name', { value: m.incrementalJob!.jobName });
    // The incremental schedule's handle (deactivated until incrementalScheduleEnabled; see the module README).
    new TerraformOutput(this, 'incremental_trigger_name', { value: m.incrementalTrigger!.name });
    new TerraformOutput(this, 'crawler_name', { value: m.catalog.crawler.name });
    new TerraformOutput(this, 'data_bucket', { value: m.bucket.bucketName });
  }
}
