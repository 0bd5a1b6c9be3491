import { Construct } from 'constructs';
import { DmsEndpoint, DmsEndpointConfig, DmsEndpointKafkaSettings, DmsEndpointRedisSettings } from '@cdktf/provider-aws/lib/dms-endpoint';
import { DmsS3Endpoint, DmsS3EndpointConfig } from '@cdktf/provider-aws/lib/dms-s3-endpoint';
import { check, checkCidr, checkRange, IConnectable, IPV4, isResolved, MigrationStack, ServiceRole, TerraformResource, ValidationError } from '../core';
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
  /** DMS engine name: sqlserver, oracle, mysql, aurora, postgres, aurora-postgresql, s3, kinesis, kafka, ... */
  readonly engineName: string;
  /** For targets: database, s3, kinesis or kafka (decides validation and LOB defaults). */
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
  /**
   * The network the server is in when it has no security group here (`connections`): a peered VPC, an on-premises
   * range over the VPN, e.g. `10.20.0.0/16`. The task adds egress from the replication instance to it on `port`
   * (the replication instance's security group allows egress only to the sources and targets it is told about).
   * A SQL Server or Oracle source given by IPv4 address gets egress to `address/32` without it.
   * A task fails at synth when its endpoint has neither `connections`, `egressCidr` nor such an address: it would
   * deploy, then fail its connection test.
   */
  readonly egressCidr?: string;
  /** Further documented attributes (`name=value;...`), appended to the ones this module sets. */
  readonly extraConnectionAttributes?: string;
  /**
   * When Terraform modifies this endpoint, first pause the running tasks that use it and restart them afterwards
   * (provider `pause_replication_tasks`: "Only tasks paused by the resource will be restarted after the modification
   * completes"). Without it, an endpoint change meets the running task as it is (see "Running replications" in the
   * README). @default false (the provider's default)
   */
  readonly pauseRunningTasks?: boolean;
  /**
   * Escape hatch: any `aws_dms_endpoint` argument the typed props do not cover, typed by the provider's own config
   * (e.g. `{ postgresSettings: { databaseMode: 'babelfish' } }`, `{ kmsKeyArn }`, `{ tags }`), applied after the
   * module's values. Keys the module owns and secret arguments are refused at synth (see `DmsEndpointOverrides`).
   */
  readonly overrides?: DmsEndpointOverrides;
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

/** Terraform meta-arguments of a resource config: not provider arguments, never overridden. */
type MetaArguments = 'dependsOn' | 'count' | 'provider' | 'lifecycle' | 'forEach' | 'connection' | 'provisioners' | 'id';

/**
 * Provider arguments of `aws_dms_endpoint` a typed endpoint lets a fork set (typed by the provider's own
 * `DmsEndpointConfig`), minus what the module owns (identity, engine, login, TLS) and every secret argument: a
 * password in a resource argument lands in cdktf.out and in the Terraform state in clear text. Applied after the
 * module's values; a settings block (e.g. `postgresSettings`) is merged key by key over the module's block. A key the
 * module sets from a typed prop is refused at synth, naming the prop. Arguments the pinned provider (6.x) has and
 * provider 5.x lacks fail `npm run verify`, which validates with provider 5.100.0.
 */
export type DmsEndpointOverrides = Partial<
  Omit<
    DmsEndpointConfig,
    | MetaArguments
    | 'endpointId'
    | 'endpointType'
    | 'engineName'
    | 'password'
    | 'username'
    | 'serverName'
    | 'port'
    | 'secretsManagerArn'
    | 'secretsManagerAccessRoleArn'
    | 'sslMode'
    | 'kafkaSettings'
    | 'redisSettings'
  >
> & {
  /** Partial: merged key by key over the block a KafkaTargetEndpoint makes (which sets `broker`). */
  readonly kafkaSettings?: Partial<Omit<DmsEndpointKafkaSettings, 'saslPassword' | 'sslClientKeyPassword'>>;
  readonly redisSettings?: Omit<DmsEndpointRedisSettings, 'authPassword'>;
};

/** Provider arguments of `aws_dms_s3_endpoint` an S3 target lets a fork set (same rules as `DmsEndpointOverrides`). */
export type DmsS3EndpointOverrides = Partial<
  Omit<DmsS3EndpointConfig, MetaArguments | 'endpointId' | 'endpointType' | 'bucketName' | 'bucketFolder' | 'serviceAccessRoleArn' | 'expectedBucketOwner'>
