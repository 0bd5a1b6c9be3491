import { all, found, mustBe, mustBeOneOf, mustBeSet, Rule, violation, Violation } from '../rule';
import { Attrs, block, isToken, literalString, StackIndex, TfResource } from '../tf';

/** Endpoint engines that are not databases (no credentials, TLS mode or row validation apply). */
const NON_DATABASE_ENGINES = new Set(['s3', 'kinesis', 'kafka', 'dynamodb', 'elasticsearch', 'opensearch', 'neptune', 'redis', 'babelfish-s3']);

/** Oracle's extra connection attribute failTasksOnLobTruncation=true (DMS guide, CHAP_Source.Oracle, endpoint settings). */
const ORACLE_FAILS_ON_LOB_TRUNCATION = /(^|;)\s*failTasksOnLobTruncation\s*=\s*true\s*(;|$)/i;

export const isDatabaseEndpoint = (endpoint: TfResource): boolean =>
  endpoint.type === 'aws_dms_endpoint' && !NON_DATABASE_ENGINES.has(literalString(endpoint.attrs.engine_name) ?? '');

/** Task-like resources: classic tasks and serverless replication configs. */
const TASKS = ['aws_dms_replication_task', 'aws_dms_replication_config'];
const settingsAttr = (task: TfResource) => (task.type === 'aws_dms_replication_config' ? 'replication_settings' : 'replication_task_settings');

type Settings = { settings: Attrs } | { error: Violation };

/** The task settings JSON, parsed; absent or non-literal settings are a violation of their own. */
export function taskSettings(task: TfResource): Settings {
  const attr = settingsAttr(task);
  const raw = task.attrs[attr];
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { error: violation(`${attr} is ${found(raw)}; DMS then applies defaults (logging off, no validation, DROP_AND_CREATE)`, `set ${attr} to a literal JSON document (dms-migration builds one)`) };
  }
  try {
    const parsed = JSON.parse(raw) as Attrs;
    return { settings: parsed };
  } catch {
    return {
      error: violation(
        `${attr} is ${isToken(raw) ? 'an expression resolved only at plan' : 'not valid JSON'}`,
        `set ${attr} to a literal JSON document so it can be reviewed`,
      ),
    };
  }
}

const get = (settings: Attrs, section: string, key: string): unknown => (block(settings[section]) ?? {})[key];

/** Source engines DMS data validation works with (DMS guide, CHAP_Validating: Oracle, PostgreSQL, MySQL, SQL Server, Db2 LUW). */
const VALIDATION_SOURCE_ENGINES = new Set(['oracle', 'postgres', 'aurora-postgresql', 'mysql', 'mariadb', 'aurora', 'sqlserver', 'db2']);

/** The source endpoint of a task, when it is a resource of this stack. */
export function sourceEndpoint(stack: StackIndex, task: TfResource): TfResource | undefined {
  return stack.target(task.attrs.source_endpoint_arn, 'aws_dms_endpoint', 'aws_dms_s3_endpoint');
}

/** An endpoint's engine (`s3` for aws_dms_s3_endpoint); undefined when it is an expression. */
function endpointEngine(endpoint: TfResource): string | undefined {
  return endpoint.type === 'aws_dms_s3_endpoint' ? 's3' : literalString(endpoint.attrs.engine_name);
}

/** The target endpoint of a task, when it is a resource of this stack. */
export function targetEndpoint(stack: StackIndex, task: TfResource): TfResource | undefined {
  return stack.target(task.attrs.target_endpoint_arn, 'aws_dms_endpoint', 'aws_dms_s3_endpoint');
}

/** Whether the task's table mappings mask columns (`data-masking-*` transformation rules). */
export function masksColumns(task: TfResource): boolean {
  const raw = task.attrs.table_mappings;
  if (typeof raw !== 'string') return false;
  try {
    const doc = JSON.parse(raw) as { rules?: Array<Record<string, unknown>> };
    return (doc.rules ?? []).some((r) => typeof r['rule-action'] === 'string' && String(r['rule-action']).startsWith('data-masking-'));
  } catch {
    return false;
  }
}

