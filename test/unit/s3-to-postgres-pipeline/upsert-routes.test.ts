import { loadConfig } from '../../../lambdas/s3-to-postgres/config';
import { resolveRoutes, routeProblems } from '../../../lambdas/s3-to-postgres/routes';
import { PrivatePostgres } from '../../../modules/private-postgres';
import { S3ToPostgresPipeline, PipelineRoute } from '../../../modules/s3-to-postgres-pipeline';
import { resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';

/** Upsert routes: the same rules at synth (module) and at cold start (Lambda), from lambdas/s3-to-postgres/routes.ts. */
describe('upsert routes: routeProblems', () => {
  test('upsert is a mode, with or without key; key survives resolution', () => {
    expect(routeProblems([{ prefix: 'o/', table: 'sales.orders', mode: 'upsert' }])).toEqual([]);
    expect(routeProblems([{ prefix: 'o/', table: 'sales.orders', mode: 'upsert', key: ['order_id', 'line'] }])).toEqual([]);
    expect(resolveRoutes([{ prefix: 'o/', table: 'sales.orders', mode: 'upsert', key: ['order_id', 'line'] }])[0]).toEqual({
      prefix: 'o/',
      table: 'sales.orders',
      mode: 'upsert',
      key: ['order_id', 'line'],
      schema: 'sales',
      name: 'orders',
      qualified: 'sales.orders',
    });
    expect(loadConfig({ TABLE_ROUTES: '[{"prefix":"o/","table":"orders","mode":"upsert","key":["id"]}]' }).routes[0]).toMatchObject({ mode: 'upsert', key: ['id'] });
    expect(resolveRoutes([{ prefix: 'o/', table: 'orders', mode: 'upsert', deleteMarker: { column: 'op', value: 'D' } }])[0].deleteMarker).toEqual({ column: 'op', value: 'D' });
  });

  test.each([
    [{ mode: 'upsert', key: [] }, /route 0: key must be a non-empty list of column names/],
    [{ mode: 'upsert', key: 'id' }, /route 0: key must be a non-empty list of column names/],
    [{ mode: 'upsert', key: ['id', 'order id'] }, /route 0: key column\(s\) "order id" must be plain identifiers/],
    [{ mode: 'upsert', key: ['id', 7] }, /route 0: key column\(s\) 7 must be plain identifiers/],
    [{ mode: 'upsert', key: ['id', 'id'] }, /route 0: key column\(s\) "id" repeat/],
    [{ mode: 'append', key: ['id'] }, /route 0: key is only for mode "upsert" \(mode is "append"\)/],
    [{ mode: 'replace', key: ['id'] }, /route 0: key is only for mode "upsert" \(mode is "replace"\)/],
    [{ mode: 'merge' }, /route 0: mode "merge" must be "replace", "append" or "upsert"/],
    [{ mode: 'append', deleteMarker: { column: 'op', value: 'D' } }, /route 0: deleteMarker is only for mode "upsert" \(mode is "append"\)/],
    [{ mode: 'upsert', deleteMarker: 'op' }, /route 0: deleteMarker must be \{column, value\}/],
    [{ mode: 'upsert', deleteMarker: { column: 'op' } }, /route 0: deleteMarker.value must be a non-empty string/],
    [{ mode: 'upsert', deleteMarker: { column: 'op', value: '' } }, /route 0: deleteMarker.value must be a non-empty string/],
    [{ mode: 'upsert', deleteMarker: { column: 'o p', value: 'D' } }, /route 0: deleteMarker.column "o p" must be a plain identifier/],
    [{ mode: 'upsert', key: ['id'], deleteMarker: { column: 'id', value: 'D' } }, /route 0: deleteMarker.column "id" is a key column/],
    [{ mode: 'upsert', deleteMarker: { column: 'op', value: 'D', when: 1 } }, /route 0: deleteMarker has unknown field\(s\) when/],
  ])('fails when the route is %j', (fields, message) => {
    const problems = routeProblems([{ prefix: 'o/', table: 'orders', ...fields }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('fails when one table is both replaced and upserted into; upsert beside append (or another upsert) is allowed', () => {
    expect(
      routeProblems([
        { prefix: 'full/', table: 'orders', mode: 'replace' },
        { prefix: 'delta/', table: 'public.orders', mode: 'upsert' },
      ]),
    ).toEqual(['public.orders is both replaced (prefix "full/") and upserted into (prefix "delta/"): a replace would erase upserted rows. Pick one mode per table.']);
    expect(
      routeProblems([
        { prefix: 'a/', table: 'orders', mode: 'append' },
        { prefix: 'b/', table: 'orders', mode: 'upsert' },
        { prefix: 'c/', table: 'orders', mode: 'upsert', key: ['id'] },
      ]),
    ).toEqual([]);
  });
});

describe('upsert routes: S3ToPostgresPipeline at synth', () => {
  function build(routes: PipelineRoute[]) {
    const stack = testStack({});
    const database = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app' });
    new S3ToPostgresPipeline(stack, 'pipeline', { database, network: TWO_AZ_NETWORK, routes });
    return synthJson(stack);
  }

  test('an upsert route reaches the loader with its key and delete marker; routes without key carry none', () => {
    const json = build([
      { prefix: 'orders/', table: 'sales.orders', mode: 'upsert', key: ['order_id', 'line'] },
      { prefix: 'people/', table: 'people', mode: 'upsert', deleteMarker: { column: 'op', value: 'D' } },
    ]);
    const loader = resources(json, 'aws_lambda_function').find((f) => f.environment?.variables?.TABLE_ROUTES)!;
    expect(JSON.parse(loader.environment.variables.TABLE_ROUTES)).toEqual([
      { prefix: 'orders/', table: 'sales.orders', mode: 'upsert', key: ['order_id', 'line'] },
      { prefix: 'people/', table: 'people', mode: 'upsert', deleteMarker: { column: 'op', value: 'D' } },
    ]);
  });

  test('fails when a key is given with another mode, naming the construct and the route', () => {
    expect(() => build([{ prefix: 'people/', table: 'people', mode: 'replace', key: ['id'] }])).toThrow(
      /test\/pipeline: invalid routes: route 0: key is only for mode "upsert" \(mode is "replace"\); remove it or use mode "upsert"\./,
    );
  });

  test('fails when the key is empty or not identifiers', () => {
    expect(() => build([{ prefix: 'people/', table: 'people', mode: 'upsert', key: [] }])).toThrow(/invalid routes: route 0: key must be a non-empty list/);
    expect(() => build([{ prefix: 'people/', table: 'people', mode: 'upsert', key: ['id;drop'] }])).toThrow(/key column\(s\) "id;drop" must be plain identifiers/);
  });
});
