import { z } from 'zod';

/** Configuration over process.env, parsed once at cold start; a missing or bad value fails the init loudly. */
const schema = z.object({
  /**
   * The full-load task this function starts (one function per task). `task:` only: `rep:` is a replication instance
   * ("Constructing an Amazon Resource Name (ARN) for AWS DMS",
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Introduction.AWS.ARN.html).
   */
  REPLICATION_TASK_ARN: z.string().regex(/^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:task:[A-Za-z0-9-]+$/, 'must be a DMS task ARN'),
  /** What to do when the task is already running: wait for it and report its outcome, or fail. */
  ON_ALREADY_RUNNING: z.enum(['wait', 'fail']).default('wait'),
  /** Seconds between status polls. */
  POLL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(20),
  /** Seconds kept in reserve at the end of the invocation to report before Lambda's timeout. */
  SAFETY_MARGIN_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
});

export type RunnerConfig = z.infer<typeof schema>;

export function parseConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`dms-task-runner configuration is invalid: ${detail}`);
  }
  return parsed.data;
}

/**
 * The invocation event: `{"action":"resume"}` resumes a CDC task; anything else (Scheduler's payload, `{}`) runs the
 * full load. An unknown action fails instead of silently reloading a table set.
 */
const eventSchema = z
  .object({ action: z.enum(['run', 'resume']).optional() })
  .passthrough();

export function parseEvent(event: unknown): { action: 'run' | 'resume' } {
  const parsed = eventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
    throw new Error(`dms-task-runner event is invalid (${detail}); send {"action":"resume"} to resume a CDC task, or no action to run the full load.`);
  }
  return { action: parsed.data.action ?? 'run' };
}
