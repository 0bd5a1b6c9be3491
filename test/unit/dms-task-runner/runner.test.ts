import {
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ReplicationTask,
  StartReplicationTaskCommand,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { parseConfig, parseEvent } from '../../../lambdas/dms-task-runner/config';
import { Clock, DmsSender, DmsTaskRunner, isThrottling, summarize, TaskRunError } from '../../../lambdas/dms-task-runner/runner';
import { createLogger } from '../../../lambdas/shared/logger';

const ARN = 'arn:aws:dms:eu-west-2:123456789012:task:ABCDEFGHIJ';

/** A step the fake answers with: a task state, or an error to throw. */
type Step = Partial<ReplicationTask> | Error;

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/**
 * Hand-written fake of the DMS client: scripted answers per command, every call recorded.
 * What DMS does that this does not: it moves a task through its states on its own clock (the fake answers what the
 * test scripts, in order), refuses StartReplicationTask for a task that is not ready/stopped/failed with
 * InvalidResourceStateFault, checks IAM, and throttles per account rather than when told to.
 */
class FakeDms implements DmsSender {
  readonly calls: Array<{ command: string; input: unknown }> = [];
  constructor(
    private readonly describes: Step[],
    private readonly starts: Array<Error | undefined> = [undefined],
    /** Pages of DescribeTableStatistics. */
    private readonly statPages: TableStatistics[][] = [[]],
  ) {}

  async send(command: DescribeReplicationTasksCommand | StartReplicationTaskCommand | DescribeTableStatisticsCommand): Promise<unknown> {
    this.calls.push({ command: command.constructor.name, input: command.input });
    if (command instanceof DescribeTableStatisticsCommand) {
      const page = Number(command.input.Marker ?? 0);
      return { TableStatistics: this.statPages[page], Marker: page + 1 < this.statPages.length ? String(page + 1) : undefined };
    }
    if (command instanceof StartReplicationTaskCommand) {
      const next = this.starts.length > 1 ? this.starts.shift() : this.starts[0];
      if (next) throw next;
      return { ReplicationTask: { Status: 'starting' } };
    }
    if (command instanceof DescribeReplicationTasksCommand) {
      const next = this.describes.length > 1 ? this.describes.shift()! : this.describes[0];
      if (next instanceof Error) throw next;
      return { ReplicationTasks: [{ ReplicationTaskArn: ARN, MigrationType: 'full-load', ...next }] };
    }
    throw new Error(`unexpected command ${(command as object).constructor.name}`);
  }

  get starts_(): Array<{ command: string; input: unknown }> {
    return this.calls.filter((c) => c.command === 'StartReplicationTaskCommand');
  }
}

/** A clock that advances only when the runner sleeps; the Lambda's remaining time follows it. */
const T0 = Date.parse('2026-11-23T06:30:00Z');

class FakeClock implements Clock {
  t = T0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

function setup(describes: Step[], starts?: Array<Error | undefined>, budgetMs = 900_000, statPages?: TableStatistics[][]) {
  const dms = new FakeDms(describes, starts, statPages);
  const clock = new FakeClock();
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ service: 'test', level: 'debug', sink: (l) => lines.push(JSON.parse(l)) });
  const runner = new DmsTaskRunner(dms, log, clock);
  const run = (onAlreadyRunning: 'wait' | 'fail' = 'wait') =>
    runner.run({
      taskArn: ARN,
      onAlreadyRunning,
      pollIntervalMs: 20_000,
      safetyMarginMs: 15_000,
      remainingTimeMs: () => budgetMs - (clock.t - T0),
      baseBackoffMs: 500,
    });
  return { dms, clock, lines, run };
}

/** This run's end: stopped, with a StartDate after the start request. */
const finished: Step = { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { TablesLoaded: 4, TablesErrored: 0, StartDate: new Date(T0 + 5_000) } };
/** Yesterday's end, as the task shows it until the new start is visible. */
const yesterday: Step = { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStartDate: new Date(T0 - 86_400_000), ReplicationTaskStats: { TablesLoaded: 4, StartDate: new Date(T0 - 86_400_000) } };

