/**
 * Typed builders for DMS table mappings (the JSON document of `aws_dms_replication_task.table_mappings`).
 * Shapes follow the DMS user guide, "Specifying table selection and transformations rules using JSON":
 * every rule has `rule-type`, a string `rule-id` and `rule-name`, an `object-locator`, and a `rule-action`.
 * Rule ids are assigned in order, so the same builder calls always give the same JSON (no plan diff).
 */
import { kafkaTopicProblem } from './kafka-target';

/** `%` matches any run of characters, `_` one character (DMS wildcards). */
export interface TableLocator {
  /** Source schema name or pattern, e.g. `dbo` or `sales%`. */
  readonly schema: string;
  /** @default '%' (every table) */
  readonly table?: string;
}

export interface ColumnLocator extends TableLocator {
  /** Column name or pattern. */
  readonly column: string;
}

/** A selection filter on one column: only rows matching it are migrated. */
export interface SelectionFilter {
  readonly column: string;
  readonly conditions: ReadonlyArray<
    | { readonly operator: 'eq' | 'noteq' | 'ste' | 'gte'; readonly value: string }
    | { readonly operator: 'between' | 'notbetween'; readonly start: string; readonly end: string }
    | { readonly operator: 'null' | 'notnull' }
  >;
}

/** DMS data types for add-column / change-data-type. */
export interface ColumnDataType {
  readonly type:
    | 'bytes'
    | 'date'
    | 'time'
    | 'datetime'
    | 'int1'
    | 'int2'
    | 'int4'
    | 'int8'
    | 'numeric'
    | 'real4'
    | 'real8'
    | 'string'
    | 'uint1'
    | 'uint2'
    | 'uint4'
    | 'uint8'
    | 'wstring'
    | 'blob'
    | 'nclob'
    | 'clob'
    | 'boolean';
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
}

/** Masking actions (replication engine 3.5.4+; column targets only). */
export type MaskingAction = 'digits-mask' | 'digits-randomize' | 'hash-mask';

export type MappingRule = Record<string, unknown>;

/** The document DMS expects: `{ "rules": [...] }`. */
export interface TableMappingsDocument {
  readonly rules: readonly MappingRule[];
}

/** Minimum replication engine version per feature (masking needs 3.5.4). */
export const MASKING_MIN_ENGINE = '3.5.4';

/**
 * Builds table mappings step by step:
 * ```ts
 * new TableMappings().include({ schema: 'dbo' }).exclude({ schema: 'dbo', table: 'audit%' })
 *   .renameSchema('dbo', 'public').lowercase().mask({ schema: 'dbo', table: 'customers', column: 'email' }, 'hash-mask')
 *   .mask({ schema: 'dbo', table: 'customers', column: 'phone' }, 'digits-mask', '#')
 * ```
 */
export class TableMappings {
  private readonly rules: MappingRule[] = [];
  private masking = false;

  /** Wraps an existing document (raw JSON from the console or a file). Its rules keep their ids. */
  static fromJson(json: string | TableMappingsDocument): TableMappings {
    const doc = typeof json === 'string' ? (JSON.parse(json) as TableMappingsDocument) : json;
    if (!doc || !Array.isArray(doc.rules)) {
      throw new Error('table mappings JSON must be an object with a "rules" array, e.g. {"rules":[{"rule-type":"selection",...}]}.');
    }
    const mappings = new TableMappings();
    for (const rule of doc.rules) {
      if (rule['rule-action'] === 'data-masking-digits-mask') {
        const problem = maskCharacterProblem(rule.value);
        if (problem) throw new Error(`rule ${String(rule['rule-id'])} (data-masking-digits-mask): ${problem}`);
      }
      mappings.rules.push({ ...rule });
    }
    mappings.masking = doc.rules.some((r) => typeof r['rule-action'] === 'string' && String(r['rule-action']).startsWith('data-masking-'));
    return mappings;
  }

  /**
   * Includes matching tables (with optional row filters).
   *
   * Tables without a primary key or unique index are migrated, but DMS cannot validate them (validation needs a
   * primary key or unique index: DMS guide, CHAP_Validating.html#CHAP_Validating.Limitations) and does not migrate
   * their LOB columns (a table must have a primary key or unique key for DMS to migrate LOBs: premigration
   * assessment table-with-lob-but-without-primary-key-or-unique-constraint). `definePrimaryKey` only shapes the
   * target table and changes neither. Find such tables with templates/sqlserver/00-preflight-checks.sql (section 4)
   * or templates/postgres/source-preflight.sql, and add a key on the source or copy them another way.
   */
  include(locator: TableLocator, filters: readonly SelectionFilter[] = []): this {
    return this.selection(locator, 'include', filters);
  }

