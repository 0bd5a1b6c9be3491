/**
 * Typed builder for DMS task settings (`aws_dms_replication_task.replication_task_settings`).
 * Defaults are the safe ones: logging on, validation on for database targets, full LOB mode (nothing truncated)
 * where LOB sizes are unknown, errors that suspend the table rather than only logging, and a target preparation
 * that never drops tables unless asked. Read-only keys DMS fills in itself (`Logging.CloudWatchLogGroup`,
 * `Logging.CloudWatchLogStream`) are never emitted: they make Terraform show a diff on every plan.
 *
 * LOBs (DMS guide, "Setting LOB support for source databases in an AWS DMS task":
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.LOBSupport.html): limited LOB mode truncates LOBs
 * above LobMaxSize "and a warning is issued to the log file"; no error policy turns that into a table error
 * (DataTruncationErrorPolicy does not apply to it). Use it only with LobMaxSize above the largest LOB a preflight
 * query measured (templates/sqlserver/00-preflight-checks.sql, templates/postgres/source-preflight.sql), or from a
 * PostgreSQL source whose endpoint sets FailTasksOnLobTruncation (the task then fails instead).
 */

/** DMS guide pages the LOB rules follow. */
export const LOB_DOCS = {
  support: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.LOBSupport.html',
  targetMetadata: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata.html',
  s3Target: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html#CHAP_Target.S3.Limitations',
  kinesisTarget: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kinesis.html#CHAP_Target.Kinesis.Limitations',
  /** "AWS DMS supports a maximum message size of 1 MiB for a Kafka target": a full-mode LOB has no size bound. */
  kafkaTarget: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kafka.html#CHAP_Target.Kafka.Limitations',
} as const;

export type TargetTablePrepMode = 'DO_NOTHING' | 'TRUNCATE_BEFORE_LOAD' | 'DROP_AND_CREATE';
export type ErrorPolicy = 'IGNORE_RECORD' | 'LOG_ERROR' | 'SUSPEND_TABLE' | 'STOP_TASK';

/** How large objects (text, varbinary(max), jsonb...) are migrated. */
export type LobSettings =
  /**
   * LOBs up to `maxSizeKiB` are migrated in bulk; larger ones are TRUNCATED with only a warning in the task log.
   * Fast. `maxSizeKiB` (1-102400) must be above the largest LOB the preflight query measured. The only mode S3 and
   * Kinesis targets support.
   */
  | { readonly mode: 'limited'; readonly maxSizeKiB: number }
  /** Every LOB migrated whole, in chunks. Slow but lossless. Not supported by S3 and Kinesis targets. */
  | { readonly mode: 'full'; readonly chunkSizeKiB?: number }
  /**
   * Full LOB mode (`FullLobMode: true`) that sends LOBs up to `inlineMaxSizeKiB` inline during the full load; larger
   * ones travel in full LOB mode (DMS guide, target metadata `InlineLobMaxSize`). Lossless.
   */
  | { readonly mode: 'inline'; readonly inlineMaxSizeKiB?: number; readonly chunkSizeKiB?: number }
  /** LOB columns are not migrated at all. */
  | { readonly mode: 'none' };

