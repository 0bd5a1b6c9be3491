import {
  compileMapping,
  csvField,
  edgeCsv,
  edgeFields,
  formatScalar,
  GraphMapping,
  MappingRowError,
  vertexCsv,
  vertexFields,
} from '../../../modules/neptune-graph-migration';
import { productMapping } from './fixtures';

const compiled = compileMapping(productMapping);
const product = compiled.vertices.find((v) => v.label === 'Product')!;
const order = compiled.vertices.find((v) => v.label === 'Order')!;
const suppliedBy = compiled.edges.find((e) => e.label === 'SUPPLIED_BY')!;
const contains = compiled.edges.find((e) => e.label === 'CONTAINS')!;

describe('compileMapping', () => {
  test('vertex headers are typed, single cardinality by default, arrays for multi-valued properties', () => {
    expect(product.header).toEqual(['~id', '~label', 'name:String(single)', 'unitPrice:Double(single)', 'discontinued:Bool(single)', 'tags:String[]']);
    expect(order.header).toEqual(['~id', '~label', 'orderDate:Date(single)', 'lines:Short(single)']);
  });

  test('edge headers carry ~from/~to and single-valued typed properties', () => {
    expect(suppliedBy.header).toEqual(['~id', '~from', '~to', '~label']);
    expect(contains.header).toEqual(['~id', '~from', '~to', '~label', 'quantity:Int', 'discount:Float']);
  });

  test('classifies foreign-key and join-table edges and resolves endpoint columns', () => {
    expect(suppliedBy.kind).toBe('foreignKey');
    expect(suppliedBy.from.id).toEqual([{ literal: 'product-' }, { column: 'id' }]);
    expect(suppliedBy.to.id).toEqual([{ literal: 'supplier-' }, { column: 'supplier_id' }]);
    expect(contains.kind).toBe('joinTable');
    expect(contains.columns).toEqual(['order_id', 'product_id', 'line_no', 'quantity', 'discount', 'updated_at']);
  });

  test('lists the columns each table must provide, watermark included', () => {
    expect(product.columns).toEqual(['id', 'name', 'unit_price', 'discontinued', 'tags', 'updated_at']);
    expect(product.watermarkColumn).toBe('updated_at');
    expect(compiled.vertices[1].watermarkColumn).toBeNull();
  });

  test('default edge id is label + endpoint ids; folders are distinct slugs', () => {
    expect(suppliedBy.idTemplate).toBe('SUPPLIED_BY:{~from}->{~to}');
    expect(compiled.vertices.map((v) => v.folder)).toEqual(['product', 'supplier', 'order']);
    expect(compiled.edges.map((e) => e.folder)).toEqual(['supplied-by-product', 'contains-order-detail']);
  });

  test('escapes a colon inside a property name in the header', () => {
    const m = compileMapping({ vertices: [{ label: 'A', table: 'a', id: 'a-{id}', properties: [{ column: 'x', name: 'ns:x', type: 'Int' }] }] });
    expect(m.vertices[0].header[2]).toBe('ns\\:x:Int(single)');
  });

  test('the compiled mapping survives a JSON round trip (it is passed to Glue as JSON)', () => {
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled);
  });

  const base = productMapping;
  const failures: Array<[string, GraphMapping, RegExp]> = [
    ['fails when there are no vertices', { vertices: [] }, /needs at least one vertex mapping/],
    [
      'fails when an id template has no placeholder',
      { vertices: [{ label: 'A', table: 'a', id: 'a-1' }] },
      /mapping\.vertices\[0\] \(A\): id template "a-1" has no placeholder/,
    ],
    [
      'fails when an id template has an unbalanced brace',
      { vertices: [{ label: 'A', table: 'a', id: 'a-{id' }] },
      /unbalanced or nested brace/,
    ],
    [
      'fails when an id template has no literal prefix',
      { vertices: [{ label: 'A', table: 'a', id: '{id}' }] },
      /must start with a literal prefix naming the vertex type, e.g. "a-\{id\}"/,
    ],
    [
      'fails when two vertex id prefixes can collide',
      { vertices: [{ label: 'P', table: 'p', id: 'p-{id}' }, { label: 'Q', table: 'q', id: 'p-x-{id}' }] },
      /vertex ids "p-x-\{id\}" \(Q\) and "p-\{id\}" \(P\) can collide/,
    ],
    [
      'fails when a label is mapped twice',
      { vertices: [{ label: 'P', table: 'p', id: 'p-{id}' }, { label: 'P', table: 'q', id: 'q-{id}' }] },
      /vertex label "P" is mapped twice/,
    ],
    [
      'fails when a label holds a semicolon',
      { vertices: [{ label: 'A;B', table: 'a', id: 'a-{id}' }] },
      /label "A;B" must be non-empty, without surrounding spaces, semicolons/,
    ],
    [
      'fails when a table is not an identifier',
      { vertices: [{ label: 'A', table: 'a; drop table x', id: 'a-{id}' }] },
      /table "a; drop table x" must be a plain SQL identifier/,
    ],
    [
      'fails when a property name holds a space',
      { vertices: [{ label: 'A', table: 'a', id: 'a-{id}', properties: [{ column: 'n', name: 'full name', type: 'String' }] }] },
      /mapping\.vertices\[0\] \(A\)\.properties\[0\]: property name "full name" is not allowed/,
    ],
    [
      'fails when a property type is unknown',
      { vertices: [{ label: 'A', table: 'a', id: 'a-{id}', properties: [{ column: 'n', type: 'Integer' as never }] }] },
      /type "Integer" of property "n" is not a Neptune CSV type; use one of String, Bool/,
    ],
    [
      'fails when a property is mapped twice',
      { vertices: [{ label: 'A', table: 'a', id: 'a-{id}', properties: [{ column: 'n', type: 'String' }, { column: 'm', name: 'n', type: 'String' }] }] },
      /property "n" is mapped twice/,
    ],
    [
      'fails when an edge property is multi-valued',
      { ...base, edges: [{ ...base.edges![1], properties: [{ column: 'tags', type: 'String', multi: true }] }] },
      /Neptune edge properties hold a single value/,
    ],
    [
      'fails when an edge names an unknown vertex',
      { ...base, edges: [{ label: 'X', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Shop', columns: { id: 'shop_id' } } }] },
      /mapping\.edges\[0\] \(X\): to\.vertex "Shop" is not a mapped vertex label; known: Product, Supplier, Order/,
    ],
    [
      'fails when a join-table endpoint has no columns',
      { ...base, edges: [{ label: 'X', table: 'order_detail', from: { vertex: 'Order' }, to: { vertex: 'Product', columns: { id: 'product_id' } } }] },
      /from\.columns is required: table "order_detail" is not Order's table "orders"/,
    ],
    [
      'fails when endpoint columns miss a placeholder',
      { ...base, edges: [{ label: 'X', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Supplier', columns: {} } }] },
      /to\.columns lacks placeholder "id" of Supplier's id "supplier-\{id\}"/,
    ],
    [
      'fails when endpoint columns name an unknown placeholder',
      { ...base, edges: [{ label: 'X', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Supplier', columns: { id: 'supplier_id', sid: 'x' } } }] },
      /to\.columns has "sid", which is not a placeholder/,
    ],
    [
      'fails when two edges share an id template',
      {
        ...base,
        edges: [
          { label: 'X', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Supplier', columns: { id: 'supplier_id' } } },
          { label: 'X', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Supplier', columns: { id: 'other_supplier_id' } } },
        ],
      },
      /edge id template "X:\{~from\}->\{~to\}" is also used by mapping\.edges\[0\] \(X\)/,
    ],
    [
      'fails when an edge id placeholder is not a column or endpoint',
      { ...base, edges: [{ ...base.edges![0], id: 'e-{~label}' }] },
      /placeholder \{~label\}: placeholders must be column names \(or \{~from\} \/ \{~to\}\)/,
    ],
  ];
  test.each(failures)('%s', (_name, mapping, message) => {
    expect(() => compileMapping(mapping)).toThrow(message);
  });
});

describe('rows to bulk-load CSV', () => {
  test('writes a vertex file: header, id from template, label, typed values, RFC 4180 quoting', () => {
    const csv = vertexCsv(product, [
      { id: 1, name: 'Chai', unit_price: 18, discontinued: 0, tags: 'tea, drinks', updated_at: '2026-01-01' },
      { id: 2, name: 'Chef Anton\'s "Cajun", seasoning', unit_price: 22.5, discontinued: true, tags: ['spice', 'a;b'], updated_at: null },
      { id: 3, name: 'multi\nline', unit_price: null, discontinued: null, tags: null, updated_at: null },
    ]);
    expect(csv.text).toBe(
      [
        '~id,~label,name:String(single),unitPrice:Double(single),discontinued:Bool(single),tags:String[]',
        'product-1,Product,Chai,18,false,tea;drinks',
        'product-2,Product,"Chef Anton\'s ""Cajun"", seasoning",22.5,true,spice;a\\;b',
        'product-3,Product,"multi\nline",,,',
        '',
      ].join('\n'),
    );
    expect(csv.records).toBe(3);
  });

  test('writes an FK edge file and skips rows whose foreign key is NULL', () => {
    const csv = edgeCsv(suppliedBy, [
      { id: 1, supplier_id: 7 },
      { id: 2, supplier_id: null },
    ]);
    expect(csv.text).toBe('~id,~from,~to,~label\nSUPPLIED_BY:product-1->supplier-7,product-1,supplier-7,SUPPLIED_BY\n');
    expect(csv).toMatchObject({ records: 1, skipped: 1 });
  });

  test('writes a join-table edge with its own id and typed properties', () => {
    expect(edgeFields(contains, { order_id: 10248, product_id: 11, line_no: 1, quantity: '12', discount: 0.05, updated_at: null })).toEqual([
      'order-line-10248-1',
      'order-10248',
      'product-11',
      'CONTAINS',
      '12',
      '0.05',
    ]);
  });

  test('formats dates as Neptune accepts them, normalising offsets to UTC', () => {
    expect(vertexFields(order, { order_id: 1, order_date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), line_count: 2, updated_at: null })[2]).toBe(
      '2026-01-02T03:04:05Z',
    );
    expect(formatScalar('Date', '2026-01-02')).toBe('2026-01-02');
    expect(formatScalar('Date', '2026-01-02 03:04:05')).toBe('2026-01-02T03:04:05');
    expect(formatScalar('Date', '2026-01-02T03:04:05.123+02:00')).toBe('2026-01-02T01:04:05Z');
    expect(formatScalar('Date', '2026-01-02T03:04:05+0200')).toBe('2026-01-02T01:04:05Z');
    // Z without seconds gains them: yyyy-MM-ddTHH:mmZ is not among Neptune's date formats (bulk-load-format.test.ts)
    expect(formatScalar('Date', '2026-01-02T03:04Z')).toBe('2026-01-02T03:04:00Z');
    expect(formatScalar('Date', '2026-01-02T03:04:05.9Z')).toBe('2026-01-02T03:04:05Z');
    expect(formatScalar('Date', '2026-01-02T03:04')).toBe('2026-01-02T03:04');
  });

  test.each([
    ['Byte', 127, '127'],
    ['Short', '-32768', '-32768'],
    ['Int', 2147483647, '2147483647'],
    ['Long', 9223372036854775807n, '9223372036854775807'],
    ['Long', '-9223372036854775808', '-9223372036854775808'],
    ['Double', '12.50', '12.50'],
    ['Float', 1.5, '1.5'],
    ['Bool', '1', 'true'],
    ['String', 42, '42'],
  ] as const)('formats %s %p as %p', (type, value, text) => {
    expect(formatScalar(type, value)).toBe(text);
  });

  test.each([
    ['Byte', 128, /128 is out of range for Byte \(-128\.\.127\)/],
    ['Int', 2147483648, /out of range for Int/],
    ['Long', '9223372036854775808', /out of range for Long/],
    ['Int', 1.5, /1\.5 is not an integer/],
    ['Int', 'twelve', /"twelve" is not an integer/],
    ['Double', 'NaN', /is not a finite number/],
    ['Double', Infinity, /is not a finite number/],
    ['Bool', 'yes', /"yes" is not a Bool/],
    ['Date', '02/01/2026', /is not a date/],
    ['String', { a: 1 }, /a object is not a String/],
  ] as const)('refuses %s %p', (type, value, message) => {
    expect(() => formatScalar(type, value)).toThrow(message);
  });

  test('fails when a value does not fit its type, naming table, row and column', () => {
    const rows = [
      { id: 1, name: 'ok', unit_price: 1, discontinued: 0, tags: null, updated_at: null },
      { id: 2, name: 'bad', unit_price: 'cheap', discontinued: 0, tags: null, updated_at: null },
    ];
    expect(() => vertexCsv(product, rows)).toThrow(MappingRowError);
    expect(() => vertexCsv(product, rows)).toThrow('table product, row 1, column unit_price: "cheap" is not a finite number (property unitPrice:Double)');
  });

  test('fails when a vertex id column is NULL', () => {
    expect(() => vertexFields(order, { order_id: null, order_date: null, line_count: null, updated_at: null })).toThrow(
      'table orders, row 0, column order_id: id column is NULL, so the row has no Order id',
    );
  });

  test('fails when a mapped column is missing from the row', () => {
    expect(() => vertexFields(order, { order_id: 1, order_date: null, updated_at: null })).toThrow(
      'table orders, row 0, column line_count: column is missing from the row',
    );
  });

  test('fails when an edge id column is NULL', () => {
    expect(() => edgeFields(contains, { order_id: 1, product_id: 2, line_no: null, quantity: 1, discount: 0, updated_at: null })).toThrow(
      /column line_no: edge id column is NULL/,
    );
  });

  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['cr\r', '"cr\r"'],
    [' padded', '" padded"'],
    ['', ''],
    ['日本語 ✓', '日本語 ✓'],
  ])('quotes %p as %p', (text, field) => {
    expect(csvField(text)).toBe(field);
  });
});
