import { Construct } from 'constructs';
import { Connections, MigrationStack, TerraformOutput } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsMigration, TableMappings } from '../../modules/dms-migration';
import { ExistingNetwork } from '../../modules/network';
import { MysqlToS3LabConfig } from './config';
import { LakeBucket } from './lake-bucket';

/** Customer columns that must not reach the lake in clear text (the lab's "challenge 2: masking"). */
export const MASKED_COLUMNS = {
  email: 'hash-mask', // joinable across tables and runs, not readable
  phone: 'digits-mask', // every digit becomes PHONE_MASK_CHARACTER
} as const;
/** The character data-masking-digits-mask writes for each digit (its rule's required "value"). */
export const PHONE_MASK_CHARACTER = '#';

/**
 * RDS MySQL `retail` -> S3 (Parquet, date-partitioned, CDC folder) with DMS full load + CDC. Masking happens in
 * the replication instance (engine 3.5.4+), so clear values never land in the bucket; the street address is
 * dropped entirely. Validation: DMS row validation compares two databases (for S3 it needs an Athena set-up this
 * lab does not make), so it is off for this S3 target; instead errors suspend the table (never skip rows
 * silently), every row carries its operation and commit time, and the module README gives the count check.
 */
export class MysqlToS3LabStack extends MigrationStack {
  readonly lake: LakeBucket;
  readonly migration: DmsMigration;

  constructor(scope: Construct, id: string, config: MysqlToS3LabConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    this.lake = new LakeBucket(this, 'lake');
    const roles = new DmsAccountRoles(this, 'dms-account-roles', { mode: config.dmsAccountRoles });
    const sourceDb = new Connections(this, { securityGroupId: config.source.securityGroupId, defaultPort: config.source.port, description: `MySQL ${config.source.address}` });
    const schema = config.source.databaseName;
    const mappings = new TableMappings().include({ schema }).removeColumn({ schema, table: 'customers', column: 'address' });
    mappings.mask({ schema, table: 'customers', column: 'email' }, MASKED_COLUMNS.email);
    mappings.mask({ schema, table: 'customers', column: 'phone' }, MASKED_COLUMNS.phone, PHONE_MASK_CHARACTER);

    this.migration = new DmsMigration(this, 'migration', {
      component: 'retail',
      network: new ExistingNetwork(this, 'network', config.network).ref,
      accountRoles: roles,
      instance: { instanceClass: 'dms.t3.medium', engineVersion: '3.5.4' },
      source: {
        kind: 'mysql',
        serverName: config.source.address,
        port: config.source.port,
        secret: { secretArn: config.source.secretArn, kmsKeyArn: config.source.secretKmsKeyArn },
        connections: { connections: sourceDb },
      },
      target: { kind: 's3', bucket: this.lake.ref, folder: config.lake.folder, format: config.lake.format, cdcPath: 'cdc' },
      migrationType: 'full-load-and-cdc',
      tableMappings: mappings,
      // S3 targets support only limited LOB mode, which truncates LOBs above maxSizeKiB with only a warning, and a
      // MySQL source cannot fail the task instead: config.lake.lobMaxSizeKiB must stay above the largest LOB.
      settings: { validation: false, dataErrorPolicy: 'SUSPEND_TABLE', dataTruncationErrorPolicy: 'STOP_TASK', lob: { mode: 'limited', maxSizeKiB: config.lake.lobMaxSizeKiB } },
      monitoring: { cdcLatencySeconds: 600 },
    });
    this.waivePolicy(
      'DMS-TASK-LOB-SAFE',
      this.migration.task,
      `S3 targets do not support full LOB mode (DMS guide, CHAP_Target.S3 limitations) and MySQL has no FailTasksOnLobTruncation, so limited LOB mode is the only way; LobMaxSize is ${config.lake.lobMaxSizeKiB} KiB, above the largest TEXT/BLOB value of the retail schema measured before the task starts (lab runbook: SELECT MAX(LENGTH(col)) per LOB column, config.lake.lobMaxSizeKiB raised to above it).`,
    );

    new TerraformOutput(this, 'lake_bucket', { value: this.lake.bucket.bucket });
    new TerraformOutput(this, 'lake_prefix', { value: `${config.lake.folder}/` });
    new TerraformOutput(this, 'replication_task_arn', { value: this.migration.task.replicationTaskArn });
    new TerraformOutput(this, 'alerts_topic_arn', { value: this.migration.monitoring!.topicArn });
  }
}
