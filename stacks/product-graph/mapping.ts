import type { GraphMapping } from '../../modules/neptune-graph-migration';

/**
 * The seed document's product graph: products, suppliers and categories (bulk or direct), orders and order lines
 * (incremental, by their `updated_at` columns). Foreign keys become SUPPLIED_BY / IN_CATEGORY / PLACED... edges;
 * the `order_detail` join table becomes CONTAINS edges with quantity and price.
 */
export const PRODUCT_GRAPH: GraphMapping = {
  vertices: [
    {
      label: 'Product',
      table: 'product',
      id: 'product-{product_id}',
      properties: [
        { column: 'product_name', name: 'name', type: 'String' },
        { column: 'quantity_per_unit', name: 'quantityPerUnit', type: 'String' },
        { column: 'unit_price', name: 'unitPrice', type: 'Double' },
        { column: 'units_in_stock', name: 'unitsInStock', type: 'Int' },
        { column: 'discontinued', type: 'Bool' },
        { column: 'tags', type: 'String', multi: true, separator: ',' },
      ],
      watermarkColumn: 'updated_at',
    },
    {
      label: 'Supplier',
      table: 'supplier',
      id: 'supplier-{supplier_id}',
      properties: [
        { column: 'company_name', name: 'name', type: 'String' },
        { column: 'country', type: 'String' },
      ],
      watermarkColumn: 'updated_at',
    },
    {
      label: 'Category',
      table: 'category',
      id: 'category-{category_id}',
      properties: [
        { column: 'category_name', name: 'name', type: 'String' },
        { column: 'description', type: 'String' },
      ],
      watermarkColumn: 'updated_at',
    },
    {
      label: 'Order',
      table: 'orders',
      id: 'order-{order_id}',
      properties: [
        { column: 'order_date', name: 'orderDate', type: 'Date' },
        { column: 'ship_country', name: 'shipCountry', type: 'String' },
        { column: 'freight', type: 'Double' },
      ],
      watermarkColumn: 'updated_at',
    },
  ],
  edges: [
    {
      label: 'SUPPLIED_BY',
      table: 'product',
      from: { vertex: 'Product' },
      to: { vertex: 'Supplier', columns: { supplier_id: 'supplier_id' } },
      watermarkColumn: 'updated_at',
    },
    {
      label: 'IN_CATEGORY',
      table: 'product',
      from: { vertex: 'Product' },
      to: { vertex: 'Category', columns: { category_id: 'category_id' } },
      watermarkColumn: 'updated_at',
    },
    {
      label: 'CONTAINS',
      table: 'order_detail',
      from: { vertex: 'Order', columns: { order_id: 'order_id' } },
      to: { vertex: 'Product', columns: { product_id: 'product_id' } },
      id: 'order-line-{order_id}-{product_id}',
      properties: [
        { column: 'quantity', type: 'Int' },
        { column: 'unit_price', name: 'unitPrice', type: 'Double' },
        { column: 'discount', type: 'Float' },
      ],
      watermarkColumn: 'updated_at',
    },
  ],
};
