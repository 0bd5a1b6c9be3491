import { Construct } from 'constructs';
import { DmsEndpoint } from '@cdktf/provider-aws/lib/dms-endpoint';
import { DmsS3Endpoint } from '@cdktf/provider-aws/lib/dms-s3-endpoint';
import { check, checkRange, IConnectable, isResolved, MigrationStack, ServiceRole, TerraformResource, ValidationError } from '../core';
import { IDmsReplicationInstance } from './replication-instance';
import { EmptyLoginSecret, newSecretAccessRole, rdsManagedMasterSecret, SecretRef } from './secrets';
import {
  SqlServerEndpointOptions,
  SqlServerMode,
  sqlServerExtraConnectionAttributes,
  SqlServerSourceFacts,
  SQLSERVER_MODES,
  validateSqlServerMode,
  validateSqlServerOptions,
} from './sqlserver-mode';
import { TargetKind } from './task-settings';

/** What a replication task needs from an endpoint. */
export interface IDmsEndpoint {
  readonly endpointArn: string;
  readonly endpointType: 'source' | 'target';
  /** DMS engine name: sqlserver, mysql, aurora, postgres, aurora-postgresql, s3, kinesis. */
  readonly engineName: string;
  /** For targets: database, s3 or kinesis (decides validation defaults). */
  readonly targetKind?: TargetKind;
  /** For SQL Server sources: the capture mode (decides the allowed migration types). */
  readonly sqlServerMode?: SqlServerMode;
  /** For PostgreSQL sources: the logical replication slot named on the endpoint (needed for a native CDC start point). */
  readonly slotName?: string;
  /** Called by the task: opens the network path from the replication instance (security-group rule or egress). */
  bind(instance: IDmsReplicationInstance): void;
}

export type TlsMode = 'require' | 'verify-full';

/** Settings every database endpoint shares. */
export interface DatabaseEndpointProps {
  /** Component for physical names, e.g. `billing-source`. */
  readonly component: string;
  /**
   * Host name or IP address of the database server: names it in rules and descriptions. DMS itself connects to the
   * `host` and `port` stored in the secret, so they must be the same.
   */
  readonly serverName: string;
  /** The port the network path is opened on (the secret's `port` must match). */
  readonly port?: number;
  readonly databaseName?: string;
  /**
   * The login secret: JSON `username`, `password`, `host` and `port` (DMS reads all four from it). An RDS-managed
   * master secret (username and password only) fails at synth.
   */
  readonly secret: SecretRef;
  /**
   * TLS for the connection. `require` encrypts; `verify-full` also checks the server certificate against
   * `certificateArn` (an `aws_dms_certificate`). Plain-text connections are not offered.
   * @default 'require'
   */
  readonly sslMode?: TlsMode;
  /** CA certificate for `verify-full`. */
  readonly certificateArn?: string;
  /**
   * The database's security group, when it is in AWS: the task adds an ingress rule from the replication
   * instance on `port` (by security-group reference).
   */
  readonly connections?: IConnectable;
  /** Further documented attributes (`name=value;...`), appended to the ones this module sets. */
  readonly extraConnectionAttributes?: string;
  /**
   * When Terraform modifies this endpoint, first pause the running tasks that use it and restart them afterwards
   * (provider `pause_replication_tasks`: "Only tasks paused by the resource will be restarted after the modification
   * completes"). Without it, an endpoint change meets the running task as it is (see "Running replications" in the
   * README). @default false (the provider's default)
   */
  readonly pauseRunningTasks?: boolean;
}

function checkTls(scope: Construct, props: { sslMode?: string; certificateArn?: string }): TlsMode {
  const mode = (props.sslMode ?? 'require') as TlsMode;
  check(
    mode === 'require' || mode === 'verify-full',
    scope,
    `sslMode "${props.sslMode}" would send the login and the data in clear text; use 'require' or 'verify-full' (DMS-SSL).`,
  );
  check(
    mode !== 'verify-full' || props.certificateArn !== undefined,
    scope,
    "sslMode 'verify-full' needs certificateArn (an aws_dms_certificate holding the server's CA, e.g. the RDS global bundle).",
  );
  return mode;
}

function joinAttributes(...parts: Array<string | undefined>): string | undefined {
  const joined = parts
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/;+$/, ''))
    .filter((p) => p.length)
    .join(';');
  return joined ? `${joined};` : undefined;
}

/** The role and its inline policy: an endpoint must not be created (and connection-tested) before both exist. */
function roleResources(role: ServiceRole): TerraformResource[] {
  return role.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
}

/** DMS User Guide, "Using secrets to access AWS Database Migration Service endpoints". */
export const DMS_SECRETS_GUIDE = 'https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html';

/** IANA time zone names as S3Settings.DatePartitionTimezone documents them: Area/Location (e.g. America/Argentina/Buenos_Aires). */
const AREA_LOCATION = /^[A-Z][A-Za-z]+\/[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)?$/;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Base of the typed database endpoints (login secret, TLS, secret-access role, network path); other endpoint files extend it. */
export abstract class DatabaseEndpointBase extends Construct implements IDmsEndpoint {
  readonly endpoint: DmsEndpoint;
  readonly endpointArn: string;
  readonly secretAccessRole: ServiceRole;
  abstract readonly endpointType: 'source' | 'target';
  readonly engineName: string;
  readonly port: number;
  readonly serverName: string;
  readonly databaseName?: string;
  /** The login secret DMS reads. */
  readonly secret: SecretRef;
  protected readonly peer?: IConnectable;

