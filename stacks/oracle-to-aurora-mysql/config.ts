import { OracleSourceFacts } from '../../modules/dms-migration';
import { ExistingNetworkProps } from '../../modules/network';

/**
 * An on-premises Oracle ERP migrated with full load + CDC into an Aurora MySQL cluster the application team already
 * runs, while a second task streams the same source's changes to an existing Amazon MSK cluster, one topic per
 * table, for the teams that consume ERP events. One typed entry per environment; a forked project edits this file.
 * Nothing here is a secret: logins and the wallet live in Secrets Manager and DMS, referenced by ARN.
 */
export interface OracleToAuroraMysqlConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  /**
   * The VPC of the Aurora cluster and the MSK cluster (the DMS guide asks for the replication instance and the Kafka
   * cluster in the same VPC), with the site-to-site VPN route to the Oracle server. Its Secrets Manager endpoint is
   * checked at plan (modules/network, ExistingNetwork).
   */
  readonly network: ExistingNetworkProps;
  /** `create` in the one stack per AWS account that owns dms-vpc-role / dms-cloudwatch-logs-role; `adopt` elsewhere. */
  readonly dmsAccountRoles: 'create' | 'adopt';
  readonly source: {
    /** The Oracle listener's IP address, reached over the VPN (the replication instance gets egress to it). */
    readonly address: string;
    /** The TCPS listener (TLS): DMS connects to Oracle with verify-ca only. */
    readonly port: number;
    /** Service name: the PDB's for a pluggable database. */
    readonly databaseName: string;
    /** The ERP schema (Oracle owner, upper case). */
    readonly schema: string;
    /** Answers of templates/oracle/00-preflight-checks.sql: they choose the capture mode (pickOracleCaptureMode). */
    readonly facts: OracleSourceFacts;
    /**
     * ARN of the DMS certificate holding the Oracle wallet (`orapki wallet create -auto_login_only`, the listener's CA
     * only), imported once by the DBA team (`aws dms import-certificate --certificate-wallet fileb://cwallet.sso`).
     * The wallet file never enters this repository.
     */
    readonly walletCertificateArn: string;
  };
  readonly target: {
    /** The Aurora MySQL cluster's writer endpoint. */
    readonly clusterEndpoint: string;
    /** The database every ERP table lands in (`targetDbType: specific-database`). */
    readonly databaseName: string;
    /**
     * Secret of the DMS login made with templates/mysql/target-user.sql: JSON `username`, `password`, `host` (the
     * cluster endpoint) and `port`. Not the cluster's RDS-managed master secret.
     */
    readonly secretArn: string;
    readonly secretKmsKeyArn: string;
    /** The cluster's security group: the stack admits the replication instance on 3306. */
    readonly securityGroupId: string;
    /**
     * DMS certificate with the RDS CA bundle (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem),
     * imported once per account: the endpoint checks the cluster's certificate and name (`verify-full`).
     */
    readonly caCertificateArn: string;
  };
  readonly stream: {
    /** The MSK cluster's name (its SASL/SCRAM bootstrap brokers are read at plan). */
    readonly mskClusterName: string;
    /** The brokers' security group: the stack admits the stream's replication instance on 9096. */
    readonly mskSecurityGroupId: string;
    /** The `AmazonMSK_` secret associated with the cluster for SASL/SCRAM: JSON `username`, `password`. */
    readonly scramSecretArn: string;
    /** Tables not given a topic of their own go here. */
    readonly defaultTopic: string;
    /** ERP table -> its topic (the topic per table the consumers subscribe to). */
    readonly topics: Readonly<Record<string, string>>;
    /** Streamed tables without a topic of their own (they go to `defaultTopic`). */
    readonly otherTables: readonly string[];
    /**
     * LobMaxSize of the stream task, KiB. Kafka targets take limited LOB mode only (messages of at most 1 MiB), which
     * truncates larger LOBs with only a warning: keep it above the largest LOB of the streamed tables, measured by
     * templates/oracle/00-preflight-checks.sql section 10, and below 1024.
     */
    readonly lobMaxSizeKiB: number;
  };
  readonly dms: {
    readonly instanceClass: string;
    readonly allocatedStorageGiB: number;
    readonly streamInstanceClass: string;
    readonly cdcLatencyAlarmSeconds: number;
  };
}

const shared = {
  project: 'erp',
  region: 'eu-west-2',
  stateBucket: 'erp-terraform-state',
  stream: {
    defaultTopic: 'erp-changes',
    topics: { ORDERS: 'erp-orders', ORDER_LINES: 'erp-order-lines', CUSTOMERS: 'erp-customers' },
    otherTables: ['INVOICES'],
    lobMaxSizeKiB: 256,
  },
} as const;

