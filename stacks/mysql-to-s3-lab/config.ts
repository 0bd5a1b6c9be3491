import { ExistingNetworkProps } from '../../modules/network';

/**
 * The DMS lab (seed: dms-mysql-to-s3-lab.md), made safe: RDS MySQL `retail` -> S3 data lake with full load + CDC,
 * sensitive customer columns masked in flight, private replication instance, secrets, TLS and alarms.
 * The source database already exists (lab step 1); the stack reaches it by address in its own VPC.
 */
export interface MysqlToS3LabConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  /**
   * The VPC of the source RDS instance (DMS runs beside it): its private subnets in >= 2 AZs. It has no NAT; its
   * Secrets Manager endpoint and S3 gateway endpoint are checked at plan (modules/network, ExistingNetwork).
   */
  readonly network: ExistingNetworkProps;
  /** Both lab stacks share one account: the staging stack creates the DMS account roles, production adopts them. */
  readonly dmsAccountRoles: 'create' | 'adopt';
  readonly source: {
    /** RDS endpoint address of the MySQL instance. */
    readonly address: string;
    readonly port: number;
    readonly databaseName: string;
    /**
     * Secret of the DMS login: JSON `username`, `password`, `host` and `port` (DMS connects to the host and port in the
     * secret). Not the RDS-managed master secret, which holds only username and password: DMS refuses it at synth.
     */
    readonly secretArn: string;
    readonly secretKmsKeyArn?: string;
    /** The RDS instance's security group: the stack admits the replication instance on 3306. */
    readonly securityGroupId: string;
  };
  readonly lake: {
    readonly folder: string;
    readonly format: 'csv' | 'parquet';
    /**
     * LobMaxSize of the task, KiB. S3 targets support only limited LOB mode, which truncates larger LOBs with only a
     * warning: keep it above the largest TEXT/BLOB value of the selected tables, measured before the task starts
     * (`SELECT MAX(LENGTH(col)) FROM t` for each LOB column; 1-102400).
     */
    readonly lobMaxSizeKiB: number;
  };
}

const shared = {
  project: 'retaillab',
  region: 'eu-west-2',
  stateBucket: 'retaillab-terraform-state',
  lake: { folder: 'raw/retail', format: 'parquet', lobMaxSizeKiB: 64 },
} as const;

export const CONFIG: Record<'staging' | 'production', MysqlToS3LabConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    dmsAccountRoles: 'create',
    network: {
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      privateSubnets: [
        { id: 'subnet-0a1b2c3d4e5f60011', availabilityZone: 'eu-west-2a' },
        { id: 'subnet-0a1b2c3d4e5f60012', availabilityZone: 'eu-west-2b' },
      ],
      apiEndpointsSecurityGroupId: 'sg-0a1b2c3d4e5f60021',
      awsApiAccess: 'vpc-endpoints',
      interfaceEndpoints: ['secretsmanager'],
    },
    source: {
      address: 'source-mysql-db.c1a2b3c4d5e6.eu-west-2.rds.amazonaws.com',
      port: 3306,
      databaseName: 'retail',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:retaillab-staging-dms-mysql-AbCdEf',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/0a1b2c3d-0000-4000-8000-000000000001',
      securityGroupId: 'sg-0a1b2c3d4e5f60031',
    },
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    dmsAccountRoles: 'adopt',
    network: {
      vpcId: 'vpc-0a1b2c3d4e5f60002',
      privateSubnets: [
        { id: 'subnet-0a1b2c3d4e5f60013', availabilityZone: 'eu-west-2a' },
        { id: 'subnet-0a1b2c3d4e5f60014', availabilityZone: 'eu-west-2b' },
        { id: 'subnet-0a1b2c3d4e5f60015', availabilityZone: 'eu-west-2c' },
      ],
      apiEndpointsSecurityGroupId: 'sg-0a1b2c3d4e5f60022',
      awsApiAccess: 'vpc-endpoints',
      interfaceEndpoints: ['secretsmanager'],
    },
    source: {
      address: 'retail-mysql.c1a2b3c4d5e6.eu-west-2.rds.amazonaws.com',
      port: 3306,
      databaseName: 'retail',
      secretArn: 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:retaillab-prod-dms-mysql-GhIjKl',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/0a1b2c3d-0000-4000-8000-000000000002',
      securityGroupId: 'sg-0a1b2c3d4e5f60032',
    },
  },
};
