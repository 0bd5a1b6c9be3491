/**
 * The Glue jobs format rows in Python (templates/glue/neptune/neptune_mapping.py) from the mapping compiled here.
 * This test runs both implementations over the same rows and requires byte-identical CSV, so the TypeScript
 * compiler stays the one specification of the bulk-load format.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { compileMapping, edgeCsv, vertexCsv } from '../../../modules/neptune-graph-migration';
import { productMapping } from './fixtures';

const SCRIPT = path.resolve(__dirname, '../../../templates/glue/neptune/neptune_mapping.py');

function python(request: unknown): { vertices: Record<string, string>; edges: Record<string, string>; errors: string[] } {
  const out = execFileSync('python3', [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8' });
  return JSON.parse(out);
}

const rows: Record<string, Record<string, unknown>[]> = {
  product: [
    { id: 1, name: 'Chai', unit_price: 18, discontinued: 0, tags: 'tea, drinks', updated_at: '2026-01-01', supplier_id: 1 },
    { id: 2, name: 'Chef "Cajun", seasoning', unit_price: 22.5, discontinued: true, tags: ['spice', 'a;b'], updated_at: null, supplier_id: null },
    { id: 3, name: ' padded\r\nmulti', unit_price: '1.250', discontinued: 'false', tags: '', updated_at: null, supplier_id: 2 },
    { id: 4, name: 'Ünïcödé ✓ 日本', unit_price: 0.1, discontinued: '1', tags: [], updated_at: null, supplier_id: 3 },
  ],
  supplier: [
    { id: 1, company_name: 'Exotic Liquids' },
    { id: 2, company_name: null },
  ],
  orders: [
    { order_id: 10248, order_date: '2026-01-02 03:04:05', line_count: 2, updated_at: '2026-01-02' },
    { order_id: 10249, order_date: '2026-01-02T03:04:05.5+02:00', line_count: '3', updated_at: '2026-01-02' },
    { order_id: 10250, order_date: '2026-03-04', line_count: null, updated_at: '2026-01-02' },
    { order_id: 10251, order_date: '2026-03-04T05:06Z', line_count: 1, updated_at: '2026-01-02' },
    { order_id: 10252, order_date: '2026-03-04T05:06:07.89Z', line_count: 1, updated_at: '2026-01-02' },
  ],
  order_detail: [
    { order_id: 10248, product_id: 1, line_no: 1, quantity: 12, discount: 0, updated_at: null },
    { order_id: 10248, product_id: 4, line_no: 2, quantity: '5', discount: '0.15', updated_at: null },
    { order_id: 10249, product_id: null, line_no: 1, quantity: 1, discount: 0.25, updated_at: null },
  ],
};

describe('TypeScript and Python produce the same bulk-load CSV', () => {
  const mapping = compileMapping(productMapping);
  const py = python({ mapping, rows });

  test('python reports no errors for valid rows', () => {
    expect(py.errors).toEqual([]);
  });

  test.each(mapping.vertices.map((v) => [v.label, v] as const))('vertex file %s', (_label, v) => {
    expect(py.vertices[v.folder]).toBe(vertexCsv(v, rows[v.table]).text);
  });

  test.each(mapping.edges.map((e) => [e.label, e] as const))('edge file %s', (_label, e) => {
    expect(py.edges[e.folder]).toBe(edgeCsv(e, rows[e.table]).text);
  });

  test('both name the same table, row and column for a bad value', () => {
    const bad = { ...rows, orders: [{ order_id: 1, order_date: 'soon', line_count: 1, updated_at: null }] };
    const order = mapping.vertices.find((v) => v.label === 'Order')!;
    let tsMessage = '';
    try {
      vertexCsv(order, bad.orders);
    } catch (err) {
      tsMessage = (err as Error).message;
    }
    expect(tsMessage).toContain('table orders, row 0, column order_date');
    expect(python({ mapping, rows: bad }).errors).toEqual([tsMessage]);
  });
});
