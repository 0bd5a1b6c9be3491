import { createLogger } from '../../../lambdas/shared/logger';
import { CoreContext, runBulkLoad, StartResult, StatusResult } from '../../../lambdas/neptune-bulk-load/core';
import { LoaderRequestError, NeptuneLoaderClient } from '../../../lambdas/neptune-bulk-load/loader-client';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { compileMapping, edgeCsv, vertexCsv } from '../../../modules/neptune-graph-migration';
import { putObject, testS3Client } from '../../helpers/s3';
import { productMapping } from '../../unit/neptune/fixtures';
import { FakeNeptuneLoader } from './loader-server';

const ROLE = 'arn:aws:iam::123456789012:role/demo-staging-neptune-loader';
const BUCKET = `demo-export-${process.pid}`;
const VERTICES = `s3://${BUCKET}/runs/r1/vertices/`;
const EDGES = `s3://${BUCKET}/runs/r1/edges/`;
const logLines: string[] = [];
const logger = createLogger({ service: 'test', sink: (l) => logLines.push(l) });
const s3 = testS3Client();
/** The loader double reads the files from s3rver and accepts only this role, as a cluster with it attached. */
const newLoader = (options: { credentials?: { accessKeyId: string; secretAccessKey: string }; region?: string } = {}) =>
  new FakeNeptuneLoader({ s3, attachedRoleArns: [ROLE], ...options });

// The export the loads read: files as the export job writes them (vertexCsv / edgeCsv, byte-identical to the Glue
// job's neptune_mapping.py), from the product mapping of the unit tests.
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: Error) => {
    if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
  });
  const compiled = compileMapping(productMapping);
  const product = compiled.vertices.find((v) => v.label === 'Product')!;
  const suppliedBy = compiled.edges.find((e) => e.label === 'SUPPLIED_BY')!;
  const rows = [
    { id: 1, name: 'Chai', unit_price: 18, discontinued: 0, tags: 'tea, drinks', updated_at: null, supplier_id: 1 },
    { id: 2, name: 'Chang', unit_price: '19.00', discontinued: false, tags: null, updated_at: null, supplier_id: 1 },
  ];
  await putObject(s3, BUCKET, 'runs/r1/vertices/product/part-00000.csv', vertexCsv(product, rows).text);
  await putObject(s3, BUCKET, 'runs/r1/edges/supplied_by/part-00000.csv', edgeCsv(suppliedBy, rows).text);
});

