/**
 * A local HTTP server that speaks the Neptune bulk loader API closely enough to test the Lambda against it:
 * POST /loader (start), GET /loader/{loadId}?details=true&errors=true (status), dependencies between loads,
 * error logs and failed feeds for failed loads, 4xx/5xx faults, and SigV4 verification (service neptune-db)
 * when credentials are configured. Shapes follow the Neptune documentation (load-api-reference-*).
 *
 * Like Neptune, it refuses a start whose `iamRoleArn` is not attached to the cluster (`attachedRoleArns`): HTTP 400
 * "Couldn't find the AWS credential for iam_role_arn" (Neptune Loader Errors, load-api-reference-load-errors: "Make
 * sure that you have added the IAM role specified in iamRoleArn to the cluster"), and a source with no file under it:
 * HTTP 400 "The source ... does not exist/not reachable" (same page). It reads every file under `source` from the S3
 * API it is given (s3rver in the integration project) and checks headers, system columns, types and values with the
 * strict reader of the Gremlin load data format (test/helpers/gremlin-csv.ts): a file that breaks a rule fails the
 * load (LOAD_FAILED, a PARSING_ERROR in errorLogs naming the file and record, the file in failedFeeds), as with
 * failOnError TRUE, the only mode the Lambda uses.
 * What Neptune does that this does not: it assumes the role to read S3 (here the role is only compared with the
 * attached list, and s3rver accepts any credentials), counts data type mismatches apart from parsing errors
 * (`datatypeMismatchErrors`; here both are `parsingErrors`), loads the graph (nothing is stored; the records are only
 * counted), and numbers header errors its own way (here record 0). Statuses that no file can cause (in progress, write conflicts, S3 access denied) are scripted
 * per source with `scripts`, and apply only when the files pass.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { GetObjectCommand, ListObjectsV2Command, NoSuchBucket, S3Client } from '@aws-sdk/client-s3';
import { Kind, readGremlinCsv } from '../../helpers/gremlin-csv';

export interface ScriptedLoad {
  /** Statuses returned by successive GETs; the last one repeats. */
  readonly statuses: string[];
  readonly totalRecords?: number;
  readonly errorLogs?: Array<{ errorCode: string; errorMessage: string; fileName: string; recordNum: number }>;
  readonly failedFeeds?: Array<{ fullUri: string; status: string }>;
}

interface LoadState {
  readonly id: string;
  readonly request: Record<string, unknown>;
  readonly script: ScriptedLoad;
  polls: number;
}

export interface FakeLoaderOptions {
  /** The S3 API the loader reads `source` from. */
  readonly s3: S3Client;
  /** The IAM roles attached to the cluster (`aws neptune add-role-to-db-cluster`); a start naming another is refused. */
  readonly attachedRoleArns: readonly string[];
  /** When set, requests must carry a valid SigV4 signature for these credentials. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly region?: string;
}

/** One file of a load, as the loader read it. */
interface FileCheck {
  readonly uri: string;
  readonly records: number;
  readonly error?: { readonly message: string; readonly recordNum: number };
}

export class FakeNeptuneLoader {
  readonly requests: Array<{ method: string; path: string; body?: Record<string, unknown>; headers: http.IncomingHttpHeaders }> = [];
  readonly loads = new Map<string, LoadState>();
  /** Scripts by source URI; a source without one completes at once. */
  readonly scripts = new Map<string, ScriptedLoad>();
  /** Faults answered to the next requests, in order (then normal service resumes). */
  readonly faults: Array<{ status: number; body: string }> = [];
  /**
   * The next this-many requests are served (a start queues its load) but never answered, as when the answer is lost
   * or the client gives up first.
   */
  unansweredRequests = 0;
  private server?: http.Server;
  private readonly verifier?: SignatureV4;
  private readonly s3: S3Client;
  private readonly attachedRoleArns: readonly string[];

