/** The Amazon States Language definition of the ETL state machine, built as plain data (unit-tested by parsing). */

export interface DefinitionJob {
  /** State name, e.g. `Extract`. */
  readonly state: string;
  readonly jobName: string;
  /** Glue job timeout; the task waits this long plus a margin for Glue's own start-up and shutdown. */
  readonly timeoutMinutes: number;
}

export interface DefinitionProps {
  /** Jobs run in order. */
  readonly jobs: readonly DefinitionJob[];
  readonly failureTopicArn: string;
  /** Name shown in the failure notification. */
  readonly pipelineName: string;
  readonly retry: { readonly maxAttempts: number; readonly intervalSeconds: number; readonly backoffRate: number };
}

/** Glue API errors worth retrying quickly: the job run never started or Glue was throttled. */
export const GLUE_SERVICE_ERRORS = [
  'Glue.AWSGlueException',
  'Glue.ConcurrentRunsExceededException',
  'Glue.InternalServiceException',
  'Glue.OperationTimeoutException',
  'Glue.ThrottlingException',
];

const TASK_MARGIN_SECONDS = 600;

/** Seconds a job task may take in total, all attempts included (bounds the whole execution). */
export function worstCaseSeconds(props: DefinitionProps): number {
  const attempts = props.retry.maxAttempts + 1;
  const waits = Array.from({ length: props.retry.maxAttempts }, (_, i) =>
    Math.min(props.retry.intervalSeconds * props.retry.backoffRate ** i, 3600),
  ).reduce((a, b) => a + b, 0);
  return props.jobs.reduce((sum, j) => sum + attempts * (j.timeoutMinutes * 60 + TASK_MARGIN_SECONDS) + waits, 0) + 900;
}

/**
 * Extract -> Transform -> Load, each a `glue:startJobRun.sync` task (Step Functions waits for the run to finish)
 * given the execution name as `--run_id`, so the three jobs share one S3 prefix and a re-run of a job reuses it.
 * Service errors retry with jittered backoff; failed runs retry per `retry` (the jobs are idempotent); anything
 * left is caught, published to the failure topic, and ends in a Fail state.
 */
export function buildDefinition(props: DefinitionProps): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  props.jobs.forEach((job, i) => {
    const next = props.jobs[i + 1]?.state ?? 'Succeeded';
    const retry: Record<string, unknown>[] = [
      { ErrorEquals: GLUE_SERVICE_ERRORS, IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 600, JitterStrategy: 'FULL' },
    ];
    if (props.retry.maxAttempts > 0) {
      retry.push({
        ErrorEquals: ['States.TaskFailed'],
        IntervalSeconds: props.retry.intervalSeconds,
        BackoffRate: props.retry.backoffRate,
        MaxAttempts: props.retry.maxAttempts,
        JitterStrategy: 'FULL',
      });
    }
    states[job.state] = {
      Type: 'Task',
      Comment: `Runs Glue job ${job.jobName} and waits for it to finish`,
      Resource: 'arn:aws:states:::glue:startJobRun.sync',
      Parameters: { JobName: job.jobName, Arguments: { '--run_id.$': '$$.Execution.Name' } },
      TimeoutSeconds: job.timeoutMinutes * 60 + TASK_MARGIN_SECONDS,
      ResultSelector: { 'JobRunId.$': '$.Id', 'JobRunState.$': '$.JobRunState' },
      ResultPath: `$.${job.state.charAt(0).toLowerCase()}${job.state.slice(1)}Run`,
      Retry: retry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }],
      Next: next,
    };
  });
  states.NotifyFailure = {
    Type: 'Task',
    Comment: 'Tells the operators which execution failed and why',
    Resource: 'arn:aws:states:::sns:publish',
    Parameters: {
      TopicArn: props.failureTopicArn,
      Subject: `ETL pipeline ${props.pipelineName} failed`.slice(0, 100),
      'Message.$': "States.Format('Execution {} failed with {}: {}', $$.Execution.Id, $.error.Error, $.error.Cause)",
    },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 3 }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'Failed' }],
    Next: 'Failed',
  };
  states.Failed = {
    Type: 'Fail',
    Error: 'EtlPipelineFailed',
    Cause: 'A Glue job failed after its retries; see the failure notification and the job logs.',
  };
  states.Succeeded = { Type: 'Succeed' };
  return {
    Comment: `ETL pipeline ${props.pipelineName}: ${props.jobs.map((j) => j.state).join(' -> ')}`,
    StartAt: props.jobs[0].state,
    TimeoutSeconds: worstCaseSeconds(props),
    States: states,
  };
}