describe('neptune-bulk-load against a local loader API', () => {
  let server: FakeNeptuneLoader;
  let ctx: CoreContext;

  beforeEach(async () => {
    server = newLoader();
    const url = await server.start();
    ctx = { loader: new NeptuneLoaderClient({ baseUrl: url, region: 'eu-west-2' }), loaderRoleArn: ROLE, region: 'eu-west-2', logger };
    logLines.length = 0;
  });
  afterEach(() => server.stop());

  test('starts the vertex load, then the edge load queued behind it', async () => {
    const result = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES, parallelism: 'MEDIUM' }, ctx)) as StartResult;
    expect(result.loadIds).toHaveLength(2);
    const [vertexReq, edgeReq] = server.requests;
    expect(vertexReq.method).toBe('POST');
    expect(vertexReq.body).toEqual({
      source: VERTICES,
      format: 'csv',
      iamRoleArn: ROLE,
      region: 'eu-west-2',
      mode: 'AUTO',
      failOnError: 'TRUE',
      parallelism: 'MEDIUM',
      updateSingleCardinalityProperties: 'TRUE',
      queueRequest: 'TRUE',
    });
    expect(edgeReq.body).toMatchObject({ source: EDGES, dependencies: [result.loadIds[0]], queueRequest: 'TRUE' });
    expect(server.loads.get(result.loadIds[1])!.request.dependencies).toEqual([result.loadIds[0]]);
  });

  test('starts a single load when there are no edges', async () => {
    const result = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)) as StartResult;
    expect(result.loadIds).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  test('reports in progress until every load completes', async () => {
    server.scripts.set(VERTICES, { statuses: ['LOAD_NOT_STARTED', 'LOAD_IN_PROGRESS', 'LOAD_COMPLETED'], totalRecords: 830 });
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, ctx)) as StartResult;
    const polls: StatusResult[] = [];
    for (let i = 0; i < 3; i++) polls.push((await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult);
    expect(polls.map((p) => p.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED']);
    expect(polls[0].loads.map((l) => l.status)).toEqual(['LOAD_NOT_STARTED', 'LOAD_IN_QUEUE']);
    expect(polls[2]).toMatchObject({ done: true, failed: false, cause: '', errors: [] });
    expect(polls[2].loads[0]).toMatchObject({ loadId: loadIds[0], status: 'LOAD_COMPLETED', totalRecords: 830, fullUri: VERTICES });
    const statusGet = server.requests.find((r) => r.method === 'GET')!;
    expect(statusGet.path).toMatch(/^\/loader\/[0-9a-f-]+\?details=true&errors=true&page=1&errorsPerPage=10$/);
  });

  test('reports a failed load with the load id, the failed feeds and the loader error details', async () => {
    server.scripts.set(VERTICES, {
      statuses: ['LOAD_FAILED'],
      totalRecords: 12,
      errorLogs: [{ errorCode: 'PARSING_ERROR', errorMessage: 'Expected an integer', fileName: `${VERTICES}product/part-00000.csv`, recordNum: 7 }],
      failedFeeds: [{ fullUri: `${VERTICES}product/part-00000.csv`, status: 'LOAD_FAILED' }],
    });
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result).toMatchObject({ done: false, failed: true, status: 'FAILED' });
    expect(result.loads.map((l) => l.status)).toEqual(['LOAD_FAILED', 'LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED']);
    expect(result.errors[0]).toEqual({
      loadId: loadIds[0],
      errorCode: 'PARSING_ERROR',
      errorMessage: 'Expected an integer',
      fileName: `${VERTICES}product/part-00000.csv`,
      recordNum: 7,
    });
    expect(result.failedFeeds[0]).toEqual({ loadId: loadIds[0], fullUri: `${VERTICES}product/part-00000.csv`, status: 'LOAD_FAILED' });
    expect(result.cause).toContain(`Neptune load ${loadIds[0]} LOAD_FAILED (${VERTICES}; records 12, parsing errors 1`);
    expect(result.cause).toContain(`also ${loadIds[1]} LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED`);
    expect(result.cause).toContain(`PARSING_ERROR in ${VERTICES}product/part-00000.csv record 7: Expected an integer`);
    expect(logLines.some((l) => JSON.parse(l).message === 'bulk load failed')).toBe(true);
  });

  test.each(['LOAD_CANCELLED_BY_USER', 'LOAD_S3_ACCESS_DENIED_ERROR', 'LOAD_DATA_DEADLOCK', 'SOME_FUTURE_STATUS'])(
    'treats %s as failed rather than polling forever',
    async (status) => {
      server.scripts.set(VERTICES, { statuses: [status] });
      const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)) as StartResult;
      const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
      expect(result).toMatchObject({ failed: true, done: false, status: 'FAILED' });
      expect(result.cause).toContain(`${loadIds[0]} ${status}`);
    },
  );

  test('fails on LOAD_COMMITTED_W_WRITE_CONFLICTS (a final status) with the RESUME remedy, naming the load', async () => {
    // Before: treated as in progress, so the state machine polled until its 12-hour timeout.
    server.scripts.set(VERTICES, { statuses: ['LOAD_COMMITTED_W_WRITE_CONFLICTS'] });
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result).toMatchObject({ done: false, failed: true, status: 'FAILED' });
    expect(result.cause).toContain(`Neptune load ${loadIds[0]} LOAD_COMMITTED_W_WRITE_CONFLICTS (${VERTICES}`);
    expect(result.cause).toContain(
      `load ${loadIds[0]} committed its data but left write conflicts unresolved: resume it with POST /loader for the same source (${VERTICES}) and "mode": "RESUME"`,
    );
  });

  test('names the RESUME remedy for an edge load with write conflicts behind a completed vertex load', async () => {
    server.scripts.set(EDGES, { statuses: ['LOAD_COMMITTED_W_WRITE_CONFLICTS'] });
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result.status).toBe('FAILED');
    expect(result.loads.map((l) => l.status)).toEqual(['LOAD_COMPLETED', 'LOAD_COMMITTED_W_WRITE_CONFLICTS']);
    expect(result.cause).toContain(`resume it with POST /loader for the same source (${EDGES}) and "mode": "RESUME"`);
    expect(result.cause).toContain(`load ${loadIds[1]} committed its data`);
  });

  test('fails with the loader message when it refuses a start (4xx, not retryable)', async () => {
    server.faults.push({ status: 400, body: JSON.stringify({ code: 'BadRequestException', requestId: 'r', detailedMessage: `Failed to start load from the source ${VERTICES}` }) });
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx).catch((e) => e)) as LoaderRequestError;
    expect(err).toBeInstanceOf(LoaderRequestError);
    expect(err.name).toBe('NeptuneLoaderRequestRejected');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`start load of ${VERTICES}: the loader answered HTTP 400 BadRequestException: Failed to start load from the source ${VERTICES}`);
  });

  test('marks a 5xx or throttled answer as retryable', async () => {
    server.faults.push({ status: 503, body: 'Service Unavailable' });
    const err = (await runBulkLoad({ action: 'status', loadIds: ['abc'] }, ctx).catch((e) => e)) as LoaderRequestError;
    expect(err.name).toBe('NeptuneLoaderUnavailable');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('status of load abc: the loader answered HTTP 503: Service Unavailable');
  });

  test('names the running vertex load when the edge load cannot be queued', async () => {
    const client = ctx.loader;
    let calls = 0;
    const flaky = {
      startLoad: async (req: Parameters<typeof client.startLoad>[0]) => {
        calls++;
        if (calls === 2) server.faults.push({ status: 429, body: JSON.stringify({ code: 'ThrottlingException', detailedMessage: 'Too many queued loads' }) });
        return client.startLoad(req);
      },
      getStatus: client.getStatus.bind(client),
    };
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, { ...ctx, loader: flaky }).catch((e) => e)) as Error;
    const vertexLoadId = [...server.loads.keys()][0];
    expect(err.name).toBe('NeptuneLoaderUnavailable');
    expect(err.message).toContain('HTTP 429 ThrottlingException: Too many queued loads');
    expect(err.message).toContain(`vertex load ${vertexLoadId} from ${VERTICES} was started and keeps running; edges from ${EDGES} were not queued`);
  });

  test('fails with a status error for an unknown load id', async () => {
    await expect(runBulkLoad({ action: 'status', loadIds: ['no-such-load'] }, ctx)).rejects.toThrow(
      'status of load no-such-load: the loader answered HTTP 400 InvalidParameterException: The load id no-such-load does not exist',
    );
  });

  test.each([
    [{ action: 'start', vertexSource: 'https://bucket/x' }, /vertexSource: must be an s3:\/\/bucket\/prefix URI/],
    [{ action: 'start', vertexSource: VERTICES, parallelism: 'MAX' }, /parallelism/],
    [{ action: 'status', loadIds: [] }, /loadIds/],
    [{ action: 'cancel' }, /action/],
    [null, /bulk-load event is invalid/],
  ])('fails when the event is %p', async (event, message) => {
    const err = (await runBulkLoad(event, ctx).catch((e) => e)) as Error;
    expect(err.name).toBe('BadLoadEvent');
    expect(err.message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  test('a start that reached the loader but got no answer is not retryable and says how to check for a queued load', async () => {
    const client = new NeptuneLoaderClient({ baseUrl: server.url, region: 'eu-west-2', timeoutMs: 300 });
    server.unansweredRequests = 1;
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, { ...ctx, loader: client }).catch((e) => e)) as LoaderRequestError;
    expect(err).toBeInstanceOf(LoaderRequestError);
    expect(err.retryable).toBe(false);
    // Not one of the names the state machine retries (NeptuneLoaderUnavailable): a retry could queue the load twice.
    expect(err.name).toBe('NeptuneLoadStartUnconfirmed');
    expect(err.message).toMatch(new RegExp(`^start load of ${VERTICES.replace(/[/.]/g, '\\$&')}: POST /loader to 127\\.0\\.0\\.1:\\d+: no answer within 300 ms\\.`));
    expect(err.message).toContain('The loader may have queued the load: do not start it again before checking.');
    expect(err.message).toContain(`List recent load ids with GET ${server.url}/loader?limit=10`);
    expect(err.message).toContain(`look for source ${VERTICES}`);
    // It did queue it: exactly the duplicate a retry would have made.
    expect(server.loads.size).toBe(1);
  });

  test('an unanswered edge start says the edges may have been queued, and names the running vertex load', async () => {
    // The vertex start must be answered: 300 ms (as above) failed it now and then on a loaded machine, before the edges.
    const client = new NeptuneLoaderClient({ baseUrl: server.url, region: 'eu-west-2', timeoutMs: 3000 });
    const flaky = {
      startLoad: async (req: Parameters<typeof client.startLoad>[0]) => {
        if (req.dependencies) server.unansweredRequests = 1;
        return client.startLoad(req);
      },
      getStatus: client.getStatus.bind(client),
    };
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, { ...ctx, loader: flaky }).catch((e) => e)) as LoaderRequestError;
    const vertexLoadId = [...server.loads.values()].find((l) => l.request.source === VERTICES)!.id;
    expect(err.name).toBe('NeptuneLoadStartUnconfirmed');
    expect(err.message).toContain(`vertex load ${vertexLoadId} from ${VERTICES} was started and keeps running; edges from ${EDGES} may have been queued`);
    expect(err.message).not.toContain('were not queued');
  });

  test('a status read that gets no answer stays retryable (it has no side effects)', async () => {
    const client = new NeptuneLoaderClient({ baseUrl: server.url, region: 'eu-west-2', timeoutMs: 300 });
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)) as StartResult;
    server.unansweredRequests = 1;
    const err = (await runBulkLoad({ action: 'status', loadIds }, { ...ctx, loader: client }).catch((e) => e)) as LoaderRequestError;
    expect(err.name).toBe('NeptuneLoaderUnavailable');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/GET \/loader\/[0-9a-f-]+ to 127\.0\.0\.1:\d+: no answer within 300 ms/);
  });

  test('a start that never reached the loader (connection refused) stays retryable', async () => {
    await server.stop();
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx).catch((e) => e)) as LoaderRequestError;
    expect(err.name).toBe('NeptuneLoaderUnavailable');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/POST \/loader to 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    server = newLoader();
    await server.start();
  });

  test('marks an unreachable endpoint as retryable', async () => {
    await server.stop();
    const err = (await runBulkLoad({ action: 'status', loadIds: ['x'] }, ctx).catch((e) => e)) as LoaderRequestError;
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/GET \/loader\/x to 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    server = newLoader();
    await server.start();
  });
});