>;

/** What every typed endpoint owns on `aws_dms_endpoint`, and the typed prop to use instead. */
const DATABASE_OWNED: Readonly<Record<string, string>> = {
  endpointId: 'component (the physical name derives from it)',
  endpointType: 'the construct (a source or a target class)',
  engineName: 'the construct or its engine prop',
  username: 'secret (DMS reads the login from the Secrets Manager secret)',
  serverName: 'serverName and the secret (DMS connects to the host stored in the secret)',
  port: 'port and the secret (DMS connects to the port stored in the secret)',
  secretsManagerArn: 'secret',
  secretsManagerAccessRoleArn: 'secret (its access role is made here)',
  sslMode: 'sslMode',
  certificateArn: 'certificateArn (e.g. DmsCertificate.certificateArn)',
  databaseName: 'databaseName',
  extraConnectionAttributes: 'extraConnectionAttributes',
  pauseReplicationTasks: 'pauseRunningTasks',
};

/** Secret-bearing arguments (any `*password*` key, at any level): refused always. */
const SECRET_KEY = /password/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Applies a fork's provider-typed overrides after the module's own values: refuses secret arguments and keys the
 * module owns (naming the typed prop to use), merges settings blocks key by key.
 */
export function applyOverrides<T extends object>(
  scope: Construct | string,
  config: T,
  overrides: object | undefined,
  owned: Readonly<Record<string, string>>,
  prop = 'overrides',
): T {
  if (!overrides) return config;
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  const refuse = (path: string) => {
    if (SECRET_KEY.test(path.split('.').pop()!)) {
      throw new ValidationError(
        scope,
        `${prop}.${path} is a secret: as a resource argument it would be written in clear text to cdktf.out and to the Terraform state. Keep it in Secrets Manager and pass the secret (the typed secret prop, or the engine's *SecretId / *Arn argument), never the value.`,
      );
    }
    if (owned[path] !== undefined) {
      throw new ValidationError(scope, `${prop}.${path} is set by this construct; use ${owned[path]} instead.`);
    }
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    refuse(key);
    if (isPlainObject(value) && key.endsWith('Settings')) {
      for (const [inner, v] of Object.entries(value)) if (v !== undefined) refuse(`${key}.${inner}`);
      const mine = out[key];
      out[key] = { ...(isPlainObject(mine) ? mine : {}), ...value };
    } else {
      out[key] = value;
    }
  }
  return out as T;
}

/** The role and its inline policy: an endpoint must not be created (and connection-tested) before both exist. */
function roleResources(role: ServiceRole): TerraformResource[] {
  return role.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
}

/** DMS User Guide, "Using secrets to access AWS Database Migration Service endpoints". */
export const DMS_SECRETS_GUIDE = 'https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html';

/** IANA time zone names as S3Settings.DatePartitionTimezone documents them: Area/Location (e.g. America/Argentina/Buenos_Aires). */
const AREA_LOCATION = /^[A-Z][A-Za-z]+\/[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)?$/;

/**
 * The refusal for an endpoint DMS has no path to. DMS's guide asks for a security group that lets the replication
 * instance reach its endpoints (egress) and for endpoints that admit it (ingress), by its security group or by a VPC
 * CIDR range ("Setting up a network for a replication instance",
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.VPC.html). The kit's group (DmsPlacement)
 * allows egress only to the sources and targets it is told about, so such a task would deploy and then fail to connect.
 * `instance` is a replication instance or a serverless replication (both bind endpoints the same way).
 */
export function noNetworkPath(what: string, instance: IDmsReplicationInstance, peer: 'database' | 'brokers' = 'database'): string {
  const fix =
    peer === 'brokers'
      ? 'Pass connections (the brokers\' security group, e.g. the MSK cluster\'s) or egressCidr (the network the brokers are in, e.g. "10.30.0.0/16" for a peered VPC).'
      : 'Pass connections (the database\'s security group, e.g. a PrivatePostgres) or egressCidr (the network the server is in, e.g. "10.20.0.0/16" for a peered VPC or an on-premises range over the VPN).';
  return `no network path from DMS ${instance.replicationInstanceId} to ${what}: its security group allows egress only to the sources and targets it is told about, so the replication would deploy and then fail to connect. ${fix}`;
}

