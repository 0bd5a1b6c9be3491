/**
 * Secrets that live in other accounts (the source systems' accounts) must be encrypted with a customer managed key,
 * and every role that reads one needs kms:Decrypt on that key, through Secrets Manager only
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 * Used by each project's own test (stacks/<project>/<project>.test.ts).
 */
type Statement = { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };
type Out = { resource?: Record<string, Record<string, Record<string, any>>> };

const SECRET_ARN = /^arn:aws:secretsmanager:([a-z0-9-]+):(\d{12}):secret:/;

export interface CrossAccountSecretReads {
  /** Secrets read by literal ARN (another account's, or one not managed by this stack). */
  secrets: string[];
  /** What is missing, one line per secret and policy. */
  problems: string[];
}

/** Every role policy reading a secret by ARN must decrypt it with that account's key, via Secrets Manager only. */
export function crossAccountSecretReads(out: Out): CrossAccountSecretReads {
  const secrets: string[] = [];
  const problems: string[] = [];
  for (const [key, policy] of Object.entries(out.resource?.aws_iam_role_policy ?? {})) {
    const statements = JSON.parse(policy.policy).Statement as Statement[];
    for (const read of statements.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))) {
      for (const secret of [read.Resource].flat()) {
        const m = SECRET_ARN.exec(secret);
        if (!m) continue; // a secret of this stack (a token): same account
        secrets.push(secret);
        const [, region, account] = m;
        const decrypt = statements.find(
          (s) => [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().some((k) => k.startsWith(`arn:aws:kms:${region}:${account}:key/`)),
        );
        if (!decrypt) problems.push(`${key}: reads ${secret} without kms:Decrypt on a key of account ${account}`);
        else if (decrypt.Effect !== 'Allow' || decrypt.Condition?.StringEquals?.['kms:ViaService'] !== `secretsmanager.${region}.amazonaws.com`) {
          problems.push(`${key}: kms:Decrypt for ${secret} must be allowed via secretsmanager.${region}.amazonaws.com only`);
        }
        // With the key given, no plan-time account check is needed.
        if (policy.lifecycle !== undefined) problems.push(`${key}: has a plan-time lifecycle check although the key is given`);
      }
    }
  }
  return { secrets, problems };
}
