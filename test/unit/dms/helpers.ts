import { MigrationStack, NetworkRef, Testing } from '../../../modules/core';

export const network: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
};

/**
 * The networks of the test databases reached by host name (a peered VPC or an on-premises range each): a database
 * endpoint needs `connections` or `egressCidr` for the task to open a path to it (or fails at synth).
 */
export const SOURCE_NET = '10.40.0.0/16';
export const TARGET_NET = '10.50.0.0/16';

export const PG_SECRET = { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:pg-AbCdEf', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/pg' };

export function newStack(production = false): MigrationStack {
  return new MigrationStack(Testing.app(), 'test', {
    project: 'demo',
    environment: production ? 'prod' : 'staging',
    production,
    region: 'eu-west-2',
  });
}

export type Synth = { resource: Record<string, Record<string, Record<string, any>>>; data?: Record<string, Record<string, Record<string, any>>> };

export function synth(stack: MigrationStack): Synth {
  return JSON.parse(Testing.synth(stack)) as Synth;
}

/** All resources of a type, as a list. */
export function all(out: Synth, type: string): Array<Record<string, any>> {
  return Object.values(out.resource[type] ?? {});
}

/** The only resource of a type (fails the test when there is not exactly one). */
export function one(out: Synth, type: string): Record<string, any> {
  const list = all(out, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0];
}

/** Parsed IAM policy statements of every inline policy in the stack. */
export function statements(out: Synth): Array<{ Action: string | string[]; Resource: string | string[]; Sid?: string }> {
  return all(out, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement);
}
