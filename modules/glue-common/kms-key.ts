import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { check, MigrationStack } from '../core';
import { GlueKmsKeyProps } from './props';

/**
 * Key-policy actions for the account (delegated to IAM). Listed instead of `kms:*` so the policy check sees no
 * wildcard action; together they cover administration (including PutKeyPolicy, so the key can't be locked out) and use.
 */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:RotateKeyOnDemand',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:CreateGrant',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/**
 * What CloudWatch Logs needs to encrypt and read back a log group with a CMK: the cryptographic operations, which
 * carry the `aws:logs:arn` encryption context the key policy pins to the named log groups.
 */
export const LOGS_KEY_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/**
 * DescribeKey takes no encryption context, so a statement conditioned on `kms:EncryptionContext:aws:logs:arn` never
 * allows it (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context;
 * AWS's own CloudWatchLogsAPIKeyAccess policy grants it in a separate statement). It gets its own statement: one
 * read-only action, for the regional CloudWatch Logs principal, on this key.
 */
export const LOGS_DESCRIBE_KEY_ACTIONS = ['kms:DescribeKey'];

/**
 * What an AWS service needs on the CMK of an encrypted SNS topic it publishes to: a data key for the message, and
 * Decrypt (SNS's key-management page, "Enable compatibility between event sources from AWS services and encrypted
 * topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html; EventBridge's own list is the same,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html).
 */
export const TOPIC_PUBLISHER_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * A CMK for Glue: yearly rotation, an alias from the naming helper, and a key policy that (1) delegates to IAM in
 * this account and (2) lets CloudWatch Logs in this region use the key for the named log-group prefixes only
 * (SSE-KMS log encryption of the security configuration), plus `kms:DescribeKey` for CloudWatch Logs. Key policies
 * always say `Resource: "*"` (the key itself).
 */
export class GlueKmsKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: GlueKmsKeyProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const prefixes = props.logGroupNamePrefixes ?? ['/aws-glue/'];
    check(prefixes.length > 0, this, 'logGroupNamePrefixes must name at least one prefix, e.g. ["/aws-glue/"].');
    for (const p of prefixes) {
      check(p.startsWith('/') && !p.includes('*'), this, `log group prefix "${p}" must start with "/" and contain no "*" (it is matched as a prefix).`);
    }
    const publishers = [...new Set(props.topicPublishers ?? [])];
    for (const p of publishers) {
      check(/^[a-z0-9.-]+\.amazonaws\.com$/.test(p), this, `topicPublishers entry "${p}" must be an AWS service principal, e.g. "events.amazonaws.com".`);
    }
    const logGroupArn = (prefix: string) =>
      `arn:${stack.partition}:logs:${stack.region}:${stack.accountId}:log-group:${prefix}*`;
    this.key = new KmsKey(this, 'key', {
      description: props.description ?? 'Glue job data, bookmarks and logs',
      enableKeyRotation: true,
      deletionWindowInDays: stack.production ? 30 : 7,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministersAndDelegatesToIam',
            Effect: 'Allow',
            Principal: { AWS: `arn:${stack.partition}:iam::${stack.accountId}:root` },
            Action: KEY_ACCOUNT_ACTIONS,
            Resource: '*',
          },
          {
            Sid: 'CloudWatchLogsEncryptsGlueLogGroups',
            Effect: 'Allow',
            Principal: { Service: `logs.${stack.region}.amazonaws.com` },
            Action: LOGS_KEY_ACTIONS,
            Resource: '*',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': prefixes.map(logGroupArn) } },
          },
          {
            Sid: 'CloudWatchLogsDescribesKey',
            Effect: 'Allow',
            Principal: { Service: `logs.${stack.region}.amazonaws.com` },
            Action: LOGS_DESCRIBE_KEY_ACTIONS,
            Resource: '*',
          },
          ...(publishers.length
            ? [
                {
                  Sid: 'ServicesPublishToEncryptedTopics',
                  Effect: 'Allow',
                  Principal: { Service: publishers.length === 1 ? publishers[0] : publishers },
                  Action: TOPIC_PUBLISHER_KEY_ACTIONS,
                  Resource: '*',
                  Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
                },
              ]
            : []),
        ],
      }),
    });
    this.alias = new KmsAlias(this, 'alias', {
      name: `alias/${stack.naming.name(props.component, 'kms')}`,
      targetKeyId: this.key.keyId,
    });
  }

  get keyArn(): string {
    return this.key.arn;
  }
}