/** Refusal of `egressCidr` beside a known security group (`connections`, or a target's `database`). */
export function egressCidrWithConnections(peer: 'database' | 'brokers' = 'database'): string {
  const group = peer === 'brokers' ? "connections (the brokers' security group)" : "the database's security group (connections or database)";
  return `egressCidr is set beside ${group}, by which the task already admits the replication instance. Pass one: the security group when the ${peer === 'brokers' ? 'brokers have' : 'server has'} one here, egressCidr when ${peer === 'brokers' ? 'they are' : 'it is'} reached through a peered VPC or the VPN.`;
}

/** Base of the typed database endpoints (login secret, TLS, secret-access role, network path); other endpoint files extend it. */
export abstract class DatabaseEndpointBase extends Construct implements IDmsEndpoint {
  /**
   * The provider resource (`aws_dms_endpoint`), for what neither the typed props nor `overrides` reach: its typed
   * setters apply after the module's values, e.g. `ep.endpoint.putTimeouts({ create: '20m' })`.
   */
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
  /** Set for a server reached without a security group (`egressCidr`, or by address: see `onPremisesEgress`). */
  private readonly addressEgress?: { readonly cidr: string; readonly description: string };

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
      /** Settings keys set from typed props (`postgresSettings.slotName` -> `slotName`): `overrides` may not set them. */
      ownedSettings?: Readonly<Record<string, string>>;
      /** Creates the secret as a child of this construct when the caller passed none. */
      secretFactory?: (self: Construct) => SecretRef;
      /**
       * For a source that may be on premises: the description of the egress rule to `serverName/32` on the port that
       * `bind` adds when the server is given by IPv4 address and without `connections` (reached over the VPN).
       */
      onPremisesEgress?: (serverName: string, port: number) => string;
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
    const config: DmsEndpointConfig = {
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
    };
    this.endpoint = new DmsEndpoint(this, 'endpoint', applyOverrides(this, config, props.overrides, { ...DATABASE_OWNED, ...spec.ownedSettings }));
    this.endpointArn = this.endpoint.endpointArn;
    if (props.egressCidr !== undefined) {
      check(!props.connections, this, egressCidrWithConnections());
      checkCidr(this, 'egressCidr', props.egressCidr);
      this.addressEgress = { cidr: props.egressCidr, description: `DMS to ${spec.engineName} ${spec.endpointType} ${this.serverName}:${this.port} (${props.egressCidr})` };
    } else if (spec.onPremisesEgress && !props.connections && isResolved(props.serverName) && IPV4.test(props.serverName)) {
      this.addressEgress = { cidr: `${this.serverName}/32`, description: spec.onPremisesEgress(this.serverName, this.port) };
    }
  }

  /** Whether the database's security group is known (`database` or `connections`), so clients can be admitted. */
  get admitsClients(): boolean {
    return this.peer !== undefined;
  }

  /**
   * Admits another client (e.g. a Lambda that reads the target's control tables) to the database on its port, by
   * security group. Returns false when the endpoint was given no `connections` (a database outside this stack's
   * security groups), and nothing was opened.
   */
  allowClientFrom(client: IConnectable, purpose: string): boolean {
    if (!this.peer) return false;
    this.peer.connections.allowFrom(client, this.port, purpose);
    return true;
  }

  bind(instance: IDmsReplicationInstance): void {
    if (this.peer) {
      this.peer.connections.allowFrom(instance, this.port, `DMS ${instance.replicationInstanceId} to ${this.engineName} ${this.endpointType}`);
    } else if (this.addressEgress) {
      instance.allowEgressToCidr(this.addressEgress.cidr, this.port, this.addressEgress.description);
    } else {
      throw new ValidationError(this, noNetworkPath(`${this.engineName} ${this.endpointType} ${this.serverName}:${this.port}`, instance));
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
      onPremisesEgress: (server, port) => `DMS to on-premises SQL Server ${server}:${port} (over the VPN; open the on-premises firewall for the DMS subnets)`,
    });
    this.sqlServerMode = props.mode;
    this.createdSecret = created;
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
  /**
   * WAL heartbeat interval in minutes (`PostgreSQLSettings.HeartbeatFrequency`); needs `heartbeat`. An integer from 1
   * to 1440 (the API documents minutes and no bound; a heartbeat rarer than daily would not keep WAL from piling up).
   * @default 5 (DMS's default)
   */
  readonly heartbeatFrequencyMinutes?: number;
  /** Schema holding the heartbeat artifacts (`HeartbeatSchema`); needs `heartbeat`. @default DMS's choice (public) */
  readonly heartbeatSchema?: string;
  /**
   * DDL capture (`CaptureDdls`): DMS creates an event trigger and tables in `ddlArtifactsSchema` when the task starts,
   * so table changes reach the target. `false`: nothing is created on the source, and DDL is not replicated.
   * @default DMS's default (true)
   */
  readonly captureDdls?: boolean;
  /** Schema of the DDL capture artifacts (`DdlArtifactsSchema`); refused with `captureDdls: false`. @default 'public' (DMS) */
  readonly ddlArtifactsSchema?: string;
  /**
   * Migrate `boolean` as boolean, not `varchar(5)` (`MapBooleanAsBoolean`). DMS applies it only when it is set on both
   * the source and the target endpoint: set it on the `PostgresTargetEndpoint` too. @default false (DMS)
   */
  readonly mapBooleanAsBoolean?: boolean;
  /** Migrate JSONB as CLOB (`MapJsonbAsClob`). @default false (DMS) */
  readonly mapJsonbAsClob?: boolean;
  /** Data type LONG VARCHAR values map to (`MapLongVarcharAs`). @default 'wstring' (DMS) */
  readonly mapLongVarcharAs?: 'wstring' | 'clob' | 'nclob';
  /** Client statement timeout in seconds (`ExecuteTimeout`). @default 60 (DMS) */
  readonly executeTimeoutSeconds?: number;
}

