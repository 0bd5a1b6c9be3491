import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { grantSecretRead, MigrationStack, newKmsKey, ServiceRole } from '../core';

/** A Secrets Manager secret holding a database login as JSON (`{"username": "...", "password": "..."}`). */
export interface SecretRef {
  readonly secretArn: string;
  /** CMK encrypting the secret (DMS's access role gets kms:Decrypt on it). Omit for the AWS-managed key. */
  readonly kmsKeyArn?: string;
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

  constructor(scope: Construct, id: string, props: { component: string; description: string }) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const key = newKmsKey(this, 'key', `${props.component}-secret`, `Encrypts the ${props.description} secret`);
    this.secretName = stack.naming.name(`${props.component}-login`, 'secretsManager');
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: this.secretName,
      description: `${props.description}. Value set by the operator: {"username","password"} (see modules/dms-migration/README.md)`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: stack.production ? 30 : 7,
    });
    this.secretArn = this.secret.arn;
    this.kmsKeyArn = key.arn;
  }

  /** The command that sets the value (run by the operator; the password is typed, never committed). */
  get putSecretValueCommand(): string {
    return `aws secretsmanager put-secret-value --secret-id ${this.secretName} --secret-string '{"username":"<login>","password":"<password>"}'`;
  }
}
