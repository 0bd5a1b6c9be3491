import {
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  StartReplicationTaskTypeValue,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import type { Logger } from '../shared/logger';

/**
 * Starts (or reloads) a full-load DMS task and waits for it within the invocation's budget.
 *
 * Decisions:
 * - First run (status `ready`, never started): `start-replication`; every later run: `reload-target`.
 * - After the start request, the task keeps showing the previous run's final state for a moment: a final state
 *   counts only once the task was seen running, or when its StartDate is after the request.
 * - Already running (status `running`/`starting`, or StartReplicationTask answers InvalidResourceStateFault):
 *   with `onAlreadyRunning: 'wait'` (default) the run does not start a second load; it waits for the running
 *   one and reports its outcome with `startedByThisRun: false`. With `'fail'` it throws.
 * - The load fails (status `failed`, a stop reason other than a finished full load, or errored tables):
 *   throws `TaskRunError` with the task's LastFailureMessage, so the invocation fails, is retried by the
 *   async-invoke policy, and lands on the on-failure queue.
 * - The budget runs out first (remaining time minus a safety margin): returns outcome `still-running`. That
 *   is not a failure: the load goes on inside DMS, and its end (success or failure) is reported by the DMS
 *   event subscription to the alerts topic. Failing here would make Lambda retry, and the retry would only
 *   find the same load still running.
 * - ThrottlingException (and 5xx) on any call: retried with exponential backoff, up to `maxAttempts`.
 */

/** The client boundary: the real `DatabaseMigrationServiceClient`, or a fake in tests. */
export interface DmsSender {
  send(command: DescribeReplicationTasksCommand | StartReplicationTaskCommand | DescribeTableStatisticsCommand): Promise<unknown>;
}

/** Per-table results of a finished load. */
export interface LoadReport {
  readonly tables: number;
  readonly rowsLoaded: number;
  /** Tables whose rows DMS validation confirmed. */
  readonly validated: number;
  /** Tables validation did not confirm (no primary key, validation off, still pending): reported, not failed. */
  readonly unvalidated: ReadonlyArray<{ readonly table: string; readonly state: string }>;
  /** Tables in error, or with rows validation found different or suspended. */
  readonly failed: ReadonlyArray<{ readonly table: string; readonly state: string; readonly failedRecords: number }>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RunOptions {
  readonly taskArn: string;
  readonly onAlreadyRunning: 'wait' | 'fail';
  readonly pollIntervalMs: number;
  readonly safetyMarginMs: number;
  /** Lambda's `context.getRemainingTimeInMillis`. */
  readonly remainingTimeMs: () => number;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** @default 500 */
  readonly baseBackoffMs?: number;
}

export type RunOutcome =
  | {
      readonly outcome: 'completed';
      readonly taskArn: string;
      readonly startType?: StartReplicationTaskTypeValue;
      readonly startedByThisRun: boolean;
      readonly tablesLoaded: number;
      readonly stopReason?: string;
      readonly waitedMs: number;
      readonly report: LoadReport;
    }
  | {
      readonly outcome: 'still-running';
      readonly taskArn: string;
      readonly startType?: StartReplicationTaskTypeValue;
      readonly startedByThisRun: boolean;
      readonly status: string;
      readonly progressPercent?: number;
      readonly waitedMs: number;
    };

export interface ResumeOptions {
  readonly taskArn: string;
  readonly pollIntervalMs: number;
  readonly safetyMarginMs: number;
  /** Lambda's `context.getRemainingTimeInMillis`. */
  readonly remainingTimeMs: () => number;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** @default 500 */
  readonly baseBackoffMs?: number;
}

/**
 * What `resume` did:
 * - `resumed`: this call sent `resume-processing` and saw the task running.
 * - `resume-requested`: it sent `resume-processing`, but the budget ended while the task was still starting (its
 *   outcome reaches the alarm topic through the DMS event subscription).
 * - `already-running`: nothing to do.
 * - `never-started`: the task never ran; a first start must be `start-replication` (the runbook's step, after the
 *   source is prepared), so nothing was started.
 */
export type ResumeOutcome = {
  readonly outcome: 'resumed' | 'resume-requested' | 'already-running' | 'never-started';
  readonly taskArn: string;
  readonly previousStatus: string;
  readonly status: string;
  readonly waitedMs: number;
};

/** The load failed, or the task cannot be started; the message names the task, its status and the reason. */
export class TaskRunError extends Error {
  constructor(
    message: string,
    readonly taskArn: string,
    readonly status?: string,
  ) {
    super(message);
    this.name = 'TaskRunError';
  }
}

const RUNNING = new Set(['running', 'starting']);
const STARTABLE = new Set(['ready', 'stopped', 'failed']);
/** States that end on their own (a modification or a stop in progress): a resume waits for them. */
const SETTLING = new Set(['modifying', 'stopping', 'creating']);
/** Tolerance between this function's clock and DMS's when matching a task's StartDate to our start request. */
const START_CLOCK_SKEW_MS = 60_000;
/** Stop reasons of a full-load task that finished its work. */
const FINISHED = /FULL_LOAD_ONLY_FINISHED|STOPPED_AFTER_FULL_LOAD|NORMAL/;

function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string } | undefined;
  return e?.name ?? e?.Code ?? e?.code ?? '';
}

