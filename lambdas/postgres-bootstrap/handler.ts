import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { applyPlan, BootstrapError, BootstrapResult } from './bootstrap';
import { BootstrapPlanSchema } from './plan';

const log = createLogger({ service: 'postgres-bootstrap' });
const secrets = new SecretsManagerClient({});

async function passwordOf(secretArn: string): Promise<{ username?: string; password: string }> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const { username, password } = JSON.parse(out.SecretString ?? '{}') as { username?: string; password?: string };
  if (!password) throw new BootstrapError(`secret ${secretArn} has no password field`);
  return { username, password };
}

/** Invoked by Terraform (aws_lambda_invocation) on every change of the plan. Throws so `apply` fails loudly. */
export async function handler(event: unknown): Promise<BootstrapResult> {
  const plan = BootstrapPlanSchema.parse(event);
  const db = new Client(await resolveDbConfig(process.env, secrets));
  await db.connect();
  try {
    return await applyPlan(db, plan, passwordOf, log);
  } finally {
    await db.end();
  }
}
