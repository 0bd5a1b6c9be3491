import * as http from 'node:http';
import * as https from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Body of POST /loader (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-load.html). */
export interface LoaderStartRequest {
  readonly source: string;
  readonly format: 'csv';
  readonly iamRoleArn: string;
  readonly region: string;
  readonly mode: 'NEW' | 'RESUME' | 'AUTO';
  readonly failOnError: 'TRUE' | 'FALSE';
  readonly parallelism: 'LOW' | 'MEDIUM' | 'HIGH' | 'OVERSUBSCRIBE';
  readonly updateSingleCardinalityProperties: 'TRUE' | 'FALSE';
  readonly queueRequest: 'TRUE' | 'FALSE';
  readonly dependencies?: readonly string[];
}

/** One feed's (or the whole load's) counters in a Get-Status response. */
export interface LoaderFeedStatus {
  readonly fullUri?: string;
  readonly status: string;
  readonly runNumber?: number;
  readonly retryNumber?: number;
  readonly totalTimeSpent?: number;
  readonly startTime?: number;
  readonly totalRecords?: number;
  readonly totalDuplicates?: number;
  readonly parsingErrors?: number;
  readonly datatypeMismatchErrors?: number;
  readonly insertErrors?: number;
}

export interface LoaderErrorLog {
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly fileName?: string;
  readonly recordNum?: number;
}

/** `payload` of GET /loader/{loadId}?details=true&errors=true. */
export interface LoaderStatusPayload {
  readonly overallStatus: LoaderFeedStatus;
  readonly failedFeeds?: readonly LoaderFeedStatus[];
  readonly feedCount?: ReadonlyArray<Record<string, number>>;
  readonly errors?: { readonly startIndex?: number; readonly endIndex?: number; readonly loadId?: string; readonly errorLogs?: readonly LoaderErrorLog[] };
}

/**
 * The loader answered with an error, or could not be reached. `retryable` separates a busy or unreachable
 * endpoint (5xx, 429, a connection that never opened) from a request the loader refused (4xx) and from a start
 * whose outcome is unknown: the state machine retries only the first, by error name.
 */
export class LoaderRequestError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly httpStatus?: number,
    readonly code?: string,
    name?: string,
  ) {
    super(message);
    this.name = name ?? (retryable ? 'NeptuneLoaderUnavailable' : 'NeptuneLoaderRequestRejected');
  }
}

/**
 * POST /loader reached the loader but no answer came back (timeout, connection reset): the load may have been
 * queued, so starting it again could load the data twice. Not retryable; the message says how to check.
 */
export const START_UNCONFIRMED = 'NeptuneLoadStartUnconfirmed';

export interface LoaderClientOptions {
  /** e.g. `https://my-cluster.cluster-xyz.eu-west-2.neptune.amazonaws.com:8182`. */
  readonly baseUrl: string;
  readonly region: string;
  /** When set, every request is SigV4-signed for `neptune-db` with these credentials (IAM database auth). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** A small client for the Neptune bulk loader HTTP API: start a load, read its status. */
export class NeptuneLoaderClient {
  private readonly url: URL;
  private readonly signer?: SignatureV4;

  constructor(private readonly options: LoaderClientOptions) {
    this.url = new URL(options.baseUrl);
    if (options.credentials) {
      this.signer = new SignatureV4({ service: 'neptune-db', region: options.region, credentials: options.credentials, sha256: Sha256 });
    }
  }

  /** POST /loader; returns the load id. */
  async startLoad(request: LoaderStartRequest): Promise<string> {
    let response: RawResponse;
    try {
      response = await this.send('POST', '/loader', {}, JSON.stringify(request));
    } catch (err) {
      if (err instanceof LoaderRequestError && err.name === START_UNCONFIRMED) {
        // The Get-Status list (GET /loader without a load id) shows recent and queued loads:
        // https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-status-requests.html
        err.message =
          `start load of ${request.source}: ${err.message}. The loader may have queued the load: do not start it again ` +
          `before checking. List recent load ids with GET ${this.url.origin}/loader?limit=10 (queued loads come first), ` +
          `then GET /loader/{loadId}?details=true for each and look for source ${request.source}; if none is there, start again.`;
      }
      throw err;
    }
    const body = this.parse(response, `start load of ${request.source}`);
    const loadId = (body as { payload?: { loadId?: unknown } }).payload?.loadId;
    if (typeof loadId !== 'string' || loadId === '') {
      throw new LoaderRequestError(`start load of ${request.source}: the loader answered ${response.status} without a payload.loadId`, false, response.status);
    }
    return loadId;
  }

  /** GET /loader/{loadId} with details and the first page of errors. */
  async getStatus(loadId: string, errorsPerPage = 10): Promise<LoaderStatusPayload> {
    const query = { details: 'true', errors: 'true', page: '1', errorsPerPage: String(errorsPerPage) };
    const response = await this.send('GET', `/loader/${encodeURIComponent(loadId)}`, query);
    const body = this.parse(response, `status of load ${loadId}`);
    const payload = (body as { payload?: LoaderStatusPayload }).payload;
    if (!payload || typeof payload.overallStatus?.status !== 'string') {
      throw new LoaderRequestError(`status of load ${loadId}: the loader answered ${response.status} without payload.overallStatus.status`, false, response.status);
    }
    return payload;
  }

  private parse(response: RawResponse, what: string): unknown {
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    if (response.status >= 200 && response.status < 300 && body !== undefined) return body;
    const detail = body as { code?: string; detailedMessage?: string; message?: string } | undefined;
    const message = detail?.detailedMessage ?? detail?.message ?? response.body.slice(0, 500);
    const retryable = response.status >= 500 || response.status === 429;
    throw new LoaderRequestError(
      `${what}: the loader answered HTTP ${response.status}${detail?.code ? ` ${detail.code}` : ''}: ${message}`,
      retryable,
      response.status,
      detail?.code,
    );
  }

  private async send(method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: string): Promise<RawResponse> {
    const port = this.url.port ? Number(this.url.port) : this.url.protocol === 'https:' ? 443 : 80;
    const headers: Record<string, string> = { host: this.url.host };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    let request = new HttpRequest({
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port,
      path,
      query,
      headers,
      body,
    });
    if (this.signer) request = (await this.signer.sign(request)) as HttpRequest;
    const search = new URLSearchParams(query).toString();
    const transport = this.url.protocol === 'https:' ? https : http;
    const timeoutMs = this.options.timeoutMs ?? 10000;
    return new Promise<RawResponse>((resolve, reject) => {
      // Once the connection is open the request may have reached the loader. A start that fails after that point
      // (no answer in time, connection reset) has an unknown outcome: retrying it could queue the load twice.
      let reached = false;
      const failed = (err: Error) => {
        if (method === 'POST' && reached) {
          reject(new LoaderRequestError(`${method} ${path} to ${this.url.host}: ${err.message}`, false, undefined, undefined, START_UNCONFIRMED));
        } else {
          reject(new LoaderRequestError(`${method} ${path} to ${this.url.host}: ${err.message}`, true));
        }
      };
      const req = transport.request(
        {
          method,
          hostname: this.url.hostname,
          port,
          path: search ? `${path}?${search}` : path,
          headers: request.headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', failed);
        },
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) reached = true; // a reused keep-alive connection
        else socket.once(this.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (reached = true));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', failed);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
