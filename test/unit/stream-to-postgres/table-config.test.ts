import { parseTableConfig, qualified, quoteIdent, TableConfigInput } from '../../../lambdas/stream-to-postgres/table-config';

/**
 * The table mapping shared by the stream consumer and the module: what it accepts, the defaults it fills in, and the
 * message for each mistake (the consumer fails its cold start with it). consumer-core.test.ts has the main cases.
 */

const TABLE: TableConfigInput = {
  source: 'dmv.Person',
  target: 'dmv.person',
  keyColumns: ['person_id'],
  columns: [
    { source: 'PersonId', target: 'person_id' },
    { source: 'Name', target: 'name', type: 'varchar(100)' },
  ],
};

const fails = (input: unknown) => {
  try {
    parseTableConfig(input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected parseTableConfig to fail');
};

describe('parseTableConfig: defaults and resolved names', () => {
  test('splits the target into schema and table, defaults each column to its source name, text and nullable, and audits and rejects unmapped fields by default', () => {
    expect(parseTableConfig([{ ...TABLE, columns: [...TABLE.columns, { source: 'note' }] }])).toEqual([
      {
        source: 'dmv.Person',
        targetSchema: 'dmv',
        targetTable: 'person',
        keyColumns: ['person_id'],
        columns: [
          { source: 'PersonId', target: 'person_id', type: 'text', nullable: false },
          { source: 'Name', target: 'name', type: 'varchar(100)', nullable: true },
          { source: 'note', target: 'note', type: 'text', nullable: true },
        ],
        audit: true,
        unmappedFields: 'reject',
      },
    ]);
  });

  test('key columns are NOT NULL whatever the mapping says; other columns keep nullable: false', () => {
    const [t] = parseTableConfig([{ ...TABLE, columns: [{ source: 'PersonId', target: 'person_id', nullable: true }, { source: 'Name', target: 'name', nullable: false }] }]);
    expect(t.columns.map((c) => [c.target, c.nullable])).toEqual([
      ['person_id', false],
      ['name', false],
    ]);
  });

  test('a key column named by its source (no target) is found among the targets', () => {
    const [t] = parseTableConfig([{ ...TABLE, keyColumns: ['id'], columns: [{ source: 'id' }] }]);
    expect(t.columns).toEqual([{ source: 'id', target: 'id', type: 'text', nullable: false }]);
  });

  test('audit: false and unmappedFields: ignore are kept', () => {
    expect(parseTableConfig([{ ...TABLE, audit: false, unmappedFields: 'ignore' }])[0]).toMatchObject({ audit: false, unmappedFields: 'ignore' });
  });

  test('without the audit log, a key may be named like one of its columns', () => {
    expect(parseTableConfig([{ ...TABLE, audit: false, keyColumns: ['operation'], columns: [{ source: 'op', target: 'operation' }] }])[0].keyColumns).toEqual(['operation']);
  });
});

describe('parseTableConfig: every mistake is named with its path', () => {
  test('fails when a key column is not among the target columns, listing them', () => {
    expect(fails([{ ...TABLE, keyColumns: ['PersonId'] }])).toBe('invalid table config: [0.keyColumns] key column PersonId is not among the target columns (person_id, name)');
  });

  test('fails when two columns read the same source field, naming it once', () => {
    expect(fails([{ ...TABLE, columns: [...TABLE.columns, { source: 'Name', target: 'name2' }, { source: 'Name', target: 'name3' }] }])).toBe('invalid table config: [0.columns] source fields repeat: Name');
  });

  test('fails when two columns write the same target, naming it once', () => {
    expect(fails([{ ...TABLE, columns: [...TABLE.columns, { source: 'A', target: 'name' }, { source: 'B', target: 'name' }] }])).toBe('invalid table config: [0.columns] target columns repeat: name');
  });

  test('names every repeated source field and target column, once each', () => {
    const columns = [...TABLE.columns, { source: 'A', target: 'name' }, { source: 'B', target: 'person_id' }, { source: 'Name', target: 'n2' }, { source: 'PersonId', target: 'p2' }];
    expect(fails([{ ...TABLE, columns }])).toBe('invalid table config: [0.columns] target columns repeat: name, person_id; [0.columns] source fields repeat: Name, PersonId');
  });

  test('fails when a key is named like an audit-log column, listing those columns', () => {
    expect(fails([{ ...TABLE, keyColumns: ['seq'], columns: [{ source: 'Seq', target: 'seq' }] }])).toBe(
      'invalid table config: [0.keyColumns] key column seq clashes with an audit-log column (audit_id, change_id, operation, commit_ts, seq, row_data, metadata, recorded_at): rename it with `target`',
    );
  });

  test.each(['audit_id', 'change_id', 'operation', 'commit_ts', 'seq', 'row_data', 'metadata', 'recorded_at'])('fails when a key is named %s (an audit-log column)', (name) => {
    expect(fails([{ ...TABLE, keyColumns: [name], columns: [{ source: 'K', target: name }] }])).toContain('clashes with an audit-log column');
  });

  test('fails on a source used as column name that is no identifier, and on the reserved prefix, giving the column position', () => {
    expect(fails([{ ...TABLE, columns: [...TABLE.columns, { source: 'Has Space' }, { source: 'x', target: '_cdc_op' }] }])).toBe(
      'invalid table config: [0.columns.2] source "Has Space" is not a plain identifier: give it a `target` name; [0.columns.3] column _cdc_op uses the reserved _cdc_ prefix (bookkeeping columns)',
    );
  });

  test('fails when two mappings read the same source table, whatever its case, naming the second', () => {
    expect(fails([TABLE, { ...TABLE, source: 'DMV.PERSON', target: 'dmv.person2' }])).toBe('invalid table config: [1.source] source table dmv.person is configured twice');
  });

  test('fails on an empty list or a list that is not one, without a path for the list itself', () => {
    expect(fails([])).toMatch(/^invalid table config: Array must contain at least 1 element/);
    expect(fails({ tables: [TABLE] })).toMatch(/^invalid table config: Expected array, received object$/);
  });

  test('lists every problem, separated by semicolons', () => {
    expect(fails([{ ...TABLE, target: 'person', keyColumns: ['id'] }])).toBe(
      'invalid table config: [0.target] must be "schema.table" with plain identifiers (letters, digits, underscores; table name at most 52 characters); [0.keyColumns] key column id is not among the target columns (person_id, name)',
    );
  });
});

describe('parseTableConfig: names and types that reach SQL', () => {
  test.each([
    ['a target with three parts', { ...TABLE, target: 'db.dmv.person' }, '[0.target] must be "schema.table"'],
    ['a target table name of 53 characters (its audit-log name would pass 63)', { ...TABLE, target: `dmv.${'t'.repeat(53)}` }, '[0.target] must be "schema.table"'],
    ['a target schema of 64 characters', { ...TABLE, target: `${'s'.repeat(64)}.person` }, '[0.target] must be "schema.table"'],
    ['a target starting with a digit', { ...TABLE, target: 'dmv.1person' }, '[0.target] must be "schema.table"'],
    ['a target with a quote', { ...TABLE, target: 'dmv.per"son' }, '[0.target] must be "schema.table"'],
    ['a source without a schema', { ...TABLE, source: 'Person' }, '[0.source] must be "schema.table" as DMS reports it'],
    ['a source with a space', { ...TABLE, source: 'dmv.Per son' }, '[0.source] must be "schema.table" as DMS reports it'],
    ['a source field of 64 bytes', { ...TABLE, columns: [...TABLE.columns, { source: 'é'.repeat(32), target: 'e' }] }, '[0.columns.2.source] must be at most 63 bytes'],
    ['a source field with a NUL', { ...TABLE, columns: [...TABLE.columns, { source: 'a\u0000b', target: 'e' }] }, '[0.columns.2.source] must be at most 63 bytes'],
    ['a column target with a dash', { ...TABLE, columns: [...TABLE.columns, { source: 'x', target: 'x-y' }] }, '[0.columns.2.target] must be a plain identifier'],
    ['an unknown key (a typo)', { ...TABLE, colums: [] }, "Unrecognized key(s) in object: 'colums'"],
    ['no key columns', { ...TABLE, keyColumns: [] }, '[0.keyColumns] Array must contain at least 1 element'],
    ['no columns', { ...TABLE, columns: [] }, '[0.columns] Array must contain at least 1 element'],
  ])('fails on %s', (_name, table, message) => {
    expect(fails([table])).toContain(message);
  });

  test('accepts a 52-character table name and a 63-character schema and source field', () => {
    expect(() => parseTableConfig([{ ...TABLE, target: `${'s'.repeat(63)}.${'t'.repeat(52)}`, columns: [...TABLE.columns, { source: 'f'.repeat(63) }] }])).not.toThrow();
  });

  test.each(['text', 'integer[]', 'numeric(12,2)', 'numeric(12, 2)', 'decimal(5)', 'numeric', 'varchar(255)', 'character varying(10)', 'char(1)', 'timestamp with time zone', 'double precision', 'jsonb[]'])(
    'accepts the type %s',
    (type) => {
      expect(parseTableConfig([{ ...TABLE, columns: [...TABLE.columns, { source: 'v', type }] }])[0].columns[2].type).toBe(type);
    },
  );

  test.each(['text; DROP TABLE x', 'texts', 'xtext', 'varchar(abc)', 'varchar(123456)', 'numeric(1,2,3)', 'numeric(12345)', 'text[', 'integer[][]', 'TEXT'])('refuses the type %s', (type) => {
    expect(fails([{ ...TABLE, columns: [...TABLE.columns, { source: 'v', type }] }])).toContain('[0.columns.2.type] must be a supported Postgres type');
  });

  test('quotes identifiers, schema-qualified or not', () => {
    expect(qualified('dmv', 'person')).toBe('"dmv"."person"');
    expect(quoteIdent('Person')).toBe('"Person"');
  });
});
