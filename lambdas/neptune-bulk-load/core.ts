import { z } from 'zod';
import type { Logger } from '../shared/logger';
import { START_UNCONFIRMED } from './loader-client';
import type { LoaderErrorLog, LoaderFeedStatus, LoaderStartRequest, LoaderStatusPayload } from './loader-client';

/** What the core needs from the loader API (NeptuneLoaderClient in production, the same client against a test server). */
export interface LoaderApi {
  startLoad(request: LoaderStartRequest): Promise<string>;
  getStatus(loadId: string, errorsPerPage?: number): Promise<LoaderStatusPayload>;
}

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must be an s3://bucket/prefix URI');

/** Input from the state machine. */
export const eventSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('start'),
    /** Prefix holding the vertex CSV files (loaded first). */
    vertexSource: s3Uri,
    /** Prefix holding the edge CSV files (loaded after the vertex load completes, via `dependencies`). */
    edgeSource: s3Uri.optional(),
    mode: z.enum(['NEW', 'RESUME', 'AUTO']).default('AUTO'),
    failOnError: z.boolean().default(true),
    parallelism: z.enum(['LOW', 'MEDIUM', 'HIGH', 'OVERSUBSCRIBE']).default('HIGH'),
    updateSingleCardinalityProperties: z.boolean().default(true),
  }),
  z.object({
    action: z.literal('status'),
    /** Load ids from `start`, in load order. */
    loadIds: z.array(z.string().min(1)).min(1).max(10),
    /** Error log lines returned per load when it failed. */
    errorsPerLoad: z.number().int().min(1).max(100).default(10),
  }),
]);
export type LoadEvent = z.input<typeof eventSchema>;

export interface StartResult {
  readonly loadIds: string[];
}

export interface LoadSummary {
  readonly loadId: string;
  readonly status: string;
  readonly fullUri?: string;
  readonly totalRecords?: number;
  readonly totalDuplicates?: number;
  readonly parsingErrors?: number;
  readonly datatypeMismatchErrors?: number;
  readonly insertErrors?: number;
  readonly totalTimeSpentSeconds?: number;
}

export interface StatusResult {
  /** Every load completed. */
  readonly done: boolean;
  /** A load failed or was cancelled: the state machine stops with `cause`. */
  readonly failed: boolean;
  /** `COMPLETED`, `IN_PROGRESS` or `FAILED`. */
  readonly status: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';
  readonly loads: LoadSummary[];
  /** Loader error log lines of the failed loads, each with its load id. */
  readonly errors: Array<LoaderErrorLog & { loadId: string }>;
  /** Failed feeds (files) with their status, each with its load id. */
  readonly failedFeeds: Array<{ loadId: string; fullUri?: string; status: string }>;
  /** One readable line for the Fail state: which load failed, how, and the first errors. Empty unless failed. */
  readonly cause: string;
}

/** Statuses that will still change (https://docs.aws.amazon.com/neptune/latest/userguide/loader-message.html). */
const IN_PROGRESS = new Set(['LOAD_NOT_STARTED', 'LOAD_IN_QUEUE', 'LOAD_IN_PROGRESS']);
const COMPLETED = 'LOAD_COMPLETED';
/**
 * The load committed its data with write conflicts it could not resolve. As a load's status it is final: the loader
 * does not go on to LOAD_COMPLETED, and its remedy is a RESUME load of the same source (loader-message.html above).
 * Polling it would only run into the state machine's timeout.
 */
const WRITE_CONFLICTS = 'LOAD_COMMITTED_W_WRITE_CONFLICTS';

/** What to do about a failed load whose remedy is known. */
function remedy(load: LoadSummary): string | undefined {
  if (load.status !== WRITE_CONFLICTS) return undefined;
  return (
    `load ${load.loadId} committed its data but left write conflicts unresolved: resume it with POST /loader for the same source ` +
    `(${load.fullUri ?? 'the source of that load'}) and "mode": "RESUME", which retries only what did not commit`
  );
}

export class BadLoadEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadLoadEvent';
  }
}

