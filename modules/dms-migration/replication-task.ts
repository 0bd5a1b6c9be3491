import { Construct } from 'constructs';
import { DmsReplicationTask as DmsReplicationTaskResource } from '@cdktf/provider-aws/lib/dms-replication-task';
import { check, Fn, isResolved, ITerraformDependable, MigrationStack, ValidationError } from '../core';
import { IDmsEndpoint } from './endpoints';
import { IDmsReplicationInstance } from './replication-instance';
import { migrationTypesFor } from './sqlserver-mode';
import { compareEngineVersions, MASKING_MIN_ENGINE, TableMappings, TableMappingsDocument } from './table-mappings';
import { buildTaskSettings, stripReadOnlyKeys, TargetKind, TaskSettingsProps, validateTaskSettings, VALIDATION_SOURCE_ENGINES } from './task-settings';

/** First engine that honours KinesisSettings.UseLargeIntegerValue (the provider's dms_endpoint docs). */
const KINESIS_LARGE_INTEGER_MIN_ENGINE = '3.5.4';

export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** Task settings: typed (recommended) or a raw document (JSON string or object) as exported from the console. */
export type TaskSettingsInput = TaskSettingsProps | { readonly raw: string | Record<string, unknown>; readonly allowDropAndCreate?: boolean };

/** Table mappings: the builder, or raw JSON (string or `{ rules: [...] }`). */
export type TableMappingsInput = TableMappings | string | TableMappingsDocument;

export interface DmsReplicationTaskProps {
  /** Component for the physical task id. */
  readonly component: string;
  readonly instance: IDmsReplicationInstance;
  readonly source: IDmsEndpoint;
  readonly target: IDmsEndpoint;
  /** @default 'full-load' for SQL Server sources in full-load-only mode, else 'full-load-and-cdc' */
  readonly migrationType?: MigrationType;
  readonly tableMappings: TableMappingsInput;
  /** @default safe defaults (see task-settings.ts); validation on for database targets, off otherwise */
  readonly settings?: TaskSettingsInput;
  /**
   * Start the task when Terraform creates it (CDC tasks only). Full-load tasks are never started by Terraform:
   * provider bug #43466 fails the start waiter when the load finishes fast (FULL_LOAD_ONLY_FINISHED); they are
   * started by the runner Lambda or the CLI. CDC tasks default to not starting either, because the runbook
   * starts them after the source is prepared and the endpoints' connection tests pass.
   * @default false
   */
  readonly startOnCreate?: boolean;
  /**
   * Where CDC starts, as a native position of the source's log (DMS API `CdcStartPosition`): a PostgreSQL LSN
   * (`1A/6B0C3D28`, with the slot named on the source endpoint), a SQL Server LSN, a MySQL binlog position, a
   * checkpoint, or, for sources that support a custom start time, a date (`2026-11-23T08:00:00`). PostgreSQL sources
   * take only an LSN (see `cdcStartTime`). Not with `cdcStartTime`.
   */
  readonly cdcStartPosition?: string;
  /**
   * A custom CDC start time (DMS API `CdcStartTime`, provider `cdc_start_time`: RFC 3339 or a Unix timestamp).
   * Refused for PostgreSQL sources, which do not support a custom CDC start time (DMS guide, "Creating tasks for
   * ongoing replication"): start them from a native position instead (`cdcStartPosition` = the LSN of a slot created
   * before the export, `slotName` on the endpoint; templates/postgres/cdc-start-slot.sql).
   */
  readonly cdcStartTime?: string;
  /**
   * Resources the task must wait for, typically `accountRoles.dependable` when the instance is adopted (a created
   * instance already waits for the roles, and the task waits for the instance).
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * One DMS replication task (instance + source + target + mappings + settings), with the network path from the
 * instance to both endpoints opened by `bind`. Settings are validated whether typed or raw.
 */
export class DmsReplicationTask extends Construct {
  readonly task: DmsReplicationTaskResource;
  readonly replicationTaskArn: string;
  readonly replicationTaskId: string;
  /** The task's resource id: the `ReplicationTaskIdentifier` dimension of its CloudWatch metrics. */
  readonly resourceId: string;
  readonly migrationType: MigrationType;
  readonly settingsJson: string;
  readonly tableMappingsJson: string;
  readonly instance: IDmsReplicationInstance;
  readonly targetKind: TargetKind;

