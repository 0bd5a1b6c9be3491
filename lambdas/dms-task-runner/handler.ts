import type { Context } from 'aws-lambda';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { createLogger } from '../shared/logger';
import { parseConfig, parseEvent } from './config';
import { DmsTaskRunner, ResumeOutcome, RunOutcome } from './runner';

// Cold start: config (fails loudly when missing), one client, one logger.
const config = parseConfig(process.env);
const log = createLogger({ service: 'dms-task-runner' });
const runner = new DmsTaskRunner(new DatabaseMigrationServiceClient({ maxAttempts: 3 }), log);

/**
 * EventBridge Scheduler (any event without `action`): start or reload the full-load task. `{"action":"resume"}`
 * (Terraform's invocation after an apply, or an operator): resume a stopped CDC task from its checkpoint.
 * Throws when the load or the resume fails.
 */
export async function handler(event: unknown, context: Context): Promise<RunOutcome | ResumeOutcome> {
  const { action } = parseEvent(event);
  const timing = {
    taskArn: config.REPLICATION_TASK_ARN,
    pollIntervalMs: config.POLL_INTERVAL_SECONDS * 1000,
    safetyMarginMs: config.SAFETY_MARGIN_SECONDS * 1000,
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  };
  try {
    if (action === 'resume') return await runner.resume(timing);
    return await runner.run({ ...timing, onAlreadyRunning: config.ON_ALREADY_RUNNING });
  } catch (err) {
    log.error(action === 'resume' ? 'resume failed' : 'full-load run failed', { taskArn: config.REPLICATION_TASK_ARN, error: err });
    throw err;
  }
}
