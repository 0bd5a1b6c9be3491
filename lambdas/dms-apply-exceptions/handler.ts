import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { runCheck } from './check';
import { parseConfig, scheduledTimeOf } from './config';
import { CloudWatchQueryMetrics } from './metrics';

// Cold start: config (fails loudly when missing), clients, one logger. The password is read from the secret at connect.
const config = parseConfig(process.env);
const log = createLogger({ service: 'dms-apply-exceptions' });
const secrets = new SecretsManagerClient({});
const metrics = new CloudWatchQueryMetrics({ region: process.env.AWS_REGION!, credentials: defaultProvider(), endpoint: process.env.AWS_ENDPOINT_URL_CLOUDWATCH });

/** Invoked by EventBridge Scheduler with `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`. Throws when the check cannot run. */
export async function handler(event: unknown): Promise<unknown> {
  const db = new Client(await resolveDbConfig(process.env, secrets));
  try {
    await db.connect();
    return await runCheck(db, metrics, config, scheduledTimeOf(event, new Date()), log);
  } catch (err) {
    log.error('apply-exceptions check failed', { taskId: config.TASK_RESOURCE_ID, error: err });
    throw err;
  } finally {
    await db.end().catch(() => undefined);
  }
}
