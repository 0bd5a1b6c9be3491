import { App, MigrationStack, Testing } from '../../../modules/core';
import * as etlWorkflow from '../../../stacks/etl-workflow';
import * as ledgerReplica from '../../../stacks/ledger-replica';
import * as productGraph from '../../../stacks/product-graph';

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };
type Out = { resource: Record<string, Record<string, Record<string, any>>> };

/**
 * Example projects read secrets that live in other accounts (the source systems' accounts). Such a secret must be
 * encrypted with a customer managed key, and every role that reads it needs kms:Decrypt on that key, through Secrets
 * Manager only (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 */
const PROJECTS: Array<[string, { register(app: App): MigrationStack[] }]> = [
  ['etl-workflow', etlWorkflow],
  ['product-graph', productGraph],
  ['ledger-replica', ledgerReplica],
];
const SECRET_ARN = /^arn:aws:secretsmanager:([a-z0-9-]+):(\d{12}):secret:/;

const stacks = PROJECTS.flatMap(([, project]) => project.register(Testing.app()).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Out] as const));

describe('secrets of other accounts in the example projects', () => {
  test.each(stacks)('%s: every role reading a secret by ARN may decrypt it with its own-account key, via Secrets Manager only', (_name, out) => {
    let literalSecrets = 0;
    for (const policy of Object.values(out.resource.aws_iam_role_policy ?? {})) {
      const statements = JSON.parse(policy.policy).Statement as Statement[];
      for (const read of statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))) {
        for (const secret of [read.Resource].flat()) {
          const m = SECRET_ARN.exec(secret);
          if (!m) continue; // a secret of this stack (a token): same account
          literalSecrets++;
          const [, region, account] = m;
          const decrypt = statements.find(
            (s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().some((k) => k.startsWith(`arn:aws:kms:${region}:${account}:key/`)),
          );
          expect({ secret, decrypt }).toEqual({
            secret,
            decrypt: expect.objectContaining({ Effect: 'Allow', Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } } }),
          });
          // With the key given, no plan-time account check is needed.
          expect(policy.lifecycle).toBeUndefined();
        }
      }
    }
    expect(literalSecrets).toBeGreaterThan(0);
  });
});
