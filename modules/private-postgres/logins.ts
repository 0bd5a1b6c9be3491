import { Construct } from 'constructs';
import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { check, checkRange, Connections, Fn, IGrantable, MigrationStack, NetworkRef, NodejsLambda } from '../core';
import { PostgresBootstrap } from './bootstrap';
import { dependsOnAtSynth, resourcesUnder, securityRulesUnder, vpcEndpointsOf } from './dependencies';
import { DatabaseLoginProps, SchemaGrant } from './props';

/** Reserved concurrency of a rotation Lambda: Secrets Manager's documented minimum against throttling. */
export const ROTATION_RESERVED_CONCURRENCY = 10;

export const LOGIN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const RESERVED_LOGINS = new Set(['postgres', 'rdsadmin', 'rds_superuser', 'admin', 'public']);

/** A database login the module created: its name, and its secret when it logs in with a password. */
export interface DatabaseLogin {
  readonly username: string;
  /**
   * Secrets Manager secret, JSON `{engine, username, password, host, port, dbname}`: the shape DMS endpoints read
   * (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html) and lambdas/shared/db.ts
   * resolves. Undefined for IAM-authenticated logins.
   */
  readonly secretArn?: string;
  /** The CMK encrypting the secret (the database's key). */
  readonly kmsKeyArn: string;
  readonly authentication: 'password' | 'iam';
  readonly grants: readonly SchemaGrant[];
  /** The rotation schedule of the secret (undefined when rotation is off or the login uses IAM). */
  readonly rotation?: SecretsmanagerSecretRotation;
}

/** What a login needs from its database (PrivatePostgres passes itself and its master-user environment). */
export interface LoginHost extends Construct {
  readonly identifier: string;
  readonly address: string;
  readonly port: number;
  readonly databaseName: string;
  readonly network: NetworkRef;
  readonly connections: Connections;
  readonly bootstrap: PostgresBootstrap;
  readonly secretKmsKeyArn: string;
  grantSecretRead(grantee: IGrantable, which: 'master'): void;
}

export interface LoginOptions {
  /** Construct id prefix of the login's resources: `app-user` for appUser (its ids predate logins), else `login-<username>`. */
  readonly idPrefix: string;
  /** The prop the login came from, for messages: `appUser` or `logins[2]`. */
  readonly prop: string;
  /** Secret name, e.g. `billing-prod-db/loader`. */
  readonly secretName: string;
  /** Name component of the rotation Lambda. */
  readonly rotationComponent: string;
  readonly production: boolean;
  /** How the rotation function logs in as the master user. */
  readonly masterEnvironment: Record<string, string>;
}

/** Validates a login's props at synth: the name, its grants (identifiers, one privilege per schema). */
export function checkLoginProps(scope: Construct, prop: string, login: DatabaseLoginProps): void {
  check(
    LOGIN_NAME.test(login.username) && !RESERVED_LOGINS.has(login.username),
    scope,
    `${prop}.username "${login.username}" must be a lower-case identifier other than ${[...RESERVED_LOGINS].join(', ')}.`,
  );
  const seen = new Set<string>();
  for (const [i, grant] of (login.grants ?? []).entries()) {
    check(LOGIN_NAME.test(grant.schema), scope, `${prop}.grants[${i}].schema "${grant.schema}" must be a lower-case identifier, e.g. "landing".`);
    check(['read', 'write', 'owner'].includes(grant.privilege), scope, `${prop}.grants[${i}].privilege "${grant.privilege}" is not one of read, write, owner.`);
    check(!seen.has(grant.schema), scope, `${prop}.grants names schema "${grant.schema}" twice; give it one privilege (read, write or owner).`);
    seen.add(grant.schema);
  }
  checkRange(scope, `${prop}.rotationDays`, login.rotationDays, 1, 365);
  const strategy = login.rotationStrategy ?? 'single-user';
  check(strategy === 'single-user' || strategy === 'alternating-users', scope, `${prop}.rotationStrategy "${strategy}" is not one of single-user, alternating-users.`);
  if (strategy === 'alternating-users') {
    check((login.authentication ?? 'password') === 'password' && login.rotation !== false, scope, `${prop}.rotationStrategy "alternating-users" rotates a password: it needs authentication "password" and rotation on.`);
    check(login.username.length <= 57, scope, `${prop}.username "${login.username}" is ${login.username.length} characters; with alternating users its clone "${login.username}_clone" must fit Postgres's 63: use at most 57.`);
  }
}

/**
 * Creates a login: with password authentication a KMS-encrypted secret whose password Secrets Manager generates at
 * plan and Terraform writes write-only (never in the synthesized JSON or state), rotated every `rotationDays` by its
 * own rotation Lambda (which may write this secret and no other); the role, its grants and its schema files are
 * applied at deploy time by the bootstrap.
 */