// The loader double rejects what Neptune rejects (see loader-server.ts for the pages): each test below failed on the
// double before it read the files and checked the role, which accepted any role, any source and any file.
describe('the loader refuses what Neptune refuses', () => {
  let server: FakeNeptuneLoader;
  let ctx: CoreContext;
  beforeEach(async () => {
    server = newLoader();
    ctx = { loader: new NeptuneLoaderClient({ baseUrl: await server.start(), region: 'eu-west-2' }), loaderRoleArn: ROLE, region: 'eu-west-2', logger };
  });
  afterEach(() => server.stop());

  let badRuns = 0;
  const badFile = async (key: string, text: string) => {
    await putObject(s3, BUCKET, key, text);
    return `s3://${BUCKET}/${key}`;
  };

  test('a valid export completes, with the records of every file counted', async () => {
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result).toMatchObject({ done: true, failed: false, status: 'COMPLETED' });
    expect(result.loads.map((l) => [l.status, l.totalRecords])).toEqual([
      ['LOAD_COMPLETED', 2],
      ['LOAD_COMPLETED', 2],
    ]);
  });

  test('fails a start whose role is not attached to the cluster, and queues nothing', async () => {
    const other = 'arn:aws:iam::123456789012:role/demo-staging-not-attached';
    const err = (await runBulkLoad({ action: 'start', vertexSource: VERTICES }, { ...ctx, loaderRoleArn: other }).catch((e) => e)) as LoaderRequestError;
    expect(err).toBeInstanceOf(LoaderRequestError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`HTTP 400 BadRequestException: Couldn't find the AWS credential for iam_role_arn: ${other}`);
    expect(server.loads.size).toBe(0);
  });

  test('fails a start whose source holds no file', async () => {
    const source = `s3://${BUCKET}/runs/never-exported/vertices/`;
    await expect(runBulkLoad({ action: 'start', vertexSource: source }, ctx)).rejects.toThrow(`HTTP 400 BadRequestException: The source ${source} does not exist/not reachable`);
  });

  test('fails a start whose bucket does not exist', async () => {
    const source = `s3://no-such-bucket-${process.pid}/runs/r1/vertices/`;
    await expect(runBulkLoad({ action: 'start', vertexSource: source }, ctx)).rejects.toThrow(`HTTP 400 BadRequestException: S3 bucket not found for source ${source}`);
  });

  test.each<[string, string, string, number]>([
    ['a type Neptune does not have', '~id,~label,price:Decimal\np-1,Product,1.5\n', 'vertex file: column header "price:Decimal": Decimal is not a Neptune type', 0],
    ['an unescaped colon in a property name', '~id,~label,eta:utc:Date\np-1,Shipment,2026-01-02\n', 'vertex file: column header "eta:utc:Date" is not name:type', 0],
    ['a Short out of range', '~id,~label,lines:Short\norder-1,Order,3\norder-2,Order,70000\n', 'vertex file: record 2, column lines: 70000 is out of range for Short', 2],
    ['a Date in a format the page does not list', '~id,orderDate:Date\norder-1,2026-01-02 03:04:05\n', 'is not one of the Date formats', 1],
    ['an edge file without ~to', '~id,~from,~label\ne-1,product-1,SUPPLIED_BY\n', 'edge file: edge files require ~to', 0],
    ['an array property on an edge', '~id,~from,~to,~label,w:Int[]\ne-1,a,b,L,1\n', 'edge file: edge column w:Int[]: edge properties hold a single value', 0],
  ])('fails the load when a file has %s, naming the file and the record', async (_what, text, message, recordNum) => {
    const source = await badFile(`runs/bad-${++badRuns}/vertices/part-00000.csv`, text);
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: source }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result).toMatchObject({ done: false, failed: true, status: 'FAILED' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ loadId: loadIds[0], errorCode: 'PARSING_ERROR', fileName: source, recordNum });
    expect(result.errors[0].errorMessage).toContain(message);
    expect(result.failedFeeds).toEqual([{ loadId: loadIds[0], fullUri: source, status: 'LOAD_FAILED' }]);
  });

  test('fails the vertex load when one file of several is bad, and the queued edge load behind it', async () => {
    await putObject(s3, BUCKET, 'runs/r2/vertices/product/part-00000.csv', '~id,~label,name:String(single)\nproduct-1,Product,Chai\n');
    const bad = await badFile('runs/r2/vertices/product/part-00001.csv', '~id,~label,discontinued:Bool(single)\nproduct-2,Product,0\n');
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: `s3://${BUCKET}/runs/r2/vertices/`, edgeSource: EDGES }, ctx)) as StartResult;
    const result = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(result.loads.map((l) => l.status)).toEqual(['LOAD_FAILED', 'LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED']);
    expect(result.errors.map((e) => [e.fileName, e.recordNum])).toEqual([[bad, 1]]);
    expect(result.errors[0].errorMessage).toContain('record 1, column discontinued: "0" is not a Bool (true or false)');
  });
});