  /** Excludes matching tables (rules apply in order; put exclusions after the includes they narrow). */
  exclude(locator: TableLocator): this {
    return this.selection(locator, 'exclude', []);
  }

  /** Renames a schema on the target (e.g. SQL Server `dbo` to Postgres `public`). */
  renameSchema(from: string, to: string): this {
    return this.transformation('schema', { schema: from }, 'rename', { value: to });
  }

  /** Renames matching tables on the target. */
  renameTable(locator: TableLocator, to: string): this {
    return this.transformation('table', locator, 'rename', { value: to });
  }

  /** Renames a column on the target. */
  renameColumn(locator: ColumnLocator, to: string): this {
    return this.transformation('column', locator, 'rename', { value: to });
  }

  /**
   * Lower-cases schema, table and column names (Postgres folds unquoted names to lower case; SQL Server
   * names like `CustomerId` would otherwise need quoting forever).
   * @param locator @default every schema and table
   */
  lowercase(locator: TableLocator = { schema: '%' }): this {
    this.transformation('schema', { schema: locator.schema }, 'convert-lowercase', {});
    this.transformation('table', locator, 'convert-lowercase', {});
    return this.transformation('column', { ...locator, column: '%' }, 'convert-lowercase', {});
  }

  /** Drops a column from the target. */
  removeColumn(locator: ColumnLocator): this {
    return this.transformation('column', locator, 'remove-column', {});
  }

  /**
   * Adds a column, optionally computed by a DMS expression (e.g. `$AR_H_TIMESTAMP`, `$AR_H_OPERATION`,
   * or SQLite expressions over source columns like `$first || ' ' || $last`).
   */
  addColumn(locator: TableLocator, column: string, dataType: ColumnDataType, expression?: string): this {
    return this.transformation('column', locator, 'add-column', {
      value: column,
      ...(expression ? { expression } : {}),
      'data-type': dataType,
    });
  }

  /** Defines a primary key on the target for tables that have none on the source. */
  definePrimaryKey(locator: TableLocator, name: string, columns: readonly string[]): this {
    if (columns.length === 0) throw new Error(`definePrimaryKey(${name}) needs at least one column.`);
    return this.transformation('table', locator, 'define-primary-key', {
      'primary-key-def': { name, columns: [...columns] },
    });
  }

  /** Changes a column's type on the target. */
  changeDataType(locator: ColumnLocator, dataType: ColumnDataType): this {
    return this.transformation('column', locator, 'change-data-type', { 'data-type': dataType });
  }

  /**
   * Masks a sensitive column in flight (engine 3.5.4+; DMS guide, "Using data masking to hide sensitive information":
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Masking.html).
   * `digits-mask` replaces every digit with `maskCharacter` (required: the rule's `value`, a single printable ASCII
   * character other than a space, e.g. `#`), `digits-randomize` replaces each digit with a random one,
   * `hash-mask` replaces the value with its SHA-256 hash (joins on the hashed value still work across tables).
   */
  mask(locator: ColumnLocator, action: 'digits-mask', maskCharacter: string): this;
  mask(locator: ColumnLocator, action: 'digits-randomize' | 'hash-mask'): this;
  mask(locator: ColumnLocator, action: MaskingAction, maskCharacter?: string): this {
    if (action === 'digits-mask') {
      const problem = maskCharacterProblem(maskCharacter);
      if (problem) throw new Error(`mask(${locator.schema}.${locator.table ?? '%'}.${locator.column}, 'digits-mask'): ${problem}`);
    }
    this.masking = true;
    return this.transformation('column', locator, `data-masking-${action}`, action === 'digits-mask' ? { value: maskCharacter } : {});
  }

  /**
   * Kafka targets: sends the matching tables to `topic` instead of the endpoint's topic (multi-topic replication,
   * engine 3.4.6+): an object-mapping rule `"rule-action": "map-record-to-record"` with `"kafka-target-topic"`
   * (DMS guide, "Using Apache Kafka as a target", object mapping:
   * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kafka.html#CHAP_Target.Kafka.ObjectMapping).
   * The cluster must let DMS create the topic (`auto.create.topics.enable = true`) or have it already.
   */
  mapToKafkaTopic(locator: TableLocator, topic: string): this {
    const problem = kafkaTopicProblem(topic);
    if (problem) throw new Error(`mapToKafkaTopic(${locator.schema}.${locator.table ?? '%'}): ${problem}`);
    const id = String(this.nextId());
    this.rules.push({
      'rule-type': 'object-mapping',
      'rule-id': id,
      'rule-name': id,
      'rule-action': 'map-record-to-record',
      'kafka-target-topic': topic,
      'object-locator': { 'schema-name': locator.schema, 'table-name': locator.table ?? '%' },
    });
    return this;
  }

