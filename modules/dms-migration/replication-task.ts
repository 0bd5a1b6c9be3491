import { Construct } from 'constructs';
import { DmsReplicationTask as DmsReplicationTaskResource } from '@cdktf/provider-aws/lib/dms-replication-task';
import { check, Fn, isResolved, ITerraformDependable, MigrationStack, ValidationError } from '../core';
import { IDmsEndpoint } from './endpoints';
import { IDmsReplicationInstance } from './replication-instance';
import { migrationTypesFor } from './sqlserver-mode';
import { compareEngineVersions, MASKING_MIN_ENGINE, TableMappings, TableMappingsDocument } from './table-mappings';
import { buildTaskSettings, stripReadOnlyKeys, TargetKind, TaskSettingsProps, validateTaskSettings } from './task-settings';

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
  /** For `cdc` tasks: where to start reading (a native position or `now`-like time, see DMS docs). */
  readonly cdcStartPosition?: string;
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

    const mode = props.source.sqlServerMode;
    this.migrationType = props.migrationType ?? (mode === 'full-load-only' ? 'full-load' : 'full-load-and-cdc');
    if (mode) {
      const allowed = migrationTypesFor(mode);
      check(
        allowed.includes(this.migrationType),
        this,
        mode === 'full-load-only'
          ? `migrationType '${this.migrationType}' captures changes, but the SQL Server source is in 'full-load-only' mode (no change capture set up). Use migrationType 'full-load', or switch the source to 'ms-cdc' / 'ms-replication'.`
          : `migrationType 'full-load' with a '${mode}' source leaves the change capture unused (and the source's log growing). Use 'full-load-and-cdc', or mode 'full-load-only'.`,
      );
    }
    check(
      !(props.startOnCreate && this.migrationType === 'full-load'),
      this,
      "startOnCreate is set on a full-load task: provider bug #43466 fails the apply when the load finishes fast. Start full loads with the runner Lambda (schedule) or 'aws dms start-replication-task'.",
    );

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

    const settings = toSettings(this, props.settings, this.targetKind, mappings.usesMasking);
    const problems = validateTaskSettings(settings.doc, { targetKind: this.targetKind, allowDropAndCreate: settings.allowDropAndCreate, masking: mappings.usesMasking });
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
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.replicationTaskArn = this.task.replicationTaskArn;
    // arn:aws:dms:<region>:<account>:task:<RESOURCE-ID>
    this.resourceId = Fn.element(Fn.split(':', this.replicationTaskArn), 6);
  }
}

function toMappings(scope: Construct, input: TableMappingsInput): TableMappings {
  if (input instanceof TableMappings) return input;
  try {
    return TableMappings.fromJson(input);
  } catch (e) {
    throw new ValidationError(scope, `tableMappings: ${(e as Error).message}`);
  }
}

function toSettings(
  scope: Construct,
  input: TaskSettingsInput | undefined,
  targetKind: TargetKind,
  masking: boolean,
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
  const validation = typed.validation ?? (targetKind === 'database' && !masking);
  const prep = typed.targetTablePrepMode ?? (targetKind === 'database' ? 'TRUNCATE_BEFORE_LOAD' : 'DO_NOTHING');
  // Full LOB mode where sizes are unknown; S3 and Kinesis targets support only limited LOB mode (see LOB_DOCS).
  const lob = typed.lob ?? (targetKind === 'database' ? { mode: 'full' as const } : { mode: 'limited' as const, maxSizeKiB: 32 });
  return { doc: buildTaskSettings({ ...typed, validation, targetTablePrepMode: prep, lob }), allowDropAndCreate: typed.allowDropAndCreate ?? false };
}
