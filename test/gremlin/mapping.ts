/**
 * Prints the compiled graph mapping test/gremlin runs the writers with (`tsx test/gremlin/mapping.ts`): the product
 * graph of test/unit/neptune/fixtures.ts, watermarks on every element (the incremental job needs them), plus a
 * Shipment vertex whose properties cover the types the product graph does not (Long beyond 32 bits, Byte, a Date with
 * an offset) and an edge from it. Compiled by the module's own compiler, as synth does for --graph_mapping.
 */
import { compileMapping, GraphMapping } from '../../modules/neptune-graph-migration';
import { productMapping } from '../unit/neptune/fixtures';

export const gremlinTestMapping: GraphMapping = {
  vertices: [
    ...productMapping.vertices.map((v) => ({ ...v, watermarkColumn: 'updated_at' })),
    {
      label: 'Shipment',
      table: 'shipment',
      id: 'shipment-{id}',
      properties: [
        { column: 'tracking_no', name: 'trackingNo', type: 'Long' },
        { column: 'priority', type: 'Byte' },
        { column: 'weight_kg', name: 'weightKg', type: 'Double' },
        { column: 'shipped_at', name: 'shippedAt', type: 'Date' },
        { column: 'delivered', type: 'Bool' },
      ],
      watermarkColumn: 'updated_at',
    },
  ],
  edges: [
    ...productMapping.edges!.map((e) => ({ ...e, watermarkColumn: 'updated_at' })),
    { label: 'SHIPS', table: 'shipment', from: { vertex: 'Shipment' }, to: { vertex: 'Order', columns: { order_id: 'order_id' } }, watermarkColumn: 'updated_at' },
  ],
};

process.stdout.write(JSON.stringify(compileMapping(gremlinTestMapping)));
