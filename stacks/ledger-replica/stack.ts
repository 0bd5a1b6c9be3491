import { Construct } from 'constructs';
import { MigrationStack, TerraformOutput } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsMonitoring, DmsReplicationInstance, PostgresSourceEndpoint } from '../../modules/dms-migration';
import { PrivateNetwork } from '../../modules/network';
import { PrivatePostgres } from '../../modules/private-postgres';
import { StreamToPostgres } from '../../modules/stream-to-postgres';
import { LedgerReplicaConfig } from './config';

/**
 * S3 export -> DMS full load -> Aurora PostgreSQL, then DMS CDC -> Kinesis -> Lambda into the same tables, with
 * one `<table>_audit_log` per table. The runbook (modules/stream-to-postgres/README.md, "Full load, then the
 * stream"): create the slot (templates/postgres/cdc-start-slot.sql), export into the bucket, run the full-load task,
 * check the row counts, start the CDC task from the slot's LSN.
 */
export class LedgerReplicaStack extends MigrationStack {
  readonly network: PrivateNetwork;
  readonly database: PrivatePostgres;
  readonly replica: StreamToPostgres;

  constructor(scope: Construct, id: string, config: LedgerReplicaConfig) {
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
      // No NAT: DMS reaches Secrets Manager and writes to Kinesis through interface endpoints (S3 has a gateway).
      interfaceEndpoints: ['secretsmanager', 'sts', 'logs', 'kinesis-streams'],
    });
    this.database = new PrivatePostgres(this, 'database', {
      network: this.network.ref,
      databaseName: config.target.databaseName,
      engine: 'aurora-postgresql',
      instanceClass: config.target.instanceClass,
      readerCount: config.target.readerCount,
      serverlessV2: config.target.serverlessV2,
      // The replica's login, shared by the DMS full load and the stream consumer: it owns the target schemas, so the
      // tables the consumer creates are the ones the load may truncate. Its secret holds host and port, which DMS
      // reads from the secret; the Aurora-managed master secret holds only username and password
      // (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html).
      appUser: { username: 'ledger_writer', schemas: [...new Set(config.tables.map((t) => t.target.split('.')[0]))] },
    });
    const roles = new DmsAccountRoles(this, 'dms-account-roles', { mode: config.dmsAccountRoles });
    const instance = new DmsReplicationInstance(this, 'dms', {
      network: this.network.ref,
      accountRoles: roles,
      component: 'ledger-dms',
      instanceClass: config.dms.instanceClass,
      allocatedStorageGiB: config.dms.allocatedStorageGiB,
    });
    // The system of record: logical replication must be on there (rds.logical_replication = 1). CDC reads the slot
    // templates/postgres/cdc-start-slot.sql created before the export, from the LSN it printed: PostgreSQL sources
    // support no custom CDC start time (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Task.CDC.html).
    const source = new PostgresSourceEndpoint(this, 'source', {
      component: 'ledger',
      serverName: config.source.host,
      databaseName: config.source.databaseName,
      secret: { secretArn: config.source.secretArn, kmsKeyArn: config.source.secretKmsKeyArn },
      slotName: config.source.slotName,
      // The source's VPC (peered): the task opens egress from the replication instance to it on 5432.
      egressCidr: config.source.cidr,
    });
    const monitoring = new DmsMonitoring(this, 'dms-monitoring', { component: 'ledger-dms' });
    monitoring.watchInstance(instance);

    this.replica = new StreamToPostgres(this, 'replica', {
      component: 'ledger-cdc',
      network: this.network.ref,
      database: this.database,
      tables: config.tables,
      highWaterMark: config.highWaterMark,
      capacity: config.stream.capacity,
      batchSize: config.stream.batchSize,
      reservedConcurrency: config.stream.reservedConcurrency,
      changeSource: { instance, source, cdcStartPosition: config.source.cdcStartPosition },
      fullLoad: {},
      alarmTopicArn: monitoring.topicArn,
    });
    monitoring.watchTask(this.replica.cdcTask!);
    // The replica takes the load: watched as closely as DMS, on the same topic (modules/private-postgres README, "Alarms").
    this.database.addAlarms({ topicArn: monitoring.topicArn });

    new TerraformOutput(this, 'export_bucket', {
      value: this.replica.exportBucket!.bucketName,
      description: `Put the export here as ${this.replica.exportFolder}/<schema>/<table>/*.csv (header row, columns in table-config order)`,
    });
    new TerraformOutput(this, 'full_load_task_arn', { value: this.replica.fullLoadTask!.replicationTaskArn, description: 'Start after the export is complete' });
    // DMS cannot validate an S3 source: the load is checked by row counts on both sides (templates/postgres/row-counts.sql).
    new TerraformOutput(this, 'row_count_source_tables', { value: this.replica.rowCountTables!.source, description: 'psql -v tables=<this> -f templates/postgres/row-counts.sql on the source, in the export snapshot' });
    new TerraformOutput(this, 'row_count_tables', { value: this.replica.rowCountTables!.target, description: 'psql -v tables=<this> -f templates/postgres/row-counts.sql on the target, after the full load, before CDC' });
    new TerraformOutput(this, 'cdc_task_arn', { value: this.replica.cdcTask!.replicationTaskArn, description: 'Start after the full load finishes' });
    new TerraformOutput(this, 'change_stream_arn', { value: this.replica.stream.arn });
    new TerraformOutput(this, 'failed_changes_queue_url', { value: this.replica.failureQueue.url, description: 'Batches given up on after every retry (shard and sequence range)' });
    new TerraformOutput(this, 'consumer_function', { value: this.replica.consumer.functionName });
    new TerraformOutput(this, 'alerts_topic_arn', { value: monitoring.topicArn });
    new TerraformOutput(this, 'database_endpoint', { value: this.database.endpoint });
    new TerraformOutput(this, 'database_reader_endpoint', { value: this.database.readerEndpoint!, description: 'Read-only queries (row counts, validation) without load on the writer; the writer itself while there are no readers' });
  }
}
