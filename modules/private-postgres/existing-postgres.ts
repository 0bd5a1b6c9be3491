import { Construct } from 'constructs';
import { check, Connections, grantSecretRead, isResolved, ValidationError } from '../core';
import type { IGrantable, NetworkRef } from '../core';
import type { PostgresDatabase, PostgresLoginRef } from './database';
import type { PostgresEngine } from './props';

/** A login of the existing database whose secret already exists. */
export interface ExistingPostgresLogin {
  readonly username: string;
  /**
   * Secrets Manager secret of the login, JSON `{"username", "password", "host", "port", "dbname"}` (the RDS/Aurora
   * credentials shape: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html).
   * DMS takes the host and port from the endpoint's secret
   * (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html); the kit's Lambdas read all five.
   */
  readonly secretArn: string;
}

export interface ExistingPostgresProps {
  /** Host name of the database's endpoint (the writer's, for Aurora). */
  readonly address: string;
  /** @default 5432 */
  readonly port?: number;
  readonly databaseName: string;
  /** @default 'postgres' */
  readonly engine?: PostgresEngine;
  /** The database's security group: consumers are admitted on `port` by ingress rules this stack adds to it. */
  readonly securityGroupId: string;
  /** The VPC and private subnets that reach the database; consumers' Lambdas are placed there by default. */
  readonly network: NetworkRef;
  /** The login consumers use by default (the "app" login), with its existing secret. */
  readonly appUser: ExistingPostgresLogin;
  /** Further logins with existing secrets, e.g. one for DMS; consumers pick them by name. @default none */
  readonly logins?: readonly ExistingPostgresLogin[];
  /**
   * CMK that encrypts the secrets, when not the AWS-managed key `aws/secretsmanager`: readers get `kms:Decrypt` on
   * it through Secrets Manager. Required for a secret in another account.
   * @default the AWS-managed key (no kms grant)
   */
  readonly secretKmsKeyArn?: string;
  /** The database's max_connections (`SHOW max_connections`): consumers keep their concurrency within it. */
  readonly connectionBudget: number;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const IDENT = /^[a-z_][a-z0-9_$]{0,62}$/i;
const NO_BOOTSTRAP = 'an ExistingPostgres has no deploy-time bootstrap (the kit did not create the database and holds no master secret)';

/**
 * Adopts a PostgreSQL database the kit did not create (RDS, Aurora, or self-managed in a VPC): its endpoint, port,
 * database, login secrets and security group. Pass it wherever a `PrivatePostgres` is taken (`PostgresDatabase`):
 * `S3ToPostgresPipeline`, `StreamToPostgres`, `PostgresTargetEndpoint`, and as a Glue target's `database`.
 *
 * Consumers are admitted by ingress rules on `securityGroupId` and read the given secrets. What needs SQL at deploy
 * time (schema files, server-side `aws_s3` import) fails at synth: run that SQL on the database yourself.
 */
export class ExistingPostgres extends Construct implements PostgresDatabase {
  readonly engine: PostgresEngine;
  readonly network: NetworkRef;
  readonly connections: Connections;
  readonly address: string;
  readonly port: number;
  readonly databaseName: string;
  readonly connectionBudget: number;
  readonly securityGroupId: string;
  readonly secretKmsKeyArn?: string;
  readonly appUserSecretArn: string;
  readonly appUsername: string;
  readonly logins = new Map<string, PostgresLoginRef>();