  protected constructor(
    scope: Construct,
    id: string,
    props: DatabaseEndpointProps,
    spec: {
      engineName: string;
      endpointType: 'source' | 'target';
      defaultPort: number;
      extraConnectionAttributes?: string;
      postgresSettings?: DmsEndpoint['postgresSettingsInput'];
      /** Creates the secret as a child of this construct when the caller passed none. */
      secretFactory?: (self: Construct) => SecretRef;
    },
  ) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'port', props.port, 1, 65535);
    const sslMode = checkTls(this, props);
    check(props.serverName.length > 0, this, 'serverName is empty; pass the database host name or IP address.');
    this.engineName = spec.engineName;
    this.port = props.port ?? spec.defaultPort;
    this.serverName = props.serverName;
    this.databaseName = props.databaseName;
    this.peer = props.connections;
    this.secret = spec.secretFactory ? spec.secretFactory(this) : props.secret;
    const managed = rdsManagedMasterSecret(this, this.secret.secretArn);
    if (managed) {
      throw new ValidationError(
        this,
        `secret ${managed} is an RDS-managed master secret: it holds only username and password, and DMS takes the host and port from the endpoint's secret (${DMS_SECRETS_GUIDE}). Pass a login secret holding username, password, host and port: for a PrivatePostgres, set appUser (authentication "password") and use its app-user secret; elsewhere create a login for DMS and store {"username","password","host","port"}.`,
      );
    }
    this.secretAccessRole = newSecretAccessRole(this, 'secret-access', `${props.component}-${spec.endpointType}`, this.secret);
    this.endpoint = new DmsEndpoint(this, 'endpoint', {
      endpointId: stack.naming.name(`${props.component}-${spec.endpointType}`, 'dmsIdentifier'),
      endpointType: spec.endpointType,
      engineName: spec.engineName,
      // No server_name / port: with secrets_manager_arn the API takes the secret or clear-text connection details,
      // never both, and the provider sends only the secret, its role and the database name (DMS reads host and port
      // from the secret). Emitting them would only be ignored, and drift.
      databaseName: props.databaseName,
      sslMode,
      certificateArn: props.certificateArn,
      secretsManagerArn: this.secret.secretArn,
      secretsManagerAccessRoleArn: this.secretAccessRole.arn,
      extraConnectionAttributes: joinAttributes(spec.extraConnectionAttributes, props.extraConnectionAttributes),
      postgresSettings: spec.postgresSettings,
      pauseReplicationTasks: props.pauseRunningTasks,
      // The role's policy must exist before DMS tests the connection with it.
      dependsOn: roleResources(this.secretAccessRole),
    });
    this.endpointArn = this.endpoint.endpointArn;
  }

  /**
   * Admits another client (e.g. a Lambda that reads the target's control tables) to the database on its port, by
   * security group. Returns false when the endpoint was given no `connections` (a database outside this stack's
   * security groups), and nothing was opened.
   */
  /** Whether the database's security group is known (`database` or `connections`), so clients can be admitted. */
  get admitsClients(): boolean {
    return this.peer !== undefined;
  }

  allowClientFrom(client: IConnectable, purpose: string): boolean {
    if (!this.peer) return false;
    this.peer.connections.allowFrom(client, this.port, purpose);
    return true;
  }

  bind(instance: IDmsReplicationInstance): void {
    if (this.peer) {
      this.peer.connections.allowFrom(instance, this.port, `DMS ${instance.replicationInstanceId} to ${this.engineName} ${this.endpointType}`);
    }
  }
}

export interface SqlServerSourceEndpointProps extends Omit<DatabaseEndpointProps, 'secret' | 'serverName'> {
  /**
   * The server's IP address. The playbook: "the source DB server should be specified with IP and not the server
   * name" (on-premises DNS is not resolvable from the VPC). Host names are accepted only for cloud-hosted
   * sources (`facts.hosting` other than self-managed).
   */
  readonly serverAddress: string;
  /** @default 1433 */
  readonly port?: number;
  readonly databaseName: string;
  /**
   * The DMS login's secret (`username`, `password`, `host` = `serverAddress`, `port`). @default a KMS-encrypted secret
   * created here without a value; the operator puts the value (`putSecretValueCommand`, host and port filled in).
   */
  readonly secret?: SecretRef;
  /** How changes are captured (or not). Pick it with `pickSqlServerMode(facts)`. */
  readonly mode: SqlServerMode;
  /** What is known about the source; when given, impossible modes fail at synth with the reason. */
  readonly facts?: SqlServerSourceFacts;
  /** Typed SQL Server settings (become extra connection attributes). */
  readonly options?: SqlServerEndpointOptions;
}

/**
 * A SQL Server source: on premises (by IP, over the VPN; the task adds egress to `serverAddress/32` on the
 * port), on EC2, or RDS. The mode sets the extra connection attributes; the source itself must be prepared
 * with templates/sqlserver/ for that mode.
 */