export const CONFIG: Record<'staging' | 'production', OracleToAuroraMysqlConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    // Staging and production live in separate accounts here, so each creates its own DMS account roles.
    dmsAccountRoles: 'create',
    network: {
      vpcId: 'vpc-0e1b2c3d4e5f60001',
      privateSubnets: [
        { id: 'subnet-0e1b2c3d4e5f60011', availabilityZone: 'eu-west-2a' },
        { id: 'subnet-0e1b2c3d4e5f60012', availabilityZone: 'eu-west-2b' },
      ],
      apiEndpointsSecurityGroupId: 'sg-0e1b2c3d4e5f60021',
      awsApiAccess: 'vpc-endpoints',
      interfaceEndpoints: ['secretsmanager'],
    },
    source: {
      address: '10.210.10.40',
      port: 2484,
      databaseName: 'ERPUAT',
      schema: 'ERP',
      // The UAT copy is a pluggable database in a shared 19c CDB: LogMiner cannot read a PDB, so Binary Reader.
      facts: { hosting: 'self-managed', continuous: true, version: '19', edition: 'enterprise', container: 'pdb', archiveLogMode: true, supplementalLogging: true, highRedoVolume: true },
      walletCertificateArn: 'arn:aws:dms:eu-west-2:222222222222:cert:ERPUATORACLEWALLET',
    },
    target: {
      clusterEndpoint: 'erp-staging.cluster-c9d8e7f6a5b4.eu-west-2.rds.amazonaws.com',
      databaseName: 'erp',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:222222222222:secret:erp-staging-dms-aurora-AbCdEf',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:222222222222:key/0e1b2c3d-0000-4000-8000-000000000001',
      securityGroupId: 'sg-0e1b2c3d4e5f60031',
      caCertificateArn: 'arn:aws:dms:eu-west-2:222222222222:cert:RDSEUWEST2BUNDLE',
    },
    stream: {
      ...shared.stream,
      mskClusterName: 'erp-events-staging',
      mskSecurityGroupId: 'sg-0e1b2c3d4e5f60041',
      scramSecretArn: 'arn:aws:secretsmanager:eu-west-2:222222222222:secret:AmazonMSK_erp-dms-staging-GhIjKl',
    },
    dms: { instanceClass: 'dms.t3.medium', allocatedStorageGiB: 50, streamInstanceClass: 'dms.t3.medium', cdcLatencyAlarmSeconds: 900 },
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    dmsAccountRoles: 'create',
    network: {
      vpcId: 'vpc-0e1b2c3d4e5f60002',
      privateSubnets: [
        { id: 'subnet-0e1b2c3d4e5f60013', availabilityZone: 'eu-west-2a' },
        { id: 'subnet-0e1b2c3d4e5f60014', availabilityZone: 'eu-west-2b' },
        { id: 'subnet-0e1b2c3d4e5f60015', availabilityZone: 'eu-west-2c' },
      ],
      apiEndpointsSecurityGroupId: 'sg-0e1b2c3d4e5f60022',
      awsApiAccess: 'vpc-endpoints',
      interfaceEndpoints: ['secretsmanager'],
    },
    source: {
      address: '10.210.20.40',
      port: 2484,
      databaseName: 'ERPPRD',
      schema: 'ERP',
      // A non-CDB 19c Enterprise database read by two DMS tasks (the migration and the stream): the guide's case for
      // Binary Reader ("unless you need to run several migration tasks on the source Oracle database").
      facts: { hosting: 'self-managed', continuous: true, version: '19', edition: 'enterprise', container: 'non-cdb', archiveLogMode: true, supplementalLogging: true, highRedoVolume: true },
      walletCertificateArn: 'arn:aws:dms:eu-west-2:333333333333:cert:ERPPRDORACLEWALLET',
    },
    target: {
      clusterEndpoint: 'erp-prod.cluster-c9d8e7f6a5b4.eu-west-2.rds.amazonaws.com',
      databaseName: 'erp',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:333333333333:secret:erp-prod-dms-aurora-MnOpQr',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:333333333333:key/0e1b2c3d-0000-4000-8000-000000000002',
      securityGroupId: 'sg-0e1b2c3d4e5f60032',
      caCertificateArn: 'arn:aws:dms:eu-west-2:333333333333:cert:RDSEUWEST2BUNDLE',
    },
    stream: {
      ...shared.stream,
      mskClusterName: 'erp-events-prod',
      mskSecurityGroupId: 'sg-0e1b2c3d4e5f60042',
      scramSecretArn: 'arn:aws:secretsmanager:eu-west-2:333333333333:secret:AmazonMSK_erp-dms-prod-StUvWx',
    },
    dms: { instanceClass: 'dms.r6i.large', allocatedStorageGiB: 200, streamInstanceClass: 'dms.c6i.large', cdcLatencyAlarmSeconds: 300 },
  },
};
