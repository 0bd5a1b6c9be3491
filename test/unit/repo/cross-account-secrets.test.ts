/**
 * The check behind every project's cross-account secret test (test/helpers/cross-account-secrets.ts): each project
 * that reads another account's secrets runs it over its own stacks; here it is shown to fail.
 */
import { crossAccountSecretReads } from '../../helpers/cross-account-secrets';

const SECRET = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:source-login-AbCdEf';
const policy = (...statements: object[]) => ({ resource: { aws_iam_role_policy: { reader: { policy: JSON.stringify({ Statement: statements }) } } } });
const read = { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET };
const decrypt = (condition?: object) => ({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-2:111122223333:key/1234', Condition: condition });

describe('secrets of other accounts', () => {
  test('a read with kms:Decrypt on that account\'s key via Secrets Manager passes', () => {
    expect(crossAccountSecretReads(policy(read, decrypt({ StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } })))).toEqual({ secrets: [SECRET], problems: [] });
  });

  test('fails when the role may not decrypt the secret, or may decrypt outside Secrets Manager', () => {
    expect(crossAccountSecretReads(policy(read)).problems).toEqual([`reader: reads ${SECRET} without kms:Decrypt on a key of account 111122223333`]);
    expect(crossAccountSecretReads(policy(read, decrypt())).problems).toEqual([`reader: kms:Decrypt for ${SECRET} must be allowed via secretsmanager.eu-west-2.amazonaws.com only`]);
  });

  test('secrets of the stack itself (tokens) are not counted', () => {
    expect(crossAccountSecretReads(policy({ ...read, Resource: '${aws_secretsmanager_secret.app.arn}' }))).toEqual({ secrets: [], problems: [] });
  });
});