describe('dms-task-runner', () => {
  test('first run starts with start-replication and reports completion', async () => {
    const { dms, run } = setup([{ Status: 'ready' }, { Status: 'running' }, finished]);
    const outcome = await run();
    expect(dms.starts_).toHaveLength(1);
    expect(dms.starts_[0].input).toEqual({ ReplicationTaskArn: ARN, StartReplicationTaskType: 'start-replication' });
    expect(outcome).toMatchObject({ outcome: 'completed', startType: 'start-replication', startedByThisRun: true, tablesLoaded: 4 });
  });

  test('later runs reload the target', async () => {
    const { dms, run } = setup([yesterday, finished]);
    const outcome = await run();
    expect(dms.starts_[0].input).toMatchObject({ StartReplicationTaskType: 'reload-target' });
    expect(outcome).toMatchObject({ outcome: 'completed', startType: 'reload-target' });
  });

  test('a failed previous run is reloaded, not resumed', async () => {
    const { dms, run } = setup([{ Status: 'failed', LastFailureMessage: 'old' }, finished]);
    await run();
    expect(dms.starts_[0].input).toMatchObject({ StartReplicationTaskType: 'reload-target' });
  });

  test('describe filters by the task ARN', async () => {
    const { dms, run } = setup([{ Status: 'ready' }, finished]);
    await run();
    expect(dms.calls[0]).toEqual({
      command: 'DescribeReplicationTasksCommand',
      input: { Filters: [{ Name: 'replication-task-arn', Values: [ARN] }], WithoutSettings: true },
    });
  });

  test('retries ThrottlingException with exponential backoff', async () => {
    const throttle = awsError('ThrottlingException', 'Rate exceeded');
    const { dms, clock, run } = setup([throttle, throttle, { Status: 'ready' }, finished], [throttle, undefined]);
    const outcome = await run();
    expect(outcome.outcome).toBe('completed');
    expect(clock.sleeps.slice(0, 3)).toEqual([500, 1000, 500]);
    expect(dms.starts_).toHaveLength(2);
  });

  test('fails when throttling outlasts the retry attempts', async () => {
    const throttle = awsError('ThrottlingException', 'Rate exceeded');
    const { run } = setup([throttle]);
    await expect(run()).rejects.toThrow('Rate exceeded');
  });

  test('fails at once on a non-retryable error (access denied)', async () => {
    const { clock, run } = setup([awsError('AccessDeniedFault', 'not authorized to perform dms:DescribeReplicationTasks')]);
    await expect(run()).rejects.toThrow('not authorized');
    expect(clock.sleeps).toEqual([]);
  });

  test('already running: waits for it and reports, without starting a second load', async () => {
    const { dms, run } = setup([{ Status: 'running' }, { Status: 'running' }, finished]);
    const outcome = await run('wait');
    expect(dms.starts_).toHaveLength(0);
    expect(outcome).toMatchObject({ outcome: 'completed', startedByThisRun: false });
  });

  test('fails when already running and ON_ALREADY_RUNNING=fail', async () => {
    const { dms, run } = setup([{ Status: 'running' }]);
    await expect(run('fail')).rejects.toThrow(`task ${ARN} is already running; a second load was not started`);
    expect(dms.starts_).toHaveLength(0);
  });

  test('InvalidResourceStateFault on start (a race) is treated as already running', async () => {
    const fault = awsError('InvalidResourceStateFault', 'Replication task is currently running');
    const { run } = setup([{ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, { Status: 'running' }, finished], [fault]);
    const outcome = await run('wait');
    expect(outcome).toMatchObject({ outcome: 'completed', startedByThisRun: false });
  });

  test('fails when InvalidResourceStateFault on start and ON_ALREADY_RUNNING=fail', async () => {
    const fault = awsError('InvalidResourceStateFault', 'Replication task is currently running');
    const { run } = setup([{ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }], [fault]);
    await expect(run('fail')).rejects.toThrow(`task ${ARN} is already running (Replication task is currently running); a second load was not started`);
  });

  test('a start refused for another reason (access denied) fails the run instead of waiting', async () => {
    const { dms, run } = setup([{ Status: 'ready' }, finished], [awsError('AccessDeniedFault', 'not authorized to perform dms:StartReplicationTask')]);
    await expect(run('wait')).rejects.toThrow('not authorized to perform dms:StartReplicationTask');
    expect(dms.calls.filter((c) => c.command === 'DescribeReplicationTasksCommand')).toHaveLength(1);
  });

  test('fails loudly with LastFailureMessage when the task fails', async () => {
    const { run } = setup([
      { Status: 'ready' },
      { Status: 'running' },
      { Status: 'failed', LastFailureMessage: 'Login failed for user dms_user', StopReason: 'Stop Reason FATAL_ERROR' },
    ]);
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskRunError);
    expect((err as Error).message).toContain('failed: Login failed for user dms_user (stop reason: Stop Reason FATAL_ERROR)');
  });

  test('fails when the load stops with errored tables', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { TablesLoaded: 3, TablesErrored: 2, StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow('stopped with 2 table(s) in error (3 loaded)');
  });

  test('fails when the task was stopped before finishing', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', StopReason: 'Stop Reason STOPPED_DUE_TO_LOW_DISK', ReplicationTaskStats: { StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow('stopped before finishing the load (stop reason: Stop Reason STOPPED_DUE_TO_LOW_DISK');
  });

  test('reports still-running when the budget ends before the load', async () => {
    const { dms, clock, run } = setup([{ Status: 'ready' }, { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 40 } }], undefined, 100_000);
    const outcome = await run();
    expect(outcome).toMatchObject({ outcome: 'still-running', status: 'running', progressPercent: 40, startedByThisRun: true });
    // 100 s budget - 15 s margin: polls at 20, 40, 60, 80 s would overrun 85 s on the fifth.
    expect(clock.t - T0).toBeLessThanOrEqual(85_000);
    expect(dms.starts_).toHaveLength(1);
  });

  test('fails when the task is in a state that cannot start (modifying)', async () => {
    const { dms, run } = setup([{ Status: 'modifying' }]);
    await expect(run()).rejects.toThrow(`task ${ARN} is modifying; it can be started only when ready, stopped or failed`);
    expect(dms.starts_).toHaveLength(0);
  });

  test("ignores the previous run's final state until the new start shows", async () => {
    const { dms, clock, run } = setup([yesterday, yesterday, { Status: 'starting' }, finished]);
    const outcome = await run();
    expect(outcome).toMatchObject({ outcome: 'completed', startType: 'reload-target', tablesLoaded: 4 });
    expect(dms.calls.filter((c) => c.command === 'DescribeReplicationTasksCommand')).toHaveLength(4);
    expect(clock.sleeps).toEqual([20_000, 20_000, 20_000]);
  });

  test("a previous run's failure is not taken for this run's outcome", async () => {
    const { run } = setup([{ Status: 'failed', LastFailureMessage: 'yesterday', ReplicationTaskStats: { StartDate: new Date(T0 - 86_400_000) } }, { Status: 'failed', LastFailureMessage: 'yesterday' }, finished]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed' });
  });

  test('a load that starts and ends between two polls is recognised by its StartDate', async () => {
    const { clock, run } = setup([yesterday, finished]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed' });
    expect(clock.sleeps).toEqual([20_000]);
  });

  test('reports rows and validation per table, reading every page of table statistics', async () => {
    const pages: TableStatistics[][] = [
      [{ SchemaName: 'rpt', TableName: 'sales', FullLoadRows: 1000, ValidationState: 'Validated', TableState: 'Table completed' }],
      [{ SchemaName: 'rpt', TableName: 'notes', FullLoadRows: 5, ValidationState: 'No primary key', TableState: 'Table completed' }],
    ];
    const { dms, lines, run } = setup([{ Status: 'ready' }, finished], undefined, 900_000, pages);
    const outcome = await run();
    expect(outcome).toMatchObject({ outcome: 'completed', report: { tables: 2, rowsLoaded: 1005, validated: 1, unvalidated: [{ table: 'rpt.notes', state: 'No primary key' }], failed: [] } });
    expect(dms.calls.filter((c) => c.command === 'DescribeTableStatisticsCommand').map((c) => (c.input as { Marker?: string }).Marker)).toEqual([undefined, '1']);
    expect(lines.find((l) => l.message === 'tables not validated')).toBeDefined();
  });

  test('fails when validation finds mismatched rows, naming the table', async () => {
    const pages: TableStatistics[][] = [[{ SchemaName: 'rpt', TableName: 'sales', FullLoadRows: 10, ValidationState: 'Mismatched records', ValidationFailedRecords: 3 }]];
    const { run } = setup([{ Status: 'ready' }, finished], undefined, 900_000, pages);
    await expect(run()).rejects.toThrow('finished, but 1 table(s) failed: rpt.sales (Mismatched records, 3 record(s))');
  });

  test('summarize: table errors and suspended records fail, pending validation is reported', () => {
    const report = summarize([
      { SchemaName: 'a', TableName: 'x', TableState: 'Table error' },
      { SchemaName: 'a', TableName: 'y', ValidationState: 'Suspended records', ValidationSuspendedRecords: 2 },
      { SchemaName: 'a', TableName: 'z', ValidationState: 'Pending records' },
      { SchemaName: 'a', TableName: 'w', FullLoadErrorRows: 1 },
    ]);
    expect(report.failed.map((f) => f.table)).toEqual(['a.x', 'a.y', 'a.w']);
    expect(report.unvalidated).toEqual([{ table: 'a.z', state: 'Pending records' }]);
  });

  test('fails when the task does not exist', async () => {
    const dms: DmsSender = { send: async () => ({ ReplicationTasks: [] }) };
    const runner = new DmsTaskRunner(dms, createLogger({ service: 't', sink: () => undefined }), new FakeClock());
    await expect(
      runner.run({ taskArn: ARN, onAlreadyRunning: 'wait', pollIntervalMs: 1000, safetyMarginMs: 1000, remainingTimeMs: () => 60_000 }),
    ).rejects.toThrow('was not found');
  });

  test('refuses a CDC task (a reload would restart change capture)', async () => {
    const { dms, run } = setup([{ Status: 'stopped', MigrationType: 'full-load-and-cdc' }]);
    await expect(run()).rejects.toThrow('is a full-load-and-cdc task; the runner only reloads full-load tasks');
    expect(dms.starts_).toHaveLength(0);
  });

  test('logs carry the task ARN and counts, never secrets', async () => {
    const { lines, run } = setup([{ Status: 'ready' }, finished]);
    await run();
    expect(lines.every((l) => l.taskArn === ARN)).toBe(true);
    expect(lines.find((l) => l.message === 'load completed')).toMatchObject({ tablesLoaded: 4 });
  });

  test('isThrottling recognises throttling and 5xx, not client errors', () => {
    expect(isThrottling(awsError('ThrottlingException', 'x'))).toBe(true);
    expect(isThrottling(awsError('Whatever', 'x', 503))).toBe(true);
    expect(isThrottling(awsError('InvalidParameterValueException', 'x'))).toBe(false);
  });
});

// Stop reasons and table states as the DMS API reference lists them: ReplicationTask.StopReason
// (https://docs.aws.amazon.com/dms/latest/APIReference/API_ReplicationTask.html) and TableStatistics.ValidationState /
// TableState (https://docs.aws.amazon.com/dms/latest/APIReference/API_TableStatistics.html).
describe('dms-task-runner: what counts as finished, failed or throttled', () => {
  test.each(['Stop Reason FULL_LOAD_ONLY_FINISHED', 'Stop Reason STOPPED_AFTER_FULL_LOAD', 'Stop Reason NORMAL'])('a load stopped with %s is completed', async (StopReason) => {
    const { run } = setup([{ Status: 'ready' }, { ...(finished as ReplicationTask), StopReason }]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed', stopReason: StopReason });
  });

  test.each(['Stop Reason STOPPED_DUE_TO_LOW_MEMORY', 'Stop Reason RECOVERABLE_ERROR', 'Stop Reason STOPPED_AT_SERVER_TIME'])('a load stopped with %s fails', async (StopReason) => {
    const { run } = setup([{ Status: 'ready' }, { ...(finished as ReplicationTask), StopReason }]);
    await expect(run()).rejects.toThrow(`stopped before finishing the load (stop reason: ${StopReason}`);
  });

  test('a task that is starting counts as already running: no second start, its outcome is reported', async () => {
    const { dms, run } = setup([{ Status: 'starting' }, { Status: 'running' }, finished]);
    await expect(run('wait')).resolves.toMatchObject({ outcome: 'completed', startedByThisRun: false });
    expect(dms.starts_).toHaveLength(0);
  });

  test.each([
    ['TooManyRequestsException', awsError('TooManyRequestsException', 'x')],
    ['RequestLimitExceeded', awsError('RequestLimitExceeded', 'x')],
    ['HTTP 429', awsError('SomethingElse', 'x', 429)],
    ['HTTP 500', awsError('InternalFailure', 'x', 500)],
    ['an SDK error marked $retryable.throttling', Object.assign(awsError('Unknown', 'x'), { $retryable: { throttling: true } })],
    ['a plain object whose Code says Throttling', { Code: 'Throttling', $metadata: { httpStatusCode: 400 } }],
    ['a plain object whose code says ThrottlingException', { code: 'ThrottlingException' }],
  ])('isThrottling: %s is retried', (_what, err) => {
    expect(isThrottling(err)).toBe(true);
  });

  test.each([
    ['HTTP 499', awsError('Whatever', 'x', 499)],
    ['$retryable without throttling', Object.assign(awsError('Unknown', 'x'), { $retryable: {} })],
    ['an error without name, code or status', {}],
    ['undefined', undefined],
  ])('isThrottling: %s is not retried', (_what, err) => {
    expect(isThrottling(err)).toBe(false);
  });

  test('summarize counts rows and validated tables and names tables by schema and table', () => {
    const report = summarize([
      { SchemaName: 'rpt', TableName: 'a', FullLoadRows: 7, ValidationState: 'Validated', TableState: 'Table completed' },
      { SchemaName: 'rpt', TableName: 'b', FullLoadRows: 5, ValidationState: 'Validated', TableState: 'Table completed' },
      { TableName: 'c', TableState: 'Table completed' },
      { SchemaName: 'rpt', TableState: 'Table completed', FullLoadRows: 1 },
    ]);
    expect(report).toEqual({
      tables: 4,
      rowsLoaded: 13,
      validated: 2,
      unvalidated: [
        { table: '?.c', state: 'Not enabled' },
        { table: 'rpt.?', state: 'Not enabled' },
      ],
      failed: [],
    });
  });

  test('summarize: a table in error fails under its table state, with its failed record count', () => {
    const report = summarize([{ SchemaName: 'a', TableName: 'x', TableState: 'Table error', ValidationState: 'Validated', ValidationFailedRecords: 2, FullLoadErrorRows: 1 }]);
    expect(report.failed).toEqual([{ table: 'a.x', state: 'Table error', failedRecords: 3 }]);
    expect(report.validated).toBe(0);
  });

  test.each(['Mismatched records', 'Suspended records', 'Error', 'Table error'])('summarize: validation state %s fails the table even with no record counted', (ValidationState) => {
    const report = summarize([{ SchemaName: 'a', TableName: 'x', TableState: 'Table completed', ValidationState }]);
    expect(report.failed).toEqual([{ table: 'a.x', state: ValidationState, failedRecords: 0 }]);
  });

  test('summarize: failed, suspended and errored records add up, and any of them fails a table shown as validated', () => {
    const report = summarize([
      { SchemaName: 'a', TableName: 'f', ValidationState: 'Validated', ValidationFailedRecords: 1 },
      { SchemaName: 'a', TableName: 's', ValidationState: 'Validated', ValidationSuspendedRecords: 2 },
      { SchemaName: 'a', TableName: 'e', ValidationState: 'Validated', FullLoadErrorRows: 4 },
      { SchemaName: 'a', TableName: 'all', ValidationState: 'Pending records', ValidationFailedRecords: 1, ValidationSuspendedRecords: 2, FullLoadErrorRows: 4 },
    ]);
    expect(report.failed).toEqual([
      { table: 'a.f', state: 'Validated', failedRecords: 1 },
      { table: 'a.s', state: 'Validated', failedRecords: 2 },
      { table: 'a.e', state: 'Validated', failedRecords: 4 },
      { table: 'a.all', state: 'Pending records', failedRecords: 7 },
    ]);
    expect(report.validated).toBe(0);
  });
});

describe('dms-task-runner: how a finished load is reported', () => {
  test('a failed task without a failure message or stop reason says so', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'running' }, { Status: 'failed' }]);
    await expect(run()).rejects.toThrow(`task ${ARN} failed: no failure message (stop reason: none). The target tables may be partly loaded`);
  });

  test('errored tables: the message counts loaded tables as 0 when DMS does not report them, and adds the failure message', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', LastFailureMessage: 'Table load failed', ReplicationTaskStats: { TablesErrored: 1, StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow(`task ${ARN} stopped with 1 table(s) in error (0 loaded): Table load failed. Check the task's table statistics and log.`);
  });

  test('a stop before the end names the stop reason and the failure message', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: 'disk full', ReplicationTaskStats: { StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow('stopped before finishing the load (stop reason: Stop Reason FATAL_ERROR; disk full).');
  });

  test('a stop without a stop reason is not taken for a finished load', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', ReplicationTaskStats: { StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow('stopped before finishing the load (stop reason: none).');
  });

  test('fails when the task leaves the running state for anything but stopped or failed (deleting), whatever its table counts', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'running' }, { Status: 'deleting', ReplicationTaskStats: { TablesErrored: 1 } }]);
    await expect(run()).rejects.toThrow(`task ${ARN} left the running state for deleting; the load did not complete.`);
  });

  test('fails when the task, once running, reports no status at all', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'running' }, { Status: undefined }]);
    await expect(run()).rejects.toThrow(`task ${ARN} left the running state for unknown; the load did not complete.`);
  });

  test('errored tables without a failure message: the message ends after the counts', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { TablesLoaded: 3, TablesErrored: 2, StartDate: new Date(T0 + 1_000) } }]);
    await expect(run()).rejects.toThrow(`task ${ARN} stopped with 2 table(s) in error (3 loaded). Check the task's table statistics and log.`);
  });

  test('the "tables not validated" warning lists each table with its validation state', async () => {
    const pages: TableStatistics[][] = [[{ SchemaName: 'rpt', TableName: 'notes', FullLoadRows: 5, ValidationState: 'No primary key' }]];
    const { lines, run } = setup([{ Status: 'ready' }, finished], undefined, 900_000, pages);
    await run();
    expect(lines.find((l) => l.message === 'tables not validated')).toMatchObject({ level: 'warn', tables: [{ table: 'rpt.notes', state: 'No primary key' }] });
  });

  test('failed tables are listed with their state, and their record count only when there is one', async () => {
    const pages: TableStatistics[][] = [
      [
        { SchemaName: 'rpt', TableName: 'a', TableState: 'Table error' },
        { SchemaName: 'rpt', TableName: 'b', ValidationState: 'Mismatched records', ValidationFailedRecords: 2 },
      ],
    ];
    const { run } = setup([{ Status: 'ready' }, finished], undefined, 900_000, pages);
    await expect(run()).rejects.toThrow(`task ${ARN} finished, but 2 table(s) failed: rpt.a (Table error), rpt.b (Mismatched records, 2 record(s)). See the awsdms_validation_failures_v1 table`);
  });

  test('the completed outcome carries the stop reason, the tables loaded and the time waited, and logs them', async () => {
    const pages: TableStatistics[][] = [[{ SchemaName: 'rpt', TableName: 'a', FullLoadRows: 9, ValidationState: 'Validated' }]];
    const { lines, run } = setup([{ Status: 'ready' }, { Status: 'running' }, finished], undefined, 900_000, pages);
    const outcome = await run();
    expect(outcome).toEqual({
      outcome: 'completed',
      taskArn: ARN,
      startType: 'start-replication',
      startedByThisRun: true,
      tablesLoaded: 4,
      stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
      waitedMs: 40_000,
      report: { tables: 1, rowsLoaded: 9, validated: 1, unvalidated: [], failed: [] },
    });
    expect(lines.find((l) => l.message === 'load completed')).toMatchObject({ tablesLoaded: 4, rowsLoaded: 9, validated: 1, stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', waitedMs: 40_000 });
    // Every table validated: no "not validated" warning.
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  test('tables loaded counts as 0 when DMS reports no statistics, and a page without TableStatistics adds nothing', async () => {
    // A DmsSender double answering ready, running, then stopped (NORMAL) without ReplicationTaskStats, and table
    // statistics pages without a TableStatistics member.
    const statuses = ['ready', 'running', 'stopped'];
    const dms: DmsSender = {
      send: async (command) => {
        if (command instanceof DescribeTableStatisticsCommand) return {};
        if (command instanceof StartReplicationTaskCommand) return {};
        return { ReplicationTasks: [{ MigrationType: 'full-load', Status: statuses.shift() ?? 'stopped', StopReason: 'Stop Reason NORMAL' }] };
      },
    };
    const runner = new DmsTaskRunner(dms, createLogger({ service: 't', sink: () => undefined }), new FakeClock());
    const outcome = await runner.run({ taskArn: ARN, onAlreadyRunning: 'wait', pollIntervalMs: 1000, safetyMarginMs: 1000, remainingTimeMs: () => 60_000 });
    expect(outcome).toMatchObject({ outcome: 'completed', tablesLoaded: 0, report: { tables: 0, rowsLoaded: 0 } });
  });

  test('DMS API calls stop after five attempts by default', async () => {
    const throttle = awsError('ThrottlingException', 'Rate exceeded');
    const { dms, clock, run } = setup([throttle]);
    await expect(run()).rejects.toThrow('Rate exceeded');
    expect(dms.calls).toHaveLength(5);
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  test('a backoff that would pass the deadline is not slept: the error is thrown', async () => {
    const throttle = awsError('ThrottlingException', 'Rate exceeded');
    // 16 s budget - 15 s margin: 1 s to spare; 500 ms fits, then 1000 ms would end at 1.5 s.
    const { dms, clock, lines, run } = setup([throttle], undefined, 16_000);
    await expect(run()).rejects.toThrow('Rate exceeded');
    expect(clock.sleeps).toEqual([500]);
    expect(dms.calls).toHaveLength(2);
    expect(lines.find((l) => l.message === 'DMS API throttled; backing off')).toMatchObject({ level: 'warn', attempt: 1, delayMs: 500, error: { message: 'ThrottlingException' } });
  });

  test('a backoff that ends exactly at the deadline is still slept', async () => {
    const throttle = awsError('ThrottlingException', 'Rate exceeded');
    // 15.5 s budget - 15 s margin: the 500 ms backoff ends exactly at the deadline.
    const { clock, run } = setup([throttle, { Status: 'running' }], [undefined], 15_500);
    await run('wait').catch(() => undefined);
    expect(clock.sleeps[0]).toBe(500);
  });
});

describe('dms-task-runner: starting and waiting', () => {
  test('a ready task that has a start date (it ran before) is reloaded, not started afresh', async () => {
    const { dms, run } = setup([{ Status: 'ready', ReplicationTaskStartDate: new Date(T0 - 86_400_000) }, finished]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed', startType: 'reload-target' });
    expect(dms.starts_[0].input).toEqual({ ReplicationTaskArn: ARN, StartReplicationTaskType: 'reload-target' });
  });

  test('a task whose migration type DMS leaves out is run as a full-load task', async () => {
    const { dms, run } = setup([{ Status: 'ready', MigrationType: undefined }, finished]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed' });
    expect(dms.starts_).toHaveLength(1);
  });

  test('fails, starting nothing, when DMS reports no status', async () => {
    const { dms, run } = setup([{ Status: undefined }]);
    await expect(run()).rejects.toThrow(`task ${ARN} is unknown; it can be started only when ready, stopped or failed`);
    expect(dms.starts_).toHaveLength(0);
  });

  test('a race lost to another start reports no start type of its own', async () => {
    const fault = awsError('InvalidResourceStateFault', 'Replication task is currently running');
    const { run } = setup([{ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }, { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }], [fault]);
    const outcome = await run('wait');
    expect(outcome).toMatchObject({ outcome: 'completed', startedByThisRun: false });
    expect(outcome.startType).toBeUndefined();
  });

  test('a task seen stopping has started: its stopped state without a start date is this run\'s end', async () => {
    const { clock, run } = setup([yesterday, { Status: 'stopping' }, { Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' }]);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed' });
    expect(clock.sleeps).toEqual([20_000, 20_000]);
  });

  test('a start date up to one minute before the request (clock skew) is taken as this run\'s', async () => {
    const end = (offsetMs: number): Step => ({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', ReplicationTaskStats: { StartDate: new Date(T0 + offsetMs) } });
    const within = setup([yesterday, end(-60_000)], undefined, 100_000);
    await expect(within.run()).resolves.toMatchObject({ outcome: 'completed' });
    const before = setup([yesterday, end(-60_001)], undefined, 100_000);
    await expect(before.run()).resolves.toMatchObject({ outcome: 'still-running', status: 'stopped' });
  });

  test('still-running reports status, progress and time waited, and warns with them', async () => {
    const { lines, run } = setup([{ Status: 'ready' }, { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 55 } }], undefined, 100_000);
    const outcome = await run();
    expect(outcome).toEqual({ outcome: 'still-running', taskArn: ARN, startType: 'start-replication', startedByThisRun: true, status: 'running', progressPercent: 55, waitedMs: 80_000 });
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ message: 'budget exhausted while the load runs; its end is reported by the DMS event subscription', status: 'running', progressPercent: 55, waitedMs: 80_000 });
  });

  test('a poll that ends exactly at the deadline is still made', async () => {
    // 35 s budget - 15 s margin = 20 s: one 20 s poll fits exactly, then the last describe.
    const { clock, dms, run } = setup([{ Status: 'ready' }, { Status: 'running' }], undefined, 35_000);
    await expect(run()).resolves.toMatchObject({ outcome: 'still-running' });
    expect(clock.sleeps).toEqual([20_000]);
    expect(dms.calls.filter((c) => c.command === 'DescribeReplicationTasksCommand')).toHaveLength(3);
  });

  test('a load that has finished by the last describe of the budget is reported completed, not still-running', async () => {
    const { run } = setup([{ Status: 'ready' }, finished], undefined, 20_000);
    await expect(run()).resolves.toMatchObject({ outcome: 'completed', tablesLoaded: 4 });
  });

  test('an unknown status at the end of the budget is reported as unknown', async () => {
    const { run } = setup([{ Status: 'ready' }, { Status: undefined }], undefined, 20_000);
    await expect(run()).resolves.toMatchObject({ outcome: 'still-running', status: 'unknown' });
  });

  test('logs the task found, the start, and each poll while loading', async () => {
    const { lines, run } = setup([{ Status: 'ready' }, { Status: 'running', ReplicationTaskStats: { FullLoadProgressPercent: 10 } }, finished]);
    await run();
    expect(lines.find((l) => l.message === 'task found')).toMatchObject({ level: 'info', status: 'ready', migrationType: 'full-load' });
    expect(lines.find((l) => l.message === 'task started')).toMatchObject({ level: 'info', startType: 'start-replication', previousStatus: 'ready' });
    expect(lines.find((l) => l.message === 'task still loading')).toMatchObject({ level: 'debug', status: 'running', progressPercent: 10 });
  });

  test('already running with ON_ALREADY_RUNNING=wait logs that it waits for the running load', async () => {
    const { lines, run } = setup([{ Status: 'running' }, finished]);
    await run('wait');
    expect(lines.find((l) => l.message === 'task already running; waiting for it instead of starting another load')).toMatchObject({ level: 'info', status: 'running' });
  });
});

describe('dms-task-runner resume waits out every settling state', () => {
  test.each(['stopping', 'creating'])('a task that is %s is waited for, then resumed', async (Status) => {
    const ranBefore = { MigrationType: 'cdc' as const, ReplicationTaskStartDate: new Date(T0 - 86_400_000) };
    const dms = new FakeDms([{ ...ranBefore, Status }, { ...ranBefore, Status: 'stopped' }, { ...ranBefore, Status: 'running' }]);
    const clock = new FakeClock();
    const runner = new DmsTaskRunner(dms, createLogger({ service: 't', sink: () => undefined }), clock);
    const outcome = await runner.resume({ taskArn: ARN, pollIntervalMs: 10_000, safetyMarginMs: 15_000, remainingTimeMs: () => 300_000 - (clock.t - T0) });
    expect(outcome).toMatchObject({ outcome: 'resumed', previousStatus: Status });
    expect(dms.starts_.map((c) => c.input)).toEqual([{ ReplicationTaskArn: ARN, StartReplicationTaskType: 'resume-processing' }]);
  });
});

describe('dms-task-runner config', () => {
  test('parses with defaults', () => {
    expect(parseConfig({ REPLICATION_TASK_ARN: ARN })).toEqual({
      REPLICATION_TASK_ARN: ARN,
      ON_ALREADY_RUNNING: 'wait',
      POLL_INTERVAL_SECONDS: 20,
      SAFETY_MARGIN_SECONDS: 15,
    });
  });

  test('fails when the task ARN is missing or malformed', () => {
    expect(() => parseConfig({})).toThrow('dms-task-runner configuration is invalid: REPLICATION_TASK_ARN');
    expect(() => parseConfig({ REPLICATION_TASK_ARN: 'my-task' })).toThrow('must be a DMS task ARN');
  });

  test.each([
    ['aws', 'arn:aws:dms:eu-west-2:123456789012:task:ABCDEFGHIJ'],
    ['aws-cn', 'arn:aws-cn:dms:cn-north-1:123456789012:task:ABCDEFGHIJ'],
    ['aws-us-gov', 'arn:aws-us-gov:dms:us-gov-west-1:123456789012:task:ABC-123'],
  ])('accepts a task ARN in the %s partition', (_partition, arn) => {
    expect(parseConfig({ REPLICATION_TASK_ARN: arn }).REPLICATION_TASK_ARN).toBe(arn);
  });

  // ARN forms per "Constructing an Amazon Resource Name (ARN) for AWS DMS"
  // (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Introduction.AWS.ARN.html): a task is `task:`, a replication
  // instance `rep:`, an endpoint `endpoint:`.
  test.each([
    ['a replication instance ARN', 'arn:aws:dms:eu-west-2:123456789012:rep:QLXQZ64MH7CXF4QCQMGRVYVXAI'],
    ['an endpoint ARN', 'arn:aws:dms:eu-west-2:123456789012:endpoint:D3HMZ2IGUCGFF3NTAXUXGF6S5A'],
    ['an ARN of another service', 'arn:aws:rds:eu-west-2:123456789012:task:ABCDEFGHIJ'],
    ['an account id of 11 digits', 'arn:aws:dms:eu-west-2:12345678901:task:ABCDEFGHIJ'],
    ['an account id of 13 digits', 'arn:aws:dms:eu-west-2:1234567890123:task:ABCDEFGHIJ'],
    ['no region', 'arn:aws:dms::123456789012:task:ABCDEFGHIJ'],
    ['an upper-case region', 'arn:aws:dms:EU-WEST-2:123456789012:task:ABCDEFGHIJ'],
    ['text before the ARN', 'x arn:aws:dms:eu-west-2:123456789012:task:ABCDEFGHIJ'],
    ['text after the ARN', 'arn:aws:dms:eu-west-2:123456789012:task:ABCDEFGHIJ/extra'],
    ['no task id', 'arn:aws:dms:eu-west-2:123456789012:task:'],
    ['a partition that is not aws', 'arn:azure:dms:eu-west-2:123456789012:task:ABCDEFGHIJ'],
  ])('fails at cold start on %s in place of the task ARN', (_what, arn) => {
    expect(() => parseConfig({ REPLICATION_TASK_ARN: arn })).toThrow('dms-task-runner configuration is invalid: REPLICATION_TASK_ARN: must be a DMS task ARN');
  });

  test('takes ON_ALREADY_RUNNING=fail and the poll and margin seconds from the environment', () => {
    expect(parseConfig({ REPLICATION_TASK_ARN: ARN, ON_ALREADY_RUNNING: 'fail', POLL_INTERVAL_SECONDS: '5', SAFETY_MARGIN_SECONDS: '30' })).toEqual({
      REPLICATION_TASK_ARN: ARN,
      ON_ALREADY_RUNNING: 'fail',
      POLL_INTERVAL_SECONDS: 5,
      SAFETY_MARGIN_SECONDS: 30,
    });
  });

  test('fails listing every bad setting with its name, separated by semicolons', () => {
    expect(() => parseConfig({ REPLICATION_TASK_ARN: ARN, ON_ALREADY_RUNNING: 'retry', POLL_INTERVAL_SECONDS: '0' })).toThrow(
      /^dms-task-runner configuration is invalid: ON_ALREADY_RUNNING: [^;]+; POLL_INTERVAL_SECONDS: /,
    );
  });
});

describe('dms-task-runner event', () => {
  test.each([[undefined], [null], [{}], [{ source: 'aws.scheduler' }], [{ action: 'run' }]])('%p runs the full load', (event) => {
    expect(parseEvent(event)).toEqual({ action: 'run' });
  });

  test('{"action":"resume"} resumes', () => {
    expect(parseEvent({ action: 'resume' })).toEqual({ action: 'resume' });
  });

  test('fails on an unknown action, naming the field and what to send instead', () => {
    expect(() => parseEvent({ action: 'reload' })).toThrow(
      /^dms-task-runner event is invalid \(action: [^)]*\); send \{"action":"resume"\} to resume a CDC task, or no action to run the full load\.$/,
    );
  });

  test('fails on an event that is not an object, calling it "event"', () => {
    expect(() => parseEvent('resume')).toThrow(/^dms-task-runner event is invalid \(event: /);
  });
});

/**
 * The resume path after an apply, against the same hand-written DMS double (FakeDms above: it answers what each test
 * scripts; real DMS moves the task through its states itself, and refuses resume-processing on a task that never ran
 * with data errors rather than an exception). Every StartReplicationTask input is checked.
 */
describe('dms-task-runner resume (CDC task stopped by an apply)', () => {
  const cdc = (step: Partial<ReplicationTask>): Step => ({ MigrationType: 'full-load-and-cdc', ...step });
  const ranBefore = { ReplicationTaskStartDate: new Date(T0 - 3 * 86_400_000), RecoveryCheckpoint: 'checkpoint:V1#27#...' };
  function resumeSetup(describes: Step[], starts?: Array<Error | undefined>, budgetMs = 300_000) {
    const dms = new FakeDms(describes, starts);
    const clock = new FakeClock();
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ service: 'test', level: 'debug', sink: (l) => lines.push(JSON.parse(l)) });
    const runner = new DmsTaskRunner(dms, log, clock);
    const resume = () => runner.resume({ taskArn: ARN, pollIntervalMs: 10_000, safetyMarginMs: 15_000, remainingTimeMs: () => budgetMs - (clock.t - T0), baseBackoffMs: 500 });
    return { dms, clock, lines, resume };
  }

  test('a stopped task that ran before is resumed with resume-processing and reported running', async () => {
    const { dms, resume } = resumeSetup([cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'starting', ...ranBefore }), cdc({ Status: 'running', ...ranBefore })]);
    const outcome = await resume();
    expect(dms.starts_.map((c) => c.input)).toEqual([{ ReplicationTaskArn: ARN, StartReplicationTaskType: 'resume-processing' }]);
    expect(outcome).toMatchObject({ outcome: 'resumed', previousStatus: 'stopped', status: 'running' });
  });

  test('waits while the apply is still modifying the task, then resumes', async () => {
    const { dms, resume } = resumeSetup([cdc({ Status: 'modifying', ...ranBefore }), cdc({ Status: 'modifying', ...ranBefore }), cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'running', ...ranBefore })]);
    const outcome = await resume();
    expect(dms.calls.map((c) => c.command)).toEqual([
      'DescribeReplicationTasksCommand',
      'DescribeReplicationTasksCommand',
      'DescribeReplicationTasksCommand',
      'StartReplicationTaskCommand',
      'DescribeReplicationTasksCommand',
    ]);
    expect(outcome).toMatchObject({ outcome: 'resumed', previousStatus: 'modifying' });
  });

  test('a running task is left alone', async () => {
    const { dms, resume } = resumeSetup([cdc({ Status: 'running', ...ranBefore })]);
    expect(await resume()).toMatchObject({ outcome: 'already-running' });
    expect(dms.starts_).toHaveLength(0);
  });

  test('a task that never ran is not resumed (a first resume-processing causes data errors)', async () => {
    const { dms, resume, lines } = resumeSetup([cdc({ Status: 'ready' })]);
    expect(await resume()).toMatchObject({ outcome: 'never-started', status: 'ready' });
    expect(dms.starts_).toHaveLength(0);
    expect(lines.some((l) => /never ran/.test(String(l.message)))).toBe(true);
  });

  test('the previous stopped state shown right after the request is not taken for a failed resume', async () => {
    const { resume } = resumeSetup([cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'running', ...ranBefore })]);
    expect(await resume()).toMatchObject({ outcome: 'resumed' });
  });

  test('fails with the failure message when the resumed task fails', async () => {
    const { resume } = resumeSetup([cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'starting', ...ranBefore }), cdc({ Status: 'failed', LastFailureMessage: 'Source LSN no longer available', ...ranBefore })]);
    // The whole message: no stop reason was given, so none is named.
    await expect(resume()).rejects.toThrow(new RegExp(`^task ${ARN} did not resume: it is failed \\(Source LSN no longer available\\)\\. See the task log in CloudWatch\\.$`));
  });

  test('fails when the task is a full-load task, starting nothing', async () => {
    const { dms, resume } = resumeSetup([{ MigrationType: 'full-load', Status: 'stopped', ...ranBefore }]);
    await expect(resume()).rejects.toThrow('is a full-load task; resume-processing would reload its partly loaded tables');
    expect(dms.starts_).toHaveLength(0);
  });

  test('reports resume-requested when the budget ends while the task is starting', async () => {
    const { resume } = resumeSetup([cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'starting', ...ranBefore })], undefined, 40_000);
    expect(await resume()).toMatchObject({ outcome: 'resume-requested' });
  });

  test('InvalidResourceStateFault on start: someone else started it, reported already-running', async () => {
    const { resume } = resumeSetup([cdc({ Status: 'stopped', ...ranBefore }), cdc({ Status: 'running', ...ranBefore })], [awsError('InvalidResourceStateFault', 'task is running')]);
    expect(await resume()).toMatchObject({ outcome: 'already-running' });
  });

  test('fails when the task is still modifying at the end of the budget', async () => {
    const { dms, resume } = resumeSetup([cdc({ Status: 'modifying', ...ranBefore })], undefined, 40_000);
    await expect(resume()).rejects.toThrow('is still modifying at the end of the budget; nothing was started');
    expect(dms.starts_).toHaveLength(0);
  });
});

