import { Construct } from 'constructs';
import { DataAwsMskCluster } from '@cdktf/provider-aws/lib/data-aws-msk-cluster';
import { Connections, MigrationStack, TerraformOutput } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsMigration, OracleSourceEndpoint, pickOracleCaptureMode, TableMappings } from '../../modules/dms-migration';
import { ExistingNetwork } from '../../modules/network';
import { OracleToAuroraMysqlConfig } from './config';

/**
 * An on-premises Oracle ERP -> the application team's Aurora MySQL cluster with DMS full load + CDC, and the same
 * source's changes streamed to Amazon MSK, a topic per table, by a second task on its own replication instance (the
 * stream outlives the migration: after cut-over the migration is removed and the stream keeps running).
 *
 * The Oracle endpoint is made once, by the migration, and adopted by the stream: one login secret, one wallet, one
 * network path. The capture mode comes from the source's facts (pickOracleCaptureMode, DMS guide "Using Oracle
 * LogMiner or AWS DMS Binary Reader for CDC"); the DBA runs templates/oracle/ for the mode picked.
 */
export class OracleToAuroraMysqlStack extends MigrationStack {
  readonly migration: DmsMigration;
  readonly stream: DmsMigration;

  constructor(scope: Construct, id: string, config: OracleToAuroraMysqlConfig) {
    super(scope, id, {
      project: config.project,
      environment: config.environment,
      production: config.production,
      region: config.region,
      backend: { bucket: config.stateBucket },
    });
    const network = new ExistingNetwork(this, 'network', config.network).ref;
    const roles = new DmsAccountRoles(this, 'dms-account-roles', { mode: config.dmsAccountRoles });
    const capture = pickOracleCaptureMode(config.source.facts);
    const schema = config.source.schema;
    const aurora = new Connections(this, { securityGroupId: config.target.securityGroupId, defaultPort: 3306, description: `Aurora MySQL ${config.target.clusterEndpoint}` });

    this.migration = new DmsMigration(this, 'migration', {
      component: 'erp',
      network,
      accountRoles: roles,
      instance: { instanceClass: config.dms.instanceClass, allocatedStorageGiB: config.dms.allocatedStorageGiB },
      source: {
        kind: 'oracle',
        serverAddress: config.source.address,
        port: config.source.port,
        databaseName: config.source.databaseName,
        certificateArn: config.source.walletCertificateArn,
        mode: capture.mode,
        facts: config.source.facts,
        // The stream runs in limited LOB mode (Kafka's 1 MiB messages): a LOB above LobMaxSize fails the task instead of
        // being truncated with only a warning (OracleSettings.FailTasksOnLobTruncation, "If a task is set to limited LOB
        // mode and this option is set to true, the task fails instead of truncating the LOB data":
        // https://docs.aws.amazon.com/dms/latest/APIReference/API_OracleSettings.html; the extra connection attribute
        // failTasksOnLobTruncation=true in the DMS guide's Oracle endpoint settings, CHAP_Source.Oracle.html#CHAP_Source.Oracle.ConnectionAttrib).
        // No effect on the migration's full LOB mode. An attribute because provider 5.100.0's oracle_settings lacks it.
        options: { additional: { failTasksOnLobTruncation: 'true' } },
      },
      target: {
        kind: 'mysql',
        engine: 'aurora',
        serverName: config.target.clusterEndpoint,
        databaseName: config.target.databaseName,
        secret: { secretArn: config.target.secretArn, kmsKeyArn: config.target.secretKmsKeyArn },
        sslMode: 'verify-full',
        certificateArn: config.target.caCertificateArn,
        connections: { connections: aurora },
      },
      migrationType: 'full-load-and-cdc',
      // Materialized-view logs (MLOG$_<table>) are Oracle's own change tables, not ERP data. Oracle's upper-case names
      // become lower case: Aurora MySQL compares table names case-sensitively on Linux.
      tableMappings: new TableMappings().include({ schema }).exclude({ schema, table: 'MLOG$%' }).lowercase(),
      // Database target defaults: validation on, full LOB mode (LOB sizes not needed), TRUNCATE_BEFORE_LOAD.
      monitoring: { cdcLatencySeconds: config.dms.cdcLatencyAlarmSeconds },
    });
    const oracle = this.migration.source as OracleSourceEndpoint;

    const msk = new DataAwsMskCluster(this, 'msk', { clusterName: config.stream.mskClusterName });
    const mappings = new TableMappings();
    for (const table of [...Object.keys(config.stream.topics), ...config.stream.otherTables]) mappings.include({ schema, table });
    for (const [table, topic] of Object.entries(config.stream.topics)) mappings.mapToKafkaTopic({ schema, table }, topic);
    this.stream = new DmsMigration(this, 'stream', {
      component: 'erp-stream',
      network,
      accountRoles: roles,
      instance: { instanceClass: config.dms.streamInstanceClass },
      source: { kind: 'existing', endpoint: oracle },
      target: {
        kind: 'kafka',
        brokers: { cluster: msk },
        securityProtocol: 'sasl-ssl',
        saslSecret: { secretArn: config.stream.scramSecretArn },
        topic: config.stream.defaultTopic,
        connections: { connections: new Connections(this, { securityGroupId: config.stream.mskSecurityGroupId, description: `MSK ${config.stream.mskClusterName}` }) },
        // Escape hatch: KafkaSettings.NoHexPrefix has no typed prop. By default DMS writes Oracle RAW values (the ERP's
        // SYS_GUID() keys) as hex with a '0x' prefix to Kafka; the consumers join on the bare hex the ERP shows
        // (KafkaSettings API: https://docs.aws.amazon.com/dms/latest/APIReference/API_KafkaSettings.html).
        overrides: { kafkaSettings: { noHexPrefix: true } },
      },
      migrationType: 'cdc',
      tableMappings: mappings,
      settings: { lob: { mode: 'limited', maxSizeKiB: config.stream.lobMaxSizeKiB }, dataTruncationErrorPolicy: 'STOP_TASK' },
      monitoring: { topicArn: this.migration.monitoring!.topicArn, cdcLatencySeconds: config.dms.cdcLatencyAlarmSeconds },
    });
    // No DMS-TASK-LOB-SAFE waiver: the policy check reads the Oracle endpoint's failTasksOnLobTruncation=true, which
    // stops the task on a LOB above LobMaxSize instead of truncating it (OracleSettings.FailTasksOnLobTruncation).
    if (oracle.createdSecret) {
      this.waivePolicy(
        'SECRETS-ROTATION',
        oracle.createdSecret.secret,
        'The Oracle user DMS logs in with lives on the on-premises ERP database, so AWS cannot rotate it: the DBA rotates it on the source and puts the new value (modules/dms-migration README, "Credentials").',
      );
      new TerraformOutput(this, 'source_secret_put_command', {
        value: oracle.createdSecret.putSecretValueCommand,
        description: `Run once with the DMS user made by templates/oracle/ (${capture.mode}) and its password`,
      });
    }

    new TerraformOutput(this, 'oracle_capture_mode', { value: capture.mode, description: `Capture mode picked from the source facts: ${capture.reasons.join('; ')}` });
    new TerraformOutput(this, 'source_secret_arn', { value: oracle.secret.secretArn });
    new TerraformOutput(this, 'replication_task_arn', { value: this.migration.task.replicationTaskArn });
    new TerraformOutput(this, 'stream_task_arn', { value: this.stream.task.replicationTaskArn });
    new TerraformOutput(this, 'dms_security_group_ids', {
      value: [this.migration.instance.connections.securityGroupId, this.stream.instance.connections.securityGroupId],
      description: `Admit these on the on-premises firewall to ${config.source.address}:${config.source.port}`,
    });
    new TerraformOutput(this, 'alerts_topic_arn', { value: this.migration.monitoring!.topicArn });
  }
}