export const dmsRules: Rule[] = [
  {
    id: 'DMS-PRIVATE',
    summary: 'publicly_accessible = false; subnet group set',
    types: ['aws_dms_replication_instance'],
    check: (r) =>
      all(
        mustBe(r.attrs, 'publicly_accessible', false, 'set publicly_accessible = false explicitly'),
        mustBeSet(r.attrs, 'replication_subnet_group_id', 'place the instance in a replication subnet group of private subnets'),
      ),
  },
  {
    id: 'DMS-MULTI-AZ',
    summary: 'multi_az = true',
    types: ['aws_dms_replication_instance', 'aws_dms_replication_config'],
    productionOnly: true,
    check: (r) =>
      r.type === 'aws_dms_replication_config'
        ? all(mustBe(block(r.attrs.compute_config) ?? {}, 'multi_az', true, 'set compute_config.multi_az = true in production', 'compute_config.multi_az'))
        : all(mustBe(r.attrs, 'multi_az', true, 'set multi_az = true in production')),
  },
  {
    id: 'DMS-CMK',
    summary: 'kms_key_arn set',
    types: ['aws_dms_replication_instance', 'aws_dms_replication_config'],
    check: (r) =>
      r.type === 'aws_dms_replication_config'
        ? all(mustBeSet(block(r.attrs.compute_config) ?? {}, 'kms_key_id', 'set compute_config.kms_key_id to a customer-managed key', 'compute_config.kms_key_id'))
        : all(mustBeSet(r.attrs, 'kms_key_arn', 'set kms_key_arn to a customer-managed key (newKmsKey)')),
  },
  {
    id: 'DMS-SECRETS',
    summary: 'database endpoints use secrets_manager_arn + access role; no password',
    types: ['aws_dms_endpoint'],
    check: (r) => {
      if (!isDatabaseEndpoint(r)) return [];
      return all(
        'password' in r.attrs ? violation('password is set; it lands in Terraform state', 'remove password; use secrets_manager_arn and secrets_manager_access_role_arn') : undefined,
        mustBeSet(r.attrs, 'secrets_manager_arn', 'set secrets_manager_arn to the secret holding the endpoint credentials'),
        mustBeSet(r.attrs, 'secrets_manager_access_role_arn', 'set secrets_manager_access_role_arn to a role DMS assumes to read the secret'),
      );
    },
  },
  {
    id: 'DMS-SSL',
    summary: 'database endpoints: ssl_mode require or verify-full (Oracle: verify-ca with certificate_arn)',
    types: ['aws_dms_endpoint'],
    check: (r) => {
      if (!isDatabaseEndpoint(r)) return [];
      // Oracle endpoints support only the SSL modes none and verify-ca, with an Oracle wallet imported as a DMS
      // certificate (DMS User Guide, "SSL support for an Oracle endpoint", CHAP_Source.Oracle.html#CHAP_Security.SSL.Oracle).
      if (literalString(r.attrs.engine_name) === 'oracle') {
        return all(
          mustBeOneOf(r.attrs, 'ssl_mode', ['verify-ca'], 'set ssl_mode = "verify-ca" with certificate_arn (Oracle endpoints support only none and verify-ca)'),
          mustBeSet(r.attrs, 'certificate_arn', 'set certificate_arn to the DMS certificate holding the Oracle wallet (aws_dms_certificate certificate_wallet)'),
        );
      }
      return all(mustBeOneOf(r.attrs, 'ssl_mode', ['require', 'verify-full'], 'set ssl_mode = "verify-full" (with certificate_arn) or "require"'));
    },
  },
  {
    id: 'DMS-TASK-LOGGING',
    summary: 'settings JSON literal, Logging.EnableLogging = true',
    types: TASKS,
    check: (r) => {
      const s = taskSettings(r);
      if ('error' in s) return [s.error];
      return get(s.settings, 'Logging', 'EnableLogging') === true
        ? []
        : [violation(`Logging.EnableLogging is ${found(get(s.settings, 'Logging', 'EnableLogging'))}`, 'set "Logging": { "EnableLogging": true } in the task settings')];
    },
  },
  {
    id: 'DMS-TASK-VALIDATION',
    summary: 'database targets: ValidationSettings.EnableValidation = true, unless the source is one DMS cannot validate (then off)',
    types: TASKS,
    check: (r, { stack }) => {
      const s = taskSettings(r);
      if ('error' in s) return [s.error];
      const on = get(s.settings, 'ValidationSettings', 'EnableValidation');
      // DMS validates only Oracle, PostgreSQL, MySQL, SQL Server and Db2 LUW sources (DMS guide, CHAP_Validating). A
      // source outside the stack counts as one it validates: the check must not pass by not knowing.
      const source = sourceEndpoint(stack, r);
      const sourceEngine = source ? endpointEngine(source) : undefined;
      if (sourceEngine !== undefined && !VALIDATION_SOURCE_ENGINES.has(sourceEngine)) {
        return on === true
          ? [
              violation(
                `ValidationSettings.EnableValidation is true, but DMS cannot validate a ${sourceEngine} source`,
                'set "EnableValidation": false and check the load another way (row counts per table on both sides: templates/postgres/row-counts.sql)',
              ),
            ]
          : [];
      }
      const target = targetEndpoint(stack, r);
      // A target outside the stack is treated as a database: the check must not pass by not knowing.
      if (target && !isDatabaseEndpoint(target)) return [];
      return on === true
        ? []
        : [violation(`ValidationSettings.EnableValidation is ${found(on)} for a database target`, 'set "ValidationSettings": { "EnableValidation": true } so DMS compares source and target rows')];
    },
    // dms-migration turns validation off for a task that masks columns and refuses validation: true for it: a masked
    // value never matches its source, so every masked row would be reported mismatched (DMS premigration assessment).
    moduleRefusesFix: (r, v) =>
      masksColumns(r) && /for a database target/.test(v.message)
        ? {
            because: 'the task masks columns (data-masking rules), and dms-migration keeps validation off for it and refuses validation: true (a masked value never matches its source, so validation would report every masked row as mismatched)',
            reason: 'The task masks columns, which DMS validation would report as mismatched; the masked tables are checked by row counts (templates/postgres/row-counts.sql) instead.',
          }
        : undefined,
  },
  {
    id: 'DMS-TASK-LOB-SAFE',
    summary: 'LOBs are never truncated silently: full LOB mode (inline included), no LOBs, or limited LOB mode from a PostgreSQL or Oracle source that fails the task on LOB truncation',
    types: TASKS,
    check: (r, { stack }) => {
      const s = taskSettings(r);
      if ('error' in s) return [s.error];
      const tm = block(s.settings.TargetMetadata) ?? {};
      if (tm.SupportLobs === false) return [];
      // Inline LOB mode is full LOB mode with small LOBs sent inline: larger ones travel in full LOB mode.
      if (Number(tm.InlineLobMaxSize ?? 0) > 0 && tm.FullLobMode !== true) {
        return [
          violation(
            `TargetMetadata.InlineLobMaxSize is ${found(tm.InlineLobMaxSize)} with FullLobMode ${found(tm.FullLobMode)}; LOBs above the inline size travel in full LOB mode, which is off`,
            'set "FullLobMode": true beside InlineLobMaxSize (DMS guide, target metadata task settings)',
          ),
        ];
      }
      if (tm.FullLobMode === true) return [];
      // Limited LOB mode (also DMS's choice when TargetMetadata says nothing) truncates larger LOBs with only a
      // warning in the task log (DMS guide, CHAP_Tasks.LOBSupport); no ErrorBehavior policy catches it. Only the
      // source's FailTasksOnLobTruncation turns it into a task failure, and DMS documents it for two sources:
      // PostgreSQL (API PostgreSQLSettings, provider postgres_settings.fail_tasks_on_lob_truncation) and Oracle (API
      // OracleSettings.FailTasksOnLobTruncation: "If a task is set to limited LOB mode and this option is set to true,
      // the task fails instead of truncating the LOB data"; the extra connection attribute failTasksOnLobTruncation in
      // the DMS guide's Oracle endpoint settings, since provider 5.x's oracle_settings has no such argument).
      const source = stack.target(r.attrs.source_endpoint_arn, 'aws_dms_endpoint');
      const engine = source ? literalString(source.attrs.engine_name) ?? '' : '';
      const postgres = source !== undefined && ['postgres', 'aurora-postgresql'].includes(engine);
      const oracle = source !== undefined && engine === 'oracle';
      if (postgres && block(source.attrs.postgres_settings)?.fail_tasks_on_lob_truncation === true) return [];
      if (oracle && ORACLE_FAILS_ON_LOB_TRUNCATION.test(literalString(source.attrs.extra_connection_attributes) ?? '')) return [];
      const missing = postgres ? 'does not set postgres_settings.fail_tasks_on_lob_truncation' : oracle ? 'does not set the extra connection attribute failTasksOnLobTruncation=true' : 'cannot fail the task instead';
      return [
        violation(
          `limited LOB mode (LobMaxSize ${found(tm.LobMaxSize)}) truncates larger LOBs with only a warning in the task log, and the source ${missing}`,
          `use full LOB mode ("FullLobMode": true), or a PostgreSQL source with postgres_settings.fail_tasks_on_lob_truncation = true, or an Oracle source with the extra connection attribute failTasksOnLobTruncation=true; where only limited LOB mode is possible (S3, Kinesis, Kafka targets) from another source, waive "DMS-TASK-LOB-SAFE:${r.address}" with the largest LOB the preflight measured, below LobMaxSize`,
        ),
      ];
    },
    // S3, Kinesis and Kafka targets support only limited LOB mode (DMS guide, target limitations): dms-migration
    // refuses full and inline LOB mode for them.
    moduleRefusesFix: (r, v, { stack }) => {
      const target = targetEndpoint(stack, r);
      const engine = target ? endpointEngine(target) : undefined;
      const guide: Record<string, string> = { s3: 'CHAP_Target.S3', kinesis: 'CHAP_Target.Kinesis', kafka: 'CHAP_Target.Kafka' };
      if (!/limited LOB mode/.test(v.message) || engine === undefined || !(engine in guide)) return undefined;
      return {
        because: `the target is ${engine}, which supports only limited LOB mode (DMS guide, ${guide[engine]} limitations), and dms-migration refuses full and inline LOB mode for it`,
        reason: 'Only limited LOB mode is possible into this target; LobMaxSize is above the largest LOB the preflight measured (<value, query>).',
      };
    },
  },
  {
    id: 'DMS-TASK-NO-DROP',
    summary: 'TargetTablePrepMode is not DROP_AND_CREATE unless opted in per task',
    types: TASKS,
    check: (r) => {
      const s = taskSettings(r);
      if ('error' in s) return [s.error];
      const mode = get(s.settings, 'FullLoadSettings', 'TargetTablePrepMode');
      if (mode === 'DO_NOTHING' || mode === 'TRUNCATE_BEFORE_LOAD') return [];
      return [
        violation(
          `FullLoadSettings.TargetTablePrepMode is ${found(mode)}${mode === undefined ? ' (DMS then drops and recreates target tables)' : ''}`,
          `set TargetTablePrepMode to "DO_NOTHING" or "TRUNCATE_BEFORE_LOAD", or opt this task in with the waiver "DMS-TASK-NO-DROP:${r.address}"`,
        ),
      ];
    },
  },
];
