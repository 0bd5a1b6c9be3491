import { buildTaskSettings, deepMerge, stripReadOnlyKeys, validateTaskSettings, VALIDATION_SOURCE_ENGINES } from '../../../modules/dms-migration/task-settings';

/**
 * The task settings builder and its checks, without a stack (builders.test.ts has the defaults and the main
 * failures). Setting names and values follow the DMS user guide, "Specifying task settings for AWS Database
 * Migration Service tasks" and its pages:
 * - Target metadata (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata.html):
 *   "If you set SupportLobs=true, you must set one of the following to true: FullLobMode, ... LimitedSizeLobMode";
 *   the maximum value of LobMaxSize is 102400 KB (also "Setting LOB support for source databases in an AWS DMS task").
 * - Error handling (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.ErrorHandling.html):
 *   DataErrorPolicy / DataTruncationErrorPolicy take IGNORE_RECORD, LOG_ERROR, SUSPEND_TABLE, STOP_TASK.
 * - AWS Config rules dms-replication-task-sourcedb-logging / -targetdb-logging: logging on, with the source (SOURCE_CAPTURE,
 *   SOURCE_UNLOAD) and target (TARGET_LOAD, TARGET_APPLY) components at a valid severity.
 */

const section = (s: Record<string, unknown>, name: string) => s[name] as Record<string, unknown>;
const LIMITED = { mode: 'limited', maxSizeKiB: 32 } as const;

describe('deepMerge', () => {
  test('merges objects key by key at every depth, and leaves its inputs alone', () => {
    const a = { A: { x: 1, deep: { p: 1, q: 2 } }, B: 1 };
    const b = { A: { y: 2, deep: { q: 3 } }, C: 3 };
    expect(deepMerge(a, b)).toEqual({ A: { x: 1, y: 2, deep: { p: 1, q: 3 } }, B: 1, C: 3 });
    expect(a).toEqual({ A: { x: 1, deep: { p: 1, q: 2 } }, B: 1 });
  });

  test('arrays, scalars and null from the override replace what was there, whatever its type', () => {
    expect(deepMerge({ L: [1, 2], S: { x: 1 }, T: 1, N: { x: 1 } }, { L: [3], S: 'flat', T: { y: 2 }, N: null })).toEqual({ L: [3], S: 'flat', T: { y: 2 }, N: null });
    // An object is not merged into an array.
    expect(deepMerge({ L: [1] }, { L: { 0: 9 } })).toEqual({ L: { 0: 9 } });
  });
});

describe('stripReadOnlyKeys', () => {
  test('drops both read-only Logging keys from a copy, keeping the rest', () => {
    const input = { Logging: { EnableLogging: true, CloudWatchLogGroup: 'g', CloudWatchLogStream: 's' }, Other: { CloudWatchLogGroup: 'kept' } };
    expect(stripReadOnlyKeys(input)).toEqual({ Logging: { EnableLogging: true }, Other: { CloudWatchLogGroup: 'kept' } });
    expect(input.Logging.CloudWatchLogGroup).toBe('g');
  });

  test('leaves a Logging value that is not an object as it is', () => {
    expect(stripReadOnlyKeys({ Logging: 'on' })).toEqual({ Logging: 'on' });
  });
});

