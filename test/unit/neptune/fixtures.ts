import type { GraphMapping } from '../../../modules/neptune-graph-migration';

/** The product graph of the seed document: products, suppliers, categories, orders; an FK edge and a join-table edge. */
export const productMapping: GraphMapping = {
  vertices: [
    {
      label: 'Product',
      table: 'product',
      id: 'product-{id}',
      properties: [
        { column: 'name', type: 'String' },
        { column: 'unit_price', name: 'unitPrice', type: 'Double' },
        { column: 'discontinued', type: 'Bool' },
        { column: 'tags', type: 'String', multi: true },
      ],
      watermarkColumn: 'updated_at',
    },
    { label: 'Supplier', table: 'supplier', id: 'supplier-{id}', properties: [{ column: 'company_name', name: 'name', type: 'String' }] },
    {
      label: 'Order',
      table: 'orders',
      id: 'order-{order_id}',
      properties: [
        { column: 'order_date', name: 'orderDate', type: 'Date' },
        { column: 'line_count', name: 'lines', type: 'Short' },
      ],
      watermarkColumn: 'updated_at',
    },
  ],
  edges: [
    { label: 'SUPPLIED_BY', table: 'product', from: { vertex: 'Product' }, to: { vertex: 'Supplier', columns: { id: 'supplier_id' } } },
    {
      label: 'CONTAINS',
      table: 'order_detail',
      from: { vertex: 'Order', columns: { order_id: 'order_id' } },
      to: { vertex: 'Product', columns: { id: 'product_id' } },
      id: 'order-line-{order_id}-{line_no}',
      properties: [
        { column: 'quantity', type: 'Int' },
        { column: 'discount', type: 'Float' },
      ],
      watermarkColumn: 'updated_at',
    },
  ],
};
