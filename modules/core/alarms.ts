import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { check, isResolved } from './errors';
import { shortHash } from './naming';
import { MigrationStack } from './stack';

/** Who an alarm topic notifies: an email address or an HTTPS endpoint (a chat webhook, an incident tool). */
export interface AlarmSubscription {
  /** `email` sends a confirmation message first; `https` receives SNS's JSON (and its SubscriptionConfirmation). */
  readonly protocol: 'email' | 'https';
  /** `oncall@example.com`, or `https://events.example.com/sns` */
  readonly endpoint: string;
  /**
   * The HTTPS endpoint confirms the subscription itself (e.g. PagerDuty): Terraform then waits for the confirmation.
   * Email is always confirmed by a person, from the message SNS sends. @default false
   */
  readonly endpointAutoConfirms?: boolean;
}

export interface AlarmTopicProps {
  /** Physical name component of the topic and key alias, e.g. `csv-loader-alarms`. */
  readonly component: string;
  /** Services that publish to the topic (they need the key). @default ['cloudwatch.amazonaws.com'] */
  readonly publishers?: readonly string[];
  /** Construct IDs, for modules that keep their own. @default alarm-key, alarm-key-alias, alarms */
  readonly ids?: { readonly key: string; readonly alias: string; readonly topic: string };
  readonly description: string;
  /**
   * People and systems notified of every alarm, so alerts reach someone without a manual step after deploy.
   * Each is an `aws_sns_topic_subscription`, named after its endpoint (reordering renames nothing).
   * @default none (subscribe by hand, or publish the topic's ARN to your own tooling)
   */
  readonly subscriptions?: readonly AlarmSubscription[];
}

export interface AlarmTopic {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  readonly subscriptions: SnsTopicSubscription[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Synth-time checks of alarm subscriptions (tokens skipped); `prop` names the property in messages. */
export function checkAlarmSubscriptions(scope: Construct, subscriptions: readonly AlarmSubscription[], prop = 'subscriptions'): void {
  const seen = new Set<string>();
  for (const s of subscriptions) {
    if (!isResolved(s.endpoint)) continue;
    const key = `${s.protocol}:${s.endpoint}`;
    check(!seen.has(key), scope, `${prop} lists ${key} twice; remove one.`);
    seen.add(key);
    if (s.protocol === 'email') {
      check(EMAIL.test(s.endpoint), scope, `${prop}: email endpoint "${s.endpoint}" is not an email address (e.g. "oncall@example.com").`);
      check(s.endpointAutoConfirms === undefined, scope, `${prop}: endpointAutoConfirms applies to https endpoints only; an email subscription is confirmed from the message SNS sends to ${s.endpoint}.`);
    } else if (s.protocol === 'https') {
      let url: URL | undefined;
      try {
        url = new URL(s.endpoint);
      } catch {
        url = undefined;
      }
      check(url?.protocol === 'https:', scope, `${prop}: https endpoint "${s.endpoint}" must be an https:// URL (SNS would send alarms in clear text over http), e.g. "https://events.example.com/sns".`);
    } else {
      check(false, scope, `${prop}: protocol "${(s as { protocol: string }).protocol}" is not supported; use "email" or "https".`);
    }
  }
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
  checkAlarmSubscriptions(scope, props.subscriptions ?? []);
  const subscriptions = (props.subscriptions ?? []).map(
    (s) =>
      new SnsTopicSubscription(scope, `${ids.topic}-${s.protocol}-${shortHash(s.endpoint)}`, {
        topicArn: topic.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        ...(s.endpointAutoConfirms ? { endpointAutoConfirms: true } : {}),
      }),
  );
  return { topic, key, subscriptions };
}