export function parseEvent(event: unknown): z.output<typeof eventSchema> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new BadLoadEventError(`bulk-load event is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export interface CoreContext {
  readonly loader: LoaderApi;
  readonly loaderRoleArn: string;
  readonly region: string;
  readonly logger: Logger;
}

const flag = (b: boolean): 'TRUE' | 'FALSE' => (b ? 'TRUE' : 'FALSE');

/**
 * Starts the vertex load, then the edge load queued behind it with `dependencies`, so edges never load before
 * their vertices. If the edge request fails, the error names the vertex load already running.
 */
export async function startLoads(event: Extract<z.output<typeof eventSchema>, { action: 'start' }>, ctx: CoreContext): Promise<StartResult> {
  const common = {
    format: 'csv' as const,
    iamRoleArn: ctx.loaderRoleArn,
    region: ctx.region,
    mode: event.mode,
    failOnError: flag(event.failOnError),
    parallelism: event.parallelism,
    updateSingleCardinalityProperties: flag(event.updateSingleCardinalityProperties),
    queueRequest: 'TRUE' as const,
  };
  const vertexLoadId = await ctx.loader.startLoad({ ...common, source: event.vertexSource });
  ctx.logger.info('vertex load started', { loadId: vertexLoadId, source: event.vertexSource });
  if (!event.edgeSource) return { loadIds: [vertexLoadId] };
  let edgeLoadId: string;
  try {
    edgeLoadId = await ctx.loader.startLoad({ ...common, source: event.edgeSource, dependencies: [vertexLoadId] });
  } catch (err) {
    const e = err as Error;
    const edges = e.name === START_UNCONFIRMED ? `edges from ${event.edgeSource} may have been queued (see above)` : `edges from ${event.edgeSource} were not queued`;
    e.message = `${e.message} (vertex load ${vertexLoadId} from ${event.vertexSource} was started and keeps running; ${edges})`;
    throw e;
  }
  ctx.logger.info('edge load queued behind vertex load', { loadId: edgeLoadId, dependsOn: vertexLoadId, source: event.edgeSource });
  return { loadIds: [vertexLoadId, edgeLoadId] };
}

function summary(loadId: string, s: LoaderFeedStatus): LoadSummary {
  return {
    loadId,
    status: s.status,
    fullUri: s.fullUri,
    totalRecords: s.totalRecords,
    totalDuplicates: s.totalDuplicates,
    parsingErrors: s.parsingErrors,
    datatypeMismatchErrors: s.datatypeMismatchErrors,
    insertErrors: s.insertErrors,
    totalTimeSpentSeconds: s.totalTimeSpent,
  };
}

/** Reads every load's status and folds them into done / failed / in progress, with the loader's error details. */
export async function loadStatus(event: Extract<z.output<typeof eventSchema>, { action: 'status' }>, ctx: CoreContext): Promise<StatusResult> {
  const loads: LoadSummary[] = [];
  const errors: StatusResult['errors'] = [];
  const failedFeeds: StatusResult['failedFeeds'] = [];
  for (const loadId of event.loadIds) {
    const payload = await ctx.loader.getStatus(loadId, event.errorsPerLoad);
    const s = summary(loadId, payload.overallStatus);
    loads.push(s);
    if (s.status !== COMPLETED && !IN_PROGRESS.has(s.status)) {
      for (const log of payload.errors?.errorLogs ?? []) errors.push({ loadId, ...log });
      for (const feed of payload.failedFeeds ?? []) failedFeeds.push({ loadId, fullUri: feed.fullUri, status: feed.status });
    }
  }
  const failedLoads = loads.filter((l) => l.status !== COMPLETED && !IN_PROGRESS.has(l.status));
  const failed = failedLoads.length > 0;
  const done = !failed && loads.every((l) => l.status === COMPLETED);
  let cause = '';
  if (failed) {
    const first = failedLoads[0];
    const detail = errors
      .slice(0, 3)
      .map((e) => `${e.errorCode ?? 'error'} in ${e.fileName ?? '?'} record ${e.recordNum ?? '?'}: ${e.errorMessage ?? ''}`.trim())
      .join('; ');
    const feeds = failedFeeds.slice(0, 3).map((f) => `${f.fullUri ?? '?'} ${f.status}`).join('; ');
    const remedies = failedLoads.map(remedy).filter((r): r is string => r !== undefined).join('; ');
    cause =
      `Neptune load ${first.loadId} ${first.status} (${first.fullUri ?? 'source unknown'}; records ${first.totalRecords ?? 0}, ` +
      `parsing errors ${first.parsingErrors ?? 0}, type mismatches ${first.datatypeMismatchErrors ?? 0}, insert errors ${first.insertErrors ?? 0})` +
      (failedLoads.length > 1 ? `; also ${failedLoads.slice(1).map((l) => `${l.loadId} ${l.status}`).join(', ')}` : '') +
      (remedies ? `; ${remedies}` : '') +
      (feeds ? `; failed feeds: ${feeds}` : '') +
      (detail ? `; errors: ${detail}` : '');
    ctx.logger.error('bulk load failed', { loadIds: event.loadIds, failed: failedLoads.map((l) => ({ loadId: l.loadId, status: l.status })), errorCount: errors.length });
  } else {
    ctx.logger.info(done ? 'bulk load completed' : 'bulk load in progress', { loads: loads.map((l) => ({ loadId: l.loadId, status: l.status, totalRecords: l.totalRecords })) });
  }
  return { done, failed, status: failed ? 'FAILED' : done ? 'COMPLETED' : 'IN_PROGRESS', loads, errors, failedFeeds, cause: cause.slice(0, 32000) };
}

export async function runBulkLoad(event: unknown, ctx: CoreContext): Promise<StartResult | StatusResult> {
  const parsed = parseEvent(event);
  return parsed.action === 'start' ? startLoads(parsed, ctx) : loadStatus(parsed, ctx);
}