const SLOT_NAME = /^[a-z0-9_]{1,63}$/;
/** An unquoted PostgreSQL identifier (a schema name DMS creates objects in). */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_$]{0,62}$/;
/** API PostgreSQLSettings: https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html */
const PG_SETTINGS_API = 'https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html';
/** API `Integer` (ExecuteTimeout, MaxFileSize): 32-bit. */
const INT32_MAX = 2147483647;

function checkSchemaName(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || !isResolved(value) || PG_IDENTIFIER.test(value)) return;
  throw new ValidationError(where, `${prop} "${value}" is not an unquoted PostgreSQL schema name (lower-case letters, digits, _ and $, starting with a letter or _, at most 63). Use the schema's name as \\dn lists it.`);
}

/** PostgreSQLSettings both PostgreSQL endpoints take. */
function sharedPostgresSettings(where: string, props: { mapBooleanAsBoolean?: boolean; executeTimeoutSeconds?: number }) {
  const t = props.executeTimeoutSeconds;
  if (t !== undefined && isResolved(t) && !(Number.isInteger(t) && t >= 1 && t <= INT32_MAX)) {
    throw new ValidationError(where, `executeTimeoutSeconds must be an integer from 1 to ${INT32_MAX} (seconds; ExecuteTimeout, ${PG_SETTINGS_API}), got ${t}. Leave it out for DMS's 60.`);
  }
  return { mapBooleanAsBoolean: props.mapBooleanAsBoolean, executeTimeout: t };
}

