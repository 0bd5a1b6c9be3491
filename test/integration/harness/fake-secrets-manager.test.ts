import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeSecretsManager } from '../../helpers/fake-secrets-manager';

describe('the local Secrets Manager double, through the real SDK client', () => {
  const fake = new FakeSecretsManager();
  let client: SecretsManagerClient;
  beforeAll(async () => {
    client = new SecretsManagerClient({ endpoint: await fake.start(), region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    fake.set('arn:db', { username: 'app', password: 'p' });
  });
  afterAll(async () => {
    client.destroy();
    await fake.stop();
  });

  test('answers AWSCURRENT (asked or by default) and counts the reads', async () => {
    const a = await client.send(new GetSecretValueCommand({ SecretId: 'arn:db' }));
    const b = await client.send(new GetSecretValueCommand({ SecretId: 'arn:db', VersionStage: 'AWSCURRENT' }));
    expect(JSON.parse(a.SecretString!)).toEqual({ username: 'app', password: 'p' });
    expect(b.VersionStages).toEqual(['AWSCURRENT']);
    expect(fake.readsOf('arn:db')).toBe(2);
  });

  test('a stage no version carries is ResourceNotFoundException, as in AWS, not the current value', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'arn:db', VersionStage: 'AWSPENDING' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'arn:other' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
