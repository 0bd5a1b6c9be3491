import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isTransientDbError } from '../shared/db';
import type { Logger } from '../shared/logger';
import { CsvRecordCounter, GzipFormatError, parseHeader, ParsedHeader } from './csv';
import { copyOptions, resolveDialect } from './dialect';
import { LoadError, LoadTarget, ObjectMissingError, toLoadError } from './errors';
import { LedgerName, ledgerHas, ledgerRecord } from './ledger';
import { decodeS3Key, matchRoute, quoteIdent, ResolvedRoute } from './routes';
import { gunzipBody, hasGzipEncoding, isGzipped, ObjectIdentity, ObjectRef, ObjectSource } from './source';
import { mapHeader, tableColumns } from './table';
import { mergeUpsert, prepareUpsert, UpsertCounts } from './upsert';

export type LoadStrategy = 'stream' | 'server-side';

export interface LoaderDeps {
  readonly pool: Pool;
  readonly source: ObjectSource;
  readonly routes: readonly ResolvedRoute[];
  readonly strategy: LoadStrategy;
  readonly ledger: LedgerName;
  /** Region of the bucket, for `aws_commons.create_s3_uri` (server-side strategy). */
  readonly region: string;
  /**
   * Bound on waiting for table locks other sessions hold (a long report blocking TRUNCATE); the wait for another
   * load of the same table (the advisory lock) is not bounded by it. Exceeding it is a retryable failure.
   */
  readonly lockTimeoutMs?: number;
  readonly logger: Logger;
}

export type LoadResult =
  | {
      readonly status: 'loaded';
      readonly bucket: string;
      readonly key: string;
      readonly table: string;
      readonly mode: string;
      readonly rows: number;
      readonly eTag: string;
      readonly versionId?: string;
    }
  | { readonly status: 'skipped'; readonly bucket: string; readonly key: string; readonly table?: string; readonly reason: string };

/** First argument of the per-table advisory lock: a constant namespace so other apps' advisory locks never collide. */
const LOCK_NAMESPACE = 'migration-kit:s3-to-postgres';
/** The server-side strategy reads this much of the object to check the header. */
const HEADER_PROBE_BYTES = 64 * 1024;
/** Interval of progress log lines during a COPY. */
const PROGRESS_LOG_MS = 30_000;
/** A header longer than this is not a header. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** An S3 event record reduced to what the loader needs; the key is decoded here. */
export interface EventObject {
  readonly bucket: string;
  /** As in the event: URL-encoded, `+` for space, for S3 notifications; the key itself from EventBridge. */
  readonly rawKey: string;
  /** `url` (S3 event notifications, the default) or `none` (EventBridge events). */
  readonly keyEncoding?: 'url' | 'none';
  readonly versionId?: string;
  readonly eTag?: string;
}

/**
 * Loads one object into its routed table in ONE transaction: per-table advisory lock, ledger check, header check,
 * TRUNCATE (replace) or nothing (append), COPY, row-count check, ledger row, COMMIT. Any failure rolls everything back.
 * Upsert COPYs into a temporary staging table and merges it by key before the ledger row (upsert.ts).
 */
