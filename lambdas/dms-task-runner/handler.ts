import type { Context } from 'aws-lambda';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { createLogger } from '../shared/logger';
import { parseConfig } from './config';
import { DmsTaskRunner, RunOutcome } from './runner';

// Cold start: config (fails loudly when missing), one client, one logger.
const config = parseConfig(process.env);
const log = createLogger({ service: 'dms-task-runner' });
const runner = new DmsTaskRunner(new DatabaseMigrationServiceClient({ maxAttempts: 3 }), log);

/** Invoked by EventBridge Scheduler; the event carries nothing the run needs. Throws when the load fails. */
export async function handler(_event: unknown, context: Context): Promise<RunOutcome> {
  try {
    return await runner.run({
      taskArn: config.REPLICATION_TASK_ARN,
      onAlreadyRunning: config.ON_ALREADY_RUNNING,
      pollIntervalMs: config.POLL_INTERVAL_SECONDS * 1000,
      safetyMarginMs: config.SAFETY_MARGIN_SECONDS * 1000,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });
  } catch (err) {
    log.error('full-load run failed', { taskArn: config.REPLICATION_TASK_ARN, error: err });
    throw err;
  }
}