/** Settings the typed Postgres props own: `overrides.postgresSettings` may not set them. */
const POSTGRES_SHARED_OWNED = {
  'postgresSettings.mapBooleanAsBoolean': 'mapBooleanAsBoolean',
  'postgresSettings.executeTimeout': 'executeTimeoutSeconds',
};

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
    const where = `${scope.node.path}/${id}`;
    const heartbeat = props.heartbeat ?? true;
    if (!heartbeat && (props.heartbeatFrequencyMinutes !== undefined || props.heartbeatSchema !== undefined)) {
      throw new ValidationError(where, 'heartbeatFrequencyMinutes and heartbeatSchema configure the heartbeat, which heartbeat: false turns off. Drop them, or drop heartbeat: false.');
    }
    const frequency = props.heartbeatFrequencyMinutes ?? 5;
    if (isResolved(frequency) && !(Number.isInteger(frequency) && frequency >= 1 && frequency <= 1440)) {
      throw new ValidationError(where, `heartbeatFrequencyMinutes must be an integer from 1 to 1440 (minutes; HeartbeatFrequency, ${PG_SETTINGS_API}), got ${frequency}. Leave it out for DMS's 5.`);
    }
    checkSchemaName(where, 'heartbeatSchema', props.heartbeatSchema);
    if (props.captureDdls === false && props.ddlArtifactsSchema !== undefined) {
      throw new ValidationError(where, 'ddlArtifactsSchema names where DMS creates the DDL capture artifacts, and captureDdls: false creates none. Drop ddlArtifactsSchema, or drop captureDdls: false.');
    }
    checkSchemaName(where, 'ddlArtifactsSchema', props.ddlArtifactsSchema);
    const failTasksOnLobTruncation = props.failTasksOnLobTruncation ?? true;
    super(scope, id, props, {
      engineName: props.engine ?? 'postgres',
      endpointType: 'source',
      defaultPort: 5432,
      // API PostgreSQLSettings (https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html).
      postgresSettings: {
        heartbeatEnable: heartbeat,
        heartbeatFrequency: heartbeat ? frequency : undefined,
        heartbeatSchema: props.heartbeatSchema,
        slotName: props.slotName,
        pluginName: props.pluginName ?? (props.slotName ? 'test-decoding' : undefined),
        failTasksOnLobTruncation,
        captureDdls: props.captureDdls,
        ddlArtifactsSchema: props.ddlArtifactsSchema,
        mapJsonbAsClob: props.mapJsonbAsClob,
        mapLongVarcharAs: props.mapLongVarcharAs,
        ...sharedPostgresSettings(where, props),
      },
      ownedSettings: {
        ...POSTGRES_SHARED_OWNED,
        'postgresSettings.heartbeatEnable': 'heartbeat',
        'postgresSettings.heartbeatFrequency': 'heartbeatFrequencyMinutes',
        'postgresSettings.heartbeatSchema': 'heartbeatSchema',
        'postgresSettings.slotName': 'slotName',
        'postgresSettings.pluginName': 'pluginName',
        'postgresSettings.failTasksOnLobTruncation': 'failTasksOnLobTruncation',
        'postgresSettings.captureDdls': 'captureDdls',
        'postgresSettings.ddlArtifactsSchema': 'ddlArtifactsSchema',
        'postgresSettings.mapJsonbAsClob': 'mapJsonbAsClob',
        'postgresSettings.mapLongVarcharAs': 'mapLongVarcharAs',
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
  /**
   * Largest CSV file DMS stages for a load into PostgreSQL, in KB (`PostgreSQLSettings.MaxFileSize`). An integer from
   * 1 to 1,048,576 (1 GiB; the API documents KB and no bound, this kit caps it at the size S3Settings.MaxFileSize
   * documents for the same kind of staging file). @default 32,768 (32 MB, DMS)
   */
  readonly maxFileSizeKb?: number;
  /**
   * Create `boolean` columns as boolean, not `varchar(5)` (`MapBooleanAsBoolean`). DMS applies it only when the
   * source endpoint sets it too (`PostgresSourceEndpoint` `mapBooleanAsBoolean`). @default false (DMS)
   */
  readonly mapBooleanAsBoolean?: boolean;
  /** Client statement timeout in seconds (`ExecuteTimeout`). @default 60 (DMS) */
  readonly executeTimeoutSeconds?: number;
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
        postgresSettings: postgresTargetSettings(where, props),
        ownedSettings: { ...POSTGRES_SHARED_OWNED, 'postgresSettings.maxFileSize': 'maxFileSizeKb' },
      },
    );
  }
}