export function createLogin(db: LoginHost, login: DatabaseLoginProps & { readonly schemas?: readonly string[] }, options: LoginOptions): DatabaseLogin {
  const authentication = login.authentication ?? 'password';
  check(authentication === 'password' || authentication === 'iam', db, `${options.prop}.authentication "${authentication}" is not one of password, iam.`);
  let secretArn: string | undefined;
  let secretVersion: SecretsmanagerSecretVersion | undefined;
  let rotation: SecretsmanagerSecretRotation | undefined;
  if (authentication === 'password') {
    const secret = new SecretsmanagerSecret(db, `${options.idPrefix}-secret`, {
      name: options.secretName,
      description: `Credentials of database user ${login.username} on ${db.identifier}`,
      kmsKeyId: db.secretKmsKeyArn,
      recoveryWindowInDays: options.production ? 30 : 7,
    });
    const password = new DataAwsSecretsmanagerRandomPassword(db, `${options.idPrefix}-password`, {
      passwordLength: 32,
      excludePunctuation: true,
    });
    secretVersion = new SecretsmanagerSecretVersion(db, `${options.idPrefix}-secret-value`, {
      secretId: secret.id,
      secretStringWo: Fn.jsonencode({
        engine: 'postgres',
        username: login.username,
        password: password.randomPassword,
        host: db.address,
        port: db.port,
        dbname: db.databaseName,
      }),
      secretStringWoVersion: 1,
    });
    secretArn = secret.arn;
    if (login.rotation ?? true) rotation = addRotation(db, login.username, secret, secretVersion, login.rotationDays ?? 30, options, login.rotationStrategy ?? 'single-user');
  }
  db.bootstrap.addUser({
    username: login.username,
    secretArn,
    secretVersion,
    iam: authentication === 'iam',
    schemas: login.schemas ?? [],
    grants: login.grants ?? [],
    alternate: login.rotationStrategy === 'alternating-users',
  });
  for (const file of login.schemaFiles ?? []) db.bootstrap.addSchemaFile(file, login.username);
  const grants = [...(login.schemas ?? []).map((schema) => ({ schema, privilege: 'owner' as const })), ...(login.grants ?? [])];
  return { username: login.username, secretArn, kmsKeyArn: db.secretKmsKeyArn, authentication, grants, rotation };
}

/**
 * Rotates a login's secret every `days` with `lambdas/postgres-secret-rotation` (single-user rotation: the master
 * user sets the new password as a SCRAM verifier). First rotation waits for the schedule, after the bootstrap.
 */
function addRotation(
  db: LoginHost,
  username: string,
  secret: SecretsmanagerSecret,
  secretVersion: SecretsmanagerSecretVersion,
  days: number,
  options: LoginOptions,
  strategy: 'single-user' | 'alternating-users',
): SecretsmanagerSecretRotation {
  const stack = MigrationStack.of(db);
  const fn = new NodejsLambda(db, `${options.idPrefix}-rotation`, {
    entry: 'postgres-secret-rotation',
    component: options.rotationComponent,
    description: `Rotates the password of ${username} on ${db.identifier}`,
    timeoutSeconds: 60,
    memoryMiB: 256,
    network: db.network,
    databaseWriter: true,
    // Secrets Manager warns that a rotation function with concurrency below 10 can be throttled
    // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html). Ten
    // master-user connections at most, and only while a rotation runs.
    reservedConcurrency: ROTATION_RESERVED_CONCURRENCY,
    environment: { ...options.masterEnvironment, ...(strategy === 'alternating-users' ? { ROTATION_STRATEGY: strategy } : {}) },
  });
  db.connections.allowDefaultPortFrom(fn, `rotates the password of ${username}${strategy === 'alternating-users' ? ` (alternating with ${username}_clone)` : ''}`);
  db.grantSecretRead(fn, 'master');
  fn.grantPrincipal.addToPolicy({
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
    resources: [secret.arn],
  });
  fn.grantPrincipal.addToPolicy({ actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] });
  fn.grantPrincipal.addToPolicy({ actions: ['kms:GenerateDataKey'], resources: [db.secretKmsKeyArn] });
  const permission = fn.allowInvokeFrom('allow-secretsmanager', { principal: 'secretsmanager.amazonaws.com', sourceArn: secret.arn, sourceAccount: stack.accountId });
  const bootstrapInvocation = db.bootstrap.invocation;
  const rotation = new SecretsmanagerSecretRotation(db, `${options.idPrefix}-secret-rotation`, {
    secretId: secret.id,
    rotationLambdaArn: fn.arn,
    rotationRules: { automaticallyAfterDays: days },
    rotateImmediately: false,
  });
  // Without rotate_immediately, Secrets Manager runs the function's testSecret step when rotation is set up
  // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html): the user must exist
  // (bootstrap), and the function must be allowed in, able to reach Secrets Manager and the database, and allowed
  // to read and write the secret, whose first version must be written.
  dependsOnAtSynth(rotation, (context) => [
    permission,
    bootstrapInvocation,
    fn.function,
    ...resourcesUnder(fn.role),
    ...securityRulesUnder(fn),
    ...securityRulesUnder(db, true),
    ...vpcEndpointsOf(db, db.network, context),
    secretVersion,
  ]);
  return rotation;
}