export class SqlServerSourceEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'source' as const;
  readonly sqlServerMode: SqlServerMode;
  /** Set when this construct created the (empty) login secret: the operator puts its value. */
  readonly createdSecret?: EmptyLoginSecret;
  private readonly byAddress: boolean;

  constructor(scope: Construct, id: string, props: SqlServerSourceEndpointProps) {
    const path = `${scope.node.path}/${id}`;
    if (!(SQLSERVER_MODES as readonly string[]).includes(props.mode)) {
      throw new ValidationError(path, `mode "${props.mode}" is not one of ${SQLSERVER_MODES.join(', ')}.`);
    }
    if (props.facts) {
      const problems = validateSqlServerMode(props.mode, props.facts);
      if (problems.length) throw new ValidationError(path, problems.join(' '));
    }
    const hosting = props.facts?.hosting ?? 'self-managed';
    if (hosting === 'self-managed' && isResolved(props.serverAddress) && !IPV4.test(props.serverAddress)) {
      throw new ValidationError(
        path,
        `serverAddress "${props.serverAddress}" is a name; an on-premises source is reached by IP over the VPN (on-premises DNS does not resolve in the VPC). Pass its IPv4 address, or set facts.hosting for a cloud-hosted source.`,
      );
    }
    const optionProblems = validateSqlServerOptions(props.mode, props.options, props.facts);
    if (optionProblems.length) throw new ValidationError(path, optionProblems.join(' '));
    if (props.options?.setUpMsCdcForTables && props.facts && !props.facts.sysadmin) {
      throw new ValidationError(
        path,
        'options.setUpMsCdcForTables lets DMS enable MS-CDC itself, which needs a sysadmin login, and facts.sysadmin is not true. Run templates/sqlserver/ms-cdc-enable.sql as a DBA instead and drop the option.',
      );
    }
    let created: EmptyLoginSecret | undefined;
    super(scope, id, { ...props, serverName: props.serverAddress, secret: props.secret ?? { secretArn: '' } }, {
      engineName: 'sqlserver',
      endpointType: 'source',
      defaultPort: 1433,
      extraConnectionAttributes: sqlServerExtraConnectionAttributes(props.mode, props.options, props.facts),
      secretFactory: props.secret
        ? undefined
        : (self) =>
            (created = new EmptyLoginSecret(self, 'login', {
              component: props.component,
              description: `SQL Server login used by DMS (${props.mode})`,
              host: isResolved(props.serverAddress) ? props.serverAddress : undefined,
              port: props.port ?? 1433,
            })),
    });
    this.sqlServerMode = props.mode;
    this.createdSecret = created;
    this.byAddress = !props.connections && isResolved(props.serverAddress) && IPV4.test(props.serverAddress);
  }

  bind(instance: IDmsReplicationInstance): void {
    super.bind(instance);
    if (this.byAddress) {
      instance.allowEgressToCidr(
        `${this.serverName}/32`,
        this.port,
        `DMS to on-premises SQL Server ${this.serverName}:${this.port} (over the VPN; open the on-premises firewall for the DMS subnets)`,
      );
    }
  }
}

export interface MySqlSourceEndpointProps extends DatabaseEndpointProps {
  /** @default 'mysql' (RDS for MySQL, self-managed); 'aurora' for Aurora MySQL */
  readonly engine?: 'mysql' | 'aurora';
  /** @default 3306 */
  readonly port?: number;
}

/**
 * A MySQL / Aurora MySQL source. CDC needs `binlog_format = ROW`, `binlog_row_image = FULL` and binlog retention
 * long enough to survive a task restart (RDS: `call mysql.rds_set_configuration('binlog retention hours', 24)`),
 * and automated backups on (RDS keeps binlogs only then).
 */
export class MySqlSourceEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'source' as const;
  constructor(scope: Construct, id: string, props: MySqlSourceEndpointProps) {
    super(scope, id, props, { engineName: props.engine ?? 'mysql', endpointType: 'source', defaultPort: 3306 });
  }
}

export interface PostgresSourceEndpointProps extends DatabaseEndpointProps {
  /** @default 'postgres'; 'aurora-postgresql' for Aurora */
  readonly engine?: 'postgres' | 'aurora-postgresql';
  /** @default 5432 */
  readonly port?: number;
  readonly databaseName: string;
  /**
   * A logical replication slot that already exists on the source (`PostgreSQLSettings.SlotName`). Needed to start
   * CDC from a native position (a task's `cdcStartPosition`): DMS checks that the slot exists and that the task has
   * a valid start position. Create it before the export with templates/postgres/cdc-start-slot.sql, which prints
   * the LSN to start from.
   * @default DMS creates a slot when the task starts
   */
  readonly slotName?: string;
  /**
   * Decoding plugin of the slot (`PostgreSQLSettings.PluginName`).
   * @default 'test-decoding' with `slotName` (templates/postgres/cdc-start-slot.sql creates the slot with
   *   test_decoding); DMS's choice otherwise
   */
  readonly pluginName?: 'test-decoding' | 'pglogical';
  /** Heartbeat keeps the slot's restart LSN moving on idle databases (WAL would otherwise pile up). @default true */
  readonly heartbeat?: boolean;
  /**
   * `FailTasksOnLobTruncation`: in limited LOB mode, a LOB larger than LobMaxSize fails the task instead of being
   * truncated with only a warning (API PostgreSQLSettings:
   * https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html). The policy check
   * (DMS-TASK-LOB-SAFE) accepts limited LOB mode from a source that sets it.
   * @default true
   */
  readonly failTasksOnLobTruncation?: boolean;
}