/** The target's PostgreSQLSettings; undefined when none is set (no empty block in the synthesized JSON). */
function postgresTargetSettings(where: string, props: PostgresTargetEndpointProps): DmsEndpoint['postgresSettingsInput'] {
  const size = props.maxFileSizeKb;
  if (size !== undefined && isResolved(size) && !(Number.isInteger(size) && size >= 1 && size <= 1048576)) {
    throw new ValidationError(where, `maxFileSizeKb must be an integer from 1 to 1048576 (KB; MaxFileSize, ${PG_SETTINGS_API}), got ${size}. Leave it out for DMS's 32,768.`);
  }
  const settings = { maxFileSize: size, ...sharedPostgresSettings(where, props) };
  return Object.values(settings).some((v) => v !== undefined) ? settings : undefined;
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
   * Folder (under `folder`) for the change files of CDC. Only a place unless `preserveTransactions` is set: DMS writes
   * the transaction order there only with `PreserveTransactions` (S3Settings.CdcPath / PreserveTransactions,
   * https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html); without it, order changes by the
   * `timestampColumnName` column (commit time).
   * @default 'cdc'
   */
  readonly cdcPath?: string;
  /**
   * Save the transaction order of CDC in `cdcPath` (`S3Settings.PreserveTransactions`, DMS 3.4.2 and later), for
   * consumers that must apply changes transaction by transaction. Needs a non-empty `cdcPath`. @default false (DMS)
   */
  readonly preserveTransactions?: boolean;
  /**
   * CDC batching: write a change file at least this often, in seconds (`S3Settings.CdcMaxBatchInterval`). With
   * `cdcMinFileSizeKb`, whichever is reached first writes the file. An integer from 1 to 86,400 (the API documents
   * seconds and no bound; this kit's cap is one day). @default 60 (DMS)
   */
  readonly cdcMaxBatchIntervalSeconds?: number;
  /**
   * CDC batching: write a change file once it holds this many KB (`S3Settings.CdcMinFileSize`). An integer from 1 to
   * 1,048,576 (1 GiB, the S3Settings.MaxFileSize ceiling). @default 32 MB (DMS)
   */
  readonly cdcMinFileSizeKb?: number;
  /**
   * Write only INSERTs of CDC (`S3Settings.CdcInsertsOnly`): updates and deletes at the source are dropped, for an
   * append-only lake. This endpoint keeps `IncludeOpForFullLoad` on, so in CSV every CDC record still starts with
   * `I`, as full-load records do (the interplay S3Settings.CdcInsertsOnly documents). @default false
   */
  readonly cdcInsertsOnly?: boolean;
  /** Parquet writer settings (S3Settings); refused with `format: 'csv'`. */
  readonly parquet?: S3ParquetSettings;
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
  /**
   * Escape hatch: any `aws_dms_s3_endpoint` argument the typed props do not cover, typed by the provider's config
   * (e.g. `{ cdcInsertsAndUpdates: true }`, `{ cannedAclForObjects: 'bucket-owner-full-control' }`), applied after the
   * module's values. Keys set from typed props are refused at synth, naming the prop.
   */
  readonly overrides?: DmsS3EndpointOverrides;
}

/** Parquet writer settings of an S3 target (API S3Settings: https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html). */
export interface S3ParquetSettings {
  /** `ParquetVersion`. @default '2.0' (this kit: parquet-2-0) */
  readonly version?: '1.0' | '2.0';
  /** Column statistics in the files (`EnableStatistics`), which readers use to skip row groups. @default true (DMS) */
  readonly enableStatistics?: boolean;
  /** Timestamps in milliseconds, not microseconds (`ParquetTimestampInMillisecond`), for readers such as Athena engine v1. @default false (DMS) */
  readonly timestampInMillisecond?: boolean;
  /** Size of one data page in bytes (`DataPageSize`). From 1 to 2,147,483,647 (API Integer). @default 1,048,576 (1 MiB, DMS) */
  readonly dataPageSizeBytes?: number;
  /**
   * Rows in one row group (`RowGroupLength`). From 1 to 67,108,864 (64 * 1024 * 1024, the maximum S3Settings
   * documents; DMS silently clamps larger values). @default 10,000 (DMS)
   */
  readonly rowGroupLength?: number;
  /** Largest dictionary page of a column in bytes before it falls back to PLAIN (`DictPageSizeLimit`). @default 1,048,576 (1 MiB, DMS) */
  readonly dictPageSizeLimitBytes?: number;
}