export async function loadObject(deps: LoaderDeps, event: EventObject): Promise<LoadResult> {
  let key: string;
  try {
    key = event.keyEncoding === 'none' ? event.rawKey : decodeS3Key(event.rawKey);
  } catch {
    throw new LoadError({ bucket: event.bucket, key: event.rawKey }, 'the event key is not valid URL encoding', false);
  }
  const ref: ObjectRef = { bucket: event.bucket, key, versionId: event.versionId || undefined, eTag: event.eTag || undefined };
  const route = matchRoute(deps.routes, key);
  if (!route) {
    const reason = `no route matches the key (prefixes: ${deps.routes.map((r) => JSON.stringify(r.prefix)).join(', ')})`;
    deps.logger.warn('skipped: no route', { bucket: ref.bucket, key, reason });
    return { status: 'skipped', bucket: ref.bucket, key, reason };
  }
  const target: LoadTarget = { bucket: ref.bucket, key, table: route.qualified };
  const log = deps.logger.child({ bucket: ref.bucket, key, table: route.qualified, mode: route.mode, strategy: deps.strategy });
  const started = Date.now();
  // A connection that dies while checked out emits 'error' on the client: the failing query reports it too, so
  // this listener only keeps the process alive.
  const onConnectionError = (err: Error) => log.warn('database connection lost during the load', { error: err });
  let client: PoolClient;
  try {
    client = await beginTransaction(deps.pool, onConnectionError);
  } catch (err) {
    const e = toLoadError(err, target);
    log.error('load failed', { reason: e.reason, retryable: e.retryable, code: e.details.code });
    throw e;
  }
  let body: Readable | undefined;
  // COPY numbers lines from where its input starts: after the header when streaming (the header is stripped),
  // from the file's first line when aws_s3 reads the file with HEADER true.
  let headerLines = deps.strategy === 'stream' ? 1 : 0;
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, route.qualified]);
    await client.query(`SET LOCAL lock_timeout = ${Math.round(deps.lockTimeoutMs ?? 60_000)}`);
    const outcome =
      deps.strategy === 'stream'
        ? await streamLoad(deps, client, ref, route, target, (b) => (body = b), (n) => (headerLines = n))
        : await serverSideImport(deps, client, ref, route, target);
    if (outcome.status === 'skipped') {
      await client.query('ROLLBACK');
      client.off('error', onConnectionError);
      client.release();
      log.info('skipped', { reason: outcome.reason, durationMs: Date.now() - started });
      return { status: 'skipped', bucket: ref.bucket, key, table: route.qualified, reason: outcome.reason };
    }
    await ledgerRecord(client, deps.ledger, {
      bucket: ref.bucket,
      key,
      identity: outcome.identity,
      table: route.qualified,
      mode: route.mode,
      rows: outcome.rows,
      bytes: outcome.bytes,
    });
    await client.query('COMMIT');
    client.off('error', onConnectionError);
    client.release();
    log.info('loaded', {
      rows: outcome.rows,
      bytes: outcome.bytes,
      // upsert: how many of the rows were new keys and how many updated existing ones (counts only).
      inserted: outcome.merged?.inserted,
      updated: outcome.merged?.updated,
      deleted: outcome.merged?.deleted,
      durationMs: Date.now() - started,
      versionId: outcome.identity.versionId,
      eTag: outcome.identity.eTag,
    });
    return {
      status: 'loaded',
      bucket: ref.bucket,
      key,
      table: route.qualified,
      mode: route.mode,
      rows: outcome.rows,
      eTag: outcome.identity.eTag,
      versionId: outcome.identity.versionId,
    };
  } catch (err) {
    (body as Readable | undefined)?.destroy();
    // Roll back before reporting, so the table is as before when the error surfaces; then drop the connection
    // (a COPY cut short can leave it in an unknown protocol state).
    await client.query('ROLLBACK').catch(() => undefined);
    client.off('error', onConnectionError);
    client.release(true);
    const e = toLoadError(err, target, headerLines);
    log.error('load failed', {
      reason: e.reason,
      retryable: e.retryable,
      line: e.details.line,
      column: e.details.column,
      code: e.details.code,
      durationMs: Date.now() - started,
    });
    throw e;
  }
}

/**
 * A pooled connection with a transaction open. A connection kept idle while the Lambda container was frozen may have
 * been closed by the server or the network meanwhile: on a connection error, BEGIN is tried once more on a fresh one.
 */
export async function beginTransaction(pool: Pool, onError: (err: Error) => void): Promise<PoolClient> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      return client;
    } catch (err) {
      client.off('error', onError);
      client.release(true);
      if (attempt >= 2 || !isTransientDbError(err)) throw err;
    }
  }
}

type Outcome =
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'loaded'; readonly identity: ObjectIdentity; readonly rows: number; readonly bytes?: number; readonly merged?: UpsertCounts };

const reject = (target: LoadTarget, reason: string) => new LoadError(target, `rejected: ${reason}`, false);

/** Checks the table exists and the header matches it; returns the COPY column list in file order. */
async function copyColumns(client: PoolClient, route: ResolvedRoute, target: LoadTarget, header: ParsedHeader): Promise<string> {
  const columns = await tableColumns(client, route.schema, route.name);
  if (!columns) {
    throw new LoadError(target, `failed: table ${route.qualified} does not exist (create it before loading, or fix the route)`, false);
  }
  const mapping = mapHeader(header.columns, columns);
  if (!mapping.ok) throw reject(target, `header does not match table ${route.qualified}: ${mapping.problem}`);
  return mapping.columns.map(quoteIdent).join(', ');
}

/** Lines the header spans (1 unless a quoted name holds a line break): COPY's line numbers start after it. */
function linesIn(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (buf[i] === 0x0a || (buf[i] === 0x0d && buf[i + 1] !== 0x0a)) n++;
  return Math.max(n, 1);
}

