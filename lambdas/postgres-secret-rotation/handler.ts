import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PoolConfig } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { postgresPort, secretsManagerPort } from './adapters';
import { rotate, RotationStrategy } from './rotation';

const log = createLogger({ service: 'postgres-secret-rotation' });
/** ROTATION_STRATEGY: `alternating-users`, or single-user when absent; anything else fails at cold start. */
const strategy = ((): RotationStrategy => {
  const value = process.env.ROTATION_STRATEGY ?? 'single-user';
  if (value !== 'single-user' && value !== 'alternating-users') throw new Error(`ROTATION_STRATEGY "${value}" is not single-user or alternating-users`);
  return value;
})();
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
  await rotate(event.SecretId, event.ClientRequestToken, event.Step, ports, strategy);
}