export interface TaskSettingsProps {
  /**
   * Row-level validation comparing source and target. Required for database targets (DMS-TASK-VALIDATION) from
   * the sources DMS validates (Oracle, PostgreSQL, MySQL, SQL Server, Db2 LUW). For S3 targets DMS validates through
   * Amazon Athena, which needs more setup than this module does; the construct turns it off for S3 and Kinesis
   * targets, and for sources DMS cannot validate (an S3 source: refused there), unless you set it.
   * @default true
   */
  readonly validation?: boolean;
  /** Only validate (no migration), e.g. to re-check a finished migration. @default false */
  readonly validationOnly?: boolean;
  /** @default 5 */
  readonly validationThreads?: number;
  /**
   * @default `{ mode: 'full' }` (LOB sizes unknown: nothing truncated). The task construct defaults S3 and Kinesis
   * targets, which do not support full LOB mode, to `{ mode: 'limited', maxSizeKiB: 32 }`.
   */
  readonly lob?: LobSettings;
  /** @default 'TRUNCATE_BEFORE_LOAD' */
  readonly targetTablePrepMode?: TargetTablePrepMode;
  /** DROP_AND_CREATE drops target tables (their indexes, grants, constraints): refused unless set. @default false */
  readonly allowDropAndCreate?: boolean;
  /** What a row DMS cannot convert does. @default 'SUSPEND_TABLE' */
  readonly dataErrorPolicy?: ErrorPolicy;
  /**
   * What a data truncation error does. It does not cover LOBs cut by limited LOB mode, which DMS truncates with only
   * a warning (see `lob`). @default 'SUSPEND_TABLE'
   */
  readonly dataTruncationErrorPolicy?: ErrorPolicy;
  /** What a table that fails to load does. @default 'SUSPEND_TABLE' */
  readonly tableErrorPolicy?: 'SUSPEND_TABLE' | 'STOP_TASK';
  /** Stop the task when the table mappings select no table (a typo in a schema name). @default true */
  readonly failOnNoTablesCaptured?: boolean;
  /**
   * What happens once a table has had `applyErrorEscalationCount` CDC apply conflicts (an update or delete of a row
   * the target lacks, an insert of a row it has). Below the threshold each conflict is logged and written to the
   * target's `awsdms_apply_exceptions` table; at the threshold the task stops, so the failure event reaches the
   * alarm topic instead of the target drifting silently (DMS's own default only logs, with no threshold:
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.ErrorHandling.html).
   * @default { policy: 'STOP_TASK', count: 10 }
   */
  readonly applyErrorEscalation?: { readonly policy: 'STOP_TASK' | 'SUSPEND_TABLE'; readonly count: number } | 'log-only';
  /** Tables loaded in parallel during full load (1-49). @default 8 */
  readonly maxFullLoadSubTasks?: number;
  /** Rows per commit during full load. @default 10000 */
  readonly commitRate?: number;
  /** Batch-optimised apply for CDC (faster; needs primary keys on every table). @default false */
  readonly batchApply?: boolean;
  /**
   * Target schema for tables whose schema is not renamed by a mapping (database targets).
   * @default '' (the source schema name)
   */
  readonly targetSchema?: string;
  /**
   * Schema on the target database where DMS keeps its control tables (awsdms_apply_exceptions, validation
   * failures...). Set it to a schema the DMS login may create in: from PostgreSQL 15, `public` is not writable
   * by other users, and a task whose control tables cannot be created fails at start.
   * @default '' (DMS's default: the target's default schema)
   */
  readonly controlSchema?: string;
  /** Deep-merged last: any other documented setting. Read-only keys are dropped. */
  readonly overrides?: Record<string, unknown>;
}

/** Keys DMS computes itself; emitting them makes every plan show a diff (hashicorp/terraform-provider-aws). */
export const READ_ONLY_TASK_SETTING_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['Logging', 'CloudWatchLogGroup'],
  ['Logging', 'CloudWatchLogStream'],
];

const LOG_COMPONENTS = [
  'TRANSFORMATION',
  'SOURCE_UNLOAD',
  'IO',
  'TARGET_LOAD',
  'PERFORMANCE',
  'SOURCE_CAPTURE',
  'SORTER',
  'REST_SERVER',
  'VALIDATOR_EXT',
  'TARGET_APPLY',
  'TASK_MANAGER',
  'TABLES_MANAGER',
  'METADATA_MANAGER',
  'FILE_FACTORY',
  'COMMON',
  'ADDONS',
  'DATA_STRUCTURE',
  'COMMUNICATION',
  'FILE_TRANSFER',
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge: objects merge key by key; arrays and scalars from `b` replace those in `a`. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** Removes the read-only keys (returns a copy). */
export function stripReadOnlyKeys(settings: Record<string, unknown>): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
  for (const [section, key] of READ_ONLY_TASK_SETTING_KEYS) {
    const s = out[section];
    if (isPlainObject(s)) delete s[key];
  }
  return out;
}