const SLOT_NAME = /^[a-z0-9_]{1,63}$/;

/** A PostgreSQL / Aurora PostgreSQL source. CDC needs `rds.logical_replication = 1` (PrivatePostgres `logicalReplication: true`). */
export class PostgresSourceEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'source' as const;
  /** Limited LOB mode fails the task instead of truncating (FailTasksOnLobTruncation). */
  readonly failsTasksOnLobTruncation: boolean;
  readonly slotName?: string;
  constructor(scope: Construct, id: string, props: PostgresSourceEndpointProps) {
    if (props.slotName !== undefined && isResolved(props.slotName) && !SLOT_NAME.test(props.slotName)) {
      throw new ValidationError(
        `${scope.node.path}/${id}`,
        `slotName "${props.slotName}" is not a replication slot name: PostgreSQL allows lower-case letters, digits and underscores, at most 63. Use the name given to templates/postgres/cdc-start-slot.sql.`,
      );
    }
    const failTasksOnLobTruncation = props.failTasksOnLobTruncation ?? true;
    super(scope, id, props, {
      engineName: props.engine ?? 'postgres',
      endpointType: 'source',
      defaultPort: 5432,
      postgresSettings: {
        heartbeatEnable: props.heartbeat ?? true,
        heartbeatFrequency: 5,
        slotName: props.slotName,
        pluginName: props.pluginName ?? (props.slotName ? 'test-decoding' : undefined),
        failTasksOnLobTruncation,
      },
    });
    this.failsTasksOnLobTruncation = failTasksOnLobTruncation;
    this.slotName = props.slotName;
  }
}

/** The parts of a PrivatePostgres (modules/private-postgres) a Postgres target needs. */
export interface PostgresDatabaseLike extends IConnectable {
  readonly address: string;
  readonly port: number | string;
  readonly databaseName: string;
  /** RDS-managed (username and password only): never given to DMS. Undefined for an adopted database (ExistingPostgres). */
  readonly masterSecretArn?: string;
  readonly secretKmsKeyArn?: string;
  /** The app user's secret (username, password, host, port, dbname): the one DMS logs in with. */
  readonly appUserSecretArn?: string;
  /** `postgres` or `aurora-postgresql` (PrivatePostgres has it): the DMS engine name of the endpoint follows it. */
  readonly engine?: 'postgres' | 'aurora-postgresql';
}

export interface PostgresTargetEndpointProps extends Omit<DatabaseEndpointProps, 'serverName' | 'secret' | 'databaseName'> {
  /** A PrivatePostgres (or anything shaped like it): address, port, database, secret and security group come from it. */
  readonly database?: PostgresDatabaseLike;
  /**
   * With `database` (and no `secret`), DMS logs in with the database's app-user secret (see
   * templates/postgres/migration-user.sql): its master secret is RDS-managed and holds no host or port. `false` is
   * refused for that reason. @default true
   */
  readonly useAppUserSecret?: boolean;
  /** Required without `database`. */
  readonly serverName?: string;
  /** Required without `database`. */
  readonly databaseName?: string;
  /** Required without `database`. */
  readonly secret?: SecretRef;
  /** @default the engine of `database`, else 'postgres' */
  readonly engine?: 'postgres' | 'aurora-postgresql';
  /**
   * Runs `SET session_replication_role = replica` on connect, so triggers and foreign keys do not fire while
   * tables load in parallel. Needs a login allowed to set it (rds_superuser on RDS). @default false
   */
  readonly replicaSessionRole?: boolean;
}

