import {
  buildTaskSettings,
  compareEngineVersions,
  externalTableDefinition,
  READ_ONLY_TASK_SETTING_KEYS,
  stripReadOnlyKeys,
  TableMappings,
  validateTaskSettings,
} from '../../../modules/dms-migration';

/** The documented shape every rule shares (DMS user guide, table mapping JSON). */
function expectRuleShape(rule: Record<string, unknown>): void {
  expect(typeof rule['rule-type']).toBe('string');
  expect(rule['rule-id']).toMatch(/^\d+$/);
  expect(typeof rule['rule-name']).toBe('string');
  expect(rule['object-locator']).toEqual(expect.objectContaining({ 'schema-name': expect.any(String) }));
  expect(typeof rule['rule-action']).toBe('string');
}

describe('TableMappings', () => {
  test('selection with wildcards, exclusions and filters', () => {
    const doc = new TableMappings()
      .include({ schema: 'dbo' })
      .exclude({ schema: 'dbo', table: 'audit_%' })
      .include({ schema: 'sales', table: 'orders' }, [{ column: 'region', conditions: [{ operator: 'eq', value: 'EU' }, { operator: 'between', start: '1', end: '9' }, { operator: 'notnull' }] }])
      .toDocument();
    doc.rules.forEach(expectRuleShape);
    expect(doc.rules[0]).toEqual({
      'rule-type': 'selection',
      'rule-id': '1',
      'rule-name': '1',
      'object-locator': { 'schema-name': 'dbo', 'table-name': '%' },
      'rule-action': 'include',
    });
    expect(doc.rules[1]).toMatchObject({ 'rule-action': 'exclude', 'object-locator': { 'schema-name': 'dbo', 'table-name': 'audit_%' } });
    expect(doc.rules[2].filters).toEqual([
      {
        'filter-type': 'source',
        'column-name': 'region',
        'filter-conditions': [
          { 'filter-operator': 'eq', value: 'EU' },
          { 'filter-operator': 'between', 'start-value': '1', 'end-value': '9' },
          { 'filter-operator': 'notnull' },
        ],
      },
    ]);
  });

  test('renames, lowercase, remove/add column, primary key, data type', () => {
    const doc = new TableMappings()
      .include({ schema: 'dbo' })
      .renameSchema('dbo', 'public')
      .renameTable({ schema: 'dbo', table: 'tblCustomer' }, 'customer')
      .renameColumn({ schema: 'dbo', table: 'tblCustomer', column: 'CustID' }, 'id')
      .lowercase()
      .removeColumn({ schema: 'dbo', table: '%', column: 'RowVersion' })
      .addColumn({ schema: 'dbo', table: 'orders' }, 'migrated_at', { type: 'datetime', precision: 6 }, '$AR_H_TIMESTAMP')
      .definePrimaryKey({ schema: 'dbo', table: 'events' }, 'events_pk', ['event_id', 'occurred_at'])
      .changeDataType({ schema: 'dbo', table: 'orders', column: 'total' }, { type: 'numeric', precision: 12, scale: 2 })
      .toDocument();
    doc.rules.forEach(expectRuleShape);
    const byAction = (a: string) => doc.rules.filter((r) => r['rule-action'] === a);
    expect(byAction('rename')[0]).toEqual({
      'rule-type': 'transformation',
      'rule-id': '2',
      'rule-name': '2',
      'rule-target': 'schema',
      'object-locator': { 'schema-name': 'dbo' },
      'rule-action': 'rename',
      value: 'public',
    });
    expect(byAction('rename')[1]).toMatchObject({ 'rule-target': 'table', 'object-locator': { 'schema-name': 'dbo', 'table-name': 'tblCustomer' }, value: 'customer' });
    // lowercase() with no locator: every schema, every table of it, every column of those.
    expect(byAction('convert-lowercase').map((r) => r['object-locator'])).toEqual([
      { 'schema-name': '%' },
      { 'schema-name': '%', 'table-name': '%' },
      { 'schema-name': '%', 'table-name': '%', 'column-name': '%' },
    ]);
    expect(byAction('rename')[2]).toMatchObject({ 'rule-target': 'column', 'object-locator': { 'schema-name': 'dbo', 'table-name': 'tblCustomer', 'column-name': 'CustID' }, value: 'id' });
    expect(byAction('convert-lowercase').map((r) => r['rule-target'])).toEqual(['schema', 'table', 'column']);
    expect(byAction('remove-column')[0]['object-locator']).toEqual({ 'schema-name': 'dbo', 'table-name': '%', 'column-name': 'RowVersion' });
    expect(byAction('add-column')[0]).toMatchObject({
      'rule-target': 'column',
      'object-locator': { 'schema-name': 'dbo', 'table-name': 'orders' },
      value: 'migrated_at',
      expression: '$AR_H_TIMESTAMP',
      'data-type': { type: 'datetime', precision: 6 },
    });
    expect(byAction('define-primary-key')[0]).toMatchObject({ 'rule-target': 'table', 'primary-key-def': { name: 'events_pk', columns: ['event_id', 'occurred_at'] } });
    expect(byAction('change-data-type')[0]['data-type']).toEqual({ type: 'numeric', precision: 12, scale: 2 });
    // Ids are unique and sequential: the same calls give the same JSON (no plan diff).
    expect(doc.rules.map((r) => r['rule-id'])).toEqual(doc.rules.map((_, i) => String(i + 1)));
  });

  test('masking actions use the data-masking-* names on column targets', () => {
    const m = new TableMappings()
      .include({ schema: 'retail' })
      .mask({ schema: 'retail', table: 'customers', column: 'email' }, 'hash-mask')
      .mask({ schema: 'retail', table: 'customers', column: 'phone' }, 'digits-mask', '#')
      .mask({ schema: 'retail', table: 'customers', column: 'zip_code' }, 'digits-randomize');
    expect(m.usesMasking).toBe(true);
    const rules = m.toDocument().rules.slice(1);
    expect(rules.map((r) => r['rule-action'])).toEqual(['data-masking-hash-mask', 'data-masking-digits-mask', 'data-masking-digits-randomize']);
    rules.forEach((r) => expect(r).toMatchObject({ 'rule-type': 'transformation', 'rule-target': 'column' }));
    // The guide's digits-mask rule carries the masking character as "value"; the other two carry none.
    expect(rules[1].value).toBe('#');
    expect(rules[0]).not.toHaveProperty('value');
    expect(rules[2]).not.toHaveProperty('value');
  });

  test.each([
    [undefined, 'the masking character (the rule\'s "value") is missing'],
    ['', 'the masking character (the rule\'s "value") is missing'],
    [' ', 'must be a single printable ASCII character other than a space'],
    ['##', 'must be a single printable ASCII character other than a space'],
  ])('fails when digits-mask has the masking character %j', (character, message) => {
    expect(() => new TableMappings().mask({ schema: 's', table: 't', column: 'c' }, 'digits-mask', character as string)).toThrow(
      new RegExp(`^mask\\(s\\.t\\.c, 'digits-mask'\\): .*${message.replace(/[()"]/g, '.')}`),
    );
    const raw = { rules: [{ 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' }, 'rule-action': 'data-masking-digits-mask', ...(character === undefined ? {} : { value: character }) }] };
    expect(() => TableMappings.fromJson(raw)).toThrow(new RegExp(`^rule 2 \\(data-masking-digits-mask\\): .*${message.replace(/[()"]/g, '.')}`));
  });

  test('every rule uses a rule type, target and action from the DMS table-mapping reference', () => {
    const documented: Record<string, { targets?: string[]; actions: string[] }> = {
      selection: { actions: ['include', 'exclude', 'explicit'] },
      transformation: {
        targets: ['schema', 'table', 'column', 'table-tablespace', 'index-tablespace'],
        actions: [
          'rename', 'remove-column', 'convert-lowercase', 'convert-uppercase', 'add-prefix', 'remove-prefix', 'replace-prefix',
          'add-suffix', 'remove-suffix', 'replace-suffix', 'define-primary-key', 'change-data-type', 'add-column',
          'include-column', 'exclude-column', 'add-before-image-columns',
          'data-masking-digits-mask', 'data-masking-digits-randomize', 'data-masking-hash-mask',
        ],
      },
    };
    const all = new TableMappings()
      .include({ schema: 'dbo' }, [{ column: 'c', conditions: [{ operator: 'null' }] }])
      .exclude({ schema: 'dbo', table: 'x' })
      .renameSchema('dbo', 'app')
      .renameTable({ schema: 'dbo', table: 't' }, 'u')
      .renameColumn({ schema: 'dbo', table: 't', column: 'c' }, 'd')
      .lowercase()
      .removeColumn({ schema: 'dbo', table: 't', column: 'c' })
      .addColumn({ schema: 'dbo', table: 't' }, 'n', { type: 'int4' })
      .definePrimaryKey({ schema: 'dbo', table: 't' }, 'pk', ['a'])
      .changeDataType({ schema: 'dbo', table: 't', column: 'c' }, { type: 'string', length: 10 })
      .mask({ schema: 'dbo', table: 't', column: 'c' }, 'hash-mask')
      .toDocument();
    for (const rule of all.rules) {
      const spec = documented[rule['rule-type'] as string];
      expect(spec).toBeDefined();
      expect(spec.actions).toContain(rule['rule-action']);
      if (spec.targets) expect(spec.targets).toContain(rule['rule-target']);
      else expect(rule).not.toHaveProperty('rule-target');
      // Column rules locate a column, except add-column (which names the new column in value).
      if (rule['rule-target'] === 'column' && rule['rule-action'] !== 'add-column') expect(rule['object-locator']).toHaveProperty('column-name');
      if (rule['rule-target'] === 'schema') expect(Object.keys(rule['object-locator'] as object)).toEqual(['schema-name']);
    }
  });

  test('raw JSON is accepted, keeps its ids, and further rules continue the numbering', () => {
    const m = TableMappings.fromJson(
      JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '7', 'rule-name': 'all', 'object-locator': { 'schema-name': 'x', 'table-name': '%' }, 'rule-action': 'include' }] }),
    ).lowercase();
    const doc = m.toDocument();
    expect(doc.rules[0]['rule-id']).toBe('7');
    expect(doc.rules[1]['rule-id']).toBe('8');
    expect(m.hasInclude).toBe(true);
  });

  test('raw JSON with a masking rule counts as masking (validation off, engine 3.5.4); a valid digits-mask passes; without one, no masking', () => {
    const rule = (action: string, value?: string) => ({ 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' }, 'rule-action': action, ...(value === undefined ? {} : { value }) });
    const include = { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 's', 'table-name': '%' }, 'rule-action': 'include' };
    expect(TableMappings.fromJson({ rules: [include, rule('data-masking-hash-mask')] }).usesMasking).toBe(true);
    expect(TableMappings.fromJson({ rules: [include, rule('data-masking-digits-mask', '#')] }).usesMasking).toBe(true);
    expect(TableMappings.fromJson({ rules: [include, rule('rename', 'd')] }).usesMasking).toBe(false);
    expect(TableMappings.fromJson({ rules: [include, { ...rule('rename', 'd'), 'rule-action': 7 }] }).usesMasking).toBe(false);
    expect(new TableMappings().include({ schema: 's' }).usesMasking).toBe(false);
  });

  test('raw JSON with a digits-mask rule whose value is null says the masking character is missing', () => {
    const rule = { 'rule-type': 'transformation', 'rule-id': '3', 'rule-name': '3', 'rule-target': 'column', 'object-locator': { 'schema-name': 's', 'table-name': 't', 'column-name': 'c' }, 'rule-action': 'data-masking-digits-mask', value: null };
    expect(() => TableMappings.fromJson({ rules: [rule] })).toThrow('rule 3 (data-masking-digits-mask): the masking character (the rule\'s "value") is missing; DMS replaces each digit with it. Pass one, e.g. "#".');
  });

  test('a table or schema rule never carries a column name, even when the locator passed has one', () => {
    const locator = { schema: 'dbo', table: 't', column: 'c' };
    const doc = new TableMappings().renameTable(locator, 'u').definePrimaryKey(locator, 'pk', ['id']).toDocument();
    expect(doc.rules.map((r) => r['object-locator'])).toEqual([
      { 'schema-name': 'dbo', 'table-name': 't' },
      { 'schema-name': 'dbo', 'table-name': 't' },
    ]);
  });

  test('fails when raw JSON has no rules array', () => {
    expect(() => TableMappings.fromJson('{"rule":[]}')).toThrow('table mappings JSON must be an object with a "rules" array');
  });

  test('fails when a primary key has no columns', () => {
    expect(() => new TableMappings().definePrimaryKey({ schema: 'a' }, 'pk', [])).toThrow('definePrimaryKey(pk) needs at least one column.');
  });

  describe('what a task reads from the rules', () => {
    const sel = (id: string, action: unknown, schema = 's', table = 't') => ({ 'rule-type': 'selection', 'rule-id': id, 'rule-name': id, 'object-locator': { 'schema-name': schema, 'table-name': table }, 'rule-action': action });
    const transformation = (id: string, action: string) => ({ 'rule-type': 'transformation', 'rule-id': id, 'rule-name': id, 'rule-target': 'schema', 'object-locator': { 'schema-name': 's' }, 'rule-action': action });

    // DMS's selection rule-action is include, exclude or explicit; a task needs one that selects tables.
    test.each([
      ['an include rule', [sel('1', 'include')], true],
      ['an explicit rule (DMS selects exactly the named table)', [sel('1', 'explicit')], true],
      ['only exclude rules', [sel('1', 'exclude')], false],
      ['an "include" action on a transformation rule', [transformation('1', 'include')], false],
      ['a selection rule with another action', [sel('1', 'rename')], false],
      ['no rules', [], false],
    ])('hasInclude with %s is %s', (_what, rules, expected) => {
      expect(TableMappings.fromJson({ rules }).hasInclude).toBe(expected);
    });

    test('includedLocators lists the include and explicit selections, in order, and nothing else', () => {
      const m = TableMappings.fromJson({ rules: [sel('1', 'include', 'sales', '%'), sel('2', 'exclude', 'sales', 'tmp%'), transformation('3', 'rename'), sel('4', 'explicit', 'hr', 'staff')] });
      expect(m.includedLocators).toEqual([
        { schema: 'sales', table: '%' },
        { schema: 'hr', table: 'staff' },
      ]);
      expect(new TableMappings().include({ schema: 'dbo' }).exclude({ schema: 'dbo', table: 'x' }).includedLocators).toEqual([{ schema: 'dbo', table: '%' }]);
    });

    test('a locator without a table means every table (%), in selections, table and column rules and topic rules', () => {
      const doc = new TableMappings()
        .include({ schema: 'dbo' })
        .renameTable({ schema: 'dbo' }, 'u')
        .removeColumn({ schema: 'dbo', column: 'c' })
        .mapToKafkaTopic({ schema: 'dbo' }, 'orders')
        .toDocument();
      expect(doc.rules.map((r) => r['object-locator'])).toEqual([
        { 'schema-name': 'dbo', 'table-name': '%' },
        { 'schema-name': 'dbo', 'table-name': '%' },
        { 'schema-name': 'dbo', 'table-name': '%', 'column-name': 'c' },
        { 'schema-name': 'dbo', 'table-name': '%' },
      ]);
      expect(doc.rules[3]).toEqual({ 'rule-type': 'object-mapping', 'rule-id': '4', 'rule-name': '4', 'rule-action': 'map-record-to-record', 'kafka-target-topic': 'orders', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' } });
    });

    test('messages name a table-less locator with %', () => {
      expect(() => new TableMappings().mapToKafkaTopic({ schema: 'dbo' }, 'a.b_c')).toThrow(/^mapToKafkaTopic\(dbo\.%\): /);
      expect(() => new TableMappings().mask({ schema: 'dbo', column: 'phone' }, 'digits-mask', '')).toThrow(/^mask\(dbo\.%\.phone, 'digits-mask'\): /);
    });

    test('addRule assigns the next id, and the id as name unless the rule has one', () => {
      const doc = TableMappings.fromJson({ rules: [sel('5', 'include'), { ...sel('x', 'exclude'), 'rule-id': 'custom' }] })
        .addRule({ 'rule-type': 'transformation', 'rule-target': 'table', 'object-locator': { 'schema-name': 's', 'table-name': 't' }, 'rule-action': 'add-prefix', value: 'p_' })
        .addRule({ 'rule-type': 'transformation', 'rule-name': 'suffix-all', 'rule-target': 'table', 'object-locator': { 'schema-name': 's', 'table-name': '%' }, 'rule-action': 'add-suffix', value: '_s' })
        .toDocument();
      // Ids that are not numbers ("custom") neither stop the numbering nor get reused.
      expect(doc.rules.map((r) => [r['rule-id'], r['rule-name']])).toEqual([
        ['5', '5'],
        ['custom', 'x'],
        ['6', '6'],
        ['7', 'suffix-all'],
      ]);
    });

    test('kafkaTopics lists the topic rules of the builder and of raw JSON, and only those', () => {
      const raw = { 'rule-type': 'object-mapping', 'rule-id': '2', 'rule-name': '2', 'rule-action': 'map-record-to-record', 'kafka-target-topic': 'raw-topic', 'object-locator': { 'schema-name': 's', 'table-name': 't' } };
      const m = TableMappings.fromJson({ rules: [sel('1', 'include'), raw, { ...raw, 'rule-id': '3', 'kafka-target-topic': 42 }] }).mapToKafkaTopic({ schema: 's', table: 'u' }, 'built-topic');
      expect(m.kafkaTopics).toEqual(['raw-topic', 'built-topic']);
      expect(new TableMappings().include({ schema: 's' }).kafkaTopics).toEqual([]);
    });
  });

  test('engine versions compare numerically', () => {
    expect(compareEngineVersions('3.5.10', '3.5.4')).toBeGreaterThan(0);
    expect(compareEngineVersions('3.5.3', '3.5.4')).toBeLessThan(0);
    expect(compareEngineVersions('3.6', '3.6.0')).toBe(0);
    // A version with fewer parts is compared as if padded with zeros, never cut to the shorter one.
    expect(compareEngineVersions('3.5', '3.5.4')).toBeLessThan(0);
    expect(compareEngineVersions('3.5.4.1', '3.5.4')).toBeGreaterThan(0);
  });
});

describe('task settings builder', () => {
  test('CDC apply conflicts stop the task after 10 per table by default, instead of only being logged', () => {
    expect(buildTaskSettings().ErrorBehavior).toMatchObject({ ApplyErrorInsertPolicy: 'LOG_ERROR', ApplyErrorUpdatePolicy: 'LOG_ERROR', ApplyErrorEscalationPolicy: 'STOP_TASK', ApplyErrorEscalationCount: 10 });
    expect(buildTaskSettings({ applyErrorEscalation: { policy: 'SUSPEND_TABLE', count: 3 } }).ErrorBehavior).toMatchObject({ ApplyErrorEscalationPolicy: 'SUSPEND_TABLE', ApplyErrorEscalationCount: 3 });
    expect(buildTaskSettings({ applyErrorEscalation: 'log-only' }).ErrorBehavior).toMatchObject({ ApplyErrorEscalationPolicy: 'LOG_ERROR', ApplyErrorEscalationCount: 0 });
    expect(validateTaskSettings(buildTaskSettings({ applyErrorEscalation: 'log-only' }), { targetKind: 'database' })).toEqual([]);
  });

  test('fails when an escalation policy has no threshold (a count of 0 never escalates)', () => {
    expect(validateTaskSettings(buildTaskSettings({ applyErrorEscalation: { policy: 'STOP_TASK', count: 0 } }), { targetKind: 'database' })).toEqual([
      "ErrorBehavior.ApplyErrorEscalationPolicy is STOP_TASK but ApplyErrorEscalationCount is 0: the policy acts once a table reaches that many apply conflicts, and 0 sets no threshold. Use applyErrorEscalation: { policy, count } with a count of 1 or more, or 'log-only'.",
    ]);
  });

  /** S3 and Kinesis targets support only limited LOB mode. */
  const S3_LOBS = { mode: 'limited', maxSizeKiB: 32 } as const;
  const get = (s: Record<string, unknown>, section: string, key: string) => (s[section] as Record<string, unknown>)[key];

  test('safe defaults: logging on, validation on, full LOB mode (sizes unknown: nothing truncated), truncate before load', () => {
    const s = buildTaskSettings();
    expect(get(s, 'Logging', 'EnableLogging')).toBe(true);
    expect(get(s, 'ValidationSettings', 'EnableValidation')).toBe(true);
    expect(s.TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false, LobMaxSize: 0, LobChunkSize: 64 });
    expect(get(s, 'ErrorBehavior', 'DataTruncationErrorPolicy')).toBe('SUSPEND_TABLE');
    expect(get(s, 'ErrorBehavior', 'DataErrorPolicy')).toBe('SUSPEND_TABLE');
    expect(get(s, 'FullLoadSettings', 'TargetTablePrepMode')).toBe('TRUNCATE_BEFORE_LOAD');
    expect(get(s, 'ErrorBehavior', 'FailOnNoTablesCaptured')).toBe(true);
    expect(validateTaskSettings(s, { targetKind: 'database' })).toEqual([]);
  });

  test.each([
    [{ mode: 'full' as const, chunkSizeKiB: 128 }, { FullLobMode: true, LimitedSizeLobMode: false, LobChunkSize: 128 }],
    // LOBs above InlineLobMaxSize travel in full LOB mode (DMS guide, target metadata): inline is FullLobMode: true.
    [{ mode: 'inline' as const, inlineMaxSizeKiB: 16 }, { FullLobMode: true, LimitedSizeLobMode: false, InlineLobMaxSize: 16, LobChunkSize: 64 }],
    [{ mode: 'limited' as const, maxSizeKiB: 64 }, { FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 64, InlineLobMaxSize: 0 }],
    [{ mode: 'none' as const }, { SupportLobs: false, LimitedSizeLobMode: false }],
  ])('LOB mode %o', (lob, expected) => {
    const s = buildTaskSettings({ lob });
    expect(s.TargetMetadata).toMatchObject(expected);
    expect(validateTaskSettings(s, { targetKind: 'database' })).toEqual([]);
  });

  test('never emits the read-only keys, even from overrides', () => {
    const s = buildTaskSettings({ overrides: { Logging: { CloudWatchLogGroup: 'g', CloudWatchLogStream: 's', EnableLogging: true } } });
    for (const [section, key] of READ_ONLY_TASK_SETTING_KEYS) expect(Object.keys(s[section] as object)).not.toContain(key);
    expect(stripReadOnlyKeys({ Logging: { CloudWatchLogGroup: 'x', EnableLogging: true } })).toEqual({ Logging: { EnableLogging: true } });
  });

  test('control tables go to the given schema (PostgreSQL 15+ public is not writable)', () => {
    expect(buildTaskSettings({ controlSchema: 'billing' }).ControlTablesSettings).toMatchObject({ ControlSchema: 'billing', SuspendedTablesTableEnabled: true });
    expect(buildTaskSettings().ControlTablesSettings).toMatchObject({ ControlSchema: '' });
  });

  test('overrides deep-merge other documented settings', () => {
    const s = buildTaskSettings({ overrides: { ChangeProcessingTuning: { BatchApplyTimeoutMax: 60 }, BeforeImageSettings: { EnableBeforeImage: true } } });
    expect(s.ChangeProcessingTuning).toMatchObject({ BatchApplyTimeoutMax: 60, BatchApplyTimeoutMin: 1 });
    expect(s.BeforeImageSettings).toEqual({ EnableBeforeImage: true });
  });

  test('fails when logging is turned off', () => {
    const s = buildTaskSettings({ lob: S3_LOBS, overrides: { Logging: { EnableLogging: false } } });
    expect(validateTaskSettings(s, { targetKind: 's3' })).toEqual([
      'task settings must set Logging.EnableLogging = true: without task logs a failed or suspended table leaves no trace. Remove the override that turns logging off.',
    ]);
  });

  test('fails when validation is off for a database target (and passes for S3)', () => {
    const s = buildTaskSettings({ validation: false, lob: S3_LOBS });
    expect(validateTaskSettings(s, { targetKind: 'database' })[0]).toContain('database targets need ValidationSettings.EnableValidation = true');
    expect(validateTaskSettings(s, { targetKind: 's3' })).toEqual([]);
  });

  test('fails when masking and validation are on together (masked rows never match)', () => {
    const problems = validateTaskSettings(buildTaskSettings({ validation: true, lob: S3_LOBS }), { targetKind: 's3', masking: true });
    expect(problems).toEqual([expect.stringContaining('table mappings mask columns and ValidationSettings.EnableValidation is on')]);
    // A masking task into a database runs without validation (the stack waives DMS-TASK-VALIDATION for it).
    expect(validateTaskSettings(buildTaskSettings({ validation: false }), { targetKind: 'database', masking: true })).toEqual([]);
  });

  test('fails when raw settings ask for inline LOBs without full LOB mode', () => {
    const raw = { Logging: { EnableLogging: true }, ValidationSettings: { EnableValidation: true }, TargetMetadata: { SupportLobs: true, FullLobMode: false, InlineLobMaxSize: 16 } };
    expect(validateTaskSettings(raw, { targetKind: 'database' })).toEqual([
      "TargetMetadata.InlineLobMaxSize is 16 but FullLobMode is false: LOBs above the inline size travel in full LOB mode (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata.html), so inline LOB mode needs FullLobMode: true. Use lob: { mode: 'inline' }, which sets both.",
    ]);
  });

  test.each([
    ['s3', { mode: 'full' as const }, 'S3 targets do not support full LOB mode (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html#CHAP_Target.S3.Limitations)'],
    ['kinesis', { mode: 'inline' as const }, 'Kinesis targets do not support full LOB mode (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.Kinesis.html#CHAP_Target.Kinesis.Limitations)'],
  ] as const)('fails when a %s target is given full or inline LOB mode', (targetKind, lob, message) => {
    expect(validateTaskSettings(buildTaskSettings({ lob, validation: false }), { targetKind }).join(' ')).toContain(message);
    expect(validateTaskSettings(buildTaskSettings({ lob: { mode: 'limited', maxSizeKiB: 64 }, validation: false }), { targetKind })).toEqual([]);
  });

  test.each([0, 102401, 1.5])('fails when limited LOB mode has LobMaxSize %p', (maxSizeKiB) => {
    expect(validateTaskSettings(buildTaskSettings({ lob: { mode: 'limited', maxSizeKiB } }), { targetKind: 'database' })[0]).toContain('limited LOB mode needs LobMaxSize between 1 and 102400 KiB');
  });

  test('fails when DROP_AND_CREATE is not opted in', () => {
    const s = buildTaskSettings({ targetTablePrepMode: 'DROP_AND_CREATE' });
    expect(validateTaskSettings(s, { targetKind: 'database' })[0]).toContain('TargetTablePrepMode DROP_AND_CREATE drops the target tables');
    expect(validateTaskSettings(s, { targetKind: 'database', allowDropAndCreate: true })).toEqual([]);
  });

  test('fails when raw settings carry read-only keys', () => {
    expect(validateTaskSettings({ Logging: { EnableLogging: true, CloudWatchLogGroup: 'g' } }, { targetKind: 's3' })).toEqual([
      'task settings contain the read-only key Logging.CloudWatchLogGroup; DMS sets it and Terraform would show a diff on every plan. Remove it.',
    ]);
  });
});

describe('S3 external table definition', () => {
  test('renders the documented shape with string-typed counts and flags', () => {
    const json = JSON.parse(
      externalTableDefinition([
        {
          owner: 'ledger',
          name: 'accounts',
          path: 'ledger/accounts',
          columns: [
            { name: 'id', type: 'INT8', primaryKey: true },
            { name: 'name', type: 'STRING', length: 200 },
            { name: 'balance', type: 'NUMERIC', precision: 18, scale: 2 },
          ],
        },
      ]),
    );
    expect(json).toEqual({
      TableCount: '1',
      Tables: [
        {
          TableName: 'accounts',
          TablePath: 'ledger/accounts/',
          TableOwner: 'ledger',
          TableColumns: [
            { ColumnName: 'id', ColumnType: 'INT8', ColumnNullable: 'false', ColumnIsPk: 'true' },
            { ColumnName: 'name', ColumnType: 'STRING', ColumnLength: '200', ColumnNullable: 'true', ColumnIsPk: 'false' },
            { ColumnName: 'balance', ColumnType: 'NUMERIC', ColumnPrecision: '18', ColumnScale: '2', ColumnNullable: 'true', ColumnIsPk: 'false' },
          ],
          TableColumnsTotal: '3',
        },
      ],
    });
  });

  test.each([
    [[], 'an S3 source needs at least one table'],
    [[{ owner: 'a', name: 't', path: 'p', columns: [] }], 'external table a.t has no columns.'],
    [[{ owner: 'a', name: 't', path: 'p', columns: [{ name: 'c', type: 'STRING' as const }] }], 'column a.t.c is STRING and needs a length.'],
    [[{ owner: 'a', name: 't', path: 'p', columns: [{ name: 'n', type: 'NUMERIC' as const }] }], 'column a.t.n is NUMERIC and needs a precision.'],
  ])('fails when the definition is incomplete (%#)', (tables, message) => {
    expect(() => externalTableDefinition(tables)).toThrow(message);
  });
});
