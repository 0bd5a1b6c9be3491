/**
 * The export job's bulk-load CSV checked against Neptune's documented Gremlin load data format:
 * https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html
 *
 * `readGremlinCsv` (test/helpers/gremlin-csv.ts) is a strict reader written from that page, independent of
 * mapping.ts. The headers the compiler builds and the files vertexCsv / edgeCsv write (byte-identical to the
 * Glue job's neptune_mapping.py, see mapping-conformance.test.ts) must pass it, and the reader must refuse what the
 * page forbids, so these tests can fail.
 *
 * The rules it checks, in the page's words, are listed at the top of that file.
 */
import { compileMapping, CompiledEdge, CompiledVertex, edgeCsv, GraphMapping, vertexCsv } from '../../../modules/neptune-graph-migration';
import { Kind, readGremlinCsv } from '../../helpers/gremlin-csv';
import { productMapping } from './fixtures';

const withShipment: GraphMapping = {
  vertices: [
    ...productMapping.vertices,
    {
      label: 'Shipment',
      table: 'shipment',
      id: 'shipment-{id}',
      properties: [
        { column: 'tracking_no', name: 'trackingNo', type: 'Long' },
        { column: 'priority', type: 'Byte' },
        { column: 'shipped_at', name: 'shippedAt', type: 'Date' },
        { column: 'delivered', type: 'Bool' },
        { column: 'eta', name: 'eta:utc', type: 'Date' },
      ],
    },
  ],
  edges: [...productMapping.edges!, { label: 'SHIPS', table: 'shipment', from: { vertex: 'Shipment' }, to: { vertex: 'Order', columns: { order_id: 'order_id' } } }],
};
const compiled = compileMapping(withShipment);
const vertex = (label: string): CompiledVertex => compiled.vertices.find((v) => v.label === label)!;
const edge = (label: string): CompiledEdge => compiled.edges.find((e) => e.label === label)!;

describe('the compiled headers follow the Gremlin load data format', () => {
  test.each(compiled.vertices.map((v) => [v.label, v] as const))('vertex file header of %s', (_label, v) => {
    const { system, columns } = readGremlinCsv(v.header.join(',') + '\n', 'vertex');
    expect(system).toEqual(['~id', '~label']);
    // every mapped property is a column of the mapped type: single cardinality, or a set array for multi-valued ones
    expect(columns.slice(2)).toEqual(v.properties.map((p) => ({ name: p.name, type: p.type, array: p.multi, cardinality: p.multi ? 'set' : 'single' })));
  });

  test.each(compiled.edges.map((e) => [e.label, e] as const))('edge file header of %s', (_label, e) => {
    const { system, columns } = readGremlinCsv(e.header.join(',') + '\n', 'edge');
    expect(system).toEqual(['~id', '~from', '~to', '~label']);
    expect(columns.slice(4)).toEqual(e.properties.map((p) => ({ name: p.name, type: p.type, array: false, cardinality: 'single' })));
  });

  test('a colon in a property name is escaped in the header and read back whole', () => {
    expect(vertex('Shipment').header).toContain('eta\\:utc:Date(single)');
    const { columns } = readGremlinCsv(vertex('Shipment').header.join(',') + '\n', 'vertex');
    expect(columns).toContainEqual({ name: 'eta:utc', type: 'Date', array: false, cardinality: 'single' });
  });
});

