import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsEc2ManagedPrefixList } from '@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbInstanceRoleAssociation } from '@cdktf/provider-aws/lib/db-instance-role-association';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { RdsClusterRoleAssociation } from '@cdktf/provider-aws/lib/rds-cluster-role-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import {
  check,
  checkRange,
  Connections,
  IConnectable,
  IGrantable,
  isResolved,
  MigrationStack,
  NetworkRef,
  newKmsKey,
  newSecurityGroup,
  requirePrivateSubnets,
  ServiceRole,
  ValidationError,
} from '../core';
import { PostgresAlarmProps, PostgresAlarms } from './alarms';
import { PostgresBootstrap } from './bootstrap';
import { resolveEngineUpgrade } from './upgrades';
import { resolveRestore, RESTORE_ARGUMENTS_CREATE_ONLY } from './restore';
import { resolveAuroraTopology } from './aurora';
import { checkLoginProps, createLogin, DatabaseLogin } from './logins';
import { databaseInstancesUnder, securityRulesUnder } from './dependencies';
import { DatabaseLoginProps, ParameterApplyMethod, PostgresEngine, PrivatePostgresProps } from './props';

export const POSTGRES_PORT = 5432;

export { ROTATION_RESERVED_CONCURRENCY } from './logins';

/** Instance memory in GiB for common classes; max_connections defaults to DBInstanceClassMemory / 9531392 bytes. */
const CLASS_MEMORY_GIB: Record<string, number> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  '2xlarge': 32,
  '4xlarge': 64,
  '8xlarge': 128,
  '12xlarge': 192,
  '16xlarge': 256,
};

/** Memory in GiB of a common instance class (memory-optimised r* and x* have twice that of the same size), else undefined. */
export function instanceClassMemoryGiB(instanceClass: string): number | undefined {
  const m = /^db\.([a-z]+)(\d+)[a-z]*\.(\w+)$/.exec(instanceClass);
  if (!m) return undefined;
  const [, family, , size] = m;
  const gib = CLASS_MEMORY_GIB[size];
  if (gib === undefined) return undefined;
  return family.startsWith('r') || family.startsWith('x') ? gib * 2 : gib;
}

/**
 * Estimated default `max_connections` for an instance class (RDS: LEAST(DBInstanceClassMemory/9531392, 5000)).
 * Memory-optimised classes (r*) have twice the memory of general-purpose ones of the same size.
 */
export function estimateMaxConnections(instanceClass: string): number {
  const gib = instanceClassMemoryGiB(instanceClass);
  if (gib === undefined) return 100;
  // RDS reserves some memory for the OS; DBInstanceClassMemory is roughly 90% of the class memory.
  return Math.min(5000, Math.floor((gib * 1024 ** 3 * 0.9) / 9531392));
}

/**
 * The module's own parameters, all listed as dynamic by RDS, so they take effect without a reboot
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Parameters.html).
 */
const MODULE_DYNAMIC_PARAMETERS: Record<string, string> = {
  'rds.force_ssl': '1',
  log_connections: '1',
  log_disconnections: '1',
  log_lock_waits: '1',
  log_min_duration_statement: '5000',
  log_statement: 'ddl',
};

/**
 * Parameters RDS applies only at a reboot: `immediate` is refused for them (ModifyDBParameterGroup). From the RDS
 * parameter list (Apply_Type static) and PostgreSQL's "can only be set at server start" (postmaster) settings.
 */
export const STATIC_POSTGRES_PARAMETERS: ReadonlySet<string> = new Set([
  'autovacuum_freeze_max_age',
  'autovacuum_max_workers',
  'huge_pages',
  'logging_collector',
  'max_connections',
  'max_files_per_process',
  'max_locks_per_transaction',
  'max_logical_replication_workers',
  'max_pred_locks_per_transaction',
  'max_prepared_transactions',
  'max_replication_slots',
  'max_wal_senders',
  'max_worker_processes',
  'rds.logical_replication',
  'rds.restrict_password_commands',
  'shared_buffers',
  'shared_preload_libraries',
  'ssl',
  'temp_file_limit',
  'track_activity_query_size',
  'track_commit_timestamp',
  'wal_buffers',
  'wal_level',
]);