/** The settings document as a plain object (validated by `validateTaskSettings`). */
export function buildTaskSettings(props: TaskSettingsProps = {}): Record<string, unknown> {
  const lob: LobSettings = props.lob ?? { mode: 'full' };
  const targetMetadata: Record<string, unknown> = {
    TargetSchema: props.targetSchema ?? '',
    SupportLobs: lob.mode !== 'none',
    // Inline LOB mode is full LOB mode with small LOBs sent inline: LOBs above InlineLobMaxSize travel in full LOB mode.
    FullLobMode: lob.mode === 'full' || lob.mode === 'inline',
    LimitedSizeLobMode: lob.mode === 'limited',
    LobMaxSize: lob.mode === 'limited' ? lob.maxSizeKiB : 0,
    InlineLobMaxSize: lob.mode === 'inline' ? (lob.inlineMaxSizeKiB ?? 32) : 0,
    LobChunkSize: lob.mode === 'full' || lob.mode === 'inline' ? (lob.chunkSizeKiB ?? 64) : 0,
    BatchApplyEnabled: props.batchApply ?? false,
  };
  const validation = props.validation ?? true;
  const applyEscalation = props.applyErrorEscalation ?? { policy: 'STOP_TASK', count: 10 };
  const settings: Record<string, unknown> = {
    TargetMetadata: targetMetadata,
    FullLoadSettings: {
      TargetTablePrepMode: props.targetTablePrepMode ?? 'TRUNCATE_BEFORE_LOAD',
      CreatePkAfterFullLoad: false,
      StopTaskCachedChangesApplied: false,
      StopTaskCachedChangesNotApplied: false,
      MaxFullLoadSubTasks: props.maxFullLoadSubTasks ?? 8,
      TransactionConsistencyTimeout: 600,
      CommitRate: props.commitRate ?? 10000,
    },
    Logging: {
      EnableLogging: true,
      LogComponents: LOG_COMPONENTS.map((Id) => ({ Id, Severity: 'LOGGER_SEVERITY_DEFAULT' })),
    },
    ValidationSettings: {
      EnableValidation: validation,
      ValidationOnly: props.validationOnly ?? false,
      ValidationMode: 'ROW_LEVEL',
      ThreadCount: props.validationThreads ?? 5,
      FailureMaxCount: 10000,
      TableFailureMaxCount: 1000,
      HandleCollationDiff: false,
      RecordFailureDelayLimitInMinutes: 0,
      SkipLobColumns: false,
    },
    ErrorBehavior: {
      DataErrorPolicy: props.dataErrorPolicy ?? 'SUSPEND_TABLE',
      DataTruncationErrorPolicy: props.dataTruncationErrorPolicy ?? 'SUSPEND_TABLE',
      DataErrorEscalationPolicy: 'SUSPEND_TABLE',
      DataErrorEscalationCount: 0,
      TableErrorPolicy: props.tableErrorPolicy ?? 'SUSPEND_TABLE',
      TableErrorEscalationPolicy: 'STOP_TASK',
      TableErrorEscalationCount: 0,
      RecoverableErrorCount: -1,
      RecoverableErrorInterval: 5,
      RecoverableErrorThrottling: true,
      RecoverableErrorThrottlingMax: 1800,
      ApplyErrorDeletePolicy: 'IGNORE_RECORD',
      ApplyErrorInsertPolicy: 'LOG_ERROR',
      ApplyErrorUpdatePolicy: 'LOG_ERROR',
      ApplyErrorEscalationPolicy: applyEscalation === 'log-only' ? 'LOG_ERROR' : applyEscalation.policy,
      ApplyErrorEscalationCount: applyEscalation === 'log-only' ? 0 : applyEscalation.count,
      FullLoadIgnoreConflicts: true,
      FailOnNoTablesCaptured: props.failOnNoTablesCaptured ?? true,
    },
    ControlTablesSettings: {
      ControlSchema: props.controlSchema ?? '',
      HistoryTimeslotInMinutes: 5,
      HistoryTableEnabled: false,
      SuspendedTablesTableEnabled: true,
      StatusTableEnabled: false,
    },
    ChangeProcessingTuning: {
      BatchApplyPreserveTransaction: true,
      BatchApplyTimeoutMin: 1,
      BatchApplyTimeoutMax: 30,
      BatchSplitSize: 0,
      MinTransactionSize: 1000,
      CommitTimeout: 1,
      MemoryLimitTotal: 1024,
      MemoryKeepTime: 60,
      StatementCacheSize: 50,
    },
  };
  return stripReadOnlyKeys(props.overrides ? deepMerge(settings, props.overrides) : settings);
}