/** A PostgreSQL / Aurora PostgreSQL target. With `database`, the replication instance is admitted on its port by security group. */
export class PostgresTargetEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'target' as const;
  readonly targetKind = 'database' as const;
  constructor(scope: Construct, id: string, props: PostgresTargetEndpointProps) {
    const db = props.database;
    const where = `${scope.node.path}/${id}`;
    const serverName = db?.address ?? props.serverName;
    const databaseName = db?.databaseName ?? props.databaseName;
    let secret = props.secret;
    const masterSecretProblem = `the database's master secret is RDS-managed: it holds only username and password, and DMS takes the host and port from the endpoint's secret (${DMS_SECRETS_GUIDE})`;
    if (db && secret && secret.secretArn === db.masterSecretArn) {
      throw new ValidationError(where, `secret is ${masterSecretProblem}. Pass the app-user secret (appUser on the PrivatePostgres) or another login secret with username, password, host and port.`);
    }
    if (!secret && db) {
      if (props.useAppUserSecret === false) {
        throw new ValidationError(where, `useAppUserSecret: false would have DMS log in with the master secret, but ${masterSecretProblem}. Drop useAppUserSecret (the app-user secret is used), or pass secret: a login secret with username, password, host and port.`);
      }
      if (!db.appUserSecretArn) {
        const fix = 'set appUser (authentication "password") on the PrivatePostgres so DMS logs in with the app-user secret, or pass secret: a login secret with username, password, host and port.';
        throw new ValidationError(
          where,
          props.useAppUserSecret
            ? `useAppUserSecret is set but the database has no app user; ${fix}`
            : `the database has no app-user secret, and ${masterSecretProblem}; ${fix}`,
        );
      }
      secret = { secretArn: db.appUserSecretArn, kmsKeyArn: db.secretKmsKeyArn };
    }
    if (!serverName || !databaseName || !secret) {
      throw new ValidationError(where, 'pass database (a PrivatePostgres), or serverName, databaseName and secret.');
    }
    const port = props.port ?? (db && typeof db.port === 'number' ? db.port : undefined);
    if (props.engine && db?.engine && props.engine !== db.engine) {
      throw new ValidationError(where, `engine "${props.engine}" contradicts the database, which is ${db.engine}; drop engine (it follows the database).`);
    }
    super(
      scope,
      id,
      { ...props, serverName, databaseName, secret, port, connections: props.connections ?? db },
      {
        engineName: props.engine ?? db?.engine ?? 'postgres',
        endpointType: 'target',
        defaultPort: 5432,
        extraConnectionAttributes: props.replicaSessionRole ? 'afterConnectScript=SET session_replication_role=replica' : undefined,
      },
    );
  }
}

/** A bucket DMS reads or writes. */
export interface DmsBucketRef {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** CMK of the bucket's default encryption (DMS writes with SSE-KMS under it). */
  readonly kmsKeyArn?: string;
}

export interface S3TargetEndpointProps {
  readonly component: string;
  readonly bucket: DmsBucketRef;
  /** Key prefix for full-load files, e.g. `raw/retail`. @default 'dms' */
  readonly folder?: string;
  /** @default 'parquet' */
  readonly format?: 'csv' | 'parquet';
  /**
   * Folder (under `folder`) for the change files of CDC. Only a place: DMS writes the transaction order there only
   * with `PreserveTransactions` (S3Settings.CdcPath / PreserveTransactions,
   * https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html), which this endpoint does not set; order
   * changes by the `timestampColumnName` column (commit time) instead.
   * @default 'cdc'
   */
  readonly cdcPath?: string;
  /**
   * Partition files by date (`2026/11/23/...`), in UTC. `timezone` converts the folder dates and CDC file names to a
   * time zone in the documented Area/Location format, e.g. `Europe/London` (S3Settings.DatePartitionTimezone).
   * @default true (UTC)
   */
  readonly datePartitioning?: boolean | { readonly sequence?: 'YYYYMMDD' | 'YYYYMMDDHH' | 'YYYYMM' | 'MMYYYYDD' | 'DDMMYYYY'; readonly timezone?: string };
  /**
   * A column holding the source commit time (full load: the load time). Empty string disables.
   * @default 'dms_commit_ts'
   */
  readonly timestampColumnName?: string;
  /** @default 'GZIP' for CSV, 'NONE' for Parquet (Parquet pages are compressed by the writer anyway) */
  readonly compression?: 'GZIP' | 'NONE';
  /** Write the Glue Data Catalog tables for Athena. @default false */
  readonly glueCatalogGeneration?: boolean;
}

/** Writes DMS output to S3 (aws_dms_s3_endpoint, provider v6), SSE-KMS, with its own least-privilege access role. */
export class S3TargetEndpoint extends Construct implements IDmsEndpoint {
  readonly endpoint: DmsS3Endpoint;
  readonly endpointArn: string;
  readonly endpointType = 'target' as const;
  readonly engineName = 's3';
  readonly targetKind = 's3' as const;
  readonly role: ServiceRole;
  readonly folder: string;