/**
 * The parameter group's parameters: the module's dynamic ones on `immediate`, caller parameters on `pending-reboot`
 * unless the caller chose `immediate` (refused for known static parameters), `rds.logical_replication` on `pending-reboot`.
 */
function parameterGroupParameters(scope: Construct, props: PrivatePostgresProps): Array<{ name: string; value: string; applyMethod: ParameterApplyMethod }> {
  const list = new Map<string, { name: string; value: string; applyMethod: ParameterApplyMethod }>();
  for (const [name, value] of Object.entries(MODULE_DYNAMIC_PARAMETERS)) list.set(name, { name, value, applyMethod: 'immediate' });
  for (const [name, given] of Object.entries(props.parameters ?? {})) {
    check(!['rds.force_ssl', 'rds.logical_replication'].includes(name), scope, `parameter ${name} is managed by the module; use logicalReplication for rds.logical_replication (TLS is always enforced).`);
    const { value, applyMethod = 'pending-reboot' } = typeof given === 'string' ? { value: given } : given;
    check(
      applyMethod === 'pending-reboot' || applyMethod === 'immediate',
      scope,
      `parameter ${name}: applyMethod "${applyMethod}" is not one of "immediate", "pending-reboot".`,
    );
    check(
      !(applyMethod === 'immediate' && STATIC_POSTGRES_PARAMETERS.has(name)),
      scope,
      `parameter ${name} is static: RDS refuses applyMethod "immediate" for it. Pass it as a plain value (applied at the next reboot) or with applyMethod "pending-reboot".`,
    );
    list.set(name, { name, value, applyMethod });
  }
  if (props.logicalReplication) list.set('rds.logical_replication', { name: 'rds.logical_replication', value: '1', applyMethod: 'pending-reboot' });
  return [...list.values()];
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
/** A name component: what Naming would keep unchanged, short enough to leave room for the project and suffixes. */
const COMPONENT = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,39}$/;

/**
 * A private PostgreSQL database on RDS (or Aurora PostgreSQL): private subnets in >= 2 AZs, its own security group
 * with no CIDR ingress, TLS enforced by a created parameter group, storage and secrets encrypted with a CMK, the
 * master password managed by RDS in Secrets Manager, IAM authentication, logs exported, and production presets
 * (multi-AZ, deletion protection, final snapshot, 14-day backups, enhanced monitoring).
 */
export class PrivatePostgres extends Construct implements IConnectable {
  readonly engine: PostgresEngine;
  /** The network the database lives in; clients (Lambdas, Glue, DMS) default to it. */
  readonly network: NetworkRef;
  readonly connections: Connections;
  readonly securityGroup: SecurityGroup;
  readonly kmsKey: KmsKey;
  readonly subnetGroup: DbSubnetGroup;
  /** Set for `engine: 'postgres'`. */
  readonly instance?: DbInstance;
  /** Set for `engine: 'aurora-postgresql'`. */
  readonly cluster?: RdsCluster;
  readonly clusterInstances: RdsClusterInstance[] = [];
  readonly identifier: string;
  /** The name component of every resource of this database (`component` prop), e.g. `db` in `billing-prod-db`. */
  readonly component: string;
  readonly databaseName: string;
  readonly instanceClass: string;
  readonly port = POSTGRES_PORT;
  /** Estimated max_connections: size Lambda concurrency and pools from it. */
  readonly connectionBudget: number;
  /** Hostname of the writer. */
  readonly address: string;
  /** `host:port` of the writer. */
  readonly endpoint: string;
  /**
   * Aurora: hostname of the cluster's reader endpoint, which balances connections over the readers (the writer when
   * there are none). For read-only consumers: reports, exports, validation queries. Undefined for RDS.
   */
  readonly readerAddress?: string;
  /** Aurora: `host:port` of the reader endpoint. Undefined for RDS. */
  readonly readerEndpoint?: string;
  /** The RDS-managed master secret (JSON `username`, `password`). */
  readonly masterSecretArn: string;
  /** The CMK that encrypts storage, secrets and Performance Insights. */
  readonly secretKmsKeyArn: string;
  /** The app user's secret (JSON username, password, host, port, dbname), when `appUser` uses a password. */
  readonly appUserSecretArn?: string;
  readonly appUsername?: string;
  /** The logins by name (appUser's included), each with its own secret, rotation and grants. */
  readonly logins = new Map<string, DatabaseLogin>();
  private readonly props: PrivatePostgresProps;
  private s3ImportRole?: ServiceRole;
  private _s3GatewayEndpoint?: VpcEndpoint;
  private _bootstrap?: PostgresBootstrap;