  /** Topics named by `mapToKafkaTopic` rules (or `kafka-target-topic` in raw JSON). */
  get kafkaTopics(): string[] {
    return this.rules.filter((r) => typeof r['kafka-target-topic'] === 'string').map((r) => String(r['kafka-target-topic']));
  }

  /** Adds any other rule as-is (an escape hatch for rule types without a builder). Its id is assigned here. */
  addRule(rule: MappingRule): this {
    const id = String(this.nextId());
    this.rules.push({ ...rule, 'rule-id': id, 'rule-name': rule['rule-name'] ?? id });
    return this;
  }

  /** True when any rule masks data (the replication engine must then be >= 3.5.4). */
  get usesMasking(): boolean {
    return this.masking;
  }

  /** True when at least one selection rule includes tables (DMS refuses a task without one). */
  get hasInclude(): boolean {
    return this.rules.some((r) => r['rule-type'] === 'selection' && (r['rule-action'] === 'include' || r['rule-action'] === 'explicit'));
  }

  /** Tables named by include rules, for messages and docs. */
  get includedLocators(): TableLocator[] {
    return this.rules
      .filter((r) => r['rule-type'] === 'selection' && r['rule-action'] !== 'exclude')
      .map((r) => {
        const loc = r['object-locator'] as Record<string, string>;
        return { schema: loc['schema-name'], table: loc['table-name'] };
      });
  }

  toDocument(): TableMappingsDocument {
    return { rules: this.rules.map((r) => ({ ...r })) };
  }

  toJson(): string {
    return JSON.stringify(this.toDocument());
  }

  private nextId(): number {
    const ids = this.rules.map((r) => Number(r['rule-id'])).filter((n) => Number.isFinite(n));
    return ids.length ? Math.max(...ids) + 1 : 1;
  }

  private selection(locator: TableLocator, action: 'include' | 'exclude', filters: readonly SelectionFilter[]): this {
    const id = String(this.nextId());
    this.rules.push({
      'rule-type': 'selection',
      'rule-id': id,
      'rule-name': id,
      'object-locator': { 'schema-name': locator.schema, 'table-name': locator.table ?? '%' },
      'rule-action': action,
      ...(filters.length
        ? {
            filters: filters.map((f) => ({
              'filter-type': 'source',
              'column-name': f.column,
              'filter-conditions': f.conditions.map((c) => {
                if ('value' in c) return { 'filter-operator': c.operator, value: c.value };
                if ('start' in c) return { 'filter-operator': c.operator, 'start-value': c.start, 'end-value': c.end };
                return { 'filter-operator': c.operator };
              }),
            })),
          }
        : {}),
    });
    return this;
  }

  private transformation(
    target: 'schema' | 'table' | 'column',
    locator: { schema: string; table?: string; column?: string },
    action: string,
    extra: Record<string, unknown>,
  ): this {
    const id = String(this.nextId());
    const objectLocator: Record<string, string> = { 'schema-name': locator.schema };
    if (target !== 'schema') objectLocator['table-name'] = locator.table ?? '%';
    if (target === 'column' && locator.column !== undefined) objectLocator['column-name'] = locator.column;
    this.rules.push({
      'rule-type': 'transformation',
      'rule-id': id,
      'rule-name': id,
      'rule-target': target,
      'object-locator': objectLocator,
      'rule-action': action,
      ...extra,
    });
    return this;
  }
}

/** Why `value` cannot be the masking character of data-masking-digits-mask (undefined when it can). */
function maskCharacterProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') {
    return 'the masking character (the rule\'s "value") is missing; DMS replaces each digit with it. Pass one, e.g. "#".';
  }
  if (typeof value !== 'string' || !/^[\x21-\x7e]$/.test(value)) {
    return `the masking character ${JSON.stringify(value)} must be a single printable ASCII character other than a space, e.g. "#".`;
  }
  return undefined;
}

/** Compares dotted engine versions (`3.5.4` vs `3.5.10`). Negative when a < b. */
export function compareEngineVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