  constructor(scope: Construct, id: string, props: S3TargetEndpointProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.folder = (props.folder ?? 'dms').replace(/^\/+|\/+$/g, '');
    check(this.folder.length > 0, this, 'folder is empty; pass a key prefix like "raw/retail" so DMS output never mixes with other objects.');
    const format = props.format ?? 'parquet';
    const cdcPath = (props.cdcPath ?? 'cdc').replace(/^\/+|\/+$/g, '');
    const partitioning = props.datePartitioning ?? true;
    const partitionOptions = typeof partitioning === 'object' ? partitioning : {};
    const timezone = partitionOptions.timezone;
    check(
      timezone === undefined || !isResolved(timezone) || AREA_LOCATION.test(timezone),
      this,
      `datePartitioning.timezone "${timezone}" is not in the Area/Location format DMS documents for DatePartitionTimezone (e.g. "Europe/London", "Asia/Seoul"; https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html). Leave it out for UTC, which is what DMS partitions by without it.`,
    );
    this.role = new ServiceRole(this, 'role', {
      name: stack.naming.name(`${props.component}-target-s3`, 'iamRole'),
      servicePrincipal: 'dms.amazonaws.com',
      description: `DMS writes to s3://${props.bucket.bucketName}/${this.folder}`,
    });
    this.role.addToPolicy({
      sid: 'WriteOutput',
      actions: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
      resources: [`${props.bucket.bucketArn}/${this.folder}/*`],
    });
    this.role.addToPolicy({
      sid: 'ListOutputPrefix',
      actions: ['s3:ListBucket'],
      resources: [props.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${this.folder}/*`, this.folder] } },
    });
    if (props.bucket.kmsKeyArn) {
      this.role.addToPolicy({ sid: 'EncryptOutput', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.bucket.kmsKeyArn] });
    }
    this.endpoint = new DmsS3Endpoint(this, 'endpoint', {
      endpointId: stack.naming.name(`${props.component}-target`, 'dmsIdentifier'),
      endpointType: 'target',
      bucketName: props.bucket.bucketName,
      bucketFolder: this.folder,
      serviceAccessRoleArn: this.role.arn,
      expectedBucketOwner: stack.accountId,
      dataFormat: format,
      parquetVersion: format === 'parquet' ? 'parquet-2-0' : undefined,
      compressionType: props.compression ?? (format === 'csv' ? 'GZIP' : 'NONE'),
      encryptionMode: props.bucket.kmsKeyArn ? 'SSE_KMS' : 'SSE_S3',
      serverSideEncryptionKmsKeyId: props.bucket.kmsKeyArn,
      cdcPath,
      // Full-load rows get the same operation column ("I") as CDC rows, so one table schema reads both.
      includeOpForFullLoad: true,
      addColumnName: format === 'csv' ? true : undefined,
      timestampColumnName: props.timestampColumnName ?? 'dms_commit_ts',
      datePartitionEnabled: partitioning !== false,
      datePartitionSequence: partitioning !== false ? (partitionOptions.sequence ?? 'YYYYMMDD') : undefined,
      datePartitionDelimiter: partitioning !== false ? 'SLASH' : undefined,
      // Unset means UTC: DatePartitionTimezone converts the current UTC time to an Area/Location zone when given.
      datePartitionTimezone: partitioning !== false ? timezone : undefined,
      glueCatalogGeneration: props.glueCatalogGeneration ?? false,
      dependsOn: roleResources(this.role),
    });
    this.endpointArn = this.endpoint.endpointArn;
  }

  bind(instance: IDmsReplicationInstance): void {
    void instance; // reached over HTTPS (S3 gateway endpoint); the instance already has HTTPS egress.
  }
}

/** Column types of an S3 source's external table definition (DMS data types). */
export type ExternalColumnType =
  | 'BYTE'
  | 'DATE'
  | 'TIME'
  | 'DATETIME'
  | 'INT1'
  | 'INT2'
  | 'INT4'
  | 'INT8'
  | 'NUMERIC'
  | 'REAL4'
  | 'REAL8'
  | 'STRING'
  | 'UINT1'
  | 'UINT2'
  | 'UINT4'
  | 'UINT8'
  | 'BLOB'
  | 'CLOB'
  | 'BOOLEAN';

export interface ExternalColumn {
  readonly name: string;
  readonly type: ExternalColumnType;
  /** Required for STRING (max characters). */
  readonly length?: number;
  /** For NUMERIC. */
  readonly precision?: number;
  readonly scale?: number;
  /** @default true */
  readonly nullable?: boolean;
  /** @default false */
  readonly primaryKey?: boolean;
}

export interface ExternalTable {
  /** Table name as DMS presents it (`table-name` in mappings). */
  readonly name: string;
  /** Schema name as DMS presents it (`schema-name` in mappings). */
  readonly owner: string;
  /** Folder under the endpoint's `folder` holding this table's files, e.g. `retail/customers/`. */
  readonly path: string;
  readonly columns: readonly ExternalColumn[];
}

/** Renders the external table definition JSON DMS expects for S3 sources (validating each column). */
export function externalTableDefinition(tables: readonly ExternalTable[]): string {
  if (tables.length === 0) throw new Error('an S3 source needs at least one table in its external table definition.');
  return JSON.stringify({
    TableCount: String(tables.length),
    Tables: tables.map((t) => {
      if (t.columns.length === 0) throw new Error(`external table ${t.owner}.${t.name} has no columns.`);
      return {
        TableName: t.name,
        TablePath: t.path.endsWith('/') ? t.path : `${t.path}/`,
        TableOwner: t.owner,
        TableColumns: t.columns.map((c) => {
          if (c.type === 'STRING' && !c.length) throw new Error(`column ${t.owner}.${t.name}.${c.name} is STRING and needs a length.`);
          if (c.type === 'NUMERIC' && c.precision === undefined) throw new Error(`column ${t.owner}.${t.name}.${c.name} is NUMERIC and needs a precision.`);
          return {
            ColumnName: c.name,
            ColumnType: c.type,
            ...(c.length !== undefined ? { ColumnLength: String(c.length) } : {}),
            ...(c.precision !== undefined ? { ColumnPrecision: String(c.precision) } : {}),
            ...(c.scale !== undefined ? { ColumnScale: String(c.scale) } : {}),
            ColumnNullable: String(c.nullable ?? !c.primaryKey),
            ColumnIsPk: String(c.primaryKey ?? false),
          };
        }),
        TableColumnsTotal: String(t.columns.length),
      };
    }),
  });
}

export interface S3SourceEndpointProps {
  readonly component: string;
  readonly bucket: DmsBucketRef;
  /** Prefix holding the table folders. @default '' (bucket root) */
  readonly folder?: string;
  /** The tables (typed; rendered to DMS's external table definition JSON). */
  readonly tables: readonly ExternalTable[];
  /** Folder of CDC files (`I,U,D` first column) for ongoing changes. */
  readonly cdcPath?: string;
  /** @default ',' */
  readonly csvDelimiter?: string;
  /** Header lines to skip in each file. @default 1 */
  readonly ignoreHeaderRows?: number;
}

/** Reads CSV files from S3 as source tables (e.g. an export from a retired system), with a typed table definition. */
export class S3SourceEndpoint extends Construct implements IDmsEndpoint {
  readonly endpoint: DmsS3Endpoint;
  readonly endpointArn: string;
  readonly endpointType = 'source' as const;
  readonly engineName = 's3';
  readonly role: ServiceRole;
  readonly tableDefinitionJson: string;

  constructor(scope: Construct, id: string, props: S3SourceEndpointProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const folder = (props.folder ?? '').replace(/^\/+|\/+$/g, '');
    try {
      this.tableDefinitionJson = externalTableDefinition(props.tables);
    } catch (e) {
      throw new ValidationError(this, (e as Error).message);
    }
    checkRange(this, 'ignoreHeaderRows', props.ignoreHeaderRows, 0, 1);
    this.role = new ServiceRole(this, 'role', {
      name: stack.naming.name(`${props.component}-source-s3`, 'iamRole'),
      servicePrincipal: 'dms.amazonaws.com',
      description: `DMS reads s3://${props.bucket.bucketName}/${folder}`,
    });
    const prefix = folder ? `${folder}/` : '';
    this.role.addToPolicy({ sid: 'ReadInput', actions: ['s3:GetObject'], resources: [`${props.bucket.bucketArn}/${prefix}*`] });
    this.role.addToPolicy({
      sid: 'ListInput',
      actions: ['s3:ListBucket'],
      resources: [props.bucket.bucketArn],
      ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`, folder] } } } : {}),
    });
    if (props.bucket.kmsKeyArn) this.role.addToPolicy({ sid: 'DecryptInput', actions: ['kms:Decrypt'], resources: [props.bucket.kmsKeyArn] });
    this.endpoint = new DmsS3Endpoint(this, 'endpoint', {
      endpointId: stack.naming.name(`${props.component}-source`, 'dmsIdentifier'),
      endpointType: 'source',
      bucketName: props.bucket.bucketName,
      bucketFolder: folder || undefined,
      serviceAccessRoleArn: this.role.arn,
      expectedBucketOwner: stack.accountId,
      externalTableDefinition: this.tableDefinitionJson,
      cdcPath: props.cdcPath,
      csvDelimiter: props.csvDelimiter ?? ',',
      csvRowDelimiter: '\\n',
      ignoreHeaderRows: props.ignoreHeaderRows ?? 1,
      dependsOn: roleResources(this.role),
    });
    this.endpointArn = this.endpoint.endpointArn;
  }

  bind(instance: IDmsReplicationInstance): void {
    void instance; // S3 over HTTPS.
  }
}

/** A Kinesis data stream DMS writes to. */
export interface DmsStreamRef {
  readonly streamArn: string;
  /** CMK of the stream's server-side encryption. */
  readonly kmsKeyArn?: string;
}

export interface KinesisTargetEndpointProps {
  readonly component: string;
  readonly stream: DmsStreamRef;
  /** Add transaction id, previous transaction id and commit position to metadata. @default true */
  readonly includeTransactionDetails?: boolean;
  /** Emit control records for create/drop/alter table (consumers must skip them). @default true */
  readonly includeTableAlterOperations?: boolean;
}

/**
 * Writes each change as a JSON record `{ "data": {...}, "metadata": {...} }` to Kinesis, partitioned by
 * schema.table + primary key so one row's changes stay in order on one shard.
 */
export class KinesisTargetEndpoint extends Construct implements IDmsEndpoint {
  readonly endpoint: DmsEndpoint;
  readonly endpointArn: string;
  readonly endpointType = 'target' as const;
  readonly engineName = 'kinesis';
  readonly targetKind = 'kinesis' as const;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: KinesisTargetEndpointProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.role = new ServiceRole(this, 'role', {
      name: stack.naming.name(`${props.component}-target-kinesis`, 'iamRole'),
      servicePrincipal: 'dms.amazonaws.com',
      description: `DMS writes change records to a Kinesis stream (${stack.naming.name(props.component)})`,
    });
    this.role.addToPolicy({
      sid: 'PutRecords',
      actions: ['kinesis:DescribeStream', 'kinesis:PutRecord', 'kinesis:PutRecords'],
      resources: [props.stream.streamArn],
    });
    if (props.stream.kmsKeyArn) this.role.addToPolicy({ sid: 'EncryptRecords', actions: ['kms:GenerateDataKey'], resources: [props.stream.kmsKeyArn] });
    this.endpoint = new DmsEndpoint(this, 'endpoint', {
      endpointId: stack.naming.name(`${props.component}-target`, 'dmsIdentifier'),
      endpointType: 'target',
      engineName: 'kinesis',
      kinesisSettings: {
        streamArn: props.stream.streamArn,
        serviceAccessRoleArn: this.role.arn,
        messageFormat: 'json',
        includeControlDetails: true,
        includeTransactionDetails: props.includeTransactionDetails ?? true,
        includePartitionValue: true,
        partitionIncludeSchemaTable: true,
        includeTableAlterOperations: props.includeTableAlterOperations ?? true,
        includeNullAndEmpty: true,
        // Integers up to 18 digits as integers instead of doubles, so bigint keys and amounts keep their value
        // (KinesisSettings.UseLargeIntegerValue: https://docs.aws.amazon.com/dms/latest/APIReference/API_KinesisSettings.html).
        useLargeIntegerValue: true,
      },
      dependsOn: roleResources(this.role),
    });
    this.endpointArn = this.endpoint.endpointArn;
  }

  bind(instance: IDmsReplicationInstance): void {
    void instance; // Kinesis over HTTPS.
  }
}

/** `arn:<partition>:dms:<region>:<account>:endpoint:<resource id>` */
const ENDPOINT_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:endpoint:[A-Za-z0-9-]+$/;
/** Engines an adopted endpoint may name (the DMS API's EngineName values this kit's tasks handle). */
const ADOPTABLE_ENGINES = ['sqlserver', 'mysql', 'aurora', 'mariadb', 'postgres', 'aurora-postgresql', 'oracle', 's3', 'kinesis'] as const;

export interface ExistingDmsEndpointProps {
  /** The endpoint's ARN (`aws dms describe-endpoints --query 'Endpoints[].EndpointArn'`). */
  readonly endpointArn: string;
  readonly endpointType: 'source' | 'target';
  /** Its engine, as DMS names it (EngineName). Decides validation and LOB defaults of the task. */
  readonly engineName: (typeof ADOPTABLE_ENGINES)[number];
  /** SQL Server sources: the capture mode the source is set up for (decides the allowed migration types). */
  readonly sqlServerMode?: SqlServerMode;
  /** PostgreSQL sources: the slot named on the endpoint, needed for a native CDC start position. */
  readonly slotName?: string;
  /**
   * The network path the task opens from the replication instance: the database's security group and port (AWS
   * databases), or the source's `cidr` and port (on premises, e.g. `10.20.30.40/32`). Neither: nothing is opened
   * (S3, Kinesis, or a path that exists already).
   */
  readonly network?: { readonly connections: IConnectable; readonly port: number } | { readonly cidr: string; readonly port: number };
}

/**
 * An endpoint made outside this stack (another stack, the console, a platform team), adopted by ARN: tasks take it like
 * one created here. Its secret, TLS and settings stay where it was made; this stack only opens the network path.
 */
export class ExistingDmsEndpoint extends Construct implements IDmsEndpoint {
  readonly endpointArn: string;
  readonly endpointType: 'source' | 'target';
  readonly engineName: string;
  readonly targetKind?: TargetKind;
  readonly sqlServerMode?: SqlServerMode;
  readonly slotName?: string;
  private readonly network?: ExistingDmsEndpointProps['network'];

  constructor(scope: Construct, id: string, props: ExistingDmsEndpointProps) {
    super(scope, id);
    check(
      !isResolved(props.endpointArn) || ENDPOINT_ARN.test(props.endpointArn),
      this,
      `endpointArn "${props.endpointArn}" is not a DMS endpoint ARN (arn:aws:dms:<region>:<account>:endpoint:<id>); copy it from 'aws dms describe-endpoints'.`,
    );
    check((ADOPTABLE_ENGINES as readonly string[]).includes(props.engineName), this, `engineName "${props.engineName}" is not one of ${ADOPTABLE_ENGINES.join(', ')}.`);
    check(
      props.sqlServerMode === undefined || (props.engineName === 'sqlserver' && props.endpointType === 'source'),
      this,
      `sqlServerMode is for SQL Server sources; this endpoint is a ${props.engineName} ${props.endpointType}. Drop sqlServerMode.`,
    );
    check(
      props.slotName === undefined || (['postgres', 'aurora-postgresql'].includes(props.engineName) && props.endpointType === 'source'),
      this,
      `slotName is for PostgreSQL sources; this endpoint is a ${props.engineName} ${props.endpointType}. Drop slotName.`,
    );
    if (props.network) checkRange(this, 'network.port', props.network.port, 1, 65535);
    this.endpointArn = props.endpointArn;
    this.endpointType = props.endpointType;
    this.engineName = props.engineName;
    this.targetKind = props.endpointType === 'target' ? (props.engineName === 's3' ? 's3' : props.engineName === 'kinesis' ? 'kinesis' : 'database') : undefined;
    this.sqlServerMode = props.sqlServerMode;
    this.slotName = props.slotName;
    this.network = props.network;
  }

  bind(instance: IDmsReplicationInstance): void {
    const n = this.network;
    if (!n) return;
    const what = `DMS ${instance.replicationInstanceId} to ${this.engineName} ${this.endpointType} (adopted endpoint)`;
    if ('connections' in n) n.connections.connections.allowFrom(instance, n.port, what);
    else instance.allowEgressToCidr(n.cidr, n.port, what);
  }
}