/** Resume, case by case: which states are refused, how a lost race and a failed start are told apart, what is reported. */
describe('dms-task-runner resume: refusals, races and what it reports', () => {
  const ran = { MigrationType: 'full-load-and-cdc' as const, ReplicationTaskStartDate: new Date(T0 - 3 * 86_400_000), RecoveryCheckpoint: 'checkpoint:V1#27#...' };
  function resumeWith(describes: Step[], starts?: Array<Error | undefined>, budgetMs = 300_000) {
    const dms = new FakeDms(describes, starts);
    const clock = new FakeClock();
    const lines: Array<Record<string, unknown>> = [];
    const runner = new DmsTaskRunner(dms, createLogger({ service: 'test', level: 'debug', sink: (l) => lines.push(JSON.parse(l)) }), clock);
    const resume = () => runner.resume({ taskArn: ARN, pollIntervalMs: 10_000, safetyMarginMs: 15_000, remainingTimeMs: () => budgetMs - (clock.t - T0), baseBackoffMs: 500 });
    return { dms, clock, lines, resume };
  }

  test('a task in a state it cannot be resumed from (deleting) is refused, naming the state, and nothing is started', async () => {
    const { dms, resume } = resumeWith([{ ...ran, Status: 'deleting' }]);
    await expect(resume()).rejects.toThrow(`task ${ARN} is deleting; it can be resumed only when stopped or failed. Nothing was started.`);
    expect(dms.starts_).toHaveLength(0);
  });

  test('a task that reports no status is refused as unknown', async () => {
    const { dms, resume } = resumeWith([{ ...ran, Status: undefined }]);
    await expect(resume()).rejects.toThrow(`task ${ARN} is unknown; it can be resumed only when stopped or failed.`);
    expect(dms.starts_).toHaveLength(0);
  });

  test('a failed task that ran before is resumed too', async () => {
    const { dms, resume } = resumeWith([{ ...ran, Status: 'failed' }, { ...ran, Status: 'running' }]);
    expect(await resume()).toMatchObject({ outcome: 'resumed', previousStatus: 'failed' });
    expect(dms.starts_).toHaveLength(1);
  });

  test('the outcome carries the task, both states and the time waited, and is logged with the resume context', async () => {
    const { resume, lines } = resumeWith([{ ...ran, Status: 'stopped' }, { ...ran, Status: 'starting' }, { ...ran, Status: 'running' }]);
    expect(await resume()).toEqual({ outcome: 'resumed', taskArn: ARN, previousStatus: 'stopped', status: 'running', waitedMs: 20_000 });
    expect(lines.find((l) => l.message === 'resume-processing requested')).toMatchObject({ taskArn: ARN, action: 'resume', previousStatus: 'stopped', recoveryCheckpoint: 'present' });
    expect(lines.find((l) => l.message === 'resume finished')).toMatchObject({ level: 'info', taskArn: ARN, action: 'resume', outcome: 'resumed', previousStatus: 'stopped', status: 'running', waitedMs: 20_000 });
  });

  test('the log says when the task has no recovery checkpoint', async () => {
    const { resume, lines } = resumeWith([{ ...ran, RecoveryCheckpoint: undefined, Status: 'stopped' }, { ...ran, Status: 'running' }]);
    await resume();
    expect(lines.find((l) => l.message === 'resume-processing requested')).toMatchObject({ recoveryCheckpoint: 'absent' });
  });

  test('a task that never ran is reported with the warning and the state it was found in', async () => {
    const { resume, lines } = resumeWith([{ MigrationType: 'cdc', Status: 'ready' }]);
    expect(await resume()).toMatchObject({ outcome: 'never-started', previousStatus: 'ready', status: 'ready', waitedMs: 0 });
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ message: 'task never ran: not resuming (a first start must be start-replication, after the source is prepared)', status: 'ready', action: 'resume' });
  });

  test('a start refused for another reason (access denied) fails the resume as it is', async () => {
    const denied = awsError('AccessDeniedException', 'not authorized to perform dms:StartReplicationTask', 403);
    const { dms, resume } = resumeWith([{ ...ran, Status: 'stopped' }, { ...ran, Status: 'running' }], [denied]);
    await expect(resume()).rejects.toBe(denied);
    expect(dms.calls.map((c) => c.command)).toEqual(['DescribeReplicationTasksCommand', 'StartReplicationTaskCommand']);
  });

  test('InvalidResourceStateFault while the task is not running: fails naming its state and the fault', async () => {
    const { resume } = resumeWith([{ ...ran, Status: 'stopped' }, { ...ran, Status: 'modifying' }], [awsError('InvalidResourceStateFault', 'task is being modified')]);
    await expect(resume()).rejects.toThrow(`task ${ARN} could not be resumed from modifying: task is being modified`);
  });

  test('InvalidResourceStateFault while the task is starting counts as already running', async () => {
    const { resume } = resumeWith([{ ...ran, Status: 'stopped' }, { ...ran, Status: 'starting' }], [awsError('InvalidResourceStateFault', 'task is starting')]);
    expect(await resume()).toMatchObject({ outcome: 'already-running', previousStatus: 'stopped', status: 'starting' });
  });

  test('a resume that failed before "starting" was seen is recognised by its start date, with the stop reason in the message', async () => {
    const { resume } = resumeWith([
      { ...ran, Status: 'stopped' },
      { ...ran, Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR', ReplicationTaskStats: { StartDate: new Date(T0 + 2_000) } },
    ]);
    await expect(resume()).rejects.toThrow(new RegExp(`^task ${ARN} did not resume: it is failed, stop reason Stop Reason FATAL_ERROR\\. See the task log in CloudWatch\\.$`));
  });

  test('a start date up to a minute before the request (clock skew) counts as this start; an older one does not', async () => {
    const at = (ms: number): Step => ({ ...ran, Status: 'stopped', ReplicationTaskStats: { StartDate: new Date(T0 + ms) } });
    const skewed = resumeWith([{ ...ran, Status: 'stopped' }, at(-60_000)]);
    await expect(skewed.resume()).rejects.toThrow('did not resume: it is stopped');
    const old = resumeWith([{ ...ran, Status: 'stopped' }, at(-60_001), { ...ran, Status: 'running' }]);
    expect(await old.resume()).toMatchObject({ outcome: 'resumed' });
  });

  test('a poll that ends exactly at the deadline is still made', async () => {
    // Deadline: 35 s budget - 15 s margin = 20 s; polls at 10 s and 20 s.
    const { resume } = resumeWith([{ ...ran, Status: 'stopped' }, { ...ran, Status: 'starting' }, { ...ran, Status: 'running' }], undefined, 35_000);
    expect(await resume()).toMatchObject({ outcome: 'resumed', waitedMs: 20_000 });
    // Deadline 30 s: the settling task is polled at 0, 10, 20 and 30 s, then the budget is spent.
    const settling = resumeWith([{ ...ran, Status: 'modifying' }, { ...ran, Status: 'modifying' }, { ...ran, Status: 'modifying' }, { ...ran, Status: 'stopped' }], undefined, 45_000);
    expect(await settling.resume()).toMatchObject({ outcome: 'resume-requested', previousStatus: 'modifying' });
    expect(settling.dms.starts_).toHaveLength(1);
  });

  test('waiting for a settling task gives up at the deadline, not later', async () => {
    // Deadline 25 s: polls at 0, 10 and 20 s; a third sleep would end past it.
    const { clock, resume } = resumeWith([{ ...ran, Status: 'modifying' }], undefined, 40_000);
    await expect(resume()).rejects.toThrow('is still modifying at the end of the budget');
    expect(clock.sleeps).toEqual([10_000, 10_000]);
  });

  test('when the budget ends before the start shows, the outcome says the resume was requested, with the task still starting', async () => {
    const { dms, resume } = resumeWith([{ ...ran, Status: 'stopped' }], undefined, 30_000);
    expect(await resume()).toEqual({ outcome: 'resume-requested', taskArn: ARN, previousStatus: 'stopped', status: 'starting', waitedMs: 10_000 });
    expect(dms.starts_).toHaveLength(1);
  });
});
