import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { MigrationStack } from './stack';

export interface AlarmTopicProps {
  /** Physical name component of the topic and key alias, e.g. `csv-loader-alarms`. */
  readonly component: string;
  /** Services that publish to the topic (they need the key). @default ['cloudwatch.amazonaws.com'] */
  readonly publishers?: readonly string[];
  /** Construct IDs, for modules that keep their own. @default alarm-key, alarm-key-alias, alarms */
  readonly ids?: { readonly key: string; readonly alias: string; readonly topic: string };
  readonly description: string;
}

export interface AlarmTopic {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
}

/**
 * An SNS topic for alarms and events, encrypted with its own CMK whose policy lets the publishing services (e.g.
 * CloudWatch alarms, DMS events) use it for this account only: the AWS-managed SNS key does not let them.
 */
export function newAlarmTopic(scope: Construct, props: AlarmTopicProps): AlarmTopic {
  const stack = MigrationStack.of(scope);
  const ids = props.ids ?? { key: 'alarm-key', alias: 'alarm-key-alias', topic: 'alarms' };
  const publishers = [...(props.publishers ?? ['cloudwatch.amazonaws.com'])];
  const key = new KmsKey(scope, ids.key, {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: stack.production ? 30 : 7,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:${stack.partition}:iam::${stack.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'PublishersUseTheKey',
          Effect: 'Allow',
          Principal: { Service: publishers.length === 1 ? publishers[0] : publishers },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': stack.accountId } },
        },
      ],
    }),
  });
  new KmsAlias(scope, ids.alias, { name: `alias/${stack.naming.name(props.component, 'kms')}`, targetKeyId: key.keyId });
  const topic = new SnsTopic(scope, ids.topic, { name: stack.naming.name(props.component, 'sns'), kmsMasterKeyId: key.arn });
  return { topic, key };
}