describe('the export files follow the Gremlin load data format', () => {
  const rows = {
    product: [
      { id: 1, name: 'Chai', unit_price: 18, discontinued: 0, tags: 'tea, drinks', updated_at: null, supplier_id: 1 },
      { id: 2, name: 'Chef "Cajun", seasoning', unit_price: '22.50', discontinued: true, tags: ['spice', 'a;b'], updated_at: null, supplier_id: null },
      { id: 3, name: ' padded\r\nmulti 𝄞', unit_price: 0.1, discontinued: 'false', tags: '', updated_at: null, supplier_id: 2 },
    ],
    orders: [
      { order_id: 10248, order_date: '2026-01-02 03:04:05', line_count: 2, updated_at: null },
      { order_id: 10249, order_date: '2026-01-02T03:04:05.5+02:00', line_count: '3', updated_at: null },
      { order_id: 10250, order_date: '2026-03-04T05:06Z', line_count: null, updated_at: null },
    ],
    shipment: [
      { id: 1, order_id: 10248, tracking_no: 9007199254740993n, priority: -128, shipped_at: new Date(Date.UTC(2026, 0, 3, 4, 5, 6)), delivered: 1, eta: '2026-01-04' },
    ],
    order_detail: [{ order_id: 10248, product_id: 1, line_no: 1, quantity: 2147483647, discount: '0.15', updated_at: null }],
  };

  test('Product: quoting, sets with escaped semicolons, empty sets, Unicode beyond the BMP', () => {
    const { records } = readGremlinCsv(vertexCsv(vertex('Product'), rows.product).text, 'vertex');
    expect(records).toEqual([
      { '~id': 'product-1', '~label': ['Product'], name: 'Chai', unitPrice: 18, discontinued: false, tags: ['tea', 'drinks'] },
      { '~id': 'product-2', '~label': ['Product'], name: 'Chef "Cajun", seasoning', unitPrice: 22.5, discontinued: true, tags: ['spice', 'a;b'] },
      { '~id': 'product-3', '~label': ['Product'], name: ' padded\r\nmulti 𝄞', unitPrice: 0.1, discontinued: false },
    ]);
  });

  test('Order: dates in documented formats only, offsets and Z normalised to UTC with seconds', () => {
    const { records } = readGremlinCsv(vertexCsv(vertex('Order'), rows.orders).text, 'vertex');
    expect(records.map((r) => r.orderDate)).toEqual(['2026-01-02T03:04:05', '2026-01-02T01:04:05Z', '2026-03-04T05:06:00Z']);
    expect(records.map((r) => r.lines)).toEqual([2n, 3n, undefined]);
  });

  test('Shipment: Long beyond 2^53, Byte at its bound, Bool from 1, Date from a JS Date', () => {
    const { records } = readGremlinCsv(vertexCsv(vertex('Shipment'), rows.shipment).text, 'vertex');
    expect(records).toEqual([
      { '~id': 'shipment-1', '~label': ['Shipment'], trackingNo: 9007199254740993n, priority: -128n, shippedAt: '2026-01-03T04:05:06Z', delivered: true, 'eta:utc': '2026-01-04' },
    ]);
  });

  test('edges: ids, ends, one label; a NULL foreign key writes no record', () => {
    expect(readGremlinCsv(edgeCsv(edge('SUPPLIED_BY'), rows.product).text, 'edge').records).toEqual([
      { '~id': 'SUPPLIED_BY:product-1->supplier-1', '~from': 'product-1', '~to': 'supplier-1', '~label': 'SUPPLIED_BY' },
      { '~id': 'SUPPLIED_BY:product-3->supplier-2', '~from': 'product-3', '~to': 'supplier-2', '~label': 'SUPPLIED_BY' },
    ]);
    expect(readGremlinCsv(edgeCsv(edge('CONTAINS'), rows.order_detail).text, 'edge').records).toEqual([
      { '~id': 'order-line-10248-1', '~from': 'order-10248', '~to': 'product-1', '~label': 'CONTAINS', quantity: 2147483647n, discount: 0.15 },
    ]);
  });
});

describe('the reader refuses what the page forbids (so the checks above can fail)', () => {
  test.each<[string, string, Kind, RegExp]>([
    ['a vertex file without ~id', '~label,name:String\nPerson,x\n', 'vertex', /vertex files require ~id/],
    ['an edge file without ~to', '~id,~from,~label\ne,a,KNOWS\n', 'edge', /edge files require ~to/],
    ['~from in a vertex file', '~id,~from\na,b\n', 'vertex', /~from is not allowed in a vertex file/],
    ['a system column twice', '~id,~label,~label\na,b,c\n', 'vertex', /~label appears twice/],
    ['a space in a header', '~id,full name:String\na,b\n', 'vertex', /space, comma/],
    ['an unescaped colon in a name', '~id,a:b:String\na,b\n', 'vertex', /not name:type/],
    ['an unknown type', '~id,n:Decimal\na,1\n', 'vertex', /Decimal is not a Neptune type/],
    ['an array on an edge', '~id,~from,~to,~label,w:Int[]\ne,a,b,L,1\n', 'edge', /single value/],
    ['set cardinality on an edge', '~id,~from,~to,~label,w:Int(set)\ne,a,b,L,1\n', 'edge', /always single/],
    ['a Bool that is not true/false', '~id,ok:Bool\na,1\n', 'vertex', /not a Bool/],
    ['a Short out of range', '~id,n:Short\na,32768\n', 'vertex', /out of range for Short/],
    ['a Date with minutes and Z', '~id,d:Date\na,2026-01-02T03:04Z\n', 'vertex', /not one of the Date formats/],
    ['a Date with a space', '~id,d:Date\na,2026-01-02 03:04:05\n', 'vertex', /not one of the Date formats/],
    ['a record with too few fields', '~id,n:Int\na\n', 'vertex', /has 1 fields, the header 2/],
    ['a quote inside an unquoted field', '~id,n:String\na,x"y\n', 'vertex', /quote inside an unquoted field/],
    ['two labels on an edge', '~id,~from,~to,~label\ne,a,b,A;B\n', 'edge', /single label/],
  ])('%s', (_what, text, kind, message) => {
    expect(() => readGremlinCsv(text, kind)).toThrow(message);
  });

  test('type names are not case sensitive', () => {
    expect(readGremlinCsv('~id,n:int,b:BOOL(single)\na,1,true\n', 'vertex').records).toEqual([{ '~id': 'a', n: 1n, b: true }]);
  });
});