describe('buildTaskSettings passes every prop through', () => {
  test('target metadata, full-load, validation and error settings take the props', () => {
    const s = buildTaskSettings({
      targetSchema: 'sales',
      batchApply: true,
      maxFullLoadSubTasks: 16,
      commitRate: 50000,
      validationOnly: true,
      validationThreads: 2,
      targetTablePrepMode: 'DO_NOTHING',
      dataErrorPolicy: 'STOP_TASK',
      dataTruncationErrorPolicy: 'LOG_ERROR',
      tableErrorPolicy: 'STOP_TASK',
      failOnNoTablesCaptured: false,
    });
    expect(section(s, 'TargetMetadata')).toMatchObject({ TargetSchema: 'sales', BatchApplyEnabled: true });
    expect(section(s, 'FullLoadSettings')).toMatchObject({ TargetTablePrepMode: 'DO_NOTHING', MaxFullLoadSubTasks: 16, CommitRate: 50000 });
    expect(section(s, 'ValidationSettings')).toMatchObject({ EnableValidation: true, ValidationOnly: true, ThreadCount: 2 });
    expect(section(s, 'ErrorBehavior')).toMatchObject({ DataErrorPolicy: 'STOP_TASK', DataTruncationErrorPolicy: 'LOG_ERROR', TableErrorPolicy: 'STOP_TASK', FailOnNoTablesCaptured: false });
  });

  test('the defaults: source schema names, no batch apply, 8 tables at a time, 10000 rows per commit, 5 validation threads, migrating and validating', () => {
    const s = buildTaskSettings();
    expect(section(s, 'TargetMetadata')).toMatchObject({ TargetSchema: '', BatchApplyEnabled: false, InlineLobMaxSize: 0 });
    expect(section(s, 'FullLoadSettings')).toMatchObject({ MaxFullLoadSubTasks: 8, CommitRate: 10000 });
    expect(section(s, 'ValidationSettings')).toMatchObject({ EnableValidation: true, ValidationOnly: false, ThreadCount: 5 });
    expect(section(s, 'ErrorBehavior')).toMatchObject({ TableErrorPolicy: 'SUSPEND_TABLE' });
  });

  // The settings no prop changes, each with what a different value would do to a migration (DMS guide: full-load
  // settings CHAP_Tasks.CustomizingTasks.TaskSettings.FullLoad.html, error handling
  // CHAP_Tasks.CustomizingTasks.TaskSettings.ErrorHandling.html, validation CHAP_Validating.html). Written out so the
  // plan shows them; overrides change them.
  test.each([
    ['FullLoadSettings', 'StopTaskCachedChangesApplied', false, 'true stops a full-load-and-cdc task once the full load and its cached changes are applied: CDC never continues'],
    ['FullLoadSettings', 'StopTaskCachedChangesNotApplied', false, 'true stops it before the cached changes are applied: the changes made during the load wait for a manual resume'],
    ['FullLoadSettings', 'CreatePkAfterFullLoad', false, 'keys exist on the target while it loads, as the target schema (not DMS) defines them'],
    ['ValidationSettings', 'ValidationMode', 'ROW_LEVEL', 'rows are compared one by one'],
    ['ValidationSettings', 'HandleCollationDiff', false, 'no collation translation: rows compare as the databases store them'],
    ['ValidationSettings', 'SkipLobColumns', false, 'LOB columns are validated too'],
    ['ErrorBehavior', 'DataErrorEscalationPolicy', 'SUSPEND_TABLE', 'a table past its data-error count stops replicating, the others go on'],
    ['ErrorBehavior', 'TableErrorEscalationPolicy', 'STOP_TASK', 'table errors past their count stop the task for a person to look'],
    ['ErrorBehavior', 'RecoverableErrorCount', -1, 'DMS restarts the task after environmental errors (a lost connection) without limit'],
    ['ErrorBehavior', 'RecoverableErrorThrottling', true, 'those restarts back off, up to RecoverableErrorThrottlingMax seconds apart'],
    ['ErrorBehavior', 'ApplyErrorDeletePolicy', 'IGNORE_RECORD', 'a CDC delete of a row the target no longer has is skipped, not logged as an error'],
    ['ErrorBehavior', 'FullLoadIgnoreConflicts', true, 'cached changes that overlap rows the full load already copied ("zero rows affected", duplicates) are not errors'],
    // Control tables (CHAP_Tasks.CustomizingTasks.TaskSettings.ControlTable.html): only the suspended-tables list, in
    // the target's control schema (ControlSchema), where a person reads why a table stopped.
    ['ControlTablesSettings', 'SuspendedTablesTableEnabled', true, 'dmslogs.awsdms_suspended_tables lists each suspended table with the reason'],
    ['ControlTablesSettings', 'HistoryTableEnabled', false, 'no awsdms_history table written into the target every 5 minutes'],
    ['ControlTablesSettings', 'StatusTableEnabled', false, 'no awsdms_status table written into the target'],
    ['ChangeProcessingTuning', 'BatchApplyPreserveTransaction', true, 'with batch apply on, a source transaction still lands in one target transaction'],
  ] as Array<[string, string, unknown, string]>)('fixed: %s.%s is %s (%s)', (sectionName, key, value) => {
    expect(section(buildTaskSettings(), sectionName)[key]).toBe(value);
    expect(section(buildTaskSettings({ overrides: { [sectionName]: { [key]: 'changed' } } }), sectionName)[key]).toBe('changed');
  });

  test('inline LOB mode sends LOBs up to 32 KiB inline and uses 64 KiB chunks unless told otherwise; limited mode has no chunks', () => {
    expect(section(buildTaskSettings({ lob: { mode: 'inline' } }), 'TargetMetadata')).toMatchObject({ SupportLobs: true, FullLobMode: true, InlineLobMaxSize: 32, LobChunkSize: 64, LobMaxSize: 0 });
    expect(section(buildTaskSettings({ lob: { mode: 'inline', chunkSizeKiB: 32 } }), 'TargetMetadata')).toMatchObject({ LobChunkSize: 32 });
    expect(section(buildTaskSettings({ lob: LIMITED }), 'TargetMetadata')).toMatchObject({ SupportLobs: true, LobChunkSize: 0, LobMaxSize: 32 });
    expect(section(buildTaskSettings({ lob: { mode: 'none' } }), 'TargetMetadata')).toMatchObject({ FullLobMode: false, LobChunkSize: 0, InlineLobMaxSize: 0, LobMaxSize: 0 });
  });

  test('logging covers the source and target components at the default severity', () => {
    const components = section(buildTaskSettings(), 'Logging').LogComponents as Array<{ Id: string; Severity: string }>;
    expect(components.map((c) => c.Id)).toEqual(expect.arrayContaining(['SOURCE_CAPTURE', 'SOURCE_UNLOAD', 'TARGET_LOAD', 'TARGET_APPLY']));
    expect(new Set(components.map((c) => c.Id)).size).toBe(components.length);
    expect(components.every((c) => c.Severity === 'LOGGER_SEVERITY_DEFAULT' && c.Id !== '')).toBe(true);
  });

  test('overrides win over the builder, and the read-only keys they bring are dropped', () => {
    const s = buildTaskSettings({ overrides: { ErrorBehavior: { DataErrorPolicy: 'LOG_ERROR' }, Logging: { CloudWatchLogStream: 's' } } });
    expect(section(s, 'ErrorBehavior')).toMatchObject({ DataErrorPolicy: 'LOG_ERROR', DataTruncationErrorPolicy: 'SUSPEND_TABLE' });
    expect(section(s, 'Logging')).not.toHaveProperty('CloudWatchLogStream');
    expect(section(s, 'Logging').EnableLogging).toBe(true);
  });
});

