import { Construct } from 'constructs';
import { GlueSecurityConfiguration as GlueSecurityConfigurationResource } from '@cdktf/provider-aws/lib/glue-security-configuration';
import { IGrantable, MigrationStack } from '../core';
import { GlueKmsKey } from './kms-key';
import { GlueSecurityConfigurationProps } from './props';

/**
 * A Glue security configuration encrypting everything a job writes with one CMK: S3 output (SSE-KMS),
 * CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS). Attach it to every job and crawler (GLUE-SECURITY-CONFIG).
 */
export class GlueSecurityConfiguration extends Construct {
  readonly resource: GlueSecurityConfigurationResource;
  /** The key created here; undefined when `kmsKeyArn` was passed in. */
  readonly kmsKey?: GlueKmsKey;
  readonly kmsKeyArn: string;
  readonly securityConfigurationName: string;

  constructor(scope: Construct, id: string, props: GlueSecurityConfigurationProps = {}) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const component = props.component ?? 'glue';
    if (props.kmsKeyArn === undefined) {
      this.kmsKey = new GlueKmsKey(this, 'kms', { component, description: `Glue security configuration ${stack.naming.name(component)}` });
    }
    this.kmsKeyArn = props.kmsKeyArn ?? this.kmsKey!.keyArn;
    this.securityConfigurationName = stack.naming.name(component, 'glue');
    this.resource = new GlueSecurityConfigurationResource(this, 'config', {
      name: this.securityConfigurationName,
      encryptionConfiguration: {
        cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: this.kmsKeyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: this.kmsKeyArn },
        s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: this.kmsKeyArn },
      },
    });
  }

  /**
   * What a job role needs to run under this configuration: use of the key (S3 writes, bookmarks, logs) and
   * `logs:AssociateKmsKey` on Glue's job log groups (without it Glue silently turns continuous logging off).
   */
  grantUse(grantee: IGrantable): void {
    const stack = MigrationStack.of(this);
    grantee.grantPrincipal.addToPolicy({
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [this.kmsKeyArn],
    });
    grantee.grantPrincipal.addToPolicy({
      actions: ['logs:AssociateKmsKey'],
      resources: [`arn:${stack.partition}:logs:${stack.region}:${stack.accountId}:log-group:/aws-glue/*`],
    });
  }
}
