import { NetworkRef } from '../core';
import { PostgresRestoreSource } from './restore';
import { ServerlessV2Capacity } from './aurora';

export type PostgresEngine = 'postgres' | 'aurora-postgresql';

/** Option groups a stack picks once; each prop below can still override a single value. */
export type PostgresPreset = 'production' | 'non-production';

/**
 * How RDS applies a parameter change: `immediate` is accepted only for dynamic parameters, `pending-reboot` for both
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html).
 */
export type ParameterApplyMethod = 'immediate' | 'pending-reboot';

/** A parameter with its apply method, for dynamic parameters that should take effect without a reboot. */
export interface PostgresParameter {
  readonly value: string;
  /** Use `immediate` only for parameters RDS lists as dynamic (e.g. `work_mem`). @default 'pending-reboot' */
  readonly applyMethod?: ParameterApplyMethod;
}

export interface AppUserProps {
  /** Database role the application or migration uses, e.g. `migrator`. */
  readonly username: string;
  /**
   * `password`: a Secrets Manager secret (KMS-encrypted, generated password, written write-only) that Lambdas and DMS
   * read; `iam`: no password at all, clients use `grantConnect` and IAM tokens.
   * @default 'password'
   */
  readonly authentication?: 'password' | 'iam';
  /** Schemas the user owns, created at apply time by the bootstrap (e.g. `['landing']`). @default none */
  readonly schemas?: readonly string[];
  /** Days between automatic rotations of the password secret. @default 30 */
  readonly rotationDays?: number;
  /**
   * Set false when a long-running client cannot take a password change (e.g. a DMS CDC task writing as this user
   * until cut-over); the stack then needs a documented SECRETS-ROTATION waiver. @default true
   */
  readonly rotation?: boolean;
  /** As a login's `rotationStrategy` (DatabaseLoginProps): `alternating-users` also creates `<username>_clone`. @default 'single-user' */
  readonly rotationStrategy?: 'single-user' | 'alternating-users';
}

/**
 * What a login may do in a schema. `read`: USAGE, SELECT on its tables and sequences. `write`: also INSERT, UPDATE,
 * DELETE, TRUNCATE on its tables and USAGE on its sequences, no DDL. `owner`: owns the schema (creates, alters, drops
 * objects in it; one owner per schema). Covers the tables there now and, through the schema owner's default
 * privileges, those created later. In every schema some login is granted, each login has exactly its grant (or none).
 */
export type SchemaPrivilege = 'read' | 'write' | 'owner';

export interface SchemaGrant {
  readonly schema: string;
  readonly privilege: SchemaPrivilege;
}

/**
 * A database login for one consumer (DMS, a loader, a reporting tool): its own Secrets Manager secret (JSON engine,
 * username, password, host, port, dbname: the shape DMS endpoints read), its own rotation and its own grants, created
 * at deploy time by the bootstrap.
 */
export interface DatabaseLoginProps {
  /** Database role name, e.g. `dms_writer`. */
  readonly username: string;
  /** `password` (a rotated secret) or `iam` (no password; clients use `grantConnect`). @default 'password' */
  readonly authentication?: 'password' | 'iam';
  /** Schemas and what the login may do there, e.g. `[{ schema: 'landing', privilege: 'write' }]`. @default none */
  readonly grants?: readonly SchemaGrant[];
  /**
   * SQL files (paths relative to the repository root) run by the bootstrap as this login, so it owns the tables they
   * create; each runs once per content. @default none
   */
  readonly schemaFiles?: readonly string[];
  /** Days between automatic rotations of the password secret. @default 30 */
  readonly rotationDays?: number;
  /**
   * Set false when a long-running client cannot take a password change (e.g. a DMS CDC task writing as this login
   * until cut-over); the stack then needs a documented SECRETS-ROTATION waiver. @default true
   */
  readonly rotation?: boolean;
  /**
   * `alternating-users`: the bootstrap also creates `<username>_clone` (a member of the login, whose sessions act as
   * it), and each rotation moves the secret to the other one with a new password, so credentials a running client
   * read (a DMS CDC task, a loader's pool) stay valid until the next rotation instead of failing at this one. Usernames
   * of at most 57 characters; password logins only. @default 'single-user'
   */
  readonly rotationStrategy?: 'single-user' | 'alternating-users';
}