  constructor(options: FakeLoaderOptions) {
    this.s3 = options.s3;
    this.attachedRoleArns = options.attachedRoleArns;
    if (options.credentials) {
      this.verifier = new SignatureV4({ service: 'neptune-db', region: options.region ?? 'eu-west-2', credentials: options.credentials, sha256: Sha256 });
    }
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = this.unansweredRequests > 0 ? (this.unansweredRequests--, false) : true;
        this.handle(req, Buffer.concat(chunks).toString('utf8'))
          .then(([status, body]) => {
            if (!answer) return;
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(typeof body === 'string' ? body : JSON.stringify(body));
          })
          .catch((err: Error) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 'InternalFailureException', detailedMessage: err.message }));
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Base URL once started. */
  url = '';

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // unanswered requests keep theirs open
    });
  }

  private error(status: number, code: string, detailedMessage: string): [number, unknown] {
    return [status, { code, requestId: randomUUID(), detailedMessage }];
  }

  private async verify(req: http.IncomingMessage, url: URL, body: string): Promise<boolean> {
    const auth = req.headers.authorization;
    const amzDate = req.headers['x-amz-date'];
    if (typeof auth !== 'string' || typeof amzDate !== 'string') return false;
    const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const request = new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers,
      body: body === '' ? undefined : body,
    });
    const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const expected = (await this.verifier!.sign(request, { signingDate: date })) as HttpRequest;
    return expected.headers.authorization === auth;
  }

  private async handle(req: http.IncomingMessage, raw: string): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    let body: Record<string, unknown> | undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return this.error(400, 'BadRequestException', 'Request body is not valid JSON');
      }
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, body, headers: req.headers });
    const fault = this.faults.shift();
    if (fault) return [fault.status, fault.body];
    if (this.verifier && !(await this.verify(req, url, raw))) {
      return this.error(403, 'AccessDeniedException', 'Missing Authentication Token or signature does not match');
    }
    if (req.method === 'POST' && url.pathname === '/loader') return this.startLoad(body ?? {});
    const m = /^\/loader\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) return this.status(decodeURIComponent(m[1]), url.searchParams);
    return this.error(400, 'BadRequestException', `Unsupported ${req.method} ${url.pathname}`);
  }

  private async startLoad(body: Record<string, unknown>): Promise<[number, unknown]> {
    for (const field of ['source', 'format', 'iamRoleArn', 'region']) {
      if (typeof body[field] !== 'string' || body[field] === '') return this.error(400, 'BadRequestException', `Missing required parameter ${field}`);
    }
    if (!/^s3:\/\//.test(body.source as string)) return this.error(400, 'BadRequestException', `Invalid source ${body.source}`);
    if (body.format !== 'csv') return this.error(400, 'BadRequestException', `Unsupported format ${body.format}`);
    const deps = (body.dependencies as string[] | undefined) ?? [];
    if (deps.length && body.queueRequest !== 'TRUE') return this.error(400, 'BadRequestException', 'dependencies require queueRequest TRUE');
    for (const dep of deps) {
      if (!this.loads.has(dep)) return this.error(400, 'BadRequestException', `Dependency ${dep} does not exist`);
    }
    if (!this.attachedRoleArns.includes(body.iamRoleArn as string)) {
      return this.error(400, 'BadRequestException', `Couldn't find the AWS credential for iam_role_arn: ${body.iamRoleArn}`);
    }
    const source = body.source as string;
    const { bucket, prefix } = splitS3Uri(source);
    let keys: string[];
    try {
      keys = await this.listKeys(bucket, prefix);
    } catch (err) {
      if (err instanceof NoSuchBucket || (err as Error).name === 'NoSuchBucket') return this.error(400, 'BadRequestException', `S3 bucket not found for source ${source}`);
      throw err;
    }
    if (!keys.length) return this.error(400, 'BadRequestException', `The source ${source} does not exist/not reachable`);
    const files = await Promise.all(keys.map((key) => this.checkFile(bucket, key)));
    const failed = files.filter((f) => f.error);
    const records = files.reduce((n, f) => n + f.records, 0);
    const script: ScriptedLoad = failed.length
      ? {
          statuses: ['LOAD_FAILED'],
          totalRecords: records,
          errorLogs: failed.map((f) => ({ errorCode: 'PARSING_ERROR', errorMessage: f.error!.message, fileName: f.uri, recordNum: f.error!.recordNum })),
          failedFeeds: failed.map((f) => ({ fullUri: f.uri, status: 'LOAD_FAILED' })),
        }
      : { totalRecords: records, ...(this.scripts.get(source) ?? { statuses: ['LOAD_COMPLETED'] }) };
    const id = randomUUID();
    this.loads.set(id, { id, request: body, script, polls: 0 });
    return [200, { status: '200 OK', payload: { loadId: id } }];
  }

  private async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) keys.push(o.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  /** Reads one file and checks it against the Gremlin load data format; an edge file is one with ~from or ~to. */
  private async checkFile(bucket: string, key: string): Promise<FileCheck> {
    const uri = `s3://${bucket}/${key}`;
    const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await object.Body!.transformToString('utf8');
    const header = text.split(/\r?\n/, 1)[0].split(',');
    const kind: Kind = header.includes('~from') || header.includes('~to') ? 'edge' : 'vertex';
    try {
      return { uri, records: readGremlinCsv(text, kind).records.length };
    } catch (err) {
      const message = (err as Error).message;
      const recordNum = Number(/^record (\d+)/.exec(message)?.[1] ?? 0);
      return { uri, records: 0, error: { message: `${kind} file: ${message}`, recordNum } };
    }
  }

  private currentStatus(load: LoadState): string {
    const s = load.script.statuses;
    return s[Math.min(load.polls, s.length - 1)];
  }

  private status(id: string, params: URLSearchParams): [number, unknown] {
    const load = this.loads.get(id);
    if (!load) return this.error(400, 'InvalidParameterException', `The load id ${id} does not exist`);
    let status = this.currentStatus(load);
    for (const dep of (load.request.dependencies as string[] | undefined) ?? []) {
      const depStatus = this.currentStatus(this.loads.get(dep)!);
      if (depStatus !== 'LOAD_COMPLETED') {
        status = /FAILED|CANCELLED|ERROR/.test(depStatus) ? 'LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED' : 'LOAD_IN_QUEUE';
      }
    }
    load.polls++;
    const failed = /FAILED|CANCELLED|ERROR/.test(status);
    const overallStatus = {
      fullUri: load.request.source,
      runNumber: 1,
      retryNumber: 0,
      status,
      totalTimeSpent: 3,
      startTime: 1763900000,
      totalRecords: load.script.totalRecords ?? 100,
      totalDuplicates: 0,
      parsingErrors: failed ? (load.script.errorLogs?.length ?? 0) : 0,
      datatypeMismatchErrors: 0,
      insertErrors: 0,
    };
    const payload: Record<string, unknown> = { feedCount: [{ [status]: 1 }], overallStatus };
    if (params.get('details') === 'true' && failed) {
      payload.failedFeeds = (load.script.failedFeeds ?? []).map((f) => ({ ...overallStatus, ...f }));
    }
    if (params.get('errors') === 'true' && failed) {
      const perPage = Number(params.get('errorsPerPage') ?? '10');
      const logs = (load.script.errorLogs ?? []).slice(0, perPage);
      payload.errors = { startIndex: logs.length ? 1 : 0, endIndex: logs.length, loadId: id, errorLogs: logs };
    }
    return [200, { status: '200 OK', payload }];
  }
}

function splitS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return { bucket: m?.[1] ?? '', prefix: m?.[2] ?? '' };
}
