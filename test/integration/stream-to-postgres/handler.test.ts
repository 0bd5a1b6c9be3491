import type { KinesisStreamEvent } from 'aws-lambda';
import { createTestDatabase } from '../../helpers/pg';
import { StreamFixture } from './fixtures';

// The deployed entry point: config from the environment at cold start, the pg adapter, the ensure-schema action.
describe('handler', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let handler: (e: never) => Promise<unknown>;
  const f = new StreamFixture();

  beforeAll(async () => {
    db = await createTestDatabase('stream_handler'); // points PGDATABASE at the new database
    process.env.TABLE_CONFIG = JSON.stringify([
      { source: 'app.Orders', target: 'sales.orders', keyColumns: ['order_id'], columns: [{ source: 'id', target: 'order_id', type: 'bigint' }, { source: 'total', type: 'numeric(12,2)' }] },
    ]);
    process.env.HIGH_WATER_MARK = '2026-11-23T00:00:00Z';
    process.env.LOG_LEVEL = 'error';
    jest.resetModules();
    ({ handler } = await import('../../../lambdas/stream-to-postgres/handler'));
  });

  afterAll(async () => {
    delete process.env.TABLE_CONFIG;
    delete process.env.HIGH_WATER_MARK;
    delete process.env.LOG_LEVEL;
    await db.drop();
  });

  test('ensure-schema creates the tables; a Kinesis event is applied; the response has the Lambda shape', async () => {
    expect(await handler({ action: 'ensure-schema' } as never)).toEqual({ tables: ['sales.orders'] });
    const event: KinesisStreamEvent = {
      Records: [
        f.change('insert', 'app.Orders', { id: 1, total: '10.00' }, '2026-11-22T23:59:59Z'),
        f.change('insert', 'app.Orders', { id: 2, total: '20.50' }, '2026-11-23T00:00:01Z'),
        f.change('update', 'app.Orders', { id: 2, total: '21.00' }, '2026-11-23T00:00:02Z'),
      ],
    };
    expect(await handler(event as never)).toEqual({ batchItemFailures: [] });
    const { rows } = await db.client.query('SELECT order_id::int AS id, total::text AS total FROM sales.orders ORDER BY 1');
    expect(rows).toEqual([{ id: 2, total: '21.00' }]);
  });

  test('an unknown action is refused', async () => {
    await expect(handler({ action: 'drop-everything' } as never)).rejects.toThrow('unknown action "drop-everything"');
  });
});