describe('IAM database authentication (SigV4, service neptune-db)', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  let server: FakeNeptuneLoader;
  let url: string;
  beforeEach(async () => {
    server = newLoader({ credentials, region: 'eu-west-2' });
    url = await server.start();
  });
  afterEach(() => server.stop());

  const context = (loader: NeptuneLoaderClient): CoreContext => ({ loader, loaderRoleArn: ROLE, region: 'eu-west-2', logger });

  test('signed start and status requests are accepted', async () => {
    const ctx = context(new NeptuneLoaderClient({ baseUrl: url, region: 'eu-west-2', credentials }));
    const { loadIds } = (await runBulkLoad({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES }, ctx)) as StartResult;
    const status = (await runBulkLoad({ action: 'status', loadIds }, ctx)) as StatusResult;
    expect(status.done).toBe(true);
    expect(server.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/neptune-db\/aws4_request/);
  });

  test('fails when requests are not signed', async () => {
    const ctx = context(new NeptuneLoaderClient({ baseUrl: url, region: 'eu-west-2' }));
    await expect(runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)).rejects.toThrow(/HTTP 403 AccessDeniedException/);
  });

  test('fails when signed with the wrong key', async () => {
    const ctx = context(new NeptuneLoaderClient({ baseUrl: url, region: 'eu-west-2', credentials: { ...credentials, secretAccessKey: 'wrong' } }));
    await expect(runBulkLoad({ action: 'start', vertexSource: VERTICES }, ctx)).rejects.toThrow(/HTTP 403/);
    expect(server.loads.size).toBe(0);
  });
});