describe('validateTaskSettings: validation and the source engine', () => {
  test.each([...VALIDATION_SOURCE_ENGINES])('a %s source into a database validates without a finding', (sourceEngine) => {
    expect(validateTaskSettings(buildTaskSettings(), { targetKind: 'database', sourceEngine })).toEqual([]);
  });

  test('lists the engines the DMS guide names for validation', () => {
    expect([...VALIDATION_SOURCE_ENGINES].sort()).toEqual(['aurora', 'aurora-postgresql', 'db2', 'mariadb', 'mysql', 'oracle', 'postgres', 'sqlserver']);
  });

  test('fails when validation is on for a source DMS cannot validate, naming the engine, and says nothing else', () => {
    expect(validateTaskSettings(buildTaskSettings(), { targetKind: 'database', sourceEngine: 's3' })).toEqual([
      'ValidationSettings.EnableValidation is on, but DMS data validation does not work with a s3 source (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Validating.html: Oracle, PostgreSQL, MySQL, SQL Server and Db2 LUW sources only). Set validation: false and check the load another way, e.g. row counts per table on both sides (templates/postgres/row-counts.sql).',
    ]);
  });

  test('a source DMS cannot validate may go into a database without validation', () => {
    expect(validateTaskSettings(buildTaskSettings({ validation: false }), { targetKind: 'database', sourceEngine: 'mongodb' })).toEqual([]);
  });

  test('an unknown source engine is treated as one DMS validates', () => {
    expect(validateTaskSettings(buildTaskSettings({ validation: false }), { targetKind: 'database' })[0]).toContain('database targets need ValidationSettings.EnableValidation = true');
  });

  test('the masking finding names masking, not the database rule', () => {
    expect(validateTaskSettings(buildTaskSettings(), { targetKind: 'database', masking: true })).toEqual([expect.stringMatching(/^table mappings mask columns and ValidationSettings.EnableValidation is on/)]);
  });
});

