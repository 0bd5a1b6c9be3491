import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { Client, ClientConfig } from 'pg';
import { ident, literal, scramVerifier } from '../postgres-bootstrap/plan';
import { DatabasePort, SecretsPort, UserSecret } from './rotation';

export function secretsManagerPort(client: SecretsManagerClient): SecretsPort {
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: out.RotationEnabled === true, versions: (out.VersionIdsToStages ?? {}) as Record<string, string[]> };
    },
    async get(secretId, stage, versionId) {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
        return JSON.parse(out.SecretString ?? '{}') as UserSecret;
      } catch (err) {
        if (err instanceof ResourceNotFoundException) return undefined;
        throw err;
      }
    },
    async put(secretId, token, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }));
    },
    async randomPassword() {
      const out = await client.send(new GetRandomPasswordCommand({ PasswordLength: 32, ExcludePunctuation: true }));
      return out.RandomPassword!;
    },
    async promote(secretId, token, previous) {
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: previous }));
    },
  };
}

/** Master connection for ALTER ROLE; user logins to test the pending password. */
export function postgresPort(master: () => Promise<ClientConfig>): DatabasePort {
  return {
    async setPassword(username, password) {
      const db = new Client(await master());
      await db.connect();
      try {
        await db.query(`ALTER ROLE ${ident(username)} WITH PASSWORD ${literal(scramVerifier(password))}`);
      } finally {
        await db.end();
      }
    },
    async tryLogin(username, password) {
      const db = new Client({ ...(await master()), user: username, password });
      try {
        await db.connect();
        await db.query('SELECT 1');
        return true;
      } catch (err) {
        if ((err as { code?: string }).code === '28P01') return false; // invalid_password
        throw err;
      } finally {
        await db.end().catch(() => undefined);
      }
    },
  };
}