/** S3Settings the typed props own: `overrides` may not set them. */
const S3_TARGET_OWNED: Readonly<Record<string, string>> = {
  dataFormat: 'format',
  parquetVersion: 'parquet.version',
  enableStatistics: 'parquet.enableStatistics',
  parquetTimestampInMillisecond: 'parquet.timestampInMillisecond',
  dataPageSize: 'parquet.dataPageSizeBytes',
  rowGroupLength: 'parquet.rowGroupLength',
  dictPageSizeLimit: 'parquet.dictPageSizeLimitBytes',
  compressionType: 'compression',
  encryptionMode: 'the bucket (SSE-KMS with bucket.kmsKeyArn, else SSE-S3)',
  serverSideEncryptionKmsKeyId: 'bucket.kmsKeyArn',
  cdcPath: 'cdcPath',
  preserveTransactions: 'preserveTransactions',
  cdcMaxBatchInterval: 'cdcMaxBatchIntervalSeconds',
  cdcMinFileSize: 'cdcMinFileSizeKb',
  cdcInsertsOnly: 'cdcInsertsOnly',
  includeOpForFullLoad: 'the construct (always on, so full-load and CDC files share one schema)',
  addColumnName: 'format (on for CSV)',
  timestampColumnName: 'timestampColumnName',
  datePartitionEnabled: 'datePartitioning',
  datePartitionSequence: 'datePartitioning.sequence',
  datePartitionDelimiter: 'datePartitioning',
  datePartitionTimezone: 'datePartitioning.timezone',
  glueCatalogGeneration: 'glueCatalogGeneration',
};

const S3_SETTINGS_API = 'https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html';

/** Writes DMS output to S3 (aws_dms_s3_endpoint, provider v6), SSE-KMS, with its own least-privilege access role. */
export class S3TargetEndpoint extends Construct implements IDmsEndpoint {
  /** The provider resource (`aws_dms_s3_endpoint`): its typed setters reach what neither the props nor `overrides` do. */
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
    check(
      !props.preserveTransactions || cdcPath.length > 0,
      this,
      `preserveTransactions needs cdcPath: DMS saves the transaction order in that folder and verifies it is set (S3Settings.PreserveTransactions / CdcPath, ${S3_SETTINGS_API}). Give cdcPath a folder name, or leave it out for 'cdc'.`,
    );
    const parquet = props.parquet ?? {};
    const parquetKeys = Object.keys(parquet).filter((k) => (parquet as Record<string, unknown>)[k] !== undefined);
    check(
      format === 'parquet' || parquetKeys.length === 0,
      this,
      `parquet.${parquetKeys.join(', parquet.')} configure the Parquet writer, and format is 'csv' (S3Settings: "used for .parquet file format only"). Drop parquet, or use format 'parquet'.`,
    );
    check(
      parquet.version === undefined || parquet.version === '1.0' || parquet.version === '2.0',
      this,
      `parquet.version "${parquet.version}" is not one of '1.0', '2.0' (S3Settings.ParquetVersion: parquet-1-0 | parquet-2-0).`,
    );
    const range = (name: string, value: number | undefined, max: number, unit: string, dflt: string) =>
      checkRange(this, name, value, 1, max, `(${unit}; ${S3_SETTINGS_API}) Leave it out for DMS's ${dflt}.`);
    range('cdcMaxBatchIntervalSeconds', props.cdcMaxBatchIntervalSeconds, 86400, 'seconds, S3Settings.CdcMaxBatchInterval', '60');
    range('cdcMinFileSizeKb', props.cdcMinFileSizeKb, 1048576, 'KB, S3Settings.CdcMinFileSize', '32 MB');
    range('parquet.dataPageSizeBytes', parquet.dataPageSizeBytes, INT32_MAX, 'bytes, S3Settings.DataPageSize', '1 MiB');
    range('parquet.rowGroupLength', parquet.rowGroupLength, 64 * 1024 * 1024, 'rows, S3Settings.RowGroupLength', '10,000');
    range('parquet.dictPageSizeLimitBytes', parquet.dictPageSizeLimitBytes, INT32_MAX, 'bytes, S3Settings.DictPageSizeLimit', '1 MiB');
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
    const config: DmsS3EndpointConfig = {
      endpointId: stack.naming.name(`${props.component}-target`, 'dmsIdentifier'),
      endpointType: 'target',
      bucketName: props.bucket.bucketName,
      bucketFolder: this.folder,
      serviceAccessRoleArn: this.role.arn,
      expectedBucketOwner: stack.accountId,
      dataFormat: format,
      parquetVersion: format === 'parquet' ? (parquet.version === '1.0' ? 'parquet-1-0' : 'parquet-2-0') : undefined,
      enableStatistics: parquet.enableStatistics,
      parquetTimestampInMillisecond: parquet.timestampInMillisecond,
      dataPageSize: parquet.dataPageSizeBytes,
      rowGroupLength: parquet.rowGroupLength,
      dictPageSizeLimit: parquet.dictPageSizeLimitBytes,
      compressionType: props.compression ?? (format === 'csv' ? 'GZIP' : 'NONE'),
      encryptionMode: props.bucket.kmsKeyArn ? 'SSE_KMS' : 'SSE_S3',
      serverSideEncryptionKmsKeyId: props.bucket.kmsKeyArn,
      cdcPath,
      preserveTransactions: props.preserveTransactions,
      cdcMaxBatchInterval: props.cdcMaxBatchIntervalSeconds,
      cdcMinFileSize: props.cdcMinFileSizeKb,
      cdcInsertsOnly: props.cdcInsertsOnly,
      // Full-load rows get the same operation column ("I") as CDC rows, so one table schema reads both (with
      // cdcInsertsOnly, CSV CDC records keep their "I" first field because of it: S3Settings.CdcInsertsOnly).
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
    };
    this.endpoint = new DmsS3Endpoint(this, 'endpoint', applyOverrides(this, config, props.overrides, S3_TARGET_OWNED));
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
  /** The provider resource (`aws_dms_s3_endpoint`): its typed setters reach what the props do not. */
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
  /**
   * Escape hatch: `aws_dms_endpoint` arguments the typed props do not cover (e.g. `{ kinesisSettings: { messageFormat:
   * 'json-unformatted' } }`), applied after the module's values; the stream, its role and the typed props are refused.
   */
  readonly overrides?: DmsEndpointOverrides;
}