describe('validateTaskSettings: Kafka targets', () => {
  test('fails when validation is on for a Kafka target', () => {
    expect(validateTaskSettings(buildTaskSettings({ lob: LIMITED }), { targetKind: 'kafka' })).toEqual([
      'ValidationSettings.EnableValidation is on for a Kafka target, which DMS data validation does not compare rows with (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Validating.html: database targets, and S3 through Athena). Set validation: false (the default for Kafka targets) and reconcile on the consumer side, e.g. counts per table.',
    ]);
  });

  test.each([{ mode: 'full' } as const, { mode: 'inline' } as const])('fails when a Kafka target gets LOB mode %o (no bound on a message)', (lob) => {
    expect(validateTaskSettings(buildTaskSettings({ lob, validation: false }), { targetKind: 'kafka' })).toEqual([
      "Kafka targets take messages of at most 1 MiB (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kafka.html#CHAP_Target.Kafka.Limitations), and full LOB mode (or inline LOB mode, which relies on it) puts no bound on a LOB. Use lob: { mode: 'limited', maxSizeKiB } above the largest LOB the preflight query measured and below messageMaxBytes, or lob: { mode: 'none' }.",
    ]);
  });

  test('a Kafka target with limited or no LOBs and no validation is fine', () => {
    expect(validateTaskSettings(buildTaskSettings({ lob: LIMITED, validation: false }), { targetKind: 'kafka' })).toEqual([]);
    expect(validateTaskSettings(buildTaskSettings({ lob: { mode: 'none' }, validation: false }), { targetKind: 'kafka' })).toEqual([]);
  });
});

describe('validateTaskSettings: LOB settings in raw JSON', () => {
  const raw = (targetMetadata: Record<string, unknown>) => ({ Logging: { EnableLogging: true }, ValidationSettings: { EnableValidation: false }, TargetMetadata: targetMetadata });

  test('with SupportLobs false no LOB mode is checked', () => {
    expect(validateTaskSettings(raw({ SupportLobs: false, FullLobMode: true, InlineLobMaxSize: 8, LimitedSizeLobMode: true, LobMaxSize: 0 }), { targetKind: 's3' })).toEqual([]);
  });

  test('inline LOBs without FullLobMode say it is unset when it is', () => {
    expect(validateTaskSettings(raw({ InlineLobMaxSize: '16' }), { targetKind: 'database', sourceEngine: 'mongodb' })).toEqual([expect.stringMatching(/^TargetMetadata.InlineLobMaxSize is 16 but FullLobMode is unset: /)]);
  });

  test('inline LOBs alone count as full LOB mode for S3 and Kinesis targets', () => {
    expect(validateTaskSettings(raw({ InlineLobMaxSize: 16, FullLobMode: false }), { targetKind: 'kinesis' }).join('\n')).toContain('Kinesis targets do not support full LOB mode');
    expect(validateTaskSettings(raw({ InlineLobMaxSize: 16, FullLobMode: false }), { targetKind: 's3' }).join('\n')).toContain('S3 targets do not support full LOB mode');
  });

  test('full LOB mode on a database target is fine', () => {
    expect(validateTaskSettings(raw({ SupportLobs: true, FullLobMode: true, LobChunkSize: 64 }), { targetKind: 'database', sourceEngine: 'mongodb' })).toEqual([]);
  });

  test.each([1, 102400])('limited LOB mode accepts LobMaxSize %p KiB (the documented range)', (LobMaxSize) => {
    expect(validateTaskSettings(raw({ SupportLobs: true, LimitedSizeLobMode: true, LobMaxSize }), { targetKind: 's3' })).toEqual([]);
  });

  test.each<[unknown, string]>([['64', 'the string "64"'], [undefined, 'a missing size']])('limited LOB mode refuses LobMaxSize %p (%s), showing it', (LobMaxSize) => {
    expect(validateTaskSettings(raw({ SupportLobs: true, LimitedSizeLobMode: true, LobMaxSize }), { targetKind: 's3' })).toEqual([
      `limited LOB mode needs LobMaxSize between 1 and 102400 KiB (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.LOBSupport.html); it is ${String(LobMaxSize)}. Size it above the largest LOB the preflight query measured.`,
    ]);
  });
});