async function streamLoad(
  deps: LoaderDeps,
  client: PoolClient,
  ref: ObjectRef,
  route: ResolvedRoute,
  target: LoadTarget,
  setBody: (b: Readable) => void,
  setHeaderLines: (n: number) => void,
): Promise<Outcome> {
  if (route.mode === 'replace' && ref.versionId) {
    // A replace table mirrors the key's latest upload: a (re)delivered event for an older version must not win.
    const current = await deps.source.head(ref);
    if (current && current.versionId !== ref.versionId) {
      return { status: 'skipped', reason: 'superseded: this version is no longer the current one; the newer upload loads from its own event' };
    }
  }
  const opened = await deps.source.open(ref);
  if (opened.status === 'missing') throw new ObjectMissingError(target, ref.versionId);
  if (opened.status === 'superseded') {
    return { status: 'skipped', reason: 'superseded: the key was overwritten after this event; the newer content loads from its own event' };
  }
  const object = opened.object;
  setBody(object.body);
  if (await ledgerHas(client, deps.ledger, ref.bucket, ref.key, object)) {
    object.body.destroy();
    return { status: 'skipped', reason: 'duplicate: this object version was already loaded (ledger hit)' };
  }

  // Read just enough to parse the header and to know whether any data follows it.
  const dialect = resolveDialect(route.csv);
  // gzip (`.gz` key or Content-Encoding gzip): decompressed on the way, so the header check, the record count and
  // COPY see the CSV bytes; the ledger's `bytes` stays the object's size in S3 (compressed). Plain files skip this.
  const gzip = isGzipped(ref.key, object.contentEncoding);
  const input = gzip ? gunzipBody(object.body) : object.body;
  if (gzip) setBody(input);
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buf: Buffer = Buffer.alloc(0);
  let done = false;
  let header: ParsedHeader | undefined;
  while (!header || (buf.length <= header.end && !done)) {
    const next = await it.next();
    if (next.done) done = true;
    else buf = buf.length ? Buffer.concat([buf, next.value]) : next.value;
    if (!header) {
      if (buf.length === 0 && done) throw reject(target, 'the file is empty (0 bytes): expected a header line');
      header = parseHeader(buf, done, dialect);
      if (!header && buf.length > MAX_HEADER_BYTES) throw reject(target, `no line break in the first ${MAX_HEADER_BYTES} bytes: not a CSV file with a header`);
    }
  }
  const headerLines = linesIn(buf, header.end);
  setHeaderLines(headerLines);
  // upsert: rows go to a temporary staging table first, merged into the target after the row-count check.
  const upsert = route.mode === 'upsert' ? await prepareUpsert(client, route, target, header.columns) : undefined;
  const columns = upsert ? upsert.copyList : await copyColumns(client, route, target, header);
  const rest = buf.subarray(header.end);

  if (rest.length === 0 && done) {
    if (route.mode === 'replace') {
      throw reject(target, 'the file has a header but no rows; replace mode refuses to empty the table (upload a file with rows, or use append mode)');
    }
    return { status: 'loaded', identity: object, rows: 0, bytes: gzip ? object.size : buf.length };
  }
  if (route.mode === 'replace') await client.query(`TRUNCATE TABLE ${quoteIdent(route.schema)}.${quoteIdent(route.name)}`);

  const counter = new CsvRecordCounter(headerLines + 1, dialect.quote);
  const copy = client.query(copyFrom(`COPY ${upsert?.staging ?? `${quoteIdent(route.schema)}.${quoteIdent(route.name)}`} (${columns}) FROM STDIN WITH ${copyOptions(dialect, false)}`));
  // Long loads report progress (counts only), so a load near the Lambda timeout is visible in the logs.
  const progress = setInterval(
    () => deps.logger.info('loading', { bucket: ref.bucket, key: ref.key, table: route.qualified, rows: counter.records, bytes: counter.bytes }),
    PROGRESS_LOG_MS,
  );
  try {
    await pipeline(
      async function* () {
        yield rest;
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      },
      counter,
      copy,
    );
  } finally {
    clearInterval(progress);
  }
  if (copy.rowCount !== counter.records) {
    throw reject(
      target,
      `Postgres loaded ${copy.rowCount} rows but the file has ${counter.records}; the data may contain an end-of-data marker or a stray line break`,
    );
  }
  const merged = upsert && (await mergeUpsert(client, route, target, upsert));
  return { status: 'loaded', identity: object, rows: copy.rowCount, bytes: gzip ? object.size : header.end + counter.bytes, merged };
}