  constructor(scope: Construct, id: string, props: ExistingPostgresProps) {
    super(scope, id);
    const port = props.port ?? 5432;
    check(props.address.length > 0, this, 'address must be the database endpoint\'s host name, e.g. "orders.abc123.eu-west-2.rds.amazonaws.com".');
    check(Number.isInteger(port) && port >= 1 && port <= 65535, this, `port ${port} must be an integer from 1 to 65535.`);
    check(!isResolved(props.databaseName) || IDENT.test(props.databaseName), this, `databaseName "${props.databaseName}" is not a plain PostgreSQL identifier.`);
    check(
      !isResolved(props.securityGroupId) || /^sg-[0-9a-f]{8,17}$/.test(props.securityGroupId),
      this,
      `securityGroupId "${props.securityGroupId}" is not a security group id (sg-...): pass the group attached to the database.`,
    );
    check(
      Number.isInteger(props.connectionBudget) && props.connectionBudget >= 1,
      this,
      `connectionBudget ${props.connectionBudget} must be a positive integer: the database's max_connections (SHOW max_connections).`,
    );
    check(
      props.secretKmsKeyArn === undefined || !isResolved(props.secretKmsKeyArn) || KMS_KEY_ARN.test(props.secretKmsKeyArn),
      this,
      `secretKmsKeyArn "${props.secretKmsKeyArn}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); an alias ARN cannot be granted kms:Decrypt.`,
    );
    const all = [props.appUser, ...(props.logins ?? [])];
    all.forEach((l, i) => {
      const prop = i === 0 ? 'appUser' : `logins[${i - 1}]`;
      check(!isResolved(l.username) || IDENT.test(l.username), this, `${prop}.username "${l.username}" is not a plain PostgreSQL identifier.`);
      check(!isResolved(l.secretArn) || SECRET_ARN.test(l.secretArn), this, `${prop}.secretArn "${l.secretArn}" is not a Secrets Manager secret ARN.`);
      check(!this.logins.has(l.username), this, `${prop}.username "${l.username}" is given twice; each login is named once.`);
      this.logins.set(l.username, { username: l.username, secretArn: l.secretArn });
    });
    this.engine = props.engine ?? 'postgres';
    this.network = props.network;
    this.address = props.address;
    this.port = port;
    this.databaseName = props.databaseName;
    this.connectionBudget = props.connectionBudget;
    this.securityGroupId = props.securityGroupId;
    this.secretKmsKeyArn = props.secretKmsKeyArn;
    this.appUserSecretArn = props.appUser.secretArn;
    this.appUsername = props.appUser.username;
    this.connections = new Connections(this, {
      securityGroupId: props.securityGroupId,
      defaultPort: port,
      description: `PostgreSQL ${props.databaseName} (existing)`,
    });
  }

  /** An adopted database has no master secret the kit knows of; consumers use the app user or a login. */
  get masterSecretArn(): undefined {
    return undefined;
  }

  /** Lets `grantee` read and decrypt a secret: `app` (the default) or a login by name. */
  grantSecretRead(grantee: IGrantable, which: string = 'app'): void {
    check(
      which !== 'master',
      this,
      'an ExistingPostgres has no master secret (the kit did not create the database): use the app user (the default) or a login by name, e.g. databaseUser "app".',
    );
    grantSecretRead(grantee, which === 'app' ? this.appUserSecretArn : this.loginSecret(which).secretArn, this.secretKmsKeyArn);
  }

  loginSecret(username: string): { readonly secretArn: string; readonly kmsKeyArn?: string } {
    const found = this.logins.get(username);
    if (!found) {
      throw new ValidationError(this, `no login "${username}" on this database; its logins are ${[...this.logins.keys()].join(', ')} (add it to logins with its secret).`);
    }
    return { secretArn: found.secretArn!, kmsKeyArn: this.secretKmsKeyArn };
  }

  addSchemaFile(file: string): void {
    throw new ValidationError(
      this,
      `schema file "${file}": ${NO_BOOTSTRAP}, so it cannot apply SQL at deploy time. Apply the file yourself before deploying (psql -h ${this.address} -d ${this.databaseName} -f ${file}) as the login that should own the tables, and drop it from schemaFiles.`,
    );
  }

  enableS3Import(bucketArn: string): never {
    throw new ValidationError(
      this,
      `importing from ${bucketArn}: the server-side aws_s3 import needs an IAM role associated with the database (feature s3Import) and the aws_s3 extension created by the bootstrap; ${NO_BOOTSTRAP}. Use strategy "stream" (the loader reads the file from S3 and copies it over its own connection; no database-side role or extension).`,
    );
  }

  get bootstrap(): { allowS3Import(login: string): void } {
    throw new ValidationError(this, `${NO_BOOTSTRAP}; run its SQL on the database yourself.`);
  }
}