  constructor(scope: Construct, id: string, props: PrivatePostgresProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const naming = stack.naming;
    this.props = props;
    this.network = props.network;
    this.engine = props.engine ?? 'postgres';
    const production = (props.preset ?? (stack.production ? 'production' : 'non-production')) === 'production';
    const aurora = this.engine === 'aurora-postgresql';

    check(IDENT.test(props.databaseName), this, `databaseName "${props.databaseName}" must be lower-case letters, digits and underscores, starting with a letter (e.g. "billing").`);
    const engineVersion = props.engineVersion ?? '17';
    // Major upgrades: the parameter group family follows engineVersion; a change of major needs the declared
    // previousEngineVersion and allowMajorVersionUpgrade (upgrades.ts, README "Major version upgrade").
    const upgrade = resolveEngineUpgrade(this, { engine: this.engine, engineVersion, previousEngineVersion: props.previousEngineVersion, allowMajorVersionUpgrade: props.allowMajorVersionUpgrade });
    // auto_minor_version_upgrade is on (instances below): terraform-provider-aws keeps a configured "17" while RDS runs
    // "17.x", but replaces a pinned "17.4" with the running version once RDS upgrades it, and every plan would then try
    // to set 17.4 again (compareActualEngineVersion; README "Engine versions and automatic minor upgrades").
    check(
      /^\d+$/.test(engineVersion),
      this,
      `engineVersion "${engineVersion}" pins a minor version, but RDS applies minor upgrades itself (auto_minor_version_upgrade is on): after the first one every plan would try to set "${engineVersion}" again, a downgrade. Give the major only: engineVersion: "${engineVersion.split('.')[0]}" (the running version is engine_version_actual).`,
    );
    // Created from a snapshot or a point in time (restore.ts, README "Restore"): the data, database and master user come from the source.
    const restore = resolveRestore(this, this.engine, props.restoreFrom);
    checkRange(this, 'backupRetentionDays', props.backupRetentionDays, 7, 35, 'Backups shorter than 7 days are refused (RDS-BACKUP).');
    checkRange(this, 'allocatedStorageGiB', props.allocatedStorageGiB, 20, 65536);
    checkRange(this, 'logRetentionDays', props.logRetentionDays, 1, 3653);
    const monitoring = props.enhancedMonitoringIntervalSeconds ?? (production ? 60 : 0);
    check([0, 1, 5, 10, 15, 30, 60].includes(monitoring), this, `enhancedMonitoringIntervalSeconds must be one of 0, 1, 5, 10, 15, 30, 60; got ${monitoring}.`);
    if (production) {
      check(props.multiAz !== false, this, 'multiAz cannot be false in production; use preset "non-production" for a single-AZ database.');
      check(props.deletionProtection !== false, this, 'deletionProtection cannot be false in production; use preset "non-production" for a disposable database.');
    }
    const masterUsername = props.masterUsername ?? 'postgres';
    check(IDENT.test(masterUsername), this, `masterUsername "${masterUsername}" must be a valid identifier.`);
    if (props.appUser) checkLoginProps(this, 'appUser', props.appUser);
    const loginNames = new Set(props.appUser ? [props.appUser.username] : []);
    for (const [i, login] of (props.logins ?? []).entries()) {
      checkLoginProps(this, `logins[${i}]`, login);
      check(!loginNames.has(login.username), this, `logins[${i}].username "${login.username}" is already a login of this database; give each login its own name.`);
      loginNames.add(login.username);
    }
    if (props.maxAllocatedStorageGiB !== undefined && props.allocatedStorageGiB !== undefined) {
      check(props.maxAllocatedStorageGiB >= props.allocatedStorageGiB, this, 'maxAllocatedStorageGiB must be >= allocatedStorageGiB.');
    }
    const privateSubnetChecks = requirePrivateSubnets(this, props.network.privateSubnets);

    this.component = props.component ?? 'db';
    check(COMPONENT.test(this.component), this, `component "${this.component}" must be lower-case letters, digits and single dashes, starting with a letter and at most 40 characters (e.g. "catalog-db"); it names every resource of this database.`);
    const component = this.component;
    this.identifier = naming.name(component, 'rdsIdentifier');
    this.databaseName = props.databaseName;
    // Aurora depth (aurora.ts): readers spread over the zones, Serverless v2 capacity.
    const topology = resolveAuroraTopology(this, {
      engine: this.engine,
      production,
      multiAz: props.multiAz,
      instanceClass: props.instanceClass,
      readerCount: props.readerCount,
      serverlessV2: props.serverlessV2,
      availabilityZones: props.network.privateSubnets.flatMap((s) => (s.availabilityZone ? [s.availabilityZone] : [])),
    });
    this.instanceClass = topology.instanceClass ?? props.instanceClass ?? (production ? (aurora ? 'db.r7g.large' : 'db.m7g.large') : 'db.t4g.medium');
    this.connectionBudget = topology.connectionBudget ?? estimateMaxConnections(this.instanceClass);

    this.kmsKey = newKmsKey(this, 'key', component, `Encrypts ${this.identifier}: storage, master secret, Performance Insights`);
    this.secretKmsKeyArn = this.kmsKey.arn;
    this.securityGroup = newSecurityGroup(this, 'sg', {
      name: naming.name(component, 'securityGroup'),
      description: `PostgreSQL ${this.identifier}: clients admitted by security group on ${POSTGRES_PORT}`,
      vpcId: props.network.vpcId,
    });
    this.connections = new Connections(this, {
      securityGroupId: this.securityGroup.id,
      defaultPort: POSTGRES_PORT,
      description: `PostgreSQL ${this.identifier}`,
    });
    this.subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: naming.name(component, 'dbSubnetGroup'),
      description: `Private subnets of ${this.identifier}`,
      subnetIds: props.network.privateSubnets.map((s) => s.id),
      lifecycle: { precondition: privateSubnetChecks },
    });

    const parameterList = parameterGroupParameters(this, props);

    const logRetention = props.logRetentionDays ?? (production ? 365 : 30);
    const backupRetention = props.backupRetentionDays ?? (production ? 14 : 7);
    const deletionProtection = props.deletionProtection ?? production;
    const multiAz = props.multiAz ?? production;
    const monitoringRole = monitoring > 0
      ? new ServiceRole(this, 'monitoring-role', {
          name: naming.name(`${component}-monitoring`, 'iamRole'),
          servicePrincipal: 'monitoring.rds.amazonaws.com',
          description: `Enhanced monitoring of ${this.identifier}`,
          managedPolicyArns: [`arn:${stack.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`],
        })
      : undefined;
    const logGroupBase = aurora ? `/aws/rds/cluster/${this.identifier}` : `/aws/rds/instance/${this.identifier}`;
    // Created up front so retention is ours, not "never expire" as RDS would create it.
    const logGroups = ['postgresql', 'upgrade'].map(
      (kind) => new CloudwatchLogGroup(this, `log-${kind}`, { name: `${logGroupBase}/${kind}`, retentionInDays: logRetention }),
    );
    const finalSnapshot = deletionProtection || production;

    if (!aurora) {
      const parameterGroup = new DbParameterGroup(this, 'parameters', {
        namePrefix: `${naming.name(component, 'dbParameterGroup').slice(0, 200)}-`,
        family: upgrade.family,
        description: `TLS-only and logging parameters for ${this.identifier}`,
        parameter: parameterList,
        lifecycle: { createBeforeDestroy: true },
      });
      const allocated = props.allocatedStorageGiB ?? 20;
      this.instance = new DbInstance(this, 'instance', {
        identifier: this.identifier,
        engine: 'postgres',
        engineVersion,
        instanceClass: this.instanceClass,
        dbName: restore ? undefined : props.databaseName,
        snapshotIdentifier: restore?.snapshotIdentifier,
        restoreToPointInTime: restore?.instancePointInTime,
        username: masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: this.kmsKey.keyId,
        port: POSTGRES_PORT,
        allocatedStorage: allocated,
        maxAllocatedStorage: props.maxAllocatedStorageGiB ?? allocated * 5,
        storageType: 'gp3',
        storageEncrypted: true,
        kmsKeyId: restore?.kmsKeyArn ?? this.kmsKey.arn,
        dbSubnetGroupName: this.subnetGroup.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        publiclyAccessible: false,
        parameterGroupName: parameterGroup.name,
        multiAz,
        backupRetentionPeriod: backupRetention,
        deletionProtection,
        skipFinalSnapshot: !finalSnapshot,
        finalSnapshotIdentifier: finalSnapshot ? `${this.identifier}-final` : undefined,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: upgrade.allowMajorVersionUpgrade,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
        performanceInsightsEnabled: props.performanceInsights ?? true,
        performanceInsightsKmsKeyId: (props.performanceInsights ?? true) ? this.kmsKey.arn : undefined,
        performanceInsightsRetentionPeriod: (props.performanceInsights ?? true) ? 7 : undefined,
        monitoringInterval: monitoring,
        monitoringRoleArn: monitoringRole?.arn,
        caCertIdentifier: 'rds-ca-rsa2048-g1',
        applyImmediately: !production,
        dependsOn: logGroups,
        lifecycle: { ignoreChanges: RESTORE_ARGUMENTS_CREATE_ONLY },
      });
      this.address = this.instance.address;
      this.endpoint = this.instance.endpoint;
      this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    } else {
      const clusterParameters = new RdsClusterParameterGroup(this, 'cluster-parameters', {
        namePrefix: `${naming.name(`${component}-cluster`, 'dbParameterGroup').slice(0, 200)}-`,
        family: upgrade.family,
        description: `TLS-only and logging parameters for ${this.identifier}`,
        parameter: parameterList,
        lifecycle: { createBeforeDestroy: true },
      });
      this.cluster = new RdsCluster(this, 'cluster', {
        clusterIdentifier: this.identifier,
        engine: 'aurora-postgresql',
        engineVersion,
        databaseName: restore ? undefined : props.databaseName,
        snapshotIdentifier: restore?.snapshotIdentifier,
        restoreToPointInTime: restore?.clusterPointInTime,
        masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: this.kmsKey.keyId,
        port: POSTGRES_PORT,
        storageEncrypted: true,
        kmsKeyId: this.kmsKey.arn,
        dbSubnetGroupName: this.subnetGroup.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        dbClusterParameterGroupName: clusterParameters.name,
        backupRetentionPeriod: backupRetention,
        deletionProtection,
        skipFinalSnapshot: !finalSnapshot,
        finalSnapshotIdentifier: finalSnapshot ? `${this.identifier}-final` : undefined,
        copyTagsToSnapshot: true,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ['postgresql'],
        allowMajorVersionUpgrade: upgrade.allowMajorVersionUpgrade,
        serverlessv2ScalingConfiguration: topology.serverless,
        applyImmediately: !production,
        dependsOn: logGroups,
        lifecycle: { ignoreChanges: RESTORE_ARGUMENTS_CREATE_ONLY },
      });
      const count = 1 + topology.readerCount;
      for (let i = 0; i < count; i++) {
        this.clusterInstances.push(
          new RdsClusterInstance(this, `cluster-instance-${i}`, {
            identifier: naming.name(`${component}-${i}`, 'rdsIdentifier'),
            clusterIdentifier: this.cluster.id,
            engine: 'aurora-postgresql',
            engineVersion,
            instanceClass: this.instanceClass,
            dbSubnetGroupName: this.subnetGroup.name,
            // Spread over the zones when created; never a reason to replace an instance (availability_zone forces
            // a new one, and after a failover the writer may sit anywhere).
            availabilityZone: topology.instanceZones[i],
            lifecycle: { ignoreChanges: ['availability_zone'] },
            publiclyAccessible: false,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
            performanceInsightsEnabled: props.performanceInsights ?? true,
            performanceInsightsKmsKeyId: (props.performanceInsights ?? true) ? this.kmsKey.arn : undefined,
            monitoringInterval: monitoring,
            monitoringRoleArn: monitoringRole?.arn,
            caCertIdentifier: 'rds-ca-rsa2048-g1',
            applyImmediately: !production,
          }),
        );
      }
      this.address = this.cluster.endpoint;
      this.endpoint = `${this.cluster.endpoint}:${POSTGRES_PORT}`;
      this.readerAddress = this.cluster.readerEndpoint;
      this.readerEndpoint = `${this.cluster.readerEndpoint}:${POSTGRES_PORT}`;
      this.masterSecretArn = this.cluster.masterUserSecret.get(0).secretArn;
    }

    // appUser keeps the construct ids it had before logins existed (app-user-secret, app-user-rotation, ...).
    const login = (l: DatabaseLoginProps & { schemas?: readonly string[] }, idPrefix: string, prop: string) =>
      createLogin(this, l, {
        idPrefix,
        prop,
        secretName: `${naming.name(component, 'secretsManager')}/${l.username}`,
        rotationComponent: idPrefix === 'app-user' ? `${component}-secret-rotation` : `${component}-${l.username.replace(/_/g, '-')}-rotation`,
        production,
        masterEnvironment: this.masterConnectionEnvironment,
      });
    if (props.appUser) {
      this.appUsername = props.appUser.username;
      const app = login(props.appUser, 'app-user', 'appUser');
      this.appUserSecretArn = app.secretArn;
      this.logins.set(app.username, app);
    }
    for (const [i, l] of (props.logins ?? []).entries()) this.logins.set(l.username, login(l, `login-${l.username}`, `logins[${i}]`));
  }

  /** A login of this database by name (appUser's included): its secret for DMS (`secret: db.login('dms')`), Lambdas, Glue. */
  login(username: string): DatabaseLogin {
    const found = this.logins.get(username);
    if (!found) {
      throw new ValidationError(this, `no login "${username}" on this database; its logins are ${[...this.logins.keys()].join(', ') || 'none'} (set appUser or logins).`);
    }
    return found;
  }

  /**
   * A password login's secret as DMS endpoints and Glue connections take it (`{ secretArn, kmsKeyArn }`), e.g.
   * `new PostgresTargetEndpoint(this, 'target', { database: db, secret: db.loginSecret('dms_writer') })`.
   */
  loginSecret(username: string): { readonly secretArn: string; readonly kmsKeyArn: string } {
    const login = this.login(username);
    if (!login.secretArn) throw new ValidationError(this, `login "${username}" uses IAM authentication and has no secret; give it authentication "password" to hand its secret to DMS.`);
    return { secretArn: login.secretArn, kmsKeyArn: login.kmsKeyArn };
  }

  /**
   * Applies a SQL file (relative to the repository root, e.g. `stacks/shop/sql/orders.sql`) at deploy time, once per
   * content, as `owner` (a login, who then owns what it creates) or the master user. Checked at synth.
   */
  addSchemaFile(file: string, owner?: string): void {
    if (owner !== undefined) this.login(owner);
    this.bootstrap.addSchemaFile(file, owner);
  }

  /**
   * The apply-time bootstrap (users, schemas, extensions), created on first use. Modules add to it, e.g.
   * `db.bootstrap.addExtension('aws_s3')`.
   */
  get bootstrap(): PostgresBootstrap {
    if (!this._bootstrap) {
      this._bootstrap = new PostgresBootstrap(this, 'bootstrap', {
        component: this.component,
        network: this.props.network,
        databaseName: this.databaseName,
        connectionEnvironment: this.masterConnectionEnvironment,
        dependsOn: this.clusterInstances,
        // The database's side of the path (its own group's rules, among them the ingress admitting the function).
        dependsOnAtSynth: () => [...securityRulesUnder(this, true), ...databaseInstancesUnder(this)],
      });
      this.grantSecretRead(this._bootstrap.function, 'master');
      this.connections.allowDefaultPortFrom(this._bootstrap.function, 'deploy-time bootstrap (users, schemas, extensions)');
    }
    return this._bootstrap;
  }

  /**
   * Lets `grantee` read a secret and decrypt it: `master`, `app` (appUser's), or a login by name.
   * @default the app user's secret when it exists, else the master secret
   */
  grantSecretRead(grantee: IGrantable, which: string = this.appUserSecretArn ? 'app' : 'master'): void {
    const arn = which === 'master' ? this.masterSecretArn : which === 'app' ? this.appUserSecretArn : this.login(which).secretArn;
    if (!arn) {
      throw new ValidationError(this, which === 'app' ? 'no app user secret: set appUser with authentication "password", or grant the master secret.' : `login "${which}" uses IAM authentication and has no secret; use grantConnect.`);
    }
    grantee.grantPrincipal.addToPolicy({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [arn] });
    grantee.grantPrincipal.addToPolicy({ actions: ['kms:Decrypt'], resources: [this.kmsKey.arn] });
  }

  /**
   * CloudWatch alarms on this database to `topicArn` (e.g. the stack's `DmsMonitoring.topicArn`): CPU, free storage
   * (RDS) or free local storage (Aurora), freeable memory, connections against `connectionBudget`, maximum used
   * transaction IDs, and reader lag when Aurora has readers. See alarms.ts for metrics, units and defaults.
   */
  addAlarms(props: PostgresAlarmProps): PostgresAlarms {
    check(!this.node.tryFindChild('alarms'), this, 'addAlarms was already called for this database; call it once with every threshold.');
    return new PostgresAlarms(this, 'alarms', {
      component: this.component,
      identifier: this.identifier,
      engine: this.engine,
      connectionBudget: this.connectionBudget,
      instanceMemoryGiB: instanceClassMemoryGiB(this.instanceClass),
      allocatedStorageGiB: this.instance ? (this.props.allocatedStorageGiB ?? 20) : undefined,
      readerCount: Math.max(0, this.clusterInstances.length - 1),
    }, props);
  }

  /** The secret a client should use: the app user's when it exists, else the master secret. */
  get clientSecretArn(): string {
    return this.appUserSecretArn ?? this.masterSecretArn;
  }

  /** IAM database authentication: lets `grantee` connect as `dbUser` with an IAM token (`rds-db:connect`). */
  grantConnect(grantee: IGrantable, dbUser: string): void {
    check(IDENT.test(dbUser), this, `grantConnect: "${dbUser}" is not a valid database user name.`);
    const stack = MigrationStack.of(this);
    const resourceId = this.resourceId;
    grantee.grantPrincipal.addToPolicy({
      actions: ['rds-db:connect'],
      resources: [`arn:${stack.partition}:rds-db:${stack.regionName}:${stack.accountId}:dbuser:${resourceId}/${dbUser}`],
    });
  }

  /**
   * Environment of the module's own Lambdas that log in as the master user (see lambdas/shared/db.ts): the
   * RDS-managed secret holds only username and password, so the writer's address and database travel beside it.
   */
  private get masterConnectionEnvironment(): Record<string, string> {
    return {
      DB_SECRET_ARN: this.masterSecretArn,
      PGHOST: this.address,
      PGPORT: String(POSTGRES_PORT),
      PGDATABASE: this.databaseName,
      PGSSLMODE: 'verify-full',
    };
  }

  /** The S3 gateway endpoint `enableS3Import` created (undefined before, or when the network brought its own). */
  get s3GatewayEndpoint(): VpcEndpoint | undefined {
    return this._s3GatewayEndpoint;
  }

  /** ID of the database's security group. */
  get securityGroupId(): string {
    return this.securityGroup.id;
  }

  /** The RDS resource ID (`db-...` / `cluster-...`) used in IAM auth ARNs. */
  get resourceId(): string {
    return this.instance ? this.instance.resourceId : this.cluster!.clusterResourceId;
  }

  /** ARN of the instance or cluster. */
  get arn(): string {
    return this.instance ? this.instance.arn : this.cluster!.arn;
  }

  /**
   * Lets the database read `bucketArn` with `aws_s3.table_import_from_s3`: creates the `s3Import` role, associates it,
   * and adds an S3 gateway endpoint on the private route tables unless the network already has one.
   * The bootstrap creates the `aws_s3` extension at apply time.
   */
  enableS3Import(bucketArn: string, kmsKeyArn?: string, prefixes: readonly string[] = ['']): ServiceRole {
    const stack = MigrationStack.of(this);
    if (!this.s3ImportRole) {
      const network = this.props.network;
      let s3PrefixListId: string;
      if (!network.s3GatewayEndpointId) {
        check(
          (network.privateRouteTableIds?.length ?? 0) > 0,
          this,
          'enableS3Import needs a route to S3: pass network.privateRouteTableIds (an S3 gateway endpoint is added) or network.s3GatewayEndpointId.',
        );
        this._s3GatewayEndpoint = new VpcEndpoint(this, 's3-gateway', {
          vpcId: network.vpcId,
          serviceName: `com.amazonaws.${stack.region}.s3`,
          vpcEndpointType: 'Gateway',
          routeTableIds: [...network.privateRouteTableIds!],
          tags: { Name: stack.naming.name(`${this.component}-s3-gateway`) },
        });
        s3PrefixListId = this._s3GatewayEndpoint.prefixListId;
      } else {
        // The network's own gateway endpoint: S3's AWS-managed prefix list in this region is what it routes.
        s3PrefixListId = new DataAwsEc2ManagedPrefixList(this, 's3-prefix-list', { name: `com.amazonaws.${stack.region}.s3` }).id;
      }
      // The database's group has no default egress: without this rule aws_s3.table_import_from_s3 cannot reach S3
      // through the gateway endpoint (security groups must allow outbound traffic to the endpoint's prefix list:
      // https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
      this.connections.allowEgressToPrefixList('allow-s3-egress', s3PrefixListId, 443, `HTTPS to S3 (gateway endpoint prefix list) for aws_s3.table_import_from_s3 on ${this.identifier}`);
      this.s3ImportRole = new ServiceRole(this, 's3-import-role', {
        name: stack.naming.name(`${this.component}-s3-import`, 'iamRole'),
        servicePrincipal: 'rds.amazonaws.com',
        description: `aws_s3.table_import_from_s3 for ${this.identifier}`,
        trustConditions: { StringEquals: { 'aws:SourceArn': this.arn } },
      });
      if (this.instance) {
        new DbInstanceRoleAssociation(this, 's3-import', {
          dbInstanceIdentifier: this.instance.identifier,
          featureName: 's3Import',
          roleArn: this.s3ImportRole.arn,
        });
      } else {
        new RdsClusterRoleAssociation(this, 's3-import', {
          dbClusterIdentifier: this.cluster!.clusterIdentifier,
          featureName: 's3Import',
          roleArn: this.s3ImportRole.arn,
        });
      }
    }
    for (const prefix of prefixes) {
      check(!isResolved(prefix) || !prefix.startsWith('/'), this, `S3 prefix "${prefix}" must not start with "/".`);
    }
    this.s3ImportRole.addToPolicy({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: prefixes.map((p) => `${bucketArn}/${p}*`) });
    this.s3ImportRole.addToPolicy({ actions: ['s3:ListBucket'], resources: [bucketArn] });
    if (kmsKeyArn) this.s3ImportRole.addToPolicy({ actions: ['kms:Decrypt'], resources: [kmsKeyArn] });
    this.bootstrap.addExtension('aws_s3');
    return this.s3ImportRole;
  }
}
