import { grantSecretRead, ServiceRole } from '../../../modules/core';
import { policyStatements, resources, synthJson, testStack } from '../../helpers/synth';

const CROSS_ACCOUNT_SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:shop-mysql-reader-AbCdEf';
const ITS_KEY = 'arn:aws:kms:eu-west-2:111111111111:key/0a1b2c3d-0000-4000-8000-000000000001';

function roleReading(kmsKeyArn?: string, secretArn = CROSS_ACCOUNT_SECRET) {
  const stack = testStack();
  const role = new ServiceRole(stack, 'reader', { name: 'demo-staging-reader', servicePrincipal: 'glue.amazonaws.com', description: 'reads a secret' });
  grantSecretRead(role, secretArn, kmsKeyArn);
  const json = synthJson(stack);
  return { json, statements: policyStatements(json), policy: resources(json, 'aws_iam_role_policy')[0] };
}

describe('grantSecretRead', () => {
  test("decrypts with the secret's CMK only through Secrets Manager in the secret's region (kms:ViaService)", () => {
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html
    const { statements, policy } = roleReading(ITS_KEY);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: CROSS_ACCOUNT_SECRET });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ITS_KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } },
    });
    expect(policy.lifecycle).toBeUndefined();
  });

  test('a known secret ARN without its key fails the plan when the secret is in another account', () => {
    const { statements, policy } = roleReading(undefined);
    expect(statements.some((s) => [s.Action].flat().includes('kms:Decrypt'))).toBe(false);
    expect(policy.lifecycle.precondition).toEqual([
      {
        condition: '${(data.aws_caller_identity.caller-identity.account_id == "111111111111")}',
        error_message: expect.stringContaining(
          `test/reader reads secret ${CROSS_ACCOUNT_SECRET} of account 111111111111, which is not the deploying account, and was given no kmsKeyArn. A secret shared across accounts must be encrypted with a customer managed key`,
        ),
      },
    ]);
  });

  test('a secret created in the stack (an ARN token) needs no plan-time account check', () => {
    const stack = testStack();
    const role = new ServiceRole(stack, 'reader', { name: 'demo-staging-reader', servicePrincipal: 'glue.amazonaws.com', description: 'reads a secret' });
    grantSecretRead(role, role.arn);
    expect(resources(synthJson(stack), 'aws_iam_role_policy')[0].lifecycle).toBeUndefined();
  });
});