describe('validateTaskSettings: other sections', () => {
  test('an empty document (or sections that are not objects) lacks logging and, for a database, validation', () => {
    for (const settings of [{}, { Logging: [], ValidationSettings: 'on' }]) {
      const problems = validateTaskSettings(settings, { targetKind: 'database' });
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^task settings must set Logging.EnableLogging = true/);
      expect(problems[1]).toMatch(/^database targets need ValidationSettings.EnableValidation = true/);
    }
  });

  test('an apply escalation count must be a whole number of 1 or more unless the policy only logs', () => {
    const withEscalation = (ErrorBehavior: Record<string, unknown>) => validateTaskSettings({ Logging: { EnableLogging: true }, ErrorBehavior }, { targetKind: 's3' });
    expect(withEscalation({ ApplyErrorEscalationPolicy: 'STOP_TASK', ApplyErrorEscalationCount: 1 })).toEqual([]);
    expect(withEscalation({ ApplyErrorEscalationPolicy: 'LOG_ERROR', ApplyErrorEscalationCount: 0 })).toEqual([]);
    expect(withEscalation({})).toEqual([]);
    expect(withEscalation({ ApplyErrorEscalationPolicy: 'SUSPEND_TABLE', ApplyErrorEscalationCount: 2.5 })[0]).toContain('ApplyErrorEscalationPolicy is SUSPEND_TABLE but ApplyErrorEscalationCount is 2.5');
    expect(withEscalation({ ApplyErrorEscalationPolicy: 'STOP_TASK', ApplyErrorEscalationCount: '10' })[0]).toContain('ApplyErrorEscalationCount is 10');
    expect(withEscalation({ ApplyErrorEscalationPolicy: 'STOP_TASK' })[0]).toContain('ApplyErrorEscalationCount is undefined');
  });

  test('DROP_AND_CREATE is refused unless allowed; the other preparation modes need no opt-in', () => {
    expect(validateTaskSettings(buildTaskSettings({ targetTablePrepMode: 'DROP_AND_CREATE' }), { targetKind: 'database', allowDropAndCreate: false })).toHaveLength(1);
    expect(validateTaskSettings(buildTaskSettings({ targetTablePrepMode: 'DO_NOTHING' }), { targetKind: 'database' })).toEqual([]);
  });

  test('names each read-only key found', () => {
    expect(validateTaskSettings({ Logging: { EnableLogging: true, CloudWatchLogGroup: 'g', CloudWatchLogStream: 's' } }, { targetKind: 's3' })).toEqual([
      'task settings contain the read-only key Logging.CloudWatchLogGroup; DMS sets it and Terraform would show a diff on every plan. Remove it.',
      'task settings contain the read-only key Logging.CloudWatchLogStream; DMS sets it and Terraform would show a diff on every plan. Remove it.',
    ]);
  });
});