export function isThrottling(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } } | undefined;
  const name = errorName(err);
  return (
    /Throttling|TooManyRequests|RequestLimitExceeded/.test(name) ||
    e?.$retryable?.throttling === true ||
    e?.$metadata?.httpStatusCode === 429 ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

type Retry = { readonly maxAttempts: number; readonly baseMs: number; readonly deadline: number };

/** Validation states that mean rows differ, were suspended, or the table failed; table states (TableStatistics.TableState, DMS API reference) of a table a finished load did not load. */
const FAILED_STATES = /mismatched|suspended|error/i, TABLE_NOT_LOADED = /^Table (error|cancelled|does not exist)$/i;

/** Summarizes DescribeTableStatistics: loaded rows, validated tables, tables that failed. */
export function summarize(stats: readonly TableStatistics[]): LoadReport {
  const failed: Array<{ table: string; state: string; failedRecords: number }> = [];
  const unvalidated: Array<{ table: string; state: string }> = [];
  let validated = 0;
  let rowsLoaded = 0;
  for (const t of stats) {
    const table = `${t.SchemaName ?? '?'}.${t.TableName ?? '?'}`;
    rowsLoaded += t.FullLoadRows ?? 0;
    const state = t.ValidationState ?? 'Not enabled';
    const failedRecords = (t.ValidationFailedRecords ?? 0) + (t.ValidationSuspendedRecords ?? 0) + (t.FullLoadErrorRows ?? 0);
    if (TABLE_NOT_LOADED.test(t.TableState ?? '')) failed.push({ table, state: t.TableState!, failedRecords });
    else if (FAILED_STATES.test(state) || failedRecords > 0) failed.push({ table, state, failedRecords });
    else if (state === 'Validated') validated++;
    else unvalidated.push({ table, state });
  }
  return { tables: stats.length, rowsLoaded, validated, unvalidated, failed };
}

export class DmsTaskRunner {
  constructor(
    private readonly client: DmsSender,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  async run(options: RunOptions): Promise<RunOutcome> {
    const started = this.clock.now();
    const deadline = started + options.remainingTimeMs() - options.safetyMarginMs;
    const log = this.log.child({ taskArn: options.taskArn });
    const retry: Retry = { maxAttempts: options.maxAttempts ?? 5, baseMs: options.baseBackoffMs ?? 500, deadline };

    const task = await this.describe(options.taskArn, retry);
    const status = task.Status ?? 'unknown';
    log.info('task found', { status, migrationType: task.MigrationType, stopReason: task.StopReason });
    if (task.MigrationType && task.MigrationType !== 'full-load') {
      throw new TaskRunError(
        `task ${options.taskArn} is a ${task.MigrationType} task; the runner only reloads full-load tasks (a reload would restart change capture). Nothing was started.`,
        options.taskArn,
        status,
      );
    }

    let startType: StartReplicationTaskTypeValue | undefined;
    let startedByThisRun = false;
    // Until the new start shows in DescribeReplicationTasks, the task still reports the PREVIOUS run's final
    // state (stopped / failed): it must not be taken for this run's outcome.
    let sawRunning = RUNNING.has(status);
    const startRequestedAt = this.clock.now();
    if (RUNNING.has(status)) {
      this.alreadyRunning(options, status, log);
    } else if (STARTABLE.has(status)) {
      startType = status === 'ready' && !task.ReplicationTaskStartDate ? 'start-replication' : 'reload-target';
      try {
        await this.withRetry(
          () =>
            this.client.send(
              new StartReplicationTaskCommand({ ReplicationTaskArn: options.taskArn, StartReplicationTaskType: startType }),
            ),
          retry,
        );
        startedByThisRun = true;
        log.info('task started', { startType, previousStatus: status });
      } catch (err) {
        if (errorName(err) !== 'InvalidResourceStateFault') throw err;
        // Another run (or a person) started it between our describe and start.
        this.alreadyRunning(options, 'running', log, (err as Error).message);
        startType = undefined;
        sawRunning = true;
      }
    } else {
      throw new TaskRunError(
        `task ${options.taskArn} is ${status}; it can be started only when ready, stopped or failed. Nothing was started; retry when the change in progress has finished.`,
        options.taskArn,
        status,
      );
    }

    // Wait for the end of the load, within the budget.
    const run = { startType, startedByThisRun, started };
    const isOutcome = (task: ReplicationTask): boolean => {
      const now = task.Status ?? 'unknown';
      if (RUNNING.has(now) || now === 'stopping') {
        sawRunning = true;
        return false;
      }
      const startDate = task.ReplicationTaskStats?.StartDate?.getTime();
      // A fast load can start and finish between two polls: its StartDate (after our request) tells it apart.
      return !startedByThisRun || sawRunning || (startDate !== undefined && startDate >= startRequestedAt - START_CLOCK_SKEW_MS);
    };
    for (;;) {
      if (this.clock.now() + options.pollIntervalMs > deadline) {
        const current = await this.describe(options.taskArn, retry);
        if (isOutcome(current)) return this.finish(options.taskArn, current, run, log, retry);
        const outcome: RunOutcome = {
          outcome: 'still-running',
          taskArn: options.taskArn,
          startType,
          startedByThisRun,
          status: current.Status ?? 'unknown',
          progressPercent: current.ReplicationTaskStats?.FullLoadProgressPercent,
          waitedMs: this.clock.now() - started,
        };
        log.warn('budget exhausted while the load runs; its end is reported by the DMS event subscription', {
          status: outcome.status,
          progressPercent: outcome.progressPercent,
          waitedMs: outcome.waitedMs,
        });
        return outcome;
      }
      await this.clock.sleep(options.pollIntervalMs);
      const current = await this.describe(options.taskArn, retry);
      if (isOutcome(current)) return this.finish(options.taskArn, current, run, log, retry);
      log.debug('task still loading', { status: current.Status, progressPercent: current.ReplicationTaskStats?.FullLoadProgressPercent });
    }
  }

  /**
   * Resumes a stopped CDC task from its checkpoint (`StartReplicationTaskType: resume-processing`), e.g. after
   * `terraform apply` changed its settings or mappings: the provider stops a running task to modify it and does not
   * start it again (this kit never sets `start_replication_task`). Per the StartReplicationTask API reference,
   * `resume-processing` replicates "the changes from the last stop position" of a full-load-and-cdc or cdc task and
   * is "only available for previously executed tasks"; used on a first run it "will result in data errors", so a
   * task that never ran is left alone. A task that is still `modifying` or `stopping` is waited for (within the
   * budget). Full-load tasks are refused: resume-processing would reload their partly loaded tables, which is the
   * scheduled runner's job.
   */
  async resume(options: ResumeOptions): Promise<ResumeOutcome> {
    const started = this.clock.now();
    const deadline = started + options.remainingTimeMs() - options.safetyMarginMs;
    const log = this.log.child({ taskArn: options.taskArn, action: 'resume' });
    const retry: Retry = { maxAttempts: options.maxAttempts ?? 5, baseMs: options.baseBackoffMs ?? 500, deadline };
    const outcome = (o: ResumeOutcome['outcome'], previousStatus: string, status: string): ResumeOutcome => {
      const result = { outcome: o, taskArn: options.taskArn, previousStatus, status, waitedMs: this.clock.now() - started };
      log.info('resume finished', { outcome: o, previousStatus, status, waitedMs: result.waitedMs });
      return result;
    };

    let task = await this.describe(options.taskArn, retry);
    const previousStatus = task.Status ?? 'unknown';
    if (task.MigrationType === 'full-load') {
      throw new TaskRunError(
        `task ${options.taskArn} is a full-load task; resume-processing would reload its partly loaded tables. Reload it with the scheduled runner (or 'reload-target'). Nothing was started.`,
        options.taskArn,
        previousStatus,
      );
    }
    // Wait out a modification or a stop in progress (the provider's apply may still be settling).
    while (SETTLING.has(task.Status ?? '')) {
      if (this.clock.now() + options.pollIntervalMs > deadline) {
        throw new TaskRunError(
          `task ${options.taskArn} is still ${task.Status} at the end of the budget; nothing was started. Invoke the resume again when it is stopped.`,
          options.taskArn,
          task.Status,
        );
      }
      await this.clock.sleep(options.pollIntervalMs);
      task = await this.describe(options.taskArn, retry);
    }
    const status = task.Status ?? 'unknown';
    if (RUNNING.has(status)) return outcome('already-running', previousStatus, status);
    if (!STARTABLE.has(status)) {
      throw new TaskRunError(`task ${options.taskArn} is ${status}; it can be resumed only when stopped or failed. Nothing was started.`, options.taskArn, status);
    }
    if (!task.ReplicationTaskStartDate) {
      log.warn('task never ran: not resuming (a first start must be start-replication, after the source is prepared)', { status });
      return outcome('never-started', previousStatus, status);
    }
    try {
      await this.withRetry(
        () => this.client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: options.taskArn, StartReplicationTaskType: 'resume-processing' })),
        retry,
      );
    } catch (err) {
      if (errorName(err) !== 'InvalidResourceStateFault') throw err;
      const now = await this.describe(options.taskArn, retry);
      if (RUNNING.has(now.Status ?? '')) return outcome('already-running', previousStatus, now.Status!);
      throw new TaskRunError(`task ${options.taskArn} could not be resumed from ${now.Status}: ${(err as Error).message}`, options.taskArn, now.Status);
    }
    const requestedAt = this.clock.now();
    log.info('resume-processing requested', { previousStatus: status, recoveryCheckpoint: task.RecoveryCheckpoint ? 'present' : 'absent' });
    // As in run(): until the start shows, the task still reports its previous stopped/failed state.
    let sawStarting = false;
    for (;;) {
      if (this.clock.now() + options.pollIntervalMs > deadline) return outcome('resume-requested', previousStatus, 'starting');
      await this.clock.sleep(options.pollIntervalMs);
      const now = await this.describe(options.taskArn, retry);
      if (now.Status === 'running') return outcome('resumed', previousStatus, 'running');
      if (now.Status === 'starting') sawStarting = true;
      const startDate = now.ReplicationTaskStats?.StartDate?.getTime();
      const thisStart = sawStarting || (startDate !== undefined && startDate >= requestedAt - START_CLOCK_SKEW_MS);
      if ((now.Status === 'failed' || now.Status === 'stopped') && thisStart) {
        throw new TaskRunError(
          `task ${options.taskArn} did not resume: it is ${now.Status}${now.LastFailureMessage ? ` (${now.LastFailureMessage})` : ''}${now.StopReason ? `, stop reason ${now.StopReason}` : ''}. See the task log in CloudWatch.`,
          options.taskArn,
          now.Status,
        );
      }
    }
  }

  private alreadyRunning(options: RunOptions, status: string, log: Logger, detail?: string): void {
    if (options.onAlreadyRunning === 'fail') {
      throw new TaskRunError(
        `task ${options.taskArn} is already ${status}${detail ? ` (${detail})` : ''}; a second load was not started. Wait for it to finish, or set ON_ALREADY_RUNNING=wait.`,
        options.taskArn,
        status,
      );
    }
    log.info('task already running; waiting for it instead of starting another load', { status });
  }

  private async finish(
    taskArn: string,
    task: ReplicationTask,
    run: { startType?: StartReplicationTaskTypeValue; startedByThisRun: boolean; started: number },
    log: Logger,
    retry: Retry,
  ): Promise<RunOutcome> {
    const status = task.Status ?? 'unknown';
    const stats = task.ReplicationTaskStats;
    const errored = stats?.TablesErrored ?? 0;
    const waitedMs = this.clock.now() - run.started;
    if (status === 'failed') {
      throw new TaskRunError(
        `task ${taskArn} failed: ${task.LastFailureMessage ?? 'no failure message'} (stop reason: ${task.StopReason ?? 'none'}). The target tables may be partly loaded; see the task log in CloudWatch and re-run after fixing the cause.`,
        taskArn,
        status,
      );
    }
    if (status === 'stopped' && errored > 0) {
      throw new TaskRunError(
        `task ${taskArn} stopped with ${errored} table(s) in error (${stats?.TablesLoaded ?? 0} loaded)${task.LastFailureMessage ? `: ${task.LastFailureMessage}` : ''}. Check the task's table statistics and log.`,
        taskArn,
        status,
      );
    }
    if (status === 'stopped' && !FINISHED.test(task.StopReason ?? '')) {
      throw new TaskRunError(
        `task ${taskArn} stopped before finishing the load (stop reason: ${task.StopReason ?? 'none'}${task.LastFailureMessage ? `; ${task.LastFailureMessage}` : ''}).`,
        taskArn,
        status,
      );
    }
    if (status !== 'stopped') {
      throw new TaskRunError(`task ${taskArn} left the running state for ${status}; the load did not complete.`, taskArn, status);
    }
    const report = summarize(await this.tableStatistics(taskArn, retry));
    if (report.failed.length) {
      const list = report.failed.map((f) => `${f.table} (${f.state}${f.failedRecords ? `, ${f.failedRecords} record(s)` : ''})`).join(', ');
      throw new TaskRunError(
        `task ${taskArn} finished, but ${report.failed.length} table(s) failed: ${list}. See the awsdms_validation_failures_v1 table on the target and the task log.`,
        taskArn,
        status,
      );
    }
    const outcome: RunOutcome = {
      outcome: 'completed',
      taskArn,
      startType: run.startType,
      startedByThisRun: run.startedByThisRun,
      tablesLoaded: stats?.TablesLoaded ?? 0,
      stopReason: task.StopReason,
      waitedMs,
      report,
    };
    if (report.unvalidated.length) log.warn('tables not validated', { tables: report.unvalidated });
    log.info('load completed', { tablesLoaded: outcome.tablesLoaded, rowsLoaded: report.rowsLoaded, validated: report.validated, stopReason: outcome.stopReason, waitedMs });
    return outcome;
  }

  private async tableStatistics(taskArn: string, retry: Retry): Promise<TableStatistics[]> {
    const all: TableStatistics[] = [];
    let marker: string | undefined;
    do {
      const out = (await this.withRetry(
        () => this.client.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn, MaxRecords: 500, Marker: marker })),
        retry,
      )) as { TableStatistics?: TableStatistics[]; Marker?: string };
      all.push(...(out.TableStatistics ?? []));
      marker = out.Marker;
    } while (marker);
    return all;
  }

  private async describe(taskArn: string, retry: Retry): Promise<ReplicationTask> {
    const out = (await this.withRetry(
      () =>
        this.client.send(
          new DescribeReplicationTasksCommand({
            Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
            WithoutSettings: true,
          }),
        ),
      retry,
    )) as { ReplicationTasks?: ReplicationTask[] };
    const task = out.ReplicationTasks?.[0];
    if (!task) throw new TaskRunError(`task ${taskArn} was not found (deleted, or another account/region).`, taskArn);
    return task;
  }

  private async withRetry<T>(call: () => Promise<T>, retry: Retry): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const delay = retry.baseMs * 2 ** (attempt - 1);
        if (!isThrottling(err) || attempt >= retry.maxAttempts || this.clock.now() + delay > retry.deadline) throw err;
        this.log.warn('DMS API throttled; backing off', { attempt, delayMs: delay, error: errorName(err) });
        await this.clock.sleep(delay);
      }
    }
  }
}
