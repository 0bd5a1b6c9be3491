import { ValidationError } from '../core';
import type { IConnectable, IGrantable, NetworkRef } from '../core';
import type { PostgresEngine } from './props';
import type { PrivatePostgres } from './private-postgres';

/** A login of a database as its consumers read it: its name and, for password logins, its secret. */
export interface PostgresLoginRef {
  readonly username: string;
  /** The login's secret (username, password, host, port, dbname); undefined for IAM-authenticated logins. */
  readonly secretArn?: string;
}

/**
 * A PostgreSQL database as every consumer takes it: the S3 pipeline, the stream consumer, the DMS Postgres target
 * and the Glue ETL target. Implemented by `PrivatePostgres` (created by the kit) and `ExistingPostgres` (adopted:
 * an endpoint, secret and security group that already exist). Features that run SQL at deploy time (schema files,
 * logins, the server-side `aws_s3` import) need the kit's bootstrap, which only a `PrivatePostgres` has: an
 * `ExistingPostgres` refuses them at synth and says what to do instead.
 */
export interface PostgresDatabase extends IConnectable {
  readonly engine: PostgresEngine;
  /** The VPC and private subnets the database is reachable from; consumers' Lambdas are placed there by default. */
  readonly network: NetworkRef;
  readonly address: string;
  readonly port: number;
  readonly databaseName: string;
  /** Estimated max_connections: consumers keep their concurrency within it. */
  readonly connectionBudget: number;
  /** Named in connection-budget messages when known. */
  readonly instanceClass?: string;
  /** RDS-managed master secret (username and password only); undefined for an adopted database. */
  readonly masterSecretArn?: string;
  /** CMK of the secrets, when not the AWS-managed key: readers get kms:Decrypt on it. */
  readonly secretKmsKeyArn?: string;
  /** The app user's secret (username, password, host, port, dbname): the default login of every consumer. */
  readonly appUserSecretArn?: string;
  readonly appUsername?: string;
  /** Logins by name (the app user's included). */
  readonly logins: ReadonlyMap<string, PostgresLoginRef>;
  /** Lets `grantee` read and decrypt a secret: `master`, `app`, or a login by name. */
  grantSecretRead(grantee: IGrantable, which?: string): void;
  /** A password login's secret as DMS endpoints and Glue connections take it. */
  loginSecret(username: string): { readonly secretArn: string; readonly kmsKeyArn?: string };
  /** Applies a SQL file at deploy time as `owner` (needs the bootstrap). */
  addSchemaFile(file: string, owner?: string): void;
  /** Lets the database import from S3 with `aws_s3.table_import_from_s3` (needs the bootstrap). */
  enableS3Import(bucketArn: string, kmsKeyArn?: string, prefixes?: readonly string[]): unknown;
  /** The deploy-time bootstrap, as far as consumers use it. */
  readonly bootstrap: { allowS3Import(login: string): void };
}

/** Fails `tsc` when PrivatePostgres stops being a PostgresDatabase (kept here so private-postgres.ts needs no import). */
type Implements<T extends PostgresDatabase> = T;
export type PrivatePostgresIsAPostgresDatabase = Implements<PrivatePostgres>;

/**
 * A Glue ETL pipeline's `source` or `target` (EtlDatabaseProps, modules/glue-etl-pipeline) for `db`, logging in as
 * `login` (`app`, `master`, or a login by name): host, port, database, secret and its key, security group (the Glue
 * group is admitted on the port) and connection budget all come from the database.
 * @param login @default the app user when it has a secret, else the master user
 */
export function etlDatabaseOf(db: PostgresDatabase, login: string = db.appUserSecretArn ? 'app' : 'master') {
  const secretArn = login === 'master' ? db.masterSecretArn : login === 'app' ? db.appUserSecretArn : db.loginSecret(login).secretArn;
  if (!secretArn) {
    throw new ValidationError(
      `etlDatabaseOf(${db.databaseName})`,
      login === 'master' ? 'the database has no master secret (an ExistingPostgres): pass login "app" or a login by name.' : 'the database has no app user secret: set appUser on the database, or pass login "master" or a login by name.',
    );
  }
  return {
    engine: 'postgresql' as const,
    host: db.address,
    port: db.port,
    databaseName: db.databaseName,
    secretArn,
    secretKmsKeyArn: db.secretKmsKeyArn,
    database: db,
    connectionBudget: db.connectionBudget,
  };
}