/** What the task writes to, for rules that depend on it. */
export type TargetKind = 'database' | 's3' | 'kinesis' | 'kafka';

/** DMS guide, "AWS DMS data validation": the sources and targets validation works with. */
export const VALIDATION_GUIDE = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Validating.html';

/**
 * Source engines DMS data validation works with (the guide lists Oracle, PostgreSQL-compatible, MySQL-compatible,
 * Microsoft SQL Server and IBM Db2 LUW sources). S3, Kinesis and the other non-database engines are not among them.
 */
export const VALIDATION_SOURCE_ENGINES: ReadonlySet<string> = new Set(['oracle', 'postgres', 'aurora-postgresql', 'mysql', 'mariadb', 'aurora', 'sqlserver', 'db2']);

/**
 * Problems with a settings document, each saying why and how to fix it (empty when fine). Applied to builder
 * output and to raw JSON alike. `sourceEngine`, when known, decides whether validation can run at all.
 */
export function validateTaskSettings(
  settings: Record<string, unknown>,
  context: { targetKind: TargetKind; allowDropAndCreate?: boolean; masking?: boolean; sourceEngine?: string },
): string[] {
  const problems: string[] = [];
  const section = (name: string) => (isPlainObject(settings[name]) ? (settings[name] as Record<string, unknown>) : {});
  const logging = section('Logging');
  if (logging.EnableLogging !== true) {
    problems.push('task settings must set Logging.EnableLogging = true: without task logs a failed or suspended table leaves no trace. Remove the override that turns logging off.');
  }
  const validation = section('ValidationSettings');
  const validatableSource = context.sourceEngine === undefined || VALIDATION_SOURCE_ENGINES.has(context.sourceEngine);
  if (!validatableSource && validation.EnableValidation === true) {
    problems.push(
      `ValidationSettings.EnableValidation is on, but DMS data validation does not work with a ${context.sourceEngine} source (${VALIDATION_GUIDE}: Oracle, PostgreSQL, MySQL, SQL Server and Db2 LUW sources only). Set validation: false and check the load another way, e.g. row counts per table on both sides (templates/postgres/row-counts.sql).`,
    );
  } else if (context.masking && validation.EnableValidation === true) {
    problems.push(
      'table mappings mask columns and ValidationSettings.EnableValidation is on: validation compares the masked target values with the clear source values and reports every masked row as mismatched (DMS premigration assessment: masking and validation must not be enabled together). Set validation: false for this task; for a database target, waive DMS-TASK-VALIDATION for it in the stack, or move the masked tables to a task of their own.',
    );
  } else if (context.targetKind === 'database' && validation.EnableValidation !== true && !context.masking && validatableSource) {
    problems.push(
      'database targets need ValidationSettings.EnableValidation = true: DMS otherwise reports success even when rows were truncated or skipped. Keep validation on (it is the default), or size it down with validationThreads.',
    );
  }
  if (context.targetKind === 'kafka' && validation.EnableValidation === true) {
    problems.push(
      `ValidationSettings.EnableValidation is on for a Kafka target, which DMS data validation does not compare rows with (${VALIDATION_GUIDE}: database targets, and S3 through Athena). Set validation: false (the default for Kafka targets) and reconcile on the consumer side, e.g. counts per table.`,
    );
  }
  const meta = section('TargetMetadata');
  if (meta.SupportLobs !== false) {
    const inline = Number(meta.InlineLobMaxSize ?? 0) > 0;
    if (inline && meta.FullLobMode !== true) {
      problems.push(
        `TargetMetadata.InlineLobMaxSize is ${String(meta.InlineLobMaxSize)} but FullLobMode is ${String(meta.FullLobMode ?? 'unset')}: LOBs above the inline size travel in full LOB mode (${LOB_DOCS.targetMetadata}), so inline LOB mode needs FullLobMode: true. Use lob: { mode: 'inline' }, which sets both.`,
      );
    }
    if ((meta.FullLobMode === true || inline) && context.targetKind === 'kafka') {
      problems.push(
        `Kafka targets take messages of at most 1 MiB (${LOB_DOCS.kafkaTarget}), and full LOB mode (or inline LOB mode, which relies on it) puts no bound on a LOB. Use lob: { mode: 'limited', maxSizeKiB } above the largest LOB the preflight query measured and below messageMaxBytes, or lob: { mode: 'none' }.`,
      );
    }
    if ((meta.FullLobMode === true || inline) && (context.targetKind === 's3' || context.targetKind === 'kinesis')) {
      problems.push(
        `${context.targetKind === 's3' ? 'S3' : 'Kinesis'} targets do not support full LOB mode (${context.targetKind === 's3' ? LOB_DOCS.s3Target : LOB_DOCS.kinesisTarget}), nor inline LOB mode, which relies on it (${LOB_DOCS.support}). Use lob: { mode: 'limited', maxSizeKiB } above the largest LOB the preflight query measured, or lob: { mode: 'none' }.`,
      );
    }
    if (meta.LimitedSizeLobMode === true) {
      const max = meta.LobMaxSize;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 102400) {
        problems.push(`limited LOB mode needs LobMaxSize between 1 and 102400 KiB (${LOB_DOCS.support}); it is ${String(max)}. Size it above the largest LOB the preflight query measured.`);
      }
    }
  }
  const errors = section('ErrorBehavior');
  const applyCount = errors.ApplyErrorEscalationCount;
  if (errors.ApplyErrorEscalationPolicy !== undefined && errors.ApplyErrorEscalationPolicy !== 'LOG_ERROR' && !(typeof applyCount === 'number' && Number.isInteger(applyCount) && applyCount >= 1)) {
    problems.push(
      `ErrorBehavior.ApplyErrorEscalationPolicy is ${String(errors.ApplyErrorEscalationPolicy)} but ApplyErrorEscalationCount is ${String(applyCount)}: the policy acts once a table reaches that many apply conflicts, and 0 sets no threshold. Use applyErrorEscalation: { policy, count } with a count of 1 or more, or 'log-only'.`,
    );
  }
  const prep = section('FullLoadSettings').TargetTablePrepMode;
  if (prep === 'DROP_AND_CREATE' && !context.allowDropAndCreate) {
    problems.push(
      "TargetTablePrepMode DROP_AND_CREATE drops the target tables with their indexes, constraints and grants on every (re)load. Use 'TRUNCATE_BEFORE_LOAD' with a schema created by templates/postgres, or set allowDropAndCreate: true for this task.",
    );
  }
  for (const [s, k] of READ_ONLY_TASK_SETTING_KEYS) {
    if (k in section(s)) problems.push(`task settings contain the read-only key ${s}.${k}; DMS sets it and Terraform would show a diff on every plan. Remove it.`);
  }
  return problems;
}