  constructor(scope: Construct, id: string, props: DmsReplicationTaskProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    check(props.source.endpointType === 'source', this, `source is a ${props.source.endpointType} endpoint (${props.source.engineName}); pass a source endpoint.`);
    check(props.target.endpointType === 'target', this, `target is a ${props.target.endpointType} endpoint (${props.target.engineName}); pass a target endpoint.`);
    this.instance = props.instance;
    this.targetKind = props.target.targetKind ?? 'database';

    this.migrationType = migrationTypeFor(this, props.source, props.migrationType);
    check(
      !(props.startOnCreate && this.migrationType === 'full-load'),
      this,
      "startOnCreate is set on a full-load task: provider bug #43466 fails the apply when the load finishes fast. Start full loads with the runner Lambda (schedule) or 'aws dms start-replication-task'.",
    );

    validateCdcStart(this, props, this.migrationType);

    const mappings = toMappings(this, props.tableMappings);
    check(mappings.hasInclude, this, 'table mappings select no table: add at least one include rule, e.g. new TableMappings().include({ schema: "dbo" }).');
    if (mappings.usesMasking && props.instance.engineVersion && isResolved(props.instance.engineVersion)) {
      check(
        compareEngineVersions(props.instance.engineVersion, MASKING_MIN_ENGINE) >= 0,
        this,
        `table mappings mask columns, which needs replication engine ${MASKING_MIN_ENGINE} or later; the instance runs ${props.instance.engineVersion}. Raise engineVersion.`,
      );
    }
    if (props.target.engineName === 'kinesis' && props.instance.engineVersion && isResolved(props.instance.engineVersion)) {
      // The Kinesis endpoint sets use_large_integer_value, which the engine honours from 3.5.4.
      check(
        compareEngineVersions(props.instance.engineVersion, KINESIS_LARGE_INTEGER_MIN_ENGINE) >= 0,
        this,
        `the Kinesis target writes integers of up to 18 digits as integers (use_large_integer_value), which needs replication engine ${KINESIS_LARGE_INTEGER_MIN_ENGINE} or later; the instance runs ${props.instance.engineVersion}. Raise engineVersion.`,
      );
    }
    this.tableMappingsJson = mappings.toJson();

    const settings = toSettings(this, props.settings, this.targetKind, mappings.usesMasking, props.source.engineName);
    const problems = validateTaskSettings(settings.doc, {
      targetKind: this.targetKind,
      allowDropAndCreate: settings.allowDropAndCreate,
      masking: mappings.usesMasking,
      sourceEngine: props.source.engineName,
    });
    if (problems.length) throw new ValidationError(this, problems.join(' '));
    this.settingsJson = JSON.stringify(settings.doc);

    props.source.bind(props.instance);
    props.target.bind(props.instance);

    this.replicationTaskId = stack.naming.name(props.component, 'dmsIdentifier');
    this.task = new DmsReplicationTaskResource(this, 'task', {
      replicationTaskId: this.replicationTaskId,
      migrationType: this.migrationType,
      replicationInstanceArn: props.instance.replicationInstanceArn,
      sourceEndpointArn: props.source.endpointArn,
      targetEndpointArn: props.target.endpointArn,
      tableMappings: this.tableMappingsJson,
      replicationTaskSettings: this.settingsJson,
      startReplicationTask: props.startOnCreate ?? false,
      cdcStartPosition: props.cdcStartPosition,
      cdcStartTime: props.cdcStartTime,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.replicationTaskArn = this.task.replicationTaskArn;
    // arn:aws:dms:<region>:<account>:task:<RESOURCE-ID>
    this.resourceId = Fn.element(Fn.split(':', this.replicationTaskArn), 6);
  }
}

/**
 * The migration type: the one given, or the default for the source (full-load for a full-load-only SQL Server
 * source); refused when a SQL Server source's capture mode cannot serve it. Shared by tasks and serverless configs.
 */
export function migrationTypeFor(scope: Construct, source: IDmsEndpoint, given: MigrationType | undefined): MigrationType {
  const mode = source.sqlServerMode;
  const migrationType = given ?? (mode === 'full-load-only' ? 'full-load' : 'full-load-and-cdc');
  if (mode) {
    check(
      migrationTypesFor(mode).includes(migrationType),
      scope,
      mode === 'full-load-only'
        ? `migrationType '${migrationType}' captures changes, but the SQL Server source is in 'full-load-only' mode (no change capture set up). Use migrationType 'full-load', or switch the source to 'ms-cdc' / 'ms-replication'.`
        : `migrationType 'full-load' with a '${mode}' source leaves the change capture unused (and the source's log growing). Use 'full-load-and-cdc', or mode 'full-load-only'.`,
    );
  }
  return migrationType;
}

/** DMS pages the CDC start rules follow. */
export const CDC_START_DOCS = {
  guide: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Task.CDC.html',
  api: 'https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationTask.html',
  slotName: 'https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html',
} as const;

const POSTGRES_ENGINES = new Set(['postgres', 'aurora-postgresql']);
/** A PostgreSQL LSN as pg_lsn prints it: two hexadecimal numbers of up to 8 digits. */
export const POSTGRES_LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

/**
 * CDC start points as DMS accepts them: not both a time and a position; none on a full-load task; and for
 * PostgreSQL sources no custom start time at all (neither `cdcStartTime` nor a date in `cdcStartPosition`), only an
 * LSN, with the slot that holds it named on the source endpoint (`slotName`), which DMS checks before it starts.
 */
function validateCdcStart(scope: Construct, props: DmsReplicationTaskProps, migrationType: MigrationType): void {
  const { cdcStartPosition: position, cdcStartTime: time } = props;
  if (position === undefined && time === undefined) return;
  check(
    position === undefined || time === undefined,
    scope,
    `cdcStartPosition and cdcStartTime are both set; DMS takes one or the other (${CDC_START_DOCS.api}). Keep one.`,
  );
  check(
    migrationType !== 'full-load',
    scope,
    `a CDC start point is set on a full-load task, which captures no changes. Drop cdcStartPosition / cdcStartTime, or use migrationType 'cdc' or 'full-load-and-cdc'.`,
  );
  if (!POSTGRES_ENGINES.has(props.source.engineName)) return;
  const slotRoute = `create a logical replication slot before the export (templates/postgres/cdc-start-slot.sql), name it on the source endpoint (slotName) and pass the LSN the runbook printed as cdcStartPosition (${CDC_START_DOCS.slotName})`;
  if (time !== undefined) {
    throw new ValidationError(
      scope,
      `cdcStartTime "${time}" is set on a task with a PostgreSQL source, which does not support a custom CDC start time (${CDC_START_DOCS.guide}). Start from a native position instead: ${slotRoute}.`,
    );
  }
  if (isResolved(position) && !POSTGRES_LSN.test(position!)) {
    throw new ValidationError(
      scope,
      `cdcStartPosition "${position}" is not a PostgreSQL LSN (like 1A/6B0C3D28); a PostgreSQL source does not support a custom CDC start time, so a date cannot be its start point (${CDC_START_DOCS.guide}). ${slotRoute[0].toUpperCase()}${slotRoute.slice(1)}.`,
    );
  }
  check(
    props.source.slotName !== undefined,
    scope,
    `cdcStartPosition "${position}" is set on a task with a PostgreSQL source whose endpoint names no slot: a native start position needs a logical replication slot that already exists and is named on the endpoint (slotName), or DMS refuses to start (${CDC_START_DOCS.slotName}). Set slotName to the slot templates/postgres/cdc-start-slot.sql created.`,
  );
}

/** Table mappings from the builder or raw JSON; bad JSON fails with the construct's path. */
export function toMappings(scope: Construct, input: TableMappingsInput): TableMappings {
  if (input instanceof TableMappings) return input;
  try {
    return TableMappings.fromJson(input);
  } catch (e) {
    throw new ValidationError(scope, `tableMappings: ${(e as Error).message}`);
  }
}

/** Task settings from typed props (safe defaults for the target) or a raw document; shared by tasks and serverless configs. */
export function toSettings(
  scope: Construct,
  input: TaskSettingsInput | undefined,
  targetKind: TargetKind,
  masking: boolean,
  sourceEngine: string,
): { doc: Record<string, unknown>; allowDropAndCreate: boolean } {
  if (input && 'raw' in input) {
    let raw: Record<string, unknown>;
    try {
      raw = typeof input.raw === 'string' ? (JSON.parse(input.raw) as Record<string, unknown>) : input.raw;
    } catch (e) {
      throw new ValidationError(scope, `settings.raw is not valid JSON (${(e as Error).message}); paste the task settings document as exported by 'aws dms describe-replication-tasks'.`);
    }
    return { doc: stripReadOnlyKeys(raw), allowDropAndCreate: input.allowDropAndCreate ?? false };
  }
  const typed = (input ?? {}) as TaskSettingsProps;
  // Masked columns can never match their source: validation defaults off for masking tasks (see validateTaskSettings).
  // Nor can DMS validate a source outside its validation list (an S3 export, for one).
  const validation = typed.validation ?? (targetKind === 'database' && !masking && VALIDATION_SOURCE_ENGINES.has(sourceEngine));
  const prep = typed.targetTablePrepMode ?? (targetKind === 'database' ? 'TRUNCATE_BEFORE_LOAD' : 'DO_NOTHING');
  // Full LOB mode where sizes are unknown; S3 and Kinesis targets support only limited LOB mode (see LOB_DOCS).
  const lob = typed.lob ?? (targetKind === 'database' ? { mode: 'full' as const } : { mode: 'limited' as const, maxSizeKiB: 32 });
  return { doc: buildTaskSettings({ ...typed, validation, targetTablePrepMode: prep, lob }), allowDropAndCreate: typed.allowDropAndCreate ?? false };
}