export interface PrivatePostgresProps {
  /**
   * Name component of every resource of this database (identifier, key alias, security and subnet groups, parameter
   * groups, roles, Lambdas, secrets): `<project>-<environment>-<component>`. Give each database of a stack its own,
   * e.g. `catalog-db` and `orders-db`. Changing it on a deployed database replaces it.
   * @default 'db'
   */
  readonly component?: string;
  /** Private subnets (>= 2 AZs) and VPC the database lives in. */
  readonly network: NetworkRef;
  /** Initial database name (letters, digits, underscores). */
  readonly databaseName: string;
  /** @default 'postgres' (RDS for PostgreSQL). `aurora-postgresql` creates a cluster with writer (+ reader in production). */
  readonly engine?: PostgresEngine;
  /**
   * Major only (e.g. `17`): RDS applies minor upgrades itself (auto_minor_version_upgrade is on) and a pinned minor
   * would show as a downgrade in every plan after the first upgrade (README "Engine versions and automatic minor upgrades").
   * DMS 3.5.4+ supports PostgreSQL 9.4-18 as a target.
   * @default '17'
   */
  readonly engineVersion?: string;
  /**
   * The version the deployed database runs now, declared only for a major version upgrade (e.g. `'16'` while
   * `engineVersion` becomes `'17'`): when the majors differ, `allowMajorVersionUpgrade` must be true. Remove both once
   * the upgrade is applied. See the README runbook "Major version upgrade".
   * @default none (no upgrade in progress)
   */
  readonly previousEngineVersion?: string;
  /**
   * Lets RDS change the major version (`allow_major_version_upgrade`). Needs `previousEngineVersion`.
   * @default false
   */
  readonly allowMajorVersionUpgrade?: boolean;
  /**
   * Create the database from a snapshot or a point in time of another database (the rollback path of a failed
   * cut-over): `{ snapshotIdentifier, kmsKeyArn }` or `{ pointInTime: { sourceDbInstanceIdentifier | sourceClusterIdentifier,
   * restoreTime | useLatestRestorableTime: true }, kmsKeyArn }` (`kmsKeyArn`: RDS only, the source's key). Read only
   * when the database is created: restore into a new `component`. See the README "Restore".
   * @default none (an empty database)
   */
  readonly restoreFrom?: PostgresRestoreSource;
  /**
   * Aurora: reader instances beside the writer (0-15), spread round-robin over the private subnets' zones; the
   * cluster's reader endpoint (`readerEndpoint`) balances over them. At least 1 in production.
   * @default production (multiAz): 1, otherwise 0
   */
  readonly readerCount?: number;
  /**
   * Aurora Serverless v2: every instance is `db.serverless` and scales between these capacities (ACU, ~2 GiB each,
   * steps of 0.5; 0 = automatic pause, refused in production). `connectionBudget` follows `maxCapacity`.
   * @default none (provisioned instances of instanceClass)
   */
  readonly serverlessV2?: ServerlessV2Capacity;
  /** @default 'db.t4g.medium' outside production, 'db.m7g.large' in production ('db.r7g.large' for Aurora) */
  readonly instanceClass?: string;
  /** @default 20 (GiB, gp3; RDS only) */
  readonly allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling. @default 5x allocatedStorageGiB (RDS only) */
  readonly maxAllocatedStorageGiB?: number;
  /** @default the stack's `production` flag */
  readonly preset?: PostgresPreset;
  /** @default production: true */
  readonly multiAz?: boolean;
  /** @default production: 14, otherwise 7 (never below 7) */
  readonly backupRetentionDays?: number;
  /** @default production: true */
  readonly deletionProtection?: boolean;
  /** @default 'postgres' */
  readonly masterUsername?: string;
  /** Sets `rds.logical_replication = 1` (needed when this database is a DMS or logical-replication source). */
  readonly logicalReplication?: boolean;
  /**
   * Extra parameters for the created parameter group. A plain value is applied at the next reboot (`pending-reboot`,
   * valid for static and dynamic parameters alike); pass `{ value, applyMethod: 'immediate' }` for a dynamic parameter
   * that should apply at once, e.g. `{ shared_buffers: '65536', work_mem: { value: '65536', applyMethod: 'immediate' } }`.
   * Known static parameters with `immediate` fail at synth.
   */
  readonly parameters?: Record<string, string | PostgresParameter>;
  /** An application/migration user with its own credentials (owning `schemas`). For several, use `logins`. */
  readonly appUser?: AppUserProps;
  /** One login per consumer, each with its own secret, rotation and grants. Names must differ from appUser's. @default none */
  readonly logins?: readonly DatabaseLoginProps[];
  /** @default production: 60 (seconds); non-production: 0 (off) */
  readonly enhancedMonitoringIntervalSeconds?: number;
  /** @default true */
  readonly performanceInsights?: boolean;
  /** @default production: 365, otherwise 30 */
  readonly logRetentionDays?: number;
}
