import { MigrationStack, MigrationStackProps, Testing } from '../../modules/core';

/** A MigrationStack in a throwaway App, for unit tests. */
export function testStack(overrides: Partial<MigrationStackProps> = {}, id = 'test'): MigrationStack {
  return new MigrationStack(Testing.app(), id, {
    project: 'demo',
    environment: overrides.production ? 'prod' : 'staging',
    production: false,
    region: 'eu-west-2',
    ...overrides,
  });
}

export interface SynthJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  locals?: Record<string, any>;
  output?: Record<string, any>;
  terraform?: Record<string, any>;
}

/** Synthesizes the stack (running construct validations) and parses the Terraform JSON. */
export function synthJson(stack: MigrationStack): SynthJson {
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

/** All resources of one type, as an array of their attribute objects. */
export function resources(json: SynthJson, type: string): Record<string, any>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The only resource of a type (fails the test when there are none or several). */
export function onlyResource(json: SynthJson, type: string): Record<string, any> {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Parses every IAM inline policy in the stack into its statements. */
export function policyStatements(json: SynthJson): Array<{ Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: any; Sid?: string }> {
  return resources(json, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement);
}

/** Sample private network: two subnets in two AZs. */
export const TWO_AZ_NETWORK = {
  vpcId: 'vpc-0123456789abcdef0',
  privateSubnets: [
    { id: 'subnet-aaaa', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-bbbb', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-aaaa', 'rtb-bbbb'],
};
