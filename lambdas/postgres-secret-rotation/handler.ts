import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PoolConfig } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { postgresPort, secretsManagerPort } from './adapters';
import { rotate } from './rotation';

const log = createLogger({ service: 'postgres-secret-rotation' });
const client = new SecretsManagerClient({});
let master: Promise<PoolConfig> | undefined;
const ports = {
  secrets: secretsManagerPort(client),
  // DB_SECRET_ARN is the master secret; PGHOST/PGDATABASE say where.
  db: postgresPort(() => (master ??= resolveDbConfig(process.env, client))),
  log,
};

/** Secrets Manager rotation entry point (event: SecretId, ClientRequestToken, Step as `createSecret` or `create_secret`). */
export async function handler(event: { SecretId: string; ClientRequestToken: string; Step: string }): Promise<void> {
  await rotate(event.SecretId, event.ClientRequestToken, event.Step, ports);
}