describe('handler', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('runs start and status end to end from its environment', async () => {
    const server = newLoader();
    const url = await server.start();
    try {
      process.env = { ...saved, NEPTUNE_ENDPOINT: url, LOADER_ROLE_ARN: ROLE, AWS_REGION: 'eu-west-2', IAM_AUTH: 'false', LOG_LEVEL: 'error' };
      let mod: typeof import('../../../lambdas/neptune-bulk-load/handler') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        mod = require('../../../lambdas/neptune-bulk-load/handler');
      });
      const started = (await mod!.handler({ action: 'start', vertexSource: VERTICES, edgeSource: EDGES })) as StartResult;
      const status = (await mod!.handler({ action: 'status', loadIds: started.loadIds })) as StatusResult;
      expect(status).toMatchObject({ done: true, failed: false });
      expect(server.requests[0].body).toMatchObject({ iamRoleArn: ROLE, region: 'eu-west-2' });
    } finally {
      await server.stop();
    }
  });

  test('fails at cold start when the configuration is invalid', () => {
    process.env = { ...saved, NEPTUNE_ENDPOINT: 'not a host', LOADER_ROLE_ARN: 'role', AWS_REGION: 'eu-west-2' };
    expect(() =>
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../../lambdas/neptune-bulk-load/handler');
      }),
    ).toThrow(/neptune-bulk-load configuration is invalid: NEPTUNE_ENDPOINT: NEPTUNE_ENDPOINT must be host:port.*LOADER_ROLE_ARN: LOADER_ROLE_ARN must be an IAM role ARN/);
  });
});