/**
 * Writes each change as a JSON record `{ "data": {...}, "metadata": {...} }` to Kinesis, partitioned by
 * schema.table + primary key so one row's changes stay in order on one shard.
 */
export class KinesisTargetEndpoint extends Construct implements IDmsEndpoint {
  /** The provider resource (`aws_dms_endpoint`): its typed setters reach what neither the props nor `overrides` do. */
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
    const config: DmsEndpointConfig = {
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
    };
    this.endpoint = new DmsEndpoint(
      this,
      'endpoint',
      applyOverrides(this, config, props.overrides, {
        ...DATABASE_OWNED,
        'kinesisSettings.streamArn': 'stream',
        'kinesisSettings.serviceAccessRoleArn': 'stream (the role is made here, scoped to it)',
        'kinesisSettings.includeTransactionDetails': 'includeTransactionDetails',
        'kinesisSettings.includeTableAlterOperations': 'includeTableAlterOperations',
      }),
    );
    this.endpointArn = this.endpoint.endpointArn;
  }

  bind(instance: IDmsReplicationInstance): void {
    void instance; // Kinesis over HTTPS.
  }
}

/** `arn:<partition>:dms:<region>:<account>:endpoint:<resource id>` */
const ENDPOINT_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:endpoint:[A-Za-z0-9-]+$/;
/** Engines an adopted endpoint may name (the DMS API's EngineName values this kit's tasks handle). */
const ADOPTABLE_ENGINES = ['sqlserver', 'mysql', 'aurora', 'mariadb', 'postgres', 'aurora-postgresql', 'oracle', 's3', 'kinesis', 'kafka'] as const;
/** Engines DMS supports only as targets (DMS User Guide, "Sources for AWS DMS": neither Kinesis nor Kafka is a source). */
const TARGET_ONLY_ENGINES: readonly string[] = ['kinesis', 'kafka'];
/** The target kind (validation and LOB defaults of the task) of an adopted target's engine. */
function adoptedTargetKind(engineName: string): TargetKind {
  return engineName === 's3' || engineName === 'kinesis' || engineName === 'kafka' ? engineName : 'database';
}

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
   * databases, Kafka brokers), or the source's `cidr` and port (on premises, e.g. `10.20.30.40/32`). Neither: nothing
   * is opened (S3, Kinesis, or a path that exists already).
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
    check(
      props.endpointType === 'target' || !TARGET_ONLY_ENGINES.includes(props.engineName),
      this,
      `engineName "${props.engineName}" with endpointType 'source': DMS supports ${props.engineName} only as a target (DMS User Guide, "Sources for AWS DMS"). Set endpointType: 'target'.`,
    );
    if (props.network) checkRange(this, 'network.port', props.network.port, 1, 65535);
    this.endpointArn = props.endpointArn;
    this.endpointType = props.endpointType;
    this.engineName = props.engineName;
    this.targetKind = props.endpointType === 'target' ? adoptedTargetKind(props.engineName) : undefined;
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
