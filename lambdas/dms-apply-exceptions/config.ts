import { z } from 'zod';

/** Configuration over process.env, parsed once at cold start; a missing or bad value fails the init loudly. */
const schema = z.object({
  /** The target's login secret (the endpoint's): read at connect, never logged. */
  DB_SECRET_ARN: z.string().min(1),
  /** The task's resource id, the TASK_NAME DMS writes (last part of the task ARN). */
  TASK_RESOURCE_ID: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a DMS task resource id'),
  /** The task's ControlSchema; empty: the login's default schema. */
  CONTROL_SCHEMA: z.string().default(''),
  METRIC_NAMESPACE: z.string().min(1).refine((n) => !n.startsWith('AWS/'), 'AWS/ namespaces are reserved'),
  /** The schedule's period: the window each run counts. */
  WINDOW_SECONDS: z.coerce.number().int().min(60).max(86_400).default(300),
  /** How far behind the scheduled time the window ends. */
  LAG_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
});

export type CheckConfig = z.infer<typeof schema>;

export function parseConfig(env: NodeJS.ProcessEnv): CheckConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`dms-apply-exceptions configuration is invalid: ${detail}`);
  }
  return parsed.data;
}

/** The scheduled time EventBridge Scheduler puts in the input (`<aws.scheduler.scheduled-time>`); else now. */
export function scheduledTimeOf(event: unknown, now: Date): Date {
  const raw = (event as { scheduledTime?: unknown } | null)?.scheduledTime;
  if (raw === undefined) return now;
  const t = typeof raw === 'string' ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(t.getTime())) throw new Error(`event.scheduledTime "${String(raw)}" is not a time (expected e.g. 2026-12-01T23:05:00Z)`);
  return t;
}