async function serverSideImport(deps: LoaderDeps, client: PoolClient, ref: ObjectRef, route: ResolvedRoute, target: LoadTarget): Promise<Outcome> {
  const sameContent = (a: ObjectIdentity, b: ObjectIdentity) => a.eTag === b.eTag && a.versionId === b.versionId;
  // aws_s3 reads the object's current version: import only when that is the version this event announced.
  const current = await deps.source.head(ref);
  if (!current) throw new ObjectMissingError(target, ref.versionId);
  if ((ref.versionId && current.versionId !== ref.versionId) || (!ref.versionId && ref.eTag && current.eTag !== ref.eTag)) {
    return { status: 'skipped', reason: 'superseded: the key holds a newer version than this event; the newer content loads from its own event' };
  }
  if (await ledgerHas(client, deps.ledger, ref.bucket, ref.key, current)) {
    return { status: 'skipped', reason: 'duplicate: this object version was already loaded (ledger hit)' };
  }
  const probe = await deps.source.openRange({ ...ref, versionId: current.versionId, eTag: current.eTag }, HEADER_PROBE_BYTES);
  if (probe.status === 'missing') throw new ObjectMissingError(target, ref.versionId);
  if (probe.status === 'superseded') return { status: 'skipped', reason: 'superseded: the key was overwritten during the load' };
  const dialect = resolveDialect(route.csv);
  // aws_s3 decompresses only objects stored with Content-Encoding gzip metadata ("Importing an Amazon S3 compressed
  // (gzip) file", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.S3Import.FileFormats.html).
  const gzipped = hasGzipEncoding(probe.object.contentEncoding);
  if (!gzipped && ref.key.endsWith('.gz')) {
    probe.object.body.destroy();
    throw new LoadError(
      target,
      'failed: the key ends in .gz but the object has no Content-Encoding: gzip metadata, and aws_s3.table_import_from_s3 decompresses only objects that have it; upload it with Content-Encoding gzip (aws s3 cp --content-encoding gzip) or load it with strategy "stream"',
      false,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of probe.object.body) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const whole = current.size !== undefined && current.size <= raw.length;
  if (raw.length === 0) throw reject(target, 'the file is empty (0 bytes): expected a header line');
  const head = gzipped ? gunzipProbe(raw, whole) : raw;
  if (head.length === 0) throw reject(target, 'the file is empty (0 bytes): expected a header line');
  const header = parseHeader(head, whole, dialect);
  if (!header) throw reject(target, `no line break in the first ${HEADER_PROBE_BYTES} bytes: not a CSV file with a header`);
  const upsert = route.mode === 'upsert' ? await prepareUpsert(client, route, target, header.columns) : undefined;
  const columns = upsert ? upsert.copyList : await copyColumns(client, route, target, header);
  if (whole && head.length <= header.end) {
    if (route.mode === 'replace') {
      throw reject(target, 'the file has a header but no rows; replace mode refuses to empty the table (upload a file with rows, or use append mode)');
    }
    return { status: 'loaded', identity: current, rows: 0, bytes: current.size ?? raw.length };
  }
  if (route.mode === 'replace') await client.query(`TRUNCATE TABLE ${quoteIdent(route.schema)}.${quoteIdent(route.name)}`);
  const { rows } = await client.query<{ result: string }>(
    `SELECT aws_s3.table_import_from_s3($1, $2, $6, aws_commons.create_s3_uri($3, $4, $5)) AS result`,
    [upsert?.staging ?? `${quoteIdent(route.schema)}.${quoteIdent(route.name)}`, columns, ref.bucket, ref.key, deps.region, copyOptions(dialect, true)],
  );
  const imported = /^(\d+) rows? imported/.exec(rows[0]?.result ?? '');
  if (!imported) throw new LoadError(target, `failed: unexpected result from aws_s3.table_import_from_s3: ${rows[0]?.result}`, false);
  const after = await deps.source.head(ref);
  if (!after || !sameContent(after, current)) {
    throw new LoadError(target, 'failed: the object changed while Postgres imported it, so the rows may not be the announced version', true);
  }
  const merged = upsert && (await mergeUpsert(client, route, target, upsert));
  return { status: 'loaded', identity: current, rows: Number(imported[1]), bytes: current.size, merged };
}

/**
 * The start of a gzip object, decompressed: the whole object strictly (a truncated one is refused here), a ranged
 * prefix as far as it goes (Z_SYNC_FLUSH returns what the bytes so far decode to instead of "unexpected end of file").
 */
function gunzipProbe(raw: Buffer, whole: boolean): Buffer {
  try {
    return whole ? gunzipSync(raw) : gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (err) {
    throw new GzipFormatError((err as Error).message);
  }
}
