import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { grantSecretRead, isResolved, MigrationStack, newKmsKey, ServiceRole, terraformExpression } from '../core';

/**
 * A Secrets Manager secret holding a database login as JSON: `{"username", "password", "host", "port"}`. DMS takes
 * the server and port from the secret, not from the endpoint, so `host` and `port` are required
 * (https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html). An RDS-managed master secret
 * holds only username and password and is refused at synth.
 */
export interface SecretRef {
  readonly secretArn: string;
  /** CMK encrypting the secret (DMS's access role gets kms:Decrypt on it). Omit for the AWS-managed key. */
  readonly kmsKeyArn?: string;
}

/**
 * How `secretArn` shows when it is an RDS-managed master secret (`manage_master_user_password`), else undefined.
 * Such a secret holds only `username` and `password` (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html),
 * but DMS reads the host and port from the endpoint's secret. Recognised by name when the ARN is known (`secret:rds!db-...`,
 * `secret:rds!cluster-...`), and by reference when it is a token (an instance's or cluster's `master_user_secret`, e.g.
 * PrivatePostgres `masterSecretArn`).
 */
export function rdsManagedMasterSecret(scope: Construct, secretArn: string): string | undefined {
  if (isResolved(secretArn)) return /:secret:rds!/.test(secretArn) ? secretArn : undefined;
  const expression = terraformExpression(scope, secretArn);
  return /\.master_user_secret\[/.test(expression) ? expression : undefined;
}

/**
 * The role DMS assumes to read an endpoint's secret (`secrets_manager_access_role_arn`). The DMS guide names the
 * regional service principal (`dms.<region>.amazonaws.com`) for this role, and some regions and engine versions
 * assume it as `dms.amazonaws.com`: the trust names both, pinned to the account with `aws:SourceAccount`.
 */
export function newSecretAccessRole(scope: Construct, id: string, component: string, secret: SecretRef): ServiceRole {
  const stack = MigrationStack.of(scope);
  const role = new ServiceRole(scope, id, {
    name: stack.naming.name(`${component}-secret`, 'iamRole'),
    servicePrincipal: 'dms.amazonaws.com',
    description: `DMS reads the login secret of endpoint ${stack.naming.name(component)}`,
  });
  role.role.assumeRolePolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: ['dms.amazonaws.com', `dms.${stack.region}.amazonaws.com`] },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
      },
    ],
  });
  grantSecretRead(role, secret.secretArn, secret.kmsKeyArn);
  return role;
}

/**
 * A KMS-encrypted secret created WITHOUT a value: Terraform never sees the password. The operator puts it once
 * (`putSecretValueCommand`). Used for logins Terraform cannot create, such as an on-premises SQL Server login.
 */
export class EmptyLoginSecret extends Construct implements SecretRef {
  readonly secret: SecretsmanagerSecret;
  readonly secretArn: string;
  readonly kmsKeyArn: string;
  readonly secretName: string;
  private readonly host: string;
  private readonly port: number | string;

  constructor(scope: Construct, id: string, props: { component: string; description: string; host?: string; port?: number }) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.host = props.host ?? '<host>';
    this.port = props.port ?? '<port>';
    const key = newKmsKey(this, 'key', `${props.component}-secret`, `Encrypts the ${props.description} secret`);
    this.secretName = stack.naming.name(`${props.component}-login`, 'secretsManager');
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: this.secretName,
      description: `${props.description}. Value set by the operator: {"username","password","host","port"} (see modules/dms-migration/README.md)`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: stack.production ? 30 : 7,
    });
    this.secretArn = this.secret.arn;
    this.kmsKeyArn = key.arn;
  }

  /**
   * The command that sets the value (run by the operator; the password is typed, never committed). DMS connects to
   * the `host` and `port` in the secret, so they are part of the value.
   */
  get putSecretValueCommand(): string {
    return `aws secretsmanager put-secret-value --secret-id ${this.secretName} --secret-string '{"username":"<login>","password":"<password>","host":"${this.host}","port":${typeof this.port === 'number' ? this.port : `"${this.port}"`}}'`;
  }
}
